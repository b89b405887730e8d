/*
 * The engine: monitors and event rules from loaded packs, a dispatch index that
 * hands an event only to the monitors and rules that could match it (by log name,
 * then event number), a health state per monitor and instance, the health
 * roll-up through aggregate monitors, timers, and records (state changes with the
 * alert decision and the monitor's knowledge, roll-up changes, rule alerts). Pure: time comes in as an argument and
 * records go out through a callback.
 */
#ifndef MPMON_MONITORS_ENGINE_H
#define MPMON_MONITORS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/str.h"
#include "mp-xml/mp.h"

struct buf;
struct diag;
struct event;
struct monitor;

#define ENGINE_DEFAULT_MAX_INSTANCES 10000

enum state_cause { CAUSE_EVENT, CAUSE_TIMER, CAUSE_RESET };

/* What a record is about. */
enum change_kind {
	CHANGE_MONITOR,		/* a unit monitor's instance changed health */
	CHANGE_ROLLUP,		/* an aggregate or standard parent changed health (engine_enable_rollup) */
	CHANGE_RULE,		/* a rule's GenerateAlert fired on an event */
};

/*
 * A record: a change of health, or a rule's alert. Pointers are valid during the
 * callback only. For CHANGE_MONITOR every field but target and repeat_count is
 * set as described. For CHANGE_ROLLUP: monitor is NULL, monitor_id is the
 * aggregate's ID (or the standard parent's, e.g. "System.Health.EntityState"),
 * target the class whose health it is, state "" ; alert, severity, priority,
 * alert_name and message follow the aggregate's AlertSettings (message
 * parameters read the event that caused the change). For CHANGE_RULE: monitor is
 * NULL, monitor_id is the rule's ID, instance "", from and to Uninitialized,
 * state ""; alert is true for a new alert and false for a suppressed repeat,
 * repeat_count says how many repeats the open alert has had (0 for a new one).
 */
struct state_change {
	uint64_t seq;			/* rises by one per record */
	int64_t time;			/* µs */
	const struct monitor *monitor;
	const char *monitor_id;
	const char *computer;		/* "" when the target is not on a computer;
					 * not NUL-terminated: computer_len bytes */
	size_t computer_len;
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
	enum change_kind kind;
	const char *target;		/* CHANGE_ROLLUP: the target, "" when none; else "" */
	uint64_t repeat_count;		/* CHANGE_RULE: repeats of this alert so far */
	const struct mp_aggregate *aggregate;	/* CHANGE_ROLLUP: the aggregate, NULL for a standard parent */
	const struct mp_rule *rule;	/* CHANGE_RULE: the rule */
};

typedef void engine_emit_fn(void *arg, const struct state_change *c);

struct engine_stats {
	size_t actions_run;		/* diagnostics and recoveries mpmon can run */
	size_t actions_off;		/* ... that the pack turns off (Enabled="false") */
	size_t actions_disabled;	/* ... that mpmon does not run (their type, a
					 * reference without a value, an error) */
	size_t monitors_run;
	size_t monitors_off;		/* configured, but Enabled="false" in the pack */
	size_t monitors_disabled;	/* cannot run: unsupported type or bad configuration */
	uint64_t events;		/* fed */
	uint64_t evaluations;		/* expressions evaluated */
	uint64_t changes;
	uint64_t evictions;		/* instances dropped at a monitor's bound */
	size_t rules_run;
	size_t rules_off;		/* Enabled="false" in the pack */
	size_t rules_disabled;		/* cannot run: other modules, or bad configuration */
	uint64_t rule_alerts;		/* new alerts raised by rules */
	uint64_t rule_repeats;		/* matching events suppressed as repeats */
	uint64_t suppression_full;	/* events that found a rule's suppression table full */
	uint64_t dropped;		/* items monitor types dropped at a bound of their
					 * state (pending correlations, ...) */
	uint64_t limit_hits;		/* expressions a regex left unfinished at its limit */
	uint64_t computers_untracked;	/* computers past ENGINE_MAX_COMPUTERS: their
					 * missing-event monitors start with their first
					 * matching event only */
};

struct engine;

/* A new engine with no monitors, or NULL. emit receives every state change. */
struct engine *engine_new(engine_emit_fn *emit, void *arg);

/* Free the engine and its monitors; the packs stay the caller's. NULL: nothing. */
void engine_free(struct engine *e);

/*
 * Set up every UnitMonitor, AggregateMonitor and Rule of pack (borrowed: it
 * must outlive the engine). Aggregates and unit monitors are linked into the
 * roll-up: an unknown ParentMonitorID is a warning at the monitor's line, a
 * cycle of aggregates an error. A rule runs when it has one
 * Microsoft.Windows.EventProvider data source, no condition detection and a
 * System.Health.GenerateAlert write action only; any other rule stays disabled
 * with a warning that names what mpmon does not run. A
 * monitor whose type mpmon does not run stays disabled (a warning names the
 * type); a configuration error is reported at its line and that monitor stays
 * out. A monitor the pack turns off (Enabled="false") is configured, so its
 * errors show, but does not run unless engine_enable_all() was called first, as
 * an override enabling it would. Returns 0, or -ENOMEM.
 */
int engine_add_pack(struct engine *e, const struct mp_pack *pack, struct diag *d);

/* Run monitors the packs turn off too. Call before engine_add_pack. */
void engine_enable_all(struct engine *e);

/*
 * Keep the health roll-up and emit CHANGE_ROLLUP records (after the unit
 * monitor's record that caused them, bottom up). Without it no roll-up record
 * is made and the records' seq numbers are the same as they always were.
 * Unknown parents and cycles are reported by engine_add_pack either way.
 */
void engine_enable_rollup(struct engine *e);

/*
 * The rolled-up health of an aggregate (target ignored) or a standard parent
 * such as "System.Health.EntityState" at target, for computer and instance
 * ("" or NULL for none). Uninitialized when unknown or when roll-up is not enabled.
 */
enum mp_health engine_rollup_health(const struct engine *e, const char *node_id,
				    const char *target, const char *computer, const char *instance);

/*
 * Call fn for every roll-up node's health at every instance where it is known
 * (rollup.h's rollup_foreach); 0 at once when roll-up is not enabled.
 */
struct rollup_state_info;
int engine_foreach_rollup(const struct engine *e,
			  int (*fn)(void *arg, const struct rollup_state_info *info), void *arg);

/* Whether id is a roll-up node (an aggregate, System.Health.EntityState...) with roll-up on. */
bool engine_rollup_known(const struct engine *e, const char *id);

/* Whether the rule with this ID runs, is configured but off, or is not loaded. */
enum engine_status engine_rule_status(const struct engine *e, const char *id);

enum engine_status { ENGINE_NOT_LOADED, ENGINE_RUN, ENGINE_OFF };

/* Whether the monitor with this ID runs, is configured but off, or is not loaded. */
enum engine_status engine_monitor_status(const struct engine *e, const char *id);

/*
 * Why the unit monitor with this ID does not run: the problem engine_add_pack
 * reported when it kept the monitor out (its type, its configuration), or
 * that the pack turns it off. NULL when it runs or no pack added has it.
 * Valid as long as the engine.
 */
const char *engine_monitor_why(const struct engine *e, const char *id);

/*
 * Run the timers due at or before now (each at its own deadline, in order), then
 * evaluate ev against the monitors that could match it. now must not go back;
 * an earlier time is taken as the latest seen. Returns 0 or -ENOMEM.
 */
int engine_feed(struct engine *e, const struct event *ev, int64_t now);

/* Run the timers due at or before now. */
int engine_advance(struct engine *e, int64_t now);

/*
 * Computer name is one whose events are expected (the inventory's). Every
 * computer is known from its first event on; a known computer gets an
 * instance of each monitor on a computer that watches for missing events
 * (without an InstanceField), started once the clock runs, so silence from
 * it is noticed. 0 or -ENOMEM.
 */
int engine_expect_computer(struct engine *e, const char *name);

/*
 * An operator's reset of monitor_id at computer and instance (either "" or
 * NULL: at every computer, every instance) to the type's reset state.
 * Returns 0, or -ENOENT when no running monitor has that ID.
 */
int engine_reset(struct engine *e, const char *monitor_id, const char *computer,
		 const char *instance, int64_t now);

/* The earliest pending timer, or INT64_MAX. */
int64_t engine_next_deadline(const struct engine *e);

/* Counters so far. */
void engine_get_stats(const struct engine *e, struct engine_stats *s);

/*
 * A regular expression that stops at PCRE2's match or depth limit counts as
 * not matching (rules/expr.h, expr_eval_limit). The engine counts such
 * evaluations per monitor and rule, and calls fn at the first of each, with
 * its ID and the pattern (borrowed from the pack) so that the caller can say
 * so once. Set it before feeding events.
 */
typedef void engine_limit_fn(void *arg, const char *id, bool rule, struct str pattern);

void engine_on_limit(struct engine *e, engine_limit_fn *fn, void *arg);

/* A monitor or rule whose expressions hit a regex limit. */
struct engine_limit_info {
	const char *id;
	bool rule;
	struct str pattern;		/* the first pattern that did */
	uint64_t hits;			/* evaluations left unfinished */
};

/*
 * Call fn for every monitor and then every rule with limit hits, in order;
 * stop early and return fn's value when it is not 0. The info is valid during
 * the call only.
 */
int engine_foreach_limit(const struct engine *e,
			 int (*fn)(void *arg, const struct engine_limit_info *info), void *arg);

/* Set the sequence number the next record gets (a restart continues it). */
void engine_set_seq(struct engine *e, uint64_t next);

/*
 * Diagnostics and recoveries (engine_action.c). engine_add_pack sets up those
 * of the pack whose command mpmon can run (mp.h's struct mp_command): their
 * arguments' $Data/...$ and $Target/...$ references are compiled as alert
 * parameters are, and one without a value on Linux keeps the action from
 * running (a note); a recovery's ConditionDetection is compiled as an
 * expression on its diagnostic's output (errors at their lines); a recovery
 * after a diagnostic that does not run does not run either (a note). Actions a
 * pack turns off never run, engine_enable_all() or not. The engine decides and
 * fills in; running them is the caller's.
 */
enum engine_action_kind { ENGINE_DIAGNOSTIC, ENGINE_RECOVERY };

struct engine_action;	/* valid as long as the engine */

struct engine_action_info {
	enum engine_action_kind kind;
	const char *id;			/* the Diagnostic's or Recovery's ID */
	const char *monitor_id;		/* its Monitor, without an alias */
	const struct mp_command *command;	/* program, working folder, RequireOutput */
	long timeout_s;			/* TimeoutSeconds, else the element's Timeout; 0: none */
	bool reset_monitor;		/* a recovery's ResetMonitor */
	bool has_condition;		/* a recovery's ConditionDetection */
};

void engine_action_get(const struct engine_action *a, struct engine_action_info *out);

/*
 * Call fn for every action c sets off: when a unit monitor's instance enters
 * a health (c->from differs from c->to), the diagnostics and then the
 * recoveries of that monitor whose ExecuteOnState is c->to, in pack order
 * (recoveries that run after a diagnostic are not among them). Stops when fn
 * returns non-zero and returns that value; 0 otherwise.
 */
int engine_actions_for(const struct engine *e, const struct state_change *c,
		       int (*fn)(void *arg, const struct engine_action *a), void *arg);

/* Likewise for the recoveries whose ExecuteOnDiagnostic is diagnostic d. */
int engine_actions_after(const struct engine *e, const struct engine_action *d,
			 int (*fn)(void *arg, const struct engine_action *a), void *arg);

/* The action of monitor_id with this ID, or NULL (it may be gone after a reload). */
const struct engine_action *engine_action_find(const struct engine *e, const char *monitor_id,
					       const char *id);

/*
 * Append a's argument vector for state change c to out: the program, then
 * CommandLine's arguments with their references filled in from c's event
 * (without one, from the instance, as for alert parameters), each ending in
 * NUL, and set *argc. A value from the event stays within its argument: it is
 * never split, and never read by a shell. Returns 0; -E2BIG when the vector
 * would pass max bytes; -EINVAL when a value holds a NUL byte, which no
 * argument can; -ENOMEM.
 */
int engine_action_argv(const struct engine_action *a, const struct state_change *c, size_t max,
		       struct buf *out, size_t *argc);

/*
 * Whether recovery a's ConditionDetection passes on its diagnostic's output,
 * read as the fields Diagnostic/DataItem/StdOut, Diagnostic/DataItem/StdErr
 * and Diagnostic/DataItem/ExitCode (SCOM's System.CommandOutput). True when it
 * has none.
 */
bool engine_action_condition(const struct engine_action *a, struct str out, struct str err,
			     int exit_code);

/* One instance's health, for the state file and `mpmon state`. */
struct engine_instance_info {
	const struct monitor *monitor;
	const char *monitor_id;
	const char *computer;		/* "" when the target is not on a computer;
					 * not NUL-terminated: computer_len bytes */
	size_t computer_len;
	const char *instance;		/* "" when the monitor has no instances */
	size_t instance_len;
	enum mp_health health;
	const char *state;		/* OperationalState ID, NULL before the first change */
	int64_t since;			/* time of the last change of health */
	bool alert_open;
	bool monitored;			/* false: its computer's heartbeat fails, so its
					 * health is the last known, not the present one */
};

/*
 * A target property of computer (NAME of $Target/...Property[...]/NAME$), as
 * the inventory has it: its value, NUL-terminated, or NULL when it has none.
 */
typedef const char *engine_property_fn(const void *arg, struct str computer, struct str name);

/* Where $Target/...$ properties come from; without, only the computer's names have a value. */
void engine_on_property(struct engine *e, engine_property_fn *fn, const void *arg);

/*
 * Whether what is on computer is monitored: false while a heartbeat
 * (hears_every_event) of the computer is not healthy.
 */
bool engine_computer_monitored(const struct engine *e, struct str computer);

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
