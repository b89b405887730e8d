/*
 * Mpmon.RepeatedEvent2StateMonitorType: one event is noise, many in a short
 * time are a problem (a retry storm, a crash loop). Count matching events
 * within IntervalSeconds (the Count-th event no more than IntervalSeconds after
 * the first of them) move the instance to RepeatedEventRaised. It returns to
 * HealthyEventRaised on an event passing HealthyExpression, which also starts
 * the count afresh, or after a quiet IntervalSeconds with no matching event.
 *
 * The times of the last Count matching events are kept in a fixed ring in the
 * instance's plain-data state, so the window slides exactly, event by event.
 */
#include "monitors/monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define REPEAT_MAX_COUNT 64

enum { HEALTHY, REPEATED };
enum { MATCH_REPEAT, MATCH_HEALTHY };

static const char *const states[] = { "HealthyEventRaised", "RepeatedEventRaised" };

struct repeat_config {
	uint32_t count;
	int64_t interval;	/* µs */
};

struct repeat_state {
	uint32_t count;		/* the Count the ring was filled for; 0: empty */
	uint32_t n;		/* times held, up to count */
	uint32_t next;		/* where the next time goes: the oldest once full */
	uint32_t pad;
	int64_t times[REPEAT_MAX_COUNT];
};

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	struct repeat_config *c;
	int64_t count, secs;
	int r = 0;

	if (monitor_subscribe(m, config, "LogName", "Expression", MATCH_REPEAT, d) < 0)
		r = -EINVAL;
	if (mp_elem_child(config, "HealthyExpression") &&
	    monitor_subscribe(m, config, "LogName", "HealthyExpression", MATCH_HEALTHY, d) < 0)
		r = -EINVAL;
	if (monitor_config_int(m, config, "Count", 1, REPEAT_MAX_COUNT, false, 0, &count, d) < 0)
		r = -EINVAL;
	if (monitor_config_int(m, config, "IntervalSeconds", 1, 366LL * 86400, false, 0, &secs,
			       d) < 0)
		r = -EINVAL;
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->count = (uint32_t)count;
	c->interval = secs * 1000000;
	m->priv = c;
	return 0;
}

static int on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx,
		    unsigned match, const struct event *ev)
{
	const struct repeat_config *c = m->priv;
	struct repeat_state *s = state;

	(void)ev;
	if (match == MATCH_HEALTHY) {
		memset(s, 0, sizeof(*s));
		ctx->deadline = MONITOR_NO_DEADLINE;
		return HEALTHY;
	}
	if (s->count != c->count || s->n > c->count || s->next >= c->count)
		memset(s, 0, sizeof(*s));	/* new, or checkpointed with another Count */
	s->count = c->count;
	s->times[s->next] = ctx->now;
	s->next = (s->next + 1) % c->count;
	if (s->n < c->count)
		s->n++;
	if (s->n == c->count && ctx->now - s->times[s->next] <= c->interval) {
		ctx->deadline = ctx->now + c->interval;
		return REPEATED;
	}
	/* while raised, every matching event restarts the quiet interval */
	if (ctx->state == REPEATED)
		ctx->deadline = ctx->now + c->interval;
	return MONITOR_NO_CHANGE;
}

/* A quiet interval: the repeated events are over. */
static int on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	(void)m, (void)state;
	ctx->deadline = MONITOR_NO_DEADLINE;
	return HEALTHY;
}

/* An operator's reset starts afresh: what was counted belonged to the cleared condition. */
static void on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	(void)m;
	memset(state, 0, sizeof(struct repeat_state));
	ctx->deadline = MONITOR_NO_DEADLINE;
}

static void release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

static const char *const config_names[] = {
	"LogName", "Expression", "HealthyExpression", "Count", "IntervalSeconds", NULL,
};

static const char *const overridable_names[] = { "Count", "IntervalSeconds", NULL };

const struct monitor_type monitor_type_repeated_event = {
	.id = "Mpmon.RepeatedEvent2StateMonitorType",
	.config = config_names,
	.overridable = overridable_names,
	.states = states,
	.nstates = 2,
	.reset_state = HEALTHY,
	.state_size = sizeof(struct repeat_state),
	.configure = configure,
	.on_event = on_event,
	.on_tick = on_tick,
	.on_reset = on_reset,
	.release = release,
};
