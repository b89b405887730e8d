/*
 * The journal as a source: the system journal, a folder (systemd-journal-remote
 * writes one file per sending host there, so with InstanceField LoggingComputer
 * one collector gives per-host health) or journal files, with matches from the
 * config. The position is the cursor of the last entry read; the journal is
 * reopened when sd-journal reports its files changed (SD_JOURNAL_INVALIDATE) and
 * resumed after that cursor.
 */
#include "collector/source.h"

#include "collector/config.h"
#include "collector/journal.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "rules/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define ENTRIES_PER_CALL 20000

struct jsrc {
	struct journal *j;
	char *cursor;		/* last entry read, owned */
	char tbuf[ISO8601_LEN];
	struct event ev;
	bool bad_logged;	/* an entry without a time was logged; later ones are counted */
};

static int jopen(struct source *s, struct jsrc *js)
{
	const struct config_source *c = s->conf;
	struct journal *old = js->j;
	bool at_end;
	int r;

	/*
	 * The new journal and its descriptor (sd-journal's inotify watches) come
	 * before anything is read, so entries written between the open and the
	 * first read still wake us; and before the old journal is closed, so the
	 * new descriptor has another number and the loop sees it must watch it.
	 */
	r = journal_open(c->path, c->matches, c->nmatches, &js->j);
	if (r == 0) {
		r = journal_fd(js->j);
		if (r < 0)
			journal_free(js->j);
	}
	journal_free(old);
	s->fd = -1;
	if (r < 0) {
		js->j = NULL;
		source_log(s, LOG_ERR, "cannot open the journal '%s': %s", c->path ? c->path : "",
			   strerror(-r));
		return r;
	}
	s->fd = r;
	at_end = c->start == START_END || s->force_end;
	r = journal_seek(js->j, js->cursor, at_end);
	if (r < 0 && js->cursor) {
		/*
		 * Reading from the start would deliver the whole journal again; as
		 * with a damaged checkpoint (force_end), skip rather than repeat.
		 */
		source_log(s, LOG_WARNING, "saved cursor not usable (%s): reading from the end",
			   strerror(-r));
		free(js->cursor);
		js->cursor = NULL;
		at_end = true;
		r = journal_seek(js->j, NULL, true);
	}
	if (r < 0)
		return r;
	if (!js->cursor && at_end)
		js->cursor = journal_cursor(js->j);	/* the last entry at start counts as read */
	return 0;
}

static int journal_src_process(struct source *s, bool *more)
{
	struct jsrc *js = s->impl;
	int n, r;

	*more = false;
	if (!js->j)
		return -EBADF;
	r = journal_process(js->j);
	if (r == JOURNAL_INVALIDATE) {
		/* Files were added or removed (rotation, a new host): reopen after our cursor. */
		r = jopen(s, js);
		if (r < 0)
			return r;
	}
	for (n = 0; n < ENTRIES_PER_CALL; n++) {
		struct str msg;

		r = journal_next(js->j);
		if (r <= 0)
			break;
		event_reset(&js->ev);
		r = journal_entry_event(js->j, &js->ev, js->tbuf);
		if (r < 0) {
			/* no time to give it: a bad record, as a line would be, never dropped unseen */
			s->st.bad++;
			if (!js->bad_logged)
				source_log(s, LOG_WARNING, "an entry without a readable time skipped "
					   "(%s); more are only counted", strerror(-r));
			js->bad_logged = true;
			r = 0;
			continue;
		}
		msg = js->ev.slot[EVENT_DESCRIPTION];
		s->st.records++;
		s->st.bytes += msg.len;
		s->st.checksum += str_hash(msg.p ? msg : str_of(""));
		s->h.event(s->h.arg, s, &js->ev);
	}
	if (n == ENTRIES_PER_CALL)
		*more = true;
	if (n) {
		char *c = journal_cursor(js->j);

		if (c) {
			free(js->cursor);
			js->cursor = c;
		}
	}
	if (r < 0)
		source_log(s, LOG_ERR, "reading the journal: %s", strerror(-r));
	return r < 0 ? r : 0;
}

static int journal_src_start(struct source *s)
{
	bool more;
	int r = jopen(s, s->impl);

	return r < 0 ? r : journal_src_process(s, &more);
}

static int64_t journal_src_next_wakeup(const struct source *s)
{
	const struct jsrc *js = s->impl;

	return js->j ? journal_timeout(js->j) : INT64_MAX;
}

static int journal_src_save(const struct source *s, struct buf *out)
{
	const struct jsrc *js = s->impl;

	return js->cursor ? buf_printf(out, "cursor %s\n", js->cursor) : 0;
}

static int journal_src_restore(struct source *s, const char *line)
{
	struct jsrc *js = s->impl;

	if (strncmp(line, "cursor ", 7) != 0 || !line[7] || strchr(line + 7, ' '))
		return -EINVAL;
	free(js->cursor);
	js->cursor = strdup(line + 7);
	return js->cursor ? 0 : -ENOMEM;
}

static void journal_src_free(struct source *s)
{
	struct jsrc *js = s->impl;

	journal_free(js->j);
	free(js->cursor);
	free(js);
}

static const struct source_ops journal_ops = {
	.type = "journal",
	.start = journal_src_start,
	.process = journal_src_process,
	.next_wakeup = journal_src_next_wakeup,
	.save = journal_src_save,
	.restore = journal_src_restore,
	.free = journal_src_free,
};

int source_journal_new(struct source *s)
{
	s->ops = &journal_ops;
	s->impl = calloc(1, sizeof(struct jsrc));
	return s->impl ? 0 : -ENOMEM;
}
