/*
 * The monitor types mpmon runs, looked up by SCOM TypeID. Adding a type: one file
 * in monitors/ and one line here.
 */
#include "monitors/monitor.h"

#include <string.h>

extern const struct monitor_type monitor_type_two_event;
extern const struct monitor_type monitor_type_manual_reset;
extern const struct monitor_type monitor_type_timer_reset;
extern const struct monitor_type monitor_type_repeated_event_reset;
extern const struct monitor_type monitor_type_repeated_manual_reset;
extern const struct monitor_type monitor_type_repeated_timer_reset;
extern const struct monitor_type monitor_type_missing_event_reset;
extern const struct monitor_type monitor_type_missing_manual_reset;
extern const struct monitor_type monitor_type_missing_timer_reset;
extern const struct monitor_type monitor_type_three_event;
extern const struct monitor_type monitor_type_two_event_manual_reset;
extern const struct monitor_type monitor_type_event_ratio;
extern const struct monitor_type monitor_type_missing_event;
extern const struct monitor_type monitor_type_heartbeat;
extern const struct monitor_type monitor_type_correlated_missing;
extern const struct monitor_type monitor_type_repeated_event;
extern const struct monitor_type monitor_type_correlated_event_reset;
extern const struct monitor_type monitor_type_correlated_manual_reset;
extern const struct monitor_type monitor_type_correlated_timer_reset;
extern const struct monitor_type monitor_type_missing_correlated_event_reset;
extern const struct monitor_type monitor_type_missing_correlated_manual_reset;
extern const struct monitor_type monitor_type_missing_correlated_timer_reset;

const struct monitor_type *const monitor_types[] = {
	&monitor_type_two_event,
	&monitor_type_manual_reset,
	&monitor_type_timer_reset,
	&monitor_type_repeated_event_reset,
	&monitor_type_repeated_manual_reset,
	&monitor_type_repeated_timer_reset,
	&monitor_type_missing_event_reset,
	&monitor_type_missing_manual_reset,
	&monitor_type_missing_timer_reset,
	&monitor_type_three_event,
	&monitor_type_two_event_manual_reset,
	&monitor_type_event_ratio,
	&monitor_type_missing_event,
	&monitor_type_heartbeat,
	&monitor_type_correlated_missing,
	&monitor_type_repeated_event,
	&monitor_type_correlated_event_reset,
	&monitor_type_correlated_manual_reset,
	&monitor_type_correlated_timer_reset,
	&monitor_type_missing_correlated_event_reset,
	&monitor_type_missing_correlated_manual_reset,
	&monitor_type_missing_correlated_timer_reset,
	NULL,
};

const struct monitor_type *monitor_type_find(const char *id)
{
	size_t i;

	for (i = 0; id && monitor_types[i]; i++)
		if (strcmp(monitor_types[i]->id, id) == 0)
			return monitor_types[i];
	return NULL;
}

bool monitor_type_overridable(const struct monitor_type *t, const char *name)
{
	size_t i;

	for (i = 0; t && t->overridable && t->overridable[i]; i++)
		if (strcmp(t->overridable[i], name) == 0)
			return true;
	return false;
}
