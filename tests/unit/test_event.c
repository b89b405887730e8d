/*
 * Unit tests for rules/event.c: well-known names to slots and their side
 * effects (number, time), parameters, named fields, limits, and field paths as
 * XPathQuery text writes them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/event.h"
#include "tests/unit/tap.h"

static struct event ev;

static int set(const char *name, const char *value)
{
	return event_set(&ev, name, strlen(name), str_of(value));
}

/* The value at path as a C string (in a static buffer), or NULL when absent. */
static const char *get(const char *path)
{
	static char buf[256];
	struct field_ref ref;
	struct str v;

	if (field_ref_parse(path, strlen(path), &ref) < 0)
		return "<bad path>";
	v = event_get(&ev, &ref);
	if (!v.p)
		return NULL;
	snprintf(buf, sizeof(buf), "%.*s", (int)v.len, v.p);
	return buf;
}

static void test_slots(void)
{
	static const struct {
		const char *name;
		enum event_slot slot;
	} map[] = {
		{ "EventDisplayNumber", EVENT_NUMBER },
		{ "PublisherName", EVENT_PUBLISHER },
		{ "LogName", EVENT_LOG },
		{ "Channel", EVENT_LOG },
		{ "EventLevel", EVENT_LEVEL },
		{ "LoggingComputer", EVENT_COMPUTER },
		{ "EventDescription", EVENT_DESCRIPTION },
		{ "TimeGenerated", EVENT_TIME },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct field_ref ref;

		event_reset(&ev);
		is_int(set(map[i].name, "v"), 0, map[i].name);
		ok(ev.slot[map[i].slot].p && str_eq_cstr(ev.slot[map[i].slot], "v"),
		   "%s goes to slot %d", map[i].name, (int)map[i].slot);
		is_int(ev.nfields, 0, "no named field made");
		is_int(field_ref_parse(map[i].name, strlen(map[i].name), &ref), 0,
		       "field_ref_parse accepts it");
		ok(ref.kind == FIELD_SLOT && ref.index == (unsigned)map[i].slot,
		   "field_ref_parse maps %s to its slot", map[i].name);
	}
	is_str(event_slot_name(EVENT_LOG), "LogName", "canonical name of the log slot");
	is_str(event_slot_name(EVENT_NUMBER), "EventDisplayNumber", "canonical number name");

	event_reset(&ev);
	set("Channel", "System");
	is_str(get("LogName"), "System", "Channel is an alias of LogName");
	set("LogName", "Application");
	is_str(get("Channel"), "Application", "the last of alias and name wins");

	/* SCOM XPath is case-sensitive: these are ordinary fields. */
	event_reset(&ev);
	set("eventdisplaynumber", "1");
	set("LOGNAME", "x");
	ok(!ev.slot[EVENT_NUMBER].p && !ev.slot[EVENT_LOG].p, "names are case-sensitive");
	is_int(ev.nfields, 2, "case variants become named fields");
}

static void test_number_and_time(void)
{
	event_reset(&ev);
	set("EventDisplayNumber", "1004");
	ok(ev.has_number && ev.number == 1004, "number parsed");
	set("EventDisplayNumber", "abc");
	ok(!ev.has_number, "a later non-number clears has_number");
	is_str(get("EventDisplayNumber"), "abc", "text kept as written");
	set("EventDisplayNumber", "-5");
	ok(!ev.has_number, "negative is not an unsigned number");
	set("EventDisplayNumber", "18446744073709551615");
	ok(ev.has_number && ev.number == UINT64_MAX, "UINT64_MAX fits");
	set("EventDisplayNumber", "18446744073709551616");
	ok(!ev.has_number, "overflow is no number");

	set("TimeGenerated", "2024-03-01T12:00:00Z");
	ok(ev.has_time && ev.time == 1709294400LL * 1000000, "time parsed");
	set("TimeGenerated", "2024-03-01T13:00:00+01:00");
	ok(ev.has_time && ev.time == 1709294400LL * 1000000, "time zone offset applied");
	set("TimeGenerated", "yesterday");
	ok(!ev.has_time, "bad time clears has_time");
	is_str(get("TimeGenerated"), "yesterday", "time text kept");

	event_reset(&ev);
	ok(!ev.has_time && !ev.has_number && !get("TimeGenerated"), "reset clears all");
}

static void test_params(void)
{
	struct field_ref ref;
	char name[64];
	int i;

	event_reset(&ev);
	is_int(set("Params/Param[1]", "a"), 0, "Param[1] set");
	is_int(set("Params/Param[3]", "c"), 0, "Param[3] set");
	is_int(ev.nparams, 3, "nparams is the highest index set");
	is_str(get("Params/Param[1]"), "a", "Param[1] read back");
	ok(get("Params/Param[2]") == NULL, "the gap is absent");
	is_str(get("Params/Param[3]"), "c", "Param[3] read back");
	ok(get("Params/Param[4]") == NULL, "past nparams is absent");
	is_int(set("Params/Param[0]", "x"), -EINVAL, "Param[0] is out of range");
	is_int(set("Params/Param[65]", "x"), -EINVAL, "Param[65] is out of range");
	is_int(set("Params/Param[x]", "x"), -EINVAL, "Param[x] is malformed");
	is_int(set("Params/Param[]", "x"), -EINVAL, "Param[] is malformed");
	is_int(set("Params/Param[2", "x"), -EINVAL, "missing bracket is malformed");
	is_int(set("Params/Param[64]", "z"), 0, "Param[64] is the last");
	is_int(ev.nparams, 64, "nparams 64");
	ok(get("Params/Param[10]") == NULL, "gap before 64 absent");

	/* A stale value beyond nparams must not resurface as a gap. */
	event_reset(&ev);
	set("Params/Param[2]", "old");
	event_reset(&ev);
	set("Params/Param[3]", "new");
	ok(get("Params/Param[2]") == NULL, "stale parameter not visible after reset");

	event_reset(&ev);
	for (i = 0; i < EVENT_MAX_PARAMS; i++)
		if (event_add_param(&ev, str_of("p")) < 0)
			break;
	is_int(i, EVENT_MAX_PARAMS, "64 params fit");
	is_int(event_add_param(&ev, str_of("p")), -ENOSPC, "the 65th is -ENOSPC");

	is_int(field_ref_parse("Params/Param[2]", 15, &ref), 0, "param path parses");
	ok(ref.kind == FIELD_PARAM && ref.index == 1, "Param[2] is index 1");
	is_int(field_ref_parse("Params/Param[0]", 15, &ref), -EINVAL, "Param[0] refused");
	is_int(field_ref_parse("Params/Param[x]", 15, &ref), -EINVAL, "Param[x] refused");
	snprintf(name, sizeof(name), "Params/Param[%d]", EVENT_MAX_PARAMS + 1);
	is_int(field_ref_parse(name, strlen(name), &ref), -EINVAL, "Param[65] refused");
	snprintf(name, sizeof(name), "Params/Param[99999999999999999999]");
	is_int(field_ref_parse(name, strlen(name), &ref), -EINVAL, "huge index refused");
	is_int(field_ref_parse("", 0, &ref), -EINVAL, "empty path refused");
}

static void test_fields(void)
{
	static char names[EVENT_MAX_FIELDS][16];
	struct field_ref ref;
	int i, rc = 0;

	event_reset(&ev);
	set("_SYSTEMD_UNIT", "sshd.service");
	set("MESSAGE", "hello");
	set("EventData/DataItem/User", "bob");
	is_int(ev.nfields, 3, "three named fields");
	is_str(get("_SYSTEMD_UNIT"), "sshd.service", "journal field");
	is_str(get("EventData/DataItem/User"), "bob", "path-like field name");
	set("MESSAGE", "again");
	is_int(ev.nfields, 3, "a repeated name does not add a field");
	is_str(get("MESSAGE"), "again", "the last value wins");
	ok(get("MESSAGE_ID") == NULL, "a prefix of a name does not match");
	ok(get("MESSAG") == NULL, "a shorter name does not match");

	is_int(field_ref_parse("MESSAGE", 7, &ref), 0, "named path parses");
	ok(ref.kind == FIELD_NAMED && str_eq_cstr(ref.name, "MESSAGE"), "named ref borrows");

	/* An empty value is present, unlike an absent one. */
	set("EMPTY", "");
	ok(get("EMPTY") && strcmp(get("EMPTY"), "") == 0, "empty value is present");

	/* The event borrows names, so they live in a static table. */
	event_reset(&ev);
	for (i = 0; i < EVENT_MAX_FIELDS && rc == 0; i++) {
		snprintf(names[i], sizeof(names[i]), "F%d", i);
		rc = set(names[i], "v");
	}
	is_int(rc, 0, "64 distinct fields fit");
	is_int(ev.nfields, EVENT_MAX_FIELDS, "nfields 64");
	is_int(set("ONE_TOO_MANY", "v"), -ENOSPC, "the 65th name is -ENOSPC");
	is_int(set("F7", "w"), 0, "replacing an existing name still works when full");
	is_str(get("F7"), "w", "replaced value read back");
	is_int(set("LogName", "x"), 0, "slots still work when fields are full");
	is_int(set("Params/Param[1]", "x"), 0, "params still work when fields are full");
}

/* Names a format builds live in the event and are forgotten on reset. */
static void test_name_buf(void)
{
	static struct event e;
	char *a, *b;

	event_reset(&e);
	a = event_name_buf(&e, 10);
	b = event_name_buf(&e, EVENT_NAMES_LEN - 10);
	ok(a == e.names && b == e.names + 10, "name buffer hands out consecutive room");
	ok(event_name_buf(&e, 1) == NULL, "a full buffer gives NULL");
	ok(event_name_buf(&e, 0) != NULL, "zero bytes always fit");
	event_reset(&e);
	ok(event_name_buf(&e, EVENT_NAMES_LEN) == e.names, "reset empties it");
}

int main(void)
{
	test_slots();
	test_number_and_time();
	test_params();
	test_fields();
	test_name_buf();
	return tap_done();
}
