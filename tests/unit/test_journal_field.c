/*
 * One journal datum as event fields (collector/journal_field.c): the journal's
 * own name and the SCOM names of MESSAGE, SYSLOG_IDENTIFIER, _HOSTNAME and
 * PRIORITY, values borrowed from the datum; data whose name journald would not
 * accept skipped, so that none reaches a SCOM name directly; the event's bound.
 */
#include "collector/journal_field.h"
#include "rules/event.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int put(struct event *ev, const char *datum)
{
	return journal_field_event(ev, datum, strlen(datum));
}

/* The value of the field called name, as a C string in out (or "(absent)"). */
static const char *field(const struct event *ev, const char *name, char *out, size_t cap)
{
	unsigned i;

	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].name.len == strlen(name) &&
		    memcmp(ev->fields[i].name.p, name, strlen(name)) == 0) {
			snprintf(out, cap, "%.*s", (int)ev->fields[i].value.len, ev->fields[i].value.p);
			return out;
		}
	return "(absent)";
}

static const char *slot(const struct event *ev, enum event_slot s, char *out, size_t cap)
{
	if (!ev->slot[s].p)
		return "(absent)";
	snprintf(out, cap, "%.*s", (int)ev->slot[s].len, ev->slot[s].p);
	return out;
}

static void test_well_known(void)
{
	static const char msg[] = "MESSAGE=backup failed: disk full";
	struct event ev;
	char b[128];

	event_reset(&ev);
	is_int(put(&ev, msg), 0, "MESSAGE is taken");
	is_int(put(&ev, "SYSLOG_IDENTIFIER=backupd"), 0, "SYSLOG_IDENTIFIER is taken");
	is_int(put(&ev, "_HOSTNAME=web1"), 0, "_HOSTNAME is taken");
	is_int(put(&ev, "_SYSTEMD_UNIT=backup.service"), 0, "_SYSTEMD_UNIT is taken");
	is_str(slot(&ev, EVENT_DESCRIPTION, b, sizeof(b)), "backup failed: disk full",
	       "MESSAGE is EventDescription");
	ok(ev.slot[EVENT_DESCRIPTION].p == msg + 8, "borrowed from the datum, not copied");
	is_str(slot(&ev, EVENT_PUBLISHER, b, sizeof(b)), "backupd", "SYSLOG_IDENTIFIER is PublisherName");
	is_str(slot(&ev, EVENT_COMPUTER, b, sizeof(b)), "web1", "_HOSTNAME is LoggingComputer");
	is_str(field(&ev, "MESSAGE", b, sizeof(b)), "backup failed: disk full", "MESSAGE keeps its name");
	is_str(field(&ev, "_SYSTEMD_UNIT", b, sizeof(b)), "backup.service", "other fields keep their names");
	is_str(slot(&ev, EVENT_LOG, b, sizeof(b)), "(absent)", "no LogName from the journal's data");
	is_int(put(&ev, "MESSAGE=second"), 0, "a name again");
	is_str(slot(&ev, EVENT_DESCRIPTION, b, sizeof(b)), "second", "the last value wins");
	is_int(ev.nfields, 4, "one field per name");
}

static void test_priority(void)
{
	static const char *const want = "11123445";
	struct event ev;
	char d[24], b[16], what[64];
	int p;

	for (p = 0; p <= 7; p++) {
		event_reset(&ev);
		snprintf(d, sizeof(d), "PRIORITY=%d", p);
		put(&ev, d);
		snprintf(what, sizeof(what), "PRIORITY %d is EventLevel %c", p, want[p]);
		is_str(slot(&ev, EVENT_LEVEL, b, sizeof(b)), ((char[]){ want[p], 0 }), what);
	}
	event_reset(&ev);
	put(&ev, "PRIORITY=3");
	put(&ev, "PRIORITY=8");
	is_str(slot(&ev, EVENT_LEVEL, b, sizeof(b)), "2", "PRIORITY 8 leaves EventLevel as it was");
	put(&ev, "PRIORITY=33");
	is_str(slot(&ev, EVENT_LEVEL, b, sizeof(b)), "2", "PRIORITY 33 too");
	is_str(field(&ev, "PRIORITY", b, sizeof(b)), "33", "but the field has its value");
}

static void test_skipped(void)
{
	static const char *const bad[] = {
		"LogName=System", "EventDisplayNumber=1003", "Params/Param[1]=x", "message=lower",
		"1ABC=digit first", "=no name", "NO_EQUALS", "A-B=dash", "",
		"A234567890123456789012345678901234567890123456789012345678901234X=65",
	};
	struct event ev;
	char b[64], what[160];
	size_t i;

	event_reset(&ev);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "'%.40s' is skipped", bad[i]);
		is_int(put(&ev, bad[i]), -EINVAL, what);
	}
	is_int(ev.nfields, 0, "no field from them");
	is_str(slot(&ev, EVENT_LOG, b, sizeof(b)), "(absent)", "LogName not set");
	is_str(slot(&ev, EVENT_NUMBER, b, sizeof(b)), "(absent)", "EventDisplayNumber not set");
	is_int(ev.nparams, 0, "no parameter set");
	is_int(put(&ev, "A23456789012345678901234567890123456789012345678901234567890123X=64"), 0,
	       "a name of 64 bytes is taken");
	is_int(journal_field_event(&ev, "NUL=a\0b", 7), 0, "a value with a NUL byte is taken");
	is_int(ev.fields[1].value.len, 3, "... whole");
}

static void test_bound(void)
{
	static char d[EVENT_MAX_FIELDS][16];	/* the event borrows them */
	struct event ev;
	int i, r = 0;

	event_reset(&ev);
	for (i = 0; i < EVENT_MAX_FIELDS && r == 0; i++) {
		snprintf(d[i], sizeof(d[i]), "F%d=v", i);
		r = put(&ev, d[i]);
	}
	is_int(r, 0, "as many fields as an event holds");
	is_int(put(&ev, "ONE_TOO_MANY=v"), -ENOSPC, "one more: -ENOSPC");
	is_int(put(&ev, "MESSAGE=still"), -ENOSPC, "MESSAGE beyond the bound: -ENOSPC");
	ok(ev.slot[EVENT_DESCRIPTION].len == 5, "but EventDescription is still set");
}

int main(void)
{
	test_well_known();
	test_priority();
	test_skipped();
	test_bound();
	return tap_done();
}
