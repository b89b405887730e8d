/*
 * Microsoft.Windows.MissingCorrelatedEventLogTimer2StateMonitorType: a first event
 * whose correlated second events do not follow within the Interval moves the
 * monitor to MissingCorrelatedEventRaised; TimerWaitInSeconds later it returns to
 * TimerEventRaised. The correlating is the Correlator's (correlator.c).
 */
#include "monitors/correlator.h"

static const char *const states[] = { "TimerEventRaised", "MissingCorrelatedEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct corr_config tmpl = {
		.missing = true, .reset = CORR_RESET_TIMER, .good = 0, .bad = 1
	};

	return corr_configure(m, config, &tmpl, d);
}

static const char *const config_names[] = {
	CORR_CONFIG, "TimerWaitInSeconds", NULL,
};

const struct monitor_type monitor_type_missing_correlated_timer_reset = {
	.id = "Microsoft.Windows.MissingCorrelatedEventLogTimer2StateMonitorType",
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
