/*
 * Input formats: each turns one line of text into an event. One file per format
 * (format_json.c, ...), listed in the table in format.c.
 *
 * A parser may rewrite the line in place (unescaping strings shortens them), so
 * the line must be writable; the event's slices point into it.
 */
#ifndef MPMON_RULES_FORMAT_H
#define MPMON_RULES_FORMAT_H

#include <stddef.h>

struct event;

#define FORMAT_ERR_LEN 160

struct format {
	const char *name;
	/*
	 * Parse len bytes of line (no newline) into ev, which the caller has reset.
	 * Return 0, or -EINVAL with a lower-case message in err, such as
	 * "expected ':' after object key at column 17".
	 */
	int (*parse)(char *line, size_t len, struct event *ev, char err[FORMAT_ERR_LEN]);
};

/* The format called name, or NULL. */
const struct format *format_find(const char *name);

/* Names of all formats, comma separated, for help and error messages. */
const char *format_names(void);

/* The formats, one per format_<name>.c, for the table in format.c. */
extern const struct format format_json;

#endif
