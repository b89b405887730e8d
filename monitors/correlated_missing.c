/*
 * Mpmon.CorrelatedMissingEvent2StateMonitorType: a request that must be answered.
 * A first event carrying value V in CorrelationField (a wipe requested for a
 * device) opens a pending correlation; a second event with the same V within
 * WindowSeconds (the device acknowledged the wipe) closes it. A correlation
 * still open when its window ends moves the instance to CorrelationMissing;
 * a later second event (for V, or for any V once no missed one is left)
 * brings it back to Correlated.
 *
 * Pending correlations live in a fixed table in the instance's plain-data state:
 * values are kept as a prefix and a hash of the whole value. When the table is
 * full, the oldest correlation already reported missing is forgotten to make
 * room, else the new request is not watched; either way the loss is counted
 * in the state and in the engine's statistics (m->dropped).
 */
#include "monitors/monitor.h"

#include "lib/diag.h"
#include "lib/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CORR_MAX_PENDING 16
#define CORR_KEY_BYTES 40	/* device IDs and host names fit; longer ones keep a prefix */

enum { CORRELATED, MISSING };
enum { FIRST, SECOND };

static const char *const states[] = { "Correlated", "CorrelationMissing" };

struct corr_config {
	struct field_ref field;
	int64_t window;		/* µs */
};

struct pending {
	int64_t deadline;	/* first event's time + WindowSeconds */
	uint64_t hash;		/* of the whole value */
	uint32_t len;		/* of the whole value */
	uint8_t used;
	uint8_t missed;		/* its window ended: reported */
	uint8_t pad[2];
	char key[CORR_KEY_BYTES];
};

struct corr_state {
	uint32_t overflows;	/* correlations dropped at the table's bound */
	uint32_t pad;
	struct pending p[CORR_MAX_PENDING];
};

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct mp_elem *f = mp_elem_child(config, "CorrelationField");
	struct corr_config *c;
	int64_t secs;
	int r = 0;

	if (monitor_subscribe(m, config, "LogName", "FirstExpression", FIRST, d) < 0)
		r = -EINVAL;
	if (monitor_subscribe(m, config, "LogName", "SecondExpression", SECOND, d) < 0)
		r = -EINVAL;
	if (monitor_config_int(m, config, "WindowSeconds", 1, 366LL * 86400, false, 0, &secs,
			       d) < 0)
		r = -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	m->priv = c;
	if (!f) {
		diag_error(d, config->file, config->line,
			   "monitor '%s': configuration lacks 'CorrelationField'", m->def->id);
		return -EINVAL;
	} else {
		struct str t = str_trim(str_of(f->text));

		if (field_ref_parse(t.p, t.len, &c->field) < 0) {
			diag_error(d, f->file, f->line, "monitor '%s': bad CorrelationField '%s'",
				   m->def->id, f->text);
			return -EINVAL;
		}
	}
	c->window = secs * 1000000;
	return r;
}

static struct pending *find(struct corr_state *s, struct str v, uint64_t h)
{
	size_t n = v.len < CORR_KEY_BYTES ? v.len : CORR_KEY_BYTES;
	unsigned i;

	for (i = 0; i < CORR_MAX_PENDING; i++) {
		struct pending *p = &s->p[i];

		if (p->used && p->hash == h && p->len == v.len && memcmp(p->key, v.p, n) == 0)
			return p;
	}
	return NULL;
}

/* A free entry: an unused one, else the oldest missed one (counted as lost). */
static struct pending *make_room(const struct monitor *m, struct corr_state *s)
{
	struct pending *oldest = NULL;
	unsigned i;

	for (i = 0; i < CORR_MAX_PENDING; i++) {
		if (!s->p[i].used)
			return &s->p[i];
		if (s->p[i].missed && (!oldest || s->p[i].deadline < oldest->deadline))
			oldest = &s->p[i];
	}
	if (s->overflows < UINT32_MAX)
		s->overflows++;
	(*m->dropped)++;
	return oldest;
}

/* Arm the timer at the earliest open window; tell whether a missed one is left. */
static bool rearm(const struct corr_state *s, struct monitor_ctx *ctx)
{
	bool missed = false;
	unsigned i;

	ctx->deadline = MONITOR_NO_DEADLINE;
	for (i = 0; i < CORR_MAX_PENDING; i++) {
		const struct pending *p = &s->p[i];

		if (!p->used)
			continue;
		if (p->missed)
			missed = true;
		else if (p->deadline < ctx->deadline)
			ctx->deadline = p->deadline;
	}
	return missed;
}

static int on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx,
		    unsigned match, const struct event *ev)
{
	const struct corr_config *c = m->priv;
	struct corr_state *s = state;
	struct str v = event_get(ev, &c->field);
	struct pending *p;
	uint64_t h;

	if (!v.p || v.len > UINT32_MAX)
		return MONITOR_NO_CHANGE;
	h = str_hash(v);
	p = find(s, v, h);
	if (match == FIRST) {
		/* a repeated request keeps the first one's deadline: the wait started then */
		if (!p && (p = make_room(m, s)) != NULL) {
			memset(p, 0, sizeof(*p));
			p->used = 1;
			p->deadline = ctx->now + c->window;
			p->hash = h;
			p->len = (uint32_t)v.len;
			memcpy(p->key, v.p, v.len < CORR_KEY_BYTES ? v.len : CORR_KEY_BYTES);
		}
		rearm(s, ctx);
		return MONITOR_NO_CHANGE;
	}
	if (p)
		memset(p, 0, sizeof(*p));
	return rearm(s, ctx) ? MONITOR_NO_CHANGE : CORRELATED;
}

static int on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	struct corr_state *s = state;
	bool newly = false;
	unsigned i;

	(void)m;
	for (i = 0; i < CORR_MAX_PENDING; i++) {
		struct pending *p = &s->p[i];

		if (p->used && !p->missed && p->deadline <= ctx->now) {
			p->missed = 1;
			newly = true;
		}
	}
	rearm(s, ctx);
	return newly ? MISSING : MONITOR_NO_CHANGE;
}

/*
 * An operator's reset starts afresh: pending and missed correlations belonged
 * to the condition the operator cleared.
 */
static void on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	(void)m;
	memset(state, 0, sizeof(struct corr_state));
	ctx->deadline = MONITOR_NO_DEADLINE;
}

static void release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

static const char *const config_names[] = {
	"LogName", "FirstExpression", "SecondExpression", "CorrelationField",
	"WindowSeconds", NULL,
};

static const char *const overridable_names[] = { "WindowSeconds", NULL };

const struct monitor_type monitor_type_correlated_missing = {
	.id = "Mpmon.CorrelatedMissingEvent2StateMonitorType",
	.config = config_names,
	.overridable = overridable_names,
	.states = states,
	.nstates = 2,
	.reset_state = CORRELATED,
	.state_size = sizeof(struct corr_state),
	.configure = configure,
	.on_event = on_event,
	.on_tick = on_tick,
	.on_reset = on_reset,
	.release = release,
};
