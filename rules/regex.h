/*
 * Regular expressions for RegExExpression, behind a small interface so that no
 * PCRE2 type leaves regex.c. A regex is compiled once (JIT when the platform has
 * it) and matched per event without allocating; a pathological pattern runs into
 * a match limit instead of hanging the collector.
 */
#ifndef MPMON_RULES_REGEX_H
#define MPMON_RULES_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/str.h"

struct regex;

#define REGEX_ERR_LEN 160

/*
 * Compile pattern (n bytes) as .NET's Regex would read it, as far as PCRE2 can:
 * case-sensitive, no UTF mode (subjects are bytes and may be invalid UTF-8).
 * Returns 0 with *out set (owned by the caller, freed with regex_free), -EINVAL
 * with PCRE2's message and offset in err ("missing closing parenthesis at offset
 * 3"), or -ENOMEM. The pattern is copied: it need not outlive the regex.
 */
int regex_compile(const char *pattern, size_t n, struct regex **out,
		  char err[REGEX_ERR_LEN]);

/*
 * Whether the regex matches anywhere in s (an unanchored search, like .NET's
 * Regex.IsMatch). A match that hits the match, depth or stack limit counts in
 * regex_limit_hits() and is false. Not reentrant for one regex: it reuses the
 * regex's match data.
 */
bool regex_search(struct regex *re, struct str s);

/* Free a regex; NULL does nothing. */
void regex_free(struct regex *re);

/* Limit hits since start, over all regexes. */
uint64_t regex_limit_hits(void);

#endif
