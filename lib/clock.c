/*
 * One reading of the realtime clock, so that each program does not convert
 * a timespec to microseconds its own way.
 */
#include "lib/clock.h"

#include <time.h>

int64_t clock_realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
