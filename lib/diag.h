/*
 * Diagnostics about input: each a severity, the file and line it concerns, and a
 * message. The pure layers (mp-xml, rules, monitors) collect them here instead of
 * printing, so the caller decides where they go and in which form.
 */
#ifndef MPMON_LIB_DIAG_H
#define MPMON_LIB_DIAG_H

#include <stdarg.h>
#include <stddef.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag_entry {
	enum diag_severity severity;
	char *file;		/* owned */
	long line;		/* 0 when the whole file is meant */
	char *message;		/* owned; lower case, no final period */
};

struct diag {
	struct diag_entry *v;
	size_t n, cap;
	size_t errors, warnings;
	size_t max;		/* entries kept; more are counted only */
	size_t dropped;
};

/* An empty list that keeps at most 10000 entries. */
void diag_init(struct diag *d);
void diag_release(struct diag *d);

/*
 * Add an entry; file may be NULL. When memory runs out or the list is full the
 * entry is counted but not kept, so error counts stay right.
 */
void diag_add(struct diag *d, enum diag_severity sev, const char *file, long line,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_vadd(struct diag *d, enum diag_severity sev, const char *file, long line,
	       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Shorthands for diag_add with DIAG_ERROR / DIAG_WARNING. */
void diag_error(struct diag *d, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_warn(struct diag *d, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Order the entries from index from on by file (in the order the files first
 * appear) and line, keeping the order of those on the same line: a producer
 * that checks in more than one pass lists its problems as a reader meets them.
 * Without memory for it, nothing moves.
 */
void diag_sort_lines(struct diag *d, size_t from);

/*
 * Format one entry as "file:line: message", "file:line: warning: message" (no
 * line part when line is 0), into out; returns out->data or NULL on -ENOMEM.
 */
struct buf;
const char *diag_format(const struct diag_entry *e, struct buf *out);

#endif
