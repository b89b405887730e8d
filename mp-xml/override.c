/*
 * Overrides across packs: a pack's MonitorPropertyOverride and the like change
 * elements of its own or of another pack, which may be loaded before or after
 * it. mpmon has no inventory of instances, classes or groups, so it applies an
 * override only when it holds for every instance of the element: its Context
 * is the element's own Target and it names no ContextInstance. The others are
 * said, not silently dropped.
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"

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

static void apply_one(struct mp_pack *const *packs, size_t n, struct mp_pack *owner,
		      const struct mp_override *o, struct diag *d)
{
	const char *kind = mp_override_kind_name(o->kind), *target = NULL;
	struct mp_pack *p = find_pack(packs, n, o->pack, owner);
	bool *enabled = NULL;
	void *el;

	if (o->context_instance) {
		diag_warn(d, owner->file, o->line, "override '%s' not applied: it is for one "
			  "instance (ContextInstance '%s'), and mpmon has no inventory of "
			  "instances", o->id, o->context_instance);
		return;
	}
	if (!p) {
		diag_add(d, DIAG_NOTE, owner->file, o->line, "override '%s' not applied: pack '%s' "
			 "of %s '%s' is not loaded", o->id, o->pack, kind, o->element);
		return;
	}
	el = find_element(p, o, &target, &enabled);
	if (!el) {
		/* a pack's own element that is missing was reported with its references */
		if (p != owner)
			diag_add(d, DIAG_NOTE, owner->file, o->line, "override '%s' not applied: "
				 "pack '%s' has no %s '%s' mpmon loads", o->id, o->pack, kind,
				 o->element);
		return;
	}
	if (!context_is_target(owner, o, p, target)) {
		diag_warn(d, owner->file, o->line, "override '%s' not applied: its context '%s' "
			  "is not the %s's target '%s' (mpmon applies overrides whose context is "
			  "the target itself; classes and groups need the inventory)", o->id,
			  o->context, kind, target ? target : "");
		return;
	}
	if (!o->known)
		return;
	if (strcmp(o->property, "Enabled") == 0) {
		*enabled = o->flag;
	} else {
		struct mp_monitor *m = el;

		if (strcmp(o->property, "GenerateAlert") == 0)
			m->alert.present = o->flag;
		else if (strcmp(o->property, "AutoResolve") == 0)
			m->alert.auto_resolve = o->flag;
		else if (strcmp(o->property, "AlertSeverity") == 0)
			m->alert.severity = o->severity;
		else if (strcmp(o->property, "AlertPriority") == 0)
			m->alert.priority = o->priority;
	}
	diag_add(d, DIAG_NOTE, owner->file, o->line, "override '%s' sets %s of %s '%s' to %s",
		 o->id, o->property, kind, o->element, o->value);
}

void mp_overrides_apply(struct mp_pack *const *packs, size_t n, struct diag *d)
{
	const struct mp_override *o;
	size_t i;

	/*
	 * Pack by pack, each in document order: when two overrides set one
	 * property, the last read wins. An Enforced one goes last of all, as in
	 * SCOM, where it wins over the others.
	 */
	for (i = 0; i < n; i++)
		for (o = packs[i]->overrides; o; o = o->next)
			if (!o->enforced)
				apply_one(packs, n, packs[i], o, d);
	for (i = 0; i < n; i++)
		for (o = packs[i]->overrides; o; o = o->next)
			if (o->enforced)
				apply_one(packs, n, packs[i], o, d);
}
