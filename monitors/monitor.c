/*
 * Helpers every monitor type uses to read its SCOM configuration, so that missing
 * or malformed elements are reported the same way, at the pack's line.
 */
#include "monitors/monitor.h"

#include "lib/diag.h"
#include "lib/str.h"
#include "rules/expr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

int monitor_subscribe(struct monitor *m, const struct mp_elem *config, const char *log_elem,
		      const char *expr_elem, unsigned match, struct diag *d)
{
	const struct mp_elem *log = mp_elem_child(config, log_elem);
	const struct mp_elem *ex = mp_elem_child(config, expr_elem);
	struct monitor_sub *sub;
	struct expr *x = NULL;

	if (!log || !*str_trim(str_of(log->text)).p) {
		diag_error(d, m->def->config->file, log ? log->line : m->def->config->line,
			   "monitor '%s': configuration lacks '%s'", m->def->id, log_elem);
		return -EINVAL;
	}
	if (!ex || !mp_elem_child(ex, NULL)) {
		diag_error(d, m->def->config->file, ex ? ex->line : m->def->config->line,
			   "monitor '%s': configuration lacks '%s'", m->def->id, expr_elem);
		return -EINVAL;
	}
	if (m->nsubs == MONITOR_MAX_SUBS)
		return -ENOSPC;
	if (expr_compile(ex, &x, d) < 0)
		return -EINVAL;
	expr_lint(ex, "monitor", m->def->id, d);
	sub = &m->subs[m->nsubs++];
	sub->log_name = log->text;
	sub->expr = x;
	sub->match = match;
	return 0;
}

int monitor_config_int(const struct monitor *m, const struct mp_elem *config, const char *name,
		       int64_t min, int64_t max, bool def_ok, int64_t def, int64_t *out,
		       struct diag *d)
{
	const struct mp_elem *e = mp_elem_child(config, name);
	int64_t v;

	if (!e) {
		if (def_ok) {
			*out = def;
			return 0;
		}
		diag_error(d, config->file, config->line, "monitor '%s': configuration lacks '%s'",
			   m->def->id, name);
		return -EINVAL;
	}
	if (!str_to_i64(str_of(e->text), &v) || v < min || v > max) {
		diag_error(d, e->file, e->line,
			   "monitor '%s': '%s' must be a whole number from %" PRId64 " to %" PRId64
			   ", not '%s'", m->def->id, name, min, max, e->text);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int monitor_step_to_match(const struct monitor *m, void *state, struct monitor_ctx *ctx,
			  unsigned match, const struct event *ev)
{
	(void)m, (void)state, (void)ctx, (void)ev;
	return (int)match;
}

int monitor_config_enum(const struct monitor *m, const struct mp_elem *config, const char *name,
			const char *const *values, int def, int *out, struct diag *d)
{
	const struct mp_elem *e = mp_elem_child(config, name);
	char list[512];
	size_t used = 0;
	struct str v;
	int i;

	if (!e) {
		if (def >= 0) {
			*out = def;
			return 0;
		}
		diag_error(d, config->file, config->line, "monitor '%s': configuration lacks '%s'",
			   m->def->id, name);
		return -EINVAL;
	}
	v = str_trim(str_of(e->text));
	for (i = 0; values[i]; i++)
		if (str_eq_cstr(v, values[i])) {
			*out = i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; values[i] && used < sizeof(list); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 values[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	diag_error(d, e->file, e->line, "monitor '%s': '%s' cannot be '%s' (one of: %s)",
		   m->def->id, name, e->text, list);
	return -EINVAL;
}
