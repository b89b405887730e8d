/*
 * Microsoft.Windows.CorrelatedEventLogManualReset2StateMonitorType: a first and
 * Count second events correlated within the Interval move the monitor to
 * CorrelatedEventRaised; only an operator's reset brings it back to
 * ManualResetEventRaised (and drops the open windows). The correlating is the
 * Correlator's (correlator.c).
 */
#include "monitors/correlator.h"

static const char *const states[] = { "ManualResetEventRaised", "CorrelatedEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct corr_config tmpl = {
		.missing = false, .reset = CORR_RESET_MANUAL, .good = 0, .bad = 1
	};

	return corr_configure(m, config, &tmpl, d);
}

static const char *const config_names[] = {
	CORR_CONFIG, NULL,
};

const struct monitor_type monitor_type_correlated_manual_reset = {
	.id = "Microsoft.Windows.CorrelatedEventLogManualReset2StateMonitorType",
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
