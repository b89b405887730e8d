/*
 * The array growth of array.h: double until there is room, and refuse a
 * capacity whose bytes would not fit in a size_t rather than wrap around.
 */
#include "lib/array.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int array_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 8;
	void *v;

	if (need <= *cap)
		return 0;
	assert(elem > 0);
	if (need > SIZE_MAX / elem)
		return -ENOMEM;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	if (n > SIZE_MAX / elem)
		n = need;
	v = realloc(*p, n * elem);
	if (!v)
		return -ENOMEM;
	*p = v;
	*cap = n;
	return 0;
}
