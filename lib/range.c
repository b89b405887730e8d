/*
 * The Monitoring Plugins range syntax (see range.h), as monitoring-plugins'
 * lib/utils_base.c parses it: an optional "@", then "START:END" where a missing
 * START is 0, "~" is minus infinity and a missing END is infinity; a bare
 * number N is 0:N.
 */
#include "lib/range.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A whole decimal number from s to end (exclusive); false when it is not one. */
static bool number(const char *s, const char *end, double *out)
{
	char *stop;

	if (s == end)
		return false;
	*out = strtod(s, &stop);
	return stop == end && isfinite(*out);
}

int range_parse(const char *text, struct range *r)
{
	struct range x = { 0, 0, false, false, false };
	const char *p = text, *colon, *end;

	if (!text)
		return -EINVAL;
	if (*p == '@') {
		x.inside = true;
		p++;
	}
	end = p + strlen(p);
	if (p == end)
		return -EINVAL;
	colon = strchr(p, ':');
	if (colon) {
		if (colon - p == 1 && *p == '~')
			x.start_inf = true;
		else if (colon != p && !number(p, colon, &x.start))
			return -EINVAL;
		if (colon + 1 == end)
			x.end_inf = true;
		else if (!number(colon + 1, end, &x.end))
			return -EINVAL;
	} else if (!number(p, end, &x.end)) {
		return -EINVAL;
	}
	if (!x.start_inf && !x.end_inf && x.start > x.end)
		return -EINVAL;
	*r = x;
	return 0;
}

bool range_alert(const struct range *r, double v)
{
	bool in = (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);

	return r->inside ? in : !in;
}
