/*
 * The runner of diagnostics and recoveries (collector/action.c) with real
 * children: what a child gets (its environment and nothing more, no
 * descriptor of ours, /dev/null as input, no signal blocked or ignored, its
 * own process group, its working folder), how it ends (exit status, signal,
 * timeout, a program that does not exist), the queue's bound, and the
 * recoveries that wait for a diagnostic. Waits are bounded generously; no
 * check is about speed.
 */
#include "collector/action.h"

#include "lib/buf.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESULTS 32

struct seen {
	int n;
	char id[MAX_RESULTS][64];
	enum action_status status[MAX_RESULTS];
	int code[MAX_RESULTS];
	char reason[MAX_RESULTS][256];
	char out[MAX_RESULTS][4200];
	char err[MAX_RESULTS][256];
	uint64_t out_bytes[MAX_RESULTS];
	int admitted;
	const char *refuse;	/* what admit answers */
};

static void on_done(void *arg, struct action_result *res)
{
	struct seen *s = arg;
	int i = s->n < MAX_RESULTS - 1 ? s->n++ : MAX_RESULTS - 1;

	snprintf(s->id[i], sizeof(s->id[i]), "%s", res->id);
	s->status[i] = res->status;
	s->code[i] = res->code;
	snprintf(s->reason[i], sizeof(s->reason[i]), "%s", res->reason);
	snprintf(s->out[i], sizeof(s->out[i]), "%.*s", (int)res->out.len, res->out.text);
	snprintf(s->err[i], sizeof(s->err[i]), "%.*s", (int)res->err.len, res->err.text);
	s->out_bytes[i] = res->out.bytes;
}

static const char *on_admit(void *arg, const struct action_result *f, const struct action_result *d)
{
	struct seen *s = arg;

	(void)f;
	(void)d;
	s->admitted++;
	return s->refuse;
}

static int64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Run the runner as mpmond's loop would until nothing runs or waits (20 s at most). */
static void settle(struct action_runner *r)
{
	int64_t end = mono() + (int64_t)(20e6 * tap_time_factor());
	struct action_stats st;

	for (;;) {
		int64_t now = mono(), next = action_runner_next_deadline(r);
		struct pollfd p = { .fd = action_runner_fd(r), .events = POLLIN };
		int ms = next == INT64_MAX ? 100 : next <= now ? 0 : (int)((next - now) / 1000 + 1);

		action_runner_process(r, now);
		action_runner_stats(r, &st);
		if ((!st.running && !st.queued) || now > end)
			return;
		poll(&p, 1, ms > 100 ? 100 : ms);
	}
}

/* Submit argv (its arguments separated by tabs) as kind, after job when not NULL. */
static struct action_job *submit(struct action_runner *r, const char *id, const char *cmd,
				 enum action_kind kind, struct action_job *after,
				 const struct action_spec *base)
{
	struct action_spec spec = base ? *base : (struct action_spec){ 0 };
	struct buf v;
	struct action_job *j;
	const char *p;
	size_t argc = 1;

	buf_init(&v);
	for (p = cmd; *p; p++) {
		buf_putc(&v, *p == '\t' ? '\0' : *p);
		argc += *p == '\t';
	}
	buf_putc(&v, '\0');
	spec.seq = 7;
	spec.monitor_id = "Test.M";
	spec.computer = spec.computer ? spec.computer : "host1";
	spec.instance = spec.instance ? spec.instance : "web1";
	spec.kind = kind;
	spec.id = id;
	spec.argv = v.data;
	spec.argc = argc;
	spec.followup = after != NULL || spec.followup;
	j = action_submit(r, &spec, after);
	buf_release(&v);
	return j;
}

static int find(const struct seen *s, const char *id)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->id[i], id) == 0)
			return i;
	return MAX_RESULTS - 1;
}

static void test_child(void)
{
	struct action_config cfg;
	struct seen s = { 0 };
	struct action_handler h = { on_done, on_admit, &s };
	struct action_spec wd = { .working_dir = "/tmp" };
	struct action_runner *r;
	sigset_t block;
	char want[512];
	int fd, i;

	action_config_default(&cfg);
	cfg.enabled = true;
	r = action_runner_new(&cfg, &h);
	ok(r != NULL, "runner made");
	if (!r)
		return;
	/* as mpmond: signals blocked for its signalfd, SIGPIPE ignored, a descriptor open */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	fd = open("/dev/zero", O_RDONLY);	/* no O_CLOEXEC, as a library might */
	submit(r, "env", "/usr/bin/env", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "fds", "/bin/sh\t-c\tls /proc/$$/fd", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "stdin", "/bin/sh\t-c\treadlink /proc/$$/fd/0", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "signals", "/bin/grep\t-E\t^Sig(Blk|Ign)\t/proc/self/status",
	       ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "group", "/bin/sh\t-c\tset -- $(cat /proc/$$/stat); [ \"$1\" = \"$5\" ] && echo leader",
	       ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "cwd", "/bin/pwd", ACTION_DIAGNOSTIC, NULL, &wd);
	settle(r);
	close(fd);
	snprintf(want, sizeof(want),
		 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n"
		 "MPMON_SEQ=7\nMPMON_MONITOR=Test.M\nMPMON_COMPUTER=host1\nMPMON_INSTANCE=web1\n"
		 "MPMON_KIND=diagnostic\n"
		 "MPMON_ACTION=env\n");
	is_str(s.out[find(&s, "env")], want, "environment: PATH, LC_ALL and MPMON_* only");
	i = find(&s, "fds");
	is_str(s.out[i], "0\n1\n2\n", "descriptors: 0, 1 and 2 only");
	is_str(s.out[find(&s, "stdin")], "/dev/null\n", "stdin: /dev/null");
	{
		unsigned long long blk = 1, ign = 1;

		/* glibc's posix_spawn leaves its own two signals (32, 33) ignored */
		sscanf(s.out[find(&s, "signals")], "SigBlk:\t%llx\nSigIgn:\t%llx", &blk, &ign);
		ok(blk == 0 && (ign & ~0x180000000ULL) == 0,
		   "no signal blocked, none ignored, SIGPIPE included (%llx, %llx)", blk, ign);
	}
	is_str(s.out[find(&s, "group")], "leader\n", "its own process group");
	is_str(s.out[find(&s, "cwd")], "/tmp\n", "WorkingDirectory");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGPIPE, SIG_DFL);
	action_runner_free(r);
}

static void test_endings(void)
{
	struct action_config cfg;
	struct seen s = { 0 };
	struct action_handler h = { on_done, on_admit, &s };
	struct action_spec t1 = { .timeout_s = 1 }, nodir = { .working_dir = "/nonexistent" };
	struct action_spec err = { .error = "an argument would hold a NUL byte from the event" };
	char plain[] = "/tmp/mpmon-test-action-XXXXXX", want[128];
	struct action_runner *r;
	int i, fd;

	action_config_default(&cfg);
	cfg.enabled = true;
	cfg.output_max = 100;
	r = action_runner_new(&cfg, &h);
	fd = mkstemp(plain);	/* mode 0600: no one may run it, root included */
	if (!r || fd < 0)
		return;
	close(fd);
	submit(r, "ok", "/bin/sh\t-c\techo out; echo err >&2", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "false", "/bin/false", ACTION_RECOVERY, NULL, NULL);
	submit(r, "segv", "/bin/sh\t-c\tkill -SEGV $$", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "slow", "/bin/sleep\t30", ACTION_DIAGNOSTIC, NULL, &t1);
	/* a program that moves into our process group is still reached */
	submit(r, "escape", "/usr/bin/perl\t-e\tsetpgrp(0, getpgrp(getppid())) or die; sleep 30",
	       ACTION_DIAGNOSTIC, NULL, &t1);
	submit(r, "flood", "/bin/sh\t-c\thead -c 5000 /dev/zero | tr '\\0' x", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "missing", "/nonexistent/program", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "notexec", plain, ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "nodir", "/bin/true", ACTION_DIAGNOSTIC, NULL, &nodir);
	submit(r, "refused", "/bin/true", ACTION_DIAGNOSTIC, NULL, &err);
	settle(r);
	i = find(&s, "ok");
	ok(s.status[i] == ACTION_SUCCEEDED && s.code[i] == 0 && !strcmp(s.out[i], "out\n") &&
	   !strcmp(s.err[i], "err\n"), "exit 0: succeeded, stdout and stderr apart");
	i = find(&s, "false");
	ok(s.status[i] == ACTION_FAILED && s.code[i] == 1, "exit 1: failed, code 1");
	i = find(&s, "segv");
	ok(s.status[i] == ACTION_KILLED && s.code[i] == SIGSEGV && strstr(s.reason[i], "signal 11"),
	   "a signal: killed, its number (%s)", s.reason[i]);
	i = find(&s, "slow");
	ok(s.status[i] == ACTION_TIMEOUT && s.code[i] == SIGKILL,
	   "past its timeout: timeout, SIGKILL (%s)", s.reason[i]);
	is_str(s.reason[i], "timed out after 1 s: its process group was killed", "... its reason");
	i = find(&s, "escape");
	ok(s.status[i] == ACTION_TIMEOUT && s.code[i] == SIGKILL,
	   "a program that left its process group is killed at its timeout too (%s)", s.reason[i]);
	i = find(&s, "flood");
	ok(strlen(s.out[i]) == 100 && s.out_bytes[i] == 5000, "output_max: 100 of 5000 bytes kept");
	i = find(&s, "missing");
	ok(s.status[i] == ACTION_NOT_STARTED, "a missing program: not started");
	is_str(s.reason[i], "cannot run '/nonexistent/program': No such file or directory",
	       "... the reason names it");
	snprintf(want, sizeof(want), "cannot run '%s': Permission denied", plain);
	is_str(s.reason[find(&s, "notexec")], want, "a file that is not executable: not started");
	unlink(plain);
	is_str(s.reason[find(&s, "nodir")], "cannot work in '/nonexistent': No such file or directory",
	       "a missing working folder: not started");
	i = find(&s, "refused");
	ok(s.status[i] == ACTION_NOT_STARTED &&
	   !strcmp(s.reason[i], "an argument would hold a NUL byte from the event"),
	   "a spec with an error is recorded as not started");
	action_runner_free(r);
}

static void test_queue(void)
{
	struct action_config cfg;
	struct seen s = { 0 };
	struct action_handler h = { on_done, on_admit, &s };
	struct action_spec t1 = { .timeout_s = 1 };
	struct action_runner *r;
	struct action_stats st;

	action_config_default(&cfg);
	cfg.enabled = true;
	cfg.max_running = 1;
	cfg.max_queued = 1;
	cfg.results_max = 2;
	r = action_runner_new(&cfg, &h);
	if (!r)
		return;
	submit(r, "a", "/bin/sleep\t30", ACTION_DIAGNOSTIC, NULL, &t1);
	submit(r, "b", "/bin/sleep\t30", ACTION_DIAGNOSTIC, NULL, &t1);
	ok(!submit(r, "c", "/bin/sleep\t30", ACTION_DIAGNOSTIC, NULL, &t1),
	   "a third action finds the queue full");
	ok(s.n == 1 && s.status[0] == ACTION_DROPPED &&
	   !strcmp(s.reason[0], "the queue was full (max_queued = 1)"), "... and is dropped at once");
	action_runner_process(r, mono());
	action_runner_stats(r, &st);
	ok(st.running == 1 && st.queued == 1 && st.dropped == 1, "one runs, one waits");
	settle(r);
	ok(s.n == 3 && s.status[1] == ACTION_TIMEOUT && s.status[2] == ACTION_TIMEOUT,
	   "the waiting one ran after the first");
	action_runner_free(r);
}

static int count_result(void *arg, const struct action_result *res)
{
	(void)res;
	(*(int *)arg)++;
	return 0;
}

static void test_followups(void)
{
	struct action_config cfg;
	struct seen s = { 0 };
	struct action_handler h = { on_done, on_admit, &s };
	struct action_spec want_out = { .require_output = true }, t1 = { .timeout_s = 1 };
	struct action_runner *r;
	struct action_job *d;
	int n = 0;

	action_config_default(&cfg);
	cfg.enabled = true;
	cfg.results_max = 3;
	r = action_runner_new(&cfg, &h);
	if (!r)
		return;
	d = submit(r, "d.silent", "/bin/true", ACTION_DIAGNOSTIC, NULL, &want_out);
	submit(r, "r.silent", "/bin/true", ACTION_RECOVERY, d, NULL);
	d = submit(r, "d.fails", "/bin/sh\t-c\techo x; exit 3", ACTION_DIAGNOSTIC, NULL, &want_out);
	submit(r, "r.fails", "/bin/true", ACTION_RECOVERY, d, NULL);
	d = submit(r, "d.slow", "/bin/sleep\t30", ACTION_DIAGNOSTIC, NULL, &t1);
	submit(r, "r.slow", "/bin/true", ACTION_RECOVERY, d, NULL);
	submit(r, "r.orphan", "/bin/true", ACTION_RECOVERY, NULL,
	       &(struct action_spec){ .followup = true });
	settle(r);
	is_str(s.reason[find(&s, "r.silent")], "diagnostic 'd.silent' wrote nothing (RequireOutput)",
	       "RequireOutput and no output: the recovery is skipped");
	ok(s.status[find(&s, "r.fails")] == ACTION_SUCCEEDED && s.admitted == 1,
	   "a diagnostic that exited (with 3) lets its recovery run, after admit");
	is_str(s.reason[find(&s, "r.slow")], "diagnostic 'd.slow' has no result (timeout)",
	       "a diagnostic that timed out: the recovery is skipped");
	is_str(s.reason[find(&s, "r.orphan")], "its diagnostic did not run",
	       "a recovery whose diagnostic did not queue: skipped");
	ok(find(&s, "d.fails") < find(&s, "r.fails"), "the diagnostic's result comes first");
	s.refuse = "its condition on the diagnostic's output did not pass";
	d = submit(r, "d.again", "/bin/echo\thi", ACTION_DIAGNOSTIC, NULL, NULL);
	submit(r, "r.again", "/bin/true", ACTION_RECOVERY, d, NULL);
	settle(r);
	ok(s.status[find(&s, "r.again")] == ACTION_SKIPPED &&
	   !strcmp(s.reason[find(&s, "r.again")], s.refuse), "admit refuses: skipped with its reason");
	action_runner_foreach(r, count_result, &n);
	is_int(n, 3, "results_max keeps the last 3 results");
	action_runner_free(r);
}

/* A reload that raises output_max while a child writes keeps the bound it started with. */
static void test_reload_output(void)
{
	struct action_config cfg;
	struct seen s = { 0 };
	struct action_handler h = { on_done, on_admit, &s };
	struct action_runner *r;
	struct pollfd p;

	action_config_default(&cfg);
	cfg.enabled = true;
	cfg.output_max = 64;
	r = action_runner_new(&cfg, &h);
	if (!r)
		return;
	submit(r, "grow", "/bin/sh\t-c\techo a; sleep 0.5; head -c 5000 /dev/zero | tr '\\0' y",
	       ACTION_DIAGNOSTIC, NULL, NULL);
	action_runner_process(r, mono());	/* starts it */
	p = (struct pollfd){ .fd = action_runner_fd(r), .events = POLLIN };
	poll(&p, 1, 400);
	action_runner_process(r, mono());	/* reads "a": its buffer is made for 64 bytes */
	cfg.output_max = 4096;
	action_runner_configure(r, &cfg);
	settle(r);
	ok(s.n == 1 && strlen(s.out[0]) == 64 && s.out_bytes[0] == 5002,
	   "output_max raised while it runs: its 64 bytes stay the bound (%zu of %llu)",
	   strlen(s.out[0]), (unsigned long long)s.out_bytes[0]);
	action_runner_free(r);
}

int main(void)
{
	test_reload_output();
	test_child();
	test_endings();
	test_queue();
	test_followups();
	return tap_done();
}
