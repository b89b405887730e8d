/*
 * Reading a file line by line with a bound on line length: a line longer than
 * the bound is cut (and flagged) rather than growing memory without limit, and
 * the rest of it is skipped, so one huge line costs neither memory nor the lines
 * after it.
 */
#ifndef MPMON_LIB_LINES_H
#define MPMON_LIB_LINES_H

#include <stdbool.h>
#include <stddef.h>

struct lines {
	int fd;
	char *buf;
	size_t cap, start, end;
	size_t max;
	long lineno;		/* number of the line last returned, from 1 */
	bool eof;
	bool skipping;		/* inside the rest of a cut line */
};

/* Read from fd (borrowed) with lines of at most max bytes. 0 or -ENOMEM. */
int lines_init(struct lines *l, int fd, size_t max);
void lines_release(struct lines *l);

/*
 * The next line, without its "\n" or "\r\n", in a writable buffer valid until the
 * next call. *cut is set when the line was longer than max and only its first
 * max bytes are given. A last line without a newline counts. Returns 1 for a
 * line, 0 at the end, -errno when reading fails.
 */
int lines_next(struct lines *l, char **line, size_t *len, bool *cut);

#endif
