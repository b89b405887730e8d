/*
 * Storm control for notifications: a flap limit per monitor instance and a rate
 * limit for the agent as a whole. What is held back is never dropped silently:
 * each cause keeps a tally (count, first and last seq, the monitors and the
 * health state each ended in) that goes out as one mpmonStormSummary once the
 * summary delay after the first held change has passed. Pure logic: no I/O,
 * time comes in as an argument (µs), so it is tested with explicit times.
 */
#ifndef MPMON_COLLECTOR_STORM_H
#define MPMON_COLLECTOR_STORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Values are MPMON-MIB's MpmonStormReason. */
enum storm_cause {
	STORM_PASS = 0,
	STORM_FLAPPING = 1,
	STORM_RATE = 2,
	STORM_SPOOL_FULL = 3,
};
#define STORM_NCAUSES 4

#define STORM_DEFAULT_MAX_KEYS 10000
#define STORM_SUMMARY_KEYS 32	/* monitors named in one summary; the rest are counted */

struct storm_config {
	unsigned flap_max;		/* changes of one monitor instance per flap window; 0: no limit */
	int64_t flap_window_us;
	unsigned rate_max;		/* notifications per rate window, all monitors; 0: no limit */
	int64_t rate_window_us;
	int64_t summary_delay_us;	/* first held change -> summary; 0: the longer window, or 60 s */
	size_t max_keys;		/* monitor instances tracked for flapping; 0: the default */
};

struct storm_summary {
	enum storm_cause cause;
	uint32_t count;			/* changes held back */
	uint64_t first_seq, last_seq;
	int64_t first_time;		/* when the first was held */
};

struct storm;

/* A new storm control, or NULL when out of memory. cfg is copied. */
struct storm *storm_new(const struct storm_config *cfg);
void storm_free(struct storm *st);

/*
 * Decide about one state change of monitor_id/instance (instance ilen bytes,
 * not NUL-terminated) to health to (an enum mp_health value, kept for the
 * summary) with sequence number seq at time now. Returns STORM_PASS when it may
 * go out, or the cause it is held back for; a held change is tallied.
 * Every change counts towards the flap limit, held or not, so a monitor that
 * keeps flapping stays held until it calms down.
 */
enum storm_cause storm_check(struct storm *st, const char *monitor_id, const char *instance,
			     size_t ilen, int to, uint64_t seq, int64_t now);

/* Tally a change held back for a reason outside storm control (spool full). */
void storm_hold(struct storm *st, enum storm_cause cause, const char *monitor_id,
		const char *instance, size_t ilen, int to, uint64_t seq, int64_t now);

/* When the next summary is due, or INT64_MAX. */
int64_t storm_next_deadline(const struct storm *st);

/*
 * If a summary is due at now, fill *out, append to text (which the caller
 * cleared) the held monitors as "ID [INSTANCE] xCOUNT STATE" items joined by
 * "; ", most held first, with "; and N more" for the rest, reset that tally and
 * return true; otherwise false. health_name turns a health value into text.
 * Call again until it returns false: each cause gives its own summary.
 */
bool storm_take_summary(struct storm *st, int64_t now, struct storm_summary *out,
			struct buf *text, const char *(*health_name)(int));

/* Monitor instances not tracked because max_keys was reached (logged by the caller once). */
uint64_t storm_untracked(const struct storm *st);

#endif
