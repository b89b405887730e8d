/*
 * Unit tests for the "applelog" input format (macOS `log show --style ndjson`):
 * the slots it fills, the fields it keeps, messageType levels, nested values
 * read over, the banner line of `log stream`, JSON errors with their columns,
 * and lines of random bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"
#include "rules/event.h"
#include "rules/format.h"
#include "tests/unit/tap.h"

static const struct format *fmt;
static struct format_ctx ctx;
static struct event ev;
static char err[FORMAT_ERR_LEN];
static char *line;

/* Parse from a heap copy of exactly n bytes, so a read past the end shows under ASan. */
static int parse_n(const char *text, size_t n)
{
	free(line);
	line = malloc(n ? n : 1);
	if (!line)
		abort();
	memcpy(line, text, n);
	event_reset(&ev);
	err[0] = '\0';
	return fmt->parse(fmt, &ctx, line, n, &ev, err);
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static const char *show(struct str v)
{
	static char buf[4][512];
	static int k;

	if (!v.p)
		return NULL;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%.*s", (int)v.len, v.p);
	return buf[k];
}

static const char *get(const char *path)
{
	struct field_ref ref;

	if (field_ref_parse(path, strlen(path), &ref) < 0)
		return "<bad path>";
	return show(event_get(&ev, &ref));
}

/* The line must fail with exactly this message. */
static void bad(const char *text, const char *want)
{
	int rc = parse(text);

	ok(rc == -EINVAL, "refused: %s", text);
	is_str(err, want, "  message");
}

/* A time as ISO text, for messages that show both sides. */
static const char *when(int64_t us)
{
	static char buf[2][ISO8601_LEN];
	static int k;

	k = !k;
	return iso8601_format(us, buf[k]);
}

/* Static number texts (syslog's severity, EventLevel) live outside the line. */
static bool number_text(struct str v)
{
	size_t i;

	for (i = 0; i < v.len; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
	return v.len <= 2;
}

/*
 * Random bytes (NUL and invalid UTF-8 among them) spliced into good lines must
 * never crash or read outside the line, and a line that parses must leave every
 * slice inside it or in the event.
 */
static void mutate(const char *const *seeds, size_t nseeds, const char *alphabet, size_t nalpha)
{
	uint32_t seed = 4242;
	size_t s, i, k;
	int passed = 0, failed = 0;
	bool inside = true;

	for (s = 0; s < nseeds; s++) {
		size_t n = strlen(seeds[s]);
		char buf[512];

		for (i = 0; i < 3000; i++) {
			size_t use;

			memcpy(buf, seeds[s], n);
			for (k = 0; k < 3; k++) {
				seed = seed * 1103515245 + 12345;
				buf[(seed >> 8) % n] = alphabet[(seed >> 20) % nalpha];
			}
			use = (seed >> 4) % 2 ? n : (seed >> 12) % (n + 1);
			if (parse_n(buf, use) == 0) {
				passed++;
				for (k = 0; k < ev.nfields; k++) {
					struct str v = ev.fields[k].value;

					if (v.p && (v.p < line || v.p + v.len > line + use) &&
					    !number_text(v))
						inside = false;
				}
				for (k = 0; k < EVENT_NSLOTS; k++) {
					struct str v = ev.slot[k];

					if (v.p && (v.p < line || v.p + v.len > line + use) &&
					    !number_text(v))
						inside = false;
				}
			} else if (err[0] == '\0') {
				failed++;	/* -ENOENT: not a line for this format */
			} else {
				failed++;
				if (!strstr(err, "column") && strcmp(err, "empty line") != 0)
					inside = false;
			}
		}
	}
	ok(passed > 0 && failed > 0, "mutations: %d parsed, %d refused", passed, failed);
	ok(inside, "slices stay in the line and every error names a column");
}

/* A line as `log show --style ndjson` prints it on macOS 13 (wrapped here). */
static const char sample[] =
	"{\"traceID\":1234567890123,\"eventMessage\":\"Failed to get activation record: "
	"\\\"The network connection was lost.\\\"\",\"eventType\":\"logEvent\",\"source\":null,"
	"\"formatString\":\"%{public}s\",\"activityIdentifier\":0,"
	"\"subsystem\":\"com.apple.ManagedClient.cloudconfigurationd\",\"category\":\"MDM\","
	"\"threadID\":4242,\"senderImageUUID\":\"9F4B3F5C-0000-0000-0000-000000000000\","
	"\"backtrace\":{\"frames\":[{\"imageOffset\":123,\"imageUUID\":\"X\"}]},\"bootUUID\":\"\","
	"\"processImagePath\":\"\\/usr\\/libexec\\/cloudconfigurationd\","
	"\"timestamp\":\"2017-11-06 13:04:37.123456+0200\","
	"\"senderImagePath\":\"\\/System\\/Library\\/PrivateFrameworks\\/CloudConfiguration\","
	"\"machTimestamp\":98765,\"messageType\":\"Error\",\"processImageUUID\":\"Y\","
	"\"processID\":530,\"senderProgramCounter\":1,\"parentActivityIdentifier\":0,"
	"\"timezoneName\":\"\"}";

static void test_values(void)
{
	int64_t want;

	iso8601_parse("2017-11-06T11:04:37.123456Z", 27, &want);
	is_int(parse(sample), 0, "a log show line");
	ok(ev.has_time && ev.time == want, "  TimeGenerated with its zone (got %s)", when(ev.time));
	is_str(get("TimeGenerated"), "2017-11-06 13:04:37.123456+0200", "  as written");
	is_str(get("EventDescription"),
	       "Failed to get activation record: \"The network connection was lost.\"",
	       "  eventMessage, unescaped");
	is_str(get("PublisherName"), "cloudconfigurationd", "  process name");
	is_str(get("EventLevel"), "2", "  Error is Error");
	is_str(get("subsystem"), "com.apple.ManagedClient.cloudconfigurationd", "  subsystem");
	is_str(get("category"), "MDM", "  category");
	is_str(get("processImagePath"), "/usr/libexec/cloudconfigurationd", "  processImagePath");
	is_str(get("senderImagePath"), "/System/Library/PrivateFrameworks/CloudConfiguration",
	       "  senderImagePath");
	is_str(get("processID"), "530", "  processID");
	is_str(get("messageType"), "Error", "  messageType kept");
	is_str(get("eventType"), "logEvent", "  eventType");
	is_str(get("eventMessage"), get("EventDescription"), "  eventMessage kept");
	ok(get("source") == NULL, "  null is absent");
	ok(get("backtrace") == NULL, "  nested backtrace dropped");
	ok(get("LogName") == NULL && get("LoggingComputer") == NULL, "  no log name, no host");

	static const struct {
		const char *type, *level;
	} levels[] = {
		{ "Default", "4" }, { "Info", "4" }, { "Debug", "5" }, { "Error", "2" },
		{ "Fault", "1" }, { "Activity", NULL },
	};
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(text, sizeof(text), "{\"messageType\":\"%s\"}", levels[i].type);
		is_int(parse(text), 0, text);
		if (levels[i].level)
			is_str(get("EventLevel"), levels[i].level, "  EventLevel");
		else
			ok(get("EventLevel") == NULL, "  no EventLevel");
	}
	is_int(parse("{\"processImagePath\":\"launchd\"}"), 0, "a path without a slash");
	is_str(get("PublisherName"), "launchd", "  is its own name");
	is_int(parse("{\"processImagePath\":\"/Applications/Device Manager.app/Contents/MacOS/"
		     "Device Manager\"}"),
	       0, "a name with a space");
	is_str(get("PublisherName"), "Device Manager", "  last component");
	is_int(parse("{\"a\":[[[[1]]],{\"b\":[]}],\"c\":1}"), 0, "nested arrays read over");
	is_str(get("c"), "1", "  the key after them");
	is_int(parse("Filtering the log data using \"subsystem == \\\"x\\\"\""), -ENOENT,
	       "log stream's banner is skipped");
	is_str(err, "", "  without a message");
}

static void test_errors(void)
{
	char deep[128];

	bad("", "empty line");
	bad("Timestamp  Thread  Type", "expected an object at column 1");
	bad("{\"a\":1", "unterminated object at column 7");
	bad("{\"backtrace\":{\"frames\":[1,]}}", "expected a value at column 27");
	bad("{\"backtrace\":{\"frames\" 1}}", "expected ':' after object key at column 24");
	bad("{\"a\":\"\\x\"}", "invalid escape '\\x' at column 7");
	bad("{\"eventMessage\":\"x\",\"timestamp\":\"2017-11-06 25:04:37.123456+0200\"}",
	    "'timestamp' is not an ISO 8601 time: \"2017-11-06 25:04:37.123456+0200\" at column 33");
	bad("{\"timestamp\":\"Nov  6 13:04:37\"}",
	    "'timestamp' is not an ISO 8601 time: \"Nov  6 13:04:37\" at column 14");
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "{\"a\":", 5);
	deep[sizeof(deep) - 1] = '\0';
	bad(deep, "nesting too deep at column 38");
}

static void test_mutations(void)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789 tfn/\x80";
	static const char *const seeds[] = {
		"{\"timestamp\":\"2017-11-06 13:04:37.123456+0200\",\"messageType\":\"Fault\","
		"\"processImagePath\":\"\\/usr\\/libexec\\/mdmclient\",\"eventMessage\":\"x\"}",
		"{\"backtrace\":{\"frames\":[{\"imageOffset\":1,\"u\":\"X\"}]},\"processID\":1}",
	};

	mutate(seeds, sizeof(seeds) / sizeof(seeds[0]), alphabet, sizeof(alphabet));
}

int main(void)
{
	fmt = format_find("applelog");
	ok(fmt != NULL, "applelog format registered");
	if (!fmt)
		return tap_done();
	test_values();
	test_errors();
	test_mutations();
	free(line);
	return tap_done();
}
