/*
 * TAP output: "ok N - name" / "not ok N - name" with want/got diagnostics, skips,
 * and the plan at the end.
 */
#include "tests/unit/tap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int count, failed;

static void report(bool cond, const char *file, int line, const char *fmt, va_list ap)
{
	count++;
	printf("%s %d - ", cond ? "ok" : "not ok", count);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond) {
		failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
}

void tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, file, line, fmt, ap);
	va_end(ap);
}

void tap_is_int(int64_t got, int64_t want, const char *file, int line, const char *what)
{
	tap_ok(got == want, file, line, "%s", what);
	if (got != want)
		printf("#   want: %" PRId64 "\n#    got: %" PRId64 "\n", want, got);
}

void tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *what)
{
	bool same = (got == NULL && want == NULL) ||
		    (got && want && strcmp(got, want) == 0);

	tap_ok(same, file, line, "%s", what);
	if (!same)
		printf("#   want: %s%s%s\n#    got: %s%s%s\n", want ? "'" : "",
		       want ? want : "NULL", want ? "'" : "", got ? "'" : "",
		       got ? got : "NULL", got ? "'" : "");
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void tap_skip(const char *fmt, ...)
{
	va_list ap;

	count++;
	printf("ok %d # SKIP ", count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

const char *tap_corpus(const char *what)
{
	const char *env = getenv("MP_CORPUS");
	const char *dir = env && *env ? env : "../shared/mp-corpus";
	struct stat st;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	if (env && *env)
		tap_ok(false, __FILE__, __LINE__, "%s: no pack corpus at %s (MP_CORPUS)", what, dir);
	else
		tap_skip("%s: no pack corpus at %s (MP_CORPUS=DIR make check runs them)", what, dir);
	return NULL;
}

int tap_done(void)
{
	printf("1..%d\n", count);
	if (failed)
		printf("# %d of %d checks failed\n", failed, count);
	return failed ? 1 : 0;
}

double tap_time_factor(void)
{
	const char *s = getenv("MPMON_TEST_TIME_FACTOR");
	double f = s ? strtod(s, NULL) : 1.0;

	return f > 0 ? f : 1.0;
}
