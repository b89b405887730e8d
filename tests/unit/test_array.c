/*
 * Unit tests of lib/array.c: growth from nothing, doubling, no change when
 * there is room, and sizes that would overflow refused with the array intact.
 */
#include "lib/array.h"

#include "tests/unit/tap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int main(void)
{
	int *v = NULL, *before;
	size_t cap = 0, i;

	is_int(array_grow((void **)&v, &cap, 1, sizeof(*v)), 0, "grow from nothing");
	ok(v != NULL && cap == 8, "first capacity 8 (got %zu)", cap);
	for (i = 0; i < cap; i++)
		v[i] = (int)i;
	before = v;
	is_int(array_grow((void **)&v, &cap, 8, sizeof(*v)), 0, "room already");
	ok(v == before && cap == 8, "room already: nothing changes");
	is_int(array_grow((void **)&v, &cap, 9, sizeof(*v)), 0, "one past: grows");
	is_int((int64_t)cap, 16, "one past: doubles");
	is_int(array_grow((void **)&v, &cap, 100, sizeof(*v)), 0, "far past");
	is_int((int64_t)cap, 128, "far past: doubles until there is room");
	for (i = 0; i < 8 && v[i] == (int)i; i++)
		;
	is_int((int64_t)i, 8, "the elements are kept");
	before = v;
	is_int(array_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof(*v)), -ENOMEM,
	       "bytes past SIZE_MAX: refused");
	ok(v == before && cap == 128, "refused: the array as it was");
	is_int(array_grow((void **)&v, &cap, SIZE_MAX / 3, 4), -ENOMEM,
	       "bytes past SIZE_MAX, elements of 4: refused");
	ok(v == before && cap == 128, "refused: still as it was");
	free(v);
	return tap_done();
}
