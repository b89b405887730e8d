/*
 * One datum of a journal entry, FIELD=value, made a field of an event: the
 * journal's own name, and SCOM's for the well-known ones. Kept apart from
 * collector/journal.c, the sd-journal user, so that it can be tested and
 * fuzzed with any bytes: journal files (those systemd-journal-remote writes
 * for other hosts, say) are input like any log.
 */
#ifndef MPMON_COLLECTOR_JOURNAL_FIELD_H
#define MPMON_COLLECTOR_JOURNAL_FIELD_H

#include <stddef.h>

struct event;

/*
 * Set on ev the field of the datum "FIELD=value" (len bytes, not
 * NUL-terminated, any bytes in the value; borrowed: ev's values point into it
 * until it changes), and the SCOM name of a well-known one: MESSAGE →
 * EventDescription, SYSLOG_IDENTIFIER → PublisherName, _HOSTNAME →
 * LoggingComputer, PRIORITY 0 to 7 → EventLevel as SCOM's level (0-2 → 1,
 * 3 → 2, 4 → 3, 5-6 → 4, 7 → 5). A datum whose name is not a journal field
 * name (A-Z, 0-9 and '_', not starting with a digit, at most 64 bytes) is
 * skipped, so journal data takes a SCOM name (LogName, EventDisplayNumber,
 * Params/Param[N], ...) through this mapping only. Returns 0, -EINVAL for a
 * datum skipped, -ENOSPC when ev holds no more fields.
 */
int journal_field_event(struct event *ev, const void *data, size_t len);

#endif
