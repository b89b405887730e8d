/*
 * The monitor-type interface. A monitor type is a pure state machine over events
 * and time: it returns the MonitorTypeStateID (as an index into its states) that
 * an event or a timer moves an instance to, and the engine (engine.c) turns
 * changes of health into state-change records. No I/O, no clock: "now" is given.
 *
 * A new type is one file exporting `const struct monitor_type monitor_type_<name>`
 * plus one line in registry.c.
 */
#ifndef MPMON_MONITORS_MONITOR_H
#define MPMON_MONITORS_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mp-xml/mp.h"
#include "rules/event.h"

struct buf;
struct diag;
struct expr;

#define MONITOR_MAX_SUBS 4
#define MONITOR_MAX_STATES 8
#define MONITOR_NO_CHANGE (-1)
#define MONITOR_NO_DEADLINE INT64_MAX

/* One (log, expression) pair the monitor listens to; match is passed to on_event. */
struct monitor_sub {
	const char *log_name;	/* borrowed from the pack; compared case-insensitively */
	struct expr *expr;	/* owned by the monitor */
	unsigned match;
	/* set by the engine: text EventDescription must hold to pass (len 0: none) */
	struct str desc_text;
};

/* What a step sees and may change besides its own state. */
struct monitor_ctx {
	int64_t now;		/* µs, event clock in replay, wall clock live */
	int state;		/* the instance's current type state, -1 before the first */
	int64_t deadline;	/* when on_tick is wanted; MONITOR_NO_DEADLINE for never */
};

struct monitor;

struct monitor_type {
	const char *id;			/* SCOM TypeID without alias */
	/*
	 * The elements its Configuration may hold, NULL-terminated: what
	 * configure reads. The engine adds its own (InstanceField,
	 * MaxInstances) and the ComputerName beside each LogName (SCOM's, not
	 * used on Linux); any other element is an error at its line.
	 */
	const char *const *config;
	/*
	 * Of those, the ones a MonitorConfigurationOverride may set, as a SCOM
	 * type's OverrideableParameters declare them; NULL-terminated, or NULL.
	 */
	const char *const *overridable;
	const char *const *states;	/* MonitorTypeStateIDs */
	unsigned nstates;
	/*
	 * A heartbeat: on_event hears every event of each computer the engine
	 * expects (engine_expect_computer), whatever its log, with match 0, and
	 * configure subscribes to nothing. While such an instance is not
	 * healthy, the other instances on its computer are not monitored.
	 */
	bool hears_every_event;
	int reset_state;		/* state a reset moves to; -1: the one mapped to Success */
	size_t state_size;		/* per-instance state, zeroed by the engine; plain
					 * data without pointers, checkpointed as bytes */
	/* Read the configuration and subscribe (monitor_subscribe). 0 or -errno. */
	int (*configure)(struct monitor *m, const struct mp_elem *config, struct diag *d);
	/* An event passed subscription `match`. Return the new state or MONITOR_NO_CHANGE. */
	int (*on_event)(const struct monitor *m, void *state, struct monitor_ctx *ctx,
			unsigned match, const struct event *ev);
	/* ctx->deadline was reached (ctx->now is the deadline). Same return. NULL: never. */
	int (*on_tick)(const struct monitor *m, void *state, struct monitor_ctx *ctx);
	/*
	 * An instance begins (ctx->state is -1): for a monitor without an
	 * InstanceField when the engine first knows the clock, else when the
	 * instance is created, before its first event. Types whose timers must
	 * run before any event (a missing event) arm ctx->deadline here. Same
	 * return as on_event. NULL: nothing to do.
	 */
	int (*start)(const struct monitor *m, void *state, struct monitor_ctx *ctx);
	/*
	 * An operator's reset, before the engine moves the instance to the reset
	 * state. ctx->deadline holds the pending timer and is kept as the type
	 * leaves it. NULL: the pending timer is dropped.
	 */
	void (*on_reset)(const struct monitor *m, void *state, struct monitor_ctx *ctx);
	/* Free what configure set up; safe after a failed configure. NULL: nothing. */
	void (*release)(struct monitor *m);
	/*
	 * Whether state, read back from a checkpoint taken at clock now, is one
	 * this type could have saved: indexes within their arrays, armed timers
	 * not before now. engine_restore refuses a checkpoint holding a state
	 * that is not, so damaged bytes under a right checksum cannot index out
	 * of bounds or spin the timers. NULL: any bytes will do.
	 */
	bool (*state_ok)(const struct monitor *m, const void *state, int64_t now);
};

struct monitor_param;		/* a compiled alert parameter, engine.c */

struct monitor {
	const struct mp_monitor *def;	/* borrowed from the pack */
	const struct monitor_type *type;
	struct monitor_sub subs[MONITOR_MAX_SUBS];
	unsigned nsubs;
	void *priv;			/* the type's own configuration */
	/* set by the engine: */
	enum mp_health health_of[MONITOR_MAX_STATES];	/* type state index -> health */
	const char *opstate_of[MONITOR_MAX_STATES];	/* type state index -> OperationalState ID */
	struct field_ref instance_field;
	bool has_instance_field;
	bool per_computer;		/* one state per computer: the target is on one */
	size_t max_instances;
	struct monitor_param *params;	/* AlertParameter1..n */
	unsigned nparams;
	const char *diagnosis;		/* plain text, "" when none */
	const char *resolution;
	size_t index;
	uint64_t *dropped;		/* a step counts here what it drops at a bound of
					 * its state (engine_stats.dropped); never NULL */
};

/*
 * Read the log name from config's child log_elem and compile the expression in
 * expr_elem; add them as subscription `match`. Missing elements and bad
 * expressions are errors at the configuration's lines. Returns 0 or -EINVAL.
 */
int monitor_subscribe(struct monitor *m, const struct mp_elem *config, const char *log_elem,
		      const char *expr_elem, unsigned match, struct diag *d);

/*
 * Read config's child name as a whole number in [min, max]. A missing element
 * gives def when def_ok, else an error. Returns 0 or -EINVAL.
 */
int monitor_config_int(const struct monitor *m, const struct mp_elem *config, const char *name,
		       int64_t min, int64_t max, bool def_ok, int64_t def, int64_t *out,
		       struct diag *d);

/*
 * on_event for types whose subscriptions each lead to one state: the state is the
 * subscription's match number.
 */
int monitor_step_to_match(const struct monitor *m, void *state, struct monitor_ctx *ctx,
			  unsigned match, const struct event *ev);

/*
 * Read config's child name as one of values (NULL-terminated, compared exactly):
 * *out is its index. A missing element gives def when def >= 0, else an error.
 * Returns 0 or -EINVAL.
 */
int monitor_config_enum(const struct monitor *m, const struct mp_elem *config, const char *name,
			const char *const *values, int def, int *out, struct diag *d);

/* The type registered under id (SCOM TypeID without alias), or NULL. */
const struct monitor_type *monitor_type_find(const char *id);

/* Whether t declares parameter name overridable (t may be NULL: no). */
bool monitor_type_overridable(const struct monitor_type *t, const char *name);

/* NULL-terminated list of every registered type. */
extern const struct monitor_type *const monitor_types[];

#endif
