/*
 * The checkpoint: one text file, state_dir/checkpoint, holding every source's
 * position and counters, the last messages, and engine_save()'s text, so that
 * positions and monitor state always agree (a line is either before the saved
 * position and in the saved engine state, or after it and read again). It is
 * replaced atomically; a checksum line at the end tells a damaged file, and the
 * fallback is in docs/state-file.md.
 *
 *	mpmond-checkpoint 2
 *	seq LAST_SEQ
 *	source NAME TYPE RECORDS BYTES CHECKSUM CUT BAD ROTATIONS LOST_FILES LOST_BYTES
 *	file ... | cursor ...		(the source's own lines)
 *	note MONITOR\tINSTANCE\tMESSAGE\tDIAGNOSIS\tRESOLUTION	(escaped)
 *	engine BYTES
 *	<engine_save text>
 *	end HASH			(str_hash of everything before this line)
 *
 * Version 1 had no LOST_ counters (and the file source no sizes); it still loads.
 */
#include "collector/daemon.h"

#include "collector/log.h"
#include "collector/source.h"
#include "lib/file.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "pipeline/notes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

#define CHECKPOINT_MAX (256u << 20)

int checkpoint_build(const struct daemon *d, struct buf *out)
{
	size_t i, mark;
	struct buf eng;
	int r;

	buf_init(&eng);
	r = buf_printf(out, "mpmond-checkpoint 2\nseq %" PRIu64 "\n", d->last_seq);
	for (i = 0; r == 0 && i < d->nsources; i++) {
		const struct source *s = d->sources[i];

		r = buf_printf(out, "source %s %s %" PRIu64 " %" PRIu64 " %016" PRIx64 " %" PRIu64
			       " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", s->name,
			       s->ops->type, s->st.records, s->st.bytes, s->st.checksum, s->st.cut,
			       s->st.bad, s->st.rotations, s->st.lost_files, s->st.lost_bytes);
		if (r == 0)
			r = s->ops->save(s, out);
	}
	if (r == 0)
		r = notes_save(daemon_notes(d), out);
	if (r == 0)
		r = engine_save(d->engine, &eng);
	if (r == 0)
		r = buf_printf(out, "engine %zu\n", eng.len);
	if (r == 0)
		r = buf_append(out, eng.data, eng.len);
	mark = out->len;
	if (r == 0)
		r = buf_printf(out, "end %016" PRIx64 "\n", str_hash((struct str){ out->data, mark }));
	buf_release(&eng);
	return r;
}

static struct source *find_source(struct daemon *d, const char *name, size_t n, const char *type)
{
	size_t i;

	for (i = 0; i < d->nsources; i++)
		if (strlen(d->sources[i]->name) == n && memcmp(d->sources[i]->name, name, n) == 0)
			return strcmp(d->sources[i]->ops->type, type) == 0 ? d->sources[i] : NULL;
	return NULL;
}

/*
 * Walk the lines before the engine text. Positions go to their sources, counters
 * too; when dry, only check that everything parses. Returns 0, -EINVAL.
 */
static int apply_head(struct daemon *d, char *text, size_t len, bool dry, size_t *engine_at,
		      size_t *engine_len)
{
	struct source *cur = NULL;
	char *p = text, *end = text + len;
	bool seen_magic = false;
	int version = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', end - p);
		char save;

		if (!nl)
			return -EINVAL;
		save = *nl;
		*nl = '\0';
		if (!seen_magic) {
			if (strcmp(p, "mpmond-checkpoint 2") == 0)
				version = 2;
			else if (strcmp(p, "mpmond-checkpoint 1") == 0)
				version = 1;
			else
				goto bad;
			seen_magic = true;
		} else if (strncmp(p, "seq ", 4) == 0) {
			uint64_t seq;

			if (sscanf(p, "seq %" SCNu64, &seq) != 1)
				goto bad;
			if (!dry)
				d->last_seq = seq;
		} else if (strncmp(p, "source ", 7) == 0) {
			char name[256], type[32];
			struct source_stats st = { 0 };

			if (sscanf(p, "source %255s %31s %" SCNu64 " %" SCNu64 " %" SCNx64 " %" SCNu64
				   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, name, type,
				   &st.records, &st.bytes, &st.checksum, &st.cut, &st.bad,
				   &st.rotations, &st.lost_files, &st.lost_bytes) != (version == 1 ? 8 : 10))
				goto bad;
			cur = find_source(d, name, strlen(name), type);
			if (cur && cur->started)
				cur = NULL;	/* kept running by a reload: it has its position */
			if (cur && !dry)
				cur->st = st;
		} else if (strncmp(p, "note ", 5) == 0) {
			if (!dry && notes_restore(daemon_notes(d), p + 5) < 0)
				goto bad;
		} else if (strncmp(p, "engine ", 7) == 0) {
			size_t n;

			if (sscanf(p, "engine %zu", &n) != 1 || n > (size_t)(end - nl - 1))
				goto bad;
			*nl = save;
			*engine_at = nl + 1 - text;
			*engine_len = n;
			return 0;
		} else if (cur) {
			/* A source's own line; a source no longer configured is dropped. */
			if (!dry && cur->ops->restore(cur, p) < 0)
				goto bad;
		}
		*nl = save;
		p = nl + 1;
		continue;
bad:
		*nl = save;
		return -EINVAL;
	}
	return seen_magic ? 0 : -EINVAL;
}

/* checkpoint_apply; name says where the text came from in what is logged. */
static int apply(struct daemon *d, const char *data, size_t len, const char *name)
{
	size_t engine_at = 0, engine_len = 0, skipped = 0;
	char *text = malloc(len + 1), *endl;
	bool sum_ok = false;
	int r;

	if (!text)
		return -ENOMEM;
	memcpy(text, data, len);
	text[len] = '\0';
	/* The last line is "end HASH" over everything before it. */
	if (len > 0 && text[len - 1] == '\n') {
		text[len - 1] = '\0';
		endl = strrchr(text, '\n');
		text[len - 1] = '\n';
		if (endl && strncmp(endl + 1, "end ", 4) == 0) {
			uint64_t want;
			size_t mark = endl + 1 - text;

			if (sscanf(endl + 1, "end %" SCNx64, &want) == 1 &&
			    str_hash((struct str){ text, mark }) == want) {
				sum_ok = true;
				len = mark;
			}
		}
	}
	if (sum_ok && apply_head(d, text, len, true, &engine_at, &engine_len) == 0) {
		apply_head(d, text, len, false, &engine_at, &engine_len);
		engine_set_seq(d->engine, d->last_seq + 1);
		r = engine_restore(d->engine, text + engine_at, engine_len, &skipped);
		if (r == -ENOMEM) {
			free(text);
			return r;
		}
		if (r < 0)
			daemon_log(LOG_ERR, "%s: monitor state damaged: monitors start fresh", name);
		else if (skipped)
			daemon_log(LOG_INFO, "%s: %zu instances of monitors no longer loaded dropped",
				   name, skipped);
	} else if (apply_head(d, text, len, true, &engine_at, &engine_len) == 0) {
		/* Positions parse: keep them, even though the rest cannot be trusted. */
		daemon_log(LOG_ERR, "%s: damaged (checksum): resuming from its source positions "
			   "with fresh monitor state", name);
		apply_head(d, text, len, false, &engine_at, &engine_len);
		engine_set_seq(d->engine, d->last_seq + 1);
	} else {
		daemon_log(LOG_ERR, "%s: damaged and unreadable: starting at the end of every "
			   "source with fresh monitor state", name);
		d->force_end = true;
	}
	free(text);
	return 0;
}

int checkpoint_apply(struct daemon *d, const char *data, size_t len)
{
	return apply(d, data, len, "checkpoint");
}

int checkpoint_load(struct daemon *d)
{
	char path[4096], *data;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/checkpoint", d->cfg.state_dir);
	r = file_read_all(path, CHECKPOINT_MAX, &data, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		daemon_log(LOG_ERR, "%s: cannot read checkpoint: %s: starting at the end of every source",
			   path, strerror(-r));
		d->force_end = true;
		return 0;
	}
	r = apply(d, data, len, path);
	free(data);
	return r;
}

/*
 * Replace the checkpoint, then the state file, which never runs ahead of it.
 * When the disk is full the previous files stay whole (file_write_atomic), and the
 * failure is logged once until a write works again.
 */
static int write_files(const char *dir, const struct buf *ckpt, const struct buf *state,
		       struct ckpt_status *cs)
{
	const char *name = "checkpoint";
	int r = file_write_atomic(dir, name, ckpt->data, ckpt->len, 0640);

	if (r == 0) {
		name = "state.json";
		r = file_write_atomic(dir, name, state->data, state->len, 0640);
	}
	if (r < 0 && cs->failures++ == 0)
		daemon_log(LOG_ERR, "%s/%s: cannot write: %s: the previous one stays; trying again "
			   "(logged when it works)", dir, name, strerror(-r));
	if (r == 0 && cs->failures) {
		daemon_log(LOG_NOTICE, "%s/checkpoint: written again after %" PRIu64 " failed attempts",
			   dir, cs->failures);
		cs->failures = 0;
	}
	cs->error = r;
	return r;
}

int checkpoint_write(struct daemon *d)
{
	struct buf state;
	int r;

	buf_init(&state);
	buf_reset(&d->scratch);
	r = checkpoint_build(d, &d->scratch);
	if (r == 0)
		r = state_build(d, &state);
	if (r < 0)
		daemon_log(LOG_ERR, "checkpoint: out of memory");
	else
		r = write_files(d->cfg.state_dir, &d->scratch, &state, &d->ckpt_status);
	buf_release(&state);
	if (r == 0)
		d->dirty = false;
	return r;
}

struct ckpt_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf ckpt, state;		/* the job; owned by the thread while busy */
	struct ckpt_status *status;	/* the daemon's; the thread's while busy */
	char *dir;
	int efd;
	bool busy, quit;
};

static void *writer_main(void *arg)
{
	struct ckpt_writer *w = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		write_files(w->dir, &w->ckpt, &w->state, w->status);
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		if (write(w->efd, &one, sizeof(one)) < 0)
			(void)0;	/* the counter is full: a wake-up is pending anyway */
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int checkpoint_writer_start(struct daemon *d)
{
	struct ckpt_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	buf_init(&w->ckpt);
	buf_init(&w->state);
	w->dir = strdup(d->cfg.state_dir);
	w->status = &d->ckpt_status;
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!w->dir || w->efd < 0) {
		r = w->dir ? -errno : -ENOMEM;
		goto fail;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	r = -pthread_create(&w->thread, NULL, writer_main, w);
	if (r < 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		goto fail;
	}
	d->writer = w;
	return w->efd;
fail:
	if (w->efd >= 0)
		close(w->efd);
	free(w->dir);
	free(w);
	return r;
}

int checkpoint_post(struct daemon *d)
{
	struct ckpt_writer *w = d->writer;
	bool busy;
	int r;

	if (!w)
		return checkpoint_write(d);
	pthread_mutex_lock(&w->mu);
	busy = w->busy;
	pthread_mutex_unlock(&w->mu);
	if (busy)
		return -EBUSY;
	/* Not busy: the thread does not touch the buffers until we set busy. */
	buf_reset(&w->ckpt);
	buf_reset(&w->state);
	r = checkpoint_build(d, &w->ckpt);
	if (r == 0)
		r = state_build(d, &w->state);
	if (r < 0) {
		daemon_log(LOG_ERR, "checkpoint: out of memory");
		return r;
	}
	pthread_mutex_lock(&w->mu);
	w->busy = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	d->dirty = false;
	return 0;
}

int checkpoint_writer_result(struct daemon *d)
{
	struct ckpt_writer *w = d->writer;
	int r;

	if (!w)
		return d->ckpt_status.error;
	pthread_mutex_lock(&w->mu);
	r = w->busy ? 0 : d->ckpt_status.error;
	pthread_mutex_unlock(&w->mu);
	return r;
}

void checkpoint_writer_stop(struct daemon *d)
{
	struct ckpt_writer *w = d->writer;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);	/* after the write under way, if any */
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	close(w->efd);
	buf_release(&w->ckpt);
	buf_release(&w->state);
	free(w->dir);
	free(w);
	d->writer = NULL;
}
