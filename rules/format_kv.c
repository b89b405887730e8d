/*
 * The "kv" input format: key=value pairs separated by blanks, as logfmt writes
 * them and as many appliances and scripts log:
 *
 *   TimeGenerated=2026-11-20T08:00:00Z EventDisplayNumber=1003 LogName="Mobile Device Manager" msg="a \"quoted\" word"
 *
 * Keys go through event_set, so the well-known names fill their slots
 * (EventDisplayNumber, LogName or Channel, Params/Param[N], ...) and any other
 * key is a field of that name. A value is bare (up to the next blank; it may
 * hold '=' but no '"') or double-quoted, with \" \\ \n \r \t unescaped in
 * place; any other backslash stays as written. "key=" is an empty value. A
 * TimeGenerated that is not ISO 8601 may be a BSD syslog stamp, dated from ctx;
 * one that is neither makes the line bad.
 *
 * Anything else is an error with its column: text that is not a pair (a bare
 * word, a quoted key), a quote that does not close, a value glued to the next
 * key. Values are slices into the line; nothing is allocated.
 */
#include "rules/format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/event.h"
#include "rules/timestamp.h"

/* Longest key quoted in a message, so the column still fits in it. */
#define KEY_SHOWN 48

enum { C_BLANK = 1, C_EQ = 2, C_QUOTE = 4, C_BSLASH = 8 };

/* One table lookup per byte instead of a chain of comparisons. */
static const unsigned char cls[256] = {
	[' '] = C_BLANK,
	['\t'] = C_BLANK,
	['='] = C_EQ,
	['"'] = C_QUOTE,
	['\\'] = C_BSLASH,
};

#define fail(at, ...) format_fail(err, (at), __VA_ARGS__)

static int kv_parse(const struct format *fmt, const struct format_ctx *ctx, char *s,
		    size_t len, struct event *ev, char err[FORMAT_ERR_LEN])
{
	bool any = false;
	size_t i = 0;
	int rc;

	(void)fmt;
	for (;;) {
		size_t key_at, key_end, v_at, w;
		struct str v;

		while (i < len && cls[(unsigned char)s[i]] == C_BLANK)
			i++;
		if (i >= len)
			break;
		key_at = i;
		while (i < len && !(cls[(unsigned char)s[i]] & (C_BLANK | C_EQ | C_QUOTE)))
			i++;
		key_end = i;
		if (key_end == key_at)
			return fail(i, "expected a key");
		if (i >= len || s[i] != '=')
			return fail(i, "expected '=' after key '%.*s'",
				    (int)(key_end - key_at < KEY_SHOWN ? key_end - key_at : KEY_SHOWN),
				    s + key_at);
		i++;
		v_at = i;
		if (i < len && s[i] == '"') {
			/* Quoted: copy down over each escape, as json_scan does. */
			w = ++i;
			v_at = i;
			for (;;) {
				size_t run = i;

				while (i < len && !(cls[(unsigned char)s[i]] & (C_QUOTE | C_BSLASH)))
					i++;
				if (w != run)
					memmove(s + w, s + run, i - run);
				w += i - run;
				if (i >= len)
					return fail(v_at - 1, "unterminated string");
				if (s[i] == '"')
					break;
				if (i + 1 >= len)
					return fail(v_at - 1, "unterminated string");
				switch (s[i + 1]) {
				case '"':  s[w++] = '"'; break;
				case '\\': s[w++] = '\\'; break;
				case 'n':  s[w++] = '\n'; break;
				case 'r':  s[w++] = '\r'; break;
				case 't':  s[w++] = '\t'; break;
				default:
					s[w++] = '\\';
					i++;
					continue;
				}
				i += 2;
			}
			v = (struct str){ s + v_at, w - v_at };
			i++;
			if (i < len && cls[(unsigned char)s[i]] != C_BLANK)
				return fail(i, "expected a blank after a quoted value");
		} else {
			while (i < len && !(cls[(unsigned char)s[i]] & (C_BLANK | C_QUOTE)))
				i++;
			if (i < len && s[i] == '"')
				return fail(i, "unexpected '\"' in a bare value");
			v = (struct str){ s + v_at, i - v_at };
		}
		rc = event_set(ev, s + key_at, key_end - key_at, v);
		if (rc == -ENOSPC)
			return fail(key_at, "too many fields (limit %d)", EVENT_MAX_FIELDS);
		if (rc < 0)
			return fail(key_at, "invalid parameter index in key '%.*s'",
				    (int)(key_end - key_at < KEY_SHOWN ? key_end - key_at : KEY_SHOWN),
				    s + key_at);
		any = true;
	}
	if (!any) {
		if (err)
			snprintf(err, FORMAT_ERR_LEN, "empty line");
		return -EINVAL;
	}
	/* event_set reads ISO 8601 only; a syslog-style stamp needs ctx's year. */
	return timestamp_event(ev, s, ctx, err);
}

const struct format format_kv = {
	.name = "kv",
	.parse = kv_parse,
};
