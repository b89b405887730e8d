/*
 * The Consolidator behind SCOM's repeated-event and missing-event monitor types:
 * reading <Consolidator>, counting events per ConsolidationProperties group in
 * the fixed-size table of struct cons_state, the three CountModes, the schedule
 * of missing-event periods, and the healthy side (event, manual or timer reset).
 * The instance's single engine timer is the earliest of the groups' timers, the
 * period end and the reset wait; on_tick settles whichever are due.
 */
#include "monitors/consolidator.h"

#include "lib/diag.h"
#include "lib/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL
#define MAX_INTERVAL_S (366LL * 86400)

static const char *const mode_names[] = {
	"OnNewItemNOP_OnTimerOutputRestart",
	"OnNewItemTestOutputRestart_OnTimerRestart",
	"OnNewItemTestOutputRestart_OnTimerSlideByOne",
	NULL,
};

static const char *const unit_names[] = { "Seconds", "Minutes", "Hours", "Days", NULL };
static const int64_t unit_secs[] = { 1, 60, 3600, 86400 };

static int config_error(const struct monitor *m, const struct mp_elem *at, struct diag *d,
			const char *what)
{
	diag_error(d, at->file, at->line, "monitor '%s': %s", m->def->id, what);
	return -EINVAL;
}

/* <GenericSchedule>: mpmon runs a SimpleReccuringSchedule (SCOM's spelling). */
static int read_schedule(const struct monitor *m, const struct mp_elem *gs, int64_t *secs,
			 struct diag *d)
{
	const struct mp_elem *srs = mp_elem_child(gs, "SimpleReccuringSchedule");
	const struct mp_elem *iv, *ex, *k;
	const char *unit;
	int64_t n;
	int u = 0;

	ex = mp_elem_child(gs, "ExcludeDates");
	if (!srs || (ex && mp_elem_child(ex, NULL)))
		return config_error(m, gs, d,
				    "GenericSchedule: mpmon runs only a SimpleReccuringSchedule "
				    "without ExcludeDates");
	for (k = mp_elem_child(srs, NULL); k; k = mp_elem_next(k, NULL))
		if (strcmp(k->name, "Interval") != 0)
			return config_error(m, k, d,
					    "SimpleReccuringSchedule: only Interval is supported "
					    "(no SyncTime)");
	iv = mp_elem_child(srs, "Interval");
	if (!iv)
		return config_error(m, srs, d, "SimpleReccuringSchedule lacks 'Interval'");
	unit = mp_elem_attr(iv, "Unit");
	if (unit) {
		for (u = 0; unit_names[u] && strcmp(unit_names[u], unit) != 0; u++)
			;
		if (!unit_names[u])
			return config_error(m, iv, d,
					    "Interval Unit must be Seconds, Minutes, Hours or "
					    "Days");
	}
	if (monitor_config_int(m, srs, "Interval", 1, MAX_INTERVAL_S, false, 0, &n, d) < 0)
		return -EINVAL;
	if (n > MAX_INTERVAL_S / unit_secs[u])
		return config_error(m, iv, d, "Interval is longer than 366 days");
	*secs = n * unit_secs[u];
	return 0;
}

static int read_props(struct monitor *m, const struct mp_elem *cp, struct cons_config *c,
		      struct diag *d)
{
	static const char name[] = "PropertyXPathQuery";
	const struct mp_elem *p;

	for (p = mp_elem_child(cp, name); p; p = mp_elem_next(p, name)) {
		struct str f = str_trim(str_of(p->text));

		if (c->nprops == CONS_MAX_PROPS)
			return config_error(m, p, d, "more than 4 PropertyXPathQuery elements");
		if (field_ref_parse(f.p, f.len, &c->props[c->nprops]) < 0)
			return config_error(m, p, d, "bad PropertyXPathQuery");
		c->nprops++;
	}
	return 0;
}

int cons_configure(struct monitor *m, const struct mp_elem *config, const struct cons_config *tmpl,
		   struct diag *d)
{
	const struct mp_elem *co = mp_elem_child(config, "Consolidator");
	const struct mp_elem *cp, *tc, *wts, *gs, *cc;
	struct cons_config *c;
	int64_t secs = 0, v;
	int mode, r = 0;

	if (!co)
		return config_error(m, config, d, "configuration lacks 'Consolidator'");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = *tmpl;
	m->priv = c;
	cp = mp_elem_child(co, "ConsolidationProperties");
	tc = mp_elem_child(co, "TimeControl");
	cc = mp_elem_child(co, "CountingCondition");
	if (!tc || !cc)
		return config_error(m, co, d,
				    "Consolidator lacks 'TimeControl' or 'CountingCondition'");
	if (cp && read_props(m, cp, c, d) < 0)
		r = -EINVAL;
	if (c->missing && c->nprops) {
		/* a group that never sent an event cannot be missed: count them all */
		diag_warn(d, cp->file, cp->line,
			  "monitor '%s': ConsolidationProperties do not split missing-event "
			  "detection; all matching events count together", m->def->id);
		c->nprops = 0;
	}
	/* Latency and DrainWait wait for late or backlogged items; mpmon sees events
	 * in order on the event clock, so they are checked and need no effect */
	if (monitor_config_int(m, tc, "Latency", 0, MAX_INTERVAL_S, true, 60, &v, d) < 0 ||
	    monitor_config_int(m, tc, "DrainWait", 0, MAX_INTERVAL_S, true, 120, &v, d) < 0)
		r = -EINVAL;
	wts = mp_elem_child(tc, "WithinTimeSchedule");
	gs = mp_elem_child(tc, "GenericSchedule");
	if (wts) {
		if (monitor_config_int(m, wts, "Interval", 1, MAX_INTERVAL_S, false, 0, &secs,
				       d) < 0)
			r = -EINVAL;
	} else if (gs && c->missing) {
		if (read_schedule(m, gs, &secs, d) < 0)
			r = -EINVAL;
	} else if (gs) {
		r = config_error(m, gs, d,
				 "GenericSchedule is run for missing-event types only; use "
				 "WithinTimeSchedule");
	} else {
		r = config_error(m, tc, d, "TimeControl lacks 'WithinTimeSchedule'");
	}
	c->interval_us = secs * SEC;
	if (monitor_config_enum(m, cc, "CountMode", mode_names, -1, &mode, d) < 0)
		return -EINVAL;
	c->mode = (enum cons_mode)mode;
	if (c->missing && c->mode != CONS_TIMER_OUTPUT)
		return config_error(m, mp_elem_child(cc, "CountMode"), d,
				    "a missing event is judged when the period ends: CountMode "
				    "must be OnNewItemNOP_OnTimerOutputRestart");
	if (monitor_config_int(m, cc, "Count", 1,
			       c->mode == CONS_COUNT_SLIDE ? CONS_MAX_TIMES : 1000000, true, 1, &v,
			       d) < 0)
		return -EINVAL;
	c->count = (uint32_t)v;
	if (c->reset == CONS_RESET_TIMER) {
		if (monitor_config_int(m, config, "TimerWaitInSeconds", 1, MAX_INTERVAL_S, false, 0,
				       &v, d) < 0)
			return -EINVAL;
		c->timer_wait_us = v * SEC;
	}
	return r;
}

void cons_release(struct monitor *m)
{
	free(m->priv);
	m->priv = NULL;
}

/* ---- counting ---- */

static uint64_t group_key(const struct cons_config *c, const struct event *ev)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned i;

	for (i = 0; i < c->nprops; i++) {
		struct str v = event_get(ev, &c->props[i]);

		/* mix each value's hash, then its presence, so ("a","") != ("","a") */
		h ^= v.p ? str_hash(v) : 0x9e3779b97f4a7c15ULL;
		h *= 1099511628211ULL;
		h ^= i + 1;
		h *= 1099511628211ULL;
	}
	return h;
}

static bool group_armed(const struct cons_group *g)
{
	return g->deadline != 0;
}

/* The group for key; a free slot when new; NULL (counted) when the table is full. */
static struct cons_group *group_get(struct cons_state *st, uint64_t key)
{
	struct cons_group *free_slot = NULL;
	unsigned i;

	for (i = 0; i < CONS_MAX_GROUPS; i++) {
		struct cons_group *g = &st->groups[i];

		if (!group_armed(g)) {
			if (!free_slot)
				free_slot = g;
		} else if (g->key == key) {
			return g;
		}
	}
	if (!free_slot) {
		st->overflow++;
		return NULL;
	}
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->key = key;
	return free_slot;
}

static void group_free(struct cons_group *g)
{
	memset(g, 0, sizeof(*g));
}

/* Drop the times of a sliding window older than Interval before now. */
static void slide(const struct cons_config *c, struct cons_group *g, int64_t now)
{
	while (g->count && g->times[g->first] < now - c->interval_us) {
		g->first = (g->first + 1) % CONS_MAX_TIMES;
		g->count--;
	}
}

static int64_t next_deadline(const struct cons_state *st)
{
	int64_t t = MONITOR_NO_DEADLINE;
	unsigned i;

	if (st->reset_armed && st->reset_at < t)
		t = st->reset_at;
	if (st->period_armed && st->period_end < t)
		t = st->period_end;
	for (i = 0; i < CONS_MAX_GROUPS; i++)
		if (group_armed(&st->groups[i]) && st->groups[i].deadline < t)
			t = st->groups[i].deadline;
	return t;
}

/* A repeated (or missing) event is detected now. */
static int detected(const struct cons_config *c, struct cons_state *st, int64_t now)
{
	if (c->reset == CONS_RESET_TIMER) {
		st->reset_armed = 1;
		st->reset_at = now + c->timer_wait_us;
	}
	return c->bad;
}

/* A counted event of a repeated-event type; returns whether it completes the count. */
static bool count_item(const struct cons_config *c, struct cons_group *g, int64_t now)
{
	switch (c->mode) {
	case CONS_TIMER_OUTPUT:
		if (!group_armed(g)) {
			g->start = now;
			g->deadline = now + c->interval_us;
		}
		if (g->count < UINT32_MAX)
			g->count++;
		return false;
	case CONS_COUNT_RESTART:
		if (!group_armed(g)) {
			g->start = now;
			/* the window is closed at both ends: its timer fires just after */
			g->deadline = now + c->interval_us + 1;
		}
		if (++g->count < c->count)
			return false;
		group_free(g);
		return true;
	case CONS_COUNT_SLIDE:
		slide(c, g, now);
		g->times[(g->first + g->count) % CONS_MAX_TIMES] = now;
		if (++g->count < c->count) {
			g->deadline = g->times[g->first] + c->interval_us + 1;
			return false;
		}
		group_free(g);
		return true;
	}
	return false;
}

int cons_on_event(const struct monitor *m, void *state, struct monitor_ctx *ctx, unsigned match,
		  const struct event *ev)
{
	const struct cons_config *c = m->priv;
	struct cons_state *st = state;
	int to = MONITOR_NO_CHANGE;

	if (match == CONS_SUB_HEALTHY) {
		to = c->good;
	} else if (c->missing) {
		if (st->period_count < UINT32_MAX)
			st->period_count++;
	} else {
		struct cons_group *g = group_get(st, group_key(c, ev));

		if (g && count_item(c, g, ctx->now))
			to = detected(c, st, ctx->now);
	}
	ctx->deadline = next_deadline(st);
	return to;
}

int cons_on_tick(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct cons_config *c = m->priv;
	struct cons_state *st = state;
	int64_t now = ctx->now;
	int to = MONITOR_NO_CHANGE;
	unsigned i;

	/* the reset first: a detection due at the same moment wins */
	if (st->reset_armed && st->reset_at <= now) {
		st->reset_armed = 0;
		to = c->good;
	}
	if (st->period_armed && st->period_end <= now) {
		if (st->period_count == 0)
			to = detected(c, st, now);
		st->period_count = 0;
		st->period_end += c->interval_us;
	}
	for (i = 0; i < CONS_MAX_GROUPS; i++) {
		struct cons_group *g = &st->groups[i];

		if (!group_armed(g) || g->deadline > now)
			continue;
		switch (c->mode) {
		case CONS_TIMER_OUTPUT:
			/* the period ends: output what it saw and start the next one;
			 * a period without events stops the timer until the next event */
			if (g->count) {
				to = detected(c, st, now);
				g->count = 0;
				g->start = g->deadline;
				g->deadline += c->interval_us;
			} else {
				group_free(g);
			}
			break;
		case CONS_COUNT_RESTART:
			group_free(g);
			break;
		case CONS_COUNT_SLIDE:
			slide(c, g, now);
			if (g->count)
				g->deadline = g->times[g->first] + c->interval_us + 1;
			else
				group_free(g);
			break;
		}
	}
	ctx->deadline = next_deadline(st);
	return to;
}

bool cons_state_ok(const struct monitor *m, const void *state, int64_t now)
{
	const struct cons_config *c = m->priv;
	const struct cons_state *st = state;
	unsigned i;

	if ((st->reset_armed && st->reset_at < now) || (st->period_armed && st->period_end < now))
		return false;
	for (i = 0; i < CONS_MAX_GROUPS; i++) {
		const struct cons_group *g = &st->groups[i];

		if (group_armed(g) && (g->deadline < now || g->first >= CONS_MAX_TIMES ||
				       (c->mode == CONS_COUNT_SLIDE && g->count > CONS_MAX_TIMES)))
			return false;
	}
	return true;
}

int cons_start(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct cons_config *c = m->priv;
	struct cons_state *st = state;

	if (c->missing) {
		st->period_armed = 1;
		st->period_end = ctx->now + c->interval_us;
	}
	ctx->deadline = next_deadline(st);
	return MONITOR_NO_CHANGE;
}

void cons_on_reset(const struct monitor *m, void *state, struct monitor_ctx *ctx)
{
	const struct cons_config *c = m->priv;
	struct cons_state *st = state;

	/* the operator says the condition is over: repeated events count afresh;
	 * a missing-event schedule keeps running */
	st->reset_armed = 0;
	if (!c->missing)
		memset(st->groups, 0, sizeof(st->groups));
	ctx->deadline = next_deadline(st);
}

int cons_subscribe_counted(struct monitor *m, const struct mp_elem *config, const char *prefix,
			   struct diag *d)
{
	char log[64], expr[64];

	snprintf(log, sizeof(log), "%sLogName", prefix);
	snprintf(expr, sizeof(expr), "%sExpression", prefix);
	if (!mp_elem_child(config, log) && mp_elem_child(config, "LogName") &&
	    !mp_elem_child(config, expr) && mp_elem_child(config, "Expression"))
		return monitor_subscribe(m, config, "LogName", "Expression", CONS_SUB_COUNTED, d);
	return monitor_subscribe(m, config, log, expr, CONS_SUB_COUNTED, d);
}
