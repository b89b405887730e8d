/*
 * Unit tests for the "regex" input format: the constructor and its refusals,
 * capture names to fields (ParamN, "__" for '/', slots), a TimeGenerated
 * capture read as ISO 8601 or a BSD stamp, lines that do not match (-ENOENT,
 * no message), the prefilters, the match limit, and lines of random bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"
#include "rules/event.h"
#include "rules/format.h"
#include "rules/regex.h"
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

static struct format *owned;

static int use(const char *pattern)
{
	format_free(owned);
	owned = NULL;
	err[0] = '\0';
	int rc = format_regex_new(pattern, strlen(pattern), &owned, err);

	fmt = owned;
	return rc;
}

static void test_table(void)
{
	const struct format *entry = format_find("regex");

	ok(entry && entry->needs_pattern, "regex is in the table and needs a pattern");
	ok(strstr(format_names(), "regex") != NULL, "format_names lists it: %s", format_names());
	fmt = entry;
	bad("anything", "the regex format needs a pattern");
	format_free((struct format *)entry);
	format_free(NULL);
	ok(format_find("regex") == entry, "format_free leaves the table alone");
}

static void test_constructor(void)
{
	is_int(use("(?<a>x"), -EINVAL, "a pattern PCRE2 refuses");
	is_str(err, "invalid pattern: missing closing parenthesis at offset 6", "  message");
	ok(owned == NULL, "  no format");
	is_int(use("^plain (x)$"), -EINVAL, "no named capture");
	is_str(err, "the pattern has no named captures, such as (?<EventDescription>.*)",
	       "  message");
	is_int(use("(?<a>x)"), 0, "a minimal pattern");
	ok(owned && !owned->needs_pattern && strcmp(owned->name, "regex") == 0,
	   "  an instance named regex that parses");
}

static void test_fields(void)
{
	is_int(use("^(?<TimeGenerated>\\S+) (?<LoggingComputer>\\S+) (?<PublisherName>[^\\[]+)"
		   "\\[(?<EventDisplayNumber>\\d+)\\]: (?<EventDescription>.*?)"
		   "(?: user=(?<Param2>\\w+))?(?: unit=(?<_SYSTEMD_UNIT>\\S+))?"
		   "(?: who=(?<EventData__DataItem__User>\\S+))?$"),
	       0, "a pattern with slots, a param and named fields");
	is_int(parse("2026-11-20T08:00:00Z dms01 Device Manager[1003]: cannot reach it "
		     "user=alice unit=mdm.service who=bob"),
	       0, "a matching line");
	is_str(err, "", "  no message");
	ok(ev.has_time && ev.time == 1795161600LL * 1000000, "  time (got %s)", when(ev.time));
	is_str(get("LoggingComputer"), "dms01", "  LoggingComputer");
	is_str(get("PublisherName"), "Device Manager", "  PublisherName");
	ok(ev.has_number && ev.number == 1003, "  EventDisplayNumber sets number");
	is_str(get("EventDescription"), "cannot reach it", "  EventDescription");
	ok(get("Params/Param[1]") == NULL, "  Param1 absent");
	is_str(get("Params/Param[2]"), "alice", "  Param2 is Params/Param[2]");
	is_str(get("_SYSTEMD_UNIT"), "mdm.service", "  '_' alone stays");
	is_str(get("EventData/DataItem/User"), "bob", "  '__' is '/'");

	is_int(parse("2026-11-20T08:00:00Z dms01 Device Manager[1004]: up"), 0,
	       "optional groups that take no part");
	ok(get("Params/Param[2]") == NULL && get("_SYSTEMD_UNIT") == NULL &&
	   get("EventData/DataItem/User") == NULL, "  leave their fields absent");
	is_int(ev.nfields, 0, "  no named fields at all");

	is_int(parse("not this one"), -ENOENT, "a line the pattern does not match");
	is_str(err, "", "  is no error");

	is_int(use("^(?<TimeGenerated>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d) (?<m>.*)"), 0,
	       "a BSD stamp as TimeGenerated");
	is_int(parse("Nov 20 08:00:00 x"), 0, "  parses");
	ok(ev.has_time && ev.time == 1795161600LL * 1000000, "  dated from ctx (got %s)",
	   when(ev.time));
	is_int(parse("Bad 20 08:00:00 x"), -EINVAL, "an unreadable stamp");
	is_str(err, "'TimeGenerated' is not an ISO 8601 or syslog time: \"Bad 20 08:00:00\" at "
	       "column 1", "  is a bad line that shows it");
	is_int(parse("Nov 20 24:00:00 x"), -EINVAL, "an hour out of range");
	is_str(err, "'TimeGenerated' is not an ISO 8601 or syslog time: \"Nov 20 24:00:00\" at "
	       "column 1", "  likewise");

	is_int(use("(?<Param65>x)(?<Param0>y)(?<Param1x>z)"), 0, "names that are no params");
	is_int(parse("xyz"), 0, "  parse");
	is_str(get("Param65"), "x", "  Param65 is a field");
	is_str(get("Param0"), "y", "  Param0 is a field");
	is_str(get("Param1x"), "z", "  Param1x is a field");
}

static void test_prefilter(void)
{
	is_int(use("sshd\\[(?<ProcessId>\\d+)\\]"), 0, "a literal prefix");
	is_int(parse("Nov 20 h sshd[12]: x"), 0, "  matches anywhere");
	is_str(get("ProcessId"), "12", "  capture");
	is_int(parse("Nov 20 h cron[12]: x"), -ENOENT, "  a line without it");
	is_int(use("(?i)(?<w>\\d+)x"), 0, "a caseless required letter");
	is_int(parse("12X"), 0, "  matches the other case");
	is_str(get("w"), "12", "  capture");
	is_int(parse("12y"), -ENOENT, "  not without it");
	is_int(use("(?<w>\\d+)x"), 0, "a case-sensitive required letter");
	is_int(parse("12X"), -ENOENT, "  does not match the other case");
}

static void test_limits(void)
{
	uint64_t before;

	is_int(use("^(?<a>(x+x+)+y)"), 0, "a catastrophic pattern");
	before = regex_limit_hits();
	/* not a line of another format: one it could not tell, so a bad line */
	is_int(parse("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz y"), -EINVAL,
	       "  gives up on a long line, as a bad line");
	is_str(err, "the pattern stopped at PCRE2's match or depth limit", "  saying why");
	ok(regex_limit_hits() > before, "  and counts a limit hit");
	is_int(parse("xxxz"), -ENOENT, "  a short line it can tell is no match");
}

static void test_mutations(void)
{
	static const char alphabet[] = "[]: 0123456789abZ\x80\xff";
	static const char *const seeds[] = {
		"2026-11-20T08:00:00Z dms01 Device Manager[1003]: cannot reach it user=alice",
		"Nov 20 08:00:00 h sshd[12]: x",
	};
	static const char nul_line[] = "2026-11-20T08:00:00Z h p[1]: a\0b";

	is_int(use("^(?<TimeGenerated>\\S+) (?<LoggingComputer>\\S+) (?<PublisherName>[^\\[]+)"
		   "\\[(?<EventDisplayNumber>\\d+)\\]: (?<EventDescription>.*)$"),
	       0, "pattern for mutations");
	mutate(seeds, sizeof(seeds) / sizeof(seeds[0]), alphabet, sizeof(alphabet));
	is_int(parse_n(nul_line, sizeof(nul_line) - 1), 0, "a NUL byte in the line");
	is_int(ev.slot[EVENT_DESCRIPTION].len, 3, "  stays in the capture");
}

int main(void)
{
	ctx.now = 1795305600LL * 1000000;	/* 2026-11-22T00:00:00Z */
	test_table();
	test_constructor();
	test_fields();
	test_prefilter();
	test_limits();
	test_mutations();
	format_free(owned);
	free(line);
	return tap_done();
}
