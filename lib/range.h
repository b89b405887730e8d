/*
 * Threshold ranges in the syntax of the Monitoring Plugins guidelines, for
 * check_mpmon's -w and -c: "10" (alert outside 0..10), "10:" (below 10),
 * "~:10" (above 10), "10:20" (outside 10..20) and "@10:20" (inside 10..20,
 * ends included). Ends are decimal numbers; "~" is minus infinity.
 */
#ifndef MPMON_LIB_RANGE_H
#define MPMON_LIB_RANGE_H

#include <stdbool.h>

struct range {
	double start, end;
	bool start_inf;		/* "~": no lower end */
	bool end_inf;		/* "N:": no upper end */
	bool inside;		/* "@": alert inside the range instead of outside */
};

/*
 * Parse text into r. Returns 0, or -EINVAL (r unchanged) when text is not a
 * range or its start is above its end.
 */
int range_parse(const char *text, struct range *r);

/* Whether value raises the alert the range stands for. */
bool range_alert(const struct range *r, double value);

#endif
