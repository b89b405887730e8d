/*
 * This file reads the commands of diagnostics and recoveries: SCOM's
 * System.CommandExecuterProbe (and System.Secure.CommandExecuterProbe) as a
 * diagnostic's ProbeAction, System.CommandExecuter as a recovery's
 * WriteAction, and a System.ExpressionFilter ConditionDetection on a
 * diagnostic's output. It works on the model's copies of those elements, so no
 * libxml2 type is needed here. A module of another type (a PowerShell or
 * VBScript probe, a Windows service start) loads fine and is noted as one that
 * will not run; a command whose configuration is wrong is an error at its line.
 *
 * CommandLine is split into arguments here, by the one rule mp.h documents,
 * so that a pack author sees a stray quote when validating the pack, not when
 * the diagnostic would have run.
 */
#include "mp-xml/command.h"

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MAX_S 86400

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Length of a $Data/...$ or $Target/...$ reference at s, 0 when s holds none. */
static size_t reference_len(const char *s)
{
	const char *end;

	if (s[0] != '$' || (strncmp(s + 1, "Data/", 5) != 0 && strncmp(s + 1, "Target/", 7) != 0))
		return 0;
	end = strchr(s + 1, '$');
	return end ? (size_t)(end - s) + 1 : 0;
}

int mp_command_split(const char *s, struct buf *out, size_t *argc, const char **err, size_t *at)
{
	const char *start = s, *q;
	bool in_arg = false;
	size_t n = 0, k;
	int r = 0;

	while (*s && r == 0) {
		if (blank(*s)) {
			if (in_arg)
				r = buf_putc(out, '\0'), n++;
			in_arg = false;
			s++;
			continue;
		}
		in_arg = true;
		if ((k = reference_len(s))) {
			r = buf_append(out, s, k);
			s += k;
		} else if (*s == '\'') {
			q = strchr(s + 1, '\'');
			if (!q) {
				*err = "single quote without its end";
				*at = (size_t)(s - start);
				return -EINVAL;
			}
			r = buf_append(out, s + 1, (size_t)(q - s - 1));
			s = q + 1;
		} else if (*s == '"') {
			for (q = s + 1; *q != '"' && r == 0;) {
				if (!*q) {
					*err = "double quote without its end";
					*at = (size_t)(s - start);
					return -EINVAL;
				}
				if ((k = reference_len(q))) {
					r = buf_append(out, q, k);
					q += k;
					continue;
				}
				if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
					q++;
				r = buf_putc(out, *q++);
			}
			s = q + 1;
		} else if (*s == '\\') {
			if (!s[1]) {
				*err = "backslash at the end";
				*at = (size_t)(s - start);
				return -EINVAL;
			}
			r = buf_putc(out, s[1]);
			s += 2;
		} else {
			r = buf_putc(out, *s++);
		}
	}
	if (r == 0 && in_arg)
		r = buf_putc(out, '\0'), n++;
	*argc = n;
	return r;
}

/* An element's text without surrounding blanks, in arena a; NULL when out of memory. */
static const char *trimmed(struct arena *a, const char *t)
{
	size_t n;

	while (blank(*t))
		t++;
	n = strlen(t);
	while (n && blank(t[n - 1]))
		n--;
	return arena_strndup(a, t, n);
}

/*
 * A module's TypeID as the ID of a System.Library type ("System!X" -> "X"),
 * or NULL when it names a type of another pack, or resolves nowhere (*bad is
 * then set: the loader reports that error with the pack's references).
 */
static const char *system_type(const struct mp_pack *p, const char *raw, bool *bad)
{
	const char *bang = strchr(raw, '!'), *lib;

	if (!bang)
		return NULL;
	lib = mp_pack_alias(p, raw, (size_t)(bang - raw));
	if (!lib && !p->fragment)
		*bad = true;
	return lib && strcmp(lib, "System.Library") == 0 ? bang + 1 : NULL;
}

static bool is_command_type(const char *type, bool probe)
{
	if (!type)
		return false;
	if (probe)
		return strcmp(type, "System.CommandExecuterProbe") == 0 ||
		       strcmp(type, "System.Secure.CommandExecuterProbe") == 0;
	return strcmp(type, "System.CommandExecuter") == 0;
}

static int will_not_run(struct arena *a, const char **why_not, struct diag *d,
			const struct mp_pack *p, long line, const char *what, const char *id,
			const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Set *why_not to the first reason (in arena a), with a note in d for each. */
static int will_not_run(struct arena *a, const char **why_not, struct diag *d,
			const struct mp_pack *p, long line, const char *what, const char *id,
			const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int r;

	buf_init(&b);
	va_start(ap, fmt);
	r = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == 0 && !*why_not && !(*why_not = arena_strndup(a, b.data, b.len)))
		r = -ENOMEM;
	if (r == 0)
		diag_add(d, DIAG_NOTE, p->file, line, "%s '%s' will not run: %s", what, id, b.data);
	buf_release(&b);
	return r;
}

static long elem_line(const struct mp_elem *e, const struct mp_elem *module)
{
	return e ? e->line : module->line;
}

/* The arguments of CommandLine c (may be NULL) as a NULL-terminated array in a. */
static int split_args(struct arena *a, const struct mp_pack *p, const struct mp_elem *c,
		      const struct mp_elem *module, const char *what, const char *id,
		      struct mp_command *cmd, bool *bad, struct diag *d)
{
	const char **args, *err = NULL;
	size_t n = 0, at = 0, i;
	struct buf b;
	const char *s;
	int r;

	buf_init(&b);
	r = mp_command_split(c ? c->text : "", &b, &n, &err, &at);
	if (r == -EINVAL) {
		diag_error(d, p->file, elem_line(c, module), "%s '%s': CommandLine: %s at "
			   "character %zu", what, id, err, at + 1);
		*bad = true;
		r = 0;
		n = 0;
	}
	args = r == 0 ? arena_alloc(a, (n + 1) * sizeof(*args)) : NULL;
	if (r == 0 && !args)
		r = -ENOMEM;
	for (i = 0, s = b.data; r == 0 && i < n; i++, s += strlen(s) + 1)
		if (!(args[i] = arena_strdup(a, s)))
			r = -ENOMEM;
	if (r == 0) {
		cmd->args = args;
		cmd->nargs = n;
	}
	buf_release(&b);
	return r;
}

int mp_command_read(struct arena *a, const struct mp_pack *p, const struct mp_elem *module,
		    bool probe, const char *what, const char *id, long line,
		    const struct mp_command **out, const char **why_not, struct diag *d)
{
	const char *raw, *type, *v;
	const struct mp_elem *c;
	struct mp_command *cmd;
	bool bad = false;
	char *end;
	int r;

	*out = NULL;
	*why_not = NULL;
	id = id ? id : "";
	if (!module)
		return will_not_run(a, why_not, d, p, line, what, id, "it has no %s",
				    probe ? "ProbeAction" : "WriteAction");
	raw = mp_elem_attr(module, "TypeID");
	raw = raw ? raw : "";
	type = system_type(p, raw, &bad);
	if (bad)
		return (*why_not = arena_strdup(a, "its type resolves nowhere")) ? 0 : -ENOMEM;
	if (!is_command_type(type, probe))
		return will_not_run(a, why_not, d, p, module->line, what, id, probe ?
				    "mpmon runs System.CommandExecuterProbe probes only, not '%s'" :
				    "mpmon runs System.CommandExecuter write actions only, not '%s'",
				    raw);
	cmd = arena_alloc(a, sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	cmd->line = module->line;
	c = mp_elem_child(module, "ApplicationName");
	if (!(cmd->application = trimmed(a, c ? c->text : "")))
		return -ENOMEM;
	if (!*cmd->application) {
		diag_error(d, p->file, elem_line(c, module), "%s '%s': ApplicationName is empty",
			   what, id);
		bad = true;
	} else if (cmd->application[0] != '/' &&
		   (r = will_not_run(a, why_not, d, p, elem_line(c, module), what, id,
				     "ApplicationName '%s' is not an absolute path",
				     cmd->application)) < 0) {
		return r;
	}
	c = mp_elem_child(module, "WorkingDirectory");
	if (!(v = trimmed(a, c ? c->text : "")))
		return -ENOMEM;
	cmd->working_dir = *v ? v : NULL;
	if (*v && v[0] != '/' &&
	    (r = will_not_run(a, why_not, d, p, elem_line(c, module), what, id,
			      "WorkingDirectory '%s' is not an absolute path", v)) < 0)
		return r;
	if ((r = split_args(a, p, mp_elem_child(module, "CommandLine"), module, what, id, cmd,
			    &bad, d)) < 0)
		return r;
	if ((c = mp_elem_child(module, "TimeoutSeconds"))) {
		if (!(v = trimmed(a, c->text)))
			return -ENOMEM;
		cmd->timeout_s = *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : -1;
		if (cmd->timeout_s < 1 || cmd->timeout_s > TIMEOUT_MAX_S || *end) {
			diag_error(d, p->file, c->line, "%s '%s': TimeoutSeconds takes 1 to %d "
				   "seconds, not '%s'", what, id, TIMEOUT_MAX_S, v);
			bad = true;
		}
	}
	if ((c = mp_elem_child(module, "RequireOutput"))) {
		if (!(v = trimmed(a, c->text)))
			return -ENOMEM;
		cmd->require_output = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		if (!cmd->require_output && strcmp(v, "false") != 0 && strcmp(v, "0") != 0) {
			diag_error(d, p->file, c->line, "%s '%s': RequireOutput takes true or "
				   "false, not '%s'", what, id, v);
			bad = true;
		}
	}
	c = mp_elem_child(module, "SecureInput");
	if (c && (v = trimmed(a, c->text)) && *v &&
	    (r = will_not_run(a, why_not, d, p, c->line, what, id, "SecureInput is not supported: "
			      "a command's standard input is /dev/null")) < 0)
		return r;
	c = mp_elem_child(module, "Files");
	if (c && mp_elem_child(c, "File") &&
	    (r = will_not_run(a, why_not, d, p, c->line, what, id, "Files (scripts written out for "
			      "the command) are not supported")) < 0)
		return r;
	if (bad && !*why_not && !(*why_not = arena_strdup(a, "its command has errors")))
		return -ENOMEM;
	if (!*why_not)
		*out = cmd;
	return 0;
}

int mp_condition_read(struct arena *a, const struct mp_pack *p, const struct mp_elem *cd,
		      const char *id, const struct mp_elem **expr, const char **why_not,
		      struct diag *d)
{
	const char *raw = mp_elem_attr(cd, "TypeID");
	const char *type;
	bool bad = false;

	*expr = NULL;
	raw = raw ? raw : "";
	type = system_type(p, raw, &bad);
	if (bad)
		return *why_not || (*why_not = arena_strdup(a, "its condition's type resolves "
							    "nowhere")) ? 0 : -ENOMEM;
	if (type && strcmp(type, "System.ExpressionFilter") == 0 &&
	    (*expr = mp_elem_child(cd, "Expression")))
		return 0;
	return will_not_run(a, why_not, d, p, cd->line, "recovery", id ? id : "",
			    "mpmon evaluates System.ExpressionFilter conditions only, not '%s'", raw);
}
