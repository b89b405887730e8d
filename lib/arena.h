/*
 * A bump allocator for objects that live and die together, such as everything a
 * loaded management pack holds: one arena_free() releases them all, so the loader
 * needs no per-object cleanup on its many error paths.
 */
#ifndef MPMON_LIB_ARENA_H
#define MPMON_LIB_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total;		/* bytes handed out, for memory figures */
};

void arena_init(struct arena *a);

/* Free every block; the arena may be initialised again. */
void arena_release(struct arena *a);

/*
 * Return n zeroed bytes aligned for any type, valid until arena_release(), or
 * NULL when memory runs out.
 */
void *arena_alloc(struct arena *a, size_t n);

/* Copy n bytes of s and add a NUL; NULL when memory runs out or s is NULL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

#endif
