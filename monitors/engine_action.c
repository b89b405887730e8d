/*
 * This file holds the engine's part of diagnostics and recoveries: which of a
 * pack's Diagnostic and Recovery elements run, on which state change, with
 * which arguments. The engine only decides and fills in; it starts nothing
 * (mpmond's runner, collector/action.c, does). Arguments are compiled once, as
 * alert parameters are, so filling them in per state change reads the event
 * that moved the monitor and never re-parses the pack's text. A value from the
 * event lands inside one argument: arguments were split when the pack was
 * loaded, before any value existed.
 */
#include "monitors/engine_int.h"

#include "lib/array.h"
#include "lib/diag.h"
#include "rules/event.h"
#include "rules/expr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct engine_action {
	enum engine_action_kind kind;
	const char *id;
	const char *monitor_id;		/* without an alias */
	enum mp_health on_state;
	const char *after;		/* a recovery's ExecuteOnDiagnostic (no alias), or NULL */
	const struct mp_command *command;
	struct monitor_param *args;	/* CommandLine's arguments, compiled */
	long timeout_s;
	bool reset_monitor;
	struct expr *condition;		/* owned */
};

static const char *no_alias(const char *id)
{
	const char *bang = id ? strchr(id, '!') : NULL;

	return bang ? bang + 1 : id;
}

static const char *kind_name(enum engine_action_kind k)
{
	return k == ENGINE_DIAGNOSTIC ? "diagnostic" : "recovery";
}

/* The runnable action with this ID (of any monitor), or NULL. */
static const struct engine_action *by_id(const struct engine *e, enum engine_action_kind kind,
					 const char *id)
{
	size_t i;

	for (i = 0; i < e->nactions; i++)
		if (e->actions[i]->kind == kind && strcmp(e->actions[i]->id, id) == 0)
			return e->actions[i];
	return NULL;
}

/*
 * A new action for command cmd, its arguments compiled. Returns 1 (with a
 * note) when an argument holds a reference that has no value here, 0, or
 * -ENOMEM.
 */
static int compile(struct engine *e, const struct mp_pack *pack, enum engine_action_kind kind,
		   const char *id, long line, const struct mp_command *cmd,
		   struct engine_action **out, struct diag *d)
{
	struct engine_action *a = arena_alloc(&e->arena, sizeof(*a));
	size_t i;
	int r;

	if (!a)
		return -ENOMEM;
	a->kind = kind;
	a->id = id;
	a->command = cmd;
	a->args = arena_alloc(&e->arena, (cmd->nargs + 1) * sizeof(*a->args));
	if (!a->args)
		return -ENOMEM;
	for (i = 0; i < cmd->nargs; i++) {
		struct str bad;

		r = engine_compile_arg(&e->arena, cmd->args[i], &a->args[i], &bad);
		if (r == -EINVAL) {
			diag_add(d, DIAG_NOTE, pack->file, line, "%s '%s' will not run: its "
				 "reference '%.*s' has no value on Linux", kind_name(kind), id,
				 (int)bad.len, bad.p);
			return 1;
		}
		if (r < 0)
			return r;
	}
	*out = a;
	return 0;
}

static int append(struct engine *e, struct engine_action *a)
{
	if (array_grow((void **)&e->actions, &e->capactions, e->nactions + 1, sizeof(*e->actions)) < 0)
		return -ENOMEM;
	e->actions[e->nactions++] = a;
	return 0;
}

/* Count an action that will not run or is off; true when it goes no further. */
static bool left_out(struct engine *e, const struct mp_pack *pack, enum engine_action_kind kind,
		     const char *id, long line, const struct mp_command *cmd, bool enabled,
		     struct diag *d)
{
	if (!id || !*id || !cmd) {
		e->stats.actions_disabled++;	/* the loader said why */
		return true;
	}
	if (!enabled) {
		diag_add(d, DIAG_NOTE, pack->file, line, "%s '%s' is turned off in the pack "
			 "(Enabled=\"false\")", kind_name(kind), id);
		e->stats.actions_off++;
		return true;
	}
	return false;
}

static int add_diagnostic(struct engine *e, const struct mp_pack *pack,
			  const struct mp_diagnostic *g, struct diag *d)
{
	struct engine_action *a = NULL;
	int r;

	if (left_out(e, pack, ENGINE_DIAGNOSTIC, g->id, g->line, g->command, g->enabled, d))
		return 0;
	r = compile(e, pack, ENGINE_DIAGNOSTIC, g->id, g->line, g->command, &a, d);
	if (r != 0) {
		e->stats.actions_disabled += r > 0;
		return r < 0 ? r : 0;
	}
	a->monitor_id = no_alias(g->monitor_id);
	a->on_state = g->execute_on_state;
	a->timeout_s = g->command->timeout_s ? g->command->timeout_s : g->timeout_s;
	e->stats.actions_run++;
	return append(e, a);
}

static int add_recovery(struct engine *e, const struct mp_pack *pack, const struct mp_recovery *rc,
			struct diag *d)
{
	struct engine_action *a = NULL;
	const char *after = no_alias(rc->execute_on_diagnostic);
	int r;

	if (left_out(e, pack, ENGINE_RECOVERY, rc->id, rc->line, rc->command, rc->enabled, d))
		return 0;
	if (after && !by_id(e, ENGINE_DIAGNOSTIC, after)) {
		diag_add(d, DIAG_NOTE, pack->file, rc->line, "recovery '%s' will not run: it runs "
			 "after diagnostic '%s', which does not run", rc->id, after);
		e->stats.actions_disabled++;
		return 0;
	}
	r = compile(e, pack, ENGINE_RECOVERY, rc->id, rc->line, rc->command, &a, d);
	if (r == 0 && rc->condition) {
		r = expr_compile(rc->condition, &a->condition, d);
		if (r == -EINVAL)
			r = 1;
	}
	if (r != 0) {
		e->stats.actions_disabled += r > 0;
		return r < 0 ? r : 0;
	}
	a->monitor_id = no_alias(rc->monitor_id);
	a->on_state = rc->execute_on_state;
	a->after = after;
	a->reset_monitor = rc->reset_monitor;
	a->timeout_s = rc->command->timeout_s ? rc->command->timeout_s : rc->timeout_s;
	e->stats.actions_run++;
	r = append(e, a);
	if (r < 0)
		expr_free(a->condition);
	return r;
}

int engine_add_actions(struct engine *e, const struct mp_pack *pack, struct diag *d)
{
	const struct mp_diagnostic *g;
	const struct mp_recovery *rc;
	int r = 0;

	/* diagnostics first: a recovery names the diagnostic it follows */
	for (g = pack->diagnostics; g && r == 0; g = g->next)
		r = add_diagnostic(e, pack, g, d);
	for (rc = pack->recoveries; rc && r == 0; rc = rc->next)
		r = add_recovery(e, pack, rc, d);
	return r;
}

void engine_actions_free(struct engine *e)
{
	size_t i;

	for (i = 0; i < e->nactions; i++)
		expr_free(e->actions[i]->condition);
	free(e->actions);
	e->actions = NULL;
	e->nactions = e->capactions = 0;
}

void engine_action_get(const struct engine_action *a, struct engine_action_info *out)
{
	*out = (struct engine_action_info){
		.kind = a->kind,
		.id = a->id,
		.monitor_id = a->monitor_id,
		.command = a->command,
		.timeout_s = a->timeout_s,
		.reset_monitor = a->reset_monitor,
		.has_condition = a->condition != NULL,
	};
}

static bool same_monitor(const struct engine_action *a, const char *monitor_id)
{
	return a->monitor_id && monitor_id && strcmp(a->monitor_id, monitor_id) == 0;
}

int engine_actions_for(const struct engine *e, const struct state_change *c,
		       int (*fn)(void *arg, const struct engine_action *a), void *arg)
{
	static const enum engine_action_kind order[] = { ENGINE_DIAGNOSTIC, ENGINE_RECOVERY };
	size_t i, k;
	int r;

	if (c->kind != CHANGE_MONITOR || c->from == c->to)
		return 0;
	for (k = 0; k < 2; k++)
		for (i = 0; i < e->nactions; i++) {
			const struct engine_action *a = e->actions[i];

			if (a->kind == order[k] && !a->after && a->on_state == c->to &&
			    same_monitor(a, c->monitor_id) && (r = fn(arg, a)) != 0)
				return r;
		}
	return 0;
}

int engine_actions_after(const struct engine *e, const struct engine_action *dg,
			 int (*fn)(void *arg, const struct engine_action *a), void *arg)
{
	size_t i;
	int r;

	for (i = 0; i < e->nactions; i++) {
		const struct engine_action *a = e->actions[i];

		if (a->after && strcmp(a->after, dg->id) == 0 && same_monitor(a, dg->monitor_id) &&
		    (r = fn(arg, a)) != 0)
			return r;
	}
	return 0;
}

const struct engine_action *engine_action_find(const struct engine *e, const char *monitor_id,
					       const char *id)
{
	size_t i;

	for (i = 0; i < e->nactions; i++)
		if (strcmp(e->actions[i]->id, id) == 0 && same_monitor(e->actions[i], monitor_id))
			return e->actions[i];
	return NULL;
}

int engine_action_argv(const struct engine_action *a, const struct state_change *c, size_t max,
		       struct buf *out, size_t *argc)
{
	struct str computer = { c->computer, c->computer_len };
	struct str instance = { c->instance, c->instance_len };
	size_t i, start = out->len;

	if (buf_append(out, a->command->application, strlen(a->command->application) + 1) < 0)
		return -ENOMEM;
	for (i = 0; i < a->command->nargs; i++) {
		size_t at = out->len;

		if (engine_fill_param(NULL, out, c->monitor, &a->args[i], c->event, computer,
				      instance) < 0)
			return -ENOMEM;
		if (memchr(out->data + at, '\0', out->len - at))
			return -EINVAL;
		if (out->len - start >= max)
			return -E2BIG;
		if (buf_putc(out, '\0') < 0)
			return -ENOMEM;
	}
	if (out->len - start > max)
		return -E2BIG;
	*argc = a->command->nargs + 1;
	return 0;
}

bool engine_action_condition(const struct engine_action *a, struct str out, struct str err,
			     int exit_code)
{
	static const char f_out[] = "Diagnostic/DataItem/StdOut",
			  f_err[] = "Diagnostic/DataItem/StdErr",
			  f_code[] = "Diagnostic/DataItem/ExitCode";
	struct event ev;
	char code[16];
	int n;

	if (!a->condition)
		return true;
	n = snprintf(code, sizeof(code), "%d", exit_code);
	event_reset(&ev);
	event_set(&ev, f_out, sizeof(f_out) - 1, out);
	event_set(&ev, f_err, sizeof(f_err) - 1, err);
	event_set(&ev, f_code, sizeof(f_code) - 1, (struct str){ code, (size_t)n });
	return expr_eval(a->condition, &ev);
}
