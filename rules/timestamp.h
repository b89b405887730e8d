/*
 * Timestamps as text logs write them, for the formats: RFC 3339 / ISO 8601 and
 * the BSD syslog stamp "Nov 20 08:00:00" (RFC 3164), which has neither year nor
 * zone. The missing parts come from the caller's struct format_ctx, never from
 * the clock, so a parse is a pure function of the line and the context.
 */
#ifndef MPMON_RULES_TIMESTAMP_H
#define MPMON_RULES_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event;
struct format_ctx;

/*
 * The BSD stamp at the start of s: "Mmm dd hh:mm:ss" with the day padded by a
 * space or a zero (or, as some devices write, not padded), optionally followed
 * by a fraction ".ffffff". Month names are English and case-sensitive. The year
 * is the one that puts the stamp nearest before ctx->now + 1 day; the zone is
 * ctx->utc_offset. Returns the bytes read, or 0 when s does not start with such
 * a stamp.
 */
size_t timestamp_bsd(const char *s, size_t n, const struct format_ctx *ctx, int64_t *us);

/*
 * All of s as a time: ISO 8601 (iso8601_parse's forms; without a zone it is in
 * ctx->utc_offset) or a BSD stamp. Returns false when s is neither.
 */
bool timestamp_parse(const char *s, size_t n, const struct format_ctx *ctx, int64_t *us);

/*
 * The length of the text at s that stands where a BSD stamp would: from a
 * month name through the third blank-separated word ("Nov 31 08:00:00",
 * "Nov 20 25:00"), for an error message that shows a stamp timestamp_bsd
 * refused; 0 when s does not start with a month name, so is no stamp at all.
 */
size_t timestamp_bsd_text(const char *s, size_t n);

/*
 * For formats: report a stamp that does not read as a time. The message names
 * the field (field_len bytes) and shows the text, both cut to fit and with
 * control bytes escaped (str_escape), then where it is in the line
 * (format_fail):
 *   'TimeGenerated' is not an ISO 8601 time: "yesterday" at column 17
 * where what is "an ISO 8601 time" and at is the text's offset in the line.
 * Returns -EINVAL.
 */
int timestamp_fail(char *err, size_t at, const char *field, size_t field_len, const char *what,
		   const char *text, size_t text_len);

/*
 * For formats whose TimeGenerated may be ISO 8601 or a BSD stamp (kv, regex):
 * an event's TimeGenerated that event_set could not read as ISO 8601 is read
 * as timestamp_parse does. Returns 0 (also when ev has no TimeGenerated), or
 * -EINVAL with timestamp_fail's message in err when it is no time at all.
 * line is the line ev's values point into, for the column.
 */
int timestamp_event(struct event *ev, const char *line, const struct format_ctx *ctx,
		    char *err);

#endif
