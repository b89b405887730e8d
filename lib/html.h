/*
 * Escaping text for HTML and SVG: the pages mpmon writes (`mpmon doc`, the replay
 * timeline) show text from packs and logs, which may hold markup, quotes or bytes
 * that are not UTF-8, and the pages must stay well-formed whatever they hold.
 */
#ifndef MPMON_LIB_HTML_H
#define MPMON_LIB_HTML_H

#include <stddef.h>

struct buf;

/*
 * Append s (n bytes) to b with &, <, >, " and ' as character references, so the
 * result is safe in element content and in quoted attribute values alike. Bytes
 * that are not valid UTF-8 and control characters other than tab and newline
 * become U+FFFD, which keeps the page well-formed XML as well as HTML. s may be
 * NULL (nothing is written). Returns 0 or -ENOMEM.
 */
int html_escape(struct buf *b, const char *s, size_t n);
int html_escape_cstr(struct buf *b, const char *s);

#endif
