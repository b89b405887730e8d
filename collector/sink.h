/*
 * mpmond's sinks: where its records go. A record is a unit monitor's change, a
 * rule's alert or a roll-up change (struct state_change, each kind); the
 * result of a diagnostic or recovery is delivered too. Each sink type is one
 * file with a struct sink_type and one line in sink.c's table, as monitor
 * types are. The daemon holds one instance of each type (NULL when the config
 * asks for none) and calls them only through sinks_*(), never by name.
 */
#ifndef MPMON_COLLECTOR_SINK_H
#define MPMON_COLLECTOR_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct action_result;
struct buf;
struct config;
struct config_sink;
struct daemon;
struct diag;
struct state_change;

#define SINK_TYPES 4		/* entries of sink.c's table */
#define SINK_FDS_MAX 16		/* descriptors one sink may ask to be watched */

/*
 * Every hook but open may be NULL. sink is the instance open made. Times are
 * monotonic µs (source_now()).
 */
struct sink_type {
	const char *name;
	/*
	 * A type that [sink NAME] sections ask for (type = name) has check: the
	 * section's errors and warnings go to d at their lines (k->kv holds the
	 * keys config.c does not know). NULL: the sink is not configured so.
	 */
	void (*check)(const struct config *c, const struct config_sink *k, struct diag *d);
	/* Set up from d->cfg; *sink stays NULL when nothing of this type is asked for. 0 or -errno, logged. */
	int (*open)(struct daemon *d, void **sink);
	void (*deliver)(void *sink, struct daemon *d, const struct state_change *c);
	void (*result)(void *sink, struct daemon *d, const struct action_result *res);
	/* Descriptors to watch for reading; returns how many. */
	size_t (*fds)(void *sink, int *fds, size_t max);
	/* When process is next due; INT64_MAX: only when a descriptor is readable. */
	int64_t (*due)(void *sink, struct daemon *d, int64_t now);
	/* Do what is due; ready: a descriptor was readable. Returns true when its descriptors changed. */
	bool (*process)(void *sink, struct daemon *d, bool ready, int64_t now);
	/*
	 * d->cfg is the new config, old the one before: keep going, or replace
	 * *sink (open and close as needed). A sink that cannot take the new config
	 * keeps running with the old and logs why. 0 or -ENOMEM.
	 */
	int (*reload)(void **sink, struct daemon *d, const struct config *old);
	/* SIGHUP: files were rotated away; open them again. */
	void (*reopen)(void *sink, struct daemon *d);
	/* Its member(s) of state.json. 0 or -ENOMEM. */
	int (*json)(void *sink, const struct daemon *d, struct buf *b, bool *first);
	void (*close)(void *sink, struct daemon *d);
};

struct sink_list {
	void *sink[SINK_TYPES];
	bool ready[SINK_TYPES];		/* a descriptor of the sink was readable */
};

/* The type at index i of the table (the order records are delivered in), or NULL past it. */
const struct sink_type *sink_type_at(size_t i);

/* The instance of the type called name, or NULL (none, or not configured). */
void *sinks_find(const struct daemon *d, const char *name);

/* Check every [sink NAME] section of c against its type, as check does; problems go to d. */
void sinks_check(const struct config *c, struct diag *d);

/* Open every type's sink for d->cfg. 0, or -errno when one failed (logged; the others stay). */
int sinks_open(struct daemon *d);
void sinks_deliver(struct daemon *d, const struct state_change *c);
void sinks_result(struct daemon *d, const struct action_result *res);
/* Descriptors of sink i into fds; returns how many. */
size_t sinks_fds(const struct daemon *d, size_t i, int *fds, size_t max);
int64_t sinks_due(struct daemon *d, int64_t now);
/* Process what is due or ready. Returns a bitmask of the sinks whose descriptors changed. */
unsigned sinks_process(struct daemon *d, int64_t now);
int sinks_reload(struct daemon *d, const struct config *old);
void sinks_reopen(struct daemon *d);
int sinks_json(const struct daemon *d, struct buf *b, bool *first);
void sinks_close(struct daemon *d);

#endif
