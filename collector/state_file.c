/*
 * The state file, state_dir/state.json, for check_mpmon and `mpmon state`: the
 * health of every monitor instance with the texts of its last change, each
 * source's counters, and the results of diagnostics and recoveries. It is
 * written whole and renamed into place, so a reader never sees half of it and
 * needs no lock. The engine keeps health but not the
 * texts of the last change; the notes here keep those, bounded in number.
 * docs/state-file.md is the contract.
 */
#include "collector/daemon.h"

#include "collector/control.h"
#include "collector/sink.h"
#include "collector/source.h"
#include "lib/clock.h"
#include "lib/iso8601.h"
#include "lib/json.h"
#include "monitors/engine.h"
#include "monitors/monitor.h"
#include "monitors/rollup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static struct note *note_find(const struct notes *n, const char *key, size_t len)
{
	struct hmap_node *e = hmap_get(&n->map, key, len);

	return e ? HMAP_ENTRY(e, struct note, node) : NULL;
}

/* The note of key (kl bytes), added when missing; NULL: -ENOSPC or -ENOMEM in *r. */
static struct note *note_get(struct notes *n, const char *key, size_t kl, int *r)
{
	struct note *e = note_find(n, key, kl);

	if (e)
		return e;
	*r = -ENOSPC;
	if (n->map.count >= NOTES_MAX)
		return NULL;
	*r = -ENOMEM;
	e = calloc(1, sizeof(*e) + kl);
	if (!e)
		return NULL;
	memcpy(e->key, key, kl);
	if (hmap_insert(&n->map, &e->node, e->key, kl) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

/* Set the texts of (monitor, instance); all strings are copied. */
static int note_set(struct notes *n, const char *mon, const char *inst, size_t inst_len,
		    const char *msg, const char *diag, const char *res)
{
	size_t ml = strlen(mon), kl = ml + 1 + inst_len;
	size_t a = strlen(msg) + 1, b = strlen(diag) + 1, c = strlen(res) + 1;
	char key[4096];
	struct note *e;
	char *p;
	int r;

	if (kl >= sizeof(key))
		return -E2BIG;
	memcpy(key, mon, ml + 1);
	memcpy(key + ml + 1, inst, inst_len);
	p = malloc(a + b + c);
	if (!p)
		return -ENOMEM;
	e = note_get(n, key, kl, &r);
	if (!e) {
		free(p);
		return r;
	}
	free(e->message);
	e->message = p;
	memcpy(e->message, msg, a);
	e->diagnosis = e->message + a;
	memcpy(e->diagnosis, diag, b);
	e->resolution = e->diagnosis + b;
	memcpy(e->resolution, res, c);
	return 0;
}

void notes_record(struct notes *n, const struct state_change *c)
{
	note_set(n, c->monitor_id, c->instance, c->instance_len, c->message, c->diagnosis,
		 c->resolution);
}

void notes_release(struct notes *n)
{
	struct hmap_iter it;
	struct hmap_node *e;

	hmap_iter_init(&it, &n->map);
	while ((e = hmap_next(&it))) {
		free(HMAP_ENTRY(e, struct note, node)->message);
		free(HMAP_ENTRY(e, struct note, node));
	}
	hmap_release(&n->map);
}

/* Escape \, tab and newline so a field stays on its line. */
static int put_escaped(struct buf *b, const char *s, size_t n)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		if (s[i] == '\\')
			r = buf_puts(b, "\\\\");
		else if (s[i] == '\t')
			r = buf_puts(b, "\\t");
		else if (s[i] == '\n')
			r = buf_puts(b, "\\n");
		else
			r = buf_putc(b, s[i]);
	}
	return r;
}

int notes_save(const struct notes *n, struct buf *out)
{
	struct hmap_iter it;
	struct hmap_node *h;
	int r = 0;

	hmap_iter_init(&it, &n->map);
	while (r == 0 && (h = hmap_next(&it))) {
		const struct note *e = HMAP_ENTRY(h, struct note, node);
		size_t ml = strlen(e->key);

		r = buf_puts(out, "note ");
		r = r ? r : put_escaped(out, e->key, ml);
		r = r ? r : buf_putc(out, '\t');
		r = r ? r : put_escaped(out, e->key + ml + 1, e->node.len - ml - 1);
		r = r ? r : buf_putc(out, '\t');
		r = r ? r : put_escaped(out, e->message, strlen(e->message));
		r = r ? r : buf_putc(out, '\t');
		r = r ? r : put_escaped(out, e->diagnosis, strlen(e->diagnosis));
		r = r ? r : buf_putc(out, '\t');
		r = r ? r : put_escaped(out, e->resolution, strlen(e->resolution));
		r = r ? r : buf_putc(out, '\n');
	}
	return r;
}

/* Unescape line in place into its five tab-separated fields. */
int notes_restore(struct notes *n, const char *line)
{
	char *copy = strdup(line), *f[5], *w, *p;
	size_t k = 0, len[5];
	int r;

	if (!copy)
		return -ENOMEM;
	f[0] = w = copy;
	for (p = copy; *p; p++) {
		if (*p == '\t') {
			if (k == 4)
				break;
			len[k] = w - f[k];
			*w++ = '\0';
			f[++k] = w;
		} else if (*p == '\\' && (p[1] == '\\' || p[1] == 't' || p[1] == 'n')) {
			p++;
			*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : '\\';
		} else {
			*w++ = *p;
		}
	}
	if (k != 4 || *p) {
		free(copy);
		return -EINVAL;
	}
	len[4] = w - f[4];
	*w = '\0';
	r = note_set(n, f[0], f[1], len[1], f[2], f[3], f[4]);
	free(copy);
	return r == -ENOMEM ? r : 0;
}

struct walk {
	const struct daemon *d;
	struct buf *out;
	bool first;
	int r;
};

static int put_instance(void *arg, const struct engine_instance_info *in)
{
	struct walk *w = arg;
	struct buf *b = w->out;
	const struct mp_monitor *def = in->monitor->def;
	size_t ml = strlen(in->monitor_id);
	char key[4096], when[ISO8601_LEN];
	const struct note *e = NULL;
	bool first = true;
	int r = 0;

	if (ml + 1 + in->instance_len < sizeof(key)) {
		memcpy(key, in->monitor_id, ml + 1);
		memcpy(key + ml + 1, in->instance, in->instance_len);
		e = note_find(daemon_notes(w->d), key, ml + 1 + in->instance_len);
	}
	if (!w->first)
		r = buf_putc(b, ',');
	w->first = false;
	r = r ? r : buf_puts(b, "\n  {");
	r = r ? r : json_member_cstr(b, &first, "monitor", in->monitor_id);
	r = r ? r : json_member_cstr(b, &first, "display_name",
				     def->display_name ? def->display_name : "");
	r = r ? r : json_member_str(b, &first, "instance", in->instance, in->instance_len);
	r = r ? r : json_member_cstr(b, &first, "health", mp_health_name(in->health));
	r = r ? r : json_member_cstr(b, &first, "state", in->state ? in->state : "");
	r = r ? r : json_member_cstr(b, &first, "since",
				     in->state ? iso8601_format(in->since, when) : "");
	r = r ? r : json_member_bool(b, &first, "alert_open", in->alert_open);
	r = r ? r : json_member_cstr(b, &first, "message", e ? e->message : "");
	r = r ? r : json_member_cstr(b, &first, "diagnosis", e ? e->diagnosis : "");
	r = r ? r : json_member_cstr(b, &first, "resolution", e ? e->resolution : "");
	r = r ? r : buf_putc(b, '}');
	w->r = r;
	return r;
}

static int put_rollup(void *arg, const struct rollup_state_info *in)
{
	struct buf *b = arg;
	bool first = true;
	int r;

	r = buf_puts(b, b->data[b->len - 1] == '[' ? "\n  {" : ",\n  {");
	r = r ? r : json_member_cstr(b, &first, "monitor", in->node_id);
	r = r ? r : json_member_cstr(b, &first, "target", in->target ? in->target : "");
	r = r ? r : json_member_str(b, &first, "instance", in->key.p, in->key.len);
	r = r ? r : json_member_cstr(b, &first, "health", mp_health_name(in->health));
	r = r ? r : json_member_bool(b, &first, "alert_open", in->alert_open);
	return r ? r : buf_putc(b, '}');
}

static int put_limit(void *arg, const struct engine_limit_info *in)
{
	struct buf *b = arg;
	bool first = true;
	int r;

	r = buf_puts(b, b->data[b->len - 1] == '[' ? "\n  {" : ",\n  {");
	r = r ? r : json_member_cstr(b, &first, "id", in->id);
	r = r ? r : json_member_cstr(b, &first, "kind", in->rule ? "rule" : "monitor");
	r = r ? r : json_member_str(b, &first, "pattern", in->pattern.p, in->pattern.len);
	r = r ? r : json_member_u64(b, &first, "hits", in->hits);
	return r ? r : buf_putc(b, '}');
}

int state_build(const struct daemon *d, struct buf *b)
{
	struct walk w = { .d = d, .out = b, .first = true };
	char when[ISO8601_LEN];
	bool first = true;
	size_t i;
	int r;

	r = buf_putc(b, '{');
	r = r ? r : json_member_u64(b, &first, "version", 1);
	r = r ? r : json_member_cstr(b, &first, "written",
				     iso8601_format(clock_realtime_us(), when));
	r = r ? r : json_member_i64(b, &first, "pid", getpid());
	r = r ? r : json_member_u64(b, &first, "seq", d->last_seq);
	r = r ? r : json_key(b, &first, "monitors");
	r = r ? r : buf_putc(b, '[');
	if (r == 0)
		r = engine_foreach(d->engine, put_instance, &w);
	r = r ? r : buf_puts(b, "\n ]");
	r = r ? r : json_key(b, &first, "rollups");
	r = r ? r : buf_putc(b, '[');
	r = r ? r : engine_foreach_rollup(d->engine, put_rollup, b);
	r = r ? r : buf_puts(b, b->data[b->len - 1] == '[' ? "]" : "\n ]");
	r = r ? r : json_key(b, &first, "sources");
	r = r ? r : buf_putc(b, '[');
	for (i = 0; r == 0 && i < d->nsources; i++) {
		const struct source *s = d->sources[i];
		char sum[17];
		bool f = true;

		snprintf(sum, sizeof(sum), "%016" PRIx64, s->st.checksum);
		r = buf_puts(b, i ? ",\n  {" : "\n  {");
		r = r ? r : json_member_cstr(b, &f, "name", s->name);
		r = r ? r : json_member_cstr(b, &f, "type", s->ops->type);
		r = r ? r : json_member_u64(b, &f, "records", s->st.records);
		r = r ? r : json_member_u64(b, &f, "bytes", s->st.bytes);
		r = r ? r : json_member_cstr(b, &f, "checksum", sum);
		r = r ? r : json_member_u64(b, &f, "cut", s->st.cut);
		r = r ? r : json_member_u64(b, &f, "bad", s->st.bad);
		r = r ? r : json_member_u64(b, &f, "rotations", s->st.rotations);
		r = r ? r : json_member_u64(b, &f, "lost_files", s->st.lost_files);
		r = r ? r : json_member_u64(b, &f, "lost_bytes", s->st.lost_bytes);
		r = r ? r : buf_putc(b, '}');
	}
	r = r ? r : buf_puts(b, "\n ]");
	r = r ? r : json_key(b, &first, "regex_limits");
	r = r ? r : buf_putc(b, '[');
	r = r ? r : engine_foreach_limit(d->engine, put_limit, b);
	r = r ? r : buf_puts(b, b->data[b->len - 1] == '[' ? "]" : "\n ]");
	if (d->control)
		r = r ? r : control_json(d->control, b, &first);
	r = r ? r : sinks_json(d, b, &first);
	r = r ? r : buf_puts(b, "}\n");
	return r;
}
