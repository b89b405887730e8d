/*
 * Unit tests of lib/str.c's edit distance and nearest name, which name the
 * element or field a pack author meant when a name is a slip of the keyboard.
 */
#include "lib/str.h"

#include "tests/unit/tap.h"

#include <string.h>

static size_t dist(const char *a, const char *b, size_t max)
{
	return str_distance(str_of(a), str_of(b), max);
}

int main(void)
{
	static const char *const names[] = { "TimerWaitInSeconds", "LogName", "Expression",
					     "IntervalSeconds", NULL };
	char long_a[STR_DISTANCE_MAX + 2], long_b[STR_DISTANCE_MAX + 2];

	is_int((int64_t)dist("LogName", "LogName", 2), 0, "distance: equal");
	is_int((int64_t)dist("TimerWaitInSecond", "TimerWaitInSeconds", 2), 1, "distance: a deletion");
	is_int((int64_t)dist("EventDescripton", "EventDescription", 2), 1, "distance: an insertion");
	is_int((int64_t)dist("LgoName", "LogName", 2), 1, "distance: two neighbours swapped");
	is_int((int64_t)dist("LogNome", "LogName", 2), 1, "distance: a substitution");
	is_int((int64_t)dist("abc", "xyz", 2), 3, "distance: past max is max + 1");
	is_int((int64_t)dist("a", "abcdef", 2), 3, "distance: lengths far apart are far");
	is_int((int64_t)dist("", "ab", 2), 2, "distance: from nothing");
	memset(long_a, 'x', sizeof(long_a) - 1);
	long_a[sizeof(long_a) - 1] = '\0';
	memcpy(long_b, long_a, sizeof(long_b));
	long_b[0] = 'y';
	is_int((int64_t)dist(long_a, long_b, 3), 4, "distance: past the bound, only equal or far");
	is_int((int64_t)dist(long_a, long_a, 3), 0, "distance: past the bound, equal");

	is_str(str_nearest(str_of("TimerWaitInSecond"), names), "TimerWaitInSeconds",
	       "nearest: the slip's name");
	is_str(str_nearest(str_of("IntervalSecond"), names), "IntervalSeconds",
	       "nearest: the nearest of several near ones");
	ok(str_nearest(str_of("LogName"), names) == NULL, "nearest: not the name itself");
	ok(str_nearest(str_of("Frequency"), names) == NULL, "nearest: none that near");
	ok(str_nearest(str_of("Lg"), names) == NULL, "nearest: a short name needs an exact match");
	ok(str_nearest(str_of("x"), NULL) == NULL, "nearest: no names");
	return tap_done();
}
