/*
 * The jsonl sink: every record as the JSON line `mpmon replay` prints (one
 * writer, pipeline/record_json.c), and every action result as a line of kind
 * "diagnostic" or "recovery", appended to a file or written to standard output, for log
 * shippers (Fluent Bit, Vector) to pick up. Each line is one write() to a file
 * opened with O_APPEND, so a shipper never sees half a line and copytruncate
 * rotation works; after a move (logrotate's default) SIGHUP opens the file
 * anew. A line that cannot be written is lost, counted in state.json, and the
 * failure is logged when it begins and when it ends, not per line.
 */
#include "collector/sink.h"

#include "collector/action.h"
#include "collector/daemon.h"
#include "collector/log.h"
#include "collector/source.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/json.h"
#include "pipeline/record_json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define REOPEN_US 1000000	/* a file that cannot be opened is tried again this often */

struct jsonl_file {
	char *name, *path;	/* owned copies: the config changes under a reload */
	int fd;			/* -1: not open */
	int error;		/* errno of the failure under way; 0: none */
	int64_t tried;		/* monotonic µs of the last open attempt */
	uint64_t written, lost, lost_since;
};

struct jsonl_sink {
	struct jsonl_file *files;
	size_t n;
	struct buf line;
};

static void file_open(struct jsonl_file *f)
{
	f->tried = source_now();
	if (strcmp(f->path, "-") == 0) {
		f->fd = STDOUT_FILENO;
		return;
	}
	f->fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (f->fd < 0 && f->error != errno) {
		f->error = errno;
		daemon_log(LOG_ERR, "jsonl %s: %s: cannot open: %s: records are lost until it can "
			   "(state.json counts them)", f->name, f->path, strerror(errno));
	}
}

static void file_close(struct jsonl_file *f)
{
	if (f->fd > STDOUT_FILENO)
		close(f->fd);
	f->fd = -1;
}

static void failed(struct jsonl_file *f, int e)
{
	f->lost++;
	f->lost_since++;
	if (f->error == e)
		return;
	f->error = e;
	daemon_log(LOG_ERR, "jsonl %s: %s: cannot write: %s: records are lost until it can "
		   "(state.json counts them)", f->name, f->path, strerror(e));
}

/* One line, whole: a short write (a full disk) loses the line, not the file's framing. */
static void file_write(struct jsonl_file *f, const struct buf *line)
{
	size_t done = 0;
	ssize_t n;

	if (f->fd < 0 && source_now() - f->tried >= REOPEN_US)
		file_open(f);
	if (f->fd < 0) {
		failed(f, f->error ? f->error : EBADF);
		return;
	}
	while (done < line->len) {
		n = write(f->fd, line->data + done, line->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			failed(f, n < 0 ? errno : EIO);
			return;
		}
		done += (size_t)n;
	}
	f->written++;
	if (f->error) {
		daemon_log(LOG_NOTICE, "jsonl %s: %s: writes again; %" PRIu64 " records were lost",
			   f->name, f->path, f->lost_since);
		f->error = 0;
		f->lost_since = 0;
	}
}

static void sink_free(struct jsonl_sink *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		file_close(&s->files[i]);
		free(s->files[i].name);
		free(s->files[i].path);
	}
	free(s->files);
	buf_release(&s->line);
	free(s);
}

/* A jsonl sink takes path: absolute (or -), and no other sink's. */
static void jsonl_check(const struct config *c, const struct config_sink *k, struct diag *d)
{
	const char *path = config_sink_value(k, "path", NULL), *other;
	long line = k->line;
	size_t i;

	for (i = 0; i < k->nkv; i++)
		if (strcmp(k->kv[i].key, "path") != 0)
			diag_error(d, c->file, k->kv[i].line, "unknown key '%s' in [sink %s] (type jsonl)",
				   k->kv[i].key, k->name);
	if (k->snmp_line)
		diag_error(d, c->file, k->snmp_line, "sink '%s': this key is for snmp sinks; a jsonl sink takes path", k->name);
	if (!path || !*path) {
		diag_error(d, c->file, line, "sink '%s' has no path (a file, or - for standard output)", k->name);
		return;
	}
	config_sink_value(k, "path", &line);
	if (strcmp(path, "-") && path[0] != '/')
		diag_error(d, c->file, line, "sink '%s': path '%s' must be absolute (or -)", k->name, path);
	for (i = 0; &c->sinks[i] != k; i++)
		if (config_sink_is(&c->sinks[i], "jsonl") &&
		    (other = config_sink_value(&c->sinks[i], "path", NULL)) && strcmp(other, path) == 0)
			diag_error(d, c->file, line, "sink '%s' writes the same file as sink '%s'", k->name,
				   c->sinks[i].name);
}

static int jsonl_open(struct daemon *d, void **sink)
{
	size_t i, n = config_sinks_of(&d->cfg, "jsonl");
	struct jsonl_sink *s;

	if (!n)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->files = calloc(n, sizeof(*s->files)))) {
		free(s);
		return -ENOMEM;
	}
	buf_init(&s->line);
	for (i = 0; i < d->cfg.nsinks; i++) {
		const struct config_sink *k = &d->cfg.sinks[i];
		struct jsonl_file *f = &s->files[s->n];

		if (!config_sink_is(k, "jsonl"))
			continue;
		s->n++;
		f->fd = -1;
		f->name = strdup(k->name);
		f->path = strdup(config_sink_value(k, "path", NULL));
		if (!f->name || !f->path) {
			sink_free(s);
			return -ENOMEM;
		}
		file_open(f);
		daemon_log(LOG_NOTICE, "jsonl %s: records to %s", f->name,
			   strcmp(f->path, "-") ? f->path : "standard output");
	}
	*sink = s;
	return 0;
}

static void jsonl_close(void *sink, struct daemon *d)
{
	(void)d;
	sink_free(sink);
}

static void write_all(struct jsonl_sink *s, int r)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (r < 0)
			failed(&s->files[i], ENOMEM);
		else
			file_write(&s->files[i], &s->line);
	}
}

static void jsonl_deliver(void *sink, struct daemon *d, const struct state_change *c)
{
	struct jsonl_sink *s = sink;

	(void)d;
	buf_reset(&s->line);
	write_all(s, record_json(&s->line, c));
}

static void jsonl_result(void *sink, struct daemon *d, const struct action_result *res)
{
	struct jsonl_sink *s = sink;
	bool first = true;
	int r;

	(void)d;
	buf_reset(&s->line);
	r = buf_putc(&s->line, '{');
	r = r ? r : action_result_json(&s->line, &first, res);
	r = r ? r : buf_puts(&s->line, "}\n");
	write_all(s, r);
}

/* The files are opened anew: after a move, the new one is written. */
static void jsonl_reopen(void *sink, struct daemon *d)
{
	struct jsonl_sink *s = sink;
	size_t i;

	(void)d;
	for (i = 0; i < s->n; i++) {
		file_close(&s->files[i]);
		file_open(&s->files[i]);
	}
}

/*
 * A reload is a SIGHUP too: the files are opened anew, from the new config;
 * a sink that keeps its name keeps its counters.
 */
static int jsonl_reload(void **sink, struct daemon *d, const struct config *old)
{
	struct jsonl_sink *prev = *sink, *s = NULL;
	size_t i, j;
	int r;

	(void)old;
	*sink = NULL;
	if (prev)
		for (i = 0; i < prev->n; i++)
			file_close(&prev->files[i]);
	r = jsonl_open(d, (void **)&s);
	for (i = 0; s && prev && i < s->n; i++)
		for (j = 0; j < prev->n; j++)
			if (strcmp(s->files[i].name, prev->files[j].name) == 0) {
				s->files[i].written = prev->files[j].written;
				s->files[i].lost = prev->files[j].lost;
			}
	if (prev)
		sink_free(prev);
	*sink = s;
	return r;
}

static int jsonl_json(void *sink, const struct daemon *d, struct buf *b, bool *first)
{
	const struct jsonl_sink *s = sink;
	size_t i;
	int r;

	(void)d;
	if (!s)
		return 0;
	r = json_key(b, first, "jsonl");
	r = r ? r : buf_putc(b, '[');
	for (i = 0; r == 0 && i < s->n; i++) {
		const struct jsonl_file *f = &s->files[i];
		bool m = true;

		r = buf_puts(b, i ? ",\n  {" : "\n  {");
		r = r ? r : json_member_cstr(b, &m, "name", f->name);
		r = r ? r : json_member_cstr(b, &m, "path", f->path);
		r = r ? r : json_member_u64(b, &m, "written", f->written);
		r = r ? r : json_member_u64(b, &m, "lost", f->lost);
		r = r ? r : json_member_cstr(b, &m, "error", f->error ? strerror(f->error) : "");
		r = r ? r : buf_putc(b, '}');
	}
	r = r ? r : buf_puts(b, "\n ]");
	return r;
}

const struct sink_type sink_jsonl = {
	.name = "jsonl",
	.check = jsonl_check,
	.open = jsonl_open,
	.deliver = jsonl_deliver,
	.result = jsonl_result,
	.reload = jsonl_reload,
	.reopen = jsonl_reopen,
	.json = jsonl_json,
	.close = jsonl_close,
};
