/*
 * A small TAP producer for unit tests run by prove. Checks print what was wanted
 * and what was got, so a failure explains itself.
 */
#ifndef MPMON_TESTS_TAP_H
#define MPMON_TESTS_TAP_H

#include <stdbool.h>
#include <stdint.h>

void tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tap_is_int(int64_t got, int64_t want, const char *file, int line, const char *what);
void tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *what);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A check that does not run: "ok N # SKIP why". */
void tap_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The folder of the shared corpus of public SCOM packs (test input, not part of
 * mpmon, so a user's clone may not have it): MP_CORPUS, or ../shared/mp-corpus
 * beside the repository root (where prove runs) when MP_CORPUS is unset or empty.
 * When the folder is missing, NULL after one line for the checks what, which
 * the caller then leaves out: a skip that names the folder and how to run them,
 * or a failure when MP_CORPUS names the folder (CI does: there it must be).
 * The string is the environment's or static.
 */
const char *tap_corpus(const char *what);
/*
 * What a time limit of a check is multiplied by: MPMON_TEST_TIME_FACTOR from the
 * environment (make check-valgrind sets it, as valgrind runs code some 30 times
 * slower), 1 when unset or not a positive number.
 */
double tap_time_factor(void);

/* Print the plan and return the exit status: 0 when every check passed. */
int tap_done(void);

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, what) tap_is_int((got), (want), __FILE__, __LINE__, (what))
#define is_str(got, want, what) tap_is_str((got), (want), __FILE__, __LINE__, (what))

#endif
