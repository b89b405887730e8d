/*
 * sd-journal, used here only. Resuming is done with sd_journal_seek_cursor and
 * sd_journal_test_cursor: the entry under the cursor was read already and is
 * skipped, and when it is gone (vacuumed) the entry we land on is the next
 * unread one and is returned, so nothing is read twice or skipped.
 */
#include "collector/journal.h"

#include "collector/journal_field.h"
#include "rules/event.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>

#define DATA_THRESHOLD (64u << 10)

struct journal {
	sd_journal *j;
	bool hold;	/* the current entry is unread: the next journal_next stays on it */
};

static int open_files(const char *pattern, sd_journal **out)
{
	glob_t g;
	int r;

	if (glob(pattern, 0, NULL, &g) != 0)
		return -ENOENT;
	r = sd_journal_open_files(out, (const char **)g.gl_pathv, 0);
	globfree(&g);
	return r;
}

int journal_open(const char *path, char *const *matches, size_t nmatches, struct journal **out)
{
	struct journal *j = calloc(1, sizeof(*j));
	struct stat st;
	size_t i;
	int r;

	if (!j)
		return -ENOMEM;
	if (!path || !*path)
		r = sd_journal_open(&j->j, SD_JOURNAL_LOCAL_ONLY);
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		r = sd_journal_open_directory(&j->j, path, 0);
	else
		r = open_files(path, &j->j);
	for (i = 0; r >= 0 && i < nmatches; i++)
		r = sd_journal_add_match(j->j, matches[i], 0);
	if (r >= 0)
		r = sd_journal_set_data_threshold(j->j, DATA_THRESHOLD);
	if (r < 0) {
		journal_free(j);
		return r;
	}
	*out = j;
	return 0;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	if (j->j)
		sd_journal_close(j->j);
	free(j);
}

int journal_fd(struct journal *j)
{
	return sd_journal_get_fd(j->j);
}

int journal_process(struct journal *j)
{
	int r = sd_journal_process(j->j);

	if (r == SD_JOURNAL_APPEND)
		return JOURNAL_APPEND;
	if (r == SD_JOURNAL_INVALIDATE)
		return JOURNAL_INVALIDATE;
	return r < 0 ? r : JOURNAL_NOP;
}

int64_t journal_timeout(struct journal *j)
{
	uint64_t t;

	if (sd_journal_get_timeout(j->j, &t) < 0 || t == (uint64_t)-1 || t > INT64_MAX)
		return INT64_MAX;
	return (int64_t)t;
}

int journal_seek(struct journal *j, const char *cursor, bool at_end)
{
	int r;

	j->hold = false;
	if (cursor) {
		r = sd_journal_seek_cursor(j->j, cursor);
		if (r < 0)
			return r;
		r = sd_journal_next(j->j);
		if (r > 0 && sd_journal_test_cursor(j->j, cursor) <= 0)
			j->hold = true;		/* the saved entry is gone; this one is unread */
		return r < 0 ? r : 0;
	}
	if (!at_end)
		return sd_journal_seek_head(j->j);
	r = sd_journal_seek_tail(j->j);
	if (r >= 0)
		r = sd_journal_previous(j->j);	/* onto the last entry, which counts as read */
	return r < 0 ? r : 0;
}

int journal_next(struct journal *j)
{
	if (j->hold) {
		j->hold = false;
		return 1;
	}
	return sd_journal_next(j->j);
}

char *journal_cursor(struct journal *j)
{
	char *c = NULL;

	if (sd_journal_get_cursor(j->j, &c) < 0)
		return NULL;
	return c;
}

int journal_entry_event(struct journal *j, struct event *ev, char tbuf[ISO8601_LEN])
{
	const void *data;
	size_t len;
	uint64_t us;
	int r;

	/* a datum skipped or beyond what an event holds leaves the rest alone */
	SD_JOURNAL_FOREACH_DATA(j->j, data, len)
		journal_field_event(ev, data, len);
	r = sd_journal_get_realtime_usec(j->j, &us);
	if (r < 0)
		return r;
	/* The slot directly: event_set would parse back the time we have. */
	ev->slot[EVENT_TIME] = str_of(iso8601_format((int64_t)us, tbuf));
	ev->time = (int64_t)us;
	ev->has_time = true;
	return 0;
}
