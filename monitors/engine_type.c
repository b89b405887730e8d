/*
 * Which monitor type a unit monitor runs, decided across every pack the engine
 * holds, as SCOM decides it when it imports a pack: a type of mpmon's own
 * library or of a Microsoft library that mpmon runs; a type that exists
 * (composed in a loaded pack, or of a Microsoft library mpmon does not run
 * yet) but cannot run, which is a warning; or a type defined nowhere, which is
 * an error. A monitor's Configuration must hold only the elements its type
 * takes. The reason a monitor stays out is kept for `mpmon doc`.
 */
#include "monitors/engine_int.h"

#include "lib/array.h"
#include "lib/diag.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CONFIG_NAMES_MAX 64	/* names a message lists or a suggestion is chosen from */

static const char *file_of(const struct mp_pack *pack, const struct mp_monitor *def)
{
	return def->config ? def->config->file : pack->file;
}

/* A loaded pack with this ID other than pack itself, or NULL. */
static const struct mp_pack *pack_by_id(const struct engine *e, const struct mp_pack *pack,
					const char *id)
{
	size_t i;

	for (i = 0; id && i < e->npacks; i++)
		if (e->packs[i] != pack && e->packs[i]->id && strcmp(e->packs[i]->id, id) == 0)
			return e->packs[i];
	return NULL;
}

/* The loaded pack, pack itself first, that defines type id, with *type set. */
static const struct mp_pack *type_home(const struct engine *e, const struct mp_pack *pack,
				       const char *id, const struct mp_type **type)
{
	size_t i;

	if ((*type = mp_pack_type(pack, id)))
		return pack;
	for (i = 0; i < e->npacks; i++)
		if ((*type = mp_pack_type(e->packs[i], id)))
			return e->packs[i];
	return NULL;
}

static bool listed(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* "a, b, c" of names into out, cut at its size. */
static const char *name_list(const char *const *names, size_t n, char *out, size_t size)
{
	size_t used = 0, i;
	int k;

	out[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		k = snprintf(out + used, size - used, "%s%s", i ? ", " : "", names[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return out;
}

/*
 * Each element of def's Configuration must be one of names (n of them): one
 * that is not is an error at its own line, with the nearest name it may be a
 * slip for, or else the names it could be. Returns the number of errors.
 */
static size_t check_names(const struct mp_pack *pack, const struct mp_monitor *def,
			  const char *const *names, size_t n, struct diag *d)
{
	const char *nearest[CONFIG_NAMES_MAX + 1];
	const struct mp_elem *c;
	char list[512];
	size_t bad = 0;

	memcpy(nearest, names, n * sizeof(*names));
	nearest[n] = NULL;
	for (c = mp_elem_child(def->config, NULL); c; c = mp_elem_next(c, NULL)) {
		const char *near;

		if (listed(names, n, c->name))
			continue;
		bad++;
		near = str_nearest(str_of(c->name), nearest);
		if (near)
			diag_error(d, c->file ? c->file : file_of(pack, def), c->line,
				   "monitor '%s': type '%s' takes no configuration element '%s'; "
				   "did you mean '%s'?", def->id, def->type_id_raw, c->name, near);
		else
			diag_error(d, c->file ? c->file : file_of(pack, def), c->line,
				   "monitor '%s': type '%s' takes no configuration element '%s' "
				   "(it takes %s)", def->id, def->type_id_raw, c->name,
				   name_list(names, n, list, sizeof(list)));
	}
	return bad;
}

/*
 * The elements a type mpmon runs takes: its own, the engine's, and SCOM's
 * ComputerName beside each LogName ("FirstComputerName" for "FirstLogName").
 */
static size_t builtin_names(const struct monitor_type *t, const char **names,
			    char pool[][64], size_t max)
{
	size_t n = 0, k, i, np = 0;

	names[n++] = "InstanceField";
	names[n++] = "MaxInstances";
	for (i = 0; t->config && t->config[i] && n < max; i++) {
		names[n++] = t->config[i];
		k = strlen(t->config[i]);
		if (k >= 7 && strcmp(t->config[i] + k - 7, "LogName") == 0 && n < max &&
		    np < max && k - 7 + 12 < sizeof(pool[0])) {
			snprintf(pool[np], sizeof(pool[0]), "%.*sComputerName", (int)(k - 7),
				 t->config[i]);
			if (!listed(names, n, pool[np]))
				names[n++] = pool[np];
			np++;
		}
	}
	return n;
}

int engine_config_check(const struct mp_pack *pack, const struct mp_monitor *def,
			const struct monitor_type *t, struct diag *d)
{
	const char *names[CONFIG_NAMES_MAX];
	char pool[CONFIG_NAMES_MAX][64];
	size_t n = builtin_names(t, names, pool, CONFIG_NAMES_MAX);

	return check_names(pack, def, names, n, d) ? -EINVAL : 0;
}

/* The same for a type composed in a pack: the names its Configuration schema declares. */
static void composed_check(const struct mp_pack *pack, const struct mp_monitor *def,
			   const struct mp_type *mt, struct diag *d)
{
	size_t n;

	if (!mt || mt->config_open || !def->config)
		return;
	for (n = 0; mt->config[n]; n++)
		;
	if (n <= CONFIG_NAMES_MAX)
		check_names(pack, def, mt->config, n, d);
}

/* A type that exists in a pack but is composed there: mpmon does not run those yet. */
static void composed(const struct mp_pack *pack, const struct mp_monitor *def,
		     const struct mp_pack *home, const struct mp_type *mt, struct diag *d)
{
	composed_check(pack, def, mt, d);
	if (home == pack)
		diag_warn(d, file_of(pack, def), def->line,
			  "monitor '%s': type '%s' is composed in the pack; mpmon does not run "
			  "composed types yet, the monitor stays disabled", def->id,
			  def->type_id_raw);
	else
		diag_warn(d, file_of(pack, def), def->line,
			  "monitor '%s': type '%s' is composed in pack '%s' (%s); mpmon does not "
			  "run composed types yet, the monitor stays disabled", def->id,
			  def->type_id_raw, home->id ? home->id : home->file, home->file);
}

/* A type reached through an alias: its library's, or a loaded pack's. */
static const struct monitor_type *library_type(const struct engine *e, const struct mp_pack *pack,
					       const struct mp_monitor *def, struct diag *d)
{
	const struct monitor_type *t = monitor_type_find(def->type_id);
	const struct mp_pack *home = pack_by_id(e, pack, def->type_pack);
	const struct mp_type *mt = home ? mp_pack_type(home, def->type_id) : NULL;
	const char *file = file_of(pack, def);

	if (home && !mt && !mp_pack_defines(home, def->type_id))
		return NULL;	/* mp_pack_link reported it: defined nowhere */
	if (t)
		return t;	/* a library pack that is loaded defines it as mpmon runs it */
	if (mt) {
		composed(pack, def, home, mt, d);
	} else if (strcmp(def->type_pack, "Mpmon.Library") == 0) {
		diag_error(d, file, def->line, "monitor '%s': type '%s' resolves nowhere: mpmon's "
			   "own library has no type '%s'", def->id, def->type_id_raw, def->type_id);
	} else if (home || mp_library_known(def->type_pack)) {
		diag_warn(d, file, def->line, "monitor '%s': type '%s' is not supported by mpmon "
			  "yet; the monitor stays disabled", def->id, def->type_id_raw);
	} else {
		diag_warn(d, file, def->line, "monitor '%s': type '%s' is defined in pack '%s', "
			  "which is not loaded; the monitor stays disabled", def->id,
			  def->type_id_raw, def->type_pack);
	}
	return NULL;
}

const struct monitor_type *engine_monitor_type(const struct engine *e, const struct mp_pack *pack,
					       const struct mp_monitor *def, struct diag *d)
{
	const struct mp_type *mt;
	const struct mp_pack *home;

	/* a fragment-library template (VSAE ##Token## placeholders) is not a
	 * monitor until its author fills the tokens in: its values cannot parse */
	if (def->id && strstr(def->id, "##")) {
		diag_warn(d, file_of(pack, def), def->line,
			  "monitor '%s' is a fragment template with ##placeholders##; fill them "
			  "in to run it, the monitor stays disabled", def->id);
		return NULL;
	}
	switch (def->type_origin) {
	case MP_TYPE_UNRESOLVED:
		return NULL;	/* the loader reported it */
	case MP_TYPE_PACK:
		composed(pack, def, pack, mp_pack_type(pack, def->type_id), d);
		return NULL;
	case MP_TYPE_EXTERNAL:
		home = type_home(e, pack, def->type_id, &mt);
		if (home) {
			composed(pack, def, home, mt, d);
			return NULL;
		}
		diag_warn(d, file_of(pack, def), def->line,
			  "monitor '%s': type '%s' is defined outside this file; the monitor "
			  "stays disabled", def->id, def->type_id_raw);
		return NULL;
	case MP_TYPE_LIBRARY:
		break;
	}
	return library_type(e, pack, def, d);
}

bool engine_type_missing(const struct engine *e, const struct mp_pack *pack, const char *raw)
{
	const char *bang = raw ? strchr(raw, '!') : NULL;
	const struct mp_pack *home;

	if (!bang)
		return false;
	home = pack_by_id(e, pack, mp_pack_alias(pack, raw, (size_t)(bang - raw)));
	return home && !mp_pack_defines(home, bang + 1);
}

int engine_link_pack(struct engine *e, const struct mp_pack *pack, struct diag *d)
{
	size_t i;

	for (i = 0; i < e->npacks; i++) {
		mp_pack_link(pack, e->packs[i], d);
		mp_pack_link(e->packs[i], pack, d);
	}
	if (array_grow((void **)&e->packs, &e->cappacks, e->npacks + 1, sizeof(*e->packs)) < 0)
		return -ENOMEM;
	e->packs[e->npacks++] = pack;
	return 0;
}

/*
 * The reason def stays out: the first error or warning about it since entry
 * first of d, without the "monitor 'ID': " the page already says.
 */
static const char *reason(const struct mp_monitor *def, const struct diag *d, size_t first)
{
	char head[320];
	size_t i, n;

	n = (size_t)snprintf(head, sizeof(head), "monitor '%s'", def->id);
	for (i = first; i < d->n; i++) {
		const char *m = d->v[i].message;

		if (d->v[i].severity == DIAG_NOTE)
			continue;
		if (n < sizeof(head) && strncmp(m, head, n) == 0)
			m += n;
		return *m == ':' ? m + 2 : *m == ' ' ? m + 1 : m;
	}
	if (def->type_origin == MP_TYPE_UNRESOLVED)
		return "its type resolves nowhere";
	return "mpmon cannot run it (see mpmon validate)";
}

int engine_note_disabled(struct engine *e, const struct mp_monitor *def, const struct diag *d,
			 size_t first)
{
	struct disabled *x;
	const char *why = reason(def, d, first);

	if (array_grow((void **)&e->disabled, &e->capdisabled, e->ndisabled + 1,
			sizeof(*e->disabled)) < 0)
		return -ENOMEM;
	x = &e->disabled[e->ndisabled];
	x->id = def->id;
	x->why = arena_strdup(&e->arena, why);
	if (!x->why)
		return -ENOMEM;
	e->ndisabled++;
	return 0;
}

const char *engine_monitor_why(const struct engine *e, const char *id)
{
	const struct mon *mo = engine_mon_find(e, id);
	size_t i;

	if (mo)
		return mo->off ? "it is turned off in the pack (Enabled=\"false\")" : NULL;
	for (i = 0; id && i < e->ndisabled; i++)
		if (strcmp(e->disabled[i].id, id) == 0)
			return e->disabled[i].why;
	return NULL;
}

/* A copy of element e (its children shared), in a. */
static struct mp_elem *elem_copy(struct arena *a, const struct mp_elem *e)
{
	struct mp_elem *c = arena_alloc(a, sizeof(*c));

	if (c)
		*c = *e;
	return c;
}

/* Set parameter v in the copied configuration root: its element's text, or a new one. */
static int config_set(struct arena *a, struct mp_elem *root, const struct mp_config_value *v)
{
	struct mp_elem **p, *c;

	for (p = &root->child; *p; p = &(*p)->next)
		if (strcmp((*p)->name, v->parameter) == 0)
			break;
	if (*p) {
		c = elem_copy(a, *p);
		if (!c)
			return -ENOMEM;
		c->child = NULL;
	} else {
		c = arena_alloc(a, sizeof(*c));
		if (!c)
			return -ENOMEM;
		memset(c, 0, sizeof(*c));
		c->name = v->parameter;
		c->parent = root;
	}
	c->text = v->value;
	c->file = v->origin.file;
	c->line = v->origin.line;
	*p = c;
	return 0;
}

int engine_override_config(struct arena *a, const struct mp_monitor *def,
			   const struct monitor_type *t, const struct mp_elem **out, struct diag *d)
{
	const struct mp_config_value *v;
	struct mp_elem *root, **p;

	*out = def->config;
	if (!def->config_values || !def->config)
		return 0;
	root = elem_copy(a, def->config);
	if (!root)
		return -ENOMEM;
	/* the children are copied one by one as they change: the pack's stay as they are */
	for (p = &root->child; *p; p = &(*p)->next) {
		struct mp_elem *c = elem_copy(a, *p);

		if (!c)
			return -ENOMEM;
		*p = c;
	}
	for (v = def->config_values; v; v = v->next) {
		if (!monitor_type_overridable(t, v->parameter)) {
			diag_warn(d, v->origin.file, v->origin.line, "override '%s' not applied: type "
				  "'%s' of monitor '%s' declares no overridable parameter '%s'",
				  v->origin.id, t->id, def->id, v->parameter);
			continue;
		}
		if (config_set(a, root, v) < 0)
			return -ENOMEM;
	}
	*out = root;
	return 0;
}

const struct mp_elem *engine_target_value(const struct mp_elem *e)
{
	const struct mp_elem *c, *f;

	if (!e)
		return NULL;
	/* a ComputerName says whose log to read: mpmon reads the logs it is given */
	if (strstr(e->name, "ComputerName"))
		return NULL;
	if ((strcmp(e->name, "Value") == 0 || strcmp(e->name, "Pattern") == 0) &&
	    strstr(e->text, "$Target/"))
		return e;
	for (c = mp_elem_child(e, NULL); c; c = mp_elem_next(c, NULL))
		if ((f = engine_target_value(c)))
			return f;
	return NULL;
}
