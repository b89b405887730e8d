/*
 * JSON writer. Invalid UTF-8 is replaced rather than passed on, because a log line
 * may hold any bytes and consumers of JSON lines reject invalid text.
 */
#include "lib/json.h"

#include "lib/buf.h"
#include "lib/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Bytes written as they are: printable ASCII but the quote and the backslash. */
static bool plain(unsigned c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c < 0x80;
}

int json_string(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	char esc[8];

	if (buf_putc(b, '"') < 0)
		return -ENOMEM;
	while (s && i < n) {
		unsigned c = p[i];
		const char *rep = NULL;

		/* most text is plain: stride over it in one tight loop */
		if (plain(c)) {
			while (++i < n && plain(p[i]))
				;
			continue;
		}
		k = c >= 0x80 ? str_utf8_len(s + i, n - i) : 0;
		if (k) {
			i += k;
			continue;
		}
		if (buf_append(b, s + run, i - run) < 0)
			return -ENOMEM;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				rep = esc;
			} else {
				rep = "\xef\xbf\xbd";	/* U+FFFD */
			}
		}
		if (buf_puts(b, rep) < 0)
			return -ENOMEM;
		run = ++i;
	}
	if (s && buf_append(b, s + run, n - run) < 0)
		return -ENOMEM;
	return buf_putc(b, '"');
}

int json_cstring(struct buf *b, const char *s)
{
	return json_string(b, s, s ? strlen(s) : 0);
}

int json_key(struct buf *b, bool *first, const char *key)
{
	if (!*first && buf_putc(b, ',') < 0)
		return -ENOMEM;
	*first = false;
	if (json_cstring(b, key) < 0)
		return -ENOMEM;
	return buf_putc(b, ':');
}

int json_member_str(struct buf *b, bool *first, const char *key, const char *s, size_t n)
{
	if (json_key(b, first, key) < 0)
		return -ENOMEM;
	return json_string(b, s, n);
}

int json_member_cstr(struct buf *b, bool *first, const char *key, const char *s)
{
	return json_member_str(b, first, key, s, s ? strlen(s) : 0);
}

/* Append v in decimal, after a minus sign when neg: printf's work, without printf. */
static int put_decimal(struct buf *b, uint64_t v, bool neg)
{
	char d[24];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (neg)
		d[--i] = '-';
	return buf_append(b, d + i, sizeof(d) - i);
}

int json_member_i64(struct buf *b, bool *first, const char *key, int64_t v)
{
	if (json_key(b, first, key) < 0)
		return -ENOMEM;
	/* the magnitude in unsigned arithmetic: -INT64_MIN does not fit an int64_t */
	return put_decimal(b, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

int json_member_u64(struct buf *b, bool *first, const char *key, uint64_t v)
{
	if (json_key(b, first, key) < 0)
		return -ENOMEM;
	return put_decimal(b, v, false);
}

int json_member_bool(struct buf *b, bool *first, const char *key, bool v)
{
	if (json_key(b, first, key) < 0)
		return -ENOMEM;
	return buf_puts(b, v ? "true" : "false");
}

int json_member_double(struct buf *b, bool *first, const char *key, double v)
{
	if (json_key(b, first, key) < 0)
		return -ENOMEM;
	if (!isfinite(v))
		return buf_puts(b, "null");
	return buf_printf(b, "%.6g", v);
}
