/*
 * The snmp sink: the [sink NAME] sections of type snmp, as destinations of one
 * trap sender (trap.c), spooling informs in STATE_DIR/spool, with storm control
 * and the agent's start and heartbeat notifications. The sender only queues:
 * the network is touched when its sockets are readable or its timeout passes,
 * so a slow receiver never holds up reading the logs.
 */
#include "collector/sink.h"

#include "collector/daemon.h"
#include "collector/log.h"
#include "collector/source.h"
#include "collector/trap.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/json.h"
#include "monitors/engine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct snmp_sink {
	struct trap_sender *sender;
	struct diag diag;		/* where the sender reports; drained into the log */
	struct trap_stats base;		/* counters of senders a reload replaced */
	struct trap_stats shown;	/* as the state file last saw them */
	int64_t next_heartbeat;		/* monotonic µs; INT64_MAX: none */
};

/* Log what the sender reported, then forget it: the sender keeps the diag. */
static void drain(struct snmp_sink *s)
{
	size_t i;

	for (i = 0; i < s->diag.n; i++) {
		const struct diag_entry *e = &s->diag.v[i];

		/* the spool names its folder */
		daemon_log(e->severity == DIAG_ERROR ? LOG_ERR : LOG_WARNING, "%s%s%s",
			   e->file ? e->file : "", e->file ? ": " : "", e->message);
	}
	diag_release(&s->diag);
	diag_init(&s->diag);
}

static void add_stats(struct trap_stats *to, const struct trap_stats *x)
{
	to->queued += x->queued;
	to->sent += x->sent;
	to->acked += x->acked;
	to->retries += x->retries;
	to->dropped += x->dropped;
	to->held += x->held;
	to->errors += x->errors;
}

/* The running sender's counters plus those a reload replaced. */
static void stats(const struct snmp_sink *s, struct trap_stats *st)
{
	struct trap_stats cur = { 0 };

	if (s->sender)
		trap_sender_get_stats(s->sender, &cur);
	*st = s->base;
	add_stats(st, &cur);
	st->pending = cur.pending;
}

static void schedule_heartbeat(struct snmp_sink *s, const struct daemon *d)
{
	s->next_heartbeat = d->cfg.snmp.heartbeat_s ?
				    source_now() + (int64_t)d->cfg.snmp.heartbeat_s * 1000000 : INT64_MAX;
}

/*
 * A sender for d->cfg's snmp sinks. Informs a previous run (or sender) left in
 * the spool are loaded and go out first. NULL when none is configured; -EINVAL
 * (logged) when it cannot be made.
 */
static int start(struct snmp_sink *s, const struct daemon *d)
{
	struct trap_destination dests[CONFIG_MAX_SINKS];
	struct trap_config tc;
	struct buf dir;
	int r = 0;

	buf_init(&dir);
	if (buf_printf(&dir, "%s/spool", d->cfg.state_dir) < 0)
		r = -ENOMEM;
	else if (config_trap(&d->cfg, dir.data, dests, &tc) &&
		 !(s->sender = trap_sender_new(&tc, &s->diag)))
		r = -EINVAL;
	drain(s);
	if (s->sender)
		daemon_log(LOG_NOTICE, "snmp: %zu sinks, spool in %s/spool", tc.ndests, d->cfg.state_dir);
	buf_release(&dir);
	return r;
}

static int snmp_open(struct daemon *d, void **sink)
{
	struct snmp_sink *s;
	int r;

	if (!config_sinks_of(&d->cfg, "snmp"))
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	diag_init(&s->diag);
	r = start(s, d);
	if (r < 0) {
		diag_release(&s->diag);
		free(s);
		return r;
	}
	if (trap_send_start(s->sender, clock_realtime_us()) < 0)
		daemon_log(LOG_ERR, "snmp: the start notification could not be queued");
	schedule_heartbeat(s, d);
	*sink = s;
	return 0;
}

static void snmp_close(void *sink, struct daemon *d)
{
	struct snmp_sink *s = sink;

	(void)d;
	trap_sender_free(s->sender);
	drain(s);
	diag_release(&s->diag);
	free(s);
}

static void snmp_deliver(void *sink, struct daemon *d, const struct state_change *c)
{
	struct snmp_sink *s = sink;

	(void)d;
	if (trap_send_change(s->sender, c, clock_realtime_us()) < 0)
		daemon_log(LOG_ERR, "snmp: change #%" PRIu64 " could not be queued", c->seq);
	drain(s);
}

static void snmp_result(void *sink, struct daemon *d, const struct action_result *res)
{
	struct snmp_sink *s = sink;

	(void)d;
	if (trap_send_action(s->sender, res, clock_realtime_us()) < 0)
		daemon_log(LOG_ERR, "snmp: the result of #%" PRIu64 "'s action could not be queued",
			   res->seq);
}

static size_t snmp_fds(void *sink, int *fds, size_t max)
{
	const struct snmp_sink *s = sink;

	return trap_sender_fds(s->sender, fds, max);
}

/* The sender's timeout is on the realtime clock; the loop's on the monotonic. */
static int64_t snmp_due(void *sink, struct daemon *d, int64_t now)
{
	struct snmp_sink *s = sink;
	int64_t rt = clock_realtime_us(), x = trap_sender_next_timeout(s->sender, rt);

	(void)d;
	if (x != INT64_MAX)
		x = now + (x > rt ? x - rt : 0);
	return x < s->next_heartbeat ? x : s->next_heartbeat;
}

/*
 * Heartbeat when due; then let the sender read acknowledgements, retry and
 * send what the changes queued. The state file shows the counters, so a
 * change of them makes it stale.
 */
static bool snmp_process(void *sink, struct daemon *d, bool ready, int64_t now)
{
	struct snmp_sink *s = sink;
	int64_t rt = clock_realtime_us();
	struct trap_stats st;
	bool fds = false;

	if (now >= s->next_heartbeat) {
		if (trap_send_heartbeat(s->sender, d->last_seq, rt) < 0)
			daemon_log(LOG_ERR, "snmp: heartbeat could not be queued");
		schedule_heartbeat(s, d);
	}
	if (ready || trap_sender_next_timeout(s->sender, rt) <= rt)
		fds = trap_sender_process(s->sender, rt) == 1;
	drain(s);
	stats(s, &st);
	if (st.sent != s->shown.sent || st.acked != s->shown.acked || st.pending != s->shown.pending ||
	    st.held != s->shown.held || st.dropped != s->shown.dropped) {
		s->shown = st;
		d->dirty = true;
	}
	return fds;
}

/*
 * The sinks changed: a new sender, made while the old one still exists (it
 * reads the same spools, which the old one no longer touches, and net-snmp
 * stays initialised in between: initialising it again leaks). When the new one
 * cannot be made the old one keeps running. Counters carry over.
 */
static int snmp_reload(void **sink, struct daemon *d, const struct config *old)
{
	struct snmp_sink *s = *sink;
	struct trap_sender *prev;
	struct trap_stats st;

	if (config_snmp_equal(old, &d->cfg))
		return 0;
	if (!s)
		return snmp_open(d, sink);
	prev = s->sender;
	s->sender = NULL;
	if (start(s, d) < 0) {
		daemon_log(LOG_ERR, "snmp: reload: the new sinks cannot be set up: keeping those that run");
		s->sender = prev;
		return 0;
	}
	trap_sender_get_stats(prev, &st);
	add_stats(&s->base, &st);
	trap_sender_free(prev);
	drain(s);
	daemon_log(LOG_NOTICE, "snmp: reload: the changed sinks are set up anew");
	if (!s->sender) {
		snmp_close(s, d);
		*sink = NULL;
		return 0;
	}
	schedule_heartbeat(s, d);
	return 0;
}

static int snmp_json(void *sink, const struct daemon *d, struct buf *b, bool *first)
{
	const struct snmp_sink *s = sink;
	struct trap_stats st;
	bool f = true;
	size_t i, n = 0;
	int r;

	if (!s)
		return 0;
	stats(s, &st);
	r = json_key(b, first, "snmp");
	r = r ? r : buf_puts(b, "{");
	r = r ? r : json_key(b, &f, "sinks");
	r = r ? r : buf_putc(b, '[');
	for (i = 0; r == 0 && i < d->cfg.nsinks; i++) {
		if (!config_sink_is(&d->cfg.sinks[i], "snmp"))
			continue;
		r = n++ ? buf_putc(b, ',') : 0;
		r = r ? r : json_cstring(b, d->cfg.sinks[i].name);
	}
	r = r ? r : buf_putc(b, ']');
	r = r ? r : json_member_u64(b, &f, "queued", st.queued);
	r = r ? r : json_member_u64(b, &f, "sent", st.sent);
	r = r ? r : json_member_u64(b, &f, "acknowledged", st.acked);
	r = r ? r : json_member_u64(b, &f, "spooled", st.pending);
	r = r ? r : json_member_u64(b, &f, "held", st.held);
	r = r ? r : json_member_u64(b, &f, "retries", st.retries);
	r = r ? r : json_member_u64(b, &f, "dropped", st.dropped);
	r = r ? r : json_member_u64(b, &f, "errors", st.errors);
	r = r ? r : buf_putc(b, '}');
	return r;
}

/* Its keys are config.c's: parsed and checked with the config (config_trap). */
static void snmp_check(const struct config *c, const struct config_sink *k, struct diag *d)
{
	(void)c, (void)k, (void)d;
}

const struct sink_type sink_snmp = {
	.name = "snmp",
	.check = snmp_check,
	.open = snmp_open,
	.deliver = snmp_deliver,
	.result = snmp_result,
	.fds = snmp_fds,
	.due = snmp_due,
	.process = snmp_process,
	.reload = snmp_reload,
	.json = snmp_json,
	.close = snmp_close,
};
