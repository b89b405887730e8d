/*
 * What check_mpmon's two modes share: the health of monitor instances as read
 * from mpmond's state file (daemon mode) or computed by a one-shot run over a
 * log (standalone mode, check_standalone.c), for the one place that turns
 * health into a plugin status line.
 */
#ifndef MPMON_CLI_CHECK_H
#define MPMON_CLI_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "mp-xml/mp.h"

struct buf;

/* One monitor instance; every string is owned by the set. */
struct check_inst {
	char *monitor, *computer, *instance, *message, *diagnosis, *resolution;
	enum mp_health health;
	bool has_ratio;			/* the state file gave the monitor's ratio */
	bool rollup;			/* a roll-up node's health: counted only when -m names it */
	bool unmonitored;		/* its computer's heartbeat fails: health is the last known */
	double ratio;
};

struct check_set {
	struct check_inst *v;
	size_t n, cap;
};

/* Append a copy of the strings (NULL is taken as ""). 0 or -ENOMEM. */
int check_set_add(struct check_set *s, const char *monitor, const char *computer,
		  size_t computer_len, const char *instance, size_t instance_len,
		  enum mp_health health, const char *message, const char *diagnosis,
		  const char *resolution);
void check_set_release(struct check_set *s);

/* Standalone mode's options (check_mpmon --mp ... --log ... --seek-file ...). */
struct standalone {
	const char **packs;		/* pack files or folders */
	size_t npacks;
	const char *log;		/* a file, or a glob of files in one folder */
	const char *format;		/* default "json" */
	const char *pattern;		/* --format regex */
	const char *log_name;
	const char *seek_file;
	bool start_beginning;		/* first run: read what is there (default: start at the end) */
	bool clock_event;		/* the events' own time instead of the wall clock */
	size_t max_line;
	const char *records;		/* append every record of the run to this file, as JSON lines */
	/* Results. */
	unsigned long lines;		/* lines read in this run */
	unsigned long bad;		/* lines the format rejected in this run */
	unsigned long good;		/* lines it took (blank lines are neither) */
	char first_bad[1024];		/* "FILE:LINE: message" of the first bad line, or "" */
	/*
	 * Why the log was not read ("FILE: reason"), or "" when it was: nothing
	 * under its name (missing), or a name the file source did not or could
	 * not read. Then the seek file is left as it was (but a first run over
	 * a missing log writes one, so the log is read whole when it appears).
	 */
	char unread[1024];
	bool missing;
	bool first_run;			/* there was no seek file */
};

/*
 * Lock SEEK_FILE.lock (a concurrent run of the same service waits), restore
 * the seek file (source positions, monitor state, last messages),
 * read the log's new lines through the packs, run the timers that are due,
 * save the seek file atomically (unless o->unread says the log was not read)
 * and put every instance's health into out, with an Uninitialized entry for
 * each running monitor that has no instance. monitor: when not NULL, *known is
 * set to whether a monitor of that ID is loaded. Log messages of the file
 * source go to notes. Returns 0 (also when the log was not read: see
 * o->unread); -EINVAL with the reason in err (packs with errors, a damaged
 * seek file, a bad pattern), -errno when the seek file cannot be written,
 * -ENOMEM.
 */
int standalone_run(struct standalone *o, struct check_set *out, const char *monitor,
		   bool *known, struct buf *notes, struct buf *err);

/*
 * Daemon mode with --mp: add an Uninitialized entry to set for each running
 * monitor of the packs in o->packs that has no instance in it (no event yet,
 * so absent from the state file), and, when monitor is not NULL, set *known to
 * whether it is a running monitor, so that one without data is told from one
 * that does not exist. 0; -EINVAL with the reason in err (packs with errors),
 * -ENOMEM.
 */
int packs_add_monitors(struct standalone *o, struct check_set *set, const char *monitor,
		       bool *known, struct buf *err);

#endif
