/*
 * Overrides across packs: a pack's MonitorPropertyOverride and the like change
 * elements of its own or of another pack, which may be loaded before or after
 * it. One whose Context is the element's Target or a class the Target derives
 * from holds for every instance and changes the element itself. With an
 * inventory, one for a group (a group class Context, or a group's GUID as
 * ContextInstance) or for one computer (its GUID) changes the element on those
 * computers only: a setting per computer, which the engine reads. The others
 * are said, not silently dropped.
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"
#include "mp-xml/inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a and b name the same pack (NULL: a pack without an identity, unequal). */
static bool same_pack(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static struct mp_pack *find_pack(struct mp_pack *const *packs, size_t n, const char *id,
				 struct mp_pack *self)
{
	size_t i;

	if (!id)
		return self;
	for (i = 0; i < n; i++)
		if (same_pack(packs[i]->id, id))
			return packs[i];
	return NULL;
}

/* Where an override may write: the element's own flags, and its per-computer settings. */
struct target {
	void *el;
	const char *target;		/* its Target as written */
	bool *enabled;
	struct mp_alert *alert;		/* monitors only */
	struct mp_computer_setting **settings;	/* monitors and rules; NULL: none */
	struct mp_origin *origin;	/* monitors and rules; NULL: none */
};

/* The element o targets in p; false when p has none. */
static bool find_element(struct mp_pack *p, const struct mp_override *o, struct target *t)
{
	struct mp_monitor *m;
	struct mp_rule *r;
	struct mp_diagnostic *g;
	struct mp_recovery *rc;

	memset(t, 0, sizeof(*t));
	switch (o->kind) {
	case MP_OVERRIDE_MONITOR:
		for (m = p->monitors; m; m = m->next)
			if (strcmp(m->id, o->element) == 0) {
				*t = (struct target){ m, m->target, &m->enabled, &m->alert, &m->settings,
						      m->origin };
				return true;
			}
		break;
	case MP_OVERRIDE_RULE:
		for (r = p->rules; r; r = r->next)
			if (strcmp(r->id, o->element) == 0) {
				*t = (struct target){ r, r->target, &r->enabled, NULL, &r->settings,
						      r->origin };
				return true;
			}
		break;
	case MP_OVERRIDE_DIAGNOSTIC:
		for (g = p->diagnostics; g; g = g->next)
			if (strcmp(g->id, o->element) == 0) {
				*t = (struct target){ g, g->target, &g->enabled, NULL, NULL, NULL };
				return true;
			}
		break;
	case MP_OVERRIDE_RECOVERY:
		for (rc = p->recoveries; rc; rc = rc->next)
			if (strcmp(rc->id, o->element) == 0) {
				*t = (struct target){ rc, rc->target, &rc->enabled, NULL, NULL, NULL };
				return true;
			}
		break;
	}
	return false;
}

/* Whether o's Context is target, written in pack p (alias or bare ID). */
static bool context_is_target(const struct mp_pack *owner, const struct mp_override *o,
			      const struct mp_pack *p, const char *target)
{
	const char *bang = target ? strchr(target, '!') : NULL;
	const char *tpack = p->id, *tid = target;

	if (!target)
		return false;
	if (bang) {
		tpack = mp_pack_alias(p, target, (size_t)(bang - target));
		tid = bang + 1;
	}
	if (strcmp(o->context, tid) != 0)
		return false;
	/* both bare in one pack without an identity (a fragment) */
	if (!o->context_pack && !tpack)
		return owner == p;
	return same_pack(o->context_pack, tpack);
}


/* What an override is for: every instance, a group's computers, one computer. */
enum level { LEVEL_CLASS, LEVEL_GROUP, LEVEL_OBJECT };

struct apply {
	struct mp_pack *const *packs;
	size_t n;
	const struct inventory *inv;	/* NULL: none */
	struct diag *d;
};

/* An override ready to set. */
struct pending {
	const struct mp_override *o;
	const struct mp_pack *owner;
	struct mp_pack *pack;		/* the element's: its settings go in its arena */
	struct target t;
	enum level level;
	const struct inventory_group *group;		/* LEVEL_GROUP */
	const struct inventory_computer *computer;	/* LEVEL_OBJECT */
	int depth;		/* LEVEL_CLASS: Base steps from the Target up to the Context */
	size_t order;		/* as read: the later of two equals wins */
};

/* ContextInstance: a group's or a computer's GUID in the inventory. */
static bool instance_scope(const struct apply *A, const struct mp_pack *owner,
			   const struct mp_override *o, struct pending *x)
{
	if (!A->inv) {
		diag_warn(A->d, owner->file, o->line, "override '%s' not applied: it is for one "
			  "instance (ContextInstance '%s'), and there is no inventory to say which",
			  o->id, o->context_instance);
		return false;
	}
	if (!inventory_instance(A->inv, o->context_instance, &x->group, &x->computer)) {
		diag_warn(A->d, owner->file, o->line, "override '%s' not applied: ContextInstance "
			  "'%s' is no group or computer of the inventory (%s)", o->id,
			  o->context_instance, A->inv->file);
		return false;
	}
	x->level = x->group ? LEVEL_GROUP : LEVEL_OBJECT;
	return true;
}

/* A group class as Context: its members, as the inventory lists them. */
static bool group_scope(const struct apply *A, const struct mp_pack *owner,
			const struct mp_override *o, struct pending *x)
{
	x->group = A->inv ? inventory_group(A->inv, o->context) : NULL;
	if (x->group) {
		x->level = LEVEL_GROUP;
		return true;
	}
	diag_warn(A->d, owner->file, o->line, "override '%s' not applied: its context '%s' is a "
		  "group %s", o->id, o->context, A->inv ? "the inventory does not list" :
		  "and there is no inventory to list its members");
	return false;
}

/*
 * Which instances o picks (target as written in p): all (LEVEL_CLASS, the
 * Target or a class it derives from), a group's, one computer's. False when
 * none that mpmon can tell, said at o's line.
 */
static bool context_scope(const struct apply *A, const struct mp_pack *owner,
			  const struct mp_override *o, const struct mp_pack *p, struct pending *x)
{
	const char *kind = mp_override_kind_name(o->kind), *t = x->t.target ? x->t.target : "";

	x->level = LEVEL_CLASS;
	if (o->context_instance)
		return instance_scope(A, owner, o, x);
	if (context_is_target(owner, o, p, x->t.target))
		return true;
	if (A->inv && inventory_group(A->inv, o->context))
		return group_scope(A, owner, o, x);
	switch (mp_context_of(A->packs, A->n, owner, o->context_pack, o->context, p, x->t.target,
			      &x->depth)) {
	case MP_CONTEXT_TARGET:
	case MP_CONTEXT_BASE:
		return true;
	case MP_CONTEXT_GROUP:
		return group_scope(A, owner, o, x);
	case MP_CONTEXT_DERIVED:
		diag_warn(A->d, owner->file, o->line, "override '%s' not applied: its context '%s' "
			  "is a class derived from the %s's target '%s', so it is for some of its "
			  "instances only, which the inventory does not list", o->id, o->context,
			  kind, t);
		break;
	case MP_CONTEXT_OTHER:
		diag_warn(A->d, owner->file, o->line, "override '%s' applies to nothing: its context "
			  "'%s' is neither the %s's target '%s' nor a class it derives from", o->id,
			  o->context, kind, t);
		break;
	case MP_CONTEXT_UNKNOWN:
		diag_warn(A->d, owner->file, o->line, "override '%s' not applied: its context '%s' "
			  "is a class no loaded pack defines and mpmon does not know", o->id,
			  o->context);
		break;
	}
	return false;
}

/* What o's ContextInstance is in the inventory, for a note: "" when nothing. */
static const char *instance_said(const struct apply *A, const struct mp_override *o)
{
	static char said[320];
	const struct inventory_group *g;
	const struct inventory_computer *c;

	if (!o->context_instance || !A->inv ||
	    !inventory_instance(A->inv, o->context_instance, &g, &c))
		return "";
	if (g)
		snprintf(said, sizeof(said), " (its ContextInstance is group '%s' of the inventory, "
			 "%zu computer%s)", g->id, g->nmembers, g->nmembers == 1 ? "" : "s");
	else
		snprintf(said, sizeof(said), " (its ContextInstance is computer '%s' of the "
			 "inventory)", c->name);
	return said;
}

/* o's element and context; true with x filled when it is to be set. */
static bool resolve_one(const struct apply *A, struct mp_pack *owner, const struct mp_override *o,
			struct pending *x)
{
	const char *kind = mp_override_kind_name(o->kind);
	struct mp_pack *p = find_pack(A->packs, A->n, o->pack, owner);

	if (!p) {
		diag_add(A->d, DIAG_NOTE, owner->file, o->line, "override '%s' not applied: pack "
			 "'%s' of %s '%s' is not loaded%s", o->id, o->pack, kind, o->element,
			 instance_said(A, o));
		return false;
	}
	if (!find_element(p, o, &x->t)) {
		/* a pack's own element that is missing was reported with its references */
		if (p != owner)
			diag_add(A->d, DIAG_NOTE, owner->file, o->line, "override '%s' not applied: "
				 "pack '%s' has no %s '%s' mpmon loads", o->id, o->pack, kind,
				 o->element);
		return false;
	}
	if (!context_scope(A, owner, o, p, x) || !o->known)
		return false;
	if (x->level != LEVEL_CLASS && o->config) {
		diag_warn(A->d, owner->file, o->line, "override '%s' not applied: mpmon applies a "
			  "configuration override for every instance only, not for a group or one "
			  "computer", o->id);
		return false;
	}
	if (x->level != LEVEL_CLASS && !x->t.settings) {
		diag_warn(A->d, owner->file, o->line, "override '%s' not applied: mpmon sets a %s's "
			  "properties for every instance only, not for a group or one computer",
			  o->id, kind);
		return false;
	}
	x->o = o;
	x->owner = owner;
	x->pack = p;
	return true;
}

static const char *const props[MP_NPROPS] = {
	"Enabled", "GenerateAlert", "AutoResolve", "AlertSeverity", "AlertPriority", "AlertOnState",
};
#define NPROPS MP_NPROPS

const char *mp_prop_name(enum mp_prop k)
{
	return k < MP_NPROPS ? props[k] : "";
}

static size_t prop_index(const char *property)
{
	size_t k;

	for (k = 0; k < NPROPS && strcmp(props[k], property) != 0; k++)
		;
	return k;
}

/* Remember x as where its property's value came from, in origin (NULL: nowhere). */
static void set_origin(struct mp_origin *origin, const struct pending *x)
{
	size_t k = prop_index(x->o->property);

	if (origin && k < NPROPS)
		origin[k] = (struct mp_origin){ x->o->id, x->owner->file, x->o->line,
						x->group ? x->group->id : NULL };
}

/* Set o's property in enabled (and, for a monitor, alert). */
static void set_prop(bool *enabled, struct mp_alert *alert, const struct mp_override *o)
{
	switch (prop_index(o->property)) {
	case 0: *enabled = o->flag; break;
	case 1: alert->present = o->flag; break;
	case 2: alert->auto_resolve = o->flag; break;
	case 3: alert->severity = o->severity; break;
	case 4: alert->priority = o->priority; break;
	case 5: alert->on_state = o->on_state; break;
	}
}

/* A computer's setting, with what set each property there (for conflicts). */
struct setting {
	struct mp_computer_setting pub;
	const struct pending *set_by[NPROPS];
};

/* The setting of x's element on computer c, made from its own values when new. */
static struct setting *setting_get(const struct pending *x, const struct inventory_computer *c)
{
	struct mp_computer_setting *s;
	struct setting *n;

	for (s = *x->t.settings; s; s = s->next)
		if (strcmp(s->computer, c->name) == 0)
			return (struct setting *)s;
	n = arena_alloc(&x->pack->arena, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->pub.computer = arena_strdup(&x->pack->arena, c->name);
	if (!n->pub.computer)
		return NULL;
	n->pub.enabled = *x->t.enabled;
	if (x->t.alert)
		n->pub.alert = *x->t.alert;
	if (x->t.origin)
		memcpy(n->pub.origin, x->t.origin, sizeof(n->pub.origin));
	n->pub.next = *x->t.settings;
	*x->t.settings = &n->pub;
	return n;
}

/* Two group overrides that disagree on one computer: SCOM does not say which wins. */
static void check_conflict(const struct pending *x, const struct pending *was,
			   const struct inventory_computer *c, struct diag *d)
{
	if (!was || was->level != LEVEL_GROUP || x->level != LEVEL_GROUP ||
	    was->o->enforced != x->o->enforced || strcmp(was->o->value, x->o->value) == 0)
		return;
	diag_warn(d, x->owner->file, x->o->line, "override '%s' and override '%s' (%s:%ld) set %s "
		  "of %s '%s' to %s and %s on computer '%s', which is in both groups: SCOM calls "
		  "the result unpredictable; mpmon takes the one read later", x->o->id, was->o->id,
		  was->owner->file, was->o->line, x->o->property, mp_override_kind_name(x->o->kind),
		  x->o->element, x->o->value, was->o->value, c->name);
}

/* A group's or a computer's override, on each of its computers. 0 or -ENOMEM. */
static int set_scoped(const struct pending *x, struct diag *d)
{
	const struct inventory_computer *const *cs = x->group ? x->group->members : &x->computer;
	size_t n = x->group ? x->group->nmembers : 1, i, k = prop_index(x->o->property);
	struct mp_alert none;

	for (i = 0; i < n; i++) {
		struct setting *s = setting_get(x, cs[i]);

		if (!s)
			return -ENOMEM;
		check_conflict(x, s->set_by[k], cs[i], d);
		s->set_by[k] = x;
		set_prop(&s->pub.enabled, x->t.alert ? &s->pub.alert : &none, x->o);
		set_origin(s->pub.origin, x);
	}
	if (x->group)
		diag_add(d, DIAG_NOTE, x->owner->file, x->o->line, "override '%s' sets %s of %s '%s' "
			 "to %s on the %zu computer%s of group '%s'", x->o->id, x->o->property,
			 mp_override_kind_name(x->o->kind), x->o->element, x->o->value, n,
			 n == 1 ? "" : "s", x->group->id);
	else
		diag_add(d, DIAG_NOTE, x->owner->file, x->o->line, "override '%s' sets %s of %s '%s' "
			 "to %s on computer '%s'", x->o->id, x->o->property,
			 mp_override_kind_name(x->o->kind), x->o->element, x->o->value,
			 x->computer->name);
	return 0;
}

/* A configuration parameter's value for every instance; the engine checks it. */
static void set_config(const struct pending *x, struct diag *d)
{
	struct mp_monitor *m = x->t.el;
	struct mp_config_value *v = arena_alloc(&x->pack->arena, sizeof(*v));

	if (!v) {
		diag_error(d, x->owner->file, x->o->line, "out of memory for the overrides");
		return;
	}
	v->parameter = x->o->property;
	v->value = x->o->value;
	v->origin = (struct mp_origin){ x->o->id, x->owner->file, x->o->line, NULL };
	v->next = m->config_values;
	m->config_values = v;
	diag_add(d, DIAG_NOTE, x->owner->file, x->o->line, "override '%s' sets parameter %s of "
		 "monitor '%s' to %s where its type declares it overridable%s", x->o->id,
		 x->o->property, x->o->element, x->o->value,
		 x->depth ? " (its context is a base class of the target)" : "");
}

/* An override for every instance, unless a stronger one for every instance follows. */
static void set_class(const struct pending *x, const struct pending *stronger, struct diag *d)
{
	struct mp_alert none;
	const struct mp_override *o = x->o;

	if (stronger) {
		diag_add(d, DIAG_NOTE, x->owner->file, o->line, "override '%s' (%s of %s '%s' to %s) "
			 "gives way to override '%s' (%s:%ld)", o->id, o->property,
			 mp_override_kind_name(o->kind), o->element, o->value, stronger->o->id,
			 stronger->owner->file, stronger->o->line);
		return;
	}
	if (o->config) {
		set_config(x, d);
		return;
	}
	set_prop(x->t.enabled, x->t.alert ? x->t.alert : &none, o);
	set_origin(x->t.origin, x);
	diag_add(d, DIAG_NOTE, x->owner->file, o->line, "override '%s' sets %s of %s '%s' to %s%s",
		 o->id, o->property, mp_override_kind_name(o->kind), o->element, o->value,
		 x->depth ? " (its context is a base class of the target)" : "");
}

/*
 * SCOM's precedence: a class, then a group, then one object, the most
 * specific winning; among classes the one nearer the Target; then an
 * Enforced override over the others of its kind; then the later one read.
 */
static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	if (x->o->enforced != y->o->enforced)
		return x->o->enforced ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The last class-level one of v[i+1..k) setting the same property of the same element. */
static const struct pending *stronger_class(const struct pending *v, size_t k, size_t i)
{
	const struct pending *w = NULL;
	size_t j;

	for (j = i + 1; j < k && v[j].level == LEVEL_CLASS; j++)
		if (v[j].t.el == v[i].t.el && v[j].o->config == v[i].o->config &&
		    strcmp(v[j].o->property, v[i].o->property) == 0)
			w = &v[j];
	return w;
}

void mp_overrides_apply(struct mp_pack *const *packs, size_t n, const struct inventory *inv,
			struct diag *d)
{
	const struct apply A = { packs, n, inv, d };
	const struct mp_override *o;
	struct pending *v;
	size_t i, k = 0, total = 0;

	for (i = 0; i < n; i++)
		for (o = packs[i]->overrides; o; o = o->next)
			total++;
	v = total ? calloc(total, sizeof(*v)) : NULL;
	if (total && !v) {
		diag_error(d, packs[0]->file, 0, "out of memory for the overrides");
		return;
	}
	for (i = 0; i < n; i++)
		for (o = packs[i]->overrides; o; o = o->next)
			if (resolve_one(&A, packs[i], o, &v[k])) {
				v[k].order = k;
				k++;
			}
	if (k > 1)	/* qsort may not be given NULL, even for none */
		qsort(v, k, sizeof(*v), cmp_pending);
	for (i = 0; i < k; i++) {
		if (v[i].level == LEVEL_CLASS)
			set_class(&v[i], stronger_class(v, k, i), d);
		else if (set_scoped(&v[i], d) < 0)
			diag_error(d, v[i].owner->file, v[i].o->line, "out of memory for the overrides");
	}
	free(v);
}
