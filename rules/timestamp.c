/*
 * Timestamp parsing for the formats (timestamp.h). The BSD stamp is parsed by
 * hand, not with strptime: strptime depends on the locale and would want a
 * struct tm and timegm, which read TZ.
 */
#include "rules/timestamp.h"

#include <stdint.h>
#include <string.h>

#include "lib/iso8601.h"
#include "lib/str.h"
#include "rules/event.h"
#include "rules/format.h"

#define US_PER_DAY (86400LL * 1000000)
/* what an error message shows of a refused stamp and its field's name, escaped */
#define SHOWN_MAX 56
#define FIELD_SHOWN 32

/* Month 1..12 of an English abbreviation, or 0; a 3-byte switch, no loop. */
static unsigned month_of(const char *s)
{
	switch (s[0]) {
	case 'J':
		if (s[1] == 'a' && s[2] == 'n')
			return 1;
		if (s[1] == 'u' && s[2] == 'n')
			return 6;
		if (s[1] == 'u' && s[2] == 'l')
			return 7;
		break;
	case 'F':
		return s[1] == 'e' && s[2] == 'b' ? 2 : 0;
	case 'M':
		if (s[1] == 'a' && s[2] == 'r')
			return 3;
		if (s[1] == 'a' && s[2] == 'y')
			return 5;
		break;
	case 'A':
		if (s[1] == 'p' && s[2] == 'r')
			return 4;
		if (s[1] == 'u' && s[2] == 'g')
			return 8;
		break;
	case 'S':
		return s[1] == 'e' && s[2] == 'p' ? 9 : 0;
	case 'O':
		return s[1] == 'c' && s[2] == 't' ? 10 : 0;
	case 'N':
		return s[1] == 'o' && s[2] == 'v' ? 11 : 0;
	case 'D':
		return s[1] == 'e' && s[2] == 'c' ? 12 : 0;
	}
	return 0;
}

static bool two_digits(const char *s, unsigned *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	return true;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * A log's lines share their reference time and mostly their day, so the
 * calendar sums are remembered, one entry per thread: the same answers, without
 * a civil-date conversion per line.
 */
static int64_t year_of(int64_t limit)
{
	static __thread int64_t last_limit = INT64_MIN, last_year;

	if (limit != last_limit) {
		last_year = iso8601_year(limit);
		last_limit = limit;
	}
	return last_year;
}

static int64_t days_of(int64_t y, unsigned mon, unsigned day)
{
	static __thread int64_t last_y = INT64_MIN, last_days;
	static __thread unsigned last_mon, last_day;

	if (y != last_y || mon != last_mon || day != last_day) {
		last_days = iso8601_days(y, mon, day);
		last_y = y;
		last_mon = mon;
		last_day = day;
	}
	return last_days;
}

size_t timestamp_bsd(const char *s, size_t n, const struct format_ctx *ctx, int64_t *us)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned mon, day, hh, mm, ss;
	int64_t frac = 0, limit, y, secs;
	size_t i;
	int k;

	if (n < 14 || s[3] != ' ' || !(mon = month_of(s)))
		return 0;
	i = 4;
	if (s[i] == ' ')
		i++;			/* " 1": space-padded day */
	if (s[i] < '0' || s[i] > '9')
		return 0;
	day = (unsigned)(s[i++] - '0');
	if (i < n && s[i] >= '0' && s[i] <= '9')
		day = day * 10 + (unsigned)(s[i++] - '0');
	if (i + 9 > n || s[i] != ' ' || !two_digits(s + i + 1, &hh) || s[i + 3] != ':' ||
	    !two_digits(s + i + 4, &mm) || s[i + 6] != ':' || !two_digits(s + i + 7, &ss))
		return 0;
	i += 9;
	if (day < 1 || day > mdays[mon - 1] || hh > 23 || mm > 59 || ss > 60)
		return 0;
	if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		int64_t scale = 100000;

		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	/*
	 * The latest year that does not put the stamp more than a day after now:
	 * clocks drift and a log may run slightly ahead, but a stamp far in the
	 * future is last year's. Feb 29 looks back to the last leap year.
	 */
	limit = ctx->now + US_PER_DAY;
	y = year_of(limit);
	for (k = 0; k < 9; k++, y--) {
		int64_t t;

		if (mon == 2 && day == 29 && !is_leap(y))
			continue;
		secs = days_of(y, mon, day) * 86400 + hh * 3600 + mm * 60 + ss -
		       ctx->utc_offset;
		t = secs * 1000000 + frac;
		if (t <= limit) {
			*us = t;
			return i;
		}
	}
	return 0;
}

/* Whether ISO text written from s (at least "YYYY-MM-DD") names a zone. */
static bool has_zone(const char *s, size_t n)
{
	size_t i;

	for (i = 10; i < n; i++)
		if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-')
			return true;
	return false;
}

bool timestamp_parse(const char *s, size_t n, const struct format_ctx *ctx, int64_t *us)
{
	if (!s)
		return false;
	if (iso8601_parse(s, n, us)) {
		if (!has_zone(s, n))
			*us -= (int64_t)ctx->utc_offset * 1000000;
		return true;
	}
	return timestamp_bsd(s, n, ctx, us) == n && n > 0;
}

size_t timestamp_bsd_text(const char *s, size_t n)
{
	size_t i = 3;
	int w;

	if (n < 4 || s[3] != ' ' || !month_of(s))
		return 0;
	/* the day and the time; "Nov  1": the blanks that pad a day end no word */
	for (w = 0; w < 2; w++) {
		while (i < n && s[i] == ' ')
			i++;
		while (i < n && s[i] != ' ')
			i++;
	}
	return i;
}

int timestamp_fail(char *err, size_t at, const char *field, size_t field_len, const char *what,
		   const char *text, size_t text_len)
{
	char shown[SHOWN_MAX + 1], name[FIELD_SHOWN + 1];
	size_t used;

	used = str_escape(shown, sizeof(shown), text, text_len);
	str_escape(name, sizeof(name), field, field_len);
	return format_fail(err, at, "'%s' is not %s: \"%s\"%s", name, what, shown,
			   used < text_len ? "..." : "");
}

int timestamp_event(struct event *ev, const char *line, const struct format_ctx *ctx,
		    char *err)
{
	struct str t = ev->slot[EVENT_TIME];

	if (!t.p || ev->has_time)
		return 0;
	ev->has_time = timestamp_parse(t.p, t.len, ctx, &ev->time);
	if (ev->has_time)
		return 0;
	return timestamp_fail(err, (size_t)(t.p - line), "TimeGenerated", 13,
			      "an ISO 8601 or syslog time", t.p, t.len);
}
