/*
 * ISO 8601 without the C library's time zone machinery: days from civil dates
 * (Howard Hinnant's algorithm), so parsing never depends on TZ or the locale.
 */
#include "lib/iso8601.h"

#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool leap_year(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool digits(const char *s, size_t n, size_t *i, size_t count, unsigned *out)
{
	unsigned v = 0;
	size_t k;

	if (*i + count > n)
		return false;
	for (k = 0; k < count; k++) {
		char c = s[*i + k];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*i += count;
	*out = v;
	return true;
}

static bool expect(const char *s, size_t n, size_t *i, char c)
{
	if (*i < n && s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

bool iso8601_parse(const char *s, size_t n, int64_t *us)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned year, mon, day, hh = 0, mm = 0, ss = 0, zh = 0, zm = 0;
	int64_t frac = 0, t;
	size_t i = 0;
	int sign;

	if (!s)
		return false;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!digits(s, n, &i, 4, &year) || !expect(s, n, &i, '-') ||
	    !digits(s, n, &i, 2, &mon) || !expect(s, n, &i, '-') ||
	    !digits(s, n, &i, 2, &day))
		return false;
	/* year 0000, a 13th month or a 29 February of a common year name no day */
	if (year < 1 || mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] ||
	    (mon == 2 && day == 29 && !leap_year(year)))
		return false;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (!digits(s, n, &i, 2, &hh) || !expect(s, n, &i, ':') ||
		    !digits(s, n, &i, 2, &mm))
			return false;
		if (expect(s, n, &i, ':')) {
			if (!digits(s, n, &i, 2, &ss))
				return false;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				int64_t scale = 100000;
				size_t start = ++i;

				while (i < n && s[i] >= '0' && s[i] <= '9') {
					frac += (s[i] - '0') * scale;
					scale /= 10;
					i++;
				}
				if (i == start)
					return false;
			}
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return false;
	}
	sign = 0;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i++] == '-' ? -1 : 1;
		if (!digits(s, n, &i, 2, &zh))
			return false;
		expect(s, n, &i, ':');
		if (!digits(s, n, &i, 2, &zm) || zh > 23 || zm > 59)
			return false;
	}
	if (i != n)
		return false;
	t = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
	t -= sign * (int64_t)(zh * 3600 + zm * 60);
	*us = t * 1000000 + frac;
	return true;
}

/* Write v as exactly width decimal digits, zero-padded (v < 10^width). */
static char *put_digits(char *p, unsigned v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/*
 * Every journal entry's TimeGenerated is written here, so the usual years are
 * written digit by digit rather than through snprintf, which cost a fifth of
 * the journal source's time.
 */
char *iso8601_format(int64_t us, char out[ISO8601_LEN])
{
	int64_t secs = us / 1000000, frac = us % 1000000, days, y;
	unsigned m, d, rem;
	char *p = out;

	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	days = secs / 86400;
	if (secs % 86400 < 0)
		days--;
	rem = (unsigned)(secs - days * 86400);
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, ISO8601_LEN, "%04lld-%02u-%02uT%02u:%02u:%02u", (long long)y, m, d,
			 rem / 3600, rem / 60 % 60, rem % 60);
		p = out + strlen(out);
	} else {
		p = put_digits(p, (unsigned)y, 4);
		*p++ = '-';
		p = put_digits(p, m, 2);
		*p++ = '-';
		p = put_digits(p, d, 2);
		*p++ = 'T';
		p = put_digits(p, rem / 3600, 2);
		*p++ = ':';
		p = put_digits(p, rem / 60 % 60, 2);
		*p++ = ':';
		p = put_digits(p, rem % 60, 2);
	}
	if (frac) {
		*p++ = '.';
		p = put_digits(p, (unsigned)frac, 6);
	}
	*p++ = 'Z';
	*p = '\0';
	return out;
}

int64_t iso8601_days(int64_t y, unsigned m, unsigned d)
{
	return days_from_civil(y, m, d);
}

int64_t iso8601_year(int64_t us)
{
	int64_t secs = us / 1000000, days, y;
	unsigned m, d;

	if (us % 1000000 < 0)
		secs--;
	days = secs / 86400;
	if (secs % 86400 < 0)
		days--;
	civil_from_days(days, &y, &m, &d);
	return y;
}
