/*
 * Growing an array by doubling, in one place: the overflow checks of
 * capacity times element size are easy to leave out of the tenth copy.
 */
#ifndef MPMON_LIB_ARRAY_H
#define MPMON_LIB_ARRAY_H

#include <stddef.h>

/*
 * Make the array *p of *cap elements of elem bytes each hold at least need:
 * its capacity doubles, from 8, until it does, and the array is reallocated
 * (*p may be NULL when *cap is 0). Returns 0 with *p and *cap updated, or
 * -ENOMEM when memory runs out or the size does not fit in a size_t, with
 * *p and *cap as they were. Nothing happens when need <= *cap.
 */
int array_grow(void **p, size_t *cap, size_t need, size_t elem);

#endif
