/*
 * Microsoft.Windows.3SingleEventLog3StateUnitMonitorType: three event expressions
 * move the monitor to FirstEventRaised, SecondEventRaised and ThirdEventRaised;
 * the pack maps them to health (typically Success, Warning, Error). An event that
 * matches more than one expression moves the monitor through each in order, so
 * the last (Third) wins, as two_event.c does for two.
 */
#include "monitors/monitor.h"

#include <errno.h>

static const char *const states[] = { "FirstEventRaised", "SecondEventRaised",
				      "ThirdEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	int r = 0;

	if (monitor_subscribe(m, config, "FirstLogName", "FirstExpression", 0, d) < 0)
		r = -EINVAL;
	if (monitor_subscribe(m, config, "SecondLogName", "SecondExpression", 1, d) < 0)
		r = -EINVAL;
	if (monitor_subscribe(m, config, "ThirdLogName", "ThirdExpression", 2, d) < 0)
		r = -EINVAL;
	return r;
}

static const char *const config_names[] = {
	"FirstLogName", "FirstExpression", "SecondLogName", "SecondExpression",
	"ThirdLogName", "ThirdExpression", NULL,
};

const struct monitor_type monitor_type_three_event = {
	.id = "Microsoft.Windows.3SingleEventLog3StateUnitMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 3,
	.reset_state = -1,
	.configure = configure,
	.on_event = monitor_step_to_match,
};
