/*
 * A source yields records from one place (text files matching a glob, a
 * journal) together with a position that can be checkpointed, so that the
 * collector reads every record exactly once across rotations and restarts.
 * Each implementation is a source_<impl>.c behind this interface; the event
 * loop only sees a file descriptor to watch, a wake-up time and process().
 */
#ifndef MPMON_COLLECTOR_SOURCE_H
#define MPMON_COLLECTOR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct config_source;
struct event;
struct source;

/* Where records go. Lines and events are valid during the call only. */
struct source_handler {
	/* A complete line of a text source, without its newline, writable. */
	void (*line)(void *arg, struct source *s, const char *file, long lineno, char *line,
		     size_t len);
	/* A record that is already an event (a journal entry). */
	void (*event)(void *arg, struct source *s, struct event *ev);
	void *arg;
};

/* Counters kept across restarts in the checkpoint; the state file shows them. */
struct source_stats {
	uint64_t records;	/* lines or entries delivered */
	uint64_t bytes;
	uint64_t checksum;	/* sum of str_hash() of every record, modulo 2^64 */
	uint64_t cut;		/* lines longer than max_line */
	uint64_t bad;		/* records the format rejected */
	uint64_t rotations;	/* rotations and truncations seen */
	/*
	 * Files that went away (deleted, or rewritten with no copy left) before
	 * all of them was read, and the bytes of them known to be unread then;
	 * what was written to them after mpmond last looked is not known.
	 */
	uint64_t lost_files;
	uint64_t lost_bytes;
};

struct source_ops {
	const char *type;
	/* Start reading: open files, watches, the journal. 0 or -errno. */
	int (*start)(struct source *s);
	/*
	 * Read what is there, within a bound of work per call; *more is set when
	 * the bound was hit and process should be called again soon. Returns 0 or
	 * -errno (logged by the source; the loop continues).
	 */
	int (*process)(struct source *s, bool *more);
	/* The next time (CLOCK_MONOTONIC µs) process must run without fd activity, or INT64_MAX. */
	int64_t (*next_wakeup)(const struct source *s);
	/* Append the position as lines of text, each ending in '\n'. */
	int (*save)(const struct source *s, struct buf *out);
	/* Take one line that save wrote (without the newline). Before start. 0 or -EINVAL. */
	int (*restore)(struct source *s, const char *line);
	/*
	 * A reload removed the source from the config: log what its files leave
	 * unread, just before free. NULL when there is nothing to say.
	 */
	void (*stop)(struct source *s);
	void (*free)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	char *name;			/* owned */
	const struct config_source *conf;	/* borrowed from the config, which outlives the source */
	int fd;				/* to watch for input, or -1 */
	bool started;			/* start() worked: a reload keeps the source running */
	bool force_end;			/* no usable position: start at the end, whatever the config says */
	struct source_handler h;
	struct source_stats st;
	void *impl;
};

/*
 * A source for conf (borrowed: it must outlive the source), not started yet.
 * Returns 0 and sets *out, -EINVAL for an unknown type, -ENOMEM.
 */
int source_new(const struct config_source *conf, const struct source_handler *h,
	       struct source **out);
void source_free(struct source *s);

/*
 * Whether a running source made for a reads what b describes, so that a reload
 * keeps it (its open files, rotated ones too, and positions): the same name,
 * type, path and journal matches. The other settings (format, log_name,
 * max_line, rotate_wait_ms, start) may differ; the source reads them from its
 * conf, which the reload points at b.
 */
bool source_same_input(const struct config_source *a, const struct config_source *b);

/* Log a message about this source: the collector's logger, set by mpmond. */
void source_log(const struct source *s, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Called by source_log; priority is a syslog priority. */
extern void (*source_logger)(int priority, const char *msg);

/* Implementations, for the table in source.c. */
int source_file_new(struct source *s);
int source_journal_new(struct source *s);

/* CLOCK_MONOTONIC in µs. */
int64_t source_now(void);

#endif
