/*
 * Microsoft.Windows.MissingEventLogManualReset2StateMonitorType: a schedule period
 * without a MissingExpression event moves the monitor to MissingEventRaised; only an
 * operator's reset brings it back to ManualResetEventRaised. The counting is the
 * Consolidator's (consolidator.c).
 */
#include "monitors/consolidator.h"

#include <errno.h>

static const char *const states[] = { "ManualResetEventRaised", "MissingEventRaised" };

static int configure(struct monitor *m, const struct mp_elem *config, struct diag *d)
{
	const struct cons_config tmpl = {
		.missing = true, .reset = CONS_RESET_MANUAL, .good = 0, .bad = 1
	};
	int r = 0, rc;

	if (cons_subscribe_counted(m, config, "Missing", d) < 0)
		r = -EINVAL;
	rc = cons_configure(m, config, &tmpl, d);
	return rc < 0 ? rc : r;
}

static const char *const config_names[] = {
	CONS_CONFIG("Missing"), NULL,
};

const struct monitor_type monitor_type_missing_manual_reset = {
	.id = "Microsoft.Windows.MissingEventLogManualReset2StateMonitorType",
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
