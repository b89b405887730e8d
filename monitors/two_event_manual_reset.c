/*
 * Microsoft.Windows.2SingleEventLogManualReset3StateMonitorType: two event
 * expressions move the monitor to FirstEventRaised and SecondEventRaised (a pack
 * maps them to, typically, Warning and Error), and only an operator's reset brings
 * it back to ManualResetEventRaised. For a condition with a degraded and a failed
 * stage and no event that says it is over. The type is not in the references we
 * can reach; its shape follows its siblings (two_event.c and manual_reset.c), as
 * docs/pack-authors.md says.
 */
#include "monitors/monitor.h"

static const char *const states[] = { "FirstEventRaised", "SecondEventRaised",
				      "ManualResetEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	int r1 = monitor_subscribe(m, config, "FirstLogName", "FirstExpression", 0, d);
	int r2 = monitor_subscribe(m, config, "SecondLogName", "SecondExpression", 1, d);

	return r1 < 0 ? r1 : r2;
}

static const char *const config_names[] = {
	"FirstLogName", "FirstExpression", "SecondLogName", "SecondExpression", NULL,
};

const struct monitor_type monitor_type_two_event_manual_reset = {
	.id = "Microsoft.Windows.2SingleEventLogManualReset3StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 3,
	.reset_state = 2,
	.configure = configure,
	.on_event = monitor_step_to_match,
};
