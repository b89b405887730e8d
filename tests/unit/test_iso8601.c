/*
 * lib/iso8601.c: times written as ISO 8601 read back as the same microseconds,
 * with and without a fraction, around the epoch and leap days; the texts known
 * by heart, also of years outside 0-9999 (written, not parsed back); stamps
 * with a part out of range do not parse.
 */
#include "lib/iso8601.h"
#include "tests/unit/tap.h"

#include <string.h>

static void round_trip(int64_t us)
{
	char buf[ISO8601_LEN];
	int64_t back = 0;
	bool parsed;

	iso8601_format(us, buf);
	parsed = iso8601_parse(buf, strlen(buf), &back);
	ok(parsed && back == us, "%lld -> '%s' -> %lld", (long long)us, buf, (long long)back);
}

int main(void)
{
	char buf[ISO8601_LEN];
	static const int64_t samples[] = {
		0, 1, 999999, 1000000, -1, -1000000, 951782400000000 /* 2000-02-29 */,
		1795132800000001, 253402300799999999 /* 9999-12-31T23:59:59.999999 */,
		-62135596800000000 /* 0001-01-01 */,
	};
	/* Each names no instant: a reader must report it, not make a time of it. */
	static const char *const out_of_range[] = {
		"0000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
		"2026-11-20T25:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T10:60:00Z",
		"2026-11-20T10:00:61Z", "2026-02-30", "2026-04-31", "2026-11-00",
		"2026-02-29T00:00:00Z", "1900-02-29", "2026-11-20T10:00:00+24:00",
		"yesterday", "", "2026-11-20T10:00:00Zjunk",
	};
	size_t i;
	int64_t us;

	is_str(iso8601_format(0, buf), "1970-01-01T00:00:00Z", "the epoch");
	is_str(iso8601_format(1795132800000001, buf), "2026-11-20T00:00:00.000001Z", "a fraction");
	is_str(iso8601_format(951868799123456, buf), "2000-02-29T23:59:59.123456Z", "a leap day");
	is_str(iso8601_format(-1, buf), "1969-12-31T23:59:59.999999Z", "just before the epoch");
	is_str(iso8601_format(253402300800000000, buf), "10000-01-01T00:00:00Z", "a five-digit year");
	is_str(iso8601_format(-62167219200000001, buf), "-001-12-31T23:59:59.999999Z", "before year 0");
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		round_trip(samples[i]);
	for (i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
		const char *t = out_of_range[i];

		us = 42;
		ok(!iso8601_parse(t, strlen(t), &us) && us == 42, "'%s' is not a time", t);
	}
	ok(iso8601_parse("2024-02-29T12:00:00Z", 20, &us) && us == 1709208000LL * 1000000,
	   "29 February of a leap year is");
	ok(iso8601_parse("2000-02-29", 10, &us), "and of 2000");
	ok(iso8601_parse("0001-01-01T00:00:00Z", 20, &us) && us == -62135596800000000,
	   "year 1 is the first year");
	/* A day's worth of odd steps through a year, fractions included. */
	for (us = 1767225600000000; us < 1798761600000000; us += 86399999937)
		round_trip(us);
	return tap_done();
}
