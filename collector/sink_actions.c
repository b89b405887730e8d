/*
 * The actions sink, mpmond's diagnostics and recoveries: from a state change to
 * the actions it sets off (the engine decides which and fills in their
 * arguments, the runner of action.c runs them), and from each result to the
 * log, the state file, the other sinks (an SNMP notification, a JSON line)
 * and, for a recovery with ResetMonitor that succeeded, a reset of the monitor
 * instance. With [actions] enabled = false (the default) nothing is started:
 * the state file says so and counts what would have run, and the log says it
 * once.
 */
#include "collector/sink.h"

#include "collector/action.h"
#include "collector/daemon.h"
#include "collector/log.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/iso8601.h"
#include "lib/json.h"
#include "monitors/engine.h"
#include "pipeline/pipeline.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

/*
 * Whether dg holds this error already: the folders above several packs are
 * the same, and one message each is enough.
 */
static bool said(const struct diag *dg, const char *msg)
{
	size_t i;

	for (i = 0; i < dg->n; i++)
		if (strcmp(dg->v[i].message, msg) == 0)
			return true;
	return false;
}

/*
 * One file or folder: whether only root and mpmond's user may change it. above:
 * a folder above what is checked, where the sticky bit (/tmp) keeps others
 * from renaming or removing what they do not own.
 */
static void trust_one(const struct daemon *d, const char *path, bool above, struct diag *dg)
{
	char why[256], msg[PATH_MAX + 512];
	struct passwd *pw;
	struct group *gr;
	struct stat st;
	const char *fix;

	if (stat(path, &st) < 0)
		return;		/* loading it says what is wrong */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		char me[64];

		pw = getpwuid(geteuid());
		snprintf(me, sizeof(me), "%s", pw ? pw->pw_name : "?");
		pw = getpwuid(st.st_uid);
		if (pw)
			snprintf(why, sizeof(why), "owned by user '%s' (uid %ld), not root or mpmond's "
				 "user '%s'", pw->pw_name, (long)st.st_uid, me);
		else
			snprintf(why, sizeof(why), "owned by uid %ld, not root or mpmond's user '%s'",
				 (long)st.st_uid, me);
		fix = "chown it to root";
	} else if (above && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX)) {
		return;
	} else if (st.st_mode & S_IWOTH) {
		snprintf(why, sizeof(why), "writable by others");
		fix = "chmod o-w it";
	} else if (st.st_mode & S_IWGRP) {
		gr = getgrgid(st.st_gid);
		if (gr)
			snprintf(why, sizeof(why), "writable by group '%s'", gr->gr_name);
		else
			snprintf(why, sizeof(why), "writable by group %ld", (long)st.st_gid);
		fix = "chmod g-w it";
	} else {
		return;
	}
	snprintf(msg, sizeof(msg), "actions enabled but '%s' is %s: whoever may change it may make "
		 "mpmond run programs (%s, or set enabled = false)", path, why, fix);
	if (!said(dg, msg))
		diag_error(dg, d->cfg.file, d->cfg.actions_line, "%s", msg);
}

/* Every folder above path, up to /. */
static void trust_above(const struct daemon *d, const char *path, struct diag *dg)
{
	char dir[PATH_MAX], *slash;

	if (path[0] == '/')
		snprintf(dir, sizeof(dir), "%s", path);
	else if (!getcwd(dir, sizeof(dir)) ||
		 (size_t)snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%s", path) >=
			 sizeof(dir) - strlen(dir))
		return;
	while ((slash = strrchr(dir, '/'))) {
		if (slash == dir) {
			trust_one(d, "/", true, dg);
			return;
		}
		*slash = '\0';
		trust_one(d, dir, true, dg);
	}
}

/*
 * sshd's StrictModes, for the files that say what mpmond runs: the path as
 * named (a folder above a symlink could point it elsewhere) and the file it
 * resolves to, with every folder above both.
 */
void sink_actions_trust(const struct daemon *d, const char *path, bool listed, struct diag *dg)
{
	char *real;

	if (!d->cfg.actions.enabled)
		return;
	if (!listed)
		trust_above(d, path, dg);
	real = realpath(path, NULL);
	if (!real)
		return;		/* loading it says what is wrong */
	trust_one(d, real, false, dg);
	trust_above(d, real, dg);
	free(real);
}

static void on_done(void *arg, struct action_result *res)
{
	struct daemon *d = arg;
	char code[48] = "";

	if (res->status == ACTION_SUCCEEDED || res->status == ACTION_FAILED)
		snprintf(code, sizeof(code), " (exit %d)", res->code);
	daemon_log(res->status == ACTION_SUCCEEDED ? LOG_NOTICE : LOG_WARNING,
		   "#%" PRIu64 " %s '%s' of %s%s%s%s%s%s: %s%s%s%s, %" PRIu64 " bytes of output, %"
		   PRIu64 " of errors", res->seq, action_kind_name(res->kind), res->id,
		   res->monitor_id, *res->computer ? " on " : "", res->computer,
		   *res->instance ? " [" : "", res->instance, *res->instance ? "]" : "",
		   action_status_name(res->status), code, *res->reason ? ": " : "", res->reason,
		   res->out.bytes, res->err.bytes);
	sinks_result(d, res);
	if (res->kind == ACTION_RECOVERY && res->reset_monitor && res->status == ACTION_SUCCEEDED) {
		int64_t now = pipeline_now(d->pipe, clock_realtime_us());
		int r = engine_reset(d->engine, res->monitor_id, res->computer, res->instance, now);

		res->reset = r == 0;
		if (r < 0)
			daemon_log(LOG_WARNING, "recovery '%s': cannot reset '%s': %s", res->id,
				   res->monitor_id, r == -ENOENT ? "it is no longer running" : strerror(-r));
	}
	d->dirty = true;
}

static const char *on_admit(void *arg, const struct action_result *f,
			    const struct action_result *diag)
{
	struct daemon *d = arg;
	const struct engine_action *a = engine_action_find(d->engine, f->monitor_id, f->id);

	if (!a)
		return "it is no longer loaded";
	if (!engine_action_condition(a, (struct str){ diag->out.text, diag->out.len },
				     (struct str){ diag->err.text, diag->err.len }, diag->code))
		return "its condition on the diagnostic's output did not pass";
	return NULL;
}

static void log_config(const struct daemon *d)
{
	const struct action_config *a = &d->cfg.actions;
	struct passwd *pw;

	if (!a->enabled) {
		daemon_log(LOG_NOTICE, "actions: off ([actions] enabled = false): diagnostics and "
			   "recoveries do not run");
		return;
	}
	pw = getpwuid(geteuid());
	daemon_log(LOG_NOTICE, "actions: on: diagnostics and recoveries run as user %s, at most %u "
		   "at once and %u waiting, for up to %u s, keeping %zu bytes of their output",
		   pw ? pw->pw_name : "?", a->max_running, a->max_queued, a->timeout_max_s,
		   a->output_max);
	if (geteuid() == 0)
		daemon_log(LOG_WARNING, "actions: mpmond runs as root, so do the commands of the "
			   "packs: run it as an unprivileged user");
}

struct actions_sink {
	struct action_runner *runner;
	struct buf buf;			/* an action's instance and argument vector */
	bool off_logged;		/* "actions: off" said once */
};

static int actions_open(struct daemon *d, void **sink)
{
	struct action_handler h = { .done = on_done, .admit = on_admit, .arg = d };
	struct actions_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	buf_init(&s->buf);
	s->runner = action_runner_new(&d->cfg.actions, &h);
	if (!s->runner) {
		daemon_log(LOG_ERR, "actions: cannot set up the runner: %s", strerror(errno));
		free(s);
		return -ENOMEM;
	}
	log_config(d);
	*sink = s;
	return 0;
}

static int actions_reload(void **sink, struct daemon *d, const struct config *old)
{
	struct actions_sink *s = *sink;

	if (!s)
		return actions_open(d, sink);
	action_runner_configure(s->runner, &d->cfg.actions);
	if (memcmp(&old->actions, &d->cfg.actions, sizeof(old->actions)) != 0)
		log_config(d);
	return 0;
}

static void actions_close(void *sink, struct daemon *d)
{
	struct actions_sink *s = sink;
	struct action_stats st;

	(void)d;
	action_runner_stats(s->runner, &st);
	if (st.running || st.queued)
		daemon_log(LOG_NOTICE, "actions: %zu running killed, %zu waiting not started",
			   st.running, st.queued);
	action_runner_free(s->runner);
	buf_release(&s->buf);
	free(s);
}

static size_t actions_fds(void *sink, int *fds, size_t max)
{
	const struct actions_sink *s = sink;

	if (!max)
		return 0;
	fds[0] = action_runner_fd(s->runner);
	return 1;
}

static int64_t actions_due(void *sink, struct daemon *d, int64_t now)
{
	const struct actions_sink *s = sink;

	(void)d, (void)now;
	return action_runner_next_deadline(s->runner);
}

static bool actions_process(void *sink, struct daemon *d, bool ready, int64_t now)
{
	struct actions_sink *s = sink;

	(void)ready;
	if (action_runner_process(s->runner, now))
		d->dirty = true;
	return false;
}

struct start {
	struct daemon *d;
	struct actions_sink *s;
	const struct state_change *c;
	struct action_job *diag;	/* the diagnostic that followups wait for */
	bool followup;
};

static int start_one(void *arg, const struct engine_action *a)
{
	struct start *x = arg;
	struct daemon *d = x->d;
	struct engine_action_info in;
	struct action_spec spec;
	struct action_job *job;
	struct actions_sink *s = x->s;
	struct buf *b = &s->buf;
	size_t argc = 0, inst;
	int r;

	engine_action_get(a, &in);
	if (!action_runner_enabled(s->runner)) {
		action_runner_count_off(s->runner);
		if (!s->off_logged)
			daemon_log(LOG_NOTICE, "actions: off: #%" PRIu64 " would have run %s '%s' "
				   "(said once; state.json counts them)", x->c->seq,
				   in.kind == ENGINE_DIAGNOSTIC ? "diagnostic" : "recovery", in.id);
		s->off_logged = true;
		return 0;
	}
	/* the computer and the instance NUL-terminated, then the argument vector */
	buf_reset(b);
	r = buf_append(b, x->c->computer, x->c->computer_len) < 0 || buf_putc(b, '\0') < 0 ||
	    buf_append(b, x->c->instance, x->c->instance_len) < 0 || buf_putc(b, '\0') < 0 ?
		    -ENOMEM : 0;
	inst = x->c->computer_len + 1 + x->c->instance_len + 1;
	r = r ? r : engine_action_argv(a, x->c, ACTION_ARGV_MAX, b, &argc);
	spec = (struct action_spec){
		.seq = x->c->seq,
		.monitor_id = x->c->monitor_id,
		.computer = b->data,
		.instance = b->data + x->c->computer_len + 1,
		.kind = in.kind == ENGINE_DIAGNOSTIC ? ACTION_DIAGNOSTIC : ACTION_RECOVERY,
		.id = in.id,
		.argv = b->data + inst,
		.argc = r == 0 ? argc : 0,
		.working_dir = in.command->working_dir,
		.timeout_s = in.timeout_s > 0 ? (unsigned)in.timeout_s : 0,
		.require_output = in.command->require_output,
		.reset_monitor = in.reset_monitor,
		.followup = x->followup,
		.error = r == -E2BIG ? "its arguments would be longer than 65536 bytes" :
			 r == -EINVAL ? "an argument would hold a NUL byte from the event" :
			 r < 0 ? "out of memory" : NULL,
	};
	job = action_submit(s->runner, &spec, x->followup ? x->diag : NULL);
	d->dirty = true;
	if (in.kind == ENGINE_DIAGNOSTIC && !x->followup) {
		struct start y = { .d = d, .s = s, .c = x->c, .diag = job, .followup = true };

		engine_actions_after(d->engine, a, start_one, &y);
	}
	return 0;
}

static void actions_deliver(void *sink, struct daemon *d, const struct state_change *c)
{
	struct start x = { .d = d, .s = sink, .c = c };

	engine_actions_for(d->engine, c, start_one, &x);
}

static int put_result(void *arg, const struct action_result *res)
{
	struct buf *b = arg;
	bool f = true;
	int r;

	r = buf_puts(b, b->data[b->len - 1] == '[' ? "\n  {" : ",\n  {");
	r = r ? r : action_result_json(b, &f, res);
	r = r ? r : buf_putc(b, '}');
	return r;
}

static int actions_json(void *sink, const struct daemon *d, struct buf *b, bool *first)
{
	const struct actions_sink *s = sink;
	struct action_stats st = { 0 };
	bool f = true;
	int r;

	if (s)
		action_runner_stats(s->runner, &st);
	r = json_key(b, first, "actions");
	r = r ? r : buf_putc(b, '{');
	r = r ? r : json_member_bool(b, &f, "enabled", d->cfg.actions.enabled);
	r = r ? r : json_member_u64(b, &f, "running", st.running);
	r = r ? r : json_member_u64(b, &f, "queued", st.queued);
	r = r ? r : json_member_u64(b, &f, "started", st.started);
	r = r ? r : json_member_u64(b, &f, "succeeded", st.succeeded);
	r = r ? r : json_member_u64(b, &f, "failed", st.failed);
	r = r ? r : json_member_u64(b, &f, "killed", st.killed);
	r = r ? r : json_member_u64(b, &f, "timeout", st.timeouts);
	r = r ? r : json_member_u64(b, &f, "not_started", st.not_started);
	r = r ? r : json_member_u64(b, &f, "dropped", st.dropped);
	r = r ? r : json_member_u64(b, &f, "skipped", st.skipped);
	r = r ? r : json_member_u64(b, &f, "off", st.off);
	r = r ? r : json_key(b, &f, "results");
	r = r ? r : buf_putc(b, '[');
	if (r == 0 && s)
		r = action_runner_foreach(s->runner, put_result, b);
	r = r ? r : buf_puts(b, b->data[b->len - 1] == '[' ? "]}" : "\n ]}");
	return r;
}

const struct sink_type sink_actions = {
	.name = "actions",
	.open = actions_open,
	.deliver = actions_deliver,
	.fds = actions_fds,
	.due = actions_due,
	.process = actions_process,
	.reload = actions_reload,
	.json = actions_json,
	.close = actions_close,
};
