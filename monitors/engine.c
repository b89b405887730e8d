/*
 * The engine. Monitors are set up from packs; a dispatch index keyed by log name
 * and event number picks the subscriptions an event could pass, so most monitors
 * never see most events. Each monitor keeps one instance, or one per value of its
 * InstanceField (bounded; the least recently used is evicted). Timers sit in a
 * min-heap and fire at their own deadline, before any later event, so a replay
 * gives the same records as the live run that read the same events.
 *
 * Each change of a unit monitor's health is passed to the roll-up (rollup.c),
 * whose changes become records of their own when roll-up is on. Event rules that
 * raise alerts share the dispatch index (engine_rule.c); checkpoints and
 * iteration are in engine_state.c.
 */
#include "monitors/engine.h"
#include "monitors/engine_int.h"

#include "lib/arena.h"
#include "lib/array.h"
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
	buf_init(&e->ikey);
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
	hmap_release(&mo->insts);
	engine_settings_free(&mo->settings);
	if (mo->m.type && mo->m.type->release)
		mo->m.type->release(&mo->m);
	for (i = 0; i < mo->m.nsubs; i++)
		expr_free(mo->m.subs[i].expr);
	free(mo);
}

void engine_free(struct engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nmons; i++)
		mon_free(e->mons[i]);
	free(e->mons);
	free(e->hearers);
	hmap_release(&e->ids);
	for (i = 0; i < e->nrules; i++)
		engine_rule_free(e->rules[i]);
	free(e->rules);
	engine_actions_free(e);
	rollup_free(e->rollup);
	buf_release(&e->key);
	buf_release(&e->ikey);
	for (i = 0; i < e->ncomputers; i++)
		free(e->computer_list[i]);
	free(e->computer_list);
	hmap_release(&e->computers);
	for (i = 0; i < e->nlogs; i++) {
		free(e->logs[i].name);
		free(e->logs[i].nums);
		free(e->logs[i].pubs);
		free(e->logs[i].runs);
		hmap_release(&e->logs[i].pub_runs);
		free(e->logs[i].any);
	}
	free(e->logs);
	free(e->heap);
	free(e->cand);
	free(e->merged);
	free(e->packs);
	free(e->disabled);
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
	in->heap_pos = (uint32_t)i;
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

	if (i == INST_NOT_IN_HEAP)
		return;
	in->heap_pos = INST_NOT_IN_HEAP;
	if (i == --e->nheap)
		return;
	moved = e->heap[e->nheap];
	heap_set(e, i, moved);
	heap_down(e, i);
	heap_up(e, moved->heap_pos);
}

/* Put in at its (new) deadline; MONITOR_NO_DEADLINE takes it out. */
int engine_set_deadline(struct engine *e, struct inst *in, int64_t deadline)
{
	if (deadline == in->deadline)
		return 0;
	heap_remove(e, in);
	in->deadline = deadline;
	if (deadline == MONITOR_NO_DEADLINE)
		return 0;
	if (e->nheap >= INST_NOT_IN_HEAP ||
	    array_grow((void **)&e->heap, &e->capheap, e->nheap + 1, sizeof(*e->heap)) < 0)
		return -ENOMEM;
	in->deadline_seq = e->deadline_seq++;
	e->heap[e->nheap] = in;
	heap_up(e, e->nheap++);
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

/*
 * Drop an instance at its monitor's bound. Its health no longer counts in the
 * roll-up, as if it had gone back to Uninitialized.
 */
static int inst_drop(struct engine *e, struct mon *mo, struct inst *in)
{
	if (engine_rollup_leaf_set(e, mo, in, MP_HEALTH_UNINITIALIZED, e->now, CAUSE_EVENT, NULL) < 0)
		return -ENOMEM;
	hmap_remove(&mo->insts, &in->node);
	lru_unlink(mo, in);
	heap_remove(e, in);
	mo->count--;
	free(in);
	return 0;
}

/*
 * The instance for key, created when missing (*created says so when not NULL);
 * NULL when memory runs out.
 */
/* The type state's size rounded up: the key follows it. */
static size_t state_room(const struct mon *mo)
{
	return (mo->m.type->state_size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

struct str engine_inst_key(const struct inst *in)
{
	return (struct str){ in->node.key, in->node.len };
}

int engine_key_make(struct buf *b, struct str computer, struct str instance)
{
	size_t n = computer.len < ENGINE_COMPUTER_MAX ? computer.len : ENGINE_COMPUTER_MAX;

	buf_reset(b);
	if (buf_putc(b, (char)(unsigned char)n) < 0 || (n && buf_append(b, computer.p, n) < 0) ||
	    (instance.len && buf_append(b, instance.p, instance.len) < 0))
		return -ENOMEM;
	return 0;
}

void engine_key_split(struct str key, struct str *computer, struct str *instance)
{
	size_t n = key.len ? (unsigned char)key.p[0] : 0;

	if (n + 1 > key.len)	/* not a key engine_key_make made */
		n = key.len ? key.len - 1 : 0;
	*computer = (struct str){ key.len ? key.p + 1 : "", n };
	*instance = (struct str){ key.len ? key.p + 1 + n : "", key.len ? key.len - 1 - n : 0 };
}

struct inst *engine_inst_get(struct engine *e, struct mon *mo, struct str key, bool *created)
{
	size_t size = state_room(mo);
	struct hmap_node *n = hmap_get(&mo->insts, key.p, key.len);
	struct inst *in;

	if (n) {
		in = HMAP_ENTRY(n, struct inst, node);
		if (in != mo->lru_tail) {
			lru_unlink(mo, in);
			lru_push(mo, in);
		}
		if (created)
			*created = false;
		return in;
	}
	if (mo->count >= mo->m.max_instances && mo->lru_head) {
		if (inst_drop(e, mo, mo->lru_head) < 0)
			return NULL;
		e->stats.evictions++;
	}
	if (key.len > INST_MAX_KEY)
		return NULL;
	in = calloc(1, sizeof(*in) + size + key.len + 1);
	if (!in)
		return NULL;
	in->mon = mo;
	in->state = -1;
	in->health = MP_HEALTH_UNINITIALIZED;
	in->deadline = MONITOR_NO_DEADLINE;
	in->heap_pos = INST_NOT_IN_HEAP;
	if (key.len)
		memcpy(in->tstate + size, key.p, key.len);
	if (hmap_insert(&mo->insts, &in->node, in->tstate + size, key.len) < 0) {
		free(in);
		return NULL;
	}
	lru_push(mo, in);
	mo->count++;
	if (created)
		*created = true;
	return in;
}

/* The key of no computer and no instance, as engine_key_make writes it. */
#define NO_KEY ((struct str){ "", 1 })

/*
 * The key of ev's instance of mo in e->ikey: its computer when the monitor
 * keeps one state per computer, its InstanceField's value when it has one.
 * 0; 1 when ev lacks the InstanceField (no instance of mo); -ENOMEM.
 */
static int event_key(struct engine *e, const struct mon *mo, const struct event *ev,
		     struct str *key)
{
	struct str computer = { "", 0 }, instance = { "", 0 };

	if (mo->m.per_computer && ev->slot[EVENT_COMPUTER].p)
		computer = ev->slot[EVENT_COMPUTER];
	if (mo->m.has_instance_field) {
		instance = event_get(ev, &mo->m.instance_field);
		if (!instance.p)
			return 1;
	}
	if (!computer.len && !instance.len) {
		*key = NO_KEY;
		return 0;
	}
	if (engine_key_make(&e->ikey, computer, instance) < 0)
		return -ENOMEM;
	*key = (struct str){ e->ikey.data, e->ikey.len };
	return 0;
}

/* ---- records ---- */

static bool same_field(const struct field_ref *a, const struct field_ref *b)
{
	return a->kind == b->kind && a->index == b->index &&
	       (a->kind != FIELD_NAMED || str_eq(a->name, b->name));
}

/*
 * Without an event (a timer or a reset moved the instance), a parameter that
 * reads the computer or the monitor's InstanceField still has a value: the
 * instance's, which every event of this instance carried in that field. So a
 * missed heartbeat or correlation can name its computer, device or host.
 */
static struct str param_without_event(const struct monitor *m, const struct param_part *pp,
				      struct str computer, struct str instance)
{
	static const struct field_ref host = { FIELD_SLOT, EVENT_COMPUTER, { NULL, 0 } };
	bool is_host = pp->is_computer || (pp->is_field && same_field(&pp->field, &host));

	if (!m)
		return (struct str){ NULL, 0 };
	if (is_host && m->per_computer)
		return computer;
	if (!m->has_instance_field)
		return (struct str){ NULL, 0 };
	if ((is_host && same_field(&m->instance_field, &host)) ||
	    (pp->is_field && same_field(&m->instance_field, &pp->field)))
		return instance;
	return (struct str){ NULL, 0 };
}

void engine_on_property(struct engine *e, engine_property_fn *fn, const void *arg)
{
	e->prop_fn = fn;
	e->prop_arg = arg;
}

/* A target property from the inventory: of the event's computer, else the instance's. */
static const char *target_property(const struct engine *e, const struct param_part *pp,
				   const struct event *ev, struct str computer)
{
	if (!pp->prop.len || !e || !e->prop_fn)
		return NULL;
	if (ev && ev->slot[EVENT_COMPUTER].p)
		computer = ev->slot[EVENT_COMPUTER];
	return computer.len ? e->prop_fn(e->prop_arg, computer, pp->prop) : NULL;
}

int engine_fill_param(const struct engine *e, struct buf *b, const struct monitor *m,
		      const struct monitor_param *p, const struct event *ev, struct str computer,
		      struct str instance)
{
	unsigned i;

	for (i = 0; i < p->nparts; i++) {
		const struct param_part *pp = &p->parts[i];
		const char *prop = target_property(e, pp, ev, computer);
		struct str v = pp->literal;

		if (prop)
			v = str_of(prop);
		else if (!ev && (pp->is_computer || pp->is_field))
			v = param_without_event(m, pp, computer, instance);
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
 * Text t with {0}..{9} replaced by the alert parameters. m, computer and
 * instance stand in for a missing event, as param_without_event says; m may
 * be NULL.
 */
int engine_fill_text(const struct engine *e, struct buf *b, const char *t, const struct monitor *m,
		     const struct monitor_param *params, unsigned nparams, const struct event *ev,
		     struct str computer, struct str instance)
{
	const char *p;

	buf_reset(b);
	for (p = t; *p; p++) {
		if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
			unsigned n = (unsigned)(p[1] - '0');

			if (n < nparams &&
			    engine_fill_param(e, b, m, &params[n], ev, computer, instance) < 0)
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
const char *engine_first_text(const char *a, const char *b, const char *c, const char *last)
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
static int fill_message(const struct engine *e, struct buf *b, const struct monitor *m,
			const struct event *ev, struct str computer, struct str instance)
{
	const struct mp_alert *a = &m->def->alert;

	return engine_fill_text(e, b, engine_first_text(a->message_text, a->message_name,
							m->def->display_name, m->def->id),
				m, m->params, m->nparams, ev, computer, instance);
}

/*
 * The message of a record that raises no alert. As in SCOM, the alert's text
 * belongs to the alert, and the alert keeps the text of the event that raised
 * it: a change that resolves it says so and names it, so that nothing reads
 * like the failure again, nor is filled half from a timer or a reset that has
 * none of the event's data; any other change has no alert message.
 */
static int other_message(struct buf *b, bool resolved, const char *name, const char *display,
			 const char *id)
{
	buf_reset(b);
	if (!resolved)
		return 0;
	return buf_printf(b, "alert resolved: %s", engine_first_text(name, display, NULL, id));
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
	const struct mp_computer_setting *set;
	const struct mp_alert *a;
	struct str computer, instance;
	struct state_change c;
	enum mp_health health;

	if (to < 0 || (unsigned)to >= m->type->nstates || to == in->state)
		return 0;
	in->state = to;
	health = m->health_of[to];
	if (health == in->health)
		return 0;
	engine_key_split(engine_inst_key(in), &computer, &instance);
	/* a group's or a computer's override may set the alert there */
	set = engine_setting_at(&in->mon->settings, computer);
	a = set ? &set->alert : &m->def->alert;
	memset(&c, 0, sizeof(c));
	c.from = in->health;
	c.to = health;
	in->health = health;
	in->since = now;
	if (a->present) {
		if (health >= a->on_state && !in->alert_open) {
			c.alert = true;
			in->alert_open = true;
		} else if (health <= MP_HEALTH_SUCCESS && in->alert_open && a->auto_resolve) {
			/* SCOM's AutoResolve: back to healthy, not merely below AlertOnState */
			c.alert_resolved = true;
			in->alert_open = false;
		}
	}
	if (c.alert ? fill_message(e, &e->msg, m, ev, computer, instance) < 0 :
		      other_message(&e->msg, c.alert_resolved, a->message_name, m->def->display_name,
				    m->def->id) < 0)
		return -ENOMEM;
	c.seq = e->seq++;
	c.time = now;
	c.monitor = m;
	c.monitor_id = m->def->id;
	c.computer = computer.p;
	c.computer_len = computer.len;
	c.instance = instance.p;
	c.instance_len = instance.len;
	c.state = m->opstate_of[to];
	c.cause = cause;
	c.severity = severity_of(a, health);
	c.priority = a->present ? a->priority : MP_PRIORITY_NORMAL;
	c.alert_name = (c.alert || c.alert_resolved) && a->message_name ? a->message_name : "";
	c.message = e->msg.data;
	/* the knowledge is about the failure: current while the instance is not healthy */
	c.diagnosis = health > MP_HEALTH_SUCCESS ? m->diagnosis : "";
	c.resolution = health > MP_HEALTH_SUCCESS ? m->resolution : "";
	c.event = ev;
	c.kind = CHANGE_MONITOR;
	c.target = "";
	e->stats.changes++;
	if (e->emit)
		e->emit(e->arg, &c);
	return engine_rollup_leaf_set(e, in->mon, in, health, now, cause, ev);
}

/* ---- roll-up ---- */

/* A roll-up change becomes a record; aggregates' alert messages read the event. */
static int emit_rollup(void *arg, const struct rollup_change *rc)
{
	struct engine *e = arg;
	const struct mp_aggregate *g = rc->def;
	struct str computer, instance;
	struct state_change c;

	engine_key_split((struct str){ rc->key, rc->key_len }, &computer, &instance);
	memset(&c, 0, sizeof(c));
	c.kind = CHANGE_ROLLUP;
	c.from = rc->from;
	c.to = rc->to;
	c.alert = rc->alert;
	c.alert_resolved = rc->alert_resolved;
	if (g) {
		c.severity = severity_of(&g->alert, rc->to);
		c.priority = g->alert.present ? g->alert.priority : MP_PRIORITY_NORMAL;
		c.alert_name = (c.alert || c.alert_resolved) && g->alert.message_name ?
				       g->alert.message_name : "";
		/* aggregate parameters name target properties, which Linux does not have */
		if (c.alert ? engine_fill_text(e, &e->msg, engine_first_text(g->alert.message_text,
						  g->alert.message_name, g->display_name, g->id),
					      NULL, NULL, 0, e->rollup_ev, computer, instance) < 0 :
			      other_message(&e->msg, c.alert_resolved, g->alert.message_name,
					    g->display_name, g->id) < 0)
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
	c.computer = computer.p;
	c.computer_len = computer.len;
	c.instance = instance.p;
	c.instance_len = instance.len;
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
int engine_rollup_leaf_set(struct engine *e, const struct mon *mo, const struct inst *in,
			   enum mp_health h, int64_t now, enum state_cause cause,
			   const struct event *ev)
{
	if (!e->rollup_on || mo->leaf < 0)
		return 0;
	e->rollup_ev = ev;
	e->rollup_cause = cause;
	e->rollup_now = now;
	return rollup_set(e->rollup, mo->leaf, engine_inst_key(in), h,
			  e->quiet ? NULL : emit_rollup, e);
}

void engine_enable_rollup(struct engine *e)
{
	e->rollup_on = true;
}

enum mp_health engine_rollup_health(const struct engine *e, const char *node_id,
				    const char *target, const char *computer, const char *instance)
{
	enum mp_health h;
	struct buf key;

	if (!e->rollup_on)
		return MP_HEALTH_UNINITIALIZED;
	buf_init(&key);
	h = engine_key_make(&key, str_of(computer ? computer : ""),
			    str_of(instance ? instance : "")) < 0 ? MP_HEALTH_UNINITIALIZED :
		rollup_health(e->rollup, node_id, target, (struct str){ key.data, key.len });
	buf_release(&key);
	return h;
}

bool engine_computer_monitored(const struct engine *e, struct str computer)
{
	char key[1 + ENGINE_COMPUTER_MAX];
	size_t i;

	if (!e->nhearers || !computer.len || computer.len > ENGINE_COMPUTER_MAX)
		return true;
	key[0] = (char)(unsigned char)computer.len;
	memcpy(key + 1, computer.p, computer.len);
	for (i = 0; i < e->nhearers; i++) {
		struct hmap_node *n = e->hearers[i]->m.per_computer ?
			hmap_get(&e->hearers[i]->insts, key, computer.len + 1) : NULL;

		if (n && HMAP_ENTRY(n, struct inst, node)->health > MP_HEALTH_SUCCESS)
			return false;
	}
	return true;
}

struct rollup_walk {
	const struct engine *e;
	int (*fn)(void *arg, const struct rollup_state_info *info);
	void *arg;
};

/* Name the computer and instance of the roll-up's key. */
static int rollup_split(void *arg, const struct rollup_state_info *info)
{
	const struct rollup_walk *w = arg;
	struct rollup_state_info v = *info;

	engine_key_split(info->key, &v.computer, &v.instance);
	v.monitored = engine_computer_monitored(w->e, v.computer);
	return w->fn(w->arg, &v);
}

int engine_foreach_rollup(const struct engine *e,
			  int (*fn)(void *arg, const struct rollup_state_info *info), void *arg)
{
	struct rollup_walk w = { e, fn, arg };

	return e->rollup_on ? rollup_foreach(e->rollup, rollup_split, &w) : 0;
}

bool engine_rollup_known(const struct engine *e, const char *id)
{
	return e->rollup_on && rollup_has_node(e->rollup, id);
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
	if (engine_set_deadline(e, in, ctx.deadline) < 0 ||
	    transition(e, in, to, e->now, CAUSE_TIMER, NULL) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * A monitor whose type starts by itself (it watches for missing events) and
 * that has no InstanceField gets its instance as soon as the clock is known,
 * so its timer runs before any event arrives: its one instance, or, on a
 * computer, one at each computer known then. A restored instance is not
 * started again.
 */
static int mon_start_at(struct engine *e, struct mon *mo, struct str computer)
{
	bool created;
	struct inst *in;

	if (!engine_mon_on_at(e, mo, computer))
		return 0;
	if (engine_key_make(&e->ikey, computer, (struct str){ "", 0 }) < 0)
		return -ENOMEM;
	in = engine_inst_get(e, mo, (struct str){ e->ikey.data, e->ikey.len }, &created);
	if (!in)
		return -ENOMEM;
	return created ? inst_start(e, in) : 0;
}

static bool starts_itself(const struct mon *mo)
{
	return !mo->off && mo->m.type->start && !mo->m.has_instance_field;
}

static int mon_start(struct engine *e, struct mon *mo)
{
	size_t i;

	if (!starts_itself(mo))
		return 0;
	if (!mo->m.per_computer)
		return mon_start_at(e, mo, (struct str){ "", 0 });
	for (i = 0; i < e->ncomputers; i++)
		if ((!mo->m.type->hears_every_event || e->computer_list[i]->expected) &&
		    mon_start_at(e, mo, str_of(e->computer_list[i]->name)) < 0)
			return -ENOMEM;
	return 0;
}

/*
 * Remember computer c (expected: the inventory's); when new and the clock
 * runs, start its monitors (mon_start).
 */
static int computer_add(struct engine *e, struct str c, bool expected,
			const struct computer **out)
{
	struct hmap_node *n = hmap_get(&e->computers, c.p, c.len);
	struct computer *k;
	size_t i;

	if (n) {
		k = HMAP_ENTRY(n, struct computer, node);
		k->expected |= expected;
		*out = k;
		return 0;
	}
	*out = NULL;
	if (e->ncomputers >= ENGINE_MAX_COMPUTERS || c.len > ENGINE_COMPUTER_MAX) {
		e->stats.computers_untracked++;
		return 0;
	}
	if (array_grow((void **)&e->computer_list, &e->capcomputers, e->ncomputers + 1,
		       sizeof(*e->computer_list)) < 0 ||
	    !(k = calloc(1, sizeof(*k) + c.len + 1)))
		return -ENOMEM;
	memcpy(k->name, c.p, c.len);
	k->expected = expected;
	if (hmap_insert(&e->computers, &k->node, k->name, c.len) < 0) {
		free(k);
		return -ENOMEM;
	}
	e->computer_list[e->ncomputers++] = k;
	*out = k;
	for (i = 0; e->started && i < e->nmons; i++)
		if (e->mons[i]->m.per_computer && starts_itself(e->mons[i]) &&
		    (expected || !e->mons[i]->m.type->hears_every_event) &&
		    mon_start_at(e, e->mons[i], c) < 0)
			return -ENOMEM;
	return 0;
}

int engine_expect_computer(struct engine *e, const char *name)
{
	const struct computer *k;

	return computer_add(e, str_of(name), true, &k);
}

/* The computer of ev is known from now on (one lookup only when it changes). */
static int computer_seen(struct engine *e, const struct event *ev)
{
	struct str c = ev->slot[EVENT_COMPUTER];
	const struct computer *k = e->last_computer;

	if (!c.p)
		c = (struct str){ "", 0 };
	if (k && k->node.len == c.len && memcmp(k->name, c.p, c.len) == 0)
		return 0;
	if (computer_add(e, c, false, &k) < 0)
		return -ENOMEM;
	e->last_computer = k;
	return 0;
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
		if (engine_set_deadline(e, in, ctx.deadline) < 0 ||
		    transition(e, in, to, ctx.now, CAUSE_TIMER, NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

static struct log_index *find_log(struct engine *e, struct str name)
{
	size_t i = e->last_log;

	/* a source's events name one log, byte for byte: the last one found first */
	if (i && e->logs[i - 1].len == name.len && memcmp(e->logs[i - 1].name, name.p, name.len) == 0)
		return &e->logs[i - 1];
	/* log names are short: compare them here, ASCII case folded, not in a call */
	for (i = 0; i < e->nlogs; i++) {
		const char *a = e->logs[i].name;
		size_t k;

		if (e->logs[i].len != name.len)
			continue;
		for (k = 0; k < name.len; k++) {
			unsigned char x = (unsigned char)a[k], y = (unsigned char)name.p[k];

			if (x != y && (x ^ y) != 0x20)
				break;
			if (x != y && ((x | 0x20) < 'a' || (x | 0x20) > 'z'))
				break;
		}
		if (k == name.len) {
			e->last_log = i + 1;
			return &e->logs[i];
		}
	}
	return NULL;
}

static int cmp_num_ref(const void *pa, const void *pb)
{
	const struct num_ref *a = pa, *b = pb;

	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	if (a->r.mon != b->r.mon)
		return a->r.mon < b->r.mon ? -1 : 1;
	return a->r.sub < b->r.sub ? -1 : a->r.sub > b->r.sub;
}

static int cmp_pub_ref(const void *pa, const void *pb)
{
	const struct pub_ref *a = pa, *b = pb;
	size_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
	int c = n ? memcmp(a->name.p, b->name.p, n) : 0;

	if (c || a->name.len != b->name.len)
		return c ? c : a->name.len < b->name.len ? -1 : 1;
	if (a->r.mon != b->r.mon)
		return a->r.mon < b->r.mon ? -1 : 1;
	return a->r.sub < b->r.sub ? -1 : a->r.sub > b->r.sub;
}

/* The runs of equal names in li's sorted pubs, each in pub_runs under its name. */
static int make_runs(struct log_index *li)
{
	size_t i, nruns = 0;
	struct pub_run *t;

	for (i = 0; i < li->npubs; i++)
		nruns += i == 0 || !str_eq(li->pubs[i].name, li->pubs[i - 1].name);
	hmap_release(&li->pub_runs);
	free(li->runs);
	li->runs = nruns ? calloc(nruns, sizeof(*li->runs)) : NULL;
	if (nruns && !li->runs)
		return -ENOMEM;
	for (i = 0, t = li->runs; i < li->npubs; i += t->n, t++) {
		t->start = (uint32_t)i;
		while (i + t->n < li->npubs && str_eq(li->pubs[i + t->n].name, li->pubs[i].name))
			t->n++;
		if (hmap_insert(&li->pub_runs, &t->node, li->pubs[i].name.p,
				li->pubs[i].name.len) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Sort li's runs and make its table of publishers, once all its subscriptions
 * are in: a publisher's subscriptions are then found with one lookup, however
 * many a busy log has. 0 or -ENOMEM.
 */
static int index_sort(struct log_index *li)
{
	if (li->sorted)
		return 0;
	/* qsort(NULL, 0, ...) is undefined: a log whose monitors test no number. */
	if (li->nnums)
		qsort(li->nums, li->nnums, sizeof(*li->nums), cmp_num_ref);
	if (li->npubs)
		qsort(li->pubs, li->npubs, sizeof(*li->pubs), cmp_pub_ref);
	if (make_runs(li) < 0)
		return -ENOMEM;
	li->sorted = true;
	return 0;
}

/* Subscriptions in dispatch order: monitors by index, then rules (RULE_BIT). */
static inline uint64_t order_of(struct sub_ref s)
{
	return (uint64_t)s.mon << 32 | s.sub;
}

/*
 * The literal prefilter: the byte pairs of the event's EventDescription, as a
 * set of 4096 hashed pairs, made once per event that has PAIRS_MIN_CANDIDATES
 * candidates or more (making it costs a few expressions' walk). A pair is in
 * the set when its slot carries this event's stamp, so making a set clears
 * nothing but the one slot per pair it writes. An index entry
 * with a signature pair the set lacks cannot pass and is not a candidate; one
 * that passes still has its whole required text (monitor_sub.desc_text) tried
 * before its expression is walked.
 */
#define PAIRS_MIN_CANDIDATES 8

static inline unsigned pair_bit(const char *p)
{
	return ((unsigned)(unsigned char)p[0] << 4 ^ (unsigned char)p[1]) & 4095;
}

static inline bool pair_in(const struct engine *e, unsigned b)
{
	return e->desc_stamp[b] == e->desc_gen;
}

/* An event without an EventDescription has no pairs: no required text is in it. */
static void desc_pairs_make(struct engine *e, struct str d)
{
	uint16_t gen = ++e->desc_gen;
	size_t i;

	if (gen == 0) {
		/* the stamps came round: old ones could pass for this event's */
		memset(e->desc_stamp, 0, sizeof(e->desc_stamp));
		gen = e->desc_gen = 1;
	}
	for (i = 0; i + 1 < d.len; i++)
		e->desc_stamp[pair_bit(d.p + i)] = gen;
}

/* Whether every byte pair of t is in the set (from the end: endings differ most). */
static bool desc_pairs_have(const struct engine *e, struct str t)
{
	size_t i;

	for (i = t.len - 1; i > 0; i--)
		if (!pair_in(e, pair_bit(t.p + i - 1)))
			return false;
	return true;
}

/*
 * The signature of required text t (len 0: none): SIG_PAIRS distinct pairs of
 * it, the rarest in log text (by their bytes' str_commonness: digits and
 * capitals before lower case and space), nearer the end on a tie, as endings
 * differ most; fewer distinct ones repeat. "backend db0012 lost" is known by
 * "00", "01", "12" and "b0", which other backends' lines lack, not by "lost".
 */
static void sig_make(uint16_t sig[SIG_PAIRS], struct str t)
{
	int score[SIG_PAIRS];
	unsigned n = 0, k;
	size_t i;

	sig[0] = SIG_NONE;
	for (i = t.len; i > 1; i--) {
		unsigned b = pair_bit(t.p + i - 2);
		int sc = str_commonness((unsigned char)t.p[i - 2]) +
			 str_commonness((unsigned char)t.p[i - 1]);

		for (k = 0; k < n && sig[k] != b; k++)
			;
		if (k < n)
			continue;
		/* keep the SIG_PAIRS lowest scores, in order; an equal one stays behind */
		if (n < SIG_PAIRS)
			n++;
		else if (sc >= score[n - 1])
			continue;
		for (k = n - 1; k > 0 && score[k - 1] > sc; k--) {
			sig[k] = sig[k - 1];
			score[k] = score[k - 1];
		}
		sig[k] = (uint16_t)b;
		score[k] = sc;
	}
	for (k = n; n && k < SIG_PAIRS; k++)
		sig[k] = sig[n - 1];
}

/* Whether r may pass an event with the pair set made; without a set, it may. */
static inline bool sig_may_pass(const struct engine *e, const struct ref *r, bool pairs)
{
	return !pairs || r->sig[0] == SIG_NONE ||
	       (pair_in(e, r->sig[0]) && pair_in(e, r->sig[1]) && pair_in(e, r->sig[2]) &&
		pair_in(e, r->sig[3]));
}

/* Append r to out[*n] when it may pass. */
static inline void take(const struct engine *e, const struct ref *r, bool pairs,
			struct sub_ref *out, size_t *n)
{
	if (sig_may_pass(e, r, pairs)) {
		out[*n].mon = r->mon;
		out[*n].sub = r->sub;
		(*n)++;
	}
}

/*
 * The subscriptions in li an event could pass, in monitor order (in e->cand):
 * those under its number, those under its publisher, and those constrained by
 * neither, less those whose signature the event's pairs rule out. *pairs says
 * whether the pair set was made.
 */
static size_t candidates(struct engine *e, struct log_index *li, const struct event *ev,
			 bool *pairs)
{
	const struct num_ref *lo = NULL, *hi = NULL;
	const struct pub_ref *plo = NULL, *phi = NULL;
	const struct any_ref *any = li->any, *any_end = any ? any + li->nany : any;
	struct str pub = ev->slot[EVENT_PUBLISHER];
	size_t n = 0, seg[3], need, i, j, k, m;
	struct sub_ref *swap;
	uint64_t have = 0;
	unsigned f;

	*pairs = false;
	if (index_sort(li) < 0)
		return 0;
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
	if (pub.p && li->npubs) {
		const struct hmap_node *h = hmap_get(&li->pub_runs, pub.p, pub.len);
		const struct pub_run *t = h ? HMAP_ENTRY(h, const struct pub_run, node) : NULL;

		if (t) {
			plo = li->pubs + t->start;
			phi = plo + t->n;
		}
	}
	/* which of the fields unconstrained subscriptions need the event has */
	for (f = 0; f < li->nneeds; f++)
		if (event_get(ev, &li->needs[f]).p)
			have |= 1ULL << f;
	need = li->nany + (size_t)(hi - lo) + (size_t)(phi - plo);
	if (!need)
		return 0;
	/* per event: the call only when it must grow */
	if (need > e->capcand &&
	    array_grow((void **)&e->cand, &e->capcand, need, sizeof(*e->cand)) < 0)
		return 0;
	if (need >= PAIRS_MIN_CANDIDATES) {
		desc_pairs_make(e, ev->slot[EVENT_DESCRIPTION]);
		*pairs = true;
	}
	/* each run, filtered, into its own stretch of cand; each stays in monitor order */
	for (; lo < hi; lo++)
		take(e, &lo->r, *pairs, e->cand, &n);
	seg[0] = n;
	for (; plo < phi; plo++)
		take(e, &plo->r, *pairs, e->cand, &n);
	seg[1] = n;
	for (; any < any_end; any++)
		if (!any->need || have >> (any->need - 1) & 1)
			take(e, &any->r, *pairs, e->cand, &n);
	seg[2] = n;
	if ((seg[0] != 0) + (seg[1] != seg[0]) + (seg[2] != seg[1]) < 2)
		return n;
	/* more than one stretch: merge them into monitor order */
	if (n > e->capmerged &&
	    array_grow((void **)&e->merged, &e->capmerged, n, sizeof(*e->merged)) < 0)
		return 0;
	i = 0;
	j = seg[0];
	k = seg[1];
	for (m = 0; m < n; m++) {
		uint64_t a = i < seg[0] ? order_of(e->cand[i]) : UINT64_MAX;
		uint64_t b = j < seg[1] ? order_of(e->cand[j]) : UINT64_MAX;
		uint64_t c = k < seg[2] ? order_of(e->cand[k]) : UINT64_MAX;

		if (a <= b && a <= c)
			e->merged[m] = e->cand[i++];
		else if (b <= c)
			e->merged[m] = e->cand[j++];
		else
			e->merged[m] = e->cand[k++];
	}
	swap = e->cand;
	e->cand = e->merged;
	e->merged = swap;
	m = e->capcand;
	e->capcand = e->capmerged;
	e->capmerged = m;
	return n;
}

/* An evaluation that a regex left unfinished: count it, and report the first. */
static void count_limit(struct engine *e, struct limit_count *lc, const char *id, bool rule,
			struct str pattern)
{
	e->stats.limit_hits++;
	if (lc->hits++)
		return;
	lc->pattern = pattern;
	if (e->limit_fn)
		e->limit_fn(e->limit_arg, id, rule, pattern);
}

/* ev passed subscription match of mo: its instance's type decides. 0 or -ENOMEM. */
static int deliver(struct engine *e, struct mon *mo, unsigned match, const struct event *ev)
{
	struct monitor_ctx ctx;
	struct inst *in;
	struct str key;
	bool created;
	int r, to;

	if (!engine_mon_on_at(e, mo, ev->slot[EVENT_COMPUTER]))
		return 0;
	if ((r = event_key(e, mo, ev, &key)) != 0)
		return r < 0 ? r : 0;
	in = engine_inst_get(e, mo, key, &created);
	if (!in || (created && inst_start(e, in) < 0))
		return -ENOMEM;
	ctx.now = e->now;
	ctx.state = in->state;
	ctx.deadline = in->deadline;
	to = mo->m.type->on_event(&mo->m, in->tstate, &ctx, match, ev);
	if (engine_set_deadline(e, in, ctx.deadline) < 0 ||
	    transition(e, in, to, e->now, CAUSE_EVENT, ev) < 0)
		return -ENOMEM;
	return 0;
}

/* Every event of an expected computer reaches the heartbeats. */
static int hear(struct engine *e, const struct event *ev)
{
	size_t i;

	for (i = 0; i < e->nhearers; i++) {
		struct mon *mo = e->hearers[i];

		if (mo->m.per_computer && (!e->last_computer || !e->last_computer->expected))
			continue;
		if (deliver(e, mo, 0, ev) < 0)
			return -ENOMEM;
	}
	return 0;
}

int engine_feed(struct engine *e, const struct event *ev, int64_t now)
{
	struct log_index *li;
	bool pairs;
	size_t i, n;

	if (engine_advance(e, now) < 0 || computer_seen(e, ev) < 0)
		return -ENOMEM;
	e->stats.events++;
	if (e->nhearers && hear(e, ev) < 0)
		return -ENOMEM;
	if (!ev->slot[EVENT_LOG].p || !(li = find_log(e, ev->slot[EVENT_LOG])))
		return 0;
	n = candidates(e, li, ev, &pairs);
	for (i = 0; i < n; i++) {
		struct mon *mo;
		const struct monitor_sub *sub;
		struct str limit = { NULL, 0 };
		bool m;

		if (e->cand[i].mon & RULE_BIT) {
			struct rule *ru = e->rules[e->cand[i].mon & ~RULE_BIT];

			e->stats.evaluations++;
			m = expr_eval_limit(ru->expr, ev, &limit);
			if (limit.p)
				count_limit(e, &ru->limits, ru->def->id, true, limit);
			if (m && engine_rule_fire(e, ru, ev) < 0)
				return -ENOMEM;
			continue;
		}
		mo = e->mons[e->cand[i].mon];
		sub = &mo->m.subs[e->cand[i].sub];
		/* its signature's pairs are there; the rest of its text may not be */
		if (pairs && sub->desc_text.len && !desc_pairs_have(e, sub->desc_text))
			continue;
		e->stats.evaluations++;
		m = expr_eval_limit(sub->expr, ev, &limit);
		if (limit.p)
			count_limit(e, &mo->limits, mo->m.def->id, false, limit);
		if (m && deliver(e, mo, sub->match, ev) < 0)
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
	if (engine_set_deadline(e, in, ctx.deadline) < 0)
		return -ENOMEM;
	return transition(e, in, reset_target(&in->mon->m), now, CAUSE_RESET, NULL);
}

/* Whether in is at computer and instance; NULL or "" for either matches any. */
static bool inst_at(const struct inst *in, const char *computer, const char *instance)
{
	struct str c, i;

	engine_key_split(engine_inst_key(in), &c, &i);
	return (!computer || !*computer || str_eq(c, str_of(computer))) &&
	       (!instance || !*instance || str_eq(i, str_of(instance)));
}

int engine_reset(struct engine *e, const char *monitor_id, const char *computer,
		 const char *instance, int64_t now)
{
	struct mon *mo = engine_mon_find(e, monitor_id);
	bool one_computer = !mo || !mo->m.per_computer || (computer && *computer);
	bool one_instance = !mo || !mo->m.has_instance_field || (instance && *instance);
	struct inst *in, *next;

	if (!mo || mo->off)
		return -ENOENT;
	if (engine_advance(e, now) < 0)
		return -ENOMEM;
	if (one_computer && one_instance) {
		bool created;

		if (engine_key_make(&e->ikey, str_of(mo->m.per_computer && computer ? computer : ""),
				    str_of(mo->m.has_instance_field ? instance : "")) < 0)
			return -ENOMEM;
		in = engine_inst_get(e, mo, (struct str){ e->ikey.data, e->ikey.len }, &created);
		if (!in || (created && inst_start(e, in) < 0))
			return -ENOMEM;
		return reset_one(e, in, e->now);
	}
	for (in = mo->lru_head; in; in = next) {
		next = in->next;
		if (inst_at(in, computer, instance) && reset_one(e, in, e->now) < 0)
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
 * The reference between the two $ of ref (n bytes, without the $): whether it
 * has a value on Linux, which it then reads into part. $Data/Context/X$ (also
 * through DataItem/ and Context/ levels) reads field X of the event that moved
 * the monitor; $Target/...NetworkName$ and kin read the logging computer; other
 * target properties (and anything else) have none.
 */
static bool compile_ref(const char *ref, size_t n, struct param_part *part)
{
	static const char *const strip[] = { "Data/", "Context/", "DataItem/" };
	struct str path = { ref, n };
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
	if (n >= 7 && strncmp(ref, "Target/", 7) == 0) {
		const char *slash = memrchr(path.p, '/', path.len);

		part->is_computer = (memmem(path.p, path.len, "NetworkName", 11) ||
				     memmem(path.p, path.len, "PrincipalName", 13) ||
				     memmem(path.p, path.len, "DNSName", 7) ||
				     memmem(path.p, path.len, "ComputerName", 12));
		if (slash && slash + 1 < path.p + path.len)
			part->prop = (struct str){ slash + 1, (size_t)(path.p + path.len - slash - 1) };
		return part->is_computer || part->prop.len;
	}
	if (n >= 4 && strncmp(ref, "Data", 4) == 0 &&
	    field_ref_parse(path.p, path.len, &part->field) == 0)
		return part->is_field = true;
	return false;
}

/*
 * Room for the parts of text (len bytes): each $...$ reference gives at most a
 * literal before it and itself, and one literal may end the text, so one more
 * than its $ signs, not one per byte.
 */
static struct param_part *parts_alloc(struct arena *a, const char *text, size_t len)
{
	size_t i, dollars = 0;

	for (i = 0; i < len; i++)
		dollars += text[i] == '$';
	return arena_alloc(a, (dollars + 1) * sizeof(struct param_part));
}

/*
 * Compile an AlertParameter: literal text with $...$ references, as
 * compile_ref reads them; one without a value reads as empty.
 */
int engine_compile_param(struct arena *a, const char *text, struct monitor_param *p)
{
	size_t len = strlen(text), i = 0;
	struct param_part *parts = parts_alloc(a, text, len);

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
		if (compile_ref(d + 1, (size_t)(end - d - 1), &part))
			add_part(p, parts, part);
		i = (size_t)(end - text) + 1;
	}
	return 0;
}

int engine_compile_arg(struct arena *a, const char *text, struct monitor_param *p,
		       struct str *bad)
{
	size_t len = strlen(text), i = 0, lit = 0;
	struct param_part *parts = parts_alloc(a, text, len);

	if (!parts)
		return -ENOMEM;
	p->parts = parts;
	while (i < len) {
		const char *end = NULL;
		struct param_part part = { 0 };

		if (text[i] == '$' && (strncmp(text + i + 1, "Data/", 5) == 0 ||
				       strncmp(text + i + 1, "Target/", 7) == 0))
			end = strchr(text + i + 1, '$');
		if (!end) {
			i++;
			continue;
		}
		if (i > lit) {
			part.literal = (struct str){ text + lit, i - lit };
			add_part(p, parts, part);
			memset(&part, 0, sizeof(part));
		}
		/* a command's argument has a value on every computer, or it does not run */
		if (!compile_ref(text + i + 1, (size_t)(end - text - i - 1), &part) ||
		    (part.prop.len && !part.is_computer)) {
			*bad = (struct str){ text + i, (size_t)(end - text - i) + 1 };
			return -EINVAL;
		}
		add_part(p, parts, part);
		i = lit = (size_t)(end - text) + 1;
	}
	if (len > lit)
		add_part(p, parts, (struct param_part){ .literal = { text + lit, len - lit } });
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
int engine_knowledge_text(struct engine *e, const struct mp_pack *pack, const char *id,
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
	if (array_grow((void **)&e->logs, &e->caplogs, e->nlogs + 1, sizeof(*e->logs)) < 0)
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

/* The text x's EventDescription must hold, when there is a byte pair of it to test. */
static struct str desc_text_of(const struct expr *x)
{
	struct str t;

	if (expr_required_text(x, EVENT_DESCRIPTION, &t) && t.len >= 2)
		return t;
	return (struct str){ NULL, 0 };
}

/* Index one subscription: mon is a monitor's index, or a rule's with RULE_BIT. */
int engine_index_sub(struct engine *e, const char *log_name, const struct expr *x,
		     uint32_t mon, uint32_t sub)
{
	struct log_index *li = log_for(e, log_name);
	uint64_t nums[MAX_NUMBERS];
	struct str pubs[MAX_NUMBERS];
	struct ref ref = { mon, sub, { SIG_NONE } };
	size_t n, k;

	if (!li)
		return -ENOMEM;
	sig_make(ref.sig, desc_text_of(x));
	if (expr_numbers(x, nums, MAX_NUMBERS, &n)) {
		if (array_grow((void **)&li->nums, &li->capnums, li->nnums + n, sizeof(*li->nums)) < 0)
			return -ENOMEM;
		for (k = 0; k < n; k++) {
			struct num_ref *r = &li->nums[li->nnums++];

			r->number = nums[k];
			r->r = ref;
		}
		li->sorted = false;
	} else if (expr_publishers(x, pubs, MAX_NUMBERS, &n)) {
		if (array_grow((void **)&li->pubs, &li->cappubs, li->npubs + n, sizeof(*li->pubs)) < 0)
			return -ENOMEM;
		for (k = 0; k < n; k++) {
			struct pub_ref *r;
			size_t j;

			/* Or of the same name twice: index it once, or it runs twice. */
			for (j = 0; j < k && !str_eq(pubs[j], pubs[k]); j++)
				;
			if (j < k)
				continue;
			r = &li->pubs[li->npubs++];
			r->name = pubs[k];
			r->r = ref;
		}
		li->sorted = false;
	} else {
		if (array_grow((void **)&li->any, &li->capany, li->nany + 1, sizeof(*li->any)) < 0)
			return -ENOMEM;
		struct field_ref f;
		unsigned j = 0;

		if (expr_required_field(x, &f)) {
			for (j = 0; j < li->nneeds; j++)
				if (li->needs[j].kind == f.kind && li->needs[j].index == f.index &&
				    (f.kind != FIELD_NAMED || str_eq(li->needs[j].name, f.name)))
					break;
			if (j == li->nneeds && j < MAX_NEEDS)
				li->needs[li->nneeds++] = f;
			j = j < MAX_NEEDS ? j + 1 : 0;
		}
		li->any[li->nany].r = ref;
		li->any[li->nany++].need = j;
	}
	return 0;
}

/*
 * The ID table: loading checks each monitor's ID against all before it, and a
 * reset or a checkpoint line names one; with many monitors a walk of them all
 * each time adds up.
 */
struct mon *engine_mon_find(const struct engine *e, const char *id)
{
	struct hmap_node *n = hmap_get(&e->ids, id, strlen(id));

	return n ? HMAP_ENTRY(n, struct mon, id_node) : NULL;
}

/* Put mo in the ID table; an ID there already keeps its first monitor. */
static int ids_add(struct engine *e, struct mon *mo)
{
	int r = hmap_insert(&e->ids, &mo->id_node, mo->m.def->id, strlen(mo->m.def->id));

	return r == -EEXIST ? 0 : r;
}

static int index_monitor(struct engine *e, struct mon *mo)
{
	unsigned s;

	for (s = 0; s < mo->m.nsubs; s++) {
		struct monitor_sub *sub = &mo->m.subs[s];

		sub->desc_text = desc_text_of(sub->expr);
		if (engine_index_sub(e, sub->log_name, sub->expr, (uint32_t)mo->m.index, s) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int add_monitor(struct engine *e, const struct mp_pack *pack,
		       const struct mp_monitor *def, const struct monitor_type *t, bool off,
		       int leaf, struct diag *d)
{
	const struct mp_elem *inst, *config, *tv;
	struct mon *mo;
	int64_t max;
	unsigned i;
	int r, bad;

	mo = calloc(1, sizeof(*mo));
	if (!mo)
		return -ENOMEM;
	mo->m.def = def;
	mo->m.type = t;
	mo->m.index = e->nmons;
	mo->m.dropped = &e->stats.dropped;
	mo->m.per_computer = def->scope == MP_SCOPE_COMPUTER;
	mo->off = off;
	mo->on_elsewhere = def->enabled || e->enable_all;
	mo->leaf = leaf;
	bad = engine_config_check(pack, def, t, d);
	if ((tv = engine_target_value(def->config))) {
		diag_warn(d, tv->file, tv->line, "monitor '%s' compares with '%s', a property of "
			  "each target object that mpmon does not know: it would never match, so "
			  "it stays disabled", def->id, tv->text);
		bad = -EINVAL;
	}
	r = engine_override_config(&e->arena, def, t, &config, d);
	if (r == 0)
		r = t->configure(&mo->m, config, d);
	if (r == 0)
		r = bad;
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
			if (engine_compile_param(&e->arena, def->alert.params[i], &mo->m.params[i]) < 0)
				goto nomem;
			mo->m.nparams = i + 1;
		}
	if (engine_knowledge_text(e, pack, def->id, def->knowledge, &mo->m.diagnosis,
			   &mo->m.resolution) < 0)
		goto nomem;
	if (engine_settings_index(&mo->settings, def->settings) < 0 ||
	    array_grow((void **)&e->mons, &e->capmons, e->nmons + 1, sizeof(*e->mons)) < 0)
		goto nomem;
	if (ids_add(e, mo) < 0)
		goto nomem;
	e->mons[e->nmons] = mo;
	e->nmons++;
	if (off)
		return 0;
	if (index_monitor(e, mo) < 0)
		return -ENOMEM;
	if (t->hears_every_event) {
		if (array_grow((void **)&e->hearers, &e->caphearers, e->nhearers + 1,
			       sizeof(*e->hearers)) < 0)
			return -ENOMEM;
		e->hearers[e->nhearers++] = mo;
	}
	/* a pack added once the clock runs starts at once */
	return e->started ? mon_start(e, mo) : 0;
nomem:
	mon_free(mo);
	return -ENOMEM;
}

int engine_add_pack(struct engine *e, const struct mp_pack *pack, struct diag *d)
{
	const struct mp_monitor *def;
	size_t i;

	if (engine_link_pack(e, pack, d) < 0 || rollup_add_aggregates(e->rollup, pack, d) < 0)
		return -ENOMEM;
	for (def = pack->monitors; def; def = def->next) {
		const struct monitor_type *t;
		size_t first;
		bool off;
		int r, leaf;

		leaf = rollup_add_leaf(e->rollup, def, pack->file, d);
		if (leaf == -ENOMEM)
			return leaf;
		first = d->n;
		t = engine_monitor_type(e, pack, def, d);

		if (t && !def->config) {
			diag_error(d, pack->file, def->line, "monitor '%s' has no Configuration",
				   def->id);
			t = NULL;
		}
		if (t && engine_mon_find(e, def->id)) {
			diag_error(d, pack->file, def->line,
				   "monitor '%s' is already defined by another pack", def->id);
			t = NULL;
		}
		if (!t) {
			e->stats.monitors_disabled++;
			if (engine_note_disabled(e, def, d, first) < 0)
				return -ENOMEM;
			continue;
		}
		off = !engine_enabled_somewhere(def->enabled, def->settings) && !e->enable_all;
		if (off)
			diag_add(d, DIAG_NOTE, pack->file, def->line,
				 "monitor '%s' is turned off in the pack (Enabled=\"false\")",
				 def->id);
		r = add_monitor(e, pack, def, t, off, leaf, d);
		if (r < 0)
			return r;
		if (r > 0 && engine_note_disabled(e, def, d, first) < 0)
			return -ENOMEM;
		if (r > 0)
			e->stats.monitors_disabled++;
		else if (off)
			e->stats.monitors_off++;
		else
			e->stats.monitors_run++;
	}
	if (engine_add_rules(e, pack, d) < 0)
		return -ENOMEM;
	if (engine_add_actions(e, pack, d) < 0)
		return -ENOMEM;
	/* sorted now, not at the first event: the allocation belongs to loading */
	for (i = 0; i < e->nlogs; i++)
		if (index_sort(&e->logs[i]) < 0)
			return -ENOMEM;
	return 0;
}

void engine_enable_all(struct engine *e)
{
	e->enable_all = true;
}

enum engine_status engine_monitor_status(const struct engine *e, const char *id)
{
	const struct mon *mo = engine_mon_find(e, id);

	if (!mo)
		return ENGINE_NOT_LOADED;
	return mo->off ? ENGINE_OFF : ENGINE_RUN;
}

void engine_get_stats(const struct engine *e, struct engine_stats *s)
{
	*s = e->stats;
}

void engine_set_seq(struct engine *e, uint64_t next)
{
	e->seq = next;
}

