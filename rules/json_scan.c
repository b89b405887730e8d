/*
 * The shared JSON reader of json_scan.h. This is the hot path of every
 * JSON-based format, so strings are scanned with a table lookup per byte and
 * moved with memmove only after the first escape; nothing here allocates.
 */
#include "rules/json_scan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rules/format.h"

/* Bytes that end the fast scan of a string: the quote, a backslash, controls. */
static const unsigned char string_stop[256] = {
	[0 ... 0x1f] = 1,
	['"'] = 1,
	['\\'] = 1,
};

int json_scan_fail(struct json_scan *js, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!js->err)
		return -EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(js->err, FORMAT_ERR_LEN, fmt, ap);
	va_end(ap);
	if (n >= 0 && n < FORMAT_ERR_LEN)
		snprintf(js->err + n, FORMAT_ERR_LEN - (size_t)n, " at column %zu", at + 1);
	return -EINVAL;
}

#define fail json_scan_fail

static inline void skip_ws(struct json_scan *js)
{
	const char *s = js->s;
	size_t i = js->i;

	while (i < js->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	js->i = i;
}

static inline int hex4(const char *p)
{
	int v = 0, k;

	for (k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)p[k];

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + ((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	w[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode the \u escape at s[r] (the backslash) into s[*w], advancing *r past
 * it (and past the low half of a surrogate pair).
 */
static int unescape_u(struct json_scan *js, size_t *r, size_t *w)
{
	char *s = js->s;
	size_t at = *r;
	int hi, lo;
	unsigned cp;

	if (at + 6 > js->len || (hi = hex4(s + at + 2)) < 0)
		return fail(js, at, "invalid unicode escape");
	cp = (unsigned)hi;
	*r = at + 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(js, at, "lone surrogate '\\u%.4s'", s + at + 2);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (*r + 6 > js->len || s[*r] != '\\' || s[*r + 1] != 'u' ||
		    (lo = hex4(s + *r + 2)) < 0xdc00 || lo > 0xdfff)
			return fail(js, at, "lone surrogate '\\u%.4s'", s + at + 2);
		cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
		*r += 6;
	}
	*w += put_utf8(s + *w, cp);
	return 0;
}

/* The string whose opening quote is at js->i, unescaped in place. */
static int parse_string(struct json_scan *js, struct str *out)
{
	char *s = js->s;
	size_t len = js->len, open = js->i, start = open + 1, r = start, w = start;
	int rc;

	for (;;) {
		size_t run = r;

		while (r < len && !string_stop[(unsigned char)s[r]])
			r++;
		/* Until the first escape the text is already where it belongs. */
		if (w != run)
			memmove(s + w, s + run, r - run);
		w += r - run;
		if (r >= len)
			return fail(js, open, "unterminated string");
		switch (s[r]) {
		case '"':
			*out = (struct str){ s + start, w - start };
			js->i = r + 1;
			return 0;
		case '\\':
			break;
		default:
			return fail(js, r, "unescaped control character in string");
		}
		if (r + 1 >= len)
			return fail(js, open, "unterminated string");
		switch (s[r + 1]) {
		case '"':  s[w++] = '"'; break;
		case '\\': s[w++] = '\\'; break;
		case '/':  s[w++] = '/'; break;
		case 'b':  s[w++] = '\b'; break;
		case 'f':  s[w++] = '\f'; break;
		case 'n':  s[w++] = '\n'; break;
		case 'r':  s[w++] = '\r'; break;
		case 't':  s[w++] = '\t'; break;
		case 'u':
			rc = unescape_u(js, &r, &w);
			if (rc)
				return rc;
			continue;
		default:
			if (s[r + 1] > ' ' && s[r + 1] < 0x7f)
				return fail(js, r, "invalid escape '\\%c'", s[r + 1]);
			return fail(js, r, "invalid escape");
		}
		r += 2;
	}
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number as RFC 8259 writes it; the value is its literal text. */
static int parse_number(struct json_scan *js, struct str *out)
{
	const char *s = js->s;
	size_t len = js->len, start = js->i, i = start;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0') {
		i++;
		if (i < len && is_digit(s[i]))
			return fail(js, start, "invalid number (leading zero)");
	} else if (i < len && is_digit(s[i])) {
		while (i < len && is_digit(s[i]))
			i++;
	} else {
		return fail(js, start, "invalid number");
	}
	if (i < len && s[i] == '.') {
		i++;
		if (i >= len || !is_digit(s[i]))
			return fail(js, start, "invalid number");
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i]))
			return fail(js, start, "invalid number");
		while (i < len && is_digit(s[i]))
			i++;
	}
	*out = (struct str){ s + start, i - start };
	js->i = i;
	return 0;
}

int json_scan_scalar(struct json_scan *js, struct str *out, enum json_scalar *kind)
{
	static const char *const literals[] = { "true", "false", "null" };
	const char *lit;
	size_t n;
	char c;

	*kind = JSON_SCALAR_VALUE;
	if (js->i >= js->len)
		return fail(js, js->i, "expected a value");
	c = js->s[js->i];
	switch (c) {
	case '"':
		return parse_string(js, out);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(js, out);
	case '[': case '{':
		*kind = JSON_SCALAR_NESTED;
		return 0;
	case 't': lit = literals[0]; break;
	case 'f': lit = literals[1]; break;
	case 'n': lit = literals[2]; break;
	default:
		return fail(js, js->i, "expected a value");
	}
	n = strlen(lit);
	if (js->len - js->i < n || memcmp(js->s + js->i, lit, n) != 0)
		return fail(js, js->i, "invalid literal");
	/* true and false become their text, which the line already holds. */
	*out = (struct str){ js->s + js->i, n };
	if (c == 'n')
		*kind = JSON_SCALAR_NULL;
	js->i += n;
	return 0;
}

int json_scan_array(struct json_scan *js, int (*element)(struct json_scan *js, void *arg),
		    void *arg)
{
	int rc;

	js->i++;
	skip_ws(js);
	if (js->i < js->len && js->s[js->i] == ']') {
		js->i++;
		return 0;
	}
	for (;;) {
		rc = element(js, arg);
		if (rc)
			return rc;
		skip_ws(js);
		if (js->i >= js->len)
			return fail(js, js->i, "unterminated array");
		if (js->s[js->i] == ']') {
			js->i++;
			return 0;
		}
		if (js->s[js->i] != ',')
			return fail(js, js->i, "expected ',' or ']' after array element");
		js->i++;
		skip_ws(js);
	}
}

int json_scan_object(struct json_scan *js,
		     int (*member)(struct json_scan *js, struct str key, size_t key_at, void *arg),
		     void *arg)
{
	int rc;

	js->i++;
	skip_ws(js);
	if (js->i < js->len && js->s[js->i] == '}') {
		js->i++;
		return 0;
	}
	for (;;) {
		size_t key_at = js->i;
		struct str key;

		if (js->i >= js->len)
			return fail(js, js->i, "unterminated object");
		if (js->s[js->i] != '"')
			return fail(js, js->i, "expected object key");
		rc = parse_string(js, &key);
		if (rc)
			return rc;
		skip_ws(js);
		if (js->i >= js->len || js->s[js->i] != ':')
			return fail(js, js->i, "expected ':' after object key");
		js->i++;
		skip_ws(js);
		rc = member(js, key, key_at, arg);
		if (rc)
			return rc;
		skip_ws(js);
		if (js->i >= js->len)
			return fail(js, js->i, "unterminated object");
		if (js->s[js->i] == '}') {
			js->i++;
			return 0;
		}
		if (js->s[js->i] != ',')
			return fail(js, js->i, "expected ',' or '}' after object value");
		js->i++;
		skip_ws(js);
	}
}

static int skip_member(struct json_scan *js, struct str key, size_t key_at, void *arg)
{
	(void)key;
	(void)key_at;
	(void)arg;
	return json_scan_skip(js);
}

static int skip_element(struct json_scan *js, void *arg)
{
	(void)arg;
	return json_scan_skip(js);
}

int json_scan_skip(struct json_scan *js)
{
	enum json_scalar kind;
	struct str v;
	int rc;

	rc = json_scan_scalar(js, &v, &kind);
	if (rc || kind != JSON_SCALAR_NESTED)
		return rc;
	/* Recursion is bounded here, so a line of '[' cannot exhaust the stack. */
	if (js->depth >= JSON_SCAN_MAX_DEPTH)
		return fail(js, js->i, "nesting too deep");
	js->depth++;
	if (js->s[js->i] == '[')
		rc = json_scan_array(js, skip_element, NULL);
	else
		rc = json_scan_object(js, skip_member, NULL);
	js->depth--;
	return rc;
}

int json_scan_line(struct json_scan *js,
		   int (*member)(struct json_scan *js, struct str key, size_t key_at, void *arg),
		   void *arg)
{
	int rc;

	skip_ws(js);
	if (js->i >= js->len) {
		if (js->err)
			snprintf(js->err, FORMAT_ERR_LEN, "empty line");
		return -EINVAL;
	}
	if (js->s[js->i] != '{')
		return fail(js, js->i, "expected an object");
	rc = json_scan_object(js, member, arg);
	if (rc)
		return rc;
	skip_ws(js);
	if (js->i < js->len)
		return fail(js, js->i, "trailing characters after object");
	return 0;
}
