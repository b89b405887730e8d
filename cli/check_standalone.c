/*
 * check_mpmon's standalone mode, for hosts without mpmond (as check_logfiles
 * works): each run restores the seek file, reads the lines written since the
 * last run through the packs, and saves the seek file again. The reading is
 * the collector's file source (collector/source_file.c), so identity, rotation
 * by rename and copytruncate are handled exactly as mpmond handles them across
 * a restart, and its position lines are saved with its own save/restore; the
 * monitors' state is engine_save()'s text. A run that could not read the log
 * (nothing under its name, or a name the file source would not or could not
 * read) leaves the seek file as it was, so no position is lost and nothing is
 * read twice; only a first run over a log not there yet writes one, so that
 * the log is read from its beginning when it appears. The seek file:
 *
 *	check_mpmon-seek 1
 *	file ...			(the file source's lines, as in mpmond's checkpoint)
 *	note ...			(pipeline/notes.h's lines, as in mpmond's checkpoint)
 *	engine BYTES
 *	<engine_save text>
 *	end HASH			(str_hash of everything before this line)
 */
#include "cli/check.h"

#include "collector/config.h"
#include "collector/source.h"
#include "lib/array.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/file.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "monitors/rollup.h"
#include "mp-xml/mp.h"
#include "pipeline/notes.h"
#include "pipeline/pipeline.h"
#include "pipeline/record_json.h"
#include "rules/event.h"
#include "rules/format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define PACK_MAX_BYTES (64u << 20)
#define SEEK_MAX_BYTES (256u << 20)
#define SOURCE_NAME "log"	/* the file source's name, which its log messages start with */

struct run {
	struct standalone *o;
	struct pipeline *pipe;
	struct engine *engine;		/* pipe's */
	struct pipeline_stream *stream;
	struct notes notes;
	int64_t now;
	bool oom;
	FILE *records;			/* --records: every record of the run, appended */
	struct buf line;
	bool records_failed;
};

int check_set_add(struct check_set *s, const char *monitor, const char *computer,
		  size_t computer_len, const char *instance, size_t instance_len,
		  enum mp_health health, const char *message, const char *diagnosis,
		  const char *resolution)
{
	struct check_inst *in;

	if (array_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return -ENOMEM;
	in = &s->v[s->n];
	memset(in, 0, sizeof(*in));
	in->health = health;
	in->monitor = strdup(monitor ? monitor : "");
	in->computer = strndup(computer ? computer : "", computer ? computer_len : 0);
	in->instance = strndup(instance ? instance : "", instance ? instance_len : 0);
	in->message = strdup(message ? message : "");
	in->diagnosis = strdup(diagnosis ? diagnosis : "");
	in->resolution = strdup(resolution ? resolution : "");
	s->n++;
	if (!in->monitor || !in->computer || !in->instance || !in->message || !in->diagnosis || !in->resolution)
		return -ENOMEM;
	return 0;
}

void check_set_release(struct check_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].monitor);
		free(s->v[i].computer);
		free(s->v[i].instance);
		free(s->v[i].message);
		free(s->v[i].diagnosis);
		free(s->v[i].resolution);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void on_change(void *arg, const struct state_change *c)
{
	struct run *r = arg;

	if (r->records) {
		buf_reset(&r->line);
		if (record_json(&r->line, c) < 0 ||
		    fwrite(r->line.data, 1, r->line.len, r->records) != r->line.len)
			r->records_failed = true;
	}

	if (c->kind == CHANGE_MONITOR && notes_record(&r->notes, c) == -ENOMEM)
		r->oom = true;
}

/* A line of the log through the pipeline; the first bad one is kept for -v. */
static void on_line(void *arg, struct source *s, const char *file, long lineno, char *line,
		    size_t len)
{
	struct run *r = arg;
	char err[FORMAT_ERR_LEN];
	int x = pipeline_line(r->pipe, r->stream, line, len, r->now, err);

	r->o->lines++;
	if (x == -ENOMEM)
		r->oom = true;
	if (x == PIPELINE_BAD) {
		s->st.bad++;
		if (r->o->bad++ == 0)
			snprintf(r->o->first_bad, sizeof(r->o->first_bad), "%s:%ld: %s", file, lineno, err);
	} else if (x == PIPELINE_FED || x == PIPELINE_OTHER) {
		r->o->good++;
	}
}

/*
 * Apply a seek file: positions to the source, notes, engine state. Nothing is
 * applied unless the whole file checks out. 0, -EINVAL with err set, -ENOMEM.
 */
static int seek_restore(struct run *r, struct source *s, char *text, size_t len, struct buf *err)
{
	char *p = text, *end, *endl;
	uint64_t want;
	size_t mark;
	int pass, x;

	if (len == 0 || text[len - 1] != '\n')
		goto bad;
	text[len - 1] = '\0';
	endl = strrchr(text, '\n');
	text[len - 1] = '\n';
	if (!endl || sscanf(endl + 1, "end %" SCNx64, &want) != 1)
		goto bad;
	mark = endl + 1 - text;
	if (str_hash((struct str){ text, mark }) != want ||
	    strncmp(text, "check_mpmon-seek 1\n", 19) != 0)
		goto bad;
	/* Two passes: check every line, then apply them. */
	for (pass = 0; pass < 2; pass++) {
		for (p = text + 19, end = text + mark; p < end;) {
			char *nl = memchr(p, '\n', end - p);
			size_t n;

			*nl = '\0';
			if (strncmp(p, "engine ", 7) == 0) {
				if (sscanf(p, "engine %zu", &n) != 1 || n > (size_t)(end - nl - 1))
					goto bad;
				*nl = '\n';
				if (pass == 0)
					break;
				x = engine_restore(r->engine, nl + 1, n, NULL);
				if (x == -ENOMEM)
					return x;
				if (x < 0)
					goto bad;
				break;
			}
			if (strncmp(p, "file ", 5) == 0) {
				if (pass == 1 && (x = s->ops->restore(s, p)) < 0) {
					*nl = '\n';
					if (x == -ENOMEM)
						return x;
					goto bad;
				}
			} else if (strncmp(p, "note ", 5) == 0) {
				if (pass == 1) {
					x = notes_restore(&r->notes, p + 5);
					if (x < 0) {
						*nl = '\n';
						if (x == -ENOMEM)
							return x;
						goto bad;
					}
				}
			} else {
				*nl = '\n';
				goto bad;
			}
			*nl = '\n';
			p = nl + 1;
		}
		if (p >= end)
			goto bad;	/* no engine line */
	}
	return 0;
bad:
	buf_printf(err, "%s: seek file damaged (delete it to start over)", r->o->seek_file);
	return -EINVAL;
}

static int seek_build(struct run *r, const struct source *s, struct buf *out)
{
	struct buf eng;
	int x;

	buf_init(&eng);
	x = buf_puts(out, "check_mpmon-seek 1\n");
	x = x ? x : s->ops->save(s, out);
	x = x ? x : notes_save(&r->notes, out);
	x = x ? x : engine_save(r->engine, &eng);
	x = x ? x : buf_printf(out, "engine %zu\n", eng.len);
	x = x ? x : buf_append(out, eng.data, eng.len);
	if (x == 0)
		x = buf_printf(out, "end %016" PRIx64 "\n", str_hash((struct str){ out->data, out->len }));
	buf_release(&eng);
	return x;
}

/* Replace the file at path with data (file_write_atomic, given its folder and name). */
static int write_atomic(const char *path, const char *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (!slash)
		return file_write_atomic(".", path, data, len, 0600);
	if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return file_write_atomic(slash == path ? "/" : dir, slash + 1, data, len, 0600);
}

/* The packs of o into p; -EINVAL with the first error in err when they have errors. */
static int load_packs(struct standalone *o, struct pipeline *p, struct buf *err)
{
	struct diag d;
	size_t i;
	int x = 0;

	diag_init(&d);
	for (i = 0; x == 0 && i < o->npacks; i++)
		x = pipeline_add_packs(p, o->packs[i], NULL, NULL, &d);
	if (x == 0)
		x = pipeline_load(p, &d);
	if (x == 0 && d.errors) {
		for (i = 0; i < d.n; i++)
			if (d.v[i].severity == DIAG_ERROR) {
				struct buf line;

				buf_init(&line);
				if (diag_format(&d.v[i], &line))
					buf_printf(err, "pack error: %s", line.data);
				buf_release(&line);
				break;
			}
		if (!err->len)
			buf_puts(err, "the packs have errors");
		x = -EINVAL;
	}
	diag_release(&d);
	return x;
}

struct collect {
	struct run *r;
	struct check_set *out;
	const char *monitor;
	bool *known;
};

static int collect(void *arg, const struct engine_instance_info *in)
{
	struct collect *c = arg;
	const struct note *n = notes_find(&c->r->notes, in->monitor_id, in->computer, in->computer_len,
				   in->instance, in->instance_len);

	int x = check_set_add(c->out, in->monitor_id, in->computer, in->computer_len, in->instance,
			      in->instance_len, in->health,
			      n ? n->message : "", n ? n->diagnosis : "", n ? n->resolution : "");

	if (x == 0)
		c->out->v[c->out->n - 1].unmonitored = !in->monitored;
	return x;
}

static int collect_rollup(void *arg, const struct rollup_state_info *in)
{
	struct check_set *out = arg;
	int x = check_set_add(out, in->node_id, in->computer.p, in->computer.len, in->instance.p,
			      in->instance.len, in->health, "", "", "");

	if (x == 0) {
		out->v[out->n - 1].rollup = true;
		out->v[out->n - 1].unmonitored = !in->monitored;
	}
	return x;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Every running monitor of the packs that has no instance in out gets one
 * Uninitialized entry (instance ""): a monitor that has seen no event yet is
 * counted and shown as having no data, not left out. 0 or -ENOMEM.
 */
static int add_monitors_without_data(const struct pipeline *p, struct check_set *out)
{
	const char **seen = malloc((out->n ? out->n : 1) * sizeof(*seen));
	const struct mp_monitor *m;
	size_t nseen = out->n, i;
	int x = 0;

	if (!seen)
		return -ENOMEM;
	for (i = 0; i < nseen; i++)
		seen[i] = out->v[i].monitor;
	qsort(seen, nseen, sizeof(*seen), cmp_str);
	for (i = 0; x == 0 && i < pipeline_npacks(p); i++)
		for (m = pipeline_pack(p, i)->monitors; x == 0 && m; m = m->next)
			if (engine_monitor_status(pipeline_engine(p), m->id) == ENGINE_RUN &&
			    !bsearch(&m->id, seen, nseen, sizeof(*seen), cmp_str))
				x = check_set_add(out, m->id, "", 0, "", 0, MP_HEALTH_UNINITIALIZED, "",
						  "", "");
	free(seen);
	return x;
}

static struct buf *log_notes;
static struct standalone *log_run;

/*
 * The file source's messages, kept for -vvv. It logs at LOG_ERR exactly when
 * it leaves something under the log's name unread (not a regular file, not
 * allowed to open it, a read error): the first such message says why the log
 * was not read.
 */
static void logger(int priority, const char *msg)
{
	static const char prefix[] = "source " SOURCE_NAME ": ";

	if (log_notes)
		buf_printf(log_notes, "%s\n", msg);
	if (log_run && priority <= LOG_ERR && !log_run->unread[0]) {
		if (strncmp(msg, prefix, sizeof(prefix) - 1) == 0)
			msg += sizeof(prefix) - 1;
		snprintf(log_run->unread, sizeof(log_run->unread), "%s", msg);
	}
}

/*
 * The source follows no file under the log's name and named none it left
 * unread: say whether nothing is there (o->missing) or the path cannot be
 * looked at (a folder on it we may not search or read).
 */
static void explain_no_file(struct standalone *o)
{
	const char *slash = strrchr(o->log, '/');
	char dir[4096];
	struct stat st;
	int e, dirlen;
	DIR *d;

	o->missing = true;
	if (!strpbrk(slash + 1, "*?[")) {
		e = stat(o->log, &st) < 0 ? errno : ENOENT;	/* there now: not when read */
		o->missing = e == ENOENT || e == ENOTDIR;
		snprintf(o->unread, sizeof(o->unread), "%s: %s", o->log, strerror(e));
		return;
	}
	dirlen = slash > o->log ? (int)(slash - o->log) : 1;
	snprintf(dir, sizeof(dir), "%.*s", dirlen, o->log);
	d = opendir(dir);
	if (d) {
		closedir(d);
		snprintf(o->unread, sizeof(o->unread), "%s: no file matches", o->log);
		return;
	}
	e = errno;
	o->missing = e == ENOENT || e == ENOTDIR;
	snprintf(o->unread, sizeof(o->unread), "%.*s: cannot read the folder: %s", dirlen, o->log,
		 strerror(e));
}

/*
 * The pipeline with o's packs, reporting to r, and the log's stream. -EINVAL
 * with the reason in err, -ENOMEM.
 */
static int run_pipeline(struct standalone *o, struct run *r, engine_emit_fn *emit,
			struct buf *err)
{
	struct pipeline_options po = { .rollup = true, .clock_event = o->clock_event };
	char e[FORMAT_ERR_LEN];
	int x;

	r->pipe = pipeline_new(&po, emit, r);
	if (!r->pipe)
		return -ENOMEM;
	r->engine = pipeline_engine(r->pipe);
	x = load_packs(o, r->pipe, err);
	if (x < 0 || !emit)
		return x;
	x = pipeline_stream_add(r->pipe, o->pattern ? NULL : o->format ? o->format : "json",
				o->pattern, o->log_name, &r->stream, e);
	if (x == -EINVAL)
		buf_printf(err, "%s%s", o->pattern ? "--pattern: " : "",
			   strstr(e, "needs a pattern") ? "--format regex needs --pattern" : e);
	return x;
}

/*
 * Two runs of one service at once (a check slower than its interval) would
 * both read the same lines: the second waits for the first (within -t).
 * Returns the lock's descriptor or -errno (said in err).
 */
static int seek_lock(const struct standalone *o, struct buf *err)
{
	char lock[4096];
	int fd;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", o->seek_file) >= sizeof(lock))
		return -ENAMETOOLONG;
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		buf_printf(err, "%s: cannot lock: %s", lock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	return fd;
}

/*
 * The file source over o->log, positioned by the seek file (if any) and
 * started. A file the seek file does not know appeared since the last run:
 * read it whole. On the first run, start at the end unless told otherwise, so
 * an old log does not raise old alerts.
 */
static int open_log(struct run *r, struct config_source *conf, struct source **s,
		    struct buf *err)
{
	struct standalone *o = r->o;
	struct source_handler h = { .line = on_line, .arg = r };
	char *data = NULL;
	size_t len;
	int x;

	conf->name = (char *)SOURCE_NAME;
	conf->type = (char *)"file";
	conf->path = (char *)o->log;
	conf->max_line = o->max_line;
	x = file_read_all(o->seek_file, SEEK_MAX_BYTES, &data, &len);
	o->first_run = x == -ENOENT;
	if (x < 0 && x != -ENOENT) {
		buf_printf(err, "%s: cannot read seek file: %s", o->seek_file, strerror(-x));
		return x;
	}
	conf->start = o->first_run && !o->start_beginning ? START_END : START_BEGINNING;
	x = source_new(conf, &h, s);
	if (x == 0 && data)
		x = seek_restore(r, *s, data, len, err);
	free(data);
	if (x == 0 && (x = (*s)->ops->start(*s)) < 0)
		buf_printf(err, "%s: cannot read: %s", o->log, strerror(-x));
	return x;
}

/* Read what is new, then run the timers that came due since the last run. */
static int read_log(struct run *r, struct source *s)
{
	bool more;
	int x;

	do {
		x = s->ops->process(s, &more);
	} while (x == 0 && more && !r->oom);
	if (!r->oom && pipeline_advance(r->pipe, r->now) < 0)
		r->oom = true;
	return r->oom ? -ENOMEM : 0;
}

/*
 * Save the seek file, unless the log was not read: no position saved means
 * no file under the name was followed (but a first run over a missing log
 * writes one, so the log is read whole when it appears).
 */
static int save_seek(struct run *r, struct source *s, struct buf *notes, struct buf *err)
{
	struct standalone *o = r->o;
	struct buf seek;
	int x = 0;

	buf_init(&seek);
	if (!o->unread[0] && (x = s->ops->save(s, &seek)) == 0 && seek.len == 0)
		explain_no_file(o);
	buf_reset(&seek);
	if (x == 0 && o->unread[0] && !(o->missing && o->first_run)) {
		buf_puts(notes, "the log was not read: the seek file is left as it was\n");
	} else if (x == 0) {
		x = seek_build(r, s, &seek);
		if (x == 0 && (x = write_atomic(o->seek_file, seek.data, seek.len)) < 0)
			buf_printf(err, "%s: cannot write seek file: %s", o->seek_file, strerror(-x));
	}
	buf_release(&seek);
	return x;
}

/* --records FILE, appended to, or -errno (said in err). */
static int open_records(struct run *r, struct buf *err)
{
	int fd;

	if (!r->o->records)
		return 0;
	fd = open(r->o->records, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd >= 0 && !(r->records = fdopen(fd, "a")))
		close(fd);
	if (!r->records) {
		buf_printf(err, "%s: cannot write records: %s", r->o->records, strerror(errno));
		return -errno;
	}
	return 0;
}

/* A record not written makes the run fail: the records would look complete. */
static int close_records(struct run *r, int x, struct buf *err)
{
	int e;

	if (!r->records)
		return x;
	e = fclose(r->records) != 0 ? errno : r->records_failed ? EIO : 0;
	r->records = NULL;
	if (e && x == 0) {
		buf_printf(err, "%s: cannot write records: %s", r->o->records, strerror(e));
		x = -e;
	}
	return x;
}

static void run_release(struct run *r)
{
	pipeline_free(r->pipe);
	notes_release(&r->notes);
	buf_release(&r->line);
}

int standalone_run(struct standalone *o, struct check_set *out, const char *monitor,
		   bool *known, struct buf *notes, struct buf *err)
{
	struct config_source conf = { 0 };
	struct run r = { .o = o };
	struct source *s = NULL;
	int x, lock_fd = -1;

	r.now = clock_realtime_us();
	o->lines = o->bad = o->good = 0;
	o->first_bad[0] = o->unread[0] = '\0';
	o->missing = false;
	log_notes = notes;
	log_run = o;
	source_logger = logger;
	x = run_pipeline(o, &r, on_change, err);
	if (x == 0 && monitor && known)
		*known = engine_monitor_status(r.engine, monitor) == ENGINE_RUN ||
			 engine_rollup_known(r.engine, monitor);
	if (x == 0 && (x = lock_fd = seek_lock(o, err)) >= 0)
		x = open_records(&r, err);
	if (x == 0)
		x = open_log(&r, &conf, &s, err);
	if (x == 0)
		x = close_records(&r, read_log(&r, s), err);
	if (x == 0)
		x = save_seek(&r, s, notes, err);
	if (x == 0) {
		struct collect c = { &r, out, monitor, known };

		x = engine_foreach(r.engine, collect, &c);
		x = x ? x : engine_foreach_rollup(r.engine, collect_rollup, out);
	}
	if (x == 0)
		x = add_monitors_without_data(r.pipe, out);
	if (x == -ENOMEM && !err->len)
		buf_puts(err, "out of memory");
	source_free(s);
	close_records(&r, x, err);
	run_release(&r);
	source_logger = logger;
	log_notes = NULL;
	log_run = NULL;
	if (lock_fd >= 0)
		close(lock_fd);
	return x;
}

int packs_add_monitors(struct standalone *o, struct check_set *set, const char *monitor,
		       bool *known, struct buf *err)
{
	struct run r = { .o = o };
	int x = run_pipeline(o, &r, NULL, err);

	if (x == 0 && monitor)
		*known = engine_monitor_status(r.engine, monitor) == ENGINE_RUN ||
			 engine_rollup_known(r.engine, monitor);
	if (x == 0)
		x = add_monitors_without_data(r.pipe, set);
	run_release(&r);
	return x;
}
