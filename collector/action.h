/*
 * The runner of diagnostics and recoveries: each is a child process started
 * from an argument vector with no shell (posix_spawn of an absolute path), in
 * its own process group, with standard input from /dev/null, every other
 * descriptor of mpmond closed, a minimal environment, mpmond's own user and no
 * more, and a working folder. Its standard output and error come back through
 * pipes that mpmond's event loop watches with the child's pidfd, so nothing
 * here ever blocks the loop: a child that runs long, writes without end or
 * never exits costs the loop a bounded read per wakeup. A timeout kills the
 * child's whole group; output past a bound is counted and dropped. At most
 * max_running children run at once; more wait in a bounded queue, and one that
 * finds it full is recorded as dropped, never lost without a trace.
 *
 * Finished actions go to the caller's done callback, then into a bounded list
 * of results the state file shows. A diagnostic may carry the recoveries that
 * follow it (ExecuteOnDiagnostic): they wait until it ends and run when the
 * caller's admit callback lets them (the recovery's condition on the
 * diagnostic's output).
 */
#ifndef MPMON_COLLECTOR_ACTION_H
#define MPMON_COLLECTOR_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACTION_DEFAULT_MAX_RUNNING 4
#define ACTION_DEFAULT_MAX_QUEUED 64
#define ACTION_DEFAULT_TIMEOUT_MAX_S 60
#define ACTION_DEFAULT_OUTPUT_MAX 4096
#define ACTION_DEFAULT_RESULTS_MAX 100
#define ACTION_ARGV_MAX (64u << 10)	/* bytes of one argument vector */
#define ACTION_FOLLOWUPS_MAX 8		/* recoveries waiting for one diagnostic */

/* [actions] of mpmond.conf. */
struct action_config {
	bool enabled;			/* off by default: nothing runs */
	unsigned max_running;		/* children at once */
	unsigned max_queued;		/* waiting beyond those */
	unsigned timeout_max_s;		/* caps a pack's TimeoutSeconds */
	size_t output_max;		/* bytes of stdout, and of stderr, kept per action */
	size_t results_max;		/* finished actions the state file lists */
};

/* The defaults above. */
void action_config_default(struct action_config *c);

/* The MIB's MpmonActionOutcome values. */
enum action_status {
	ACTION_SUCCEEDED = 1,	/* exited with status 0 */
	ACTION_FAILED = 2,	/* exited with another status */
	ACTION_KILLED = 3,	/* ended by a signal mpmond did not send */
	ACTION_TIMEOUT = 4,	/* killed by mpmond after its timeout */
	ACTION_NOT_STARTED = 5,	/* could not be started: reason says why */
	ACTION_DROPPED = 6,	/* the queue was full */
	ACTION_SKIPPED = 7,	/* a recovery whose diagnostic or condition did not let it run */
};

/* "succeeded", "failed", "killed", "timeout", "notStarted", "dropped", "skipped". */
const char *action_status_name(enum action_status s);

enum action_kind { ACTION_DIAGNOSTIC = 1, ACTION_RECOVERY = 2 };	/* MpmonActionType */

/* "diagnostic", "recovery". */
const char *action_kind_name(enum action_kind k);

/* What a child wrote on one stream: the first output_max bytes, and how many in all. */
struct action_output {
	const char *text;	/* len bytes, NUL-terminated; never NULL */
	size_t len;
	uint64_t bytes;		/* written in all; more than len: cut */
};

/* A finished action. Strings live as long as the result. */
struct action_result {
	uint64_t seq;			/* the state change it belongs to */
	const char *monitor_id;
	const char *computer;		/* "" when the target is not on a computer */
	const char *instance;		/* "" when the monitor has none */
	enum action_kind kind;
	const char *id;			/* the Diagnostic's or Recovery's ID */
	enum action_status status;
	int code;			/* exit status; the signal when killed or timeout */
	const char *reason;		/* why it is not succeeded or failed; "" otherwise */
	struct action_output out, err;
	int64_t started, ended;		/* realtime µs; started is 0 when it did not start */
	unsigned timeout_s;		/* the timeout it ran with */
	bool reset_monitor;		/* a recovery with ResetMonitor */
	bool reset;			/* and the monitor was reset after it */
};

/*
 * res's members as JSON (seq, monitor, computer, instance, kind, id, status, code,
 * output...), after *first as json.h's members are: the state file's results
 * and the jsonl sink's action lines. 0 or -ENOMEM.
 */
struct buf;
int action_result_json(struct buf *b, bool *first, const struct action_result *res);

/* What to run: borrowed during action_submit only. */
struct action_spec {
	uint64_t seq;
	const char *monitor_id;
	const char *computer;		/* NUL-terminated; "" or NULL for none */
	const char *instance;		/* NUL-terminated; "" for none */
	enum action_kind kind;
	const char *id;
	const char *argv;		/* argc NUL-terminated strings, program first */
	size_t argc;
	const char *working_dir;	/* NULL: "/" */
	unsigned timeout_s;		/* 0: the config's timeout_max_s; more is capped */
	bool require_output;		/* a diagnostic's RequireOutput */
	bool reset_monitor;
	bool followup;			/* a recovery after a diagnostic (see action_submit) */
	const char *error;		/* not NULL: it cannot run; recorded as not started */
};

struct action_runner;
struct action_job;

/*
 * done: an action ended (or was dropped or skipped); res is valid during the
 * call, which may set res->reset. admit: may followup (a recovery waiting for
 * diagnostic diag) run? NULL lets it, else the reason it is skipped (a static
 * string).
 */
struct action_handler {
	void (*done)(void *arg, struct action_result *res);
	const char *(*admit)(void *arg, const struct action_result *followup,
			     const struct action_result *diag);
	void *arg;
};

/* A runner (NULL when memory or descriptors run out: errno says which). */
struct action_runner *action_runner_new(const struct action_config *cfg,
					const struct action_handler *h);

/*
 * Kill every child's process group and reap it, forget what waits; NULL does
 * nothing. Returns nothing: the count of those killed is logged by the caller
 * from action_runner_stats beforehand.
 */
void action_runner_free(struct action_runner *r);

/*
 * New limits for what starts from now on (a reload). Running actions go on;
 * when actions are turned off, those waiting (and the recoveries waiting for
 * a diagnostic) are recorded as skipped at the next action_runner_process.
 */
void action_runner_configure(struct action_runner *r, const struct action_config *cfg);

bool action_runner_enabled(const struct action_runner *r);

/*
 * Queue an action, or record it as not started (spec->error) or dropped (the
 * queue is full). A followup names in after the job of the diagnostic it waits
 * for (from an earlier call; NULL when that one did not queue, which records
 * the followup as skipped). Returns the job, valid until it ends, to pass as
 * after; NULL when it did not queue. Nothing starts here: the next
 * action_runner_process does it (action_runner_next_deadline says now), so
 * this may be called from the done callback too.
 */
struct action_job *action_submit(struct action_runner *r, const struct action_spec *spec,
				 struct action_job *after);

/* A state change would have started an action, but actions are off: counted. */
void action_runner_count_off(struct action_runner *r);

/* The descriptor for mpmond's epoll (an epoll of the children's descriptors). */
int action_runner_fd(const struct action_runner *r);

/* When action_runner_process must run next (monotonic µs), or INT64_MAX. */
int64_t action_runner_next_deadline(const struct action_runner *r);

/*
 * Read the children's output, reap those that ended, kill those past their
 * deadline, start what waits. now: monotonic µs. Call when the descriptor is
 * readable or the deadline passed; more often is harmless. Returns true when
 * anything ended (the state file is stale).
 */
bool action_runner_process(struct action_runner *r, int64_t now);

struct action_stats {
	uint64_t started, succeeded, failed, killed, timeouts, not_started, dropped, skipped;
	uint64_t off;			/* not run: actions were off */
	size_t running, queued;
};

void action_runner_stats(const struct action_runner *r, struct action_stats *st);

/* Call fn for each kept result, oldest first; stop when fn returns non-zero. */
int action_runner_foreach(const struct action_runner *r,
			  int (*fn)(void *arg, const struct action_result *res), void *arg);

#endif
