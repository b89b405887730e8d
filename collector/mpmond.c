/*
 * mpmond, the collector: reads the configured sources, runs every record through
 * the packs' monitors, and keeps the checkpoint and the state file in the state
 * directory. One thread, one epoll loop: the sources' descriptors (inotify, the
 * journal), a signalfd for SIGTERM/SIGINT/SIGHUP, a timerfd armed only for the
 * next thing that is due (an engine timer, a rate-limited checkpoint, a rotated
 * file to let go, the watchdog, what a sink has due: the SNMP sender's retries
 * and heartbeat, an action's timeout), the control socket, and the sinks'
 * descriptors (the SNMP sender's sockets, the action runner's epoll). When logs
 * are idle nothing is due and the daemon sleeps in epoll_wait. Records go to
 * the sinks (sink.h), which only queue what would block: a slow receiver never
 * holds up reading the logs.
 */
#include "collector/action.h"
#include "collector/config.h"
#include "collector/control.h"
#include "collector/daemon.h"
#include "collector/log.h"
#include "collector/sink.h"
#include "collector/source.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/file.h"
#include "lib/str.h"
#include "lib/version.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "pipeline/pipeline.h"
#include "rules/event.h"
#include "rules/format.h"
#include "rules/regex.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#define PACK_MAX_BYTES (64u << 20)
#define BAD_LOG_MAX 100		/* bad records logged; the rest are counted */
#define EXIT_ROOT 4		/* refused to run as root (LSB's "insufficient privilege") */

/* epoll tags: a source's index, or one of these; sink i is TAG_SINK - i */
enum { TAG_SIGNAL = -1, TAG_TIMER = -2, TAG_CONTROL = -3, TAG_WRITER = -4, TAG_SINK = -16 };

static void print_diags(const struct diag *dg)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < dg->n; i++)
		if (dg->v[i].severity != DIAG_NOTE && diag_format(&dg->v[i], &b))
			fprintf(stderr, "%s\n", b.data);
	buf_release(&b);
}

/* ---- state changes and records ---- */

static void on_change(void *arg, const struct state_change *c)
{
	struct daemon *d = arg;
	const char *on = c->computer_len ? " on " : "";
	int clen = (int)c->computer_len;
	/* an instance named after its computer (InstanceField LoggingComputer) is named once */
	int ilen = str_eq((struct str){ c->instance, c->instance_len },
			  (struct str){ c->computer, c->computer_len }) ? 0 : (int)c->instance_len;

	d->last_seq = c->seq;
	d->dirty = true;
	/* a rule's alert has no health that changed: it is new or a repeat */
	if (c->kind == CHANGE_RULE && c->alert)
		daemon_log(LOG_NOTICE, "#%" PRIu64 " rule %s%s%.*s: new alert%s%s", c->seq,
			   c->monitor_id, on, clen, c->computer, *c->message ? ": " : "", c->message);
	else if (c->kind == CHANGE_RULE)
		daemon_log(LOG_NOTICE, "#%" PRIu64 " rule %s%s%.*s: repeat %" PRIu64
			   " of its open alert%s%s", c->seq, c->monitor_id, on, clen, c->computer,
			   c->repeat_count, *c->message ? ": " : "", c->message);
	else
		daemon_log(LOG_NOTICE, "#%" PRIu64 " %s%s%.*s%s%.*s%s: %s -> %s%s%s", c->seq,
			   c->monitor_id, on, clen, c->computer,
			   ilen ? " [" : "", ilen, c->instance, ilen ? "]" : "",
			   mp_health_name(c->from), mp_health_name(c->to),
			   *c->message ? ": " : "", c->message);
	sinks_deliver(d, c);
}

/* The first evaluation of a monitor or rule that a regex left unfinished. */
static void on_limit(void *arg, const char *id, bool rule, struct str pattern)
{
	const struct daemon *d = arg;
	const struct config_regex *x = &d->cfg.regex;

	daemon_log(LOG_WARNING, "%s '%s': pattern '%.*s%s' stopped at PCRE2's match or depth limit "
		   "([regex] match_limit %u, depth_limit %u): counted as not matching (said once "
		   "per %s; state.json counts them)", rule ? "rule" : "monitor", id,
		   (int)(pattern.len > 200 ? 200 : pattern.len), pattern.p,
		   pattern.len > 200 ? "..." : "", x->match_limit ? x->match_limit : REGEX_DEFAULT_MATCH_LIMIT,
		   x->depth_limit ? x->depth_limit : REGEX_DEFAULT_DEPTH_LIMIT, rule ? "rule" : "monitor");
}

static size_t source_index(const struct daemon *d, const struct source *s)
{
	size_t i;

	for (i = 0; i < d->nsources; i++)
		if (d->sources[i] == s)
			return i;
	return 0;
}

/* Bad records are logged up to BAD_LOG_MAX, then only counted. */
static void log_bad(struct daemon *d, const char *file, long lineno, const char *err)
{
	if (d->bad_logged++ < BAD_LOG_MAX)
		daemon_log(LOG_WARNING, "%s:%ld: %s%s", file, lineno, err,
			   d->bad_logged == BAD_LOG_MAX ? " (more bad lines are only counted)" : "");
}

static void on_line(void *arg, struct source *s, const char *file, long lineno, char *line, size_t len)
{
	struct daemon *d = arg;
	char err[FORMAT_ERR_LEN];
	/* the wall clock dates stamps without a year or zone, in UTC */
	int r = pipeline_line(d->pipe, d->streams[source_index(d, s)], line, len, clock_realtime_us(), err);

	if (r == PIPELINE_BAD) {
		s->st.bad++;
		log_bad(d, file, lineno, err);
	} else if (r == -ENOMEM) {
		daemon_log(LOG_ERR, "out of memory feeding an event");
	}
	d->dirty = true;
}

static void on_event(void *arg, struct source *s, struct event *ev)
{
	struct daemon *d = arg;

	if (pipeline_event(d->pipe, d->streams[source_index(d, s)], ev, clock_realtime_us()) < 0)
		daemon_log(LOG_ERR, "out of memory feeding an event");
	d->dirty = true;
}

/* ---- building and tearing down what the config describes ---- */

static void trust(void *arg, const char *path, bool listed, struct diag *dg)
{
	sink_actions_trust(arg, path, listed, dg);
}

/* The config at path, its sinks checked by their types. Problems go to dg. */
static int load_config(const char *path, struct config *c, struct diag *dg)
{
	int r = config_load(path, c, dg);

	if (r == 0 || r == -EINVAL)
		sinks_check(c, dg);
	return r == 0 && dg->errors ? -EINVAL : r;
}

/* The pipeline: packs and engine from d->cfg, reporting records to owner. Problems go to dg. */
static int build_engine(struct daemon *d, struct daemon *owner, struct diag *dg)
{
	struct pipeline_options po = {
		.run_all = d->cfg.run_all, .clock_event = d->cfg.clock_event, .rollup = !d->cfg.no_rollup,
		.match_limit = d->cfg.regex.match_limit, .depth_limit = d->cfg.regex.depth_limit,
	};
	size_t i;
	int r = 0;

	d->pipe = pipeline_new(&po, on_change, owner);
	if (!d->pipe)
		return -ENOMEM;
	d->engine = pipeline_engine(d->pipe);
	engine_on_limit(d->engine, on_limit, owner);
	sink_actions_trust(d, d->cfg.file, false, dg);
	for (i = 0; r == 0 && i < d->cfg.npacks; i++)
		r = pipeline_add_packs(d->pipe, d->cfg.packs[i], trust, d, dg);
	if (r == 0 && d->cfg.inventory)
		r = pipeline_add_inventory(d->pipe, d->cfg.inventory, dg);
	if (r == 0)
		r = pipeline_load(d->pipe, dg);
	if (r == 0 && !dg->errors)
		pipeline_check_runs(d->pipe, d->cfg.file, dg);
	return r;
}

static void free_engine(struct daemon *d)
{
	pipeline_free(d->pipe);
	d->pipe = NULL;
	d->engine = NULL;
}

/* The sources of d->cfg and their streams in d->pipe, reporting records to owner. */
static int build_sources(struct daemon *d, struct daemon *owner)
{
	struct source_handler h = { .line = on_line, .event = on_event, .arg = owner };
	size_t i, n = d->cfg.nsources ? d->cfg.nsources : 1;
	char err[FORMAT_ERR_LEN];
	int r;

	d->sources = calloc(n, sizeof(*d->sources));
	d->streams = calloc(n, sizeof(*d->streams));
	d->watched = malloc(n * sizeof(*d->watched));
	if (!d->sources || !d->streams || !d->watched)
		return -ENOMEM;
	for (i = 0; i < d->cfg.nsources; i++)
		d->watched[i] = -1;
	for (i = 0; i < d->cfg.nsources; i++) {
		const struct config_source *c = &d->cfg.sources[i];

		r = source_new(c, &h, &d->sources[i]);
		if (r < 0)
			return r;
		d->nsources++;
		/* the config checked the format and the pattern */
		r = pipeline_stream_add(d->pipe, c->pattern ? NULL : c->format, c->pattern,
					c->log_name, &d->streams[i], err);
		if (r < 0)
			return r;
		d->streams[i]->computer = c->computer;
	}
	return 0;
}

/* The streams belong to the pipeline, which free_engine frees. */
static void free_sources(struct daemon *d, int ep)
{
	size_t i;

	for (i = 0; i < d->nsources; i++) {
		if (ep >= 0 && d->watched[i] >= 0)
			epoll_ctl(ep, EPOLL_CTL_DEL, d->watched[i], NULL);
		source_free(d->sources[i]);
	}
	free(d->sources);
	free(d->streams);
	free(d->watched);
	d->sources = NULL;
	d->streams = NULL;
	d->watched = NULL;
	d->nsources = 0;
}

/*
 * Keep epoll on the source's current descriptor: a journal source gets a new
 * one when it reopens the journal (the old one was closed, which took it out).
 */
static void watch_source(struct daemon *d, int ep, size_t i)
{
	struct source *s = d->sources[i];
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = i };

	if (s->fd == d->watched[i])
		return;
	if (d->watched[i] >= 0)
		epoll_ctl(ep, EPOLL_CTL_DEL, d->watched[i], NULL);
	d->watched[i] = -1;
	if (s->fd < 0)
		return;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev) < 0)
		source_log(s, LOG_ERR, "cannot watch: %s", strerror(errno));
	else
		d->watched[i] = s->fd;
}

/* Start every source and watch its descriptor. */
static void start_sources(struct daemon *d, int ep)
{
	size_t i;

	for (i = 0; i < d->nsources; i++) {
		struct source *s = d->sources[i];
		int r;

		if (!s->started) {
			s->force_end = d->force_end;
			r = s->ops->start(s);
			if (r < 0)
				source_log(s, LOG_ERR, "cannot start: %s", strerror(-r));
			s->started = r == 0;
		}
		watch_source(d, ep, i);
	}
	d->force_end = false;
	d->dirty = true;
}

struct loop {
	int ep, sfd, tfd, wfd;
	bool control_ready;	/* a control client needs serving */
	int64_t armed;		/* monotonic µs the timer is set for, INT64_MAX off */
	int64_t last_checkpoint;
	int64_t ckpt_backoff;	/* µs between attempts while checkpoints fail; 0: they work */
	bool writer_busy;	/* a checkpoint is being written; the eventfd says when done */
	uint64_t watchdog_us;	/* 0: no watchdog */
	int64_t last_watchdog;
	int sink_fds[SINK_TYPES][SINK_FDS_MAX];	/* each sink's descriptors in epoll */
	size_t nsink_fds[SINK_TYPES];
};

/* Watch exactly sink i's current descriptors. */
static void watch_sink(struct daemon *d, struct loop *l, size_t i)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)(int64_t)(TAG_SINK - (int64_t)i) };
	size_t j;

	for (j = 0; j < l->nsink_fds[i]; j++)
		epoll_ctl(l->ep, EPOLL_CTL_DEL, l->sink_fds[i][j], NULL);
	l->nsink_fds[i] = sinks_fds(d, i, l->sink_fds[i], SINK_FDS_MAX);
	for (j = 0; j < l->nsink_fds[i]; j++)
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, l->sink_fds[i][j], &ev) < 0)
			daemon_log(LOG_ERR, "%s: cannot watch a descriptor: %s", sink_type_at(i)->name,
				   strerror(errno));
}

static void watch_sinks(struct daemon *d, struct loop *l)
{
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		watch_sink(d, l, i);
}

/* The running source of d that nd's source c reads the input of, or NULL. */
static struct source **running_source(struct daemon *d, const struct config_source *c)
{
	size_t i;

	for (i = 0; i < d->nsources; i++)
		if (d->sources[i] && d->sources[i]->started &&
		    source_same_input(d->sources[i]->conf, c))
			return &d->sources[i];
	return NULL;
}

static bool still_configured(const struct daemon *nd, const struct source *s)
{
	size_t i;

	for (i = 0; i < nd->nsources; i++)
		if (strcmp(nd->sources[i]->name, s->name) == 0)
			return true;
	return false;
}

/*
 * Sources the new config no longer names read what is there now, before the
 * checkpoint text is built: what they read goes into the monitor state that
 * the new engine takes over.
 */
static void finish_removed(struct daemon *d, const struct daemon *nd)
{
	size_t i;

	for (i = 0; i < d->nsources; i++) {
		struct source *s = d->sources[i];
		bool more;

		if (s->started && !still_configured(nd, s))
			s->ops->process(s, &more);
	}
}

/*
 * Move d's running sources that nd still configures alike into nd, in place of
 * the ones just made for them: their open files (rotated ones in their
 * rotate_wait too) and positions go on as they were. Sources the config no
 * longer names say what they leave unread. A source whose name stays but whose
 * input changed is replaced; the checkpoint gives the new one the old positions.
 */
static void keep_sources(struct daemon *d, struct daemon *nd)
{
	size_t i;

	for (i = 0; i < nd->nsources; i++) {
		struct source **old = running_source(d, nd->sources[i]->conf);

		if (old) {
			source_free(nd->sources[i]);
			nd->sources[i] = *old;
			*old = NULL;
		}
	}
	for (i = 0; i < d->nsources; i++)
		if (d->sources[i] && d->sources[i]->started && d->sources[i]->ops->stop &&
		    !still_configured(nd, d->sources[i]))
			d->sources[i]->ops->stop(d->sources[i]);
}

/*
 * SIGHUP: a new config and packs; the running state goes across as checkpoint
 * text, so unchanged monitors keep their state. Sources that read the same
 * input are kept running (keep_sources); the others get their positions from
 * that text.
 */
static void reload(struct daemon *d, struct loop *l)
{
	int ep = l->ep;
	struct daemon nd = { .last_seq = d->last_seq };
	struct config old;
	struct buf ck;
	size_t i;
	struct diag dg;

	sd_notify(0, "RELOADING=1");
	diag_init(&dg);
	buf_init(&ck);
	if (load_config(d->cfg.file, &nd.cfg, &dg) < 0 || build_engine(&nd, d, &dg) < 0 ||
	    dg.errors || build_sources(&nd, d) < 0) {
		print_diags(&dg);
		daemon_log(LOG_ERR, "reload: %s has errors: keeping the running configuration",
			   d->cfg.file);
		sinks_reopen(d);	/* a SIGHUP after rotating a sink's file still works */
		free_sources(&nd, -1);
		free_engine(&nd);
		config_release(&nd.cfg);
		goto out;
	}
	print_diags(&dg);
	if (strcmp(nd.cfg.state_dir, d->cfg.state_dir) != 0)
		daemon_log(LOG_WARNING, "reload: state_dir changes only at restart");
	finish_removed(d, &nd);
	if (checkpoint_build(d, &ck) < 0) {
		daemon_log(LOG_ERR, "reload: out of memory");
		free_sources(&nd, -1);
		free_engine(&nd);
		config_release(&nd.cfg);
		goto out;
	}
	keep_sources(d, &nd);
	free_sources(d, ep);
	free(nd.cfg.state_dir);
	nd.cfg.state_dir = d->cfg.state_dir;
	d->cfg.state_dir = NULL;
	old = d->cfg;
	d->cfg = nd.cfg;
	/* the event clock goes on where it was */
	pipeline_set_event_time(nd.pipe, pipeline_now(d->pipe, 0));
	free_engine(d);
	d->pipe = nd.pipe;
	d->engine = nd.engine;
	d->sources = nd.sources;
	d->streams = nd.streams;
	d->watched = nd.watched;
	d->nsources = nd.nsources;
	/* The config was copied into d: the sources borrow their sections from it. */
	for (i = 0; i < d->nsources; i++)
		d->sources[i]->conf = &d->cfg.sources[i];
	checkpoint_apply(d, ck.data, ck.len);
	if (sinks_reload(d, &old) < 0)
		daemon_log(LOG_ERR, "reload: out of memory setting up the sinks");
	config_release(&old);
	watch_sinks(d, l);
	start_sources(d, ep);
	daemon_log(LOG_NOTICE, "reloaded %s: %zu packs, %zu sources, %zu sinks", d->cfg.file,
		   pipeline_npacks(d->pipe), d->nsources, d->cfg.nsinks);
out:
	sd_notify(0, "READY=1");
	buf_release(&ck);
	diag_release(&dg);
}

/* ---- the loop ---- */

/* Realtime deadline to monotonic. */
static int64_t mono_of(int64_t realtime_us)
{
	int64_t delta = realtime_us - clock_realtime_us();

	return source_now() + (delta > 0 ? delta : 0);
}

static int64_t next_due(struct daemon *d, struct loop *l)
{
	int64_t t = INT64_MAX, x;
	size_t i;

	if (!d->cfg.clock_event) {
		x = engine_next_deadline(d->engine);
		if (x != INT64_MAX)
			t = mono_of(x);
	}
	if (d->dirty && !l->writer_busy && l->last_checkpoint + d->cfg.checkpoint_us < t)
		t = l->last_checkpoint + d->cfg.checkpoint_us;
	for (i = 0; i < d->nsources; i++) {
		x = d->sources[i]->ops->next_wakeup(d->sources[i]);
		if (x < t)
			t = x;
	}
	if (l->watchdog_us && l->last_watchdog + (int64_t)l->watchdog_us / 2 < t)
		t = l->last_watchdog + (int64_t)l->watchdog_us / 2;
	if (d->control && (x = control_next_deadline(d->control)) < t)
		t = x;
	if ((x = sinks_due(d, source_now())) < t)
		t = x;
	return t;
}

static void arm(struct loop *l, int64_t t)
{
	struct itimerspec its = { 0 };

	if (t == l->armed)
		return;
	if (t != INT64_MAX) {
		if (t <= 0)
			t = 1;
		its.it_value.tv_sec = t / 1000000;
		its.it_value.tv_nsec = (t % 1000000) * 1000;
	}
	timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL);
	l->armed = t;
}

/*
 * A checkpoint that could not be written (a full disk) is tried again at
 * growing intervals, up to a minute: the previous one stays meanwhile, and the
 * loop does not spend itself on a disk that stays full.
 */
static void checkpoint_done(struct daemon *d, struct loop *l, int r)
{
	if (r == 0) {
		l->ckpt_backoff = 0;
		return;
	}
	d->dirty = true;
	l->ckpt_backoff = l->ckpt_backoff ? l->ckpt_backoff * 2 : 1000000;
	if (l->ckpt_backoff > 60000000)
		l->ckpt_backoff = 60000000;
	l->last_checkpoint = source_now() + l->ckpt_backoff - d->cfg.checkpoint_us;
}

static void do_checkpoint(struct daemon *d, struct loop *l)
{
	uint64_t records = 0;
	size_t i;
	int r = checkpoint_post(d);

	if (r == -EBUSY) {
		l->writer_busy = true;
		return;
	}
	l->last_checkpoint = source_now();
	/* the writer thread's result comes through its eventfd */
	if (r < 0 || !d->writer)
		checkpoint_done(d, l, r);
	for (i = 0; i < d->nsources; i++)
		records += d->sources[i]->st.records;
	if (l->watchdog_us || getenv("NOTIFY_SOCKET"))
		sd_notifyf(0, "STATUS=%" PRIu64 " records, %" PRIu64 " state changes", records,
			   d->last_seq);
}

/* Run what is due; process sources with pending work. Returns true when more is pending. */
static bool run_due(struct daemon *d, struct loop *l, const bool *ready, bool all)
{
	int64_t now = source_now();
	bool pending = false;
	unsigned changed;
	size_t i;

	for (i = 0; i < d->nsources; i++) {
		struct source *s = d->sources[i];
		bool more = false;

		if (all || ready[i] || s->ops->next_wakeup(s) <= now) {
			s->ops->process(s, &more);
			pending |= more;
			watch_source(d, l->ep, i);
		}
	}
	if (!d->cfg.clock_event && engine_next_deadline(d->engine) <= clock_realtime_us()) {
		engine_advance(d->engine, clock_realtime_us());
		d->dirty = true;
	}
	if (d->control && (l->control_ready || control_next_deadline(d->control) <= now)) {
		l->control_ready = false;
		control_process(d->control, d, now);
	}
	changed = sinks_process(d, now);
	for (i = 0; changed; i++, changed >>= 1)
		if (changed & 1)
			watch_sink(d, l, i);
	if (d->dirty && !l->writer_busy && now >= l->last_checkpoint + d->cfg.checkpoint_us)
		do_checkpoint(d, l);
	if (l->watchdog_us && now >= l->last_watchdog + (int64_t)l->watchdog_us / 2) {
		sd_notify(0, "WATCHDOG=1");
		l->last_watchdog = now;
	}
	return pending;
}

static int run(struct daemon *d, struct loop *l)
{
	bool pending = true, *ready = NULL;
	size_t nready = 0;

	for (;;) {
		struct epoll_event evs[32];
		int n, i;

		if (nready < d->nsources) {
			bool *v = realloc(ready, d->nsources * sizeof(*v));

			if (!v)
				return -ENOMEM;
			ready = v;
			nready = d->nsources;
		}
		memset(ready, 0, nready * sizeof(*ready));
		arm(l, next_due(d, l));
		n = epoll_wait(l->ep, evs, 32, pending ? 0 : -1);
		if (n < 0 && errno != EINTR) {
			free(ready);
			return -errno;
		}
		for (i = 0; i < n; i++) {
			int64_t tag = (int64_t)evs[i].data.u64;

			if (tag == TAG_SIGNAL) {
				struct signalfd_siginfo si;

				while (read(l->sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						reload(d, l);
						free(ready);
						ready = NULL;
						nready = 0;
						pending = true;
						goto next;
					}
					sd_notify(0, "STOPPING=1");
					daemon_log(LOG_NOTICE, "signal %u: checkpoint and exit",
						   si.ssi_signo);
					free(ready);
					checkpoint_writer_stop(d);
					if (checkpoint_write(d) < 0) {
						daemon_log(LOG_ERR, "exit without a new checkpoint: "
							   "the previous one stays");
						return -EIO;
					}
					return 0;
				}
			} else if (tag == TAG_TIMER) {
				uint64_t x;

				if (read(l->tfd, &x, sizeof(x)) < 0)
					(void)0;	/* a timer re-armed before it fired */
				l->armed = INT64_MAX;
			} else if (tag == TAG_CONTROL) {
				l->control_ready = true;
			} else if (tag == TAG_WRITER) {
				uint64_t x;

				if (read(l->wfd, &x, sizeof(x)) < 0)
					(void)0;	/* already read */
				l->writer_busy = false;	/* dirty since? next_due schedules it */
				checkpoint_done(d, l, checkpoint_writer_result(d));
			} else if (tag <= TAG_SINK && tag > TAG_SINK - SINK_TYPES) {
				d->sinks.ready[TAG_SINK - tag] = true;
			} else if ((size_t)tag < nready) {
				ready[tag] = true;
			}
		}
		pending = run_due(d, l, ready, pending);
next:;
	}
}

/*
 * The loop's descriptors: signals, the timer, the control socket, the
 * checkpoint writer's eventfd; and the watchdog. 0, or -errno (logged) when
 * there can be no loop.
 */
static int setup_loop(struct daemon *d, struct loop *l)
{
	struct epoll_event ev;
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	l->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->sfd < 0 || l->tfd < 0 || l->ep < 0) {
		r = -errno;
		daemon_log(LOG_ERR, "cannot set up the event loop: %s", strerror(-r));
		return r;
	}
	r = control_new(d->cfg.state_dir, &d->control);
	if (r < 0)
		daemon_log(LOG_WARNING, "%s/control: no control socket: %s", d->cfg.state_dir,
			   strerror(-r));
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)(int64_t)TAG_SIGNAL;
	epoll_ctl(l->ep, EPOLL_CTL_ADD, l->sfd, &ev);
	ev.data.u64 = (uint64_t)(int64_t)TAG_TIMER;
	epoll_ctl(l->ep, EPOLL_CTL_ADD, l->tfd, &ev);
	ev.data.u64 = (uint64_t)(int64_t)TAG_CONTROL;
	if (d->control)
		epoll_ctl(l->ep, EPOLL_CTL_ADD, control_fd(d->control), &ev);
	l->wfd = checkpoint_writer_start(d);
	if (l->wfd < 0) {
		daemon_log(LOG_WARNING, "no checkpoint thread (%s): checkpoints are written in the loop",
			   strerror(-l->wfd));
	} else {
		ev.data.u64 = (uint64_t)(int64_t)TAG_WRITER;
		epoll_ctl(l->ep, EPOLL_CTL_ADD, l->wfd, &ev);
	}
	if (sd_watchdog_enabled(0, &l->watchdog_us) <= 0)
		l->watchdog_us = 0;
	l->last_watchdog = source_now();
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mpmond --config FILE [--check-config] [--foreground] [--allow-root] [-v]\n"
		"\n"
		"--check-config  check the config, its packs and that the file sources' folders\n"
		"                exist; problems as FILE:LINE: message; exit 0 when there are\n"
		"                none, 1 otherwise\n"
		"--foreground    log to stderr even under systemd (otherwise the journal is\n"
		"                used when $JOURNAL_STREAM says stderr goes there)\n"
		"--allow-root    run as root; without it mpmond refuses (exit 4): run it as\n"
		"                its own user, who needs to read the logs and nothing more\n"
		"signals: SIGHUP reloads config and packs, SIGTERM checkpoints and exits\n"
		"exit: 0 stopped by a signal, 1 error, 2 usage, 4 refused to run as root\n");
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	bool check = false, foreground = false, allow_root = false, verbose = false;
	struct daemon d = { 0 };
	struct loop l = { .ep = -1, .sfd = -1, .tfd = -1, .wfd = -1, .armed = -1 };
	struct diag dg;
	int c, status = 1;

	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "allow-root", no_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	while ((c = getopt_long(argc, argv, "c:Cfvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'C': check = true; break;
		case 'f': foreground = true; break;
		case 'R': allow_root = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("mpmond %s\n", MPMON_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!config_path || optind != argc) {
		usage(stderr);
		return 2;
	}
	/*
	 * Logs and packs are untrusted input: a parser bug should cost no more
	 * than the rights of a user who may read logs. Checking a config needs
	 * no rights, so root may do that.
	 */
	if (!check && !allow_root && geteuid() == 0) {
		fprintf(stderr, "mpmond: refusing to run as root: run it as its own user "
			"(User=mpmon in mpmond.service), or pass --allow-root\n");
		return EXIT_ROOT;
	}
	daemon_log_setup(!foreground && !check && getenv("JOURNAL_STREAM"),
			 verbose ? LOG_DEBUG : LOG_INFO);
	source_logger = daemon_logger;
	buf_init(&d.scratch);
	diag_init(&dg);
	if (load_config(config_path, &d.cfg, &dg) < 0 || build_engine(&d, &d, &dg) < 0 ||
	    (check && config_check_paths(&d.cfg, &dg) < 0) || dg.errors) {
		print_diags(&dg);
		fprintf(stderr, "mpmond: %s: %zu errors\n", config_path, dg.errors ? dg.errors : 1);
		goto out;
	}
	print_diags(&dg);
	if (check) {
		struct engine_stats st;

		engine_get_stats(d.engine, &st);
		printf("%s: %zu packs, %zu monitors run, %zu sources\n", config_path, pipeline_npacks(d.pipe),
		       st.monitors_run, d.cfg.nsources);
		status = 0;
		goto out;
	}
	if (mkdir(d.cfg.state_dir, 0750) < 0 && errno != EEXIST) {
		daemon_log(LOG_ERR, "%s: cannot create state_dir: %s", d.cfg.state_dir, strerror(errno));
		goto out;
	}
	/* the state sink holds the notes the checkpoint restores */
	if (sinks_open(&d) < 0) {
		daemon_log(LOG_ERR, "%s: the sinks cannot be set up", d.cfg.file);
		goto out;
	}
	if (build_sources(&d, &d) < 0 || checkpoint_load(&d) < 0) {
		daemon_log(LOG_ERR, "out of memory");
		goto out;
	}
	if (setup_loop(&d, &l) < 0)
		goto out;
	watch_sinks(&d, &l);
	start_sources(&d, l.ep);
	do_checkpoint(&d, &l);
	daemon_log(LOG_NOTICE, "started: %zu packs, %zu sources, state in %s", pipeline_npacks(d.pipe), d.nsources,
		   d.cfg.state_dir);
	sd_notify(0, "READY=1");
	status = run(&d, &l) < 0 ? 1 : 0;
out:
	checkpoint_writer_stop(&d);
	sinks_close(&d);
	control_free(d.control);
	free_sources(&d, -1);
	free_engine(&d);
	config_release(&d.cfg);
	buf_release(&d.scratch);
	diag_release(&dg);
	if (l.ep >= 0)
		close(l.ep);
	if (l.sfd >= 0)
		close(l.sfd);
	if (l.tfd >= 0)
		close(l.tfd);
	return status;
}
