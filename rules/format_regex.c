/*
 * The "regex" input format: a PCRE2 pattern given by the user (replay
 * --pattern) whose named captures become event fields, for logs no other format
 * reads:
 *
 *   ^(?<TimeGenerated>\S+) (?<LoggingComputer>\S+) (?<PublisherName>[^:]+): (?<EventDescription>.*)$
 *
 * Capture names go through event_set, so SCOM's names fill their slots. PCRE2
 * allows only letters, digits and '_' in a name, so two spellings stand for
 * what it cannot write:
 *
 *   ParamN (N = 1..64)     Params/Param[N]
 *   "__" (two '_')         '/', as in EventData__DataItem__User
 *
 * Any other name is the field's name as written (_SYSTEMD_UNIT stays). A
 * TimeGenerated capture is read as ISO 8601 or as a BSD syslog stamp dated from
 * ctx; one that is neither makes the line bad. A capture that takes no part in
 * the match leaves its field absent.
 *
 * A line the pattern does not match is no error: parse returns -ENOENT and the
 * caller skips it, so one pattern can pick its lines out of a mixed log. One
 * whose search stopped at PCRE2's limit is a bad line (-EINVAL): it may well
 * have matched, and its loss must show. The
 * regex is compiled once with JIT and match limits, and lines are prefiltered
 * with memmem/memchr on what every match must contain (rules/regex.c); the
 * capture slices and field names are made at construction, so a line costs no
 * allocation.
 */
#include "rules/format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/event.h"
#include "rules/regex.h"
#include "rules/timestamp.h"

struct capture {
	unsigned group;
	struct str field;	/* into names_text */
};

struct regex_format {
	struct format base;	/* first, so parse can get back to the rest */
	struct regex *re;
	unsigned ngroups;	/* with group 0 */
	struct str *groups;	/* one line's captures */
	unsigned ncaptures;
	struct capture *captures;
	char *names_text;
};

/* Whether name is "ParamN" with N in 1..EVENT_MAX_PARAMS; *n is then N. */
static bool param_name(const char *name, unsigned *n)
{
	unsigned v = 0;
	size_t i;

	if (strncmp(name, "Param", 5) != 0 || !name[5] || name[5] == '0')
		return false;
	for (i = 5; name[i]; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (unsigned)(name[i] - '0');
		if (v > EVENT_MAX_PARAMS)
			return false;
	}
	*n = v;
	return true;
}

/* The field name for a capture name, written to out (room for 2x + 16 bytes). */
static size_t field_name(const char *name, char *out)
{
	unsigned n;
	size_t i, w = 0;

	if (param_name(name, &n))
		return (size_t)sprintf(out, "Params/Param[%u]", n);
	for (i = 0; name[i]; i++) {
		if (name[i] == '_' && name[i + 1] == '_') {
			out[w++] = '/';
			i++;
		} else {
			out[w++] = name[i];
		}
	}
	return w;
}

static void regex_release(struct format *fmt)
{
	struct regex_format *rf = (struct regex_format *)fmt;

	regex_free(rf->re);
	free(rf->groups);
	free(rf->captures);
	free(rf->names_text);
	free(rf);
}

static int regex_parse(const struct format *fmt, const struct format_ctx *ctx, char *line,
		       size_t len, struct event *ev, char err[FORMAT_ERR_LEN])
{
	const struct regex_format *rf = (const struct regex_format *)fmt;
	unsigned i;
	int rc;

	if (fmt->needs_pattern) {
		if (err)
			snprintf(err, FORMAT_ERR_LEN, "the regex format needs a pattern");
		return -EINVAL;
	}
	if (!regex_match(rf->re, (struct str){ line, len }, rf->groups, rf->ngroups)) {
		/* a line it could not tell is not one of another format */
		if (!regex_limited(rf->re))
			return -ENOENT;
		if (err)
			snprintf(err, FORMAT_ERR_LEN, "the pattern stopped at PCRE2's match or depth limit");
		return -EINVAL;
	}
	for (i = 0; i < rf->ncaptures; i++) {
		const struct capture *c = &rf->captures[i];
		struct str v = rf->groups[c->group];

		if (!v.p)
			continue;
		rc = event_set(ev, c->field.p, c->field.len, v);
		if (rc < 0)
			return format_fail(err, (size_t)(v.p - line), "too many fields (limit %d)",
					   EVENT_MAX_FIELDS);
	}
	/* event_set reads ISO 8601 only; a syslog-style stamp needs ctx's year. */
	return timestamp_event(ev, line, ctx, err);
}

int format_regex_new(const char *pattern, size_t n, struct format **out,
		     char err[FORMAT_ERR_LEN])
{
	char rerr[REGEX_ERR_LEN];
	struct regex_format *rf;
	size_t text_len = 0, w = 0;
	unsigned i;
	int rc;

	*out = NULL;
	rf = calloc(1, sizeof(*rf));
	if (!rf)
		return -ENOMEM;
	rf->base = format_regex;
	rf->base.needs_pattern = false;
	rf->base.release = regex_release;
	rc = regex_compile(pattern, n, &rf->re, rerr);
	if (rc == -EINVAL) {
		snprintf(err, FORMAT_ERR_LEN, "invalid pattern: %.140s", rerr);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	rf->ncaptures = regex_nnames(rf->re);
	if (!rf->ncaptures) {
		snprintf(err, FORMAT_ERR_LEN,
			 "the pattern has no named captures, such as (?<EventDescription>.*)");
		rc = -EINVAL;
		goto fail;
	}
	rf->ngroups = regex_ngroups(rf->re) + 1;
	for (i = 0; i < rf->ncaptures; i++) {
		unsigned group;

		text_len += 2 * strlen(regex_name(rf->re, i, &group)) + 16;
	}
	rf->groups = calloc(rf->ngroups, sizeof(*rf->groups));
	rf->captures = calloc(rf->ncaptures, sizeof(*rf->captures));
	rf->names_text = malloc(text_len);
	rc = -ENOMEM;
	if (!rf->groups || !rf->captures || !rf->names_text)
		goto fail;
	for (i = 0; i < rf->ncaptures; i++) {
		struct capture *c = &rf->captures[i];
		const char *name = regex_name(rf->re, i, &c->group);
		struct field_ref ref;
		size_t k = field_name(name, rf->names_text + w);

		c->field = (struct str){ rf->names_text + w, k };
		w += k;
		if (field_ref_parse(c->field.p, c->field.len, &ref) < 0) {
			snprintf(err, FORMAT_ERR_LEN, "capture '%.64s' names no field", name);
			rc = -EINVAL;
			goto fail;
		}
	}
	*out = &rf->base;
	return 0;
fail:
	regex_release(&rf->base);
	return rc;
}

/* The table's entry: it names the format; format_regex_new makes one that parses. */
const struct format format_regex = {
	.name = "regex",
	.needs_pattern = true,
	.parse = regex_parse,
};
