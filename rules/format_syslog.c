/*
 * The "syslog" input format: the lines syslog daemons write and send, told apart
 * per line.
 *
 *   RFC 3164   [<PRI>]Mmm dd hh:mm:ss HOST TAG[PID]: MSG   (/var/log/syslog, BSD)
 *              [<PRI>]2026-11-20T08:00:00.123456+00:00 HOST TAG[PID]: MSG
 *                                        (rsyslog's default file format on Debian)
 *   RFC 5424   <PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID [SD-ID PARAM="v"...] MSG
 *
 * The event:
 *
 *   stamp               TimeGenerated (a BSD stamp's year from ctx->now)
 *   HOST                LoggingComputer
 *   TAG, APP-NAME       PublisherName
 *   PID, PROCID         ProcessId
 *   MSGID               MsgId
 *   MSG                 EventDescription (a leading UTF-8 BOM dropped)
 *   PRI                 SyslogSeverity (0-7), SyslogFacility (0-23), EventLevel:
 *                       emerg/alert/crit 1 (Critical), err 2 (Error), warning 3
 *                       (Warning), notice/info 4 (Information), debug 5 (Verbose)
 *   SD param            field "SD/SD-ID/PARAM", e.g. SD/timeQuality@1/isSynced
 *
 * RFC 5424's "-" leaves a field absent; a line without <PRI> has no severity.
 * A stamp that is not a time (month 13, "Nov 31", 25:00) makes the line bad,
 * its text shown.
 * Syslog has no log name: LogName is left to the caller (replay --log-name).
 * Values are slices into the line; structured-data values are unescaped in
 * place (\" \\ \]), and their "SD/..." names, which occur nowhere in the line as
 * one run, are built in the event's own name buffer. Nothing is allocated.
 */
#include "rules/format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/iso8601.h"
#include "rules/event.h"
#include "rules/timestamp.h"

/* Number texts the event points at: PRI's parts occur in the line only summed. */
static const char *const numbers[] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
	"12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23",
};

/* SCOM EventLevel of each syslog severity. */
static const char *const level_of[8] = { "1", "1", "1", "2", "3", "4", "4", "5" };

struct line {
	char *s;
	size_t len;
	size_t i;
	char *err;
};

#define fail(ln, at, ...) format_fail((ln)->err, (at), __VA_ARGS__)

static struct str slice(const struct line *ln, size_t from, size_t to)
{
	return (struct str){ ln->s + from, to - from };
}

/* End of the token at ln->i: the next space, or the end of the line. */
static size_t token_end(const struct line *ln)
{
	const char *sp = memchr(ln->s + ln->i, ' ', ln->len - ln->i);

	return sp ? (size_t)(sp - ln->s) : ln->len;
}

static int set(struct line *ln, struct event *ev, const char *name, struct str v, size_t at)
{
	if (event_set(ev, name, strlen(name), v) < 0)
		return fail(ln, at, "too many fields (limit %d)", EVENT_MAX_FIELDS);
	return 0;
}

static int set_pri(struct line *ln, struct event *ev, int pri)
{
	int sev = pri & 7;
	int rc;

	ev->slot[EVENT_LEVEL] = str_of(level_of[sev]);
	rc = set(ln, ev, "SyslogSeverity", str_of(numbers[sev]), 0);
	if (!rc)
		rc = set(ln, ev, "SyslogFacility", str_of(numbers[pri >> 3]), 0);
	return rc;
}

static void set_time(struct event *ev, struct str text, int64_t us)
{
	ev->slot[EVENT_TIME] = text;
	ev->time = us;
	ev->has_time = true;
}

/* The stamp at [at, end) is not a time: TimeGenerated, as the event would call it. */
static int bad_time(struct line *ln, size_t at, size_t end, const char *what)
{
	return timestamp_fail(ln->err, at, "TimeGenerated", 13, what, ln->s + at, end - at);
}

static void set_message(struct line *ln, struct event *ev, size_t from)
{
	/* RFC 5424 marks UTF-8 messages with a BOM, which is no part of the text. */
	if (ln->len - from >= 3 && memcmp(ln->s + from, "\xef\xbb\xbf", 3) == 0)
		from += 3;
	ev->slot[EVENT_DESCRIPTION] = slice(ln, from, ln->len);
}

/* "TAG[PID]: MSG", "TAG: MSG" or, when no tag ends in ':', all of it a message. */
static int parse_tag(struct line *ln, struct event *ev)
{
	const char *s = ln->s;
	size_t i = ln->i, end = token_end(ln), j, close;
	const char *colon;

	colon = memchr(s + i, ':', end - i);
	j = colon ? (size_t)(colon - s) : end;
	{
		const char *open = memchr(s + i, '[', j - i);

		if (open) {
			/* TAG[PID] with an optional ':' after it (some daemons omit it). */
			const char *cl = memchr(open, ']', end - (size_t)(open - s));

			close = cl ? (size_t)(cl - s) : end;
			if (cl && (close + 1 == end || (close + 2 == end && s[close + 1] == ':'))) {
				ev->slot[EVENT_PUBLISHER] = slice(ln, i, (size_t)(open - s));
				if (set(ln, ev, "ProcessId",
					slice(ln, (size_t)(open - s) + 1, close), (size_t)(open - s) + 1))
					return -EINVAL;
				i = end;
				goto message;
			}
		}
	}
	if (colon && j + 1 == end && j > i) {
		ev->slot[EVENT_PUBLISHER] = slice(ln, i, j);
		i = end;
	}
message:
	if (i < ln->len && s[i] == ' ')
		i++;
	set_message(ln, ev, i);
	return 0;
}

static int parse_3164(struct line *ln, struct event *ev, const struct format_ctx *ctx)
{
	size_t at = ln->i, end;
	int64_t us;

	if (at < ln->len && ln->s[at] >= '0' && ln->s[at] <= '9') {
		end = token_end(ln);
		if (!iso8601_parse(ln->s + at, end - at, &us))
			return bad_time(ln, at, end, "an ISO 8601 time");
	} else {
		size_t n = timestamp_bsd(ln->s + at, ln->len - at, ctx, &us);

		/* a month name starts a stamp that is out of range ("Nov 31", "25:00") */
		if (!n && (n = timestamp_bsd_text(ln->s + at, ln->len - at)))
			return bad_time(ln, at, at + n, "a syslog time");
		if (!n)
			return fail(ln, at, "expected a timestamp");
		end = at + n;
	}
	set_time(ev, slice(ln, at, end), us);
	if (end >= ln->len || ln->s[end] != ' ')
		return fail(ln, end, "expected a host name");
	ln->i = end + 1;
	end = token_end(ln);
	if (end == ln->i)
		return fail(ln, ln->i, "expected a host name");
	ev->slot[EVENT_COMPUTER] = slice(ln, ln->i, end);
	ln->i = end < ln->len ? end + 1 : end;
	return parse_tag(ln, ev);
}

/* The next header field of RFC 5424 and the space after it; "-" is absent. */
static int header_field(struct line *ln, struct str *out, const char *what)
{
	size_t at = ln->i, end;

	if (at >= ln->len)
		return fail(ln, at, "expected %s", what);
	end = token_end(ln);
	if (end == at)
		return fail(ln, at, "expected %s", what);
	*out = end - at == 1 && ln->s[at] == '-' ? (struct str){ NULL, 0 } : slice(ln, at, end);
	ln->i = end < ln->len ? end + 1 : end;
	return 0;
}

/* SD-NAME: printable US-ASCII except '=', ' ', ']', '"'. */
static size_t sd_name_end(const struct line *ln, size_t i)
{
	const char *s = ln->s;

	while (i < ln->len && s[i] > ' ' && s[i] < 0x7f && s[i] != '=' && s[i] != ']' &&
	       s[i] != '"')
		i++;
	return i;
}

/* One SD-ELEMENT, "[" at ln->i. */
static int parse_sd_element(struct line *ln, struct event *ev)
{
	char *s = ln->s;
	size_t len = ln->len, id_at = ln->i + 1, id_end = sd_name_end(ln, id_at), i;

	if (id_end == id_at)
		return fail(ln, id_at, "expected a structured data id");
	i = id_end;
	for (;;) {
		size_t name_at, name_end, r, w;
		struct str name;
		char *p;

		if (i >= len)
			return fail(ln, ln->i, "unterminated structured data element");
		if (s[i] == ']') {
			ln->i = i + 1;
			return 0;
		}
		if (s[i] != ' ')
			return fail(ln, i, "expected ' ' or ']' in structured data");
		name_at = i + 1;
		name_end = sd_name_end(ln, name_at);
		if (name_end == name_at)
			return fail(ln, name_at, "expected a parameter name");
		if (name_end + 1 >= len || s[name_end] != '=' || s[name_end + 1] != '"')
			return fail(ln, name_end, "expected '=\"' after parameter name");
		/* The value up to an unescaped '"', unescaped in place. */
		r = w = name_end + 2;
		for (;;) {
			const char *q = memchr(s + r, '"', len - r);
			const char *b = memchr(s + r, '\\', (q ? (size_t)(q - s) : len) - r);
			size_t stop = b ? (size_t)(b - s) : q ? (size_t)(q - s) : len;

			memmove(s + w, s + r, stop - r);
			w += stop - r;
			r = stop;
			if (r >= len)
				return fail(ln, name_end + 1, "unterminated parameter value");
			if (s[r] == '"')
				break;
			/* Only \" \\ \] are escapes; another backslash stays as it is. */
			if (r + 1 < len && (s[r + 1] == '"' || s[r + 1] == '\\' || s[r + 1] == ']')) {
				s[w++] = s[r + 1];
				r += 2;
			} else {
				s[w++] = '\\';
				r++;
			}
		}
		name.len = 3 + (id_end - id_at) + 1 + (name_end - name_at);
		p = event_name_buf(ev, name.len);
		if (!p)
			return fail(ln, name_at, "structured data names too long (limit %d bytes)",
				    EVENT_NAMES_LEN);
		memcpy(p, "SD/", 3);
		memcpy(p + 3, s + id_at, id_end - id_at);
		p[3 + id_end - id_at] = '/';
		memcpy(p + 4 + id_end - id_at, s + name_at, name_end - name_at);
		name.p = p;
		if (event_set(ev, name.p, name.len, slice(ln, name_end + 2, w)) < 0)
			return fail(ln, name_at, "too many fields (limit %d)", EVENT_MAX_FIELDS);
		i = r + 1;
	}
}

static int parse_5424(struct line *ln, struct event *ev)
{
	struct str stamp, host, app, procid, msgid;
	size_t at = ln->i;
	int64_t us;
	int rc;

	if ((rc = header_field(ln, &stamp, "a timestamp")))
		return rc;
	if (stamp.p) {
		if (!iso8601_parse(stamp.p, stamp.len, &us))
			return bad_time(ln, at, at + stamp.len, "an ISO 8601 time");
		set_time(ev, stamp, us);
	}
	if ((rc = header_field(ln, &host, "a host name")) ||
	    (rc = header_field(ln, &app, "an app name")) ||
	    (rc = header_field(ln, &procid, "a process id")))
		return rc;
	at = ln->i;
	if ((rc = header_field(ln, &msgid, "a message id")))
		return rc;
	ev->slot[EVENT_COMPUTER] = host;
	ev->slot[EVENT_PUBLISHER] = app;
	if (procid.p && set(ln, ev, "ProcessId", procid, at))
		return -EINVAL;
	if (msgid.p && set(ln, ev, "MsgId", msgid, at))
		return -EINVAL;
	at = ln->i;
	if (at < ln->len && ln->s[at] == '-') {
		ln->i++;
	} else if (at < ln->len && ln->s[at] == '[') {
		while (ln->i < ln->len && ln->s[ln->i] == '[')
			if ((rc = parse_sd_element(ln, ev)))
				return rc;
	} else {
		return fail(ln, at, "expected structured data");
	}
	if (ln->i < ln->len) {
		if (ln->s[ln->i] != ' ')
			return fail(ln, ln->i, "expected ' ' after structured data");
		set_message(ln, ev, ln->i + 1);
	}
	return 0;
}

static int syslog_parse(const struct format *fmt, const struct format_ctx *ctx, char *s,
			size_t len, struct event *ev, char err[FORMAT_ERR_LEN])
{
	struct line ln = { s, len, 0, err };
	int pri = -1;

	(void)fmt;
	if (len == 0) {
		if (err)
			snprintf(err, FORMAT_ERR_LEN, "empty line");
		return -EINVAL;
	}
	if (s[0] == '<') {
		size_t i = 1;

		pri = 0;
		while (i < len && i < 4 && s[i] >= '0' && s[i] <= '9')
			pri = pri * 10 + (s[i++] - '0');
		if (i == 1 || i >= len || s[i] != '>' || pri > 191)
			return fail(&ln, 1, "invalid priority");
		ln.i = i + 1;
		if (set_pri(&ln, ev, pri))
			return -EINVAL;
		/* "1 " after PRI is RFC 5424's version; a stamp never looks like it. */
		if (ln.i + 1 < len && s[ln.i] >= '1' && s[ln.i] <= '9' && s[ln.i + 1] == ' ') {
			if (s[ln.i] != '1')
				return fail(&ln, ln.i, "unsupported syslog version '%c'", s[ln.i]);
			ln.i += 2;
			return parse_5424(&ln, ev);
		}
	}
	return parse_3164(&ln, ev, ctx);
}

/* What the syslog line gives by name; structured data as "SD/SD-ID/PARAM". */
static const char *const syslog_fields[] = {
	"SyslogSeverity", "SyslogFacility", "ProcessId", "MsgId", NULL,
};

const struct format format_syslog = {
	.name = "syslog",
	.parse = syslog_parse,
	.fields = syslog_fields,
};
