/*
 * The Monitoring Plugins range syntax: each form of the guidelines' table
 * with values just inside and outside its ends, and text that is not a range.
 */
#include "lib/range.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <stddef.h>

/* Parse text and check whether each of the values alerts as want[] says. */
static void check(const char *text, const double *v, const bool *want, int n)
{
	struct range r;
	int i;

	if (range_parse(text, &r) != 0) {
		ok(false, "'%s' parses", text);
		return;
	}
	for (i = 0; i < n; i++)
		ok(range_alert(&r, v[i]) == want[i], "'%s' with %g: want %s", text, v[i],
		   want[i] ? "alert" : "no alert");
}

int main(void)
{
	static const char *const bad[] = { "", "@", "abc", "10:5", "1:2:3", "~", "10x",
					   "5:~", "@~", "nan", "inf:" };
	struct range r = { 1, 2, false, false, false };
	size_t i;

	/* "10": alert outside 0..10 */
	check("10", (const double[]){ -1, 0, 5, 10, 10.5 },
	      (const bool[]){ true, false, false, false, true }, 5);
	/* "10:": alert below 10 */
	check("10:", (const double[]){ 9.99, 10, 1e9 }, (const bool[]){ true, false, false }, 3);
	/* "~:10": alert above 10 */
	check("~:10", (const double[]){ -1e9, 10, 10.01 }, (const bool[]){ false, false, true }, 3);
	/* "10:20": alert outside 10..20 */
	check("10:20", (const double[]){ 9, 10, 20, 21 },
	      (const bool[]){ true, false, false, true }, 4);
	/* "@10:20": alert inside 10..20, ends included */
	check("@10:20", (const double[]){ 9, 10, 15, 20, 21 },
	      (const bool[]){ false, true, true, true, false }, 5);
	/* a missing start is 0 */
	check(":5", (const double[]){ -1, 0, 5, 6 }, (const bool[]){ true, false, false, true }, 4);
	/* "0": anything above 0 alerts (a count that must stay 0) */
	check("0", (const double[]){ 0, 1 }, (const bool[]){ false, true }, 2);
	check("-5:-1", (const double[]){ -6, -3, 0 }, (const bool[]){ true, false, true }, 3);
	check("1.5:2.5", (const double[]){ 1.4, 2, 2.6 }, (const bool[]){ true, false, true }, 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(range_parse(bad[i], &r), -EINVAL, bad[i]);
	}
	ok(r.start == 1 && r.end == 2, "a failed parse leaves the range as it was");
	is_int(range_parse(NULL, &r), -EINVAL, "NULL");
	return tap_done();
}
