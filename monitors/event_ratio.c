/*
 * Mpmon.EventRatio2StateMonitorType: the share of bad events among good and bad
 * ones over a sliding window, for logs where some failures are normal and only
 * their proportion tells trouble (an MDM Gateway's Alerter: 5506 the device
 * answered, 5507 it never did). Judged only when the window holds at least
 * MinSamples events; at or above UnhealthyRatio it is OverThreshold, below
 * HealthyRatio (default: UnhealthyRatio) UnderThreshold, and in between it keeps
 * its state, so a ratio hovering at the threshold does not flap.
 *
 * The window is a ring of RATIO_BUCKETS time buckets of WindowSeconds/64 each,
 * held in the instance's plain-data state: a sample leaves the window when its
 * bucket does, between 63/64 and 64/64 of WindowSeconds after it was counted.
 * Samples expire on events and on a timer at the next bucket to leave, so a
 * quiet log still moves the state at the right time on the event clock.
 */
#include "monitors/monitor.h"

#include "lib/diag.h"
#include "lib/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RATIO_BUCKETS 64	/* a power of two: 1000000 µs divides by it exactly */
#define RATIO_ONE 1000000	/* ratios in millionths, so 0.3 compares exactly */

enum { UNDER, OVER };
enum { GOOD, BAD };

static const char *const states[] = { "UnderThreshold", "OverThreshold" };

struct ratio_config {
	int64_t width;		/* µs per bucket */
	uint64_t min_samples;
	uint64_t unhealthy;	/* millionths */
	uint64_t healthy;
};

struct ratio_state {
	int64_t width;		/* the width head was counted in; 0 before the first sample */
	int64_t head;		/* number of the newest bucket (time / width) */
	uint32_t good[RATIO_BUCKETS];
	uint32_t bad[RATIO_BUCKETS];
};

/*
 * Parse a ratio from 0 to 1 with up to six decimals ("0.9", "1", ".25") into
 * millionths. Whole-number arithmetic keeps bad/total >= ratio exact.
 */
static bool parse_ratio(struct str s, uint64_t *out)
{
	uint64_t v = 0, scale = RATIO_ONE;
	size_t i = 0;
	bool digits = false;

	s = str_trim(s);
	if (s.len && s.p[0] == '0')
		i++, digits = true;
	else if (s.len && s.p[0] == '1')
		i++, digits = true, v = RATIO_ONE;
	if (i < s.len && s.p[i] == '.') {
		for (i++; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
			if (scale == 1)
				return false;
			scale /= 10;
			v += (uint64_t)(s.p[i] - '0') * scale;
			digits = true;
		}
	}
	if (!digits || i != s.len || v > RATIO_ONE)
		return false;
	*out = v;
	return true;
}

static int config_ratio(const struct monitor *m, const struct mp_elem *config, const char *name,
			bool optional, uint64_t *out, struct diag *d)
{
	const struct mp_elem *e = mp_elem_child(config, name);

	if (!e && optional)
		return 1;
	if (!e) {
		diag_error(d, config->file, config->line, "monitor '%s': configuration lacks '%s'",
			   m->def->id, name);
		return -EINVAL;
	}
	if (!parse_ratio(str_of(e->text), out) || *out == 0) {
		diag_error(d, e->file, e->line,
			   "monitor '%s': '%s' must be a ratio above 0 and at most 1 (such as "
			   "0.75), not '%s'", m->def->id, name, e->text);
		return -EINVAL;
	}
	return 0;
}

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	struct ratio_config c = { 0 };
	int64_t window, min;
	int r = 0, k;

	if (monitor_subscribe(m, config, "LogName", "GoodExpression", GOOD, d) < 0)
		r = -EINVAL;
	if (monitor_subscribe(m, config, "LogName", "BadExpression", BAD, d) < 0)
		r = -EINVAL;
	if (monitor_config_int(m, config, "WindowSeconds", 1, 366LL * 86400, false, 0, &window,
			       d) < 0)
		r = -EINVAL;
	if (monitor_config_int(m, config, "MinSamples", 1, 100000000, false, 0, &min, d) < 0)
		r = -EINVAL;
	if (config_ratio(m, config, "UnhealthyRatio", false, &c.unhealthy, d) < 0)
		r = -EINVAL;
	k = config_ratio(m, config, "HealthyRatio", true, &c.healthy, d);
	if (k < 0)
		r = -EINVAL;
	if (r < 0)
		return r;
	if (k > 0)
		c.healthy = c.unhealthy;
	if (c.healthy > c.unhealthy) {
		const struct mp_elem *e = mp_elem_child(config, "HealthyRatio");

		diag_error(d, e->file, e->line,
			   "monitor '%s': 'HealthyRatio' (%s) must not be above 'UnhealthyRatio'",
			   m->def->id, e->text);
		return -EINVAL;
	}
	c.width = window * (1000000 / RATIO_BUCKETS);
	c.min_samples = (uint64_t)min;
	m->priv = malloc(sizeof(c));
	if (!m->priv)
		return -ENOMEM;
	memcpy(m->priv, &c, sizeof(c));
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Drop the buckets that left the window by now. */
static void expire(const struct ratio_config *c, struct ratio_state *s, int64_t now)
{
	int64_t cur = floor_div(now, c->width), b;

	if (s->width != c->width) {
		/* first sample, or a checkpoint taken with another window: start afresh */
		memset(s, 0, sizeof(*s));
		s->width = c->width;
		s->head = cur;
		return;
	}
	if (cur <= s->head)
		return;
	if (cur - s->head >= RATIO_BUCKETS) {
		memset(s->good, 0, sizeof(s->good));
		memset(s->bad, 0, sizeof(s->bad));
	} else {
		for (b = s->head + 1; b <= cur; b++) {
			s->good[b & (RATIO_BUCKETS - 1)] = 0;
			s->bad[b & (RATIO_BUCKETS - 1)] = 0;
		}
	}
	s->head = cur;
}

/* The new state, and the next time a bucket leaves while that could matter. */
static int judge(const struct ratio_config *c, const struct ratio_state *s,
		 struct monitor_ctx *ctx)
{
	uint64_t good = 0, bad = 0, total;
	int64_t oldest = -1, k;

	for (k = RATIO_BUCKETS - 1; k >= 0; k--) {
		unsigned i = (unsigned)((s->head - k) & (RATIO_BUCKETS - 1));

		good += s->good[i];
		bad += s->bad[i];
		if (oldest < 0 && (s->good[i] || s->bad[i]))
			oldest = k;
	}
	total = good + bad;
	/* expiry only lowers the count: below MinSamples no timer can change anything */
	ctx->deadline = total >= c->min_samples && oldest >= 0
				? (s->head - oldest + RATIO_BUCKETS) * c->width
				: MONITOR_NO_DEADLINE;
	if (total < c->min_samples)
		return MONITOR_NO_CHANGE;
	if (bad * RATIO_ONE >= c->unhealthy * total)
		return OVER;
	if (bad * RATIO_ONE < c->healthy * total)
		return UNDER;
	/* between the two ratios: keep the state; a first judgement is not over */
	return ctx->state < 0 ? UNDER : MONITOR_NO_CHANGE;
}

static int on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx,
		    unsigned match, const struct event *ev)
{
	const struct ratio_config *c = m->priv;
	struct ratio_state *s = state;
	unsigned i;

	(void)ev;
	expire(c, s, ctx->now);
	i = (unsigned)(s->head & (RATIO_BUCKETS - 1));
	if (match == BAD && s->bad[i] < UINT32_MAX)
		s->bad[i]++;
	else if (match == GOOD && s->good[i] < UINT32_MAX)
		s->good[i]++;
	return judge(c, s, ctx);
}

static int on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct ratio_config *c = m->priv;

	expire(c, state, ctx->now);
	return judge(c, state, ctx);
}

/* An operator's reset starts afresh: what was counted belonged to the cleared condition. */
static void on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	(void)m;
	memset(state, 0, sizeof(struct ratio_state));
	ctx->deadline = MONITOR_NO_DEADLINE;
}

static void release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

static const char *const config_names[] = {
	"LogName", "GoodExpression", "BadExpression", "WindowSeconds", "MinSamples",
	"UnhealthyRatio", "HealthyRatio", NULL,
};

static const char *const overridable_names[] = {
	"WindowSeconds", "MinSamples", "UnhealthyRatio", "HealthyRatio", NULL,
};

const struct monitor_type monitor_type_event_ratio = {
	.id = "Mpmon.EventRatio2StateMonitorType",
	.config = config_names,
	.overridable = overridable_names,
	.states = states,
	.nstates = 2,
	.reset_state = UNDER,
	.state_size = sizeof(struct ratio_state),
	.configure = configure,
	.on_event = on_event,
	.on_tick = on_tick,
	.on_reset = on_reset,
	.release = release,
};
