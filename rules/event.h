/*
 * The event: what an input format or source makes of one record. Field values are
 * slices into the record's buffer (no copies): an event is valid only as long as
 * that buffer is unchanged. Well-known fields use the names of SCOM's event data
 * source, so packs written for Windows event logs match them as written.
 */
#ifndef MPMON_RULES_EVENT_H
#define MPMON_RULES_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/str.h"

#define EVENT_MAX_PARAMS 64	/* Params/Param[1..64] */
#define EVENT_MAX_FIELDS 64	/* other named fields */
#define EVENT_NAMES_LEN 1024	/* bytes for field names a format builds */

enum event_slot {
	EVENT_NUMBER,		/* EventDisplayNumber */
	EVENT_PUBLISHER,	/* PublisherName */
	EVENT_LOG,		/* LogName, alias Channel */
	EVENT_LEVEL,		/* EventLevel */
	EVENT_COMPUTER,		/* LoggingComputer */
	EVENT_DESCRIPTION,	/* EventDescription */
	EVENT_TIME,		/* TimeGenerated, as written */
	EVENT_NSLOTS
};

struct event_field {
	struct str name;
	struct str value;
};

struct event {
	struct str slot[EVENT_NSLOTS];		/* .p == NULL: absent */
	struct str params[EVENT_MAX_PARAMS];	/* params[0] is Params/Param[1] */
	unsigned nparams;
	struct event_field fields[EVENT_MAX_FIELDS];
	unsigned nfields;
	int64_t time;		/* TimeGenerated in µs since the epoch, when has_time */
	bool has_time;
	uint64_t number;	/* EventDisplayNumber as a number, when has_number */
	bool has_number;
	/*
	 * Field names that occur nowhere in the record as one run of bytes (syslog's
	 * "SD/id/param") are built here, so the event still needs no allocation.
	 */
	size_t names_len;
	char names[EVENT_NAMES_LEN];
};

/* Make ev empty (all fields absent). */
void event_reset(struct event *ev);

/*
 * Set the field called name (n bytes) to value, both borrowed. Well-known names
 * and their aliases go to their slot (TimeGenerated also sets time, and
 * EventDisplayNumber sets number, when they parse); "Params/Param[N]" to params;
 * anything else to fields, the last value winning for a repeated name.
 * Returns 0, -ENOSPC when the event has no room left, -EINVAL for a Param index
 * out of range.
 */
int event_set(struct event *ev, const char *name, size_t n, struct str value);

/*
 * Room for n bytes of a field name in the event itself, valid as long as the
 * event is not reset; NULL when the event's EVENT_NAMES_LEN bytes are used up.
 */
char *event_name_buf(struct event *ev, size_t n);

/* Append the next Params/Param[N]; -ENOSPC when full. */
int event_add_param(struct event *ev, struct str value);

/* A field reference compiled from an XPathQuery or alert parameter path. */
enum field_kind { FIELD_SLOT, FIELD_PARAM, FIELD_NAMED };

struct field_ref {
	enum field_kind kind;
	unsigned index;		/* slot, or param index from 0 */
	struct str name;	/* for FIELD_NAMED; borrowed from the text given to field_ref_parse */
};

/*
 * Compile a field path ("EventDisplayNumber", "Channel", "Params/Param[2]",
 * "EventData/DataItem/User", "_SYSTEMD_UNIT", ...). The ref borrows from path.
 * Returns 0, or -EINVAL for an empty path or a malformed Param index.
 */
int field_ref_parse(const char *path, size_t n, struct field_ref *ref);

/* The referenced value; .p == NULL when the event lacks it. */
struct str event_get(const struct event *ev, const struct field_ref *ref);

/* The canonical name of a slot ("EventDisplayNumber", ...). */
const char *event_slot_name(enum event_slot s);

/*
 * The names a field of an event is known by without any input format: the
 * slots and their aliases ("Channel"), NULL-terminated.
 */
extern const char *const event_names[];

/*
 * The journal's well-known fields (systemd.journal-fields(7)), NULL-terminated.
 * A journal entry's data keep their own names as fields of the event
 * (collector/journal_field.c maps MESSAGE, SYSLOG_IDENTIFIER, _HOSTNAME and
 * PRIORITY to SCOM's names as well); these are the ones packs name.
 */
extern const char *const event_journal_fields[];

#endif
