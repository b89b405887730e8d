/*
 * Diagnostic list: a growable array of formatted messages with counters.
 */
#include "lib/diag.h"

#include "lib/array.h"
#include "lib/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
	d->max = 10000;
}

void diag_release(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	free(d->v);
	diag_init(d);
}

void diag_vadd(struct diag *d, enum diag_severity sev, const char *file, long line,
	       const char *fmt, va_list ap)
{
	struct diag_entry *e;
	struct buf msg;

	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
	if (d->n >= d->max)
		goto drop;
	if (array_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)) < 0)
		goto drop;
	buf_init(&msg);
	if (buf_vprintf(&msg, fmt, ap) < 0)
		goto drop;
	e = &d->v[d->n];
	e->severity = sev;
	e->line = line;
	e->file = file ? strdup(file) : NULL;
	e->message = buf_detach(&msg);
	if ((file && !e->file) || !e->message) {
		free(e->file);
		free(e->message);
		goto drop;
	}
	d->n++;
	return;
drop:
	d->dropped++;
}

void diag_add(struct diag *d, enum diag_severity sev, const char *file, long line,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, sev, file, line, fmt, ap);
	va_end(ap);
}

void diag_error(struct diag *d, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, file, line, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *d, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_WARNING, file, line, fmt, ap);
	va_end(ap);
}

struct ranked {
	struct diag_entry e;
	size_t file;		/* the order in which its file first appears */
	size_t rank;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->e.line != b->e.line)
		return a->e.line < b->e.line ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static bool same_file(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void diag_sort_lines(struct diag *d, size_t from)
{
	struct ranked *v;
	size_t i, j, n, nfiles = 0;

	if (from >= d->n || d->n - from < 2)
		return;
	n = d->n - from;
	v = malloc(n * sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < n; i++) {
		v[i].e = d->v[from + i];
		v[i].rank = i;
		/* few files, many entries: the files seen so far are searched, newest first */
		for (j = i; j > 0 && !same_file(v[j - 1].e.file, v[i].e.file); j--)
			;
		v[i].file = j > 0 ? v[j - 1].file : nfiles++;
	}
	qsort(v, n, sizeof(*v), cmp_ranked);
	for (i = 0; i < n; i++)
		d->v[from + i] = v[i].e;
	free(v);
}

const char *diag_format(const struct diag_entry *e, struct buf *out)
{
	static const char *const label[] = { "", "warning: ", "note: " };
	int r = 0;

	buf_reset(out);
	if (e->file && e->line > 0)
		r = buf_printf(out, "%s:%ld: ", e->file, e->line);
	else if (e->file)
		r = buf_printf(out, "%s: ", e->file);
	if (r == 0)
		r = buf_printf(out, "%s%s", label[e->severity], e->message);
	return r == 0 ? out->data : NULL;
}
