/*
 * The wall clock in the unit the tree counts time in (µs since the epoch),
 * for the programs that read it: mpmond, check_mpmon, mpmon. mp-xml/, rules/
 * and monitors/ never call it; they are handed the time.
 */
#ifndef MPMON_LIB_CLOCK_H
#define MPMON_LIB_CLOCK_H

#include <stdint.h>

/* CLOCK_REALTIME, µs since 1970-01-01T00:00:00Z. */
int64_t clock_realtime_us(void);

#endif
