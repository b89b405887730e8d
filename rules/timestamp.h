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

#endif
