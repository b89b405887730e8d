/*
 * Storm control with explicit times: the flap limit per monitor instance, the
 * global rate limit (a burst, then the steady rate), the summary of what was
 * held (count, seq range, monitors with their last state, due after the
 * delay), spool drops tallied as their own cause, and the bound on tracked
 * instances.
 */
#include "collector/storm.h"
#include "lib/buf.h"
#include "tests/unit/tap.h"

#include <stdio.h>
#include <string.h>

#define SEC 1000000LL

static const char *hname(int h)
{
	static const char *const n[] = { "Uninitialized", "Success", "Warning", "Error" };
	return h >= 0 && h < 4 ? n[h] : "?";
}

static void test_flap(void)
{
	struct storm_config cfg = { .flap_max = 3, .flap_window_us = 60 * SEC,
				    .summary_delay_us = 30 * SEC };
	struct storm *st = storm_new(&cfg);
	ok(st != NULL, "storm_new");
	int64_t t = 1000 * SEC;
	uint64_t seq = 1;
	/* three changes pass, the fourth and later within the window are held */
	for (int i = 0; i < 3; i++)
		is_int(storm_check(st, "M.A", "dev1", 4, 3 - i % 2 * 2, seq++, t + i * SEC),
		       STORM_PASS, "flap: changes up to the limit pass");
	is_int(storm_check(st, "M.A", "dev1", 4, 3, seq++, t + 3 * SEC), STORM_FLAPPING,
	       "flap: the fourth change within the window is held");
	is_int(storm_check(st, "M.A", "dev1", 4, 1, seq++, t + 4 * SEC), STORM_FLAPPING,
	       "flap: still flapping, still held");
	/* another instance of the same monitor is judged on its own */
	is_int(storm_check(st, "M.A", "dev2", 4, 3, seq++, t + 4 * SEC), STORM_PASS,
	       "flap: another instance passes");
	/* no summary before the delay, then one with both held changes */
	struct storm_summary sum;
	struct buf text;
	buf_init(&text);
	ok(!storm_take_summary(st, t + 10 * SEC, &sum, &text, hname), "flap: no summary before the delay");
	is_int(storm_next_deadline(st), t + 3 * SEC + 30 * SEC, "flap: deadline = first held + delay");
	ok(storm_take_summary(st, t + 33 * SEC, &sum, &text, hname), "flap: summary due after the delay");
	is_int(sum.cause, STORM_FLAPPING, "flap: summary cause");
	is_int(sum.count, 2, "flap: summary count");
	is_int((int64_t)sum.first_seq, 4, "flap: first held seq");
	is_int((int64_t)sum.last_seq, 5, "flap: last held seq");
	is_str(text.data, "M.A [dev1] x2 Success", "flap: held monitors with their last state");
	ok(!storm_take_summary(st, t + 34 * SEC, &sum, &text, hname), "flap: tally reset after the summary");
	is_int(storm_next_deadline(st), INT64_MAX, "flap: nothing due");
	/* once the window has passed with no change, the monitor passes again */
	is_int(storm_check(st, "M.A", "dev1", 4, 3, seq++, t + 200 * SEC), STORM_PASS,
	       "flap: calm monitor passes again");
	buf_release(&text);
	storm_free(st);
}

static void test_rate(void)
{
	struct storm_config cfg = { .rate_max = 10, .rate_window_us = 10 * SEC };
	struct storm *st = storm_new(&cfg);
	int64_t t = 5000 * SEC;
	int passed = 0, held = 0;
	char id[32];
	/* a burst of 25 at one instant: 10 pass (the bucket), 15 are held */
	for (int i = 0; i < 25; i++) {
		snprintf(id, sizeof(id), "M.%d", i % 5);
		if (storm_check(st, id, "", 0, 3, (uint64_t)i + 1, t) == STORM_PASS)
			passed++;
		else
			held++;
	}
	is_int(passed, 10, "rate: a burst up to rate_max passes");
	is_int(held, 15, "rate: the rest is held");
	/* steady flow at 2/s for 10 s: refill is 1/s, so about half passes */
	passed = 0;
	for (int i = 0; i < 20; i++)
		if (storm_check(st, "M.x", "", 0, 3, 100 + (uint64_t)i, t + (i + 1) * SEC / 2) == STORM_PASS)
			passed++;
	is_int(passed, 10, "rate: steady flow is held to the rate");
	struct storm_summary sum;
	struct buf text;
	buf_init(&text);
	ok(storm_take_summary(st, t + 60 * SEC, &sum, &text, hname), "rate: summary due (default delay)");
	is_int(sum.cause, STORM_RATE, "rate: cause");
	is_int(sum.count, 25, "rate: every held change counted");
	ok(strstr(text.data, "M.x x10 Error") == text.data, "rate: most held monitor first (%s)", text.data);
	buf_release(&text);
	storm_free(st);
}

static void test_spool_drops_and_bounds(void)
{
	struct storm_config cfg = { .flap_max = 2, .flap_window_us = 10 * SEC, .max_keys = 4,
				    .summary_delay_us = SEC };
	struct storm *st = storm_new(&cfg);
	storm_hold(st, STORM_SPOOL_FULL, "(spooled)", "", 0, 0, 7, 0);
	storm_hold(st, STORM_SPOOL_FULL, "(spooled)", "", 0, 0, 8, 0);
	struct storm_summary sum;
	struct buf text;
	buf_init(&text);
	ok(storm_take_summary(st, SEC, &sum, &text, hname), "spool: drops summarised");
	is_int(sum.cause, STORM_SPOOL_FULL, "spool: cause");
	is_int(sum.count, 2, "spool: count");
	/* more instances than max_keys: the extra ones go unchecked, counted */
	char inst[16];
	for (int i = 0; i < 6; i++) {
		snprintf(inst, sizeof(inst), "i%d", i);
		storm_check(st, "M.B", inst, strlen(inst), 3, 10 + (uint64_t)i, 2 * SEC);
	}
	is_int((int64_t)storm_untracked(st), 2, "bound: instances over max_keys are counted");
	/* after a quiet window the table is swept and new keys are tracked again */
	storm_check(st, "M.B", "new", 3, 3, 20, 100 * SEC);
	is_int((int64_t)storm_untracked(st), 2, "bound: quiet keys swept, new key tracked");
	/* more monitors than a summary names: the rest are counted as "and N more" */
	for (int i = 0; i < STORM_SUMMARY_KEYS + 3; i++) {
		snprintf(inst, sizeof(inst), "k%d", i);
		storm_hold(st, STORM_RATE, "M.C", inst, strlen(inst), 3, 30 + (uint64_t)i, 200 * SEC);
	}
	buf_reset(&text);
	ok(storm_take_summary(st, 300 * SEC, &sum, &text, hname), "bound: big summary");
	ok(strstr(text.data, "; and 3 more") != NULL, "bound: rest counted (%.60s...)", text.data);
	buf_release(&text);
	storm_free(st);
}

int main(void)
{
	test_flap();
	test_rate();
	test_spool_drops_and_bounds();
	return tap_done();
}
