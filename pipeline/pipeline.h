/*
 * The pipeline: records and a clock in, records out. It owns the loaded packs,
 * the engine (monitors, rules, roll-ups), the input format of each stream and
 * the bad-line policy: which lines are events, which are skipped, which are bad
 * and why, and how many of each. `mpmon replay`, check_mpmon's standalone mode
 * and mpmond are front ends over it: they read, choose the clock, show bad
 * lines their way and deliver the records; they parse and feed nothing
 * themselves, so the three cannot drift apart. Reads pack files; never reads
 * the clock (time comes in as an argument).
 */
#ifndef MPMON_PIPELINE_PIPELINE_H
#define MPMON_PIPELINE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitors/engine.h"
#include "rules/format.h"

struct diag;
struct event;
struct mp_pack;

#define PIPELINE_PACK_MAX_BYTES (64u << 20)

struct pipeline_options {
	bool run_all;		/* run what the packs turn off (Enabled="false") */
	bool rollup;		/* roll-up records (aggregates, entity health) */
	/*
	 * The engine's clock is the latest event time seen (it never goes back),
	 * not the wall clock the caller passes: replays, tests, and logs read
	 * long after they were written.
	 */
	bool clock_event;
	/*
	 * Lines {"mpmon":"reset","monitor":"ID","instance":"X",...} reset the
	 * monitor at the line's time, as `mpmon reset` would on a live collector:
	 * for replay fixtures only; a live log must not reset monitors.
	 */
	bool directives;
	unsigned match_limit, depth_limit;	/* PCRE2's; 0: regex.h's defaults */
};

/* What became of a line. */
enum pipeline_verdict {
	PIPELINE_FED,		/* an event, fed to the engine (or a directive, done) */
	PIPELINE_BLANK,		/* empty or only spaces and tabs */
	PIPELINE_OTHER,		/* not a line the format looks for (a regex that does not match) */
	PIPELINE_BAD,		/* the format rejected it: the reason is in err */
};

/* A stream of records in one format: a source's, or replay's input. */
struct pipeline_stream {
	const struct format *fmt;	/* NULL: the stream gives events (the journal) */
	const char *log_name;		/* LogName of events that have none; borrowed */
	const char *computer;		/* LoggingComputer of events that have none, or
					 * NULL; borrowed, set after pipeline_stream_add */
	uint64_t lines, events, blank, other, bad;
	struct format *owned;		/* a configured format (regex), freed with the pipeline */
};

struct inventory;
struct pipeline;

/*
 * A pipeline with no packs and no streams, or NULL. emit receives every record
 * (state change, rule alert, roll-up change), during the call that caused it.
 * The options are copied.
 */
struct pipeline *pipeline_new(const struct pipeline_options *o, engine_emit_fn *emit, void *arg);

/* Free the pipeline, its engine, packs and streams. NULL: nothing. */
void pipeline_free(struct pipeline *p);

/* The engine, for state, checkpoints and resets; owned by p. */
struct engine *pipeline_engine(const struct pipeline *p);

/* The packs loaded so far, in load order; owned by p. */
size_t pipeline_npacks(const struct pipeline *p);
const struct mp_pack *pipeline_pack(const struct pipeline *p, size_t i);

/*
 * Read one pack file (flags as mp_load_flags). Problems go to dg at the pack's
 * lines; a file that cannot be read is an error naming it. Returns the pack,
 * owned by the caller (mp_pack_free), or NULL.
 */
struct mp_pack *pipeline_read_pack(const char *path, unsigned flags, struct diag *dg);

/*
 * The pack files path names: itself, or every *.xml in it when it is a folder
 * (sorted). *files is a NULL-terminated array to free with file_list_free.
 * A folder without packs is an error in dg naming it. 0, -ENOENT (that
 * error), -errno of reading the folder (also in dg), -ENOMEM.
 */
int pipeline_pack_files(const char *path, char ***files, struct diag *dg);

/*
 * Called for a pack path before it is loaded: listed is false for a path as
 * given, true for a file found in a given folder. The daemon checks who may
 * write them (actions trust).
 */
typedef void pipeline_path_fn(void *arg, const char *path, bool listed, struct diag *dg);

/*
 * Read the pack file path, or every pack in the folder path, for the engine:
 * pipeline_load adds them once all are read. Problems go to dg. seen (may be
 * NULL) is called for path and each file found in it. 0 or -ENOMEM.
 */
int pipeline_add_packs(struct pipeline *p, const char *path, pipeline_path_fn *seen, void *arg,
		       struct diag *dg);

/*
 * Read the inventory file path into *out (NULL when it cannot be used: the
 * problems are in dg at its lines). 0 or -ENOMEM.
 */
int pipeline_read_inventory(const char *path, struct inventory **out, struct diag *dg);

/*
 * Read the inventory file path (mp-xml/inventory.h), once: its computers are
 * expected from the clock's start, and its heartbeat pack joins the packs.
 * Problems go to dg at its lines; an inventory with errors is not used. 0 or
 * -ENOMEM.
 */
int pipeline_add_inventory(struct pipeline *p, const char *path, struct diag *dg);

/* The inventory read, or NULL. */
const struct inventory *pipeline_inventory(const struct pipeline *p);

/*
 * Apply the overrides of all the packs read (mp_overrides_apply: the ones
 * mpmon cannot apply are warnings in dg), then add the packs to the engine.
 * Call once, after the last pipeline_add_packs. 0 or -ENOMEM.
 */
int pipeline_load(struct pipeline *p, struct diag *dg);

/*
 * An error in dg at file when no monitor and no rule runs, saying why (all off
 * in their packs, none can run, none there): such a config would read logs
 * and never say a word.
 */
void pipeline_check_runs(const struct pipeline *p, const char *file, struct diag *dg);

/*
 * A stream reading format (a name of rules/format.c's table), or a regex
 * format from pattern, or events (both NULL). log_name is borrowed. Returns 0
 * and sets *out (owned by p), -EINVAL with err set (an unknown format, a bad
 * pattern, a format that needs a pattern), -ENOMEM.
 */
int pipeline_stream_add(struct pipeline *p, const char *format, const char *pattern,
			const char *log_name, struct pipeline_stream **out,
			char err[FORMAT_ERR_LEN]);

/*
 * One line of s (writable, len bytes, no newline): parse it, count it, feed
 * the event. wall is the wall clock (µs): it dates year-less stamps and, unless
 * clock_event, is the engine's clock. Returns a verdict (err says why for
 * PIPELINE_BAD), or -ENOMEM.
 */
int pipeline_line(struct pipeline *p, struct pipeline_stream *s, char *line, size_t len,
		  int64_t wall, char err[FORMAT_ERR_LEN]);

/* A record that is already an event (a journal entry). PIPELINE_FED or -ENOMEM. */
int pipeline_event(struct pipeline *p, struct pipeline_stream *s, struct event *ev, int64_t wall);

/* Run the timers due at the pipeline's clock. 0 or -ENOMEM. */
int pipeline_advance(struct pipeline *p, int64_t wall);

/* The engine's clock: the latest event time with clock_event, else wall. */
int64_t pipeline_now(const struct pipeline *p, int64_t wall);

/* Start the event clock at t (a reload keeps the clock it had). */
void pipeline_set_event_time(struct pipeline *p, int64_t t);

#endif
