/*
 * The event: field names to slots, parameters and named fields. Every input
 * format calls event_set once per field of every record, and every expression
 * leaf calls event_get, so both avoid copies and keep the name lookup to a length
 * switch and one memcmp for the well-known names.
 */
#include "rules/event.h"

#include <errno.h>
#include <string.h>

#include "lib/iso8601.h"

static const char *const slot_names[EVENT_NSLOTS] = {
	[EVENT_NUMBER] = "EventDisplayNumber",
	[EVENT_PUBLISHER] = "PublisherName",
	[EVENT_LOG] = "LogName",
	[EVENT_LEVEL] = "EventLevel",
	[EVENT_COMPUTER] = "LoggingComputer",
	[EVENT_DESCRIPTION] = "EventDescription",
	[EVENT_TIME] = "TimeGenerated",
};

#define PARAM_PREFIX "Params/Param["
#define PARAM_PREFIX_LEN (sizeof(PARAM_PREFIX) - 1)

const char *event_slot_name(enum event_slot s)
{
	return (unsigned)s < EVENT_NSLOTS ? slot_names[s] : "";
}

const char *const event_names[] = {
	"EventDisplayNumber", "PublisherName", "LogName", "Channel", "EventLevel",
	"LoggingComputer", "EventDescription", "TimeGenerated", NULL,
};

const char *const event_journal_fields[] = {
	"MESSAGE", "MESSAGE_ID", "PRIORITY", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "ERRNO",
	"INVOCATION_ID", "USER_INVOCATION_ID", "SYSLOG_FACILITY", "SYSLOG_IDENTIFIER",
	"SYSLOG_PID", "SYSLOG_TIMESTAMP", "SYSLOG_RAW", "DOCUMENTATION", "TID", "UNIT",
	"USER_UNIT", "COREDUMP_UNIT", "COREDUMP_USER_UNIT", "OBJECT_PID", "_PID", "_UID",
	"_GID", "_COMM", "_EXE", "_CMDLINE", "_CAP_EFFECTIVE", "_AUDIT_SESSION",
	"_AUDIT_LOGINUID", "_SYSTEMD_CGROUP", "_SYSTEMD_SLICE", "_SYSTEMD_UNIT",
	"_SYSTEMD_USER_UNIT", "_SYSTEMD_USER_SLICE", "_SYSTEMD_SESSION", "_SYSTEMD_OWNER_UID",
	"_SYSTEMD_INVOCATION_ID", "_SELINUX_CONTEXT", "_SOURCE_REALTIME_TIMESTAMP", "_BOOT_ID",
	"_MACHINE_ID", "_HOSTNAME", "_TRANSPORT", "_STREAM_ID", "_LINE_BREAK", "_NAMESPACE",
	"_RUNTIME_SCOPE", "_KERNEL_DEVICE", "_KERNEL_SUBSYSTEM", "_UDEV_SYSNAME",
	"_UDEV_DEVNODE", "_UDEV_DEVLINK", NULL,
};

void event_reset(struct event *ev)
{
	/*
	 * Only what marks values present is cleared: params and fields beyond the
	 * counts are never read, so the 3 KB of arrays need no memset per event.
	 */
	memset(ev->slot, 0, sizeof(ev->slot));
	ev->nparams = 0;
	ev->nfields = 0;
	ev->has_time = false;
	ev->has_number = false;
	ev->time = 0;
	ev->number = 0;
	ev->names_len = 0;
}

char *event_name_buf(struct event *ev, size_t n)
{
	char *p;

	if (n > EVENT_NAMES_LEN - ev->names_len)
		return NULL;
	p = ev->names + ev->names_len;
	ev->names_len += n;
	return p;
}

static bool name_is(const char *name, size_t n, const char *lit, size_t litlen)
{
	return n == litlen && memcmp(name, lit, n) == 0;
}

#define NAME_IS(name, n, lit) name_is((name), (n), (lit), sizeof(lit) - 1)

/* The slot a name denotes, or -1. Names are case-sensitive, as in SCOM XPath. */
static int slot_of(const char *name, size_t n)
{
	switch (n) {
	case 7:
		if (NAME_IS(name, n, "LogName") || NAME_IS(name, n, "Channel"))
			return EVENT_LOG;
		break;
	case 10:
		if (NAME_IS(name, n, "EventLevel"))
			return EVENT_LEVEL;
		break;
	case 13:
		if (NAME_IS(name, n, "PublisherName"))
			return EVENT_PUBLISHER;
		if (NAME_IS(name, n, "TimeGenerated"))
			return EVENT_TIME;
		break;
	case 15:
		if (NAME_IS(name, n, "LoggingComputer"))
			return EVENT_COMPUTER;
		break;
	case 16:
		if (NAME_IS(name, n, "EventDescription"))
			return EVENT_DESCRIPTION;
		break;
	case 18:
		if (NAME_IS(name, n, "EventDisplayNumber"))
			return EVENT_NUMBER;
		break;
	}
	return -1;
}

/*
 * Whether name is a parameter path; *index is then its 0-based index, or -1
 * when the path is malformed ("Params/Param[0]", "Params/Param[x]", [65]).
 */
static bool param_of(const char *name, size_t n, int *index)
{
	unsigned v = 0;
	size_t i;

	if (n < PARAM_PREFIX_LEN || memcmp(name, PARAM_PREFIX, PARAM_PREFIX_LEN) != 0)
		return false;
	*index = -1;
	if (n < PARAM_PREFIX_LEN + 2 || name[n - 1] != ']')
		return true;
	for (i = PARAM_PREFIX_LEN; i < n - 1; i++) {
		unsigned d = (unsigned char)name[i] - '0';

		if (d > 9)
			return true;
		v = v * 10 + d;
		if (v > EVENT_MAX_PARAMS)
			return true;
	}
	if (v >= 1)
		*index = (int)v - 1;
	return true;
}

static void set_slot(struct event *ev, int slot, struct str value)
{
	ev->slot[slot] = value;
	if (slot == EVENT_NUMBER)
		ev->has_number = value.p && str_to_u64(value, &ev->number);
	else if (slot == EVENT_TIME)
		ev->has_time = value.p && iso8601_parse(value.p, value.len, &ev->time);
}

int event_set(struct event *ev, const char *name, size_t n, struct str value)
{
	int slot = slot_of(name, n), index;
	unsigned i;

	if (slot >= 0) {
		set_slot(ev, slot, value);
		return 0;
	}
	if (param_of(name, n, &index)) {
		if (index < 0)
			return -EINVAL;
		/* Parameters skipped over are absent, not left over from before. */
		for (i = ev->nparams; i < (unsigned)index; i++)
			ev->params[i] = (struct str){ NULL, 0 };
		ev->params[index] = value;
		if ((unsigned)index >= ev->nparams)
			ev->nparams = (unsigned)index + 1;
		return 0;
	}
	for (i = 0; i < ev->nfields; i++) {
		struct event_field *f = &ev->fields[i];

		if (f->name.len == n && memcmp(f->name.p, name, n) == 0) {
			f->value = value;
			return 0;
		}
	}
	if (ev->nfields == EVENT_MAX_FIELDS)
		return -ENOSPC;
	ev->fields[ev->nfields].name = (struct str){ name, n };
	ev->fields[ev->nfields].value = value;
	ev->nfields++;
	return 0;
}

int event_add_param(struct event *ev, struct str value)
{
	if (ev->nparams == EVENT_MAX_PARAMS)
		return -ENOSPC;
	ev->params[ev->nparams++] = value;
	return 0;
}

int field_ref_parse(const char *path, size_t n, struct field_ref *ref)
{
	int slot, index;

	if (!path || n == 0)
		return -EINVAL;
	slot = slot_of(path, n);
	if (slot >= 0) {
		*ref = (struct field_ref){ FIELD_SLOT, (unsigned)slot, { NULL, 0 } };
		return 0;
	}
	if (param_of(path, n, &index)) {
		if (index < 0)
			return -EINVAL;
		*ref = (struct field_ref){ FIELD_PARAM, (unsigned)index, { NULL, 0 } };
		return 0;
	}
	*ref = (struct field_ref){ FIELD_NAMED, 0, { path, n } };
	return 0;
}

struct str event_get(const struct event *ev, const struct field_ref *ref)
{
	static const struct str absent = { NULL, 0 };
	unsigned i;

	switch (ref->kind) {
	case FIELD_SLOT:
		return ref->index < EVENT_NSLOTS ? ev->slot[ref->index] : absent;
	case FIELD_PARAM:
		return ref->index < ev->nparams ? ev->params[ref->index] : absent;
	case FIELD_NAMED:
		for (i = 0; i < ev->nfields; i++) {
			const struct event_field *f = &ev->fields[i];

			if (f->name.len == ref->name.len &&
			    memcmp(f->name.p, ref->name.p, f->name.len) == 0)
				return f->value;
		}
		break;
	}
	return absent;
}
