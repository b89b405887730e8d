/*
 * Microsoft.Windows.MissingEventLogSingleEventLog2StateMonitorType: a schedule period
 * of the Consolidator without a MissingExpression event moves the monitor to
 * MissingEventRaised; an event matching Expression brings it back to EventRaised
 * (QND.OMS's heartbeat monitor uses the same event for both). The counting is the
 * Consolidator's (consolidator.c).
 */
#include "monitors/consolidator.h"

#include <errno.h>

static const char *const states[] = { "EventRaised", "MissingEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct cons_config tmpl = {
		.missing = true, .reset = CONS_RESET_EVENT, .good = 0, .bad = 1
	};
	int r = 0, rc;

	if (monitor_subscribe(m, config, "LogName", "Expression", CONS_SUB_HEALTHY, d) < 0)
		r = -EINVAL;
	if (cons_subscribe_counted(m, config, "Missing", d) < 0)
		r = -EINVAL;
	rc = cons_configure(m, config, &tmpl, d);
	return rc < 0 ? rc : r;
}

static const char *const config_names[] = {
	CONS_CONFIG("Missing"), NULL,
};

const struct monitor_type monitor_type_missing_event_reset = {
	.id = "Microsoft.Windows.MissingEventLogSingleEventLog2StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 2,
	.reset_state = 0,
	.state_size = sizeof(struct cons_state),
	.configure = configure,
	.on_event = cons_on_event,
	.on_tick = cons_on_tick,
	.start = cons_start,
	.on_reset = cons_on_reset,
	.release = cons_release,
	.state_ok = cons_state_ok,
};
