/*
 * The systemd journal, behind a small interface so that sd-journal appears in
 * collector/journal.c alone: open the system journal, a folder (for example
 * systemd-journal-remote's output) or journal files; follow it; resume after a
 * saved cursor without reading an entry twice; turn an entry into an event with
 * the journal's own field names and SCOM's names for the well-known ones.
 */
#ifndef MPMON_COLLECTOR_JOURNAL_H
#define MPMON_COLLECTOR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/iso8601.h"

struct event;
struct journal;

enum journal_change { JOURNAL_NOP, JOURNAL_APPEND, JOURNAL_INVALIDATE };

/*
 * Open path: "" for the system journal, a folder, or a journal file (a glob of
 * files is allowed). matches are FIELD=value strings (borrowed during the call),
 * ANDed across fields and ORed within one, as journalctl does. 0 or -errno.
 */
int journal_open(const char *path, char *const *matches, size_t nmatches, struct journal **out);
void journal_free(struct journal *j);

/* The descriptor to watch, or -errno. */
int journal_fd(struct journal *j);

/* After the descriptor was readable: what changed (enum journal_change) or -errno. */
int journal_process(struct journal *j);

/* When to call journal_process without activity, CLOCK_MONOTONIC µs, or INT64_MAX. */
int64_t journal_timeout(struct journal *j);

/*
 * Position the journal so that journal_next() returns the first entry after
 * cursor, or the first entry (cursor NULL, at_end false), or the first one
 * written from now on (cursor NULL, at_end true). 0 or -errno.
 */
int journal_seek(struct journal *j, const char *cursor, bool at_end);

/* Move to the next entry: 1, 0 at the end, -errno. */
int journal_next(struct journal *j);

/* The cursor of the current entry, owned by the caller; NULL when there is none. */
char *journal_cursor(struct journal *j);

/*
 * Fill ev (reset by the caller) from the current entry: each datum as
 * journal_field_event (collector/journal_field.h) makes it, every field by its
 * name plus EventDescription (MESSAGE), PublisherName (SYSLOG_IDENTIFIER),
 * EventLevel (PRIORITY as a SCOM level), LoggingComputer (_HOSTNAME); and
 * TimeGenerated (the realtime timestamp, written into tbuf). Values stay valid
 * until the journal moves. 0 or -errno.
 */
int journal_entry_event(struct journal *j, struct event *ev, char tbuf[ISO8601_LEN]);

#endif
