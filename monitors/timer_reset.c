/*
 * Microsoft.Windows.SingleEventLogTimer2StateMonitorType: a matching event moves
 * the monitor to EventRaised; TimerWaitInSeconds after the last matching event it
 * returns to TimerEventRaised by itself. Each new matching event restarts the
 * wait, so a condition that keeps recurring keeps the monitor unhealthy.
 */
#include "monitors/monitor.h"

#include "lib/diag.h"

#include <errno.h>
#include <stdlib.h>

static const char *const states[] = { "TimerEventRaised", "EventRaised" };

struct timer_config {
	int64_t wait_us;
};

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	struct timer_config *c;
	int64_t secs;
	int r;

	r = monitor_subscribe(m, config, "LogName", "Expression", 1, d);
	if (monitor_config_int(m, config, "TimerWaitInSeconds", 1, 366LL * 86400, false, 0,
			       &secs, d) < 0)
		return -EINVAL;
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->wait_us = secs * 1000000;
	m->priv = c;
	return 0;
}

static int on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx,
		    unsigned match, const struct event *ev)
{
	const struct timer_config *c = m->priv;

	ctx->deadline = ctx->now + c->wait_us;
	return monitor_step_to_match(m, state, ctx, match, ev);
}

static int on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	(void)m, (void)state;
	ctx->deadline = MONITOR_NO_DEADLINE;
	return 0;
}

static void release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

static const char *const config_names[] = {
	"LogName", "Expression", "TimerWaitInSeconds", NULL,
};

const struct monitor_type monitor_type_timer_reset = {
	.id = "Microsoft.Windows.SingleEventLogTimer2StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 2,
	.reset_state = 0,
	.configure = configure,
	.on_event = on_event,
	.on_tick = on_tick,
	.release = release,
};
