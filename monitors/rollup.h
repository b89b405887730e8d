/*
 * Health roll-up, used by the engine: the tree that unit monitors form through
 * their ParentMonitorID (aggregate monitors of the packs, and SCOM's standard
 * parents System.Health.AvailabilityState, PerformanceState,
 * ConfigurationState and SecurityState under System.Health.EntityState), and
 * the health of every node of that tree per instance key. The engine tells it
 * when a unit monitor's instance changes health; it recomputes the parents and
 * reports each node whose health changed, bottom up. Pure: no I/O, no clock.
 *
 * Keys: roll-up is per instance key. A unit monitor instance with key K feeds
 * the nodes above it at key K only ("" for monitors without instances); the
 * standard parents exist once per target, so two classes never share an
 * AvailabilityState.
 */
#ifndef MPMON_MONITORS_ROLLUP_H
#define MPMON_MONITORS_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/str.h"
#include "mp-xml/mp.h"

struct diag;

#define ROLLUP_NO_LEAF (-1)

/* What a node's change looks like; valid during the callback only. */
struct rollup_change {
	const char *node_id;		/* aggregate ID, or e.g. "System.Health.AvailabilityState" */
	const char *target;		/* the aggregate's Target, or the member's for a standard node */
	const struct mp_aggregate *def;	/* NULL for the standard nodes */
	const char *key;		/* instance key */
	size_t key_len;
	enum mp_health from, to;
	bool alert;			/* the aggregate's AlertSettings raise an alert */
	bool alert_resolved;
};

/* Return 0 to go on, -ENOMEM to stop. */
typedef int rollup_emit_fn(void *arg, const struct rollup_change *c);

struct rollup;

/* An empty tree, or NULL. */
struct rollup *rollup_new(void);

/* Free the tree and its states; NULL does nothing. */
void rollup_free(struct rollup *r);

/*
 * Add the pack's aggregate monitors (borrowed: the pack must outlive r) and link
 * them to their parents: an aggregate of this or an earlier pack, or a standard
 * parent through any alias. An unknown parent is a warning at the aggregate's
 * line; a parent chain that comes back to itself is an error there (the cycle
 * is cut). Returns 0 or -ENOMEM.
 */
int rollup_add_aggregates(struct rollup *r, const struct mp_pack *pack, struct diag *d);

/*
 * Add a unit monitor as a leaf under its ParentMonitorID. Returns the leaf
 * (>= 0); ROLLUP_NO_LEAF when it has no parent or the parent is unknown (a
 * warning at the monitor's line); -ENOMEM.
 */
int rollup_add_leaf(struct rollup *r, const struct mp_monitor *def, const char *file,
		    struct diag *d);

/*
 * The leaf's instance key now has health h: recompute the nodes above it and
 * call emit (when not NULL) for each node whose health changed, from the leaf's
 * parent up. With emit NULL the states are only brought up to date (a restored
 * checkpoint); an aggregate alert then counts as open when its health is at
 * AlertOnState or worse. Uninitialized members are ignored; a node whose
 * members are all Uninitialized is Uninitialized and its state is dropped.
 * Returns 0, -ENOMEM, or what emit returned.
 */
int rollup_set(struct rollup *r, int leaf, struct str key, enum mp_health h,
	       rollup_emit_fn *emit, void *arg);

/* A node's health at one instance key, as rollup_foreach gives it; valid during the call. */
struct rollup_state_info {
	const char *node_id;		/* aggregate ID, or a standard node's */
	const char *target;
	const struct mp_aggregate *def;	/* NULL for the standard nodes */
	struct str key;
	struct str computer, instance;	/* the key's parts (engine_foreach_rollup only) */
	enum mp_health health;		/* never Uninitialized */
	bool alert_open;
	bool monitored;			/* engine_computer_monitored (engine_foreach_rollup only) */
};

/*
 * Call fn for the health of every aggregate and standard node at every key
 * where it is not Uninitialized (leaves are the engine's instances), node by
 * node in the order they were added; stop early and return fn's value when it
 * is not 0.
 */
int rollup_foreach(const struct rollup *r, int (*fn)(void *arg, const struct rollup_state_info *info),
		   void *arg);

/* Whether node_id (through any alias) is an aggregate or a standard node of the tree. */
bool rollup_has_node(const struct rollup *r, const char *node_id);

/* The health of node_id (for a standard node, at target) at key; Uninitialized when unknown. */
enum mp_health rollup_health(const struct rollup *r, const char *node_id, const char *target,
			     struct str key);

#endif
