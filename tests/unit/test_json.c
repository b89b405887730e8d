/*
 * The JSON writer and the ISO 8601 formatter every record goes through: the
 * hand-written digits against printf's over many values, the integers at their
 * ends, and strings with every kind of byte the escaper treats apart.
 */
#include "lib/buf.h"
#include "lib/iso8601.h"
#include "lib/json.h"
#include "tests/unit/tap.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The same time through gmtime_r and printf, as iso8601_format wrote it once. */
static void reference(int64_t us, char out[64])
{
	int64_t secs = us / 1000000, frac = us % 1000000;
	time_t t;
	struct tm tm;

	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	t = (time_t)secs;
	gmtime_r(&t, &tm);
	if (frac)
		snprintf(out, 64, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ",
			 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, (long long)frac);
	else
		snprintf(out, 64, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
			 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec);
}

static void test_iso8601(void)
{
	static const int64_t fixed[] = {
		0, 1, -1, 999999, 1000000, -1000000, 86399999999LL, 86400000000LL,
		951782400000000LL,		/* 2000-02-29 */
		1763596800123456LL,		/* 2026-11-20T00:00:00.123456 */
		253402300799999999LL,		/* 9999-12-31T23:59:59.999999 */
		-62167219200000000LL,		/* 0000-01-01 */
	};
	char got[ISO8601_LEN], want[64];
	uint64_t x = 88172645463325252ULL;
	unsigned i, wrong = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		iso8601_format(fixed[i], got);
		reference(fixed[i], want);
		is_str(got, want, "iso8601_format of a fixed time");
	}
	/* years 0 to 9999, whole seconds and not */
	for (i = 0; i < 200000; i++) {
		int64_t us;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		us = (int64_t)(x % 315537897600000000ULL) - 62167219200000000LL;
		if (i % 3 == 0)
			us -= us % 1000000;
		iso8601_format(us, got);
		reference(us, want);
		if (strcmp(got, want) != 0 && wrong++ < 3)
			tap_diag("%" PRId64 ": got %s, want %s", us, got, want);
	}
	is_int(wrong, 0, "iso8601_format: 200000 times from year 0 to 9999 as printf writes them");
	iso8601_format(253402300800000000LL, got);
	is_str(got, "10000-01-01T00:00:00Z", "iso8601_format: a five-digit year");
	iso8601_format(-62167219200000001LL, got);
	is_str(got, "-001-12-31T23:59:59.999999Z", "iso8601_format: a year before 0");
}

static void test_members(void)
{
	static const char mixed[] = "plain \"q\" \\ \n\r\t\b\f\x01 \xc3\xa9 \xff end";
	struct buf b;
	bool first = true;

	buf_init(&b);
	buf_putc(&b, '{');
	json_member_u64(&b, &first, "u0", 0);
	json_member_u64(&b, &first, "umax", UINT64_MAX);
	json_member_i64(&b, &first, "imin", INT64_MIN);
	json_member_i64(&b, &first, "imax", INT64_MAX);
	json_member_i64(&b, &first, "neg", -42);
	json_member_bool(&b, &first, "t", true);
	json_member_cstr(&b, &first, "null", NULL);
	buf_putc(&b, '}');
	is_str(b.data, "{\"u0\":0,\"umax\":18446744073709551615,\"imin\":-9223372036854775808,"
	       "\"imax\":9223372036854775807,\"neg\":-42,\"t\":true,\"null\":\"\"}",
	       "integers at their ends, a bool, a NULL string");
	buf_reset(&b);
	json_string(&b, mixed, sizeof(mixed) - 1);
	is_str(b.data, "\"plain \\\"q\\\" \\\\ \\n\\r\\t\\b\\f\\u0001 \xc3\xa9 \xef\xbf\xbd end\"",
	       "escapes, valid UTF-8 kept, an invalid byte replaced");
	buf_reset(&b);
	json_string(&b, "x\0y", 3);
	is_str(b.data, "\"x\\u0000y\"", "a NUL byte inside");
	buf_release(&b);
}

int main(void)
{
	test_iso8601();
	test_members();
	return tap_done();
}
