/*
 * Mpmon.MissingEvent2StateMonitorType: a heartbeat. Each matching event means
 * EventRaised (healthy) and restarts a wait of IntervalSeconds; when the wait
 * runs out with no matching event the monitor is EventMissing until the next
 * one. Silence from the start counts too: the type's start step arms the wait
 * when the engine first learns the clock, so a log that never writes the event
 * is caught. With an InstanceField, an instance is only known from its first
 * event, and each instance waits from its own last event. A reset makes it
 * EventRaised and the wait starts again from the reset.
 *
 * Mpmon.HeartbeatMonitorType is the same wait over every event of a computer
 * the inventory expects, whatever its log: IntervalSeconds times
 * MissedHeartbeats without one is a heartbeat failure (SCOM's Health Service
 * Heartbeat Failure), and what runs on that computer is not monitored until
 * it reports again.
 */
#include "monitors/monitor.h"

#include <errno.h>
#include <stdlib.h>

enum { RAISED, MISSING };

static const char *const states[] = { "EventRaised", "EventMissing" };

struct missing_config {
	int64_t interval;	/* µs */
};

/* The wait both types arm, in µs, as the monitor's configuration. */
static int set_wait(struct monitor *m, int64_t interval)
{
	struct missing_config *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->interval = interval;
	m->priv = c;
	return 0;
}

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	int64_t secs;
	int r;

	r = monitor_subscribe(m, config, "LogName", "Expression", RAISED, d);
	if (monitor_config_int(m, config, "IntervalSeconds", 1, 366LL * 86400, false, 0, &secs,
			       d) < 0)
		return -EINVAL;
	if (r < 0)
		return r;
	return set_wait(m, secs * 1000000);
}

static int configure_heartbeat(struct monitor *m, const struct mp_elem *config,
			       struct diag *d)
{
	int64_t secs, missed;

	if (monitor_config_int(m, config, "IntervalSeconds", 1, 86400, false, 0, &secs, d) < 0 ||
	    monitor_config_int(m, config, "MissedHeartbeats", 1, 1000, true, 3, &missed, d) < 0)
		return -EINVAL;
	return set_wait(m, secs * missed * 1000000);
}

static int on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx,
		    unsigned match, const struct event *ev)
{
	const struct missing_config *c = m->priv;

	(void)state, (void)match, (void)ev;
	ctx->deadline = ctx->now + c->interval;
	return RAISED;
}

/* Missing stays missing: only an event (or a reset) ends it, so no new wait. */
static int on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	(void)m, (void)state;
	ctx->deadline = MONITOR_NO_DEADLINE;
	return MISSING;
}

/* Wait from now, without claiming health yet: nothing has been seen. */
static int start(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct missing_config *c = m->priv;

	(void)state;
	ctx->deadline = ctx->now + c->interval;
	return MONITOR_NO_CHANGE;
}

/* After an operator's reset the wait starts again: silence from then on counts. */
static void on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct missing_config *c = m->priv;

	(void)state;
	ctx->deadline = ctx->now + c->interval;
}

static void release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

static const char *const config_names[] = {
	"LogName", "Expression", "IntervalSeconds", NULL,
};

static const char *const overridable_names[] = { "IntervalSeconds", NULL };

const struct monitor_type monitor_type_missing_event = {
	.id = "Mpmon.MissingEvent2StateMonitorType",
	.config = config_names,
	.overridable = overridable_names,
	.states = states,
	.nstates = 2,
	.reset_state = RAISED,
	.configure = configure,
	.on_event = on_event,
	.on_tick = on_tick,
	.start = start,
	.on_reset = on_reset,
	.release = release,
};

static const char *const heartbeat_states[] = { "Heartbeat", "HeartbeatFailure" };

static const char *const heartbeat_config[] = {
	"IntervalSeconds", "MissedHeartbeats", NULL,
};

const struct monitor_type monitor_type_heartbeat = {
	.id = "Mpmon.HeartbeatMonitorType",
	.config = heartbeat_config,
	.overridable = heartbeat_config,
	.states = heartbeat_states,
	.nstates = 2,
	.hears_every_event = true,
	.reset_state = RAISED,
	.configure = configure_heartbeat,
	.on_event = on_event,
	.on_tick = on_tick,
	.start = start,
	.on_reset = on_reset,
	.release = release,
};
