/*
 * The engine. Monitors are set up from packs; a dispatch index keyed by log name
 * and event number picks the subscriptions an event could pass, so most monitors
 * never see most events. Each monitor keeps one instance, or one per value of its
 * InstanceField (bounded; the least recently used is evicted). Timers sit in a
 * min-heap and fire at their own deadline, before any later event, so a replay
 * gives the same records as the live run that read the same events.
 *
 * Each change of a unit monitor's health is passed to the roll-up (rollup.c),
 * whose changes become records of their own when roll-up is on. Event rules
 * that raise alerts share the dispatch index (their references carry RULE_BIT)
 * and keep only their open alerts' suppression keys. They live here rather than
 * in rules/ because they make records and take seq numbers, which are the
 * engine's.
 */
#include "monitors/engine.h"

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "monitors/monitor.h"
#include "monitors/rollup.h"
#include "rules/event.h"
#include "rules/expr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NUMBERS 64		/* event numbers one subscription may index under */
#define RULE_BIT 0x80000000u	/* in a dispatch reference: a rule, not a monitor */
#define RULE_MAX_SUPPRESSED 10000	/* suppression keys one rule remembers */

/* A piece of an alert parameter: literal text or a field of the event. */
struct param_part {
	struct str literal;
	struct field_ref field;
	bool is_field;
	bool is_computer;	/* $Target/.../NetworkName$ and kin: the logging computer */
};

struct monitor_param {
	struct param_part *parts;
	unsigned nparts;
};

struct inst {
	struct inst *hnext;			/* hash chain */
	struct inst *prev, *next;		/* least recently used first */
	uint64_t hash;
	struct mon *mon;
	int state;				/* type state, -1 before the first */
	enum mp_health health;
	bool alert_open;
	int64_t since;				/* last change of health */
	int64_t deadline;
	uint64_t deadline_seq;			/* orders equal deadlines */
	size_t heap_pos;			/* SIZE_MAX when not in the heap */
	size_t key_len;
	char *key;
	alignas(max_align_t) unsigned char tstate[];
};

struct mon {
	struct monitor m;
	bool off;				/* configured, but turned off by the pack */
	int leaf;				/* roll-up leaf, or ROLLUP_NO_LEAF */
	struct inst **buckets;			/* power-of-two sized */
	size_t nbuckets, count;
	struct inst *lru_head, *lru_tail;	/* head: least recently used */
};

/* An open rule alert: the events with the same suppression values repeat it. */
struct supp {
	struct supp *hnext;
	uint64_t hash;
	uint64_t repeats;
	size_t len;
	char key[];
};

/* An event rule that raises alerts (System.Health.GenerateAlert). */
struct rule {
	const struct mp_rule *def;
	struct expr *expr;
	const char *log_name;			/* borrowed from the pack */
	bool off;
	struct monitor_param *params;		/* AlertParameter1..n */
	unsigned nparams;
	struct monitor_param *supp_vals;	/* SuppressionValue1..n */
	unsigned nsupp_vals;
	struct supp **buckets;			/* power-of-two sized */
	size_t nbuckets, nkeys;
	const char *diagnosis, *resolution;
};

/* One subscription under one event number; sorted by (number, mon, sub). */
struct num_ref {
	uint64_t number;
	uint32_t mon, sub;
};

struct sub_ref {
	uint32_t mon, sub;
};

struct log_index {
	char *name;
	size_t len;
	struct num_ref *nums;
	size_t nnums, capnums;
	bool sorted;
	struct sub_ref *any;			/* subscriptions with no number constraint */
	size_t nany, capany;
};

struct engine {
	engine_emit_fn *emit;
	void *arg;
	struct mon **mons;
	size_t nmons, capmons;
	struct log_index *logs;
	size_t nlogs, caplogs;
	struct inst **heap;
	size_t nheap, capheap;
	uint64_t deadline_seq;
	uint64_t seq;
	int64_t now;
	bool started;				/* the clock is known: instances may start */
	bool enable_all;
	struct engine_stats stats;
	struct arena arena;			/* params and knowledge text */
	struct buf msg;
	struct buf key;				/* a rule's suppression key */
	struct rollup *rollup;
	bool rollup_on;
	const struct event *rollup_ev;		/* what the roll-up records being made read */
	enum state_cause rollup_cause;
	int64_t rollup_now;
	bool quiet;				/* restoring: bring the roll-up up to date silently */
	struct rule **rules;
	size_t nrules, caprules;
	struct sub_ref *cand;			/* scratch for dispatch */
	size_t capcand;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*v, n * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

struct engine *engine_new(engine_emit_fn *emit, void *arg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->emit = emit;
	e->arg = arg;
	e->seq = 1;
	e->now = INT64_MIN;
	arena_init(&e->arena);
	buf_init(&e->msg);
	buf_init(&e->key);
	e->rollup = rollup_new();
	if (!e->rollup) {
		free(e);
		return NULL;
	}
	return e;
}

static void mon_free(struct mon *mo)
{
	struct inst *in, *next;
	unsigned i;

	if (!mo)
		return;
	for (in = mo->lru_head; in; in = next) {
		next = in->next;
		free(in);
	}
	free(mo->buckets);
	if (mo->m.type && mo->m.type->release)
		mo->m.type->release(&mo->m);
	for (i = 0; i < mo->m.nsubs; i++)
		expr_free(mo->m.subs[i].expr);
	free(mo);
}

static void rule_free(struct rule *ru)
{
	struct supp *sp, *next;
	size_t i;

	if (!ru)
		return;
	for (i = 0; i < ru->nbuckets; i++)
		for (sp = ru->buckets[i]; sp; sp = next) {
			next = sp->hnext;
			free(sp);
		}
	free(ru->buckets);
	expr_free(ru->expr);
	free(ru);
}

void engine_free(struct engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nmons; i++)
		mon_free(e->mons[i]);
	free(e->mons);
	for (i = 0; i < e->nrules; i++)
		rule_free(e->rules[i]);
	free(e->rules);
	rollup_free(e->rollup);
	buf_release(&e->key);
	for (i = 0; i < e->nlogs; i++) {
		free(e->logs[i].name);
		free(e->logs[i].nums);
		free(e->logs[i].any);
	}
	free(e->logs);
	free(e->heap);
	free(e->cand);
	buf_release(&e->msg);
	arena_release(&e->arena);
	free(e);
}

/* ---- timers ---- */

static bool heap_less(const struct inst *a, const struct inst *b)
{
	return a->deadline < b->deadline ||
	       (a->deadline == b->deadline && a->deadline_seq < b->deadline_seq);
}

static void heap_set(struct engine *e, size_t i, struct inst *in)
{
	e->heap[i] = in;
	in->heap_pos = i;
}

static void heap_up(struct engine *e, size_t i)
{
	struct inst *in = e->heap[i];

	while (i > 0 && heap_less(in, e->heap[(i - 1) / 2])) {
		heap_set(e, i, e->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(e, i, in);
}

static void heap_down(struct engine *e, size_t i)
{
	struct inst *in = e->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= e->nheap)
			break;
		if (c + 1 < e->nheap && heap_less(e->heap[c + 1], e->heap[c]))
			c++;
		if (!heap_less(e->heap[c], in))
			break;
		heap_set(e, i, e->heap[c]);
		i = c;
	}
	heap_set(e, i, in);
}

static void heap_remove(struct engine *e, struct inst *in)
{
	size_t i = in->heap_pos;
	struct inst *moved;

	if (i == SIZE_MAX)
		return;
	in->heap_pos = SIZE_MAX;
	if (i == --e->nheap)
		return;
	moved = e->heap[e->nheap];
	heap_set(e, i, moved);
	heap_down(e, i);
	heap_up(e, moved->heap_pos);
}

/* Put in at its (new) deadline; MONITOR_NO_DEADLINE takes it out. */
static int set_deadline(struct engine *e, struct inst *in, int64_t deadline)
{
	if (deadline == in->deadline)
		return 0;
	heap_remove(e, in);
	in->deadline = deadline;
	if (deadline == MONITOR_NO_DEADLINE)
		return 0;
	if (grow((void **)&e->heap, &e->capheap, e->nheap + 1, sizeof(*e->heap)) < 0)
		return -ENOMEM;
	in->deadline_seq = e->deadline_seq++;
	e->heap[e->nheap] = in;
	in->heap_pos = e->nheap++;
	heap_up(e, in->heap_pos);
	return 0;
}

int64_t engine_next_deadline(const struct engine *e)
{
	return e->nheap ? e->heap[0]->deadline : INT64_MAX;
}

/* ---- instances ---- */

static void lru_unlink(struct mon *mo, struct inst *in)
{
	if (in->prev)
		in->prev->next = in->next;
	else
		mo->lru_head = in->next;
	if (in->next)
		in->next->prev = in->prev;
	else
		mo->lru_tail = in->prev;
	in->prev = in->next = NULL;
}

static void lru_push(struct mon *mo, struct inst *in)
{
	in->prev = mo->lru_tail;
	in->next = NULL;
	if (mo->lru_tail)
		mo->lru_tail->next = in;
	else
		mo->lru_head = in;
	mo->lru_tail = in;
}

static int rollup_leaf_set(struct engine *e, const struct mon *mo, const struct inst *in,
			   enum mp_health h, int64_t now, enum state_cause cause,
			   const struct event *ev);

/*
 * Drop an instance at its monitor's bound. Its health no longer counts in the
 * roll-up, as if it had gone back to Uninitialized.
 */
static int inst_drop(struct engine *e, struct mon *mo, struct inst *in)
{
	struct inst **pp = &mo->buckets[in->hash & (mo->nbuckets - 1)];

	if (rollup_leaf_set(e, mo, in, MP_HEALTH_UNINITIALIZED, e->now, CAUSE_EVENT, NULL) < 0)
		return -ENOMEM;
	while (*pp != in)
		pp = &(*pp)->hnext;
	*pp = in->hnext;
	lru_unlink(mo, in);
	heap_remove(e, in);
	mo->count--;
	free(in);
	return 0;
}

static int rehash(struct mon *mo, size_t nbuckets)
{
	struct inst **b = calloc(nbuckets, sizeof(*b));
	struct inst *in;

	if (!b)
		return -ENOMEM;
	for (in = mo->lru_head; in; in = in->next) {
		in->hnext = b[in->hash & (nbuckets - 1)];
		b[in->hash & (nbuckets - 1)] = in;
	}
	free(mo->buckets);
	mo->buckets = b;
	mo->nbuckets = nbuckets;
	return 0;
}

/*
 * The instance for key, created when missing (*created says so when not NULL);
 * NULL when memory runs out.
 */
static struct inst *inst_get(struct engine *e, struct mon *mo, struct str key, bool *created)
{
	size_t size = mo->m.type->state_size;
	uint64_t h = str_hash(key);
	struct inst *in;

	if (mo->nbuckets) {
		for (in = mo->buckets[h & (mo->nbuckets - 1)]; in; in = in->hnext)
			if (in->hash == h && in->key_len == key.len &&
			    memcmp(in->key, key.p, key.len) == 0) {
				if (in != mo->lru_tail) {
					lru_unlink(mo, in);
					lru_push(mo, in);
				}
				if (created)
					*created = false;
				return in;
			}
	}
	if (mo->count >= mo->m.max_instances && mo->lru_head) {
		if (inst_drop(e, mo, mo->lru_head) < 0)
			return NULL;
		e->stats.evictions++;
	}
	if (mo->count + 1 > mo->nbuckets &&
	    rehash(mo, mo->nbuckets ? mo->nbuckets * 2 : 4) < 0)
		return NULL;
	size = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	in = calloc(1, sizeof(*in) + size + key.len + 1);
	if (!in)
		return NULL;
	in->hash = h;
	in->mon = mo;
	in->state = -1;
	in->health = MP_HEALTH_UNINITIALIZED;
	in->deadline = MONITOR_NO_DEADLINE;
	in->heap_pos = SIZE_MAX;
	in->key = (char *)in->tstate + size;
	in->key_len = key.len;
	if (key.len)
		memcpy(in->key, key.p, key.len);
	in->hnext = mo->buckets[h & (mo->nbuckets - 1)];
	mo->buckets[h & (mo->nbuckets - 1)] = in;
	lru_push(mo, in);
	mo->count++;
	if (created)
		*created = true;
	return in;
}

/* ---- records ---- */

static bool same_field(const struct field_ref *a, const struct field_ref *b)
{
	return a->kind == b->kind && a->index == b->index &&
	       (a->kind != FIELD_NAMED || str_eq(a->name, b->name));
}

/*
 * Without an event (a timer or a reset moved the instance), a parameter that
 * reads the monitor's InstanceField still has a value: the instance's key, which
 * every event of this instance carried in that field. So a missed heartbeat or
 * correlation can name its device or host.
 */
static struct str param_without_event(const struct monitor *m, const struct param_part *pp,
				      struct str key)
{
	static const struct field_ref computer = { FIELD_SLOT, EVENT_COMPUTER, { NULL, 0 } };

	if (!m || !m->has_instance_field)
		return (struct str){ NULL, 0 };
	if ((pp->is_computer && same_field(&m->instance_field, &computer)) ||
	    (pp->is_field && same_field(&m->instance_field, &pp->field)))
		return key;
	return (struct str){ NULL, 0 };
}

static int fill_param(struct buf *b, const struct monitor *m, const struct monitor_param *p,
		      const struct event *ev, struct str key)
{
	unsigned i;

	for (i = 0; i < p->nparts; i++) {
		const struct param_part *pp = &p->parts[i];
		struct str v = pp->literal;

		if (!ev && (pp->is_computer || pp->is_field))
			v = param_without_event(m, pp, key);
		else if (pp->is_computer)
			v = ev->slot[EVENT_COMPUTER];
		else if (pp->is_field)
			v = event_get(ev, &pp->field);
		if (v.p && buf_append(b, v.p, v.len) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Text t with {0}..{9} replaced by the alert parameters. m and key (the instance)
 * stand in for a missing event, as param_without_event says; m may be NULL.
 */
static int fill_text(struct buf *b, const char *t, const struct monitor *m,
		     const struct monitor_param *params, unsigned nparams, const struct event *ev,
		     struct str key)
{
	const char *p;

	buf_reset(b);
	for (p = t; *p; p++) {
		if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
			unsigned n = (unsigned)(p[1] - '0');

			if (n < nparams && fill_param(b, m, &params[n], ev, key) < 0)
				return -ENOMEM;
			p += 2;
			continue;
		}
		if (buf_putc(b, *p) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The first of the texts that is set and not empty; the last one otherwise. */
static const char *first_text(const char *a, const char *b, const char *c, const char *last)
{
	if (a && *a)
		return a;
	if (b && *b)
		return b;
	if (c && *c)
		return c;
	return last;
}

/* The alert message with {0}..{9} replaced by the alert parameters. */
static int fill_message(struct buf *b, const struct monitor *m, const struct event *ev,
			struct str key)
{
	const struct mp_alert *a = &m->def->alert;

	return fill_text(b, first_text(a->message_text, a->message_name, m->def->display_name,
				       m->def->id), m, m->params, m->nparams, ev, key);
}

static enum mp_severity severity_of(const struct mp_alert *a, enum mp_health to)
{
	if (a->present && a->severity != MP_SEVERITY_MATCH_MONITOR_HEALTH &&
	    to >= a->on_state)
		return a->severity;
	if (to == MP_HEALTH_ERROR)
		return MP_SEVERITY_ERROR;
	if (to == MP_HEALTH_WARNING)
		return MP_SEVERITY_WARNING;
	return MP_SEVERITY_INFORMATION;
}

/* Move in to type state `to`, emitting a record when the health changes. */
static int transition(struct engine *e, struct inst *in, int to, int64_t now,
		      enum state_cause cause, const struct event *ev)
{
	const struct monitor *m = &in->mon->m;
	const struct mp_alert *a = &m->def->alert;
	struct state_change c;
	enum mp_health health;

	if (to < 0 || (unsigned)to >= m->type->nstates || to == in->state)
		return 0;
	in->state = to;
	health = m->health_of[to];
	if (health == in->health)
		return 0;
	memset(&c, 0, sizeof(c));
	c.from = in->health;
	c.to = health;
	in->health = health;
	in->since = now;
	if (a->present) {
		if (health >= a->on_state && !in->alert_open) {
			c.alert = true;
			in->alert_open = true;
		} else if (health < a->on_state && in->alert_open && a->auto_resolve) {
			c.alert_resolved = true;
			in->alert_open = false;
		}
	}
	if (fill_message(&e->msg, m, ev, (struct str){ in->key, in->key_len }) < 0)
		return -ENOMEM;
	c.seq = e->seq++;
	c.time = now;
	c.monitor = m;
	c.monitor_id = m->def->id;
	c.instance = in->key;
	c.instance_len = in->key_len;
	c.state = m->opstate_of[to];
	c.cause = cause;
	c.severity = severity_of(a, health);
	c.priority = a->present ? a->priority : MP_PRIORITY_NORMAL;
	c.alert_name = a->message_name ? a->message_name : "";
	c.message = e->msg.data;
	c.diagnosis = m->diagnosis;
	c.resolution = m->resolution;
	c.event = ev;
	c.kind = CHANGE_MONITOR;
	c.target = "";
	e->stats.changes++;
	if (e->emit)
		e->emit(e->arg, &c);
	return rollup_leaf_set(e, in->mon, in, health, now, cause, ev);
}

/* ---- roll-up ---- */

/* A roll-up change becomes a record; aggregates' alert messages read the event. */
static int emit_rollup(void *arg, const struct rollup_change *rc)
{
	struct engine *e = arg;
	const struct mp_aggregate *g = rc->def;
	struct state_change c;

	memset(&c, 0, sizeof(c));
	c.kind = CHANGE_ROLLUP;
	c.from = rc->from;
	c.to = rc->to;
	c.alert = rc->alert;
	c.alert_resolved = rc->alert_resolved;
	if (g) {
		c.severity = severity_of(&g->alert, rc->to);
		c.priority = g->alert.present ? g->alert.priority : MP_PRIORITY_NORMAL;
		c.alert_name = g->alert.message_name ? g->alert.message_name : "";
		/* aggregate parameters name target properties, which Linux does not have */
		if (fill_text(&e->msg, first_text(g->alert.message_text, g->alert.message_name,
						  g->display_name, g->id), NULL, NULL, 0,
			      e->rollup_ev, (struct str){ "", 0 }) < 0)
			return -ENOMEM;
	} else {
		c.severity = severity_of(&(struct mp_alert){ .present = false }, rc->to);
		c.priority = MP_PRIORITY_NORMAL;
		c.alert_name = "";
		buf_reset(&e->msg);
	}
	c.seq = e->seq++;
	c.time = e->rollup_now;
	c.monitor_id = rc->node_id;
	c.instance = rc->key;
	c.instance_len = rc->key_len;
	c.state = "";
	c.cause = e->rollup_cause;
	c.message = e->msg.data;
	c.diagnosis = "";
	c.resolution = "";
	c.event = e->rollup_ev;
	c.target = rc->target;
	c.aggregate = g;
	e->stats.changes++;
	if (e->emit)
		e->emit(e->arg, &c);
	return 0;
}

/* Tell the roll-up a unit monitor instance's health; records only when it is on. */
static int rollup_leaf_set(struct engine *e, const struct mon *mo, const struct inst *in,
			   enum mp_health h, int64_t now, enum state_cause cause,
			   const struct event *ev)
{
	if (!e->rollup_on || mo->leaf < 0)
		return 0;
	e->rollup_ev = ev;
	e->rollup_cause = cause;
	e->rollup_now = now;
	return rollup_set(e->rollup, mo->leaf, (struct str){ in->key, in->key_len }, h,
			  e->quiet ? NULL : emit_rollup, e);
}

void engine_enable_rollup(struct engine *e)
{
	e->rollup_on = true;
}

enum mp_health engine_rollup_health(const struct engine *e, const char *node_id,
				    const char *target, const char *instance)
{
	if (!e->rollup_on)
		return MP_HEALTH_UNINITIALIZED;
	return rollup_health(e->rollup, node_id, target, str_of(instance ? instance : ""));
}

/* ---- feeding ---- */

/* Let a new instance's type begin (arm its first timer) at the engine's clock. */
static int inst_start(struct engine *e, struct inst *in)
{
	const struct monitor *m = &in->mon->m;
	struct monitor_ctx ctx = { e->now, in->state, in->deadline };
	int to;

	if (!m->type->start)
		return 0;
	to = m->type->start(m, in->tstate, &ctx);
	if (set_deadline(e, in, ctx.deadline) < 0 ||
	    transition(e, in, to, e->now, CAUSE_TIMER, NULL) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * A monitor without instances whose type starts by itself (it watches for
 * missing events) gets its one instance as soon as the clock is known, so its
 * timer runs before any event arrives. A restored instance is not started again.
 */
static int mon_start(struct engine *e, struct mon *mo)
{
	bool created;
	struct inst *in;

	if (mo->off || !mo->m.type->start || mo->m.has_instance_field)
		return 0;
	in = inst_get(e, mo, (struct str){ "", 0 }, &created);
	if (!in)
		return -ENOMEM;
	return created ? inst_start(e, in) : 0;
}

int engine_advance(struct engine *e, int64_t now)
{
	if (now > e->now)
		e->now = now;
	if (!e->started && e->now != INT64_MIN) {
		size_t i;

		e->started = true;
		for (i = 0; i < e->nmons; i++)
			if (mon_start(e, e->mons[i]) < 0)
				return -ENOMEM;
	}
	while (e->nheap && e->heap[0]->deadline <= e->now) {
		struct inst *in = e->heap[0];
		const struct monitor *m = &in->mon->m;
		struct monitor_ctx ctx = { in->deadline, in->state, MONITOR_NO_DEADLINE };
		int to;

		heap_remove(e, in);
		in->deadline = MONITOR_NO_DEADLINE;
		to = m->type->on_tick ? m->type->on_tick(m, in->tstate, &ctx) : MONITOR_NO_CHANGE;
		if (set_deadline(e, in, ctx.deadline) < 0 ||
		    transition(e, in, to, ctx.now, CAUSE_TIMER, NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

static struct log_index *find_log(struct engine *e, struct str name)
{
	size_t i;

	for (i = 0; i < e->nlogs; i++)
		if (e->logs[i].len == name.len && strncasecmp(e->logs[i].name, name.p, name.len) == 0)
			return &e->logs[i];
	return NULL;
}

static int cmp_num_ref(const void *pa, const void *pb)
{
	const struct num_ref *a = pa, *b = pb;

	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	if (a->mon != b->mon)
		return a->mon < b->mon ? -1 : 1;
	return a->sub < b->sub ? -1 : a->sub > b->sub;
}

/* The subscriptions in li an event with this number could pass, in monitor order. */
static size_t candidates(struct engine *e, struct log_index *li, const struct event *ev)
{
	const struct num_ref *lo = NULL, *hi = NULL;
	size_t n = 0, j = 0, need;

	if (!li->sorted) {
		/* qsort(NULL, 0, ...) is undefined: a log whose monitors test no number. */
		if (li->nnums)
			qsort(li->nums, li->nnums, sizeof(*li->nums), cmp_num_ref);
		li->sorted = true;
	}
	if (ev->has_number && li->nnums) {
		size_t l = 0, r = li->nnums;

		while (l < r) {
			size_t mid = l + (r - l) / 2;

			if (li->nums[mid].number < ev->number)
				l = mid + 1;
			else
				r = mid;
		}
		lo = hi = li->nums + l;
		while (hi < li->nums + li->nnums && hi->number == ev->number)
			hi++;
	}
	need = li->nany + (size_t)(hi - lo);
	if (grow((void **)&e->cand, &e->capcand, need, sizeof(*e->cand)) < 0)
		return 0;
	/* merge the two sorted runs so records come out in monitor order */
	while (lo < hi || j < li->nany) {
		bool take_num = lo < hi && (j == li->nany || lo->mon < li->any[j].mon ||
					    (lo->mon == li->any[j].mon && lo->sub < li->any[j].sub));

		if (take_num) {
			e->cand[n].mon = lo->mon;
			e->cand[n++].sub = lo->sub;
			lo++;
		} else {
			e->cand[n++] = li->any[j++];
		}
	}
	return n;
}

static int rule_fire(struct engine *e, struct rule *ru, const struct event *ev);

int engine_feed(struct engine *e, const struct event *ev, int64_t now)
{
	struct log_index *li;
	size_t i, n;

	if (engine_advance(e, now) < 0)
		return -ENOMEM;
	e->stats.events++;
	if (!ev->slot[EVENT_LOG].p || !(li = find_log(e, ev->slot[EVENT_LOG])))
		return 0;
	n = candidates(e, li, ev);
	for (i = 0; i < n; i++) {
		struct mon *mo;
		const struct monitor_sub *sub;
		struct str key = { "", 0 };
		struct monitor_ctx ctx;
		struct inst *in;
		bool created;
		int to;

		e->stats.evaluations++;
		if (e->cand[i].mon & RULE_BIT) {
			struct rule *ru = e->rules[e->cand[i].mon & ~RULE_BIT];

			if (expr_eval(ru->expr, ev) && rule_fire(e, ru, ev) < 0)
				return -ENOMEM;
			continue;
		}
		mo = e->mons[e->cand[i].mon];
		sub = &mo->m.subs[e->cand[i].sub];
		if (!expr_eval(sub->expr, ev))
			continue;
		if (mo->m.has_instance_field) {
			key = event_get(ev, &mo->m.instance_field);
			if (!key.p)
				continue;
		}
		in = inst_get(e, mo, key, &created);
		if (!in || (created && inst_start(e, in) < 0))
			return -ENOMEM;
		ctx.now = e->now;
		ctx.state = in->state;
		ctx.deadline = in->deadline;
		to = mo->m.type->on_event(&mo->m, in->tstate, &ctx, sub->match, ev);
		if (set_deadline(e, in, ctx.deadline) < 0 ||
		    transition(e, in, to, e->now, CAUSE_EVENT, ev) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int reset_target(const struct monitor *m)
{
	unsigned i;

	if (m->type->reset_state >= 0)
		return m->type->reset_state;
	for (i = 0; i < m->type->nstates; i++)
		if (m->health_of[i] == MP_HEALTH_SUCCESS)
			return (int)i;
	return 0;
}

static int reset_one(struct engine *e, struct inst *in, int64_t now)
{
	const struct monitor *m = &in->mon->m;
	struct monitor_ctx ctx = { now, in->state, in->deadline };

	if (m->type->on_reset)
		m->type->on_reset(m, in->tstate, &ctx);
	else
		ctx.deadline = MONITOR_NO_DEADLINE;
	if (set_deadline(e, in, ctx.deadline) < 0)
		return -ENOMEM;
	return transition(e, in, reset_target(&in->mon->m), now, CAUSE_RESET, NULL);
}

int engine_reset(struct engine *e, const char *monitor_id, const char *instance, int64_t now)
{
	struct mon *mo = NULL;
	struct inst *in, *next;
	size_t i;

	for (i = 0; i < e->nmons && !mo; i++)
		if (!e->mons[i]->off && strcmp(e->mons[i]->m.def->id, monitor_id) == 0)
			mo = e->mons[i];
	if (!mo)
		return -ENOENT;
	if (engine_advance(e, now) < 0)
		return -ENOMEM;
	if (!mo->m.has_instance_field || (instance && *instance)) {
		struct str key = str_of(mo->m.has_instance_field ? instance : "");

		bool created;

		in = inst_get(e, mo, key, &created);
		if (!in || (created && inst_start(e, in) < 0))
			return -ENOMEM;
		return reset_one(e, in, e->now);
	}
	for (in = mo->lru_head; in; in = next) {
		next = in->next;
		if (reset_one(e, in, e->now) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- setting up ---- */

static void add_part(struct monitor_param *p, struct param_part *parts, struct param_part part)
{
	parts[p->nparts++] = part;
}

/*
 * Compile an AlertParameter: literal text with $...$ references. $Data/Context/X$
 * (also through DataItem/ and Context/ levels) reads field X of the event that
 * moved the monitor; $Target/...NetworkName$ and kin read the logging computer;
 * other target properties have no value on Linux and read as empty.
 */
static int compile_param(struct arena *a, const char *text, struct monitor_param *p)
{
	size_t len = strlen(text), i = 0;
	struct param_part *parts = arena_alloc(a, (len + 2) * sizeof(*parts));

	if (!parts)
		return -ENOMEM;
	p->parts = parts;
	while (i < len) {
		const char *d = strchr(text + i, '$'), *end;
		struct param_part part = { 0 };

		if (!d || !(end = strchr(d + 1, '$'))) {
			part.literal = (struct str){ text + i, len - i };
			add_part(p, parts, part);
			break;
		}
		if (d > text + i) {
			part.literal = (struct str){ text + i, (size_t)(d - text - i) };
			add_part(p, parts, part);
			memset(&part, 0, sizeof(part));
		}
		{
			struct str path = { d + 1, (size_t)(end - d - 1) };
			static const char *const strip[] = { "Data/", "Context/", "DataItem/" };
			bool again = true;
			size_t k;

			while (again) {
				again = false;
				for (k = 0; k < 3; k++) {
					size_t sl = strlen(strip[k]);

					if (path.len > sl && strncmp(path.p, strip[k], sl) == 0) {
						path.p += sl;
						path.len -= sl;
						again = true;
					}
				}
			}
			if (strncmp(d + 1, "Target/", 7) == 0) {
				part.is_computer = (memmem(path.p, path.len, "NetworkName", 11) ||
						    memmem(path.p, path.len, "PrincipalName", 13) ||
						    memmem(path.p, path.len, "DNSName", 7) ||
						    memmem(path.p, path.len, "ComputerName", 12));
				if (part.is_computer)
					add_part(p, parts, part);
			} else if (strncmp(d + 1, "Data", 4) == 0 &&
				   field_ref_parse(path.p, path.len, &part.field) == 0) {
				part.is_field = true;
				add_part(p, parts, part);
			}
		}
		i = (size_t)(end - text) + 1;
	}
	return 0;
}

static const char *join_text(struct arena *a, const char *first, const char *label,
			     const char *const *names, size_t n)
{
	struct buf b;
	const char *r;
	size_t i;

	buf_init(&b);
	if (first)
		buf_puts(&b, first);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s: %s", b.len ? "\n\n" : "", label, names[i]);
	r = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return r;
}

/*
 * Diagnosis: the article's Causes (or its Summary) and the diagnostics that run
 * on this monitor. Resolution: its Resolutions and the recoveries.
 */
static int knowledge_text(struct engine *e, const struct mp_pack *pack, const char *id,
			  const struct mp_article *ka, const char **diagnosis,
			  const char **resolution)
{
	const char *diag_names[16], *rec_names[16];
	size_t nd = 0, nr = 0;
	const struct mp_diagnostic *dg;
	const struct mp_recovery *rc;
	const char *causes = mp_article_section(ka, "Causes");

	if (!causes)
		causes = mp_article_section(ka, "Summary");
	for (dg = pack->diagnostics; dg && nd < 16; dg = dg->next)
		if (dg->monitor_id && strcmp(dg->monitor_id, id) == 0)
			diag_names[nd++] = dg->display_name ? dg->display_name : dg->id;
	for (rc = pack->recoveries; rc && nr < 16; rc = rc->next)
		if (rc->monitor_id && strcmp(rc->monitor_id, id) == 0)
			rec_names[nr++] = rc->display_name ? rc->display_name : rc->id;
	*diagnosis = join_text(&e->arena, causes, "Diagnostic", diag_names, nd);
	*resolution = join_text(&e->arena, mp_article_section(ka, "Resolutions"), "Recovery",
				rec_names, nr);
	return *diagnosis && *resolution ? 0 : -ENOMEM;
}

/* Map each OperationalState to a type state; each type state must be mapped once. */
static int map_states(struct monitor *m, struct diag *d)
{
	const struct monitor_type *t = m->type;
	bool seen[MONITOR_MAX_STATES] = { false };
	size_t i;
	unsigned k;
	int r = 0;

	for (i = 0; i < m->def->nstates; i++) {
		const struct mp_opstate *os = &m->def->states[i];

		for (k = 0; k < t->nstates; k++)
			if (os->type_state_id && strcmp(os->type_state_id, t->states[k]) == 0)
				break;
		if (k == t->nstates) {
			diag_error(d, m->def->config ? m->def->config->file : NULL, os->line,
				   "monitor '%s': operational state '%s' names MonitorTypeStateID "
				   "'%s', which type '%s' does not have",
				   m->def->id, os->id, os->type_state_id ? os->type_state_id : "",
				   t->id);
			r = -EINVAL;
			continue;
		}
		if (seen[k]) {
			diag_error(d, m->def->config ? m->def->config->file : NULL, os->line,
				   "monitor '%s': MonitorTypeStateID '%s' is mapped twice",
				   m->def->id, t->states[k]);
			r = -EINVAL;
		}
		seen[k] = true;
		m->health_of[k] = os->health;
		m->opstate_of[k] = os->id;
	}
	for (k = 0; k < t->nstates && r == 0; k++)
		if (!seen[k]) {
			diag_error(d, m->def->config ? m->def->config->file : NULL, m->def->line,
				   "monitor '%s': no operational state for MonitorTypeStateID '%s'",
				   m->def->id, t->states[k]);
			r = -EINVAL;
		}
	return r;
}

static struct log_index *log_for(struct engine *e, const char *name)
{
	struct str s = str_trim(str_of(name));
	struct log_index *li = find_log(e, s);

	if (li)
		return li;
	if (grow((void **)&e->logs, &e->caplogs, e->nlogs + 1, sizeof(*e->logs)) < 0)
		return NULL;
	li = &e->logs[e->nlogs];
	memset(li, 0, sizeof(*li));
	li->name = strndup(s.p, s.len);
	if (!li->name)
		return NULL;
	li->len = s.len;
	e->nlogs++;
	return li;
}

/* Index one subscription: mon is a monitor's index, or a rule's with RULE_BIT. */
static int index_sub(struct engine *e, const char *log_name, const struct expr *x,
		     uint32_t mon, uint32_t sub)
{
	struct log_index *li = log_for(e, log_name);
	uint64_t nums[MAX_NUMBERS];
	size_t n, k;

	if (!li)
		return -ENOMEM;
	if (expr_numbers(x, nums, MAX_NUMBERS, &n)) {
		if (grow((void **)&li->nums, &li->capnums, li->nnums + n, sizeof(*li->nums)) < 0)
			return -ENOMEM;
		for (k = 0; k < n; k++) {
			struct num_ref *r = &li->nums[li->nnums++];

			r->number = nums[k];
			r->mon = mon;
			r->sub = sub;
		}
		li->sorted = false;
	} else {
		if (grow((void **)&li->any, &li->capany, li->nany + 1, sizeof(*li->any)) < 0)
			return -ENOMEM;
		li->any[li->nany].mon = mon;
		li->any[li->nany++].sub = sub;
	}
	return 0;
}

static int index_monitor(struct engine *e, struct mon *mo)
{
	unsigned s;

	for (s = 0; s < mo->m.nsubs; s++)
		if (index_sub(e, mo->m.subs[s].log_name, mo->m.subs[s].expr,
			      (uint32_t)mo->m.index, s) < 0)
			return -ENOMEM;
	return 0;
}

/* Whether def can run; a warning says why not. */
static const struct monitor_type *runnable(const struct mp_monitor *def, struct diag *d)
{
	const char *file = def->config ? def->config->file : NULL;
	const struct monitor_type *t;

	/* a fragment-library template (VSAE ##Token## placeholders) is not a
	 * monitor until its author fills the tokens in: its values cannot parse */
	if (def->id && strstr(def->id, "##")) {
		diag_warn(d, file, def->line,
			  "monitor '%s' is a fragment template with ##placeholders##; fill them "
			  "in to run it, the monitor stays disabled", def->id);
		return NULL;
	}
	switch (def->type_origin) {
	case MP_TYPE_UNRESOLVED:
		return NULL;	/* the loader reported it */
	case MP_TYPE_PACK:
		diag_warn(d, file, def->line,
			  "monitor '%s': type '%s' is composed in the pack; mpmon does not run "
			  "composed types yet, the monitor stays disabled", def->id, def->type_id_raw);
		return NULL;
	case MP_TYPE_EXTERNAL:
		diag_warn(d, file, def->line,
			  "monitor '%s': type '%s' is defined outside this file; the monitor "
			  "stays disabled", def->id, def->type_id_raw);
		return NULL;
	case MP_TYPE_LIBRARY:
		break;
	}
	t = monitor_type_find(def->type_id);
	if (!t)
		diag_warn(d, file, def->line,
			  "monitor '%s': type '%s' is not supported by mpmon yet; the monitor "
			  "stays disabled", def->id, def->type_id_raw);
	return t;
}

static int add_monitor(struct engine *e, const struct mp_pack *pack,
		       const struct mp_monitor *def, const struct monitor_type *t, bool off,
		       int leaf, struct diag *d)
{
	const struct mp_elem *inst;
	struct mon *mo;
	int64_t max;
	unsigned i;
	int r;

	mo = calloc(1, sizeof(*mo));
	if (!mo)
		return -ENOMEM;
	mo->m.def = def;
	mo->m.type = t;
	mo->m.index = e->nmons;
	mo->m.dropped = &e->stats.dropped;
	mo->off = off;
	mo->leaf = leaf;
	r = t->configure(&mo->m, def->config, d);
	if (r == 0)
		r = map_states(&mo->m, d);
	inst = mp_elem_child(def->config, "InstanceField");
	if (r == 0 && inst) {
		struct str f = str_trim(str_of(inst->text));

		if (field_ref_parse(f.p, f.len, &mo->m.instance_field) < 0) {
			diag_error(d, inst->file, inst->line,
				   "monitor '%s': bad InstanceField '%s'", def->id, inst->text);
			r = -EINVAL;
		}
		mo->m.has_instance_field = true;
	}
	if (r == 0)
		r = monitor_config_int(&mo->m, def->config, "MaxInstances", 1, 10000000, true,
				       ENGINE_DEFAULT_MAX_INSTANCES, &max, d);
	if (r < 0) {
		mon_free(mo);
		return r == -ENOMEM ? r : 1;
	}
	mo->m.max_instances = (size_t)max;
	mo->m.params = arena_alloc(&e->arena, MP_ALERT_PARAMS * sizeof(*mo->m.params));
	if (!mo->m.params)
		goto nomem;
	for (i = 0; i < MP_ALERT_PARAMS; i++)
		if (def->alert.params[i]) {
			if (compile_param(&e->arena, def->alert.params[i], &mo->m.params[i]) < 0)
				goto nomem;
			mo->m.nparams = i + 1;
		}
	if (knowledge_text(e, pack, def->id, def->knowledge, &mo->m.diagnosis,
			   &mo->m.resolution) < 0)
		goto nomem;
	if (grow((void **)&e->mons, &e->capmons, e->nmons + 1, sizeof(*e->mons)) < 0)
		goto nomem;
	e->mons[e->nmons++] = mo;
	if (off)
		return 0;
	if (index_monitor(e, mo) < 0)
		return -ENOMEM;
	/* a pack added once the clock runs starts at once */
	return e->started ? mon_start(e, mo) : 0;
nomem:
	mon_free(mo);
	return -ENOMEM;
}

/* ---- rules ---- */

/* Whether rule def can run; a warning names what mpmon does not run. */
static bool rule_runnable(const struct mp_rule *def, const char *file, struct diag *d)
{
	if (def->ndata_sources != 1) {
		diag_warn(d, file, def->line, "rule '%s' has %zu data sources; mpmon runs rules "
			  "with one event data source, the rule stays disabled", def->id,
			  def->ndata_sources);
		return false;
	}
	if (!def->ds_type_id || strcmp(def->ds_type_id, "Microsoft.Windows.EventProvider") != 0) {
		diag_warn(d, file, def->line, "rule '%s': data source '%s' is not supported by "
			  "mpmon yet; the rule stays disabled", def->id,
			  def->ds_type_raw ? def->ds_type_raw : "");
		return false;
	}
	if (def->nconditions) {
		diag_warn(d, file, def->line, "rule '%s': condition detection '%s' is not "
			  "supported by mpmon yet; the rule stays disabled", def->id,
			  def->cd_type_raw ? def->cd_type_raw : "");
		return false;
	}
	if (def->other_wa_raw) {
		diag_warn(d, file, def->other_wa_line, "rule '%s': write action '%s' is not "
			  "supported by mpmon yet (only System.Health.GenerateAlert); the rule "
			  "stays disabled", def->id, def->other_wa_raw);
		return false;
	}
	if (!def->alert.present) {
		diag_warn(d, file, def->line, "rule '%s' has no write action; the rule stays "
			  "disabled", def->id);
		return false;
	}
	return true;
}

/* Compile n parameter texts (NULL ones stay empty); *count is one past the last set. */
static int compile_params(struct arena *a, const char *const *texts, unsigned n,
			  struct monitor_param **out, unsigned *count)
{
	unsigned i;

	*out = arena_alloc(a, (n ? n : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*count = 0;
	for (i = 0; i < n; i++)
		if (texts[i]) {
			if (compile_param(a, texts[i], &(*out)[i]) < 0)
				return -ENOMEM;
			*count = i + 1;
		}
	return 0;
}

static int index_sub(struct engine *e, const char *log_name, const struct expr *x,
		     uint32_t mon, uint32_t sub);

/*
 * A rule's expression. What the compiler finds wrong is a warning here, not an
 * error: SCOM imports such a pack and only that rule fails on the agent (the
 * corpus has rules with a .NET-invalid \U escape and an empty Expression), so
 * the rule stays disabled and the rest of the pack runs.
 */
static int compile_rule_expr(struct rule *ru, const struct mp_elem *ex, struct diag *d)
{
	struct diag local;
	size_t i;
	int r;

	diag_init(&local);
	r = expr_compile(ex, &ru->expr, &local);
	for (i = 0; i < local.n; i++)
		diag_add(d, local.v[i].severity == DIAG_ERROR ? DIAG_WARNING : local.v[i].severity,
			 local.v[i].file, local.v[i].line, "rule '%s' stays disabled: %s",
			 ru->def->id, local.v[i].message);
	if (r == 0 && local.errors)
		r = -EINVAL;
	diag_release(&local);
	return r;
}

/* Returns 0 when added, 1 when the configuration is bad (reported), -ENOMEM. */
static int add_rule(struct engine *e, const struct mp_pack *pack, const struct mp_rule *def,
		    bool off, struct diag *d)
{
	const struct mp_elem *ds = def->ds_config;
	const struct mp_elem *log = mp_elem_child(ds, "LogName");
	const struct mp_elem *ex = mp_elem_child(ds, "Expression");
	struct rule *ru;
	int r;

	if (!log || !str_trim(str_of(log->text)).len) {
		diag_error(d, pack->file, log ? log->line : ds ? ds->line : def->line,
			   "rule '%s': data source lacks 'LogName'", def->id);
		return 1;
	}
	if (!ex || !mp_elem_child(ex, NULL)) {
		diag_error(d, pack->file, ex ? ex->line : ds->line,
			   "rule '%s': data source lacks 'Expression'", def->id);
		return 1;
	}
	ru = calloc(1, sizeof(*ru));
	if (!ru)
		return -ENOMEM;
	ru->def = def;
	ru->off = off;
	ru->log_name = log->text;
	r = compile_rule_expr(ru, ex, d);
	if (r < 0) {
		rule_free(ru);
		return r == -ENOMEM ? r : 1;
	}
	if (compile_params(&e->arena, def->alert.params, MP_ALERT_PARAMS, &ru->params,
			   &ru->nparams) < 0 ||
	    compile_params(&e->arena, def->alert.suppression, (unsigned)def->alert.nsuppression,
			   &ru->supp_vals, &ru->nsupp_vals) < 0 ||
	    knowledge_text(e, pack, def->id, def->knowledge, &ru->diagnosis,
			   &ru->resolution) < 0 ||
	    grow((void **)&e->rules, &e->caprules, e->nrules + 1, sizeof(*e->rules)) < 0) {
		rule_free(ru);
		return -ENOMEM;
	}
	e->rules[e->nrules++] = ru;
	if (off)
		return 0;
	return index_sub(e, ru->log_name, ru->expr, (uint32_t)(e->nrules - 1) | RULE_BIT, 0);
}

static bool rule_known(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		if (strcmp(e->rules[i]->def->id, id) == 0)
			return true;
	return false;
}

static int add_rules(struct engine *e, const struct mp_pack *pack, struct diag *d)
{
	const struct mp_rule *def;
	bool off;
	int r;

	for (def = pack->rules; def; def = def->next) {
		if (!rule_runnable(def, pack->file, d)) {
			e->stats.rules_disabled++;
			continue;
		}
		if (rule_known(e, def->id)) {
			diag_error(d, pack->file, def->line,
				   "rule '%s' is already defined by another pack", def->id);
			e->stats.rules_disabled++;
			continue;
		}
		off = !def->enabled && !e->enable_all;
		if (off)
			diag_add(d, DIAG_NOTE, pack->file, def->line,
				 "rule '%s' is turned off in the pack (Enabled=\"false\")", def->id);
		r = add_rule(e, pack, def, off, d);
		if (r < 0)
			return r;
		if (r > 0)
			e->stats.rules_disabled++;
		else if (off)
			e->stats.rules_off++;
		else
			e->stats.rules_run++;
	}
	return 0;
}

/* The suppression values of ev joined into e->key (a unit separator between them). */
static int suppression_key(struct engine *e, const struct rule *ru, const struct event *ev)
{
	unsigned i;

	buf_reset(&e->key);
	for (i = 0; i < ru->nsupp_vals; i++) {
		if (i && buf_putc(&e->key, '\x1f') < 0)
			return -ENOMEM;
		if (fill_param(&e->key, NULL, &ru->supp_vals[i], ev, (struct str){ "", 0 }) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Count ev against the rule's open alerts: 1 and *repeats set when an alert with
 * the same suppression key is open (a repeat), 0 for a new alert, -ENOMEM.
 * Without <Suppression> every event is a new alert. A new key is remembered
 * until RULE_MAX_SUPPRESSED are; past that new keys are not (each event then
 * raises an alert, and suppression_full counts it).
 */
static int rule_suppress(struct engine *e, struct rule *ru, const struct event *ev,
			 uint64_t *repeats)
{
	struct supp *sp, **b;
	struct str key;
	uint64_t h;

	*repeats = 0;
	if (!ru->def->alert.has_suppression)
		return 0;
	if (suppression_key(e, ru, ev) < 0)
		return -ENOMEM;
	key = (struct str){ e->key.data, e->key.len };
	h = str_hash(key);
	for (sp = ru->nbuckets ? ru->buckets[h & (ru->nbuckets - 1)] : NULL; sp; sp = sp->hnext)
		if (sp->hash == h && sp->len == key.len && memcmp(sp->key, key.p, key.len) == 0) {
			*repeats = ++sp->repeats;
			return 1;
		}
	if (ru->nkeys >= RULE_MAX_SUPPRESSED) {
		e->stats.suppression_full++;
		return 0;
	}
	if (ru->nkeys + 1 > ru->nbuckets) {
		size_t n = ru->nbuckets ? ru->nbuckets * 2 : 8, i;
		struct supp *next;

		b = calloc(n, sizeof(*b));
		if (!b)
			return -ENOMEM;
		for (i = 0; i < ru->nbuckets; i++)
			for (sp = ru->buckets[i]; sp; sp = next) {
				next = sp->hnext;
				sp->hnext = b[sp->hash & (n - 1)];
				b[sp->hash & (n - 1)] = sp;
			}
		free(ru->buckets);
		ru->buckets = b;
		ru->nbuckets = n;
	}
	sp = calloc(1, sizeof(*sp) + key.len + 1);
	if (!sp)
		return -ENOMEM;
	sp->hash = h;
	sp->len = key.len;
	if (key.len)
		memcpy(sp->key, key.p, key.len);
	sp->hnext = ru->buckets[h & (ru->nbuckets - 1)];
	ru->buckets[h & (ru->nbuckets - 1)] = sp;
	ru->nkeys++;
	return 0;
}

/* ev passed the rule's filter: a new alert or a repeat of an open one. */
static int rule_fire(struct engine *e, struct rule *ru, const struct event *ev)
{
	const struct mp_rule_alert *a = &ru->def->alert;
	struct state_change c;
	uint64_t repeats;
	int k;

	k = rule_suppress(e, ru, ev, &repeats);
	if (k < 0)
		return k;
	if (fill_text(&e->msg, first_text(a->message_text, a->description, a->message_name,
					  first_text(a->name, ru->def->display_name, NULL,
						     ru->def->id)),
		      NULL, ru->params, ru->nparams, ev, (struct str){ "", 0 }) < 0)
		return -ENOMEM;
	memset(&c, 0, sizeof(c));
	c.kind = CHANGE_RULE;
	c.seq = e->seq++;
	c.time = e->now;
	c.monitor_id = ru->def->id;
	c.instance = "";
	c.from = c.to = MP_HEALTH_UNINITIALIZED;
	c.state = "";
	c.cause = CAUSE_EVENT;
	c.alert = k == 0;
	c.repeat_count = repeats;
	c.severity = a->severity;
	c.priority = a->priority;
	c.alert_name = first_text(a->message_name, a->name, NULL, "");
	c.message = e->msg.data;
	c.diagnosis = ru->diagnosis;
	c.resolution = ru->resolution;
	c.event = ev;
	c.target = "";
	c.rule = ru->def;
	if (k == 0)
		e->stats.rule_alerts++;
	else
		e->stats.rule_repeats++;
	if (e->emit)
		e->emit(e->arg, &c);
	return 0;
}

enum engine_status engine_rule_status(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		if (strcmp(e->rules[i]->def->id, id) == 0)
			return e->rules[i]->off ? ENGINE_OFF : ENGINE_RUN;
	return ENGINE_NOT_LOADED;
}

int engine_add_pack(struct engine *e, const struct mp_pack *pack, struct diag *d)
{
	const struct mp_monitor *def;
	size_t i;

	if (rollup_add_aggregates(e->rollup, pack, d) < 0)
		return -ENOMEM;
	for (def = pack->monitors; def; def = def->next) {
		const struct monitor_type *t;
		bool dup = false, off;
		int r, leaf;

		leaf = rollup_add_leaf(e->rollup, def, pack->file, d);
		if (leaf == -ENOMEM)
			return leaf;
		t = runnable(def, d);

		if (t && !def->config) {
			diag_error(d, pack->file, def->line, "monitor '%s' has no Configuration",
				   def->id);
			t = NULL;
		}
		for (i = 0; t && i < e->nmons && !dup; i++)
			dup = strcmp(e->mons[i]->m.def->id, def->id) == 0;
		if (dup) {
			diag_error(d, pack->file, def->line,
				   "monitor '%s' is already defined by another pack", def->id);
			t = NULL;
		}
		if (!t) {
			e->stats.monitors_disabled++;
			continue;
		}
		off = !def->enabled && !e->enable_all;
		if (off)
			diag_add(d, DIAG_NOTE, pack->file, def->line,
				 "monitor '%s' is turned off in the pack (Enabled=\"false\")",
				 def->id);
		r = add_monitor(e, pack, def, t, off, leaf, d);
		if (r < 0)
			return r;
		if (r > 0)
			e->stats.monitors_disabled++;
		else if (off)
			e->stats.monitors_off++;
		else
			e->stats.monitors_run++;
	}
	return add_rules(e, pack, d);
}

void engine_enable_all(struct engine *e)
{
	e->enable_all = true;
}

enum engine_status engine_monitor_status(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nmons; i++)
		if (strcmp(e->mons[i]->m.def->id, id) == 0)
			return e->mons[i]->off ? ENGINE_OFF : ENGINE_RUN;
	return ENGINE_NOT_LOADED;
}

void engine_get_stats(const struct engine *e, struct engine_stats *s)
{
	*s = e->stats;
}

void engine_set_seq(struct engine *e, uint64_t next)
{
	e->seq = next;
}

/* ---- state for other processes, and checkpoints ---- */

int engine_foreach(const struct engine *e,
		   int (*fn)(void *arg, const struct engine_instance_info *info), void *arg)
{
	struct engine_instance_info info;
	const struct inst *in;
	size_t i;
	int r;

	for (i = 0; i < e->nmons; i++) {
		const struct mon *mo = e->mons[i];

		if (mo->off)
			continue;
		for (in = mo->lru_head; in; in = in->next) {
			info.monitor = &mo->m;
			info.monitor_id = mo->m.def->id;
			info.instance = in->key;
			info.instance_len = in->key_len;
			info.health = in->health;
			info.state = in->state >= 0 ? mo->m.opstate_of[in->state] : NULL;
			info.since = in->since;
			info.alert_open = in->alert_open;
			r = fn(arg, &info);
			if (r)
				return r;
		}
	}
	return 0;
}

#define STATE_MAGIC "mpmon-state 1\n"

/* Percent-encode a token so it holds no white space; "" is a lone "%". */
static int put_token(struct buf *b, const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return buf_putc(b, '%');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int r = c <= 0x20 || c == '%' || c == 0x7f ? buf_printf(b, "%%%02X", c)
							   : buf_putc(b, (char)c);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char hexdig[] = "0123456789abcdef";

int engine_save(const struct engine *e, struct buf *out)
{
	size_t start = out->len, i, k;
	const struct inst *in;
	int r = 0;

	r |= buf_puts(out, STATE_MAGIC);
	r |= buf_printf(out, "seq %" PRIu64 "\nnow %" PRId64 "\n", e->seq, e->now);
	for (i = 0; i < e->nmons && r == 0; i++) {
		const struct mon *mo = e->mons[i];
		const struct monitor_type *t = mo->m.type;

		if (mo->off)
			continue;
		for (in = mo->lru_head; in && r == 0; in = in->next) {
			r |= buf_puts(out, "i ");
			r |= put_token(out, mo->m.def->id, strlen(mo->m.def->id));
			r |= buf_putc(out, ' ');
			r |= put_token(out, t->id, strlen(t->id));
			r |= buf_putc(out, ' ');
			r |= put_token(out, in->key, in->key_len);
			r |= buf_printf(out, " %s %s %d %" PRId64 " %" PRId64 " %zu ",
					in->state >= 0 ? t->states[in->state] : "-",
					mp_health_name(in->health), in->alert_open ? 1 : 0,
					in->deadline, in->since, t->state_size);
			for (k = 0; k < t->state_size && r == 0; k++) {
				r |= buf_putc(out, hexdig[in->tstate[k] >> 4]);
				r |= buf_putc(out, hexdig[in->tstate[k] & 15]);
			}
			if (t->state_size == 0)
				r |= buf_putc(out, '-');
			r |= buf_putc(out, '\n');
		}
	}
	if (r == 0)
		r = buf_printf(out, "end %016" PRIx64 "\n",
			       str_hash((struct str){ out->data + start, out->len - start }));
	return r < 0 ? -ENOMEM : 0;
}

/* Split the next space-separated token off *p (up to end). */
static bool next_token(const char **p, const char *end, struct str *tok)
{
	const char *s = *p, *t;

	if (s >= end)
		return false;
	t = memchr(s, ' ', (size_t)(end - s));
	if (!t)
		t = end;
	tok->p = s;
	tok->len = (size_t)(t - s);
	*p = t < end ? t + 1 : end;
	return tok->len > 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a percent-encoded token into b; false when malformed. */
static bool get_token(struct str tok, struct buf *b)
{
	size_t i;

	buf_reset(b);
	if (tok.len == 1 && tok.p[0] == '%')
		return true;
	for (i = 0; i < tok.len; i++) {
		char c = tok.p[i];

		if (c == '%') {
			int hi = i + 2 < tok.len ? hexval(tok.p[i + 1]) : -1;
			int lo = i + 2 < tok.len ? hexval(tok.p[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return false;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (buf_putc(b, c) < 0)
			return false;
	}
	return true;
}

struct saved_inst {
	struct mon *mon;
	char *key;
	size_t key_len;
	int state;
	enum mp_health health;
	bool alert_open;
	int64_t deadline, since;
	unsigned char *bytes;	/* NULL: keep the type state zeroed */
};

static void saved_free(struct saved_inst *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].bytes);
	}
	free(v);
}

static bool tok_eq(struct str tok, const char *s)
{
	return tok.len == strlen(s) && memcmp(tok.p, s, tok.len) == 0;
}

static struct mon *find_running(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nmons; i++)
		if (!e->mons[i]->off && strcmp(e->mons[i]->m.def->id, id) == 0)
			return e->mons[i];
	return NULL;
}

/*
 * Parse one "i" line. Returns 1 when si was filled, 0 when the line is well
 * formed but its monitor is gone or changed (skipped), -EINVAL when malformed.
 */
static int parse_inst(const struct engine *e, const char *p, const char *end,
		      struct saved_inst *si, struct buf *b)
{
	const struct monitor_type *t;
	struct str tok[10];
	char num[32];
	uint64_t size;
	unsigned k;

	memset(si, 0, sizeof(*si));
	for (k = 0; k < 10; k++)
		if (!next_token(&p, end, &tok[k]))
			return -EINVAL;
	if (p != end || !get_token(tok[0], b))
		return -EINVAL;
	si->mon = find_running(e, b->data);
	if (!get_token(tok[1], b))
		return -EINVAL;
	if (!si->mon || strcmp(si->mon->m.type->id, b->data) != 0)
		return 0;
	t = si->mon->m.type;
	if (!get_token(tok[2], b))
		return -EINVAL;
	si->key = malloc(b->len + 1);
	if (!si->key)
		return -ENOMEM;
	memcpy(si->key, b->data, b->len + 1);
	si->key_len = b->len;
	si->state = -1;
	for (k = 0; k < t->nstates; k++)
		if (tok_eq(tok[3], t->states[k]))
			si->state = (int)k;
	if (si->state < 0 && !tok_eq(tok[3], "-"))
		return 0;
	if (tok[4].len >= sizeof(num))
		return -EINVAL;
	memcpy(num, tok[4].p, tok[4].len);
	num[tok[4].len] = '\0';
	if (!mp_health_parse(num, &si->health) || !tok_eq(tok[5], "0") == !tok_eq(tok[5], "1"))
		return -EINVAL;
	si->alert_open = tok_eq(tok[5], "1");
	if (!str_to_i64(tok[6], &si->deadline) || !str_to_i64(tok[7], &si->since) ||
	    !str_to_u64(tok[8], &size))
		return -EINVAL;
	/* a type whose state changed size starts afresh; the caller decodes the bytes */
	if (size != 0 && tok[9].len != 2 * size)
		return -EINVAL;
	return 1;
}

int engine_restore(struct engine *e, const char *data, size_t len, size_t *skipped)
{
	const char *p = data, *end = data + len, *endline;
	struct saved_inst *v = NULL;
	size_t n = 0, cap = 0, nskip = 0, i;
	uint64_t seq = 1, want;
	int64_t now = INT64_MIN;
	struct buf b;
	int r = -EINVAL;

	buf_init(&b);
	endline = len >= 2 ? memrchr(data, '\n', len - 1) : NULL;
	endline = endline ? endline + 1 : data;
	if (len < strlen(STATE_MAGIC) || memcmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0 ||
	    strncmp(endline, "end ", 4) != 0 || data[len - 1] != '\n' ||
	    sscanf(endline + 4, "%" SCNx64, &want) != 1 ||
	    want != str_hash((struct str){ data, (size_t)(endline - data) }))
		goto out;
	p = data + strlen(STATE_MAGIC);
	end = endline;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct saved_inst si;
		int k;

		if (!nl)
			goto out;
		if (nl - p > 4 && strncmp(p, "seq ", 4) == 0) {
			if (!str_to_u64((struct str){ p + 4, (size_t)(nl - p - 4) }, &seq))
				goto out;
		} else if (nl - p > 4 && strncmp(p, "now ", 4) == 0) {
			if (!str_to_i64((struct str){ p + 4, (size_t)(nl - p - 4) }, &now))
				goto out;
		} else if (nl - p > 2 && strncmp(p, "i ", 2) == 0) {
			k = parse_inst(e, p + 2, nl, &si, &b);
			if (k == 1) {
				const char *hex = nl;
				size_t size = si.mon->m.type->state_size, j;

				/* the hex bytes are the line's last token */
				while (hex > p && hex[-1] != ' ')
					hex--;
				if ((size_t)(nl - hex) == 2 * size && size) {
					si.bytes = malloc(size);
					for (j = 0; si.bytes && j < size; j++) {
						int hi = hexval(hex[2 * j]), lo = hexval(hex[2 * j + 1]);

						if (hi < 0 || lo < 0) {
							free(si.bytes);
							free(si.key);
							goto out;
						}
						si.bytes[j] = (unsigned char)(hi << 4 | lo);
					}
				}
				if (grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
					free(si.key);
					free(si.bytes);
					r = -ENOMEM;
					goto out;
				}
				v[n++] = si;
			} else if (k == 0) {
				free(si.key);
				nskip++;
			} else {
				free(si.key);
				r = k;
				goto out;
			}
		} else {
			goto out;
		}
		p = nl + 1;
	}
	/* all parsed: now apply; the roll-up follows without records */
	e->quiet = true;
	for (i = 0; i < n; i++) {
		struct str key = { v[i].key, v[i].key_len };
		struct inst *in = inst_get(e, v[i].mon, key, NULL);

		if (!in) {
			r = -ENOMEM;
			goto out;
		}
		in->state = v[i].state;
		in->health = v[i].health;
		if (rollup_leaf_set(e, v[i].mon, in, in->health, e->now, CAUSE_EVENT, NULL) < 0) {
			r = -ENOMEM;
			goto out;
		}
		in->alert_open = v[i].alert_open;
		in->since = v[i].since;
		if (v[i].bytes)
			memcpy(in->tstate, v[i].bytes, v[i].mon->m.type->state_size);
		if (set_deadline(e, in, v[i].deadline) < 0) {
			r = -ENOMEM;
			goto out;
		}
	}
	e->seq = seq;
	if (now > e->now)
		e->now = now;
	if (skipped)
		*skipped = nskip;
	r = 0;
out:
	e->quiet = false;
	saved_free(v, n);
	buf_release(&b);
	return r;
}
