/*
 * The JSON line of a record. Rule alerts and roll-up changes carry "kind";
 * a unit monitor's change has none, as the first replay output had. Each
 * json_member_* returns 0 or -ENOMEM, so the results are or-ed: one failed
 * append fails the record.
 */
#include "pipeline/record_json.h"

#include "lib/buf.h"
#include "lib/iso8601.h"
#include "lib/json.h"
#include "monitors/engine.h"

#include <errno.h>

static const char *const cause_names[] = { "event", "timer", "reset" };

const char *record_cause_name(const struct state_change *c)
{
	return cause_names[c->cause];
}

static int put_alert(struct buf *b, bool *first, const struct state_change *c)
{
	int r = 0;

	r |= json_member_cstr(b, first, "severity", mp_severity_name(c->severity));
	r |= json_member_cstr(b, first, "priority", mp_priority_name(c->priority));
	r |= json_member_cstr(b, first, "alert_name", c->alert_name);
	r |= json_member_cstr(b, first, "message", c->message);
	return r;
}

static int put_knowledge(struct buf *b, bool *first, const struct state_change *c)
{
	int r = 0;

	r |= json_member_cstr(b, first, "diagnosis", c->diagnosis);
	r |= json_member_cstr(b, first, "resolution", c->resolution);
	return r;
}

static int put_rule(struct buf *b, bool *first, const struct state_change *c)
{
	int r = 0;

	r |= json_member_cstr(b, first, "kind", "rule");
	r |= json_member_cstr(b, first, "rule", c->monitor_id);
	r |= json_member_str(b, first, "computer", c->computer, c->computer_len);
	r |= json_member_bool(b, first, "alert", c->alert);
	r |= json_member_u64(b, first, "repeat_count", c->repeat_count);
	r |= put_alert(b, first, c);
	r |= put_knowledge(b, first, c);
	return r;
}

/* A unit monitor's change, or (with "kind" and "target", no knowledge) a roll-up's. */
static int put_health(struct buf *b, bool *first, const struct state_change *c)
{
	bool rollup = c->kind == CHANGE_ROLLUP;
	int r = 0;

	if (rollup)
		r |= json_member_cstr(b, first, "kind", "rollup");
	r |= json_member_cstr(b, first, "monitor", c->monitor_id);
	if (rollup)
		r |= json_member_cstr(b, first, "target", c->target);
	r |= json_member_str(b, first, "computer", c->computer, c->computer_len);
	r |= json_member_str(b, first, "instance", c->instance, c->instance_len);
	r |= json_member_cstr(b, first, "from", mp_health_name(c->from));
	r |= json_member_cstr(b, first, "to", mp_health_name(c->to));
	if (!rollup)
		r |= json_member_cstr(b, first, "state", c->state);
	r |= json_member_cstr(b, first, "cause", cause_names[c->cause]);
	r |= json_member_bool(b, first, "alert", c->alert);
	r |= json_member_bool(b, first, "alert_resolved", c->alert_resolved);
	r |= put_alert(b, first, c);
	if (!rollup)
		r |= put_knowledge(b, first, c);
	return r;
}

int record_json(struct buf *b, const struct state_change *c)
{
	char when[ISO8601_LEN];
	bool first = true;
	int r = 0;

	r |= buf_putc(b, '{');
	r |= json_member_u64(b, &first, "seq", c->seq);
	r |= json_member_cstr(b, &first, "time", iso8601_format(c->time, when));
	r |= c->kind == CHANGE_RULE ? put_rule(b, &first, c) : put_health(b, &first, c);
	r |= buf_puts(b, "}\n");
	return r ? -ENOMEM : 0;
}
