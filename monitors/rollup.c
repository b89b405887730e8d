/*
 * This file keeps the health roll-up of rollup.h. Nodes (leaves for unit
 * monitors, aggregates, standard parents per target) live in one vector and
 * point to their parent by index; each node lists its members. The health of a
 * node at an instance key is a state in the node's hash map, keyed by the key;
 * only states that are not Uninitialized are kept, so the table holds no more
 * than the instances the engine itself keeps (an evicted instance is set back
 * to Uninitialized by the engine) times the depth of the tree.
 */
#include "monitors/rollup.h"

#include "lib/array.h"
#include "lib/diag.h"
#include "lib/hmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_NODE SIZE_MAX

static const char *const standard_ids[] = {
	"System.Health.AvailabilityState",
	"System.Health.PerformanceState",
	"System.Health.ConfigurationState",
	"System.Health.SecurityState",
	"System.Health.EntityState",
};
#define ENTITY_STATE 4

struct node {
	const char *id;
	const char *target;
	const struct mp_aggregate *def;	/* NULL for leaves and standard nodes */
	enum mp_algorithm algorithm;
	int percentage;
	bool leaf;
	size_t parent;			/* NO_NODE at the top */
	size_t *members;
	size_t nmembers, capmembers;
	long line;			/* the aggregate's, for messages */
	const char *file;
	struct hmap states;		/* its health by instance key, but Uninitialized */
};

struct state {
	struct hmap_node node;		/* in its node's states, under key */
	enum mp_health health;
	bool alert_open;
	char key[];
};

struct rollup {
	struct node *nodes;
	size_t nnodes, capnodes;
};

struct rollup *rollup_new(void)
{
	return calloc(1, sizeof(struct rollup));
}

void rollup_free(struct rollup *r)
{
	struct hmap_iter it;
	struct hmap_node *s;
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nnodes; i++) {
		hmap_iter_init(&it, &r->nodes[i].states);
		while ((s = hmap_next(&it)))
			free(HMAP_ENTRY(s, struct state, node));
		hmap_release(&r->nodes[i].states);
		free(r->nodes[i].members);
	}
	free(r->nodes);
	free(r);
}

/* ---- the tree ---- */

static const char *without_alias(const char *s)
{
	const char *bang = strchr(s, '!');

	return bang ? bang + 1 : s;
}

static int standard_index(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(standard_ids) / sizeof(standard_ids[0]); i++)
		if (strcmp(id, standard_ids[i]) == 0)
			return (int)i;
	return -1;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A new node; its index, or NO_NODE when memory ran out. */
static size_t node_add(struct rollup *r, const char *id, const char *target)
{
	struct node *n;

	if (array_grow((void **)&r->nodes, &r->capnodes, r->nnodes + 1, sizeof(*r->nodes)) < 0)
		return NO_NODE;
	n = &r->nodes[r->nnodes];
	memset(n, 0, sizeof(*n));
	n->id = id;
	n->target = target;
	n->parent = NO_NODE;
	return r->nnodes++;
}

static int link_member(struct rollup *r, size_t parent, size_t child)
{
	struct node *p = &r->nodes[parent];

	if (array_grow((void **)&p->members, &p->capmembers, p->nmembers + 1, sizeof(*p->members)) < 0)
		return -ENOMEM;
	p->members[p->nmembers++] = child;
	r->nodes[child].parent = parent;
	return 0;
}

/*
 * The standard node k for target, created with its own parent (EntityState at
 * the same target) when missing. NO_NODE when memory ran out.
 */
static size_t standard_node(struct rollup *r, int k, const char *target)
{
	size_t i, n, top;

	for (i = 0; i < r->nnodes; i++)
		if (!r->nodes[i].leaf && !r->nodes[i].def && r->nodes[i].id == standard_ids[k] &&
		    same(r->nodes[i].target, target))
			return i;
	n = node_add(r, standard_ids[k], target);
	if (n == NO_NODE || k == ENTITY_STATE)
		return n;
	top = standard_node(r, ENTITY_STATE, target);
	if (top == NO_NODE || link_member(r, top, n) < 0)
		return NO_NODE;
	return n;
}

static size_t aggregate_node(const struct rollup *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nnodes; i++)
		if (r->nodes[i].def && strcmp(r->nodes[i].id, id) == 0)
			return i;
	return NO_NODE;
}

/*
 * The node a ParentMonitorID names for a member with this target: 1 and *out
 * set when found, 0 when unknown, -ENOMEM.
 */
static int resolve_parent(struct rollup *r, const char *parent, const char *target,
			  size_t *out)
{
	const char *id = without_alias(parent);
	int k = standard_index(id);

	*out = k >= 0 ? standard_node(r, k, target) : aggregate_node(r, id);
	if (k >= 0 && *out == NO_NODE)
		return -ENOMEM;
	return *out != NO_NODE;
}

int rollup_add_aggregates(struct rollup *r, const struct mp_pack *pack, struct diag *d)
{
	const struct mp_aggregate *g;
	size_t first = r->nnodes, i, n, p, steps;
	int k;

	for (g = pack->aggregates; g; g = g->next) {
		if ((n = aggregate_node(r, g->id)) != NO_NODE) {
			diag_error(d, pack->file, g->line, "aggregate monitor '%s' is already defined "
				   "by another pack (%s:%ld)", g->id, r->nodes[n].file, r->nodes[n].line);
			continue;
		}
		n = node_add(r, g->id, g->target);
		if (n == NO_NODE)
			return -ENOMEM;
		r->nodes[n].def = g;
		r->nodes[n].algorithm = g->algorithm;
		r->nodes[n].percentage = g->percentage;
		r->nodes[n].line = g->line;
		r->nodes[n].file = pack->file;
	}
	/* link after all are known: a parent may stand later in the document */
	for (i = first; i < r->nnodes; i++) {
		struct node *nd = &r->nodes[i];

		if (!nd->def || !nd->def->parent_monitor || !*nd->def->parent_monitor)
			continue;
		k = resolve_parent(r, nd->def->parent_monitor, nd->def->target, &p);
		nd = &r->nodes[i];	/* the vector may have moved */
		if (k < 0)
			return k;
		if (k == 0) {
			diag_warn(d, nd->file, nd->line, "aggregate monitor '%s': parent monitor "
				  "'%s' is not known; it takes no part in the roll-up", nd->id,
				  nd->def->parent_monitor);
			continue;
		}
		/* a chain that reaches this node again would be a cycle */
		for (n = p, steps = 0; n != NO_NODE && n != i && steps <= r->nnodes; steps++)
			n = r->nodes[n].parent;
		if (n == i) {
			diag_error(d, nd->file, nd->line, "aggregate monitor '%s': parent monitor "
				   "'%s' makes a cycle in the roll-up", nd->id,
				   nd->def->parent_monitor);
			continue;
		}
		if (link_member(r, p, i) < 0)
			return -ENOMEM;
	}
	return 0;
}

int rollup_add_leaf(struct rollup *r, const struct mp_monitor *def, const char *file,
		    struct diag *d)
{
	size_t n, p;
	int k;

	if (!def->parent_monitor || !*def->parent_monitor)
		return ROLLUP_NO_LEAF;
	k = resolve_parent(r, def->parent_monitor, def->target, &p);
	if (k < 0)
		return k;
	if (k == 0) {
		diag_warn(d, file, def->line, "monitor '%s': parent monitor '%s' is not known; "
			  "the monitor takes no part in the roll-up", def->id, def->parent_monitor);
		return ROLLUP_NO_LEAF;
	}
	if (r->nnodes >= INT32_MAX)
		return ROLLUP_NO_LEAF;
	n = node_add(r, def->id, def->target);
	if (n == NO_NODE)
		return -ENOMEM;
	r->nodes[n].leaf = true;
	if (link_member(r, p, n) < 0)
		return -ENOMEM;
	return (int)n;
}

/* ---- states ---- */

static struct state *state_find(const struct rollup *r, size_t node, struct str key)
{
	struct hmap_node *n = hmap_get(&r->nodes[node].states, key.p, key.len);

	return n ? HMAP_ENTRY(n, struct state, node) : NULL;
}

static struct state *state_add(struct rollup *r, size_t node, struct str key)
{
	struct state *s = calloc(1, sizeof(*s) + key.len + 1);

	if (!s)
		return NULL;
	if (key.len)
		memcpy(s->key, key.p, key.len);
	if (hmap_insert(&r->nodes[node].states, &s->node, s->key, key.len) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void state_drop(struct rollup *r, size_t node, struct state *s)
{
	hmap_remove(&r->nodes[node].states, &s->node);
	free(s);
}

static enum mp_health health_at(const struct rollup *r, size_t node, struct str key)
{
	const struct state *s = state_find(r, node, key);

	return s ? s->health : MP_HEALTH_UNINITIALIZED;
}

/*
 * Combine the members' health at key. Percentage p: the health that at least
 * p% of the judged members are at or better than (0% is the best of them).
 */
static enum mp_health combine(const struct rollup *r, const struct node *n, struct str key)
{
	size_t count[MP_HEALTH_ERROR + 1] = { 0 }, judged = 0, need, seen, i;
	int h;

	for (i = 0; i < n->nmembers; i++) {
		enum mp_health m = health_at(r, n->members[i], key);

		if (m != MP_HEALTH_UNINITIALIZED) {
			count[m]++;
			judged++;
		}
	}
	if (!judged)
		return MP_HEALTH_UNINITIALIZED;
	switch (n->algorithm) {
	case MP_ALGORITHM_BEST_OF:
		for (h = MP_HEALTH_SUCCESS; h <= MP_HEALTH_ERROR && !count[h]; h++)
			;
		return (enum mp_health)h;
	case MP_ALGORITHM_PERCENTAGE:
		need = (judged * (size_t)n->percentage + 99) / 100;
		if (need == 0)
			need = 1;
		for (seen = 0, h = MP_HEALTH_SUCCESS; h < MP_HEALTH_ERROR; h++) {
			seen += count[h];
			if (seen >= need)
				break;
		}
		return (enum mp_health)h;
	case MP_ALGORITHM_WORST_OF:
		break;
	}
	for (h = MP_HEALTH_ERROR; h > MP_HEALTH_SUCCESS && !count[h]; h--)
		;
	return (enum mp_health)h;
}

/* Store health h for (node, key); its previous value in *from. */
static int store(struct rollup *r, size_t node, struct str key, enum mp_health h,
		 enum mp_health *from, struct state **out)
{
	struct state *s = state_find(r, node, key);

	*from = s ? s->health : MP_HEALTH_UNINITIALIZED;
	*out = NULL;
	if (*from == h)
		return 0;
	if (!s && !(s = state_add(r, node, key)))
		return -ENOMEM;
	s->health = h;
	*out = s;
	return 0;
}

int rollup_set(struct rollup *r, int leaf, struct str key, enum mp_health h,
	       rollup_emit_fn *emit, void *arg)
{
	struct rollup_change c;
	struct state *s;
	enum mp_health from;
	size_t n;
	int err;

	if (leaf < 0 || (size_t)leaf >= r->nnodes)
		return 0;
	if (!key.p)
		key.p = "";
	if ((err = store(r, (size_t)leaf, key, h, &from, &s)) < 0)
		return err;
	if (s && h == MP_HEALTH_UNINITIALIZED)
		state_drop(r, (size_t)leaf, s);
	for (n = r->nodes[leaf].parent; n != NO_NODE && from != h; n = r->nodes[n].parent) {
		const struct node *nd = &r->nodes[n];
		const struct mp_alert *a = nd->def ? &nd->def->alert : NULL;

		h = combine(r, nd, key);
		if ((err = store(r, n, key, h, &from, &s)) < 0)
			return err;
		if (!s)
			break;
		memset(&c, 0, sizeof(c));
		if (a && a->present) {
			if (h != MP_HEALTH_UNINITIALIZED && h >= a->on_state && !s->alert_open) {
				c.alert = emit != NULL;
				s->alert_open = true;
			} else if (h <= MP_HEALTH_SUCCESS && s->alert_open && a->auto_resolve) {
				/* healthy again, or no member has data: SCOM's AutoResolve */
				c.alert_resolved = emit != NULL;
				s->alert_open = false;
			}
		}
		c.node_id = nd->id;
		c.target = nd->target ? nd->target : "";
		c.def = nd->def;
		c.key = s->key;
		c.key_len = s->node.len;
		c.from = from;
		c.to = h;
		if (emit && (err = emit(arg, &c)) < 0)
			return err;
		if (h == MP_HEALTH_UNINITIALIZED)
			state_drop(r, n, s);
	}
	return 0;
}

bool rollup_has_node(const struct rollup *r, const char *node_id)
{
	size_t i;

	node_id = without_alias(node_id);
	for (i = 0; i < r->nnodes; i++)
		if (!r->nodes[i].leaf && strcmp(r->nodes[i].id, node_id) == 0)
			return true;
	return false;
}

enum mp_health rollup_health(const struct rollup *r, const char *node_id, const char *target,
			     struct str key)
{
	size_t i;

	if (!key.p)
		key.p = "";
	node_id = without_alias(node_id);
	for (i = 0; i < r->nnodes; i++) {
		const struct node *n = &r->nodes[i];

		if (n->leaf || strcmp(n->id, node_id) != 0 || (!n->def && !same(n->target, target)))
			continue;
		return health_at(r, i, key);
	}
	return MP_HEALTH_UNINITIALIZED;
}

int rollup_foreach(const struct rollup *r, int (*fn)(void *arg, const struct rollup_state_info *info),
		   void *arg)
{
	struct rollup_state_info info;
	struct hmap_iter it;
	struct hmap_node *h;
	size_t i;
	int x;

	for (i = 0; i < r->nnodes; i++) {
		const struct node *n = &r->nodes[i];

		if (n->leaf)
			continue;
		hmap_iter_init(&it, &n->states);
		while ((h = hmap_next(&it))) {
			const struct state *s = HMAP_ENTRY(h, struct state, node);

			info = (struct rollup_state_info){
				.node_id = n->id, .target = n->target, .def = n->def,
				.key = { s->key, h->len }, .health = s->health, .alert_open = s->alert_open,
			};
			if ((x = fn(arg, &info)))
				return x;
		}
	}
	return 0;
}
