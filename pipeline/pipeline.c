/*
 * The one path from a record to the engine, and the one way packs are loaded
 * (see pipeline.h). A line is classified here, once: blank, not of the
 * stream's format, bad (with the format's reason), or an event; each front end
 * only decides how to show a bad line. Events are slices of the caller's line:
 * nothing is copied or allocated per line.
 */
#include "pipeline/pipeline.h"

#include "lib/array.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/file.h"
#include "lib/str.h"
#include "mp-xml/inventory.h"
#include "mp-xml/mp.h"
#include "pipeline/directive.h"
#include "pipeline/populate.h"
#include "rules/event.h"
#include "rules/regex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct pipeline {
	struct pipeline_options opt;
	struct engine *engine;
	struct mp_pack **packs;
	size_t npacks, packs_cap;
	size_t nadded;		/* packs[0..nadded) are in the engine */
	struct pipeline_stream **streams;
	size_t nstreams, streams_cap;
	int64_t event_time;	/* clock_event: the latest event time */
	struct inventory *inventory;	/* NULL: none */
};

struct pipeline *pipeline_new(const struct pipeline_options *o, engine_emit_fn *emit, void *arg)
{
	struct pipeline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->opt = *o;
	/* the packs' patterns and the streams' are compiled with these */
	regex_set_limits(o->match_limit, o->depth_limit);
	p->engine = engine_new(emit, arg);
	if (!p->engine) {
		free(p);
		return NULL;
	}
	if (o->run_all)
		engine_enable_all(p->engine);
	if (o->rollup)
		engine_enable_rollup(p->engine);
	return p;
}

void pipeline_free(struct pipeline *p)
{
	size_t i;

	if (!p)
		return;
	engine_free(p->engine);
	inventory_free(p->inventory);
	for (i = 0; i < p->npacks; i++)
		mp_pack_free(p->packs[i]);
	free(p->packs);
	for (i = 0; i < p->nstreams; i++) {
		format_free(p->streams[i]->owned);
		free(p->streams[i]);
	}
	free(p->streams);
	free(p);
}

struct engine *pipeline_engine(const struct pipeline *p)
{
	return p->engine;
}

size_t pipeline_npacks(const struct pipeline *p)
{
	return p->npacks;
}

const struct mp_pack *pipeline_pack(const struct pipeline *p, size_t i)
{
	return p->packs[i];
}

/* ---- packs ---- */

/* The whole file path (a what: "pack", "inventory"), or -errno said in dg naming it. */
static int read_whole(const char *path, const char *what, size_t max, char **data, size_t *len,
		      struct diag *dg)
{
	int r = file_read_all(path, max, data, len);

	if (r == -EFBIG)
		diag_error(dg, path, 0, "%s is larger than %zu bytes", what, max);
	else if (r < 0)
		diag_error(dg, path, 0, "cannot read %s: %s", what, file_read_error(r));
	return r;
}

struct mp_pack *pipeline_read_pack(const char *path, unsigned flags, struct diag *dg)
{
	struct mp_pack *pack = NULL;
	size_t len;
	char *data;
	int r;

	if (read_whole(path, "pack", PIPELINE_PACK_MAX_BYTES, &data, &len, dg) < 0)
		return NULL;
	r = mp_load_flags(path, data, len, flags, &pack, dg);
	free(data);
	if (r == -ENOMEM)
		diag_error(dg, path, 0, "out of memory");
	return pack;
}

int pipeline_pack_files(const char *path, char ***files, struct diag *dg)
{
	struct stat st;
	int k;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		k = file_list(path, ".xml", files);
		if (k <= 0)
			diag_error(dg, path, 0, "%s", k == 0 ? "no packs (*.xml) in folder" : strerror(-k));
		if (k == 0)
			file_list_free(*files);
		return k == 0 ? -ENOENT : k < 0 ? k : 0;
	}
	*files = calloc(2, sizeof(**files));
	if (!*files || !((*files)[0] = strdup(path))) {
		free(*files);
		return -ENOMEM;
	}
	return 0;
}

static int read_pack(struct pipeline *p, const char *path, struct diag *dg)
{
	struct mp_pack *pack;

	if (array_grow((void **)&p->packs, &p->packs_cap, p->npacks + 1, sizeof(*p->packs)) < 0)
		return -ENOMEM;
	/* no monitor source text: only mpmon doc shows it, and it loads its own */
	pack = pipeline_read_pack(path, 0, dg);
	if (!pack)
		return 0;
	p->packs[p->npacks++] = pack;
	return 0;
}

int pipeline_add_packs(struct pipeline *p, const char *path, pipeline_path_fn *seen, void *arg,
		       struct diag *dg)
{
	char **files;
	int r, i;

	if (seen)
		seen(arg, path, false, dg);
	r = pipeline_pack_files(path, &files, dg);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (i = 0; r == 0 && files[i]; i++) {
		if (seen && strcmp(files[i], path) != 0)
			seen(arg, files[i], true, dg);
		r = read_pack(p, files[i], dg);
	}
	file_list_free(files);
	return r;
}

/* The inventory's heartbeat pack, among the packs; named after the inventory. */
static int add_heartbeat_pack(struct pipeline *p, struct diag *dg)
{
	struct mp_pack *pack = NULL;
	struct buf xml;
	int r;

	buf_init(&xml);
	r = inventory_heartbeat_pack(p->inventory, &xml);
	if (r == 0 && array_grow((void **)&p->packs, &p->packs_cap, p->npacks + 1,
				 sizeof(*p->packs)) < 0)
		r = -ENOMEM;
	if (r == 0)
		r = mp_load_flags(p->inventory->file, xml.data, xml.len, 0, &pack, dg);
	buf_release(&xml);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	p->packs[p->npacks++] = pack;
	return 0;
}

int pipeline_read_inventory(const char *path, struct inventory **out, struct diag *dg)
{
	size_t len;
	char *data;
	int r;

	*out = NULL;
	if (read_whole(path, "inventory", INVENTORY_MAX_BYTES, &data, &len, dg) < 0)
		return 0;
	r = inventory_load(path, data, len, out, dg);
	free(data);
	if (r == -ENOMEM)
		diag_error(dg, path, 0, "out of memory");
	return r == -ENOMEM ? r : 0;
}

int pipeline_add_inventory(struct pipeline *p, const char *path, struct diag *dg)
{
	int r;

	if (p->inventory) {
		diag_error(dg, path, 0, "a second inventory: one is read (%s)", p->inventory->file);
		return 0;
	}
	r = pipeline_read_inventory(path, &p->inventory, dg);
	if (r < 0 || !p->inventory)
		return r;
	return add_heartbeat_pack(p, dg);
}

/* A target property for the engine: the inventory's, of that computer. */
static const char *inventory_prop(const void *arg, struct str computer, struct str name)
{
	const struct inventory_computer *c = inventory_computer(arg, computer.p, computer.len);

	return c ? inventory_property(c, name.p, name.len) : NULL;
}

const struct inventory *pipeline_inventory(const struct pipeline *p)
{
	return p->inventory;
}

/*
 * The engine reads what a pack says (Enabled, the alert settings) when the
 * pack is added, and SCOM applies an override whatever the order the packs
 * came in: so packs are only read by pipeline_add_packs, and all overrides are
 * applied here to all packs, once every pack is read, before any pack goes to
 * the engine.
 */
int pipeline_load(struct pipeline *p, struct diag *dg)
{
	const struct inventory_computer *c;
	int r;

	mp_scopes_resolve(p->packs, p->npacks, dg);
	if (populate_groups(p->inventory, p->packs, p->npacks, dg) < 0)
		return -ENOMEM;
	mp_overrides_apply(p->packs, p->npacks, p->inventory, dg);
	for (; p->nadded < p->npacks; p->nadded++) {
		r = engine_add_pack(p->engine, p->packs[p->nadded], dg);
		if (r < 0)
			return r;
	}
	for (c = p->inventory ? p->inventory->computers : NULL; c; c = c->next)
		if (engine_expect_computer(p->engine, c->name) < 0)
			return -ENOMEM;
	if (p->inventory)
		engine_on_property(p->engine, inventory_prop, p->inventory);
	return 0;
}

void pipeline_check_runs(const struct pipeline *p, const char *file, struct diag *dg)
{
	struct engine_stats st;
	char why[256];
	size_t off, cannot;
	int n = 0;

	engine_get_stats(p->engine, &st);
	if (st.monitors_run || st.rules_run)
		return;
	off = st.monitors_off + st.rules_off;
	cannot = st.monitors_disabled + st.rules_disabled;
	why[0] = '\0';
	if (off)
		n += snprintf(why + n, sizeof(why) - n, "%zu %s off in their packs (Enabled=\"false\"; "
			      "run_all = true runs them)", off,
			      st.rules_off ? "monitors and rules are" : "monitors are");
	if (cannot)
		snprintf(why + n, sizeof(why) - n, "%s%zu %s run (their type or configuration: "
			 "see the warnings)", off ? "; " : "", cannot,
			 st.rules_disabled ? "monitors and rules cannot" : "monitors cannot");
	diag_error(dg, file, 0, "no monitor and no rule runs: %s",
		   off || cannot ? why : "the packs hold none");
}

/* ---- streams ---- */

static int stream_format(struct pipeline_stream *s, const char *format, const char *pattern,
			 char err[FORMAT_ERR_LEN])
{
	const struct format *f;

	if (pattern) {
		int r = format_regex_new(pattern, strlen(pattern), &s->owned, err);

		if (r == -ENOMEM)
			snprintf(err, FORMAT_ERR_LEN, "out of memory");
		s->fmt = s->owned;
		return r;
	}
	if (!format)
		return 0;
	f = format_find(format);
	if (!f)
		snprintf(err, FORMAT_ERR_LEN, "unknown format '%s' (formats: %s)", format,
			 format_names());
	else if (f->needs_pattern)
		snprintf(err, FORMAT_ERR_LEN, "format %s needs a pattern", f->name);
	if (!f || f->needs_pattern)
		return -EINVAL;
	s->fmt = f;
	return 0;
}

int pipeline_stream_add(struct pipeline *p, const char *format, const char *pattern,
			const char *log_name, struct pipeline_stream **out,
			char err[FORMAT_ERR_LEN])
{
	struct pipeline_stream *s;
	int r;

	if (array_grow((void **)&p->streams, &p->streams_cap, p->nstreams + 1,
		       sizeof(*p->streams)) < 0)
		return -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->log_name = log_name;
	r = stream_format(s, format, pattern, err);
	if (r < 0) {
		format_free(s->owned);
		free(s);
		return r;
	}
	p->streams[p->nstreams++] = s;
	*out = s;
	return 0;
}

/* ---- records ---- */

int64_t pipeline_now(const struct pipeline *p, int64_t wall)
{
	return p->opt.clock_event ? p->event_time : wall;
}

void pipeline_set_event_time(struct pipeline *p, int64_t t)
{
	p->event_time = t;
}

int pipeline_event(struct pipeline *p, struct pipeline_stream *s, struct event *ev, int64_t wall)
{
	if (!ev->slot[EVENT_LOG].p && s->log_name)
		ev->slot[EVENT_LOG] = str_of(s->log_name);
	if (!ev->slot[EVENT_COMPUTER].p && s->computer)
		ev->slot[EVENT_COMPUTER] = str_of(s->computer);
	if (ev->has_time && ev->time > p->event_time)
		p->event_time = ev->time;
	s->events++;
	return engine_feed(p->engine, ev, pipeline_now(p, wall)) < 0 ? -ENOMEM : PIPELINE_FED;
}

static bool blank(const char *line, size_t len)
{
	return strspn(line, " \t") >= len;
}

int pipeline_line(struct pipeline *p, struct pipeline_stream *s, char *line, size_t len,
		  int64_t wall, char err[FORMAT_ERR_LEN])
{
	struct format_ctx ctx = { wall, 0 };
	struct event ev;
	int r;

	s->lines++;
	if (len == 0 || ((line[0] == ' ' || line[0] == '\t') && blank(line, len))) {
		s->blank++;
		return PIPELINE_BLANK;
	}
	event_reset(&ev);
	err[0] = '\0';
	r = s->fmt->parse(s->fmt, &ctx, line, len, &ev, err);
	if (r == -ENOENT) {
		s->other++;
		return PIPELINE_OTHER;
	}
	if (r < 0) {
		if (!err[0])
			snprintf(err, FORMAT_ERR_LEN, "bad line");
		s->bad++;
		return PIPELINE_BAD;
	}
	if (p->opt.directives) {
		int64_t t = ev.has_time && ev.time > p->event_time ? ev.time : p->event_time;

		r = directive_run(p->engine, &ev, p->opt.clock_event ? t : wall, err);
		if (r == -EINVAL) {
			s->bad++;
			return PIPELINE_BAD;
		}
		if (r != 0) {
			if (r > 0)
				p->event_time = t;
			return r < 0 ? r : PIPELINE_FED;
		}
	}
	return pipeline_event(p, s, &ev, wall);
}

int pipeline_advance(struct pipeline *p, int64_t wall)
{
	return engine_advance(p->engine, pipeline_now(p, wall));
}
