/*
 * The spool: notifications a destination has not acknowledged yet, oldest
 * first, kept in a directory (one file per entry, written to a temporary name,
 * fsync'd, then renamed into place, so a crash leaves whole entries or none) so
 * that they survive receiver outages and daemon restarts. Removing an entry is
 * unlinking its file. With no directory the same queue lives in memory only,
 * for traps, which nobody acknowledges; so does an entry that could not be
 * written (a full disk), which a restart then loses.
 *
 * The spool is bounded by entries and bytes. At the bound the OLDEST entries
 * are dropped to make room, and the caller is told how many, so it can count
 * them in a storm summary: after a long outage the NOC gets the most recent
 * changes, which say what is wrong now, plus a summary saying how many older
 * ones were lost; refusing new entries instead would keep stale news and lose
 * the current state.
 */
#ifndef MPMON_COLLECTOR_SPOOL_H
#define MPMON_COLLECTOR_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct diag;

#define SPOOL_DEFAULT_MAX_ENTRIES 100000
#define SPOOL_DEFAULT_MAX_BYTES (64u << 20)
#define SPOOL_ENTRY_MAX (256u << 10)	/* one entry; a notification is < 64 KiB */

struct spool_limits {
	size_t max_entries;	/* 0: SPOOL_DEFAULT_MAX_ENTRIES */
	size_t max_bytes;	/* 0: SPOOL_DEFAULT_MAX_BYTES */
	bool fsync;		/* fsync each entry and the directory (on for a real spool) */
};

struct spool;

/*
 * Open the spool in dir, creating the directory (mode 0700) when missing, and
 * load the index of the entries a previous run left, oldest first; damaged or
 * foreign files are reported in d and left alone. dir NULL: an in-memory
 * queue. lim may be NULL for the defaults. Returns 0 and sets *out (freed with
 * spool_free), or a negative errno with a message in d.
 */
int spool_open(struct spool **out, const char *dir, const struct spool_limits *lim,
	       struct diag *d);

/* Close; entries on disk stay for the next run. NULL: nothing. */
void spool_free(struct spool *s);

/*
 * Append an entry of len bytes (copied) as the newest; set *id to its
 * identifier, which rises with every append and across restarts. When the
 * bounds are hit the oldest entries are removed first and their number is
 * added to *dropped (may be NULL). An entry the directory cannot take (a full
 * disk) is kept in memory, reported in d when that begins and when writing
 * works again. Returns 0, -E2BIG when len exceeds SPOOL_ENTRY_MAX, or -ENOMEM
 * (the entry is then not in the spool).
 */
int spool_append(struct spool *s, const void *data, size_t len, uint64_t *id, size_t *dropped);

/* Entries held. */
size_t spool_count(const struct spool *s);
size_t spool_bytes(const struct spool *s);

/* The identifier of the i-th oldest entry (i < spool_count). */
uint64_t spool_id_at(const struct spool *s, size_t i);

/*
 * Replace out's content with the entry's bytes. Returns 0, -ENOENT when the
 * entry is gone (dropped at the bound), or a negative errno from reading.
 */
int spool_read(struct spool *s, uint64_t id, struct buf *out);

/* Remove an entry (acknowledged). Returns 0 or -ENOENT when it is not held. */
int spool_remove(struct spool *s, uint64_t id);

#endif
