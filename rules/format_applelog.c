/*
 * The "applelog" input format: the unified log of macOS as `log show --style
 * ndjson` and `log stream --style ndjson` print it, one JSON object per line:
 *
 *   {"timestamp":"2017-11-06 13:04:37.123456+0200","subsystem":"com.apple.ManagedClient",
 *    "category":"MDMDaemon","processImagePath":"/usr/libexec/mdmclient","processID":530,
 *    "messageType":"Error","eventType":"logEvent","eventMessage":"...","backtrace":{...}}
 *
 * The event:
 *
 *   timestamp                  TimeGenerated
 *   eventMessage               EventDescription
 *   processImagePath           PublisherName: its last path component ("mdmclient")
 *   messageType                EventLevel: Fault 1 (Critical), Error 2 (Error),
 *                              Default and Info 4 (Information), Debug 5 (Verbose)
 *
 * Every scalar key is also kept as a field of its own name, so the names of
 * `log`'s predicates (subsystem, category, processImagePath, senderImagePath,
 * eventMessage, messageType, eventType, processID) work in expressions as they
 * do in `log stream --predicate`. Nested values (backtrace) are read over and
 * dropped. The unified log has no log name and no host: LogName is left to the
 * caller (replay --log-name).
 *
 * `log stream` starts with a line "Filtering the log data using ..." even in
 * ndjson style; that line is skipped (-ENOENT). A timestamp that is not an
 * ISO 8601 time makes the line bad. The JSON grammar, its in-place
 * unescaping and its error messages are json_scan.c's.
 */
#include "rules/format.h"

#include <errno.h>
#include <string.h>

#include "rules/event.h"
#include "rules/json_scan.h"
#include "rules/timestamp.h"

#define KEY_SHOWN JSON_SCAN_KEY_SHOWN

static bool key_is(struct str key, const char *lit, size_t n)
{
	return key.len == n && memcmp(key.p, lit, n) == 0;
}

#define KEY_IS(key, lit) key_is((key), (lit), sizeof(lit) - 1)

/* SCOM EventLevel of a messageType, or NULL for one we do not know. */
static const char *level_of(struct str t)
{
	if (KEY_IS(t, "Default") || KEY_IS(t, "Info"))
		return "4";
	if (KEY_IS(t, "Error"))
		return "2";
	if (KEY_IS(t, "Fault"))
		return "1";
	if (KEY_IS(t, "Debug"))
		return "5";
	return NULL;
}

static struct str basename_of(struct str path)
{
	const char *slash = memrchr(path.p, '/', path.len);

	if (!slash)
		return path;
	return (struct str){ slash + 1, path.len - (size_t)(slash + 1 - path.p) };
}

static int member(struct json_scan *js, struct str key, size_t key_at, void *arg)
{
	struct event *ev = arg;
	size_t at = js->i;
	enum json_scalar kind;
	const char *level;
	struct str v;
	int rc;

	rc = json_scan_scalar(js, &v, &kind);
	if (rc)
		return rc;
	if (kind == JSON_SCALAR_NESTED)
		return json_scan_skip(js);
	if (kind == JSON_SCALAR_NULL)
		return 0;
	switch (key.len) {
	case 9:
		if (KEY_IS(key, "timestamp"))
			event_set(ev, "TimeGenerated", 13, v);
		break;
	case 11:
		if (KEY_IS(key, "messageType") && (level = level_of(v)))
			ev->slot[EVENT_LEVEL] = str_of(level);
		break;
	case 12:
		if (KEY_IS(key, "eventMessage"))
			ev->slot[EVENT_DESCRIPTION] = v;
		break;
	case 16:
		if (KEY_IS(key, "processImagePath"))
			ev->slot[EVENT_PUBLISHER] = basename_of(v);
		break;
	}
	rc = event_set(ev, key.p, key.len, v);
	if (rc == -ENOSPC)
		return json_scan_fail(js, key_at, "too many fields (limit %d)", EVENT_MAX_FIELDS);
	if (rc < 0)
		return json_scan_fail(js, key_at, "invalid parameter index in key '%.*s'",
				      (int)(key.len < KEY_SHOWN ? key.len : KEY_SHOWN), key.p);
	/* the line was good before this member: this key's value is the bad stamp */
	if (ev->slot[EVENT_TIME].p && !ev->has_time)
		return timestamp_fail(js->err, at, key.p, key.len, "an ISO 8601 time", v.p, v.len);
	return 0;
}

static int applelog_parse(const struct format *fmt, const struct format_ctx *ctx,
			  char *line, size_t len, struct event *ev, char err[FORMAT_ERR_LEN])
{
	static const char banner[] = "Filtering the log data";
	struct json_scan js = { line, len, 0, err, 0 };

	(void)fmt;
	(void)ctx;
	if (len >= sizeof(banner) - 1 && memcmp(line, banner, sizeof(banner) - 1) == 0)
		return -ENOENT;
	return json_scan_line(&js, member, ev);
}

/* The names of `log`'s predicates, which every line carries as fields. */
static const char *const applelog_fields[] = {
	"timestamp", "subsystem", "category", "processImagePath", "senderImagePath",
	"eventMessage", "messageType", "eventType", "processID", "threadID",
	"activityIdentifier", "formatString", NULL,
};

const struct format format_applelog = {
	.name = "applelog",
	.parse = applelog_parse,
	.fields = applelog_fields,
};
