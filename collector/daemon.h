/*
 * What mpmond's parts share: the running configuration, packs, engine and
 * sources, and the sinks. mpmond.c owns the event loop; checkpoint.c,
 * state_file.c, control.c and the sinks read and write through this struct.
 * Not an interface for other folders.
 */
#ifndef MPMON_COLLECTOR_DAEMON_H
#define MPMON_COLLECTOR_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/config.h"
#include "collector/sink.h"
#include "lib/buf.h"

struct engine;
struct pipeline;
struct pipeline_stream;
struct source;
struct notes;
struct state_change;

struct ckpt_writer;
struct control;

/*
 * How writing the checkpoint goes (a full disk, say): a failure is logged when
 * it begins and when it ends, not at every attempt.
 */
struct ckpt_status {
	int error;		/* last write: 0 or -errno */
	uint64_t failures;	/* attempts failed since the last that worked */
};

struct daemon {
	struct config cfg;
	struct pipeline *pipe;		/* packs, engine, the sources' streams */
	struct engine *engine;		/* pipe's */
	struct source **sources;
	struct pipeline_stream **streams;	/* per source, pipe's */
	int *watched;			/* per source: the descriptor in epoll, or -1 */
	size_t nsources;
	uint64_t last_seq;		/* seq of the last state change */
	uint64_t bad_logged;		/* bad records logged; more are only counted */
	bool dirty;			/* progress not yet checkpointed */
	bool force_end;			/* the checkpoint was unreadable: start at the end */
	struct buf scratch;
	struct ckpt_writer *writer;	/* NULL: checkpoints are written in the loop */
	struct ckpt_status ckpt_status;	/* the writer's while it writes */
	struct sink_list sinks;		/* where records go (sink.h) */
	struct control *control;	/* the control socket; NULL: none */
};

/* The checkpoint text: source positions and counters, notes, engine state. */
int checkpoint_build(const struct daemon *d, struct buf *out);

/*
 * Apply checkpoint text to a daemon whose sources are made but not started and
 * whose engine has its packs. Damage is logged and handled as docs/state-file.md
 * says. Returns 0 or -ENOMEM.
 */
int checkpoint_apply(struct daemon *d, const char *text, size_t len);

/*
 * Write the checkpoint and the state file now, in this thread. 0 or -errno
 * (logged when failures begin). The previous files stay when it fails.
 */
int checkpoint_write(struct daemon *d);

/*
 * Checkpoints written by a thread, so that the loop keeps reading while fsync
 * waits for the disk (tens of ms): a file rotated twice in that time would
 * otherwise be missed. checkpoint_writer_start returns an eventfd, readable
 * when a write finished, or -errno. checkpoint_post builds the texts here (one
 * consistent instant) and hands them over; -EBUSY while the previous write is
 * still under way (the daemon stays dirty and posts again when the eventfd
 * fires). checkpoint_writer_stop waits for the write under way and ends the
 * thread; safe when never started. checkpoint_writer_result says how the
 * write that finished went: 0 or -errno (logged).
 */
int checkpoint_writer_start(struct daemon *d);
int checkpoint_post(struct daemon *d);
int checkpoint_writer_result(struct daemon *d);
void checkpoint_writer_stop(struct daemon *d);

/* Read state_dir/checkpoint, if any, and apply it. */
int checkpoint_load(struct daemon *d);

/* The state file's JSON (docs/state-file.md) into out. 0 or -ENOMEM. */
int state_build(const struct daemon *d, struct buf *out);

/* The state sink's notes (sink_state.c): NULL only before the sinks are open. */
struct notes *daemon_notes(const struct daemon *d);

/*
 * With [actions] enabled, whoever may change a pack or the config may make
 * mpmond run programs as its user: an error in dg (at the config's enabled
 * line) when path, what it points to, or a folder above either is owned by
 * anyone but root and mpmond's user, or is writable by group or others (a
 * folder above with the sticky bit excepted, as /tmp). listed: path was found
 * in a pack folder checked already, so the folders above it as named are not
 * looked at again. Nothing when actions are off.
 */
void sink_actions_trust(const struct daemon *d, const char *path, bool listed, struct diag *dg);

#endif
