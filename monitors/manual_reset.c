/*
 * Microsoft.Windows.SingleEventLogManualReset2StateMonitorType: a matching event
 * moves the monitor to EventRaised, and only an operator's reset (mpmon reset)
 * brings it back to ManualResetEventRaised. For events with no healthy
 * counterpart, such as a memory allocation failure.
 */
#include "monitors/monitor.h"

static const char *const states[] = { "ManualResetEventRaised", "EventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	return monitor_subscribe(m, config, "LogName", "Expression", 1, d);
}

static const char *const config_names[] = {
	"LogName", "Expression", NULL,
};

const struct monitor_type monitor_type_manual_reset = {
	.id = "Microsoft.Windows.SingleEventLogManualReset2StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 2,
	.reset_state = 0,
	.configure = configure,
	.on_event = monitor_step_to_match,
};
