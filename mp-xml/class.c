/*
 * The class model across packs: a class's Base chain and what hosts it, through
 * the loaded packs and the classes of SCOM's libraries, which are sealed and
 * rarely at hand. From it comes a target's scope: whether a monitor or rule
 * keeps one state per computer (the class is a computer or hosted on one, as
 * Microsoft.Windows.LocalApplication is) or a single one (a group, a pool).
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"

#include <string.h>

#define CLASS_MAX_DEPTH 32	/* Base and host chains are shallow; a cycle stops here */

/* A library class: its base and host (bare IDs), and whether it is hosted. */
struct lib_class {
	const char *id, *base, *host;
	bool hosted, singleton;
};

static const struct lib_class lib_classes[] = {
	/* System.Library */
	{ "System.Entity", NULL, NULL, false, false },
	{ "System.LogicalEntity", "System.Entity", NULL, false, false },
	{ "System.PhysicalEntity", "System.Entity", NULL, false, false },
	{ "System.Device", "System.LogicalEntity", NULL, false, false },
	{ "System.Computer", "System.Device", NULL, false, false },
	{ "System.ApplicationComponent", "System.LogicalEntity", "System.Computer", true, false },
	{ "System.LocalApplication", "System.ApplicationComponent", "System.Computer", true, false },
	{ "System.ComputerRole", "System.LocalApplication", "System.Computer", true, false },
	{ "System.OperatingSystem", "System.LogicalEntity", "System.Computer", true, false },
	{ "System.LogicalHardware", "System.LogicalEntity", "System.Computer", true, false },
	{ "System.Database", "System.ApplicationComponent", "System.Computer", true, false },
	{ "System.Service", "System.LogicalEntity", NULL, false, false },
	{ "System.Group", "System.LogicalEntity", NULL, false, false },
	{ "System.Perspective", "System.LogicalEntity", NULL, false, false },
	/* Microsoft.Windows.Library */
	{ "Microsoft.Windows.Computer", "System.Computer", NULL, false, false },
	{ "Microsoft.Windows.Server.Computer", "Microsoft.Windows.Computer", NULL, false, false },
	{ "Microsoft.Windows.Client.Computer", "Microsoft.Windows.Computer", NULL, false, false },
	{ "Microsoft.Windows.LocalApplication", "System.LocalApplication",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.Windows.ComputerRole", "System.ComputerRole", "Microsoft.Windows.Computer",
	  true, false },
	{ "Microsoft.Windows.ApplicationComponent", "System.ApplicationComponent",
	  "Microsoft.Windows.LocalApplication", true, false },
	{ "Microsoft.Windows.OperatingSystem", "System.OperatingSystem",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.Windows.Server.OperatingSystem", "Microsoft.Windows.OperatingSystem",
	  "Microsoft.Windows.Server.Computer", true, false },
	{ "Microsoft.Windows.Client.OperatingSystem", "Microsoft.Windows.OperatingSystem",
	  "Microsoft.Windows.Client.Computer", true, false },
	{ "Microsoft.Windows.LogicalDevice", "System.LogicalHardware", "Microsoft.Windows.Computer",
	  true, false },
	{ "Microsoft.Windows.LogicalDisk", "Microsoft.Windows.LogicalDevice",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.Windows.NetworkAdapter", "Microsoft.Windows.LogicalDevice",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.Windows.Processor", "Microsoft.Windows.LogicalDevice",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.Windows.PhysicalDisk", "Microsoft.Windows.LogicalDevice",
	  "Microsoft.Windows.Computer", true, false },
	/* Microsoft.SystemCenter.Library and InstanceGroup.Library */
	{ "Microsoft.SystemCenter.HealthService", "System.LocalApplication",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.SystemCenter.ManagementServer", "Microsoft.SystemCenter.HealthService",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.SystemCenter.RootManagementServer", "Microsoft.SystemCenter.ManagementServer",
	  "Microsoft.Windows.Computer", true, false },
	{ "Microsoft.SystemCenter.Agent", "System.LocalApplication",
	  "Microsoft.SystemCenter.HealthService", true, false },
	{ "Microsoft.SystemCenter.ManagementServicePool", "System.LogicalEntity", NULL, false,
	  false },
	{ "Microsoft.SystemCenter.AllManagementServersPool",
	  "Microsoft.SystemCenter.ManagementServicePool", NULL, false, true },
	{ "Microsoft.SystemCenter.ComputerGroup", "System.Group", NULL, false, false },
	{ "Microsoft.SystemCenter.AllComputersGroup", "Microsoft.SystemCenter.ComputerGroup", NULL,
	  false, true },
	{ "Microsoft.SystemCenter.InstanceGroup", "System.Group", NULL, false, false },
	/* Microsoft.Unix.Library, Microsoft.Linux.Library */
	{ "Microsoft.Unix.Computer", "System.Computer", NULL, false, false },
	{ "Microsoft.Unix.OperatingSystem", "System.OperatingSystem", "Microsoft.Unix.Computer",
	  true, false },
	{ "Microsoft.Unix.LocalApplication", "System.LocalApplication", "Microsoft.Unix.Computer",
	  true, false },
	{ "Microsoft.Unix.ApplicationComponent", "System.ApplicationComponent",
	  "Microsoft.Unix.LocalApplication", true, false },
	{ "Microsoft.Unix.LogicalDevice", "System.LogicalHardware", "Microsoft.Unix.Computer",
	  true, false },
	{ "Microsoft.Linux.Computer", "Microsoft.Unix.Computer", NULL, false, false },
	{ "Microsoft.Linux.OperatingSystem", "Microsoft.Unix.OperatingSystem",
	  "Microsoft.Linux.Computer", true, false },
};

/* A class wherever it is defined: pack is NULL for a library class. */
struct class_ref {
	const struct mp_pack *pack;
	const struct mp_class *def;
	const struct lib_class *lib;
};

struct model {
	struct mp_pack *const *packs;
	size_t n;
};

const char *mp_scope_name(enum mp_scope s)
{
	return s == MP_SCOPE_COMPUTER ? "computer" : "one";
}

/* Split raw (Alias!ID or a bare ID, written in p) into the pack ID and the ID. */
static const char *split_ref(const struct mp_pack *p, const char *raw, const char **pack)
{
	const char *bang = strchr(raw, '!');

	if (!bang) {
		*pack = p->id;
		return raw;
	}
	*pack = mp_pack_alias(p, raw, (size_t)(bang - raw));
	return bang + 1;
}

static const struct lib_class *lib_find(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(lib_classes) / sizeof(lib_classes[0]); i++)
		if (strcmp(lib_classes[i].id, id) == 0)
			return &lib_classes[i];
	return NULL;
}

static const struct mp_class *pack_class(const struct mp_pack *p, const char *id)
{
	const struct mp_class *c;

	for (c = p->classes; c; c = c->next)
		if (c->id && strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

/* Class id of the loaded pack named pack (NULL: none), else of a library. */
static bool class_in_pack(const struct model *m, const char *pack, const char *id,
			  struct class_ref *out)
{
	size_t i;

	for (i = 0; pack && i < m->n; i++)
		if (m->packs[i]->id && strcmp(m->packs[i]->id, pack) == 0 &&
		    (out->def = pack_class(m->packs[i], id))) {
			out->pack = m->packs[i];
			return true;
		}
	out->lib = lib_find(id);
	return out->lib != NULL;
}

/*
 * The class raw names in p: p's own for a bare ID, a loaded pack's (the one
 * its alias names), else a library's (p NULL: only a library's). False when
 * none knows it.
 */
static bool find_class(const struct model *m, const struct mp_pack *p, const char *raw,
		       struct class_ref *out)
{
	const char *pack = NULL, *id = p ? split_ref(p, raw, &pack) : raw;

	memset(out, 0, sizeof(*out));
	if (p && !strchr(raw, '!') && (out->def = pack_class(p, id))) {
		out->pack = p;
		return true;
	}
	return class_in_pack(m, pack, id, out);
}

/* The base of c; false at the root or when the base is nowhere. */
static bool class_base(const struct model *m, const struct class_ref *c, struct class_ref *out)
{
	if (c->lib)
		return c->lib->base && find_class(m, NULL, c->lib->base, out);
	return c->def->base && find_class(m, c->pack, c->def->base, out);
}

static bool same_class(const struct class_ref *a, const struct class_ref *b)
{
	return a->def == b->def && a->lib == b->lib;
}

/* How many Base steps up from c `of` is; -1 when c does not derive from it. */
static int class_distance(const struct model *m, const struct class_ref *c,
			  const struct class_ref *of)
{
	struct class_ref cur = *c, next;
	int depth;

	for (depth = 0; depth < CLASS_MAX_DEPTH; depth++) {
		if (same_class(&cur, of))
			return depth;
		if (!class_base(m, &cur, &next))
			return -1;
		cur = next;
	}
	return -1;
}

/* Whether c is `of` or derives from it. */
static bool class_derives(const struct model *m, const struct class_ref *c,
			  const struct class_ref *of)
{
	return class_distance(m, c, of) >= 0;
}

/* Whether c is the library class id or derives from it. */
static bool derives_from_lib(const struct model *m, const struct class_ref *c, const char *id)
{
	const struct class_ref of = { NULL, NULL, lib_find(id) };

	return class_derives(m, c, &of);
}

static bool is_computer(const struct model *m, const struct class_ref *c)
{
	return derives_from_lib(m, c, "System.Computer");
}

/* Whether relationship r of p derives from System.Hosting. */
static bool is_hosting(const struct model *m, const struct mp_pack *p,
		       const struct mp_relationship *r, int depth)
{
	const char *pack, *id;
	size_t i;

	if (!r->base || depth >= CLASS_MAX_DEPTH)
		return false;
	id = split_ref(p, r->base, &pack);
	if (strcmp(id, "System.Hosting") == 0)
		return true;
	for (i = 0; i < m->n; i++) {
		const struct mp_relationship *b;

		if (!pack || !m->packs[i]->id || strcmp(m->packs[i]->id, pack) != 0)
			continue;
		for (b = m->packs[i]->relationships; b; b = b->next)
			if (b->id && strcmp(b->id, id) == 0)
				return is_hosting(m, m->packs[i], b, depth + 1);
	}
	/* a library's hosting relationships are all named so: ComputerHostsLocalApplication */
	return strstr(id, "Hosts") != NULL;
}

/* The source of a hosting relationship whose target is c itself; false when none. */
static bool host_by_relationship(const struct model *m, const struct class_ref *c,
				 struct class_ref *out)
{
	const struct mp_relationship *r;
	struct class_ref t;
	size_t i;

	for (i = 0; i < m->n; i++)
		for (r = m->packs[i]->relationships; r; r = r->next)
			if (r->source && r->target && !r->abstract &&
			    is_hosting(m, m->packs[i], r, 0) &&
			    find_class(m, m->packs[i], r->target, &t) && same_class(&t, c))
				return find_class(m, m->packs[i], r->source, out);
	return false;
}

/*
 * What hosts c: a hosting relationship that names it, the library's host, or
 * its base's host (a derived class is hosted as its base is). False when
 * none is known.
 */
static bool class_host(const struct model *m, const struct class_ref *c, struct class_ref *out)
{
	struct class_ref cur = *c, next;
	int depth;

	for (depth = 0; depth < CLASS_MAX_DEPTH; depth++) {
		if (host_by_relationship(m, &cur, out))
			return true;
		if (cur.lib && cur.lib->host)
			return find_class(m, NULL, cur.lib->host, out);
		if (!class_base(m, &cur, &next))
			return false;
		cur = next;
	}
	return false;
}

static bool class_hosted(const struct class_ref *c)
{
	return c->def ? c->def->hosted : c->lib->hosted;
}

/* c's scope; *known is false when a class on the way is nowhere to be found. */
static enum mp_scope class_scope(const struct model *m, const struct class_ref *c, bool *known)
{
	struct class_ref cur = *c, host;
	int depth;

	for (depth = 0; depth < CLASS_MAX_DEPTH; depth++) {
		if (is_computer(m, &cur))
			return MP_SCOPE_COMPUTER;
		if (!class_hosted(&cur))
			return MP_SCOPE_ONE;
		if (!class_host(m, &cur, &host)) {
			*known = false;
			return MP_SCOPE_COMPUTER;
		}
		cur = host;
	}
	return MP_SCOPE_COMPUTER;
}

#define WARNED_MAX 64

/* Unknown targets warned about in one pack: one warning per class is enough. */
struct warned {
	const char *target[WARNED_MAX];
	size_t n;
};

static bool warn_first(struct warned *w, const char *target)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->target[i], target) == 0)
			return false;
	if (w->n < WARNED_MAX)
		w->target[w->n++] = target;
	return true;
}

/* The scope of target (as written in p); warns in d at the first use of an unknown class. */
static enum mp_scope target_scope(const struct model *m, const struct mp_pack *p,
				  const char *target, const char *kind, const char *id,
				  long line, struct warned *w, struct diag *d)
{
	struct class_ref c;
	enum mp_scope s;
	bool known = true;

	if (!target || !*target)
		return MP_SCOPE_ONE;
	if (!find_class(m, p, target, &c)) {
		known = false;
		s = MP_SCOPE_COMPUTER;
	} else {
		s = class_scope(m, &c, &known);
	}
	if (!known && d && warn_first(w, target))
		diag_warn(d, p->file, line, "%s '%s': target '%s' is a class no loaded pack "
			  "defines and mpmon does not know: taken as hosted on the computer that "
			  "logs the events", kind, id, target);
	return s;
}

void mp_scopes_resolve(struct mp_pack *const *packs, size_t n, struct diag *d)
{
	const struct model m = { packs, n };
	size_t i;

	for (i = 0; i < n; i++) {
		struct mp_pack *p = packs[i];
		struct mp_monitor *mo;
		struct mp_aggregate *g;
		struct mp_rule *r;
		struct warned w = { { NULL }, 0 };

		for (mo = p->monitors; mo; mo = mo->next)
			mo->scope = target_scope(&m, p, mo->target, "monitor", mo->id, mo->line,
						 &w, d);
		for (g = p->aggregates; g; g = g->next)
			g->scope = target_scope(&m, p, g->target, "aggregate monitor", g->id,
						g->line, &w, d);
		for (r = p->rules; r; r = r->next)
			r->scope = target_scope(&m, p, r->target, "rule", r->id, r->line, &w, d);
	}
}

/* The class context of owner (pack ID context_pack, NULL: owner's bare ID). */
static bool find_context(const struct model *m, const struct mp_pack *owner,
			 const char *context_pack, const char *context, struct class_ref *out)
{
	memset(out, 0, sizeof(*out));
	if (!context_pack || (owner->id && strcmp(context_pack, owner->id) == 0)) {
		out->def = pack_class(owner, context);
		if (out->def) {
			out->pack = owner;
			return true;
		}
	}
	return class_in_pack(m, context_pack, context, out);
}

enum mp_context mp_context_of(struct mp_pack *const *packs, size_t n,
			      const struct mp_pack *owner, const char *context_pack,
			      const char *context, const struct mp_pack *target_pack,
			      const char *target, int *depth)
{
	const struct model m = { packs, n };
	struct class_ref c, t;

	*depth = 0;
	if (!find_context(&m, owner, context_pack, context, &c))
		return MP_CONTEXT_UNKNOWN;
	if (!target || !find_class(&m, target_pack, target, &t))
		return MP_CONTEXT_OTHER;
	*depth = class_distance(&m, &t, &c);
	if (*depth == 0)
		return MP_CONTEXT_TARGET;
	if (*depth > 0)
		return MP_CONTEXT_BASE;
	*depth = 0;
	if (derives_from_lib(&m, &c, "System.Group"))
		return MP_CONTEXT_GROUP;
	return class_derives(&m, &c, &t) ? MP_CONTEXT_DERIVED : MP_CONTEXT_OTHER;
}

/* A class by its bare ID in any loaded pack, else a library's. */
static bool find_any(const struct model *m, const char *id, struct class_ref *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < m->n; i++)
		if ((out->def = pack_class(m->packs[i], id))) {
			out->pack = m->packs[i];
			return true;
		}
	out->lib = lib_find(id);
	return out->lib != NULL;
}

int mp_class_kind(struct mp_pack *const *packs, size_t n, const struct mp_pack *p, const char *raw)
{
	const struct model m = { packs, n };
	struct class_ref c;

	if (!find_class(&m, p, raw, &c))
		return -1;
	return is_computer(&m, &c) ? 1 : 0;
}

bool mp_class_derives_id(struct mp_pack *const *packs, size_t n, const char *id,
			 const struct mp_pack *p, const char *raw)
{
	const struct model m = { packs, n };
	struct class_ref c, of;

	return find_any(&m, id, &c) && find_class(&m, p, raw, &of) && class_derives(&m, &c, &of);
}
