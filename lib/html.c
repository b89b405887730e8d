/*
 * This file escapes text for HTML and SVG pages. It validates UTF-8 itself
 * rather than trusting its input, because pack text and log lines reach the
 * pages unchanged and one stray byte would make an XHTML or SVG parser stop.
 */
#include "lib/html.h"

#include "lib/buf.h"
#include "lib/str.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* U+FFFE and U+FFFF (EF BF BE, EF BF BF) are UTF-8 but not XML characters. */
static size_t xml_char_len(const char *p, size_t n)
{
	size_t k = str_utf8_len(p, n);

	if (k == 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbf &&
	    ((unsigned char)p[2] & 0xfe) == 0xbe)
		return 0;
	return k;
}

int html_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	while (s && i < n) {
		unsigned c = p[i];
		const char *rep;

		if (c >= 0x80) {
			k = xml_char_len(s + i, n - i);
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
