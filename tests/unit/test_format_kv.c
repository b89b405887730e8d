/*
 * Unit tests for the "kv" input format (key=value, logfmt): keys through
 * event_set, bare and quoted values, in-place unescaping, exact error messages
 * with columns, and lines of random bytes.
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

static void test_values(void)
{
	is_int(parse("TimeGenerated=2026-11-20T08:00:00Z EventDisplayNumber=1003 "
		     "LogName=\"Mobile Device Manager\" PublisherName=\"Device Manager\" "
		     "EventLevel=2 LoggingComputer=dms01 EventDescription=\"cannot reach it\" "
		     "Params/Param[2]=second user=alice"),
	       0, "every slot, a param and a field");
	ok(ev.has_time && ev.time == 1795161600LL * 1000000, "  time (got %s)", when(ev.time));
	ok(ev.has_number && ev.number == 1003, "  number");
	is_str(get("LogName"), "Mobile Device Manager", "  LogName");
	is_str(get("PublisherName"), "Device Manager", "  PublisherName");
	is_str(get("EventLevel"), "2", "  EventLevel");
	is_str(get("LoggingComputer"), "dms01", "  LoggingComputer");
	is_str(get("EventDescription"), "cannot reach it", "  EventDescription");
	ok(get("Params/Param[1]") == NULL, "  param 1 absent");
	is_str(get("Params/Param[2]"), "second", "  param 2");
	is_str(get("user"), "alice", "  named field");

	is_int(parse("  Channel=System\tlevel=info  "), 0, "blanks around and tabs between");
	is_str(get("LogName"), "System", "  Channel is LogName");
	is_str(get("level"), "info", "  field");
	is_int(parse("a= b=\"\" c=x"), 0, "empty values");
	is_str(get("a"), "", "  bare empty");
	is_str(get("b"), "", "  quoted empty");
	is_str(get("c"), "x", "  then more");
	is_int(parse("url=http://x/?a=b&c=d"), 0, "'=' inside a bare value");
	is_str(get("url"), "http://x/?a=b&c=d", "  kept");
	is_int(parse("a=1 a=2"), 0, "a repeated key");
	is_str(get("a"), "2", "  the last wins");
	is_int(parse("msg=\"say \\\"hi\\\" \\\\ \\n\\t\\r \\q end\" next=1"), 0, "escapes");
	is_str(get("msg"), "say \"hi\" \\ \n\t\r \\q end", "  unescaped in place");
	is_str(get("next"), "1", "  the next value after the moved text");
	is_int(parse("s=\"caf\xc3\xa9 \xff\" t=\xfe"), 0, "high bytes");
	is_str(get("s"), "caf\xc3\xa9 \xff", "  kept as bytes");
	is_str(get("t"), "\xfe", "  bare too");
	is_int(parse("TimeGenerated=\"Nov 20 08:00:00\""), 0, "a BSD stamp");
	ok(ev.has_time && ev.time == 1795161600LL * 1000000, "  dated from ctx (got %s)",
	   when(ev.time));
	bad("TimeGenerated=yesterday x=1",
	    "'TimeGenerated' is not an ISO 8601 or syslog time: \"yesterday\" at column 15");
	bad("TimeGenerated=\"Nov 31 08:00:00\"",
	    "'TimeGenerated' is not an ISO 8601 or syslog time: \"Nov 31 08:00:00\" at column 16");
	bad("TimeGenerated=2026-11-20T25:00:00Z",
	    "'TimeGenerated' is not an ISO 8601 or syslog time: \"2026-11-20T25:00:00Z\" at "
	    "column 15");
	bad("TimeGenerated= x=1",
	    "'TimeGenerated' is not an ISO 8601 or syslog time: \"\" at column 15");
	is_int(parse("time=2026-11-20T08:00:00Z level=warn msg=x"), 0, "logfmt's own names");
	is_str(get("msg"), "x", "  are fields of their names");
}

static void test_errors(void)
{
	char big[1024], *p;
	int i;

	bad("", "empty line");
	bad("  \t", "empty line");
	bad("hello world", "expected '=' after key 'hello' at column 6");
	bad("a=1 stray", "expected '=' after key 'stray' at column 10");
	bad("=1", "expected a key at column 1");
	bad("a=1 =2", "expected a key at column 5");
	bad("\"a\"=1", "expected a key at column 1");
	bad("a\"b=1", "expected '=' after key 'a' at column 2");
	bad("a=\"open", "unterminated string at column 3");
	bad("a=\"open\\", "unterminated string at column 3");
	bad("a=\"x\"b=1", "expected a blank after a quoted value at column 6");
	bad("a=x\"y\"", "unexpected '\"' in a bare value at column 4");
	bad("Params/Param[0]=x", "invalid parameter index in key 'Params/Param[0]' at column 1");

	p = big;
	for (i = 0; i < EVENT_MAX_FIELDS + 1; i++)
		p += sprintf(p, "%sk%02d=1", i ? " " : "", i);
	bad(big, "too many fields (limit 64) at column 385");
}

static void test_mutations(void)
{
	static const char alphabet[] = "= \t\"\\abn01[]/\x80\xff";
	static const char *const seeds[] = {
		"TimeGenerated=2026-11-20T08:00:00Z EventDisplayNumber=1003 LogName=\"A \\\"b\\\"\"",
		"a=1 b=\"x y\" Params/Param[2]=z c= d=\"\"",
	};
	static const char nul_line[] = "a=\"x\0y\" b=1";

	mutate(seeds, sizeof(seeds) / sizeof(seeds[0]), alphabet, sizeof(alphabet));
	is_int(parse_n(nul_line, sizeof(nul_line) - 1), 0, "a NUL byte in a quoted value");
	is_int(ev.fields[0].value.len, 3, "  stays in the value");
}

int main(void)
{
	fmt = format_find("kv");
	ok(fmt != NULL, "kv format registered");
	if (!fmt)
		return tap_done();
	ctx.now = 1795305600LL * 1000000;	/* 2026-11-22T00:00:00Z */
	test_values();
	test_errors();
	test_mutations();
	free(line);
	return tap_done();
}
