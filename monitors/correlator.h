/*
 * SCOM's Correlator (System.Correlator, CorrelatorType) and the behaviour the
 * Windows library's correlated-event and missing-correlated-event monitor types
 * build on it, shared by their type files (correlated_*.c,
 * missing_correlated_*.c). A first event opens a window of Interval; second
 * events whose CorrelationExpression fields equal the first's are counted in it.
 * Count of them raise the correlated state at once, or, for the missing types,
 * too few by the window's end raise the missing state. Pending first events live
 * in a fixed-size table inside the instance state. docs/pack-authors.md ("SCOM
 * event monitor types") states every interpretation.
 */
#ifndef MPMON_MONITORS_CORRELATOR_H
#define MPMON_MONITORS_CORRELATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "monitors/monitor.h"
#include "rules/event.h"

#define CORR_MAX_PAIRS 4	/* field equalities in a CorrelationExpression */
#define CORR_MAX_PENDING 16	/* first events waiting for their seconds, per instance */
#define CORR_MAX_SEEN 16	/* AnyOrder: second events kept for a later first */
#define CORR_VALUE_COPY 48	/* bytes of a first event's correlation value kept */

/* How the healthy state comes back. */
enum corr_reset { CORR_RESET_EVENT, CORR_RESET_MANUAL, CORR_RESET_TIMER };

/*
 * Subscription numbers the type files use. The second event is subscribed
 * before the first, so that an event matching both expressions is counted for
 * the windows already open before it opens its own.
 */
enum { CORR_SUB_HEALTHY = 0, CORR_SUB_SECOND = 1, CORR_SUB_FIRST = 2 };

/*
 * The Configuration elements every correlator type takes: the two events and
 * the Correlator, whose own elements may also stand in the Configuration.
 */
#define CORR_CONFIG \
	"FirstLogName", "FirstExpression", "SecondLogName", "SecondExpression", "Correlator", \
	"CorrelationExpression", "Count", "Interval", "Latency", "DrainWait", \
	"CorrelationOrder", "CorrelationItemPolicy"

/* One equality of the CorrelationExpression: a field of each event. */
struct corr_pair {
	struct field_ref first, second;	/* borrow from the pack */
	bool case_sensitive;
};

/* A type's configuration, monitor->priv. */
struct corr_config {
	bool missing;		/* too few second events raise the state, not enough */
	enum corr_reset reset;
	int good, bad;		/* type state indexes: healthy side, detection */
	int64_t interval_us;
	uint32_t count;		/* second events needed per first event */
	bool any_order;		/* CorrelationOrder AnyOrder: a second may come first */
	bool most_recent;	/* CorrelationItemPolicy Last: a new first restarts */
	int64_t timer_wait_us;	/* TimerWaitInSeconds, CORR_RESET_TIMER only */
	unsigned npairs;
	struct corr_pair pairs[CORR_MAX_PAIRS];
	unsigned first_sub;	/* index in monitor.subs of the first event */
};

/* A first event waiting for its second events; deadline 0: the slot is free. */
struct corr_item {
	uint64_t key;		/* hash of the correlation values */
	int64_t start;
	int64_t deadline;	/* when the window ends: start + Interval (+1 µs when
				 * closed at both ends, for the correlated types) */
	uint32_t count;		/* matching second events so far */
	uint8_t len;		/* bytes used in value */
	char value[CORR_VALUE_COPY];	/* the values, cut, to tell hash collisions apart */
};

/* A second event remembered for AnyOrder. */
struct corr_seen {
	uint64_t key;
	int64_t time;
};

/* Per-instance state: plain data, zeroed by the engine, saved as bytes. */
struct corr_state {
	uint8_t reset_armed;	/* reset_at holds the TimerWaitInSeconds deadline */
	uint8_t nseen;		/* entries used in seen */
	uint8_t seen_next;	/* where the next second event is written */
	int64_t reset_at;
	uint64_t overflow;	/* events not tracked because a table was full */
	struct corr_item pending[CORR_MAX_PENDING];
	struct corr_seen seen[CORR_MAX_SEEN];
};

/*
 * Read the Correlator (wrapped in <Correlator> or written directly in the
 * Configuration), TimerWaitInSeconds for CORR_RESET_TIMER, and subscribe the
 * first and second events (FirstLogName/FirstExpression,
 * SecondLogName/SecondExpression). The configuration is set as m->priv; tmpl
 * gives the mode-independent fields (missing, reset, good, bad). The healthy
 * event of the event-reset types is the type file's to subscribe, before this
 * call. Errors go to d at the offending element. Returns 0, -EINVAL or -ENOMEM.
 */
int corr_configure(struct monitor *m, const struct mp_elem *config,
		   const struct corr_config *tmpl, struct diag *d);

/* The monitor_type callbacks every correlating type uses. */
int corr_on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx, unsigned match,
		  const struct event *ev);
int corr_on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx);
void corr_on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx);
void corr_release(struct monitor *m);

#endif
