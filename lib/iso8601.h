/*
 * Event time. mpmon keeps time as microseconds since the Unix epoch, UTC (the
 * journal's unit); TimeGenerated and the replay output use ISO 8601 text.
 */
#ifndef MPMON_LIB_ISO8601_H
#define MPMON_LIB_ISO8601_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISO8601_LEN 48	/* "YYYY-MM-DDTHH:MM:SS.ffffffZ", with room for any int64 year */

/*
 * Parse "YYYY-MM-DD[Thh:mm[:ss[.f...]]][Z|±hh[:]mm]" (a space may stand for T; no
 * zone means UTC). Return true and set *us, or false when s is not such a time,
 * also when a part is out of range: year 0000, month 13, 30 February, 29
 * February of a common year, 25:00, minute 60.
 */
bool iso8601_parse(const char *s, size_t n, int64_t *us);

/*
 * Write us as "YYYY-MM-DDThh:mm:ssZ", with ".ffffff" only when there is a
 * fraction. Returns out.
 */
char *iso8601_format(int64_t us, char out[ISO8601_LEN]);

/*
 * Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian; m 1..12,
 * d 1..31, not checked against the month), for formats that assemble a time
 * from parts, such as syslog's year-less stamps.
 */
int64_t iso8601_days(int64_t y, unsigned m, unsigned d);

/* The UTC calendar year of us. */
int64_t iso8601_year(int64_t us);

#endif
