/*
 * A borrowed byte range: events hold their field values as slices into the line
 * they were read from, so matching costs no copy.
 */
#ifndef MPMON_LIB_STR_H
#define MPMON_LIB_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
	const char *p;		/* NULL: absent (distinct from an empty value) */
	size_t len;
};

/* A slice of a NUL-terminated string; s may be NULL (absent). */
struct str str_of(const char *s);

bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *s);

/* The slice without leading and trailing ASCII white space. */
struct str str_trim(struct str s);

/*
 * Parse the whole slice (surrounding white space allowed) as a decimal number.
 * Return false, leaving *out alone, when it is not one or does not fit.
 */
bool str_to_i64(struct str s, int64_t *out);
bool str_to_u64(struct str s, uint64_t *out);
bool str_to_double(struct str s, double *out);

/*
 * Substring search for short texts (log fields) with a needle known in
 * advance: str_rare_index picks the needle byte least likely to occur in log
 * text (punctuation before capitals before digits before letters before
 * space), and str_find looks for that byte with memchr and compares the
 * needle where it fits. On a field of a few dozen bytes this is a few memchr
 * calls, cheaper than memmem's set-up. str_find returns the first match or
 * NULL; an empty needle matches at hay.
 */
size_t str_rare_index(const char *needle, size_t m);
const char *str_find(const char *hay, size_t n, const char *needle, size_t m, size_t rare);

/* How common byte c is in log text, by str_rare_index's classes: 1 (rarest) to 9. */
int str_commonness(unsigned char c);

/*
 * FNV-1a: the same in every process, for what is written down and compared
 * later (a checkpoint's end line, a file's fingerprint, keys kept in monitor
 * state). Hash tables use lib/hmap.h, whose hash is keyed.
 */
uint64_t str_hash(struct str s);

/*
 * Length of the valid UTF-8 sequence at p (n >= 1 bytes left): 1 for ASCII,
 * 2 to 4, or 0 when the bytes are not one (overlong forms, surrogates and
 * code points past U+10FFFF are not).
 */
size_t str_utf8_len(const char *p, size_t n);

struct buf;

/*
 * Text from a log, made safe to print: control characters other than tab, DEL
 * and bytes that are not UTF-8 become \xNN, so that it can neither forge a
 * line (a newline) nor send a terminal escape (ESC, BEL). Two forms of one
 * rule:
 *
 * str_escape copies n bytes of s to out, which holds cap bytes (cap >= 1) and
 * is always NUL-terminated (4 * n + 1 bytes hold any s), for callers that may
 * not allocate; what does not fit whole is left off. Returns the bytes of s
 * copied, n when all.
 *
 * str_put_printable appends the n bytes at p to b. Sets *width, when not NULL,
 * to the characters appended (a UTF-8 sequence counts one). Returns 0 or
 * -ENOMEM.
 */
size_t str_escape(char *out, size_t cap, const char *s, size_t n);
int str_put_printable(struct buf *b, const char *p, size_t n, size_t *width);

/*
 * The edit distance between a and b: insertions, deletions, substitutions and
 * swaps of two neighbours count one each (optimal string alignment). Names
 * longer than STR_DISTANCE_MAX bytes are only ever equal or "far": the result
 * is then 0 or max + 1. A result above max is reported as max + 1.
 */
#define STR_DISTANCE_MAX 64
size_t str_distance(struct str a, struct str b, size_t max);

/*
 * Of names (NULL-terminated), the one nearest s that a slip of the keyboard
 * could have turned into s: at most one edit in four bytes of s, and never
 * s itself. NULL when none is that near. The first of equally near names wins.
 */
const char *str_nearest(struct str s, const char *const *names);

#endif
