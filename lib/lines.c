/*
 * Bounded line reader over a file descriptor, one buffer of max + 64 KiB, filled
 * 64 KiB at a time.
 */
#include "lib/lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINES_CHUNK 65536

int lines_init(struct lines *l, int fd, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->max = max;
	l->cap = max + LINES_CHUNK;
	l->buf = malloc(l->cap);
	return l->buf ? 0 : -ENOMEM;
}

void lines_release(struct lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

static int fill(struct lines *l)
{
	ssize_t n;

	if (l->start > 0) {
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		l->end -= l->start;
		l->start = 0;
	}
	/*
	 * A block at a time, not the whole free room: the buffer is sized for
	 * the longest line (1 MiB by default), and filling it all would make
	 * every page of it resident for files of ordinary lines.
	 */
	do
		n = read(l->fd, l->buf + l->end,
			 l->cap - l->end < LINES_CHUNK ? l->cap - l->end : LINES_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		l->eof = true;
	l->end += (size_t)n;
	return 0;
}

static void give(struct lines *l, size_t len, size_t consumed, char **line, size_t *out,
		 bool *cut, bool was_cut)
{
	*line = l->buf + l->start;
	if (len && (*line)[len - 1] == '\r')
		len--;
	*out = len;
	*cut = was_cut;
	l->start += consumed;
	l->lineno++;
}

int lines_next(struct lines *l, char **line, size_t *len, bool *cut)
{
	for (;;) {
		char *p = l->buf + l->start;
		size_t avail = l->end - l->start;
		char *nl = memchr(p, '\n', avail);
		int r;

		if (l->skipping) {
			if (nl) {
				l->start += (size_t)(nl - p) + 1;
				l->skipping = false;
				continue;
			}
			l->start = l->end;
		} else if (nl && (size_t)(nl - p) <= l->max) {
			give(l, (size_t)(nl - p), (size_t)(nl - p) + 1, line, len, cut, false);
			return 1;
		} else if (avail > l->max) {
			/* hand out the first max bytes; drop the rest up to the newline */
			give(l, l->max, l->max, line, len, cut, true);
			l->skipping = true;
			return 1;
		} else if (l->eof) {
			if (avail == 0)
				return 0;
			give(l, avail, avail, line, len, cut, false);
			return 1;
		}
		if (l->eof)
			return 0;
		r = fill(l);
		if (r < 0)
			return r;
	}
}
