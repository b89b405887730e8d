/*
 * Input formats: each turns one line of text into an event. One file per format
 * (format_json.c, format_syslog.c, ...), listed in the table in format.c.
 *
 * A parser may rewrite the line in place (unescaping strings shortens them), so
 * the line must be writable; the event's slices point into it. Parsers never
 * allocate, read the clock or do I/O: what they need to know about the world
 * (the time now, to give a year to a syslog stamp that has none) comes in a
 * struct format_ctx.
 *
 * Most formats are fixed and live in the table as const objects. A configured
 * format (regex, which needs a pattern) is made by its constructor and freed with
 * format_free; its table entry only names it, for --format and the help text.
 */
#ifndef MPMON_RULES_FORMAT_H
#define MPMON_RULES_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event;

#define FORMAT_ERR_LEN 160

/* What a parser may know about the world; the caller fills it. */
struct format_ctx {
	/*
	 * Now, in µs since the epoch. A syslog stamp without a year ("Nov 20
	 * 08:00:00") gets the year that puts it nearest before now + 1 day, so a
	 * log read in January keeps December's lines in the year before. Live
	 * sources pass the wall clock; replay passes --now or its start time.
	 */
	int64_t now;
	/* Seconds east of UTC for stamps written without a zone (0: UTC). */
	int32_t utc_offset;
};

struct format {
	const char *name;
	/*
	 * True for a format that must be configured with a pattern: its table
	 * entry cannot parse (parse refuses every line); make an instance with
	 * the format's constructor.
	 */
	bool needs_pattern;
	/*
	 * Parse len bytes of line (no newline) into ev, which the caller has reset.
	 * fmt is the object parse was reached through (configured formats keep
	 * their state behind it). Returns:
	 *   0        an event;
	 *   -EINVAL  a bad line, with a lower-case message in err, such as
	 *            "expected ':' after object key at column 17";
	 *   -ENOENT  the line is not one this format is looking for (a regex that
	 *            does not match): no event and no error, err untouched; callers
	 *            skip the line silently.
	 * A configured format is not reentrant: one instance parses one line at a
	 * time.
	 */
	int (*parse)(const struct format *fmt, const struct format_ctx *ctx, char *line,
		     size_t len, struct event *ev, char err[FORMAT_ERR_LEN]);
	/*
	 * The fields the format gives events by names of its own, beyond the
	 * slots (NULL-terminated; NULL for none). A format that takes its names
	 * from the line (json and kv keys, regex captures) has any name.
	 */
	const char *const *fields;
	/* Frees a configured instance; NULL for the table's static formats. */
	void (*release)(struct format *fmt);
};

/*
 * The format called name, or NULL. The result is static; for a format that
 * needs_pattern it only names the format.
 */
const struct format *format_find(const char *name);

/* Names of all formats, comma separated, for help and error messages. */
const char *format_names(void);

/*
 * The known field name that name (n bytes, an XPathQuery's field) is a slip of the
 * keyboard for, or NULL when there is none so near, or name is one. Known are
 * the slots and their aliases, Params/Param[N], every format's fields and the
 * journal's well-known fields. A name far from all of them may still be a
 * key of a json or kv line, or a regex capture: only a near miss tells.
 */
const char *format_field_nearest(const char *name, size_t n);

/*
 * A "regex" format instance: each line is searched with the PCRE2 pattern
 * (n bytes, copied), and its named captures become event fields (see
 * format_regex.c for how capture names map to field names); a line it does not
 * match gives -ENOENT. Returns 0 with *out set, owned by the caller and freed
 * with format_free; -EINVAL with a message in err for a pattern PCRE2 refuses
 * or one without named captures; -ENOMEM.
 */
int format_regex_new(const char *pattern, size_t n, struct format **out,
		     char err[FORMAT_ERR_LEN]);

/*
 * For formats: write "MESSAGE at column at+1" to err (which may be NULL) and
 * return -EINVAL, so every format reports its place the same way.
 */
int format_fail(char err[FORMAT_ERR_LEN], size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Free a configured format; NULL and the table's formats are left alone. */
void format_free(struct format *fmt);

/* The formats, one per format_<name>.c, for the table in format.c. */
extern const struct format format_json;
extern const struct format format_syslog;
extern const struct format format_kv;
extern const struct format format_applelog;
extern const struct format format_regex;

#endif
