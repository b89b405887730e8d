/*
 * The "json" input format: one JSON object per line (JSON lines), as `mpmon
 * replay --format json` reads. Keys are event field names and "Params" an array
 * of Params/Param[N]. The grammar, the in-place unescaping and the error
 * messages are json_scan.c's; this file decides what each member means. Nested
 * values other than the Params array have no place in an event, so they are
 * errors.
 *
 * Lines written by Windows-event shippers (NXLog, Winlogbeat-style pipelines,
 * Fluent Bit's winlog input) name the well-known fields their own way. Their
 * names are aliases of a slot, used only while the slot is still empty, so a
 * line that carries the canonical key (anywhere on it) keeps its value:
 *
 *   EventID, EventId, event_id       EventDisplayNumber
 *   SourceName, ProviderName, Provider  PublisherName
 *   Channel                          LogName (in event.c, for every format)
 *   Hostname, Computer, host         LoggingComputer
 *   Message                          EventDescription
 *   TimeCreated, @timestamp          TimeGenerated
 *   Level                            EventLevel
 *
 * An alias whose slot is already set is kept as an ordinary field of its name.
 * A TimeGenerated (or its alias) that is not an ISO 8601 time makes the line
 * bad: an event without its own time would take the clock's.
 */
#include "rules/format.h"

#include <errno.h>
#include <string.h>

#include "rules/event.h"
#include "rules/json_scan.h"
#include "rules/timestamp.h"

#define KEY_SHOWN JSON_SCAN_KEY_SHOWN

#define fail json_scan_fail

static bool key_is(struct str key, const char *lit, size_t n)
{
	return key.len == n && memcmp(key.p, lit, n) == 0;
}

#define KEY_IS(key, lit) key_is((key), (lit), sizeof(lit) - 1)

/* The slot a shipper's key stands for, or -1; a length switch keeps it cheap. */
static int alias_slot(struct str key)
{
	switch (key.len) {
	case 4:
		if (KEY_IS(key, "host"))
			return EVENT_COMPUTER;
		break;
	case 5:
		if (KEY_IS(key, "Level"))
			return EVENT_LEVEL;
		break;
	case 7:
		if (KEY_IS(key, "EventID") || KEY_IS(key, "EventId"))
			return EVENT_NUMBER;
		if (KEY_IS(key, "Message"))
			return EVENT_DESCRIPTION;
		break;
	case 8:
		if (KEY_IS(key, "event_id"))
			return EVENT_NUMBER;
		if (KEY_IS(key, "Provider"))
			return EVENT_PUBLISHER;
		if (KEY_IS(key, "Hostname") || KEY_IS(key, "Computer"))
			return EVENT_COMPUTER;
		break;
	case 10:
		if (KEY_IS(key, "SourceName"))
			return EVENT_PUBLISHER;
		if (KEY_IS(key, "@timestamp"))
			return EVENT_TIME;
		break;
	case 11:
		if (KEY_IS(key, "TimeCreated"))
			return EVENT_TIME;
		break;
	case 12:
		if (KEY_IS(key, "ProviderName"))
			return EVENT_PUBLISHER;
		break;
	}
	return -1;
}

static int add_param(struct json_scan *js, void *arg)
{
	struct event *ev = arg;
	size_t at = js->i;
	enum json_scalar kind;
	struct str v;
	int rc;

	rc = json_scan_scalar(js, &v, &kind);
	if (rc)
		return rc;
	if (kind == JSON_SCALAR_NESTED)
		return fail(js, at, "unsupported nested value in 'Params'");
	/* null keeps its place, so later parameters keep their numbers. */
	if (kind == JSON_SCALAR_NULL)
		v = (struct str){ NULL, 0 };
	if (event_add_param(ev, v) < 0)
		return fail(js, at, "too many parameters (limit %d)", EVENT_MAX_PARAMS);
	return 0;
}

static int member(struct json_scan *js, struct str key, size_t key_at, void *arg)
{
	struct event *ev = arg;
	size_t at = js->i;
	enum json_scalar kind;
	struct str v;
	int rc, slot;

	rc = json_scan_scalar(js, &v, &kind);
	if (rc)
		return rc;
	if (kind == JSON_SCALAR_NULL)
		return 0;
	if (kind == JSON_SCALAR_NESTED) {
		if (js->s[at] == '[' && KEY_IS(key, "Params")) {
			/* A second Params array replaces the first. */
			ev->nparams = 0;
			return json_scan_array(js, add_param, ev);
		}
		return fail(js, at, "unsupported nested value for key '%.*s'",
			    (int)(key.len < KEY_SHOWN ? key.len : KEY_SHOWN), key.p);
	}
	slot = alias_slot(key);
	if (slot >= 0 && !ev->slot[slot].p) {
		const char *name = event_slot_name(slot);

		rc = event_set(ev, name, strlen(name), v);
	} else {
		rc = event_set(ev, key.p, key.len, v);
	}
	if (rc == -ENOSPC)
		return fail(js, key_at, "too many fields (limit %d)", EVENT_MAX_FIELDS);
	if (rc < 0)
		return fail(js, key_at, "invalid parameter index in key '%.*s'",
			    (int)(key.len < KEY_SHOWN ? key.len : KEY_SHOWN), key.p);
	/* the line was good before this member: this key's value is the bad stamp */
	if (ev->slot[EVENT_TIME].p && !ev->has_time)
		return timestamp_fail(js->err, at, key.p, key.len, "an ISO 8601 time", v.p, v.len);
	return 0;
}

static int json_parse(const struct format *fmt, const struct format_ctx *ctx, char *line,
		      size_t len, struct event *ev, char err[FORMAT_ERR_LEN])
{
	struct json_scan js = { line, len, 0, err, 0 };

	(void)fmt;
	(void)ctx;
	return json_scan_line(&js, member, ev);
}

const struct format format_json = {
	.name = "json",
	.parse = json_parse,
};
