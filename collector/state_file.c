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
#include "pipeline/notes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

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
	const struct note *e = notes_find(daemon_notes(w->d), in->monitor_id, in->computer,
					  in->computer_len, in->instance, in->instance_len);
	char when[ISO8601_LEN];
	bool first = true;
	int r = 0;

	if (!w->first)
		r = buf_putc(b, ',');
	w->first = false;
	r = r ? r : buf_puts(b, "\n  {");
	r = r ? r : json_member_cstr(b, &first, "monitor", in->monitor_id);
	r = r ? r : json_member_cstr(b, &first, "display_name",
				     def->display_name ? def->display_name : "");
	r = r ? r : json_member_str(b, &first, "computer", in->computer, in->computer_len);
	r = r ? r : json_member_str(b, &first, "instance", in->instance, in->instance_len);
	r = r ? r : json_member_cstr(b, &first, "health", mp_health_name(in->health));
	r = r ? r : json_member_cstr(b, &first, "state", in->state ? in->state : "");
	r = r ? r : json_member_cstr(b, &first, "since",
				     in->state ? iso8601_format(in->since, when) : "");
	r = r ? r : json_member_bool(b, &first, "alert_open", in->alert_open);
	r = r ? r : json_member_bool(b, &first, "monitored", in->monitored);
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
	r = r ? r : json_member_str(b, &first, "computer", in->computer.p, in->computer.len);
	r = r ? r : json_member_str(b, &first, "instance", in->instance.p, in->instance.len);
	r = r ? r : json_member_cstr(b, &first, "health", mp_health_name(in->health));
	r = r ? r : json_member_bool(b, &first, "alert_open", in->alert_open);
	r = r ? r : json_member_bool(b, &first, "monitored", in->monitored);
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
