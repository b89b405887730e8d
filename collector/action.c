/*
 * This file runs diagnostics and recoveries as child processes (action.h). A
 * job is one allocation holding its strings; its argument vector and, while it
 * runs, two pipes and a pidfd in the runner's own epoll, which mpmond's loop
 * watches as one descriptor. Jobs move from the queue to the running list to
 * the bounded list of results; the recoveries that follow a diagnostic hang
 * off its job until it ends.
 *
 * The child is made with posix_spawn, never through a shell: its program is an
 * absolute path, its arguments are the vector as given. It gets its own process
 * group (so a timeout kills what it started too), no signal blocked or ignored
 * (mpmond blocks some for its signalfd and ignores SIGPIPE; only glibc's two
 * internal ones, 32 and 33, stay ignored, as glibc's posix_spawn leaves them),
 * /dev/null as standard input, no descriptor of mpmond's (closefrom), and an
 * environment of PATH, LC_ALL and MPMON_* variables naming the state change. When the program
 * exits, what it left running in its group is killed before it is reaped, so
 * nothing holds the pipes open and no process outlives its action unseen.
 * Every step that can block (reading, reaping) is tried without waiting and
 * left to the next readiness of a descriptor.
 */
#include "collector/action.h"

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/iso8601.h"
#include "lib/json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READS_PER_WAKEUP 16	/* 1 MiB per stream, then the loop gets its turn */
#define ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ENV_LOCALE "LC_ALL=C"
#define KILL_GRACE_US 5000000	/* after a kill, how long the pipes may stay open */
#define EXIT_POLL_US 100000	/* without pidfd: how often a running child's exit is looked for */

struct capture {
	int fd;			/* read end; -1 once closed */
	char *buf;		/* cap + 1 bytes once anything came */
	size_t len, cap;	/* cap: output_max when the first bytes came (a reload may change it) */
	uint64_t bytes;
};

struct action_job {
	struct action_job *next;
	struct action_job *followups;	/* recoveries waiting for this diagnostic */
	size_t nfollowups;
	struct action_result res;
	char **argv;			/* argc + 1 */
	char **envp;
	const char *cwd;
	bool require_output;
	pid_t pid;			/* 0 when not running */
	int pidfd;
	int64_t exit_poll;		/* no pidfd: next look for the exit (monotonic µs), else 0 */
	bool reaped, timed_out;
	int wstatus;
	int64_t deadline;		/* monotonic µs */
	struct capture out, err;
	char reason[256];
	char mem[];			/* the strings */
};

struct action_runner {
	struct action_config cfg;
	struct action_handler h;
	int ep;
	struct action_job *queue, **queue_tail;
	size_t nqueued;
	struct action_job *running;
	size_t nrunning;
	struct action_job *results, **results_tail;
	size_t nresults;
	struct action_stats st;
	char scratch[1 << 16];
};

static const char *const status_names[] = {
	"", "succeeded", "failed", "killed", "timeout", "notStarted", "dropped", "skipped",
};

const char *action_status_name(enum action_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "";
}

const char *action_kind_name(enum action_kind k)
{
	return k == ACTION_DIAGNOSTIC ? "diagnostic" : "recovery";
}

void action_config_default(struct action_config *c)
{
	*c = (struct action_config){
		.enabled = false,
		.max_running = ACTION_DEFAULT_MAX_RUNNING,
		.max_queued = ACTION_DEFAULT_MAX_QUEUED,
		.timeout_max_s = ACTION_DEFAULT_TIMEOUT_MAX_S,
		.output_max = ACTION_DEFAULT_OUTPUT_MAX,
		.results_max = ACTION_DEFAULT_RESULTS_MAX,
	};
}

/* ---- jobs ---- */

static void job_free(struct action_job *j)
{
	struct action_job *f, *next;

	if (!j)
		return;
	for (f = j->followups; f; f = next) {
		next = f->next;
		job_free(f);
	}
	free(j->out.buf);
	free(j->err.buf);
	free(j->argv);
	free(j->envp);
	free(j);
}

/* Copy s into *at, advancing it. */
static char *put(char **at, const char *s, size_t n)
{
	char *r = *at;

	memcpy(r, s, n);
	r[n] = '\0';
	*at += n + 1;
	return r;
}

static const char *const env_names[] = {
	"MPMON_SEQ=", "MPMON_MONITOR=", "MPMON_COMPUTER=", "MPMON_INSTANCE=", "MPMON_KIND=",
	"MPMON_ACTION=",
};

#define NENV (sizeof(env_names) / sizeof(env_names[0]))

/* A job for spec, with copies of everything it names; NULL when memory runs out. */
static struct action_job *job_new(const struct action_spec *spec)
{
	const char *kind = action_kind_name(spec->kind);
	const char *computer = spec->computer ? spec->computer : "";
	const char *vals[NENV] = { NULL, spec->monitor_id, computer, spec->instance, kind, spec->id };
	char seq[24], *at, *e;
	size_t argv_len = 0, size, i, k;
	struct action_job *j;
	const char *s;

	snprintf(seq, sizeof(seq), "%" PRIu64, spec->seq);
	vals[0] = seq;
	for (i = 0, s = spec->argv; i < spec->argc; i++) {
		size_t n = strlen(s) + 1;

		argv_len += n;
		s += n;
	}
	size = argv_len + strlen(spec->monitor_id) + strlen(computer) +
	       strlen(spec->instance) + strlen(spec->id) +
	       (spec->working_dir ? strlen(spec->working_dir) : 1) + sizeof(ENV_PATH) +
	       sizeof(ENV_LOCALE) + 8;
	for (k = 0; k < NENV; k++)
		size += strlen(env_names[k]) + strlen(vals[k]) + 1;
	j = calloc(1, sizeof(*j) + size);
	if (!j)
		return NULL;
	j->argv = calloc(spec->argc + 1, sizeof(*j->argv));
	j->envp = calloc(NENV + 3, sizeof(*j->envp));
	if (!j->argv || !j->envp) {
		job_free(j);
		return NULL;
	}
	at = j->mem;
	for (i = 0, s = spec->argv; i < spec->argc; i++) {
		size_t n = strlen(s);

		j->argv[i] = put(&at, s, n);
		s += n + 1;
	}
	j->res.monitor_id = put(&at, spec->monitor_id, strlen(spec->monitor_id));
	j->res.computer = put(&at, computer, strlen(computer));
	j->res.instance = put(&at, spec->instance, strlen(spec->instance));
	j->res.id = put(&at, spec->id, strlen(spec->id));
	j->cwd = put(&at, spec->working_dir ? spec->working_dir : "/",
		     spec->working_dir ? strlen(spec->working_dir) : 1);
	j->envp[0] = put(&at, ENV_PATH, sizeof(ENV_PATH) - 1);
	j->envp[1] = put(&at, ENV_LOCALE, sizeof(ENV_LOCALE) - 1);
	for (k = 0; k < NENV; k++) {
		e = at;
		memcpy(at, env_names[k], strlen(env_names[k]));
		at += strlen(env_names[k]);
		put(&at, vals[k], strlen(vals[k]));
		j->envp[2 + k] = e;
	}
	j->res.seq = spec->seq;
	j->res.kind = spec->kind;
	j->res.reason = "";
	j->res.out.text = j->res.err.text = "";
	j->res.reset_monitor = spec->reset_monitor;
	j->require_output = spec->require_output;
	j->out.fd = j->err.fd = j->pidfd = -1;
	return j;
}

static void set_reason(struct action_job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct action_job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->reason, sizeof(j->reason), fmt, ap);
	va_end(ap);
	j->res.reason = j->reason;
}

/* ---- finishing ---- */

static void count(struct action_runner *r, enum action_status s)
{
	switch (s) {
	case ACTION_SUCCEEDED: r->st.succeeded++; break;
	case ACTION_FAILED: r->st.failed++; break;
	case ACTION_KILLED: r->st.killed++; break;
	case ACTION_TIMEOUT: r->st.timeouts++; break;
	case ACTION_NOT_STARTED: r->st.not_started++; break;
	case ACTION_DROPPED: r->st.dropped++; break;
	case ACTION_SKIPPED: r->st.skipped++; break;
	}
}

/* Hand a finished job to the caller, then keep it among the results. */
static void record(struct action_runner *r, struct action_job *j)
{
	struct action_job *old;

	if (!j->res.ended)
		j->res.ended = clock_realtime_us();
	count(r, j->res.status);
	if (r->h.done)
		r->h.done(r->h.arg, &j->res);
	j->next = NULL;
	*r->results_tail = j;
	r->results_tail = &j->next;
	r->nresults++;
	while (r->nresults > r->cfg.results_max && r->results) {
		old = r->results;
		r->results = old->next;
		if (!r->results)
			r->results_tail = &r->results;
		r->nresults--;
		job_free(old);
	}
}

/* A job that ends without running: status and reason already set. */
static void record_unrun(struct action_runner *r, struct action_job *j, enum action_status s)
{
	j->res.status = s;
	record(r, j);
}

/*
 * Queue j; false when the queue is full, which records it as dropped. Jobs
 * only start in action_runner_process, so those that will take a free slot
 * then do not count against max_queued.
 */
static bool enqueue(struct action_runner *r, struct action_job *j)
{
	size_t free_slots = r->nrunning < r->cfg.max_running ? r->cfg.max_running - r->nrunning : 0;

	if (r->nqueued >= r->cfg.max_queued + free_slots) {
		set_reason(j, "the queue was full (max_queued = %u)", r->cfg.max_queued);
		record_unrun(r, j, ACTION_DROPPED);
		return false;
	}
	j->next = NULL;
	*r->queue_tail = j;
	r->queue_tail = &j->next;
	r->nqueued++;
	return true;
}

/* The recoveries that waited for diagnostic d, which has ended: run or skip each. */
static void release_followups(struct action_runner *r, struct action_job *d)
{
	struct action_job *f = d->followups, *next, *skipped = NULL, **stail = &skipped;
	bool ran = d->res.status == ACTION_SUCCEEDED || d->res.status == ACTION_FAILED;
	const char *why;

	d->followups = NULL;
	d->nfollowups = 0;
	for (; f; f = next) {
		next = f->next;
		why = NULL;
		if (!r->cfg.enabled)
			set_reason(f, "actions were turned off");
		else if (!ran)
			set_reason(f, "diagnostic '%s' has no result (%s)", d->res.id,
				   action_status_name(d->res.status));
		else if (d->require_output && d->res.out.bytes == 0)
			set_reason(f, "diagnostic '%s' wrote nothing (RequireOutput)", d->res.id);
		else if (r->h.admit && (why = r->h.admit(r->h.arg, &f->res, &d->res)))
			set_reason(f, "%s", why);
		else {
			enqueue(r, f);
			continue;
		}
		f->next = NULL;
		*stail = f;
		stail = &f->next;
	}
	/* the diagnostic's result first, then what it kept from running */
	record(r, d);
	for (f = skipped; f; f = next) {
		next = f->next;
		record_unrun(r, f, ACTION_SKIPPED);
	}
}

static void capture_close(struct capture *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void finish(struct action_runner *r, struct action_job *j)
{
	capture_close(&j->out);
	capture_close(&j->err);
	if (j->pidfd >= 0)
		close(j->pidfd);
	j->pidfd = -1;
	j->res.out = (struct action_output){ j->out.buf ? j->out.buf : "", j->out.len, j->out.bytes };
	j->res.err = (struct action_output){ j->err.buf ? j->err.buf : "", j->err.len, j->err.bytes };
	j->res.ended = clock_realtime_us();
	if (j->timed_out) {
		j->res.status = ACTION_TIMEOUT;
		j->res.code = SIGKILL;
		set_reason(j, "timed out after %u s: its process group was killed", j->res.timeout_s);
	} else if (WIFEXITED(j->wstatus)) {
		j->res.code = WEXITSTATUS(j->wstatus);
		j->res.status = j->res.code == 0 ? ACTION_SUCCEEDED : ACTION_FAILED;
	} else {
		j->res.status = ACTION_KILLED;
		j->res.code = WIFSIGNALED(j->wstatus) ? WTERMSIG(j->wstatus) : 0;
		set_reason(j, "ended by signal %d (%s)", j->res.code, strsignal(j->res.code));
	}
	release_followups(r, j);
}

/* ---- starting ---- */

static int spawn_child(struct action_job *j, int out[2], int err[2])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int r;

	sigemptyset(&none);
	sigemptyset(&dflt);
	/* what mpmond blocks for its signalfd or ignores must not reach the child */
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGHUP);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGCHLD);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return r;
	if ((r = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return r;
	}
	r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	r = r ? r : posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	r = r ? r : posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	r = r ? r : posix_spawn_file_actions_addchdir_np(&fa, j->cwd);
	r = r ? r : posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	r = r ? r : posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
						    POSIX_SPAWN_SETSIGDEF);
	r = r ? r : posix_spawnattr_setpgroup(&attr, 0);
	r = r ? r : posix_spawnattr_setsigmask(&attr, &none);
	r = r ? r : posix_spawnattr_setsigdefault(&attr, &dflt);
	r = r ? r : posix_spawn(&j->pid, j->argv[0], &fa, &attr, j->argv, j->envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

/* Why program or folder cannot be used, in j's reason; false when they can. */
static bool unusable(struct action_job *j)
{
	struct stat st;

	if (stat(j->argv[0], &st) < 0) {
		set_reason(j, "cannot run '%s': %s", j->argv[0], strerror(errno));
		return true;
	}
	if (!S_ISREG(st.st_mode) || access(j->argv[0], X_OK) < 0) {
		set_reason(j, "cannot run '%s': %s", j->argv[0],
			   S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
		return true;
	}
	if (stat(j->cwd, &st) < 0) {
		set_reason(j, "cannot work in '%s': %s", j->cwd, strerror(errno));
		return true;
	}
	if (!S_ISDIR(st.st_mode)) {
		set_reason(j, "cannot work in '%s': not a folder", j->cwd);
		return true;
	}
	return false;
}

static int watch(struct action_runner *r, int fd, struct action_job *j)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = j };

	return epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Start j: false (with j recorded as not started) when it cannot be. */
static bool start(struct action_runner *r, struct action_job *j, int64_t now)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, e;

	if (unusable(j))
		goto fail;
	/* only mpmond's ends are non-blocking: the child writes as to any pipe */
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) < 0 || fcntl(err[0], F_SETFL, O_NONBLOCK) < 0) {
		set_reason(j, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	e = spawn_child(j, out, err);
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	if (e != 0) {
		j->pid = 0;
		set_reason(j, "cannot start '%s' in '%s': %s", j->argv[0], j->cwd, strerror(e));
		goto fail;
	}
	j->res.started = clock_realtime_us();
	j->out.fd = out[0];
	j->err.fd = err[0];
	out[0] = err[0] = -1;
	j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
	/* kernels before 5.3 (and valgrind) have no pidfd: look for the exit every EXIT_POLL_US */
	if (j->pidfd < 0 && errno == ENOSYS)
		j->exit_poll = now + EXIT_POLL_US;
	if ((j->pidfd < 0 && !j->exit_poll) || (j->pidfd >= 0 && watch(r, j->pidfd, j) < 0) ||
	    watch(r, j->out.fd, j) < 0 || watch(r, j->err.fd, j) < 0) {
		/* unwatched, it could run forever unseen: end it now */
		set_reason(j, "cannot watch the child: %s", strerror(errno));
		kill(-j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		j->pid = 0;
		j->res.started = 0;
		capture_close(&j->out);
		capture_close(&j->err);
		if (j->pidfd >= 0)
			close(j->pidfd);
		j->pidfd = -1;
		goto fail;
	}
	j->deadline = now + (int64_t)j->res.timeout_s * 1000000;
	r->st.started++;
	j->next = r->running;
	r->running = j;
	r->nrunning++;
	return true;
fail:
	for (e = 0; e < 2; e++) {
		if (out[e] >= 0)
			close(out[e]);
		if (err[e] >= 0)
			close(err[e]);
	}
	j->res.status = ACTION_NOT_STARTED;
	release_followups(r, j);
	return false;
}

/* Start what waits while slots are free; after a reload turned actions off, nothing. */
static void start_queued(struct action_runner *r, int64_t now)
{
	while (r->queue && (r->nrunning < r->cfg.max_running || !r->cfg.enabled)) {
		struct action_job *j = r->queue;

		r->queue = j->next;
		if (!r->queue)
			r->queue_tail = &r->queue;
		r->nqueued--;
		if (r->cfg.enabled) {
			start(r, j, now);
			continue;
		}
		set_reason(j, "actions were turned off");
		j->res.status = ACTION_SKIPPED;
		release_followups(r, j);
	}
}

/* ---- running ---- */

/* Read what is there, up to READS_PER_WAKEUP reads; keep output_max bytes, count the rest. */
static void drain(struct action_runner *r, struct capture *c)
{
	int i;

	for (i = 0; c->fd >= 0 && i < READS_PER_WAKEUP; i++) {
		ssize_t n = read(c->fd, r->scratch, sizeof(r->scratch));
		size_t keep;

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			capture_close(c);
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN)
				return;
			continue;
		}
		c->bytes += (uint64_t)n;
		if (!c->buf) {
			if (!(c->buf = malloc(r->cfg.output_max + 1)))
				continue;	/* counted, not kept */
			c->cap = r->cfg.output_max;
		}
		keep = c->len < c->cap ? c->cap - c->len : 0;
		if (keep > (size_t)n)
			keep = (size_t)n;
		if (!keep)
			continue;
		memcpy(c->buf + c->len, r->scratch, keep);
		c->len += keep;
		c->buf[c->len] = '\0';
	}
}

/* Reap j's child if it exited, after killing what it left in its group. */
static void reap(struct action_job *j)
{
	siginfo_t si = { 0 };

	if (j->reaped)
		return;
	if (waitid(P_PID, (id_t)j->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
		return;
	/* the exited leader still holds its group's ID: no other group can have it yet */
	kill(-j->pid, SIGKILL);
	if (waitpid(j->pid, &j->wstatus, 0) != j->pid)
		return;
	j->reaped = true;
	/* a reaped child's pidfd stays readable: out of the epoll with it */
	if (j->pidfd >= 0)
		close(j->pidfd);
	j->pidfd = -1;
}

bool action_runner_process(struct action_runner *r, int64_t now)
{
	struct action_job **pp, *j;
	bool ended = false;

	/*
	 * The runner's epoll only wakes mpmond's and is level-triggered: what is
	 * read to the end, reaped or closed here stops being ready. Every job is
	 * looked at; there are at most max_running.
	 */
	for (pp = &r->running; (j = *pp);) {
		drain(r, &j->out);
		drain(r, &j->err);
		reap(j);
		if (j->exit_poll && !j->reaped)
			j->exit_poll = now + EXIT_POLL_US;
		if (now >= j->deadline) {
			if (!j->reaped && !j->timed_out) {
				/* the program too, should it have left its group */
				kill(-j->pid, SIGKILL);
				kill(j->pid, SIGKILL);
				j->timed_out = true;
				j->deadline = now + KILL_GRACE_US;
			} else {
				/* something outside its group holds the pipes: stop reading */
				capture_close(&j->out);
				capture_close(&j->err);
			}
		}
		if (!j->reaped || j->out.fd >= 0 || j->err.fd >= 0) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		r->nrunning--;
		finish(r, j);
		ended = true;
	}
	if (r->queue)
		ended = true;	/* queued ones become running or results */
	start_queued(r, now);
	return ended;
}

/* ---- the interface ---- */

struct action_runner *action_runner_new(const struct action_config *cfg,
					const struct action_handler *h)
{
	struct action_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	if (r->ep < 0) {
		free(r);
		return NULL;
	}
	r->h = *h;
	r->queue_tail = &r->queue;
	r->results_tail = &r->results;
	action_runner_configure(r, cfg);
	return r;
}

void action_runner_configure(struct action_runner *r, const struct action_config *cfg)
{
	r->cfg = *cfg;
	if (r->cfg.max_running < 1)
		r->cfg.max_running = 1;
	if (r->cfg.results_max < 1)
		r->cfg.results_max = 1;
}

static void free_list(struct action_job *j)
{
	struct action_job *next;

	for (; j; j = next) {
		next = j->next;
		job_free(j);
	}
}

void action_runner_free(struct action_runner *r)
{
	struct action_job *j;

	if (!r)
		return;
	for (j = r->running; j; j = j->next) {
		if (!j->reaped) {
			kill(-j->pid, SIGKILL);
			kill(j->pid, SIGKILL);
			waitpid(j->pid, NULL, 0);
		}
		capture_close(&j->out);
		capture_close(&j->err);
		if (j->pidfd >= 0)
			close(j->pidfd);
	}
	free_list(r->running);
	free_list(r->queue);
	free_list(r->results);
	close(r->ep);
	free(r);
}

bool action_runner_enabled(const struct action_runner *r)
{
	return r && r->cfg.enabled;
}

void action_runner_count_off(struct action_runner *r)
{
	r->st.off++;
}

struct action_job *action_submit(struct action_runner *r, const struct action_spec *spec,
				 struct action_job *after)
{
	struct action_job *j = job_new(spec);
	unsigned t = spec->timeout_s;

	if (!j) {
		r->st.dropped++;	/* no memory for a result: counted at least */
		return NULL;
	}
	j->res.timeout_s = t && t < r->cfg.timeout_max_s ? t : r->cfg.timeout_max_s;
	if (spec->error) {
		set_reason(j, "%s", spec->error);
		record_unrun(r, j, ACTION_NOT_STARTED);
		return NULL;
	}
	if (!spec->argc) {
		set_reason(j, "no program");
		record_unrun(r, j, ACTION_NOT_STARTED);
		return NULL;
	}
	if (spec->followup && !after) {
		set_reason(j, "its diagnostic did not run");
		record_unrun(r, j, ACTION_SKIPPED);
		return NULL;
	}
	if (after) {
		struct action_job **tail = &after->followups;

		if (after->nfollowups >= ACTION_FOLLOWUPS_MAX) {
			set_reason(j, "more than %d recoveries follow diagnostic '%s'",
				   ACTION_FOLLOWUPS_MAX, after->res.id);
			record_unrun(r, j, ACTION_DROPPED);
			return NULL;
		}
		while (*tail)
			tail = &(*tail)->next;
		*tail = j;
		after->nfollowups++;
		return j;
	}
	return enqueue(r, j) ? j : NULL;
}

int action_runner_fd(const struct action_runner *r)
{
	return r->ep;
}

int64_t action_runner_next_deadline(const struct action_runner *r)
{
	const struct action_job *j;
	int64_t t = INT64_MAX;

	if (r->queue && (r->nrunning < r->cfg.max_running || !r->cfg.enabled))
		return 0;
	for (j = r->running; j; j = j->next) {
		if (j->deadline < t)
			t = j->deadline;
		if (j->exit_poll && !j->reaped && j->exit_poll < t)
			t = j->exit_poll;
	}
	return t;
}

void action_runner_stats(const struct action_runner *r, struct action_stats *st)
{
	*st = r->st;
	st->running = r->nrunning;
	st->queued = r->nqueued;
}

int action_runner_foreach(const struct action_runner *r,
			  int (*fn)(void *arg, const struct action_result *res), void *arg)
{
	const struct action_job *j;
	int rc;

	for (j = r->results; j; j = j->next)
		if ((rc = fn(arg, &j->res)) != 0)
			return rc;
	return 0;
}

int action_result_json(struct buf *b, bool *first, const struct action_result *res)
{
	char t1[ISO8601_LEN], t2[ISO8601_LEN];
	int r = 0;

	r |= json_member_u64(b, first, "seq", res->seq);
	r |= json_member_cstr(b, first, "monitor", res->monitor_id);
	r |= json_member_cstr(b, first, "computer", res->computer);
	r |= json_member_cstr(b, first, "instance", res->instance);
	r |= json_member_cstr(b, first, "kind", action_kind_name(res->kind));
	r |= json_member_cstr(b, first, "id", res->id);
	r |= json_member_cstr(b, first, "status", action_status_name(res->status));
	r |= json_member_i64(b, first, "code", res->code);
	r |= json_member_cstr(b, first, "reason", res->reason);
	r |= json_member_str(b, first, "stdout", res->out.text, res->out.len);
	r |= json_member_u64(b, first, "stdout_bytes", res->out.bytes);
	r |= json_member_bool(b, first, "stdout_cut", res->out.bytes > res->out.len);
	r |= json_member_str(b, first, "stderr", res->err.text, res->err.len);
	r |= json_member_u64(b, first, "stderr_bytes", res->err.bytes);
	r |= json_member_bool(b, first, "stderr_cut", res->err.bytes > res->err.len);
	r |= json_member_cstr(b, first, "started", res->started ? iso8601_format(res->started, t1) : "");
	r |= json_member_cstr(b, first, "ended", iso8601_format(res->ended, t2));
	r |= json_member_u64(b, first, "timeout_s", res->timeout_s);
	r |= json_member_bool(b, first, "reset", res->reset);
	return r ? -ENOMEM : 0;
}
