/*
 * The Correlator behind SCOM's correlated-event and missing-correlated-event
 * monitor types: reading the Correlator and its CorrelationExpression, the
 * windows that first events open in the fixed-size table of struct corr_state,
 * the count of matching second events in them, CorrelationOrder and
 * CorrelationItemPolicy, and the healthy side (event, manual or timer reset).
 * The instance's single engine timer is the earliest of the windows' ends and
 * the reset wait; on_tick settles whichever are due.
 */
#include "monitors/correlator.h"

#include "lib/diag.h"
#include "lib/str.h"
#include "rules/expr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEC 1000000LL
#define MAX_INTERVAL_S (366LL * 86400)
#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static const char *const order_names[] = { "InSequence", "AnyOrder", NULL };
/* the schema's values could not be read: the console's words and their likely names */
static const char *const policy_names[] = { "First", "OldestItem", "Last", "MostRecentItem",
					    NULL };

static int config_error(const struct monitor *m, const struct mp_elem *at, struct diag *d,
			const char *what)
{
	diag_error(d, at->file, at->line, "monitor '%s': %s", m->def->id, what);
	return -EINVAL;
}

/* ---- configuration ---- */

/*
 * Which event a correlation path names: 0 the first (Item0Context), 1 the
 * second (Item1Context), -1 when it does not say. *rest is the event field.
 */
static int path_side(struct str p, struct str *rest)
{
	static const char *const prefixes[] = { "Item0Context/DataItem/", "Item0Context/",
						"Item1Context/DataItem/", "Item1Context/" };
	unsigned i;

	if (p.len >= 6 && memcmp(p.p, "$Data/", 6) == 0) {
		p.p += 6;
		p.len -= 6;
		if (p.len && p.p[p.len - 1] == '$')
			p.len--;
	}
	while (p.len && p.p[0] == '/') {
		p.p++;
		p.len--;
	}
	for (i = 0; i < 4; i++) {
		size_t n = strlen(prefixes[i]);

		if (p.len > n && memcmp(p.p, prefixes[i], n) == 0) {
			rest->p = p.p + n;
			rest->len = p.len - n;
			return i < 2 ? 0 : 1;
		}
	}
	*rest = p;
	return -1;
}

/* One ValueExpression of a correlation: an XPathQuery naming a field. */
static int read_side(const struct monitor *m, const struct mp_elem *ve, struct field_ref *ref,
		     int *side, struct diag *d)
{
	const struct mp_elem *q = mp_elem_child(ve, "XPathQuery");
	struct str rest;

	if (!q)
		return config_error(m, ve, d,
				    "a correlation ValueExpression must be an 'XPathQuery' naming "
				    "a field of one of the two events");
	*side = path_side(str_trim(str_of(q->text)), &rest);
	if (field_ref_parse(rest.p, rest.len, ref) < 0)
		return config_error(m, q, d, "bad field path in the CorrelationExpression");
	return 0;
}

/* <SimpleExpression>: ValueExpression, Operator Equal, ValueExpression. */
static int read_pair(const struct monitor *m, const struct mp_elem *se, struct corr_config *c,
		     struct diag *d)
{
	const struct mp_elem *v1 = mp_elem_child(se, "ValueExpression");
	const struct mp_elem *v2 = v1 ? mp_elem_next(v1, "ValueExpression") : NULL;
	const struct mp_elem *op = mp_elem_child(se, "Operator");
	struct field_ref r1, r2;
	struct corr_pair *p;
	const char *cs;
	int s1, s2;

	if (!v1 || !v2 || !op)
		return config_error(m, se, d,
				    "a correlation SimpleExpression needs two 'ValueExpression's "
				    "and an 'Operator'");
	if (!str_eq_cstr(str_trim(str_of(op->text)), "Equal"))
		return config_error(m, op, d,
				    "the correlation Operator can only be 'Equal' "
				    "(CorrelationCriteriaCompareType)");
	if (c->npairs == CORR_MAX_PAIRS)
		return config_error(m, se, d,
				    "more than 4 equalities in the CorrelationExpression");
	if (read_side(m, v1, &r1, &s1, d) < 0 || read_side(m, v2, &r2, &s2, d) < 0)
		return -EINVAL;
	/* unprefixed paths take their place: the first names the first event */
	if (s1 < 0)
		s1 = s2 < 0 ? 0 : !s2;
	if (s2 < 0)
		s2 = !s1;
	if (s1 == s2)
		return config_error(m, se, d,
				    "both sides of a correlation SimpleExpression name the same "
				    "event (Item0Context is the first, Item1Context the second)");
	p = &c->pairs[c->npairs++];
	p->first = s1 == 0 ? r1 : r2;
	p->second = s1 == 0 ? r2 : r1;
	cs = mp_elem_attr(op, "CaseSensitive");
	if (!cs || strcmp(cs, "false") == 0 || strcmp(cs, "0") == 0)
		p->case_sensitive = false;
	else if (strcmp(cs, "true") == 0 || strcmp(cs, "1") == 0)
		p->case_sensitive = true;
	else
		return config_error(m, op, d, "CaseSensitive must be 'true' or 'false'");
	return 0;
}

/* An <Expression> of CorrelatorExpressionType: one SimpleExpression or an And of them. */
static int read_expression(const struct monitor *m, const struct mp_elem *x,
			   struct corr_config *c, struct diag *d)
{
	const struct mp_elem *k = mp_elem_child(x, NULL), *e;

	if (!k)
		return 0;
	if (mp_elem_next(k, NULL))
		return config_error(m, mp_elem_next(k, NULL), d,
				    "a correlation Expression holds one SimpleExpression or And");
	if (strcmp(k->name, "SimpleExpression") == 0)
		return read_pair(m, k, c, d);
	if (strcmp(k->name, "And") != 0)
		return config_error(m, k, d,
				    "a correlation Expression holds only SimpleExpression (Equal) "
				    "and And");
	for (e = mp_elem_child(k, NULL); e; e = mp_elem_next(e, NULL)) {
		if (strcmp(e->name, "Expression") != 0)
			return config_error(m, e, d, "And holds only 'Expression' elements");
		if (read_expression(m, e, c, d) < 0)
			return -EINVAL;
	}
	return 0;
}

static int read_correlator(struct monitor *m, const struct mp_elem *co, struct corr_config *c,
			   struct diag *d)
{
	const struct mp_elem *ce = mp_elem_child(co, "CorrelationExpression");
	const struct mp_elem *x;
	int64_t v;
	int e = 0, r = 0;

	if (ce) {
		x = mp_elem_child(ce, NULL);
		if (x && strcmp(x->name, "Expression") != 0)
			r = config_error(m, x, d,
					 "CorrelationExpression holds one 'Expression'");
		else if (x && read_expression(m, x, c, d) < 0)
			r = -EINVAL;
	}
	if (monitor_config_int(m, co, "Count", 1, 1000000, true, 1, &v, d) < 0)
		r = -EINVAL;
	c->count = (uint32_t)v;
	if (monitor_config_int(m, co, "Interval", 1, MAX_INTERVAL_S, false, 0, &v, d) < 0)
		r = -EINVAL;
	c->interval_us = v * SEC;
	/* Latency and DrainWait wait for late or backlogged items; mpmon sees events
	 * in order on the event clock, so they are checked and need no effect */
	if (monitor_config_int(m, co, "Latency", 0, MAX_INTERVAL_S, true, 60, &v, d) < 0 ||
	    monitor_config_int(m, co, "DrainWait", 0, MAX_INTERVAL_S, true, 120, &v, d) < 0)
		r = -EINVAL;
	if (monitor_config_enum(m, co, "CorrelationOrder", order_names, 0, &e, d) < 0)
		r = -EINVAL;
	c->any_order = e == 1;
	if (monitor_config_enum(m, co, "CorrelationItemPolicy", policy_names, 0, &e, d) < 0)
		r = -EINVAL;
	c->most_recent = e >= 2;
	return r;
}

int corr_configure(struct monitor *m, const struct mp_elem *config,
		   const struct corr_config *tmpl, struct diag *d)
{
	const struct mp_elem *co = mp_elem_child(config, "Correlator");
	struct corr_config *c;
	int64_t v;
	int r = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = *tmpl;
	m->priv = c;
	if (monitor_subscribe(m, config, "SecondLogName", "SecondExpression", CORR_SUB_SECOND,
			      d) < 0)
		r = -EINVAL;
	c->first_sub = m->nsubs;
	if (monitor_subscribe(m, config, "FirstLogName", "FirstExpression", CORR_SUB_FIRST, d) < 0)
		r = -EINVAL;
	/* the Correlator's elements may also stand in the Configuration itself */
	if (!co && mp_elem_child(config, "Interval"))
		co = config;
	if (!co)
		return config_error(m, config, d, "configuration lacks 'Correlator'");
	if (read_correlator(m, co, c, d) < 0)
		r = -EINVAL;
	if (c->reset == CORR_RESET_TIMER) {
		if (monitor_config_int(m, config, "TimerWaitInSeconds", 1, MAX_INTERVAL_S, false, 0,
				       &v, d) < 0)
			return -EINVAL;
		c->timer_wait_us = v * SEC;
	}
	return r;
}

void corr_release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

/* ---- correlating ---- */

/*
 * The event's correlation values, first or second side: their hash, and the
 * start of them in copy. An absent field counts as empty, as an XPath on a
 * missing node gives ""; without CaseSensitive, ASCII letters are folded.
 */
static uint64_t key_of(const struct corr_config *c, const struct event *ev, bool second,
		       char *copy, uint8_t *len)
{
	uint64_t h = FNV_OFFSET;
	size_t n = 0;
	unsigned i;

	for (i = 0; i < c->npairs; i++) {
		const struct corr_pair *p = &c->pairs[i];
		struct str v = event_get(ev, second ? &p->second : &p->first);
		size_t j;

		if (i && n < CORR_VALUE_COPY)
			copy[n++] = 0x1f;
		for (j = 0; v.p && j < v.len; j++) {
			unsigned char ch = (unsigned char)v.p[j];

			if (!p->case_sensitive && ch >= 'A' && ch <= 'Z')
				ch = (unsigned char)(ch - 'A' + 'a');
			h = (h ^ ch) * FNV_PRIME;
			if (n < CORR_VALUE_COPY)
				copy[n++] = (char)ch;
		}
		/* end each value, so that ("ab", "") and ("a", "b") differ */
		h = (h ^ (0x100 + i)) * FNV_PRIME;
	}
	*len = (uint8_t)n;
	return h;
}

static bool same_value(const struct corr_item *it, uint64_t key, const char *copy, uint8_t len)
{
	return it->key == key && it->len == len && memcmp(it->value, copy, len) == 0;
}

static int64_t next_deadline(const struct corr_state *st)
{
	int64_t t = MONITOR_NO_DEADLINE;
	unsigned i;

	if (st->reset_armed && st->reset_at < t)
		t = st->reset_at;
	for (i = 0; i < CORR_MAX_PENDING; i++)
		if (st->pending[i].deadline && st->pending[i].deadline < t)
			t = st->pending[i].deadline;
	return t;
}

/* A correlated (or missing) event is detected now. */
static int detected(const struct corr_config *c, struct corr_state *st, int64_t now)
{
	if (c->reset == CORR_RESET_TIMER) {
		st->reset_armed = 1;
		st->reset_at = now + c->timer_wait_us;
	}
	return c->bad;
}

/* AnyOrder: remember a second event for first events that follow it. */
static void remember_second(const struct corr_config *c, struct corr_state *st, uint64_t key,
			    int64_t now)
{
	/* the indexes come back from a checkpoint: keep them inside the ring */
	struct corr_seen *s = &st->seen[st->seen_next % CORR_MAX_SEEN];

	if (st->nseen < CORR_MAX_SEEN)
		st->nseen++;
	else if (s->time >= now - c->interval_us)
		st->overflow++;	/* still inside its window, and forgotten */
	s->key = key;
	s->time = now;
	st->seen_next = (uint8_t)((st->seen_next + 1) % CORR_MAX_SEEN);
}

/* AnyOrder: second events with this key within Interval before now. */
static uint32_t seen_before(const struct corr_config *c, const struct corr_state *st,
			    uint64_t key, int64_t now)
{
	uint32_t n = 0;
	unsigned i;

	for (i = 0; i < st->nseen && i < CORR_MAX_SEEN; i++)
		if (st->seen[i].key == key && st->seen[i].time >= now - c->interval_us)
			n++;
	return n;
}

/*
 * Whether ev also matches the first event's subscription: the engine offers it
 * as a second event just before, and an event does not correlate with itself.
 */
static bool also_first(const struct monitor *m, const struct corr_config *c,
		       const struct event *ev)
{
	const struct monitor_sub *s = &m->subs[c->first_sub];
	struct str log = str_trim(str_of(s->log_name));
	struct str got = ev->slot[EVENT_LOG];

	return got.p && got.len == log.len && strncasecmp(got.p, log.p, log.len) == 0 &&
	       expr_eval(s->expr, ev);
}

static int on_second(const struct monitor *m, const struct corr_config *c, struct corr_state *st,
		     const struct event *ev, int64_t now)
{
	char copy[CORR_VALUE_COPY];
	int to = MONITOR_NO_CHANGE;
	uint64_t key;
	uint8_t len;
	unsigned i;

	key = key_of(c, ev, true, copy, &len);
	for (i = 0; i < CORR_MAX_PENDING; i++) {
		struct corr_item *it = &st->pending[i];

		/* on_tick frees a window when it ends */
		if (!it->deadline || now > it->start + c->interval_us ||
		    !same_value(it, key, copy, len))
			continue;
		if (++it->count < c->count)
			continue;
		memset(it, 0, sizeof(*it));
		if (!c->missing)
			to = detected(c, st, now);
	}
	if (c->any_order && !also_first(m, c, ev))
		remember_second(c, st, key, now);
	return to;
}

static int on_first(const struct corr_config *c, struct corr_state *st, const struct event *ev,
		    int64_t now)
{
	struct corr_item *it = NULL, *free_slot = NULL;
	char copy[CORR_VALUE_COPY];
	uint32_t before;
	uint64_t key;
	uint8_t len;
	unsigned i;

	key = key_of(c, ev, false, copy, &len);
	before = c->any_order ? seen_before(c, st, key, now) : 0;
	for (i = 0; i < CORR_MAX_PENDING; i++) {
		struct corr_item *p = &st->pending[i];

		if (!p->deadline) {
			if (!free_slot)
				free_slot = p;
		} else if (c->most_recent && !it && same_value(p, key, copy, len)) {
			it = p;	/* the newest first event restarts the window */
		}
	}
	if (before >= c->count) {
		/* complete already: a missing type is content, a correlated one raised */
		if (it)
			memset(it, 0, sizeof(*it));
		return c->missing ? MONITOR_NO_CHANGE : detected(c, st, now);
	}
	if (!it)
		it = free_slot;
	if (!it) {
		st->overflow++;
		return MONITOR_NO_CHANGE;
	}
	it->key = key;
	it->start = now;
	/* a correlated window is closed at both ends: its timer fires just after;
	 * a missing one is judged at its end, as the missing-event periods are */
	it->deadline = now + c->interval_us + (c->missing ? 0 : 1);
	it->count = before;
	it->len = len;
	memcpy(it->value, copy, len);
	return MONITOR_NO_CHANGE;
}

int corr_on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx, unsigned match,
		  const struct event *ev)
{
	const struct corr_config *c = m->priv;
	struct corr_state *st = state;
	int to = MONITOR_NO_CHANGE;

	if (match == CORR_SUB_HEALTHY)
		to = c->good;
	else if (match == CORR_SUB_SECOND)
		to = on_second(m, c, st, ev, ctx->now);
	else
		to = on_first(c, st, ev, ctx->now);
	ctx->deadline = next_deadline(st);
	return to;
}

int corr_on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct corr_config *c = m->priv;
	struct corr_state *st = state;
	int64_t now = ctx->now;
	int to = MONITOR_NO_CHANGE;
	unsigned i;

	/* the reset first: a detection due at the same moment wins */
	if (st->reset_armed && st->reset_at <= now) {
		st->reset_armed = 0;
		to = c->good;
	}
	for (i = 0; i < CORR_MAX_PENDING; i++) {
		struct corr_item *it = &st->pending[i];

		if (!it->deadline || it->deadline > now)
			continue;
		/* a window that closes short of Count: the second event is missing */
		if (c->missing)
			to = detected(c, st, now);
		memset(it, 0, sizeof(*it));
	}
	ctx->deadline = next_deadline(st);
	return to;
}

void corr_on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct corr_config *c = m->priv;
	struct corr_state *st = state;

	/* the operator says the condition is over: earlier events do not raise it
	 * again; the windows of a missing type are checks still to come and stay */
	st->reset_armed = 0;
	if (!c->missing) {
		memset(st->pending, 0, sizeof(st->pending));
		memset(st->seen, 0, sizeof(st->seen));
		st->nseen = 0;
		st->seen_next = 0;
	}
	ctx->deadline = next_deadline(st);
}
