/*
 * The engine: monitors from loaded packs, a dispatch index that hands an event only
 * to the monitors that could match it (by log name, then event number), a health
 * state per monitor and instance, timers, and state-change records with the alert
 * decision and the monitor's knowledge. Pure: time comes in as an argument and
 * records go out through a callback.
 */
#ifndef MPMON_MONITORS_ENGINE_H
#define MPMON_MONITORS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp-xml/mp.h"

struct buf;
struct diag;
struct event;
struct monitor;

#define ENGINE_DEFAULT_MAX_INSTANCES 10000

enum state_cause { CAUSE_EVENT, CAUSE_TIMER, CAUSE_RESET };

/* A change of health. Pointers are valid during the callback only. */
struct state_change {
	uint64_t seq;			/* rises by one per record */
	int64_t time;			/* µs */
	const struct monitor *monitor;
	const char *monitor_id;
	const char *instance;		/* "" when the monitor has no instances */
	size_t instance_len;
	enum mp_health from, to;
	const char *state;		/* the new OperationalState ID */
	enum state_cause cause;
	bool alert;			/* this change raises an alert */
	bool alert_resolved;		/* this change closes the open alert */
	enum mp_severity severity;	/* never MATCH_MONITOR_HEALTH */
	enum mp_priority priority;
	const char *alert_name;		/* display name of the alert message, "" when none */
	const char *message;		/* alert message with its parameters filled in */
	const char *diagnosis;		/* plain text, "" when none */
	const char *resolution;
	const struct event *event;	/* what moved it; NULL for a timer or reset */
};

typedef void engine_emit_fn(void *arg, const struct state_change *c);

struct engine_stats {
	size_t monitors_run;
	size_t monitors_off;		/* configured, but Enabled="false" in the pack */
	size_t monitors_disabled;	/* cannot run: unsupported type or bad configuration */
	uint64_t events;		/* fed */
	uint64_t evaluations;		/* expressions evaluated */
	uint64_t changes;
	uint64_t evictions;		/* instances dropped at a monitor's bound */
	uint64_t dropped;		/* items monitor types dropped at a bound of their
					 * state (pending correlations, ...) */
};

struct engine;

/* A new engine with no monitors, or NULL. emit receives every state change. */
struct engine *engine_new(engine_emit_fn *emit, void *arg);

/* Free the engine and its monitors; the packs stay the caller's. NULL: nothing. */
void engine_free(struct engine *e);

/*
 * Set up every UnitMonitor of pack (borrowed: it must outlive the engine). A
 * monitor whose type mpmon does not run stays disabled (a warning names the
 * type); a configuration error is reported at its line and that monitor stays
 * out. A monitor the pack turns off (Enabled="false") is configured, so its
 * errors show, but does not run unless engine_enable_all() was called first, as
 * an override enabling it would. Returns 0, or -ENOMEM.
 */
int engine_add_pack(struct engine *e, const struct mp_pack *pack, struct diag *d);

/* Run monitors the packs turn off too. Call before engine_add_pack. */
void engine_enable_all(struct engine *e);

enum engine_status { ENGINE_NOT_LOADED, ENGINE_RUN, ENGINE_OFF };

/* Whether the monitor with this ID runs, is configured but off, or is not loaded. */
enum engine_status engine_monitor_status(const struct engine *e, const char *id);

/*
 * Run the timers due at or before now (each at its own deadline, in order), then
 * evaluate ev against the monitors that could match it. now must not go back;
 * an earlier time is taken as the latest seen. Returns 0 or -ENOMEM.
 */
int engine_feed(struct engine *e, const struct event *ev, int64_t now);

/* Run the timers due at or before now. */
int engine_advance(struct engine *e, int64_t now);

/*
 * An operator's reset of monitor_id (and instance, "" or NULL for all of the
 * monitor's instances) to the type's reset state. Returns 0, or -ENOENT when no
 * running monitor has that ID.
 */
int engine_reset(struct engine *e, const char *monitor_id, const char *instance, int64_t now);

/* The earliest pending timer, or INT64_MAX. */
int64_t engine_next_deadline(const struct engine *e);

/* Counters so far. */
void engine_get_stats(const struct engine *e, struct engine_stats *s);

/* Set the sequence number the next record gets (a restart continues it). */
void engine_set_seq(struct engine *e, uint64_t next);

/* One instance's health, for the state file and `mpmon state`. */
struct engine_instance_info {
	const struct monitor *monitor;
	const char *monitor_id;
	const char *instance;		/* "" when the monitor has no instances */
	size_t instance_len;
	enum mp_health health;
	const char *state;		/* OperationalState ID, NULL before the first change */
	int64_t since;			/* time of the last change of health */
	bool alert_open;
};

/*
 * Call fn for every instance of every running monitor, in monitor order; stop
 * early and return fn's value when it is not 0. The info is valid during the
 * call only.
 */
int engine_foreach(const struct engine *e,
		   int (*fn)(void *arg, const struct engine_instance_info *info), void *arg);

/*
 * Checkpoint: append the engine's state (next seq, clock, every instance with its
 * health, open alert, pending timer and type state) to out as versioned text
 * ending in a checksum line. Returns 0 or -ENOMEM.
 */
int engine_save(const struct engine *e, struct buf *out);

/*
 * Restore what engine_save wrote, after the packs are added. Instances of
 * monitors no longer loaded, or whose type changed, are skipped (counted in
 * *skipped when not NULL). Returns 0; -EINVAL when the text is damaged (bad
 * checksum, unknown version, malformed line: the engine is then left as it was
 * before the call), or -ENOMEM.
 */
int engine_restore(struct engine *e, const char *data, size_t len, size_t *skipped);

#endif
