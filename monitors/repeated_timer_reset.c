/*
 * Microsoft.Windows.RepeatedEventLogTimer2StateMonitorType: the Consolidator's count of
 * RepeatedExpression events moves the monitor to RepeatedEventRaised;
 * TimerWaitInSeconds after the last detection it returns to TimerEventRaised (the DNS
 * addendum's eleven monitors). The counting is the Consolidator's (consolidator.c).
 */
#include "monitors/consolidator.h"

#include <errno.h>

static const char *const states[] = { "TimerEventRaised", "RepeatedEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct cons_config tmpl = {
		.missing = false, .reset = CONS_RESET_TIMER, .good = 0, .bad = 1
	};
	int r = 0, rc;

	if (cons_subscribe_counted(m, config, "Repeated", d) < 0)
		r = -EINVAL;
	rc = cons_configure(m, config, &tmpl, d);
	return rc < 0 ? rc : r;
}

static const char *const config_names[] = {
	CONS_CONFIG("Repeated"), "TimerWaitInSeconds", NULL,
};

const struct monitor_type monitor_type_repeated_timer_reset = {
	.id = "Microsoft.Windows.RepeatedEventLogTimer2StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 2,
	.reset_state = 0,
	.state_size = sizeof(struct cons_state),
	.configure = configure,
	.on_event = cons_on_event,
	.on_tick = cons_on_tick,
	.on_reset = cons_on_reset,
	.release = cons_release,
	.state_ok = cons_state_ok,
};
