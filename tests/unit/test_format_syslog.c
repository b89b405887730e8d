/*
 * Unit tests for the "syslog" input format: RFC 3164 with and without <PRI>,
 * rsyslog's ISO variant and RFC 5424 with structured data; every field of the
 * mapping, the severity to EventLevel table, the year of a year-less stamp
 * around New Year, exact error messages with columns, and lines of random bytes.
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

static int64_t at(const char *iso)
{
	int64_t us = 0;

	if (!iso8601_parse(iso, strlen(iso), &us))
		abort();
	return us;
}

static void time_is(const char *want)
{
	ok(ev.has_time && ev.time == at(want), "  time %s (got %s)", want,
	   ev.has_time ? when(ev.time) : "none");
}

static void test_3164(void)
{
	is_int(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"),
	       0, "RFC 3164 example");
	time_is("2026-10-11T22:14:15Z");
	is_str(get("TimeGenerated"), "Oct 11 22:14:15", "  TimeGenerated as written");
	is_str(get("LoggingComputer"), "mymachine", "  host");
	is_str(get("PublisherName"), "su", "  tag");
	is_str(get("EventDescription"), "'su root' failed for lonvick on /dev/pts/8", "  message");
	is_str(get("EventLevel"), "1", "  crit is Critical");
	is_str(get("SyslogSeverity"), "2", "  severity");
	is_str(get("SyslogFacility"), "4", "  facility");
	ok(get("ProcessId") == NULL, "  no pid");
	ok(get("LogName") == NULL, "  no log name");

	is_int(parse("Nov 20 08:00:00 dms01 sshd[1234]: Accepted password for root from 10.0.0.1"),
	       0, "a /var/log/syslog line, no PRI");
	time_is("2026-11-20T08:00:00Z");
	is_str(get("LoggingComputer"), "dms01", "  host");
	is_str(get("PublisherName"), "sshd", "  tag");
	is_str(get("ProcessId"), "1234", "  pid");
	is_str(get("EventDescription"), "Accepted password for root from 10.0.0.1", "  message");
	ok(get("EventLevel") == NULL && get("SyslogSeverity") == NULL, "  no severity without PRI");

	is_int(parse("Nov  2 08:00:00 h kernel: [    0.1] Linux version"), 0, "space-padded day");
	time_is("2026-11-02T08:00:00Z");
	is_str(get("PublisherName"), "kernel", "  tag");
	is_str(get("EventDescription"), "[    0.1] Linux version", "  message keeps its brackets");
	is_int(parse("Nov 2 08:00:00 h x: y"), 0, "unpadded day");
	time_is("2026-11-02T08:00:00Z");
	is_int(parse("Nov 20 08:00:00.250 h x: y"), 0, "a fraction after the seconds");
	time_is("2026-11-20T08:00:00.25Z");

	is_int(parse("2026-11-20T08:00:00.123456+01:00 dms01 CRON[99]: (root) CMD (run-parts)"),
	       0, "rsyslog's ISO stamp");
	time_is("2026-11-20T07:00:00.123456Z");
	is_str(get("TimeGenerated"), "2026-11-20T08:00:00.123456+01:00", "  as written");
	is_str(get("PublisherName"), "CRON", "  tag");
	is_str(get("ProcessId"), "99", "  pid");
	is_str(get("EventDescription"), "(root) CMD (run-parts)", "  message");
	is_int(parse("<191>2026-11-20T08:00:00Z h app: m"), 0, "PRI and ISO stamp");
	is_str(get("EventLevel"), "5", "  debug is Verbose");
	is_str(get("SyslogFacility"), "23", "  local7");

	is_int(parse("Nov 20 08:00:00 h -- MARK --"), 0, "no tag");
	ok(get("PublisherName") == NULL, "  no publisher");
	is_str(get("EventDescription"), "-- MARK --", "  all of it the message");
	is_int(parse("Nov 20 08:00:00 h see http://x/y now"), 0, "a colon inside the first word");
	ok(get("PublisherName") == NULL, "  is no tag");
	is_int(parse("Nov 20 08:00:00 h dhclient[7] no colon"), 0, "tag[pid] without ':'");
	is_str(get("PublisherName"), "dhclient", "  tag");
	is_str(get("ProcessId"), "7", "  pid");
	is_str(get("EventDescription"), "no colon", "  message");
	is_int(parse("Nov 20 08:00:00 h postfix/smtpd[8]:"), 0, "empty message");
	is_str(get("PublisherName"), "postfix/smtpd", "  tag with a slash");
	is_str(get("EventDescription"), "", "  message empty, not absent");
	is_int(parse("Nov 20 08:00:00 h"), 0, "host only");
	is_str(get("LoggingComputer"), "h", "  host");
	is_str(get("EventDescription"), "", "  empty message");
}

static void test_levels(void)
{
	static const char *const want[8] = { "1", "1", "1", "2", "3", "4", "4", "5" };
	char text[64];
	int sev;

	for (sev = 0; sev < 8; sev++) {
		snprintf(text, sizeof(text), "<%d>Nov 20 08:00:00 h t: m", 8 + sev);
		is_int(parse(text), 0, text);
		is_str(get("EventLevel"), want[sev], "  EventLevel");
		is_str(get("SyslogFacility"), "1", "  user facility");
	}
	is_int(parse("<0>Nov 20 08:00:00 h t: m"), 0, "PRI 0");
	is_str(get("SyslogSeverity"), "0", "  emerg");
	is_str(get("SyslogFacility"), "0", "  kern");
}

/* The year that puts the stamp nearest before now + 1 day. */
static void test_year(void)
{
	ctx.now = at("2026-01-02T00:00:00Z");
	is_int(parse("Dec 31 23:59:59 h t: m"), 0, "December read on January 2");
	time_is("2025-12-31T23:59:59Z");
	is_int(parse("Jan  2 12:00:00 h t: m"), 0, "later today");
	time_is("2026-01-02T12:00:00Z");
	is_int(parse("Jan  2 23:59:59 h t: m"), 0, "a day ahead at most");
	time_is("2026-01-02T23:59:59Z");
	is_int(parse("Jan  3 00:00:01 h t: m"), 0, "more than a day ahead");
	time_is("2025-01-03T00:00:01Z");
	ctx.now = at("2025-12-31T23:30:00Z");
	is_int(parse("Jan  1 00:10:00 h t: m"), 0, "clock a little ahead across New Year");
	time_is("2026-01-01T00:10:00Z");
	ctx.now = at("2026-03-01T00:00:00Z");
	is_int(parse("Feb 29 10:00:00 h t: m"), 0, "Feb 29 in a common year");
	time_is("2024-02-29T10:00:00Z");
	ctx.utc_offset = 3600;
	is_int(parse("Feb 28 10:00:00 h t: m"), 0, "stamp in UTC+1");
	time_is("2026-02-28T09:00:00Z");
	is_int(parse("2026-02-28T10:00:00Z h t: m"), 0, "an ISO stamp keeps its zone");
	time_is("2026-02-28T10:00:00Z");
	ctx.utc_offset = 0;
	ctx.now = at("2026-11-22T00:00:00Z");
}

static void test_5424(void)
{
	is_int(parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
		     "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
		     "\xef\xbb\xbf" "An application event log entry"),
	       0, "RFC 5424 example with structured data");
	time_is("2003-10-11T22:14:15.003Z");
	is_str(get("LoggingComputer"), "mymachine.example.com", "  host");
	is_str(get("PublisherName"), "evntslog", "  app name");
	ok(get("ProcessId") == NULL, "  nil procid is absent");
	is_str(get("MsgId"), "ID47", "  msgid");
	is_str(get("SD/exampleSDID@32473/iut"), "3", "  SD param");
	is_str(get("SD/exampleSDID@32473/eventSource"), "Application", "  SD param");
	is_str(get("SD/exampleSDID@32473/eventID"), "1011", "  SD param");
	is_str(get("EventDescription"), "An application event log entry", "  message, BOM dropped");
	is_str(get("EventLevel"), "4", "  notice is Information");
	is_str(get("SyslogSeverity"), "5", "  severity");
	is_str(get("SyslogFacility"), "20", "  facility");

	is_int(parse("<34>1 2026-11-20T08:00:00+02:00 h app 4242 - - plain message"), 0,
	       "no structured data");
	time_is("2026-11-20T06:00:00Z");
	is_str(get("ProcessId"), "4242", "  procid");
	ok(get("MsgId") == NULL, "  nil msgid");
	is_str(get("EventDescription"), "plain message", "  message");

	is_int(parse("<13>1 - - - - - -"), 0, "all nil");
	ok(!ev.has_time && get("TimeGenerated") == NULL, "  no time");
	ok(get("LoggingComputer") == NULL && get("PublisherName") == NULL, "  no host, no app");
	ok(get("EventDescription") == NULL, "  no message");

	is_int(parse("<13>1 - h a - - [a x=\"q\\\"\\\\\\]z\" y=\"p\\n\"][b@1 x=\"2\" e=\"\"] m"), 0,
	       "two elements and escapes");
	is_str(get("SD/a/x"), "q\"\\]z", "  \\\" \\\\ \\] unescaped in place");
	is_str(get("SD/a/y"), "p\\n", "  another backslash stays");
	is_str(get("SD/b@1/x"), "2", "  second element");
	is_str(get("SD/b@1/e"), "", "  empty value");
	is_str(get("EventDescription"), "m", "  message after the moved values");
	is_int(parse("<13>1 - h a - - [timeQuality tzKnown=\"1\" isSynced=\"0\"]"), 0,
	       "structured data ends the line");
	is_str(get("SD/timeQuality/isSynced"), "0", "  param");
	ok(get("EventDescription") == NULL, "  no message");
}

static void test_errors(void)
{
	char big[2048], *p;
	int i;

	bad("", "empty line");
	bad("<34Oct 11 22:14:15 h t: m", "invalid priority at column 2");
	bad("<192>Oct 11 22:14:15 h t: m", "invalid priority at column 2");
	bad("<>Oct 11 22:14:15 h t: m", "invalid priority at column 2");
	bad("<1234>Oct 11 22:14:15 h t: m", "invalid priority at column 2");
	bad("<34>", "expected a timestamp at column 5");
	bad("Foo 11 22:14:15 h t: m", "expected a timestamp at column 1");
	bad("<34>Oct 32 22:14:15 h t: m",
	    "'TimeGenerated' is not a syslog time: \"Oct 32 22:14:15\" at column 5");
	bad("Oct 11 24:14:15 h t: m",
	    "'TimeGenerated' is not a syslog time: \"Oct 11 24:14:15\" at column 1");
	bad("Feb 30 08:00:00 h t: m",
	    "'TimeGenerated' is not a syslog time: \"Feb 30 08:00:00\" at column 1");
	bad("Nov  1 8:00 h t: m", "'TimeGenerated' is not a syslog time: \"Nov  1 8:00\" at column 1");
	bad("2026-11-20T08:00:00\x1b[2J h t: m",
	    "'TimeGenerated' is not an ISO 8601 time: \"2026-11-20T08:00:00\\x1b[2J\" at column 1");
	bad("oct 11 22:14:15 h t: m", "expected a timestamp at column 1");
	bad("2026-13-01T00:00:00Z h t: m",
	    "'TimeGenerated' is not an ISO 8601 time: \"2026-13-01T00:00:00Z\" at column 1");
	bad("0000-01-01T00:00:00Z h t: m",
	    "'TimeGenerated' is not an ISO 8601 time: \"0000-01-01T00:00:00Z\" at column 1");
	bad("Oct 11 22:14:15", "expected a host name at column 16");
	bad("Oct 11 22:14:15 ", "expected a host name at column 17");
	bad("Oct 11 22:14:15x h", "expected a host name at column 16");
	bad("<13>2 - h a p m -", "unsupported syslog version '2' at column 5");
	bad("<13>1 2003-99 h a p m -", "'TimeGenerated' is not an ISO 8601 time: \"2003-99\" at column 7");
	bad("<13>1 2026-11-20T25:00:00Z h a p m -",
	    "'TimeGenerated' is not an ISO 8601 time: \"2026-11-20T25:00:00Z\" at column 7");
	bad("<13>1 ", "expected a timestamp at column 7");
	bad("<13>1 - h a p", "expected a message id at column 14");
	bad("<13>1 - h a p m", "expected structured data at column 16");
	bad("<13>1 - h a p m x", "expected structured data at column 17");
	bad("<13>1 - h  a p m -", "expected an app name at column 11");
	bad("<13>1 - h a p m [id", "unterminated structured data element at column 17");
	bad("<13>1 - h a p m []", "expected a structured data id at column 18");
	bad("<13>1 - h a p m [id x=1]", "expected '=\"' after parameter name at column 22");
	bad("<13>1 - h a p m [id =\"1\"]", "expected a parameter name at column 21");
	bad("<13>1 - h a p m [id x=\"1]", "unterminated parameter value at column 23");
	bad("<13>1 - h a p m [id x=\"1\"x", "expected ' ' or ']' in structured data at column 26");
	bad("<13>1 - h a p m [id x=\"1\"]x", "expected ' ' after structured data at column 27");

	/* More SD params than the event has fields (PRI took two of them). */
	p = big;
	p += sprintf(p, "<13>1 - h a - - [i");
	for (i = 0; i < EVENT_MAX_FIELDS; i++)
		p += sprintf(p, " k%02d=\"v\"", i);
	sprintf(p, "]");
	bad(big, "too many fields (limit 64) at column 516");

	/* "SD/id/param" names are built in the event: 4 of 206 bytes fit, not 5. */
	p = big;
	p += sprintf(p, "<13>1 - h a - - [%0200d", 0);
	for (i = 0; i < 6; i++)
		p += sprintf(p, " k%d=\"v\"", i);
	sprintf(p, "]");
	bad(big, "structured data names too long (limit 1024 bytes) at column 247");
}

static void test_mutations(void)
{
	static const char alphabet[] = "<>[]\"\\= :-.0123456789ZT\x80\xff";
	static const char *const seeds[] = {
		"<34>Oct 11 22:14:15 mymachine su[12]: 'su root' failed",
		"2026-11-20T08:00:00.123456+01:00 dms01 CRON[99]: (root) CMD",
		"<165>1 2003-10-11T22:14:15.003Z host app 1 ID47 [a@1 x=\"3\\\"\" y=\"\"][b z=\"1\"] msg",
	};
	static const char nul_line[] = "<13>Nov 20 08:00:00 h t[1]: a\0b";

	/* The alphabet's NUL terminator is one of the bytes spliced in. */
	mutate(seeds, sizeof(seeds) / sizeof(seeds[0]), alphabet, sizeof(alphabet));
	is_int(parse_n(nul_line, sizeof(nul_line) - 1), 0, "a NUL byte in the message");
	is_int(ev.slot[EVENT_DESCRIPTION].len, 3, "  stays in the message");
}

int main(void)
{
	fmt = format_find("syslog");
	ok(fmt != NULL, "syslog format registered");
	if (!fmt)
		return tap_done();
	ctx.now = at("2026-11-22T00:00:00Z");
	test_3164();
	test_levels();
	test_year();
	test_5424();
	test_errors();
	test_mutations();
	free(line);
	return tap_done();
}
