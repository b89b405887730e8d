/*
 * Event rules that raise alerts: a SCOM Rule with an event data source and the
 * System.Health.GenerateAlert write action. They share the engine's dispatch
 * index (their references carry RULE_BIT) and keep only their open alerts'
 * suppression keys. They live in monitors/ rather than rules/ because they make
 * records and take seq numbers, which are the engine's.
 */
#include "monitors/engine_int.h"

#include "lib/array.h"
#include "lib/diag.h"
#include "monitors/rollup.h"
#include "rules/expr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void engine_rule_free(struct rule *ru)
{
	struct hmap_iter it;
	struct hmap_node *n;

	if (!ru)
		return;
	hmap_iter_init(&it, &ru->supps);
	while ((n = hmap_next(&it)))
		free(HMAP_ENTRY(n, struct supp, node));
	hmap_release(&ru->supps);
	engine_settings_free(&ru->settings);
	expr_free(ru->expr);
	free(ru);
}

/* Whether rule def can run; a warning names what mpmon does not run. */
static bool rule_runnable(const struct engine *e, const struct mp_pack *pack,
			  const struct mp_rule *def, struct diag *d)
{
	const char *file = pack->file;
	const struct mp_elem *tv;

	/* a type that resolves nowhere is an error the loader or mp_pack_link reported */
	if (def->unresolved || engine_type_missing(e, pack, def->ds_type_raw) ||
	    engine_type_missing(e, pack, def->cd_type_raw) ||
	    engine_type_missing(e, pack, def->other_wa_raw))
		return false;
	if (def->ndata_sources != 1) {
		diag_warn(d, file, def->line, "rule '%s' has %zu data sources; mpmon runs rules "
			  "with one event data source, the rule stays disabled", def->id,
			  def->ndata_sources);
		return false;
	}
	if (!def->ds_type_id || strcmp(def->ds_type_id, "Microsoft.Windows.EventProvider") != 0) {
		diag_warn(d, file, def->line, "rule '%s': data source '%s' is not supported by "
			  "mpmon yet; the rule stays disabled", def->id,
			  def->ds_type_raw ? def->ds_type_raw : "");
		return false;
	}
	if (def->nconditions) {
		diag_warn(d, file, def->line, "rule '%s': condition detection '%s' is not "
			  "supported by mpmon yet; the rule stays disabled", def->id,
			  def->cd_type_raw ? def->cd_type_raw : "");
		return false;
	}
	if (def->other_wa_raw) {
		diag_warn(d, file, def->other_wa_line, "rule '%s': write action '%s' is not "
			  "supported by mpmon yet (only System.Health.GenerateAlert); the rule "
			  "stays disabled", def->id, def->other_wa_raw);
		return false;
	}
	if (!def->alert.present) {
		diag_warn(d, file, def->line, "rule '%s' has no write action; the rule stays "
			  "disabled", def->id);
		return false;
	}
	if ((tv = engine_target_value(def->ds_config))) {
		diag_warn(d, tv->file, tv->line, "rule '%s' compares with '%s', a property of each "
			  "target object that mpmon does not know: it would never match, so it "
			  "stays disabled", def->id, tv->text);
		return false;
	}
	return true;
}

/* Compile n parameter texts (NULL ones stay empty); *count is one past the last set. */
static int compile_params(struct arena *a, const char *const *texts, unsigned n,
			  struct monitor_param **out, unsigned *count)
{
	unsigned i;

	*out = arena_alloc(a, (n ? n : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*count = 0;
	for (i = 0; i < n; i++)
		if (texts[i]) {
			if (engine_compile_param(a, texts[i], &(*out)[i]) < 0)
				return -ENOMEM;
			*count = i + 1;
		}
	return 0;
}

/*
 * A rule's expression. What the compiler finds wrong is a warning here, not an
 * error: SCOM imports such a pack and only that rule fails on the agent (the
 * corpus has rules with a .NET-invalid \U escape and an empty Expression), so
 * the rule stays disabled and the rest of the pack runs.
 */
static int compile_rule_expr(struct rule *ru, const struct mp_elem *ex, struct diag *d)
{
	struct diag local;
	size_t i;
	int r;

	diag_init(&local);
	r = expr_compile(ex, &ru->expr, &local);
	if (r == 0 && !local.errors)
		expr_lint(ex, "rule", ru->def->id, d);
	for (i = 0; i < local.n; i++)
		diag_add(d, local.v[i].severity == DIAG_ERROR ? DIAG_WARNING : local.v[i].severity,
			 local.v[i].file, local.v[i].line, "rule '%s' stays disabled: %s",
			 ru->def->id, local.v[i].message);
	if (r == 0 && local.errors)
		r = -EINVAL;
	diag_release(&local);
	return r;
}

/* Returns 0 when added, 1 when the configuration is bad (reported), -ENOMEM. */
static int add_rule(struct engine *e, const struct mp_pack *pack, const struct mp_rule *def,
		    bool off, struct diag *d)
{
	const struct mp_elem *ds = def->ds_config;
	const struct mp_elem *log = mp_elem_child(ds, "LogName");
	const struct mp_elem *ex = mp_elem_child(ds, "Expression");
	struct rule *ru;
	int r;

	if (!log || !str_trim(str_of(log->text)).len) {
		diag_error(d, pack->file, log ? log->line : ds ? ds->line : def->line,
			   "rule '%s': data source lacks 'LogName'", def->id);
		return 1;
	}
	if (!ex || !mp_elem_child(ex, NULL)) {
		diag_error(d, pack->file, ex ? ex->line : ds->line,
			   "rule '%s': data source lacks 'Expression'", def->id);
		return 1;
	}
	ru = calloc(1, sizeof(*ru));
	if (!ru)
		return -ENOMEM;
	ru->def = def;
	ru->off = off;
	ru->on_elsewhere = def->enabled || e->enable_all;
	ru->log_name = log->text;
	r = compile_rule_expr(ru, ex, d);
	if (r < 0) {
		engine_rule_free(ru);
		return r == -ENOMEM ? r : 1;
	}
	if (compile_params(&e->arena, def->alert.params, MP_ALERT_PARAMS, &ru->params,
			   &ru->nparams) < 0 ||
	    compile_params(&e->arena, def->alert.suppression, (unsigned)def->alert.nsuppression,
			   &ru->supp_vals, &ru->nsupp_vals) < 0 ||
	    engine_knowledge_text(e, pack, def->id, def->knowledge, &ru->diagnosis,
			   &ru->resolution) < 0 ||
	    engine_settings_index(&ru->settings, def->settings) < 0 ||
	    array_grow((void **)&e->rules, &e->caprules, e->nrules + 1, sizeof(*e->rules)) < 0) {
		engine_rule_free(ru);
		return -ENOMEM;
	}
	e->rules[e->nrules++] = ru;
	if (off)
		return 0;
	return engine_index_sub(e, ru->log_name, ru->expr, (uint32_t)(e->nrules - 1) | RULE_BIT, 0);
}

static bool rule_known(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		if (strcmp(e->rules[i]->def->id, id) == 0)
			return true;
	return false;
}

int engine_add_rules(struct engine *e, const struct mp_pack *pack, struct diag *d)
{
	const struct mp_rule *def;
	bool off;
	int r;

	for (def = pack->rules; def; def = def->next) {
		if (!rule_runnable(e, pack, def, d)) {
			e->stats.rules_disabled++;
			continue;
		}
		if (rule_known(e, def->id)) {
			diag_error(d, pack->file, def->line,
				   "rule '%s' is already defined by another pack", def->id);
			e->stats.rules_disabled++;
			continue;
		}
		off = !engine_enabled_somewhere(def->enabled, def->settings) && !e->enable_all;
		if (off)
			diag_add(d, DIAG_NOTE, pack->file, def->line,
				 "rule '%s' is turned off in the pack (Enabled=\"false\")", def->id);
		r = add_rule(e, pack, def, off, d);
		if (r < 0)
			return r;
		if (r > 0)
			e->stats.rules_disabled++;
		else if (off)
			e->stats.rules_off++;
		else
			e->stats.rules_run++;
	}
	return 0;
}

/* The computer a rule's alert is about: the event's, when the target is on one. */
static struct str rule_computer(const struct rule *ru, const struct event *ev)
{
	if (ru->def->scope == MP_SCOPE_COMPUTER && ev->slot[EVENT_COMPUTER].p)
		return ev->slot[EVENT_COMPUTER];
	return (struct str){ "", 0 };
}

/*
 * The computer (SCOM suppresses per object) and the suppression values of ev
 * joined into e->key, a unit separator after each.
 */
static int suppression_key(struct engine *e, const struct rule *ru, const struct event *ev)
{
	struct str computer = rule_computer(ru, ev), none = { "", 0 };
	unsigned i;

	buf_reset(&e->key);
	if (buf_append(&e->key, computer.p, computer.len) < 0 || buf_putc(&e->key, '\x1f') < 0)
		return -ENOMEM;
	for (i = 0; i < ru->nsupp_vals; i++) {
		if (i && buf_putc(&e->key, '\x1f') < 0)
			return -ENOMEM;
		if (engine_fill_param(e, &e->key, NULL, &ru->supp_vals[i], ev, none, none) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Count ev against the rule's open alerts: 1 and *repeats set when an alert with
 * the same suppression key is open (a repeat), 0 for a new alert, -ENOMEM.
 * Without <Suppression> every event is a new alert. A new key is remembered
 * until RULE_MAX_SUPPRESSED are; past that new keys are not (each event then
 * raises an alert, and suppression_full counts it).
 */
static int rule_suppress(struct engine *e, struct rule *ru, const struct event *ev,
			 uint64_t *repeats)
{
	struct hmap_node *n;
	struct supp *sp;
	struct str key;

	*repeats = 0;
	if (!ru->def->alert.has_suppression)
		return 0;
	if (suppression_key(e, ru, ev) < 0)
		return -ENOMEM;
	key = (struct str){ e->key.data, e->key.len };
	if ((n = hmap_get(&ru->supps, key.p, key.len))) {
		sp = HMAP_ENTRY(n, struct supp, node);
		*repeats = ++sp->repeats;
		return 1;
	}
	/* a key past HMAP_MAX_KEY cannot be remembered either */
	if (ru->supps.count >= RULE_MAX_SUPPRESSED || key.len > HMAP_MAX_KEY) {
		e->stats.suppression_full++;
		return 0;
	}
	sp = calloc(1, sizeof(*sp) + key.len + 1);
	if (!sp)
		return -ENOMEM;
	if (key.len)
		memcpy(sp->key, key.p, key.len);
	if (hmap_insert(&ru->supps, &sp->node, sp->key, key.len) < 0) {
		free(sp);
		return -ENOMEM;
	}
	return 0;
}

/* ev passed the rule's filter: a new alert or a repeat of an open one. */
int engine_rule_fire(struct engine *e, struct rule *ru, const struct event *ev)
{
	const struct mp_rule_alert *a = &ru->def->alert;
	struct str computer = rule_computer(ru, ev), none = { "", 0 };
	const struct mp_computer_setting *set = engine_setting_at(&ru->settings,
								  ev->slot[EVENT_COMPUTER]);
	struct state_change c;
	uint64_t repeats;
	int k;

	if (set ? !set->enabled && !e->enable_all : !ru->on_elsewhere)
		return 0;
	k = rule_suppress(e, ru, ev, &repeats);
	if (k < 0)
		return k;
	if (engine_fill_text(e, &e->msg, engine_first_text(a->message_text, a->description, a->message_name,
					  engine_first_text(a->name, ru->def->display_name, NULL,
						     ru->def->id)),
		      NULL, ru->params, ru->nparams, ev, none, none) < 0)
		return -ENOMEM;
	memset(&c, 0, sizeof(c));
	c.kind = CHANGE_RULE;
	c.seq = e->seq++;
	c.time = e->now;
	c.monitor_id = ru->def->id;
	c.computer = computer.p;
	c.computer_len = computer.len;
	c.instance = "";
	c.from = c.to = MP_HEALTH_UNINITIALIZED;
	c.state = "";
	c.cause = CAUSE_EVENT;
	c.alert = k == 0;
	c.repeat_count = repeats;
	c.severity = a->severity;
	c.priority = a->priority;
	c.alert_name = engine_first_text(a->message_name, a->name, NULL, "");
	c.message = e->msg.data;
	c.diagnosis = ru->diagnosis;
	c.resolution = ru->resolution;
	c.event = ev;
	c.target = "";
	c.rule = ru->def;
	if (k == 0)
		e->stats.rule_alerts++;
	else
		e->stats.rule_repeats++;
	if (e->emit)
		e->emit(e->arg, &c);
	return 0;
}

enum engine_status engine_rule_status(const struct engine *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		if (strcmp(e->rules[i]->def->id, id) == 0)
			return e->rules[i]->off ? ENGINE_OFF : ENGINE_RUN;
	return ENGINE_NOT_LOADED;
}

