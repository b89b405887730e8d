/*
 * This file escapes text for HTML and SVG pages. It validates UTF-8 itself
 * rather than trusting its input, because pack text and log lines reach the
 * pages unchanged and one stray byte would make an XHTML or SVG parser stop.
 */
#include "lib/html.h"

#include "lib/buf.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len, i;
	uint32_t cp;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	/* U+FFFE and U+FFFF are not XML characters */
	if (len == 3 && (cp == 0xfffe || cp == 0xffff))
		return 0;
	return len;
}

int html_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	while (s && i < n) {
		unsigned c = p[i];
		const char *rep;

		if (c >= 0x80) {
			k = utf8_len(p + i, n - i);
			if (k) {
				i += k;
				continue;
			}
			rep = "\xef\xbf\xbd";
		} else if (c == '&') {
			rep = "&amp;";
		} else if (c == '<') {
			rep = "&lt;";
		} else if (c == '>') {
			rep = "&gt;";
		} else if (c == '"') {
			rep = "&quot;";
		} else if (c == '\'') {
			rep = "&#39;";
		} else if (c < 0x20 && c != '\n' && c != '\t') {
			/* a CR alone would survive, but XML folds it: keep the text as written */
			rep = c == '\r' ? "&#13;" : "\xef\xbf\xbd";
		} else if (c == 0x7f) {
			rep = "\xef\xbf\xbd";
		} else {
			i++;
			continue;
		}
		if (buf_append(b, s + run, i - run) < 0 || buf_puts(b, rep) < 0)
			return -ENOMEM;
		i++;
		run = i;
	}
	if (s && buf_append(b, s + run, i - run) < 0)
		return -ENOMEM;
	return 0;
}

int html_escape_cstr(struct buf *b, const char *s)
{
	return html_escape(b, s, s ? strlen(s) : 0);
}
