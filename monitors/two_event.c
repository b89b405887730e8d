/*
 * Microsoft.Windows.2SingleEventLog2StateMonitorType: one event expression moves
 * the monitor to FirstEventRaised, another to SecondEventRaised (the seed's
 * Enrollment Connection: 1004 healthy, 1003 failed). The *ComputerName elements
 * name the Windows host to read from; mpmon reads local sources, so they are
 * accepted and ignored.
 */
#include "monitors/monitor.h"

static const char *const states[] = { "FirstEventRaised", "SecondEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	int r1 = monitor_subscribe(m, config, "FirstLogName", "FirstExpression", 0, d);
	int r2 = monitor_subscribe(m, config, "SecondLogName", "SecondExpression", 1, d);

	return r1 < 0 ? r1 : r2;
}

static const char *const config_names[] = {
	"FirstLogName", "FirstExpression", "SecondLogName", "SecondExpression", NULL,
};

const struct monitor_type monitor_type_two_event = {
	.id = "Microsoft.Windows.2SingleEventLog2StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 2,
	.reset_state = -1,
	.configure = configure,
	.on_event = monitor_step_to_match,
};
