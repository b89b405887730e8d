/*
 * Microsoft.Windows.CorrelatedEventLogSingleEventLog2StateMonitorType: Count
 * SecondExpression events within the Correlator's Interval of a FirstExpression
 * event, with equal correlation values, move the monitor to CorrelatedEventRaised;
 * an event matching Expression brings it back to EventRaised. The correlating is
 * the Correlator's (correlator.c).
 */
#include "monitors/correlator.h"

#include <errno.h>

static const char *const states[] = { "EventRaised", "CorrelatedEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct corr_config tmpl = {
		.missing = false, .reset = CORR_RESET_EVENT, .good = 0, .bad = 1
	};
	int r = 0, rc;

	if (monitor_subscribe(m, config, "LogName", "Expression", CORR_SUB_HEALTHY, d) < 0)
		r = -EINVAL;
	rc = corr_configure(m, config, &tmpl, d);
	return rc < 0 ? rc : r;
}

static const char *const config_names[] = {
	CORR_CONFIG, "LogName", "Expression", NULL,
};

const struct monitor_type monitor_type_correlated_event_reset = {
	.id = "Microsoft.Windows.CorrelatedEventLogSingleEventLog2StateMonitorType",
	.config = config_names,
	.states = states,
	.nstates = 2,
	.reset_state = 0,
	.state_size = sizeof(struct corr_state),
	.configure = configure,
	.on_event = corr_on_event,
	.on_tick = corr_on_tick,
	.on_reset = corr_on_reset,
	.release = corr_release,
};
