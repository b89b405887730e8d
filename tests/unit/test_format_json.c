/*
 * Unit tests for the "json" input format and the format table: values as
 * event fields, in-place unescaping, the strict grammar, and the exact error
 * messages with their columns. Each line is parsed from a heap copy of exactly
 * its length, so a read past the end shows under ASan.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/event.h"
#include "rules/format.h"
#include "tests/unit/tap.h"

static const struct format *fmt;
static const struct format_ctx ctx = { 0, 0 };
static struct event ev;
static char err[FORMAT_ERR_LEN];
static char *line;

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

static void test_table(void)
{
	fmt = format_find("json");
	ok(fmt != NULL, "json format registered");
	ok(format_find("nope") == NULL, "unknown format is NULL");
	ok(format_find(NULL) == NULL, "NULL name is NULL");
	ok(strstr(format_names(), "json") != NULL, "format_names lists json: %s",
	   format_names());
	is_str(format_names(), format_names(), "format_names is stable");
}

static void test_values(void)
{
	is_int(parse("{\"EventDisplayNumber\": 1004, \"LogName\": \"Application\","
		     " \"PublisherName\": \"MSSQLSERVER\", \"EventLevel\": 2,"
		     " \"LoggingComputer\": \"db1\", \"EventDescription\": \"it broke\","
		     " \"TimeGenerated\": \"2024-03-01T12:00:00Z\","
		     " \"Params\": [\"a\", 2, true, false, null, \"f\"],"
		     " \"_SYSTEMD_UNIT\": \"x.service\", \"flag\": false, \"gone\": null}"),
	       0, "a full event parses");
	is_str(err, "", "no message on success");
	is_str(get("EventDisplayNumber"), "1004", "number as its text");
	ok(ev.has_number && ev.number == 1004, "EventDisplayNumber sets number");
	is_str(get("LogName"), "Application", "LogName");
	is_str(get("Channel"), "Application", "Channel alias");
	is_str(get("PublisherName"), "MSSQLSERVER", "PublisherName");
	is_str(get("EventLevel"), "2", "EventLevel number text");
	is_str(get("LoggingComputer"), "db1", "LoggingComputer");
	is_str(get("EventDescription"), "it broke", "EventDescription");
	ok(ev.has_time && ev.time == 1709294400LL * 1000000, "TimeGenerated sets time");
	is_int(ev.nparams, 6, "six params");
	is_str(get("Params/Param[1]"), "a", "param 1 string");
	is_str(get("Params/Param[2]"), "2", "param 2 number");
	is_str(get("Params/Param[3]"), "true", "param 3 true");
	is_str(get("Params/Param[4]"), "false", "param 4 false");
	ok(get("Params/Param[5]") == NULL, "param 5 null is absent");
	is_str(get("Params/Param[6]"), "f", "param 6 keeps its place after a null");
	is_str(get("_SYSTEMD_UNIT"), "x.service", "other key is a named field");
	is_str(get("flag"), "false", "false as text");
	ok(get("gone") == NULL, "null leaves the field absent");
	is_int(ev.nfields, 2, "null made no field");

	is_int(parse("{\"n\":-0.5e+10,\"m\":0,\"k\":-12,\"e\":1E3,\"f\":2.50}"), 0,
	       "numbers parse");
	is_str(get("n"), "-0.5e+10", "number kept as written");
	is_str(get("m"), "0", "zero");
	is_str(get("k"), "-12", "negative");
	is_str(get("e"), "1E3", "exponent");
	is_str(get("f"), "2.50", "trailing zero kept");

	is_int(parse("{}"), 0, "empty object");
	is_int(ev.nfields + ev.nparams, 0, "empty object is an empty event");
	is_int(parse(" \t{ \"a\" : \"b\" , \"c\":\"d\" }\r\n "), 0, "white space anywhere");
	is_str(get("a"), "b", "a");
	is_str(get("c"), "d", "c");
	is_int(parse("{\"a\":\"1\",\"a\":\"2\"}"), 0, "duplicate key");
	is_str(get("a"), "2", "the last duplicate wins");
	is_int(parse("{\"Params\":[\"x\",\"y\",\"z\"],\"Params\":[\"q\"]}"), 0,
	       "Params twice");
	is_int(ev.nparams, 1, "a second Params array replaces the first");
	is_str(get("Params/Param[1]"), "q", "replaced param");
	is_int(parse("{\"Params\":[]}"), 0, "empty Params");
	is_int(ev.nparams, 0, "no params");
	is_int(parse("{\"Params\":\"notarray\"}"), 0, "Params as a string");
	is_str(get("Params"), "notarray", "is an ordinary field");
	is_int(parse("{\"Params/Param[2]\":\"b\"}"), 0, "a param path as key");
	is_str(get("Params/Param[2]"), "b", "sets that param");
	is_int(parse("{\"\":\"empty key\"}"), 0, "empty key is allowed");
	is_int(ev.nfields, 1, "as a named field");
	is_int(parse("{\"EventDisplayNumber\":\"0042\"}"), 0, "number as a string");
	ok(ev.has_number && ev.number == 42, "string EventDisplayNumber sets number too");
}

/* Shippers' names for the well-known fields, used only while the slot is empty. */
static void test_aliases(void)
{
	static const struct {
		const char *key, *slot;
	} map[] = {
		{ "EventID", "EventDisplayNumber" }, { "EventId", "EventDisplayNumber" },
		{ "event_id", "EventDisplayNumber" }, { "SourceName", "PublisherName" },
		{ "ProviderName", "PublisherName" }, { "Provider", "PublisherName" },
		{ "Channel", "LogName" }, { "Hostname", "LoggingComputer" },
		{ "Computer", "LoggingComputer" }, { "host", "LoggingComputer" },
		{ "Message", "EventDescription" }, { "TimeCreated", "TimeGenerated" },
		{ "@timestamp", "TimeGenerated" }, { "Level", "EventLevel" },
	};
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(text, sizeof(text), "{\"%s\":\"2024-03-01T12:00:00Z\"}", map[i].key);
		is_int(parse(text), 0, map[i].key);
		is_str(get(map[i].slot), "2024-03-01T12:00:00Z", "  sets its slot");
	}
	is_int(parse("{\"EventID\":4625,\"TimeCreated\":\"2024-03-01T12:00:00Z\"}"), 0,
	       "NXLog-style line");
	ok(ev.has_number && ev.number == 4625, "EventID sets number");
	ok(ev.has_time && ev.time == 1709294400LL * 1000000, "TimeCreated sets time");
	is_int(ev.nfields, 0, "aliases make no named fields");

	is_int(parse("{\"EventDisplayNumber\":1,\"EventID\":2}"), 0, "canonical first");
	is_str(get("EventDisplayNumber"), "1", "canonical kept");
	is_str(get("EventID"), "2", "alias becomes a named field");
	is_int(parse("{\"Message\":\"a\",\"EventDescription\":\"b\"}"), 0,
	       "canonical after the alias");
	is_str(get("EventDescription"), "b", "canonical wins");
	is_int(parse("{\"host\":\"a\",\"Hostname\":\"b\"}"), 0, "two aliases");
	is_str(get("LoggingComputer"), "a", "the first alias fills the slot");
	is_str(get("Hostname"), "b", "the second is a named field");
	is_int(parse("{\"eventid\":7}"), 0, "aliases are case-sensitive");
	ok(get("EventDisplayNumber") == NULL, "  no slot from 'eventid'");
}

static void test_unescape(void)
{
	is_int(parse("{\"s\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}"), 0, "simple escapes");
	is_str(get("s"), "a\"b\\c/d\be\ff\ng\rh\ti", "unescaped in place");
	is_int(parse("{\"s\":\"caf\\u00e9 \\u20AC \\ud83d\\ude00 \\u0041\"}"), 0,
	       "unicode escapes");
	is_str(get("s"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 A", "to UTF-8");
	is_int(parse("{\"k\\u0065y\":\"v\"}"), 0, "escaped key");
	is_str(get("key"), "v", "key unescaped");
	is_int(parse("{\"s\":\"\\u0000x\"}"), 0, "escaped NUL");
	ok(ev.fields[0].value.len == 2 && ev.fields[0].value.p[0] == '\0',
	   "NUL kept inside the slice");
	/* Raw bytes >= 0x80 pass through, valid UTF-8 or not. */
	is_int(parse("{\"s\":\"\xc3\xa9\xff\xfe\"}"), 0, "raw high bytes");
	is_str(get("s"), "\xc3\xa9\xff\xfe", "kept as bytes");
	/* Text after an escape moves left; later values must still be right. */
	is_int(parse("{\"a\":\"\\n\\n\\nxyz\",\"b\":\"plain\",\"c\":\"q\\\"\"}"), 0,
	       "several escaped values");
	is_str(get("a"), "\n\n\nxyz", "first");
	is_str(get("b"), "plain", "second");
	is_str(get("c"), "q\"", "third");
}

static void test_errors(void)
{
	char big[64 * 16 + 64], *p;
	int i;

	is_int(parse(""), -EINVAL, "empty line");
	is_str(err, "empty line", "  message");
	is_int(parse("   \t "), -EINVAL, "blank line");
	is_str(err, "empty line", "  message");

	bad("[1,2]", "expected an object at column 1");
	bad("  \"x\"", "expected an object at column 3");
	bad("{\"EventDisplayNumber\" 1}", "expected ':' after object key at column 23");
	bad("{\"a\":\"b\"", "unterminated object at column 9");
	bad("{\"a\":\"b\",}", "expected object key at column 10");
	bad("{\"a\":\"b\" \"c\":1}", "expected ',' or '}' after object value at column 10");
	bad("{'a':1}", "expected object key at column 2");
	bad("{a:1}", "expected object key at column 2");
	bad("{\"a\":\"unterminated}", "unterminated string at column 6");
	bad("{\"a\":\"x\\q\"}", "invalid escape '\\q' at column 8");
	bad("{\"a\":\"x\\", "unterminated string at column 6");
	bad("{\"a\":\"\\u12\"}", "invalid unicode escape at column 7");
	bad("{\"a\":\"\\u12G4\"}", "invalid unicode escape at column 7");
	bad("{\"a\":\"\\ud800\"}", "lone surrogate '\\ud800' at column 7");
	bad("{\"a\":\"\\ud800\\u0041\"}", "lone surrogate '\\ud800' at column 7");
	bad("{\"a\":\"\\udc00x\"}", "lone surrogate '\\udc00' at column 7");
	bad("{\"a\":\"tab\there\"}", "unescaped control character in string at column 10");
	bad("{\"a\":1} x", "trailing characters after object at column 9");
	bad("{\"a\":1}}", "trailing characters after object at column 8");
	bad("{\"a\":01}", "invalid number (leading zero) at column 6");
	bad("{\"a\":-}", "invalid number at column 6");
	bad("{\"a\":1.}", "invalid number at column 6");
	bad("{\"a\":.5}", "expected a value at column 6");
	bad("{\"a\":+1}", "expected a value at column 6");
	bad("{\"a\":1e}", "invalid number at column 6");
	bad("{\"a\":1e+}", "invalid number at column 6");
	bad("{\"a\":NaN}", "expected a value at column 6");
	bad("{\"a\":tru}", "invalid literal at column 6");
	bad("{\"a\":nul", "invalid literal at column 6");
	bad("{\"a\":True}", "expected a value at column 6");
	bad("{\"a\":truex}", "expected ',' or '}' after object value at column 10");
	bad("{\"a\":}", "expected a value at column 6");
	bad("{\"a\":", "expected a value at column 6");
	bad("{\"a\":{\"b\":1}}", "unsupported nested value for key 'a' at column 6");
	bad("{\"tags\":[1,2]}", "unsupported nested value for key 'tags' at column 9");
	bad("{\"Params\":{}}", "unsupported nested value for key 'Params' at column 11");
	bad("{\"Params\":[1,[2]]}", "unsupported nested value in 'Params' at column 14");
	bad("{\"Params\":[1,{}]}", "unsupported nested value in 'Params' at column 14");
	bad("{\"Params\":[1,]}", "expected a value at column 14");
	bad("{\"Params\":[1 2]}", "expected ',' or ']' after array element at column 14");
	bad("{\"Params\":[1", "unterminated array at column 13");
	bad("{\"Params/Param[0]\":1}", "invalid parameter index in key 'Params/Param[0]' at column 2");
	bad("{\"a\":1,\"b\"}", "expected ':' after object key at column 11");

	/* A stamp that is not a time is a bad line, never an event at the epoch. */
	bad("{\"LogName\":\"x\",\"TimeGenerated\":\"yesterday\"}",
	    "'TimeGenerated' is not an ISO 8601 time: \"yesterday\" at column 32");
	bad("{\"TimeGenerated\":\"2026-13-01T00:00:00Z\"}",
	    "'TimeGenerated' is not an ISO 8601 time: \"2026-13-01T00:00:00Z\" at column 18");
	bad("{\"TimeGenerated\":\"0000-01-01T00:00:00Z\"}",
	    "'TimeGenerated' is not an ISO 8601 time: \"0000-01-01T00:00:00Z\" at column 18");
	bad("{\"TimeGenerated\":\"2026-11-20T25:00:00Z\"}",
	    "'TimeGenerated' is not an ISO 8601 time: \"2026-11-20T25:00:00Z\" at column 18");
	bad("{\"TimeGenerated\":1795161600}",
	    "'TimeGenerated' is not an ISO 8601 time: \"1795161600\" at column 18");
	bad("{\"TimeGenerated\":\"\"}", "'TimeGenerated' is not an ISO 8601 time: \"\" at column 18");
	bad("{\"@timestamp\":\"soon\"}", "'@timestamp' is not an ISO 8601 time: \"soon\" at column 15");
	bad("{\"TimeCreated\":\"2026-02-29T00:00:00Z\"}",
	    "'TimeCreated' is not an ISO 8601 time: \"2026-02-29T00:00:00Z\" at column 16");
	bad("{\"TimeGenerated\":\"\\u001b]0;x\\u0007\"}",
	    "'TimeGenerated' is not an ISO 8601 time: \"\\x1b]0;x\\x07\" at column 18");
	bad("{\"TimeGenerated\":\"2026-11-20T08:00:00Z, or so the operator believed at the time\"}",
	    "'TimeGenerated' is not an ISO 8601 time: \"2026-11-20T08:00:00Z, or so the operator "
	    "believed at the\"... at column 18");
	is_int(parse("{\"TimeGenerated\":null,\"a\":1}"), 0, "a null TimeGenerated is none");
	ok(!ev.has_time, "  and the event has no time");

	/* A NUL byte is no JSON white space. */
	is_int(parse_n("{\"a\":1}\0", 8), -EINVAL, "NUL after the object");
	is_str(err, "trailing characters after object at column 8", "  message");

	/* 65 distinct keys: the 65th is refused at its column. */
	p = big;
	p += sprintf(p, "{");
	for (i = 0; i < EVENT_MAX_FIELDS + 1; i++)
		p += sprintf(p, "%s\"k%02d\":1", i ? "," : "", i);
	sprintf(p, "}");
	is_int(parse(big), -EINVAL, "65 fields");
	is_str(err, "too many fields (limit 64) at column 514", "  message");

	p = big;
	p += sprintf(p, "{\"Params\":[");
	for (i = 0; i < EVENT_MAX_PARAMS + 1; i++)
		p += sprintf(p, "%s%d", i ? "," : "", i % 10);
	sprintf(p, "]}");
	is_int(parse(big), -EINVAL, "65 params");
	is_str(err, "too many parameters (limit 64) at column 140", "  message");
}

/*
 * Mutated lines must never crash or read outside the line (ASan), and a line
 * that parses must leave every slice inside it.
 */
static void test_mutations(void)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789aeE+-. tfn\x80";
	static const char *const seeds[] = {
		"{\"EventDisplayNumber\":1004,\"LogName\":\"App\",\"Params\":[\"a\\u00e9\",1,true]}",
		"{\"s\":\"x\\\"y\\\\z\\ud83d\\ude00\",\"n\":-1.5e-3,\"b\":false,\"z\":null}",
	};
	uint32_t seed = 12345;
	size_t s, i, k;
	int passed = 0, failed = 0;
	bool inside = true;

	for (s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		size_t n = strlen(seeds[s]);
		char buf[256];

		for (i = 0; i < 4000; i++) {
			memcpy(buf, seeds[s], n);
			for (k = 0; k < 3; k++) {
				seed = seed * 1103515245 + 12345;
				buf[(seed >> 8) % n] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			}
			if (parse_n(buf, (seed >> 4) % 2 ? n : (seed >> 12) % (n + 1)) == 0) {
				passed++;
				for (k = 0; k < ev.nfields; k++) {
					struct str v = ev.fields[k].value;

					if (v.p && (v.p < line || v.p + v.len > line + n))
						inside = false;
				}
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

int main(void)
{
	test_table();
	if (!fmt)
		return tap_done();
	test_values();
	test_aliases();
	test_unescape();
	test_errors();
	test_mutations();
	free(line);
	return tap_done();
}
