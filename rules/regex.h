/*
 * Regular expressions for RegExExpression, behind a small interface so that no
 * PCRE2 type leaves regex.c. A regex is compiled once and matched per event
 * without allocating; one that PCRE2 has run REGEX_JIT_AFTER times is then
 * JIT-compiled (when the platform has a JIT), once. A pathological pattern runs
 * into a match limit instead of hanging the collector, and says so: such a
 * search is no match, and regex_limited() tells it from one that ran to its end.
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
 * Runs of PCRE2's interpreter before a regex is JIT-compiled. JIT-compiling
 * costs as much as a few dozen interpreted matches of a log line; most of a
 * large pack's patterns are rarely run at all (the prefilters turn lines away
 * first), and those that are busy pass this early.
 */
#define REGEX_JIT_AFTER 64u

/*
 * PCRE2's limits, enough for any sane log pattern: match_limit bounds the
 * backtracking steps of one search (the interpreter and the JIT), depth_limit
 * how deep the interpreter's backtracking nests (the JIT has its stack,
 * JIT_STACK_MAX in regex.c, instead). PCRE2's own defaults are 10 times and 100
 * times larger.
 */
#define REGEX_DEFAULT_MATCH_LIMIT 1000000u
#define REGEX_DEFAULT_DEPTH_LIMIT 100000u

/*
 * The limits of the regexes compiled from now on; 0 for a default. Those
 * compiled before keep theirs. Not thread-safe: call it before compiling.
 */
void regex_set_limits(uint32_t match_limit, uint32_t depth_limit);

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
 * Regex.IsMatch). A search that hits the match, depth, heap or JIT stack limit
 * counts in regex_limit_hits() and is false, and regex_limited() is then true.
 * Not reentrant for one regex: it reuses the regex's match data.
 */
bool regex_search(struct regex *re, struct str s);

/* Whether the last search of re (regex_search or regex_match) stopped at a limit. */
bool regex_limited(const struct regex *re);

/*
 * Search as regex_search does and, on a match, set groups[k] for k < n to the
 * text of capture group k, slices of s (groups[0] is the whole match; a group
 * that took no part has .p NULL). Returns false, leaving groups alone, when
 * there is no match. Not reentrant for one regex.
 */
bool regex_match(struct regex *re, struct str s, struct str *groups, unsigned n);

/*
 * A run of bytes every match contains (the longer of the prefilter's
 * literals), borrowed from re; .len 0 when the pattern has none.
 */
struct str regex_literal(const struct regex *re);

/* Capture groups in the pattern, not counting group 0. */
unsigned regex_ngroups(const struct regex *re);

/* Named groups in the pattern. */
unsigned regex_nnames(const struct regex *re);

/*
 * The i-th named group (0 <= i < regex_nnames): its name, borrowed from re, and
 * its number in *group.
 */
const char *regex_name(const struct regex *re, unsigned i, unsigned *group);

/* Free a regex; NULL does nothing. */
void regex_free(struct regex *re);

/*
 * Whether pattern (n bytes) repeats a group that holds a repeat itself:
 * (a+)+, (\w+\s?)*, (?:x{2,})+ and the like, which a subject that nearly
 * matches makes backtrack exponentially (a ReDoS). Only unbounded repeats
 * count (*, + and {n,}, lazy or not); a possessive one (a++) or an atomic
 * group ((?>...)) gives nothing back and does not count. Read from the text
 * alone, nothing compiled; *at is then the offset of the outer group's '('.
 */
bool regex_nested_quantifier(const char *pattern, size_t n, size_t *at);

/* Limit hits since start, over all regexes. */
uint64_t regex_limit_hits(void);

#endif
