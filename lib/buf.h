/*
 * A growable byte buffer, always NUL-terminated, for building text (JSON lines,
 * rendered knowledge, messages) without fixed-size arrays.
 */
#ifndef MPMON_LIB_BUF_H
#define MPMON_LIB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char  *data;	/* owned; "" (static) while nothing was appended */
	size_t len;
	size_t cap;
};

/* Make an empty buffer; allocates nothing until the first append. */
void buf_init(struct buf *b);

/* Free the storage; the buffer may be initialised again. */
void buf_release(struct buf *b);

/* Empty the buffer and keep its storage for reuse. */
void buf_reset(struct buf *b);

/*
 * Append bytes, a string, one character or formatted text. Return 0, or -ENOMEM
 * with the buffer left as it was.
 */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Make room for at least n more bytes. Return 0 or -ENOMEM. */
int buf_reserve(struct buf *b, size_t n);

/* Shorten to len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);

/*
 * Hand the storage to the caller, who frees it with free(); the buffer is left
 * empty. Returns NULL on allocation failure.
 */
char *buf_detach(struct buf *b);

#endif
