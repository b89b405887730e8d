/*
 * SCOM's Consolidator (System.ConsolidatorCondition, ConsolidatorType) and the
 * behaviour the Windows library's repeated-event and missing-event monitor types
 * build on it, shared by their type files (repeated_*.c, missing_*.c). Each type
 * file names its Configuration elements and MonitorTypeStateIDs; this module
 * counts the matching events per ConsolidationProperties group over the
 * interval, in a fixed-size table inside the instance state, and decides when a
 * repeated (or missing) event is detected and when the healthy side returns.
 * docs/pack-authors.md ("SCOM event monitor types") states every interpretation.
 */
#ifndef MPMON_MONITORS_CONSOLIDATOR_H
#define MPMON_MONITORS_CONSOLIDATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "monitors/monitor.h"
#include "rules/event.h"

#define CONS_MAX_PROPS 4	/* PropertyXPathQuery elements */
#define CONS_MAX_GROUPS 8	/* distinct property values counted at once per instance */
#define CONS_MAX_TIMES 32	/* Count bound for OnTimerSlideByOne: the window keeps each time */

enum cons_mode {
	CONS_TIMER_OUTPUT,	/* OnNewItemNOP_OnTimerOutputRestart: "trigger on timer" */
	CONS_COUNT_RESTART,	/* OnNewItemTestOutputRestart_OnTimerRestart: "trigger on count" */
	CONS_COUNT_SLIDE,	/* OnNewItemTestOutputRestart_OnTimerSlideByOne: "count, sliding" */
};

/* How the healthy state comes back. */
enum cons_reset { CONS_RESET_EVENT, CONS_RESET_MANUAL, CONS_RESET_TIMER };

/* Subscription numbers the type files use. */
enum { CONS_SUB_HEALTHY = 0, CONS_SUB_COUNTED = 1 };

/*
 * The Configuration elements of a consolidator type whose counted side is
 * prefix ("Repeated", "Missing"): its log and expression (or the unprefixed
 * ones, cons_subscribe_counted), which are also the healthy side of the
 * event-reset types, and the Consolidator.
 */
#define CONS_CONFIG(prefix) \
	prefix "LogName", prefix "Expression", "LogName", "Expression", "Consolidator"

/* A type's configuration, monitor->priv. */
struct cons_config {
	enum cons_mode mode;
	bool missing;		/* detect too few events per period, not too many */
	enum cons_reset reset;
	int good, bad;		/* type state indexes: healthy side, detection */
	int64_t interval_us;
	uint32_t count;		/* CountingCondition/Count */
	int64_t timer_wait_us;	/* TimerWaitInSeconds, CONS_RESET_TIMER only */
	unsigned nprops;
	struct field_ref props[CONS_MAX_PROPS];	/* borrow from the pack */
};

struct cons_group {
	uint64_t key;		/* hash of the property values */
	uint32_t count;		/* 0: slot free */
	uint32_t first;		/* CONS_COUNT_SLIDE: index of the oldest time */
	int64_t start;		/* when the window (or period) opened */
	int64_t deadline;	/* the group's timer */
	int64_t times[CONS_MAX_TIMES];	/* CONS_COUNT_SLIDE: ring of item times */
};

/* Per-instance state: plain data, zeroed by the engine, saved as bytes. */
struct cons_state {
	uint8_t reset_armed;	/* reset_at holds the TimerWaitInSeconds deadline */
	uint8_t period_armed;	/* missing: period_end holds the end of the period */
	uint32_t period_count;	/* missing: matching events in the current period */
	int64_t reset_at;
	int64_t period_end;
	uint64_t overflow;	/* events not counted: the group table was full */
	struct cons_group groups[CONS_MAX_GROUPS];
};

/*
 * Read <Consolidator> (and TimerWaitInSeconds for CONS_RESET_TIMER) into a new
 * configuration set as m->priv; c gives mode-independent fields (missing, reset,
 * good, bad). Errors go to d at the offending element. Returns 0, -EINVAL or
 * -ENOMEM.
 */
int cons_configure(struct monitor *m, const struct mp_elem *config, const struct cons_config *c,
		   struct diag *d);

/*
 * Subscribe the counted events as CONS_SUB_COUNTED: <prefix>LogName and
 * <prefix>Expression ("Repeated", "Missing"), or LogName and Expression when a
 * single-source pack writes them unprefixed. Returns 0 or -EINVAL.
 */
int cons_subscribe_counted(struct monitor *m, const struct mp_elem *config, const char *prefix,
			   struct diag *d);

/* The monitor_type callbacks every consolidating type uses. */
int cons_on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx, unsigned match,
		  const struct event *ev);
int cons_on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx);
int cons_start(const struct monitor *m, void *state, struct monitor_ctx *ctx);
void cons_on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx);
void cons_release(struct monitor *m);

/* monitor_type.state_ok for the types built on the consolidator. */
bool cons_state_ok(const struct monitor *m, const void *state, int64_t now);

#endif
