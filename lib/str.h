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

/* FNV-1a, for hash tables keyed by text. */
uint64_t str_hash(struct str s);

#endif
