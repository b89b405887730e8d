/*
 * Overrides across packs: a pack's MonitorPropertyOverride and the like change
 * elements of its own or of another pack, which may be loaded before or after
 * it. mpmon has no inventory of instances or groups, so it applies an override
 * only when it holds for every instance of the element: its Context is the
 * element's Target or a class the Target derives from, and it names no
 * ContextInstance. The others are said, not silently dropped.
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"

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

/* The element o targets in p, with its Target as written and its enabled flag. */
static void *find_element(struct mp_pack *p, const struct mp_override *o, const char **target,
			  bool **enabled)
{
	struct mp_monitor *m;
	struct mp_rule *r;
	struct mp_diagnostic *g;
	struct mp_recovery *rc;

	switch (o->kind) {
	case MP_OVERRIDE_MONITOR:
		for (m = p->monitors; m; m = m->next)
			if (strcmp(m->id, o->element) == 0) {
				*target = m->target;
				*enabled = &m->enabled;
				return m;
			}
		break;
	case MP_OVERRIDE_RULE:
		for (r = p->rules; r; r = r->next)
			if (strcmp(r->id, o->element) == 0) {
				*target = r->target;
				*enabled = &r->enabled;
				return r;
			}
		break;
	case MP_OVERRIDE_DIAGNOSTIC:
		for (g = p->diagnostics; g; g = g->next)
			if (strcmp(g->id, o->element) == 0) {
				*target = g->target;
				*enabled = &g->enabled;
				return g;
			}
		break;
	case MP_OVERRIDE_RECOVERY:
		for (rc = p->recoveries; rc; rc = rc->next)
			if (strcmp(rc->id, o->element) == 0) {
				*target = rc->target;
				*enabled = &rc->enabled;
				return rc;
			}
		break;
	}
	return NULL;
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

/* An override that holds for every instance, ready to set. */
struct pending {
	const struct mp_override *o;
	const struct mp_pack *owner;
	void *el;
	bool *enabled;
	int depth;		/* Base steps from the Target up to the Context */
	size_t order;		/* as read: the later of two equals wins */
};

/*
 * Whether o's Context holds for every instance of the element (target as
 * written in p): the Target or a class it derives from. Else says why at
 * o's line. *depth: see mp_context_of.
 */
static bool context_holds(struct mp_pack *const *packs, size_t n, const struct mp_pack *owner,
			  const struct mp_override *o, const struct mp_pack *p, const char *target,
			  int *depth, struct diag *d)
{
	const char *kind = mp_override_kind_name(o->kind), *t = target ? target : "";

	*depth = 0;
	if (context_is_target(owner, o, p, target))
		return true;
	switch (mp_context_of(packs, n, owner, o->context_pack, o->context, p, target, depth)) {
	case MP_CONTEXT_TARGET:
	case MP_CONTEXT_BASE:
		return true;
	case MP_CONTEXT_DERIVED:
		diag_warn(d, owner->file, o->line, "override '%s' not applied: its context '%s' "
			  "is a class derived from the %s's target '%s', so it is for some of its "
			  "instances only, which needs an inventory of instances", o->id,
			  o->context, kind, t);
		break;
	case MP_CONTEXT_GROUP:
		diag_warn(d, owner->file, o->line, "override '%s' not applied: its context '%s' "
			  "is a group, whose members need an inventory of instances", o->id,
			  o->context);
		break;
	case MP_CONTEXT_OTHER:
		diag_warn(d, owner->file, o->line, "override '%s' applies to nothing: its context "
			  "'%s' is neither the %s's target '%s' nor a class it derives from", o->id,
			  o->context, kind, t);
		break;
	case MP_CONTEXT_UNKNOWN:
		diag_warn(d, owner->file, o->line, "override '%s' not applied: its context '%s' "
			  "is a class no loaded pack defines and mpmon does not know", o->id,
			  o->context);
		break;
	}
	return false;
}

/* o's element and context; true with x filled when it is to be set. */
static bool resolve_one(struct mp_pack *const *packs, size_t n, struct mp_pack *owner,
			const struct mp_override *o, struct pending *x, struct diag *d)
{
	const char *kind = mp_override_kind_name(o->kind), *target = NULL;
	struct mp_pack *p = find_pack(packs, n, o->pack, owner);

	if (o->context_instance) {
		diag_warn(d, owner->file, o->line, "override '%s' not applied: it is for one "
			  "instance (ContextInstance '%s'), and mpmon has no inventory of "
			  "instances", o->id, o->context_instance);
		return false;
	}
	if (!p) {
		diag_add(d, DIAG_NOTE, owner->file, o->line, "override '%s' not applied: pack '%s' "
			 "of %s '%s' is not loaded", o->id, o->pack, kind, o->element);
		return false;
	}
	x->el = find_element(p, o, &target, &x->enabled);
	if (!x->el) {
		/* a pack's own element that is missing was reported with its references */
		if (p != owner)
			diag_add(d, DIAG_NOTE, owner->file, o->line, "override '%s' not applied: "
				 "pack '%s' has no %s '%s' mpmon loads", o->id, o->pack, kind,
				 o->element);
		return false;
	}
	if (!context_holds(packs, n, owner, o, p, target, &x->depth, d) || !o->known)
		return false;
	x->o = o;
	x->owner = owner;
	return true;
}

static void set_one(const struct pending *x, struct diag *d)
{
	const struct mp_override *o = x->o;

	if (strcmp(o->property, "Enabled") == 0) {
		*x->enabled = o->flag;
	} else {
		struct mp_monitor *m = x->el;

		if (strcmp(o->property, "GenerateAlert") == 0)
			m->alert.present = o->flag;
		else if (strcmp(o->property, "AutoResolve") == 0)
			m->alert.auto_resolve = o->flag;
		else if (strcmp(o->property, "AlertSeverity") == 0)
			m->alert.severity = o->severity;
		else if (strcmp(o->property, "AlertPriority") == 0)
			m->alert.priority = o->priority;
	}
	diag_add(d, DIAG_NOTE, x->owner->file, o->line, "override '%s' sets %s of %s '%s' to %s%s",
		 o->id, o->property, mp_override_kind_name(o->kind), o->element, o->value,
		 x->depth ? " (its context is a base class of the target)" : "");
}

/*
 * SCOM's precedence: an Enforced override over the others; a class nearer the
 * Target over one further up its Base chain; then the later one read.
 */
static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->o->enforced != y->o->enforced)
		return x->o->enforced ? 1 : -1;
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The last of v[i+1..k) that sets the same property of the same element, or NULL. */
static const struct pending *later_same(const struct pending *v, size_t k, size_t i)
{
	const struct pending *w = NULL;
	size_t j;

	for (j = i + 1; j < k; j++)
		if (v[j].el == v[i].el && strcmp(v[j].o->property, v[i].o->property) == 0)
			w = &v[j];
	return w;
}

void mp_overrides_apply(struct mp_pack *const *packs, size_t n, struct diag *d)
{
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
			if (resolve_one(packs, n, packs[i], o, &v[k], d)) {
				v[k].order = k;
				k++;
			}
	qsort(v, k, sizeof(*v), cmp_pending);
	for (i = 0; i < k; i++) {
		const struct pending *w = later_same(v, k, i);

		if (w)
			diag_add(d, DIAG_NOTE, v[i].owner->file, v[i].o->line, "override '%s' "
				 "(%s of %s '%s' to %s) gives way to override '%s' (%s:%ld)",
				 v[i].o->id, v[i].o->property, mp_override_kind_name(v[i].o->kind),
				 v[i].o->element, v[i].o->value, w->o->id, w->owner->file, w->o->line);
		else
			set_one(&v[i], d);
	}
	free(v);
}
