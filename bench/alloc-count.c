/*
 * make bench: an LD_PRELOAD allocation counter. Counts calls of malloc, calloc,
 * realloc, aligned_alloc and posix_memalign in the process (passing them on to
 * glibc's own) and at exit appends "ALLOCS N" to the file named by
 * $ALLOC_COUNT_FILE. Compiled by bench/memory.sh only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static unsigned long long count;

void *malloc(size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_realloc(p, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	p = __libc_memalign(align, n);
	if (!p)
		return 12;	/* ENOMEM */
	*out = p;
	return 0;
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("ALLOC_COUNT_FILE");
	char line[64];
	int fd, n;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "ALLOCS %llu\n", count);
	if (write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}
