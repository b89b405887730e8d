/*
 * This file implements the spool of unacknowledged notifications (spool.h): an
 * index in memory (a ring of identifiers and sizes, oldest first) over one file
 * per entry, or over copies in memory when there is no directory, or when an
 * entry could not be written (a full disk). Entry files
 * are named by their identifier, zero-padded to 20 digits, so that sorting the
 * names sorts the entries and a restart finds them in order without reading
 * them.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/spool.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/file.h"

#define SPOOL_SUFFIX ".ntf"
#define SPOOL_TMP_SUFFIX ".tmp"

struct spool_entry {
	uint64_t id;
	size_t size;
	char *data;		/* in memory (no directory, or not written); NULL: on disk */
};

struct spool {
	char *dir;		/* NULL: in memory */
	struct spool_limits lim;
	struct spool_entry *v;	/* ring */
	size_t cap, head, n;
	size_t bytes;
	uint64_t next_id;
	size_t dropped_at_open;	/* reported with the next append */
	bool write_failing;	/* the last entry could not be written: logged once */
	struct diag *d;
};

static struct spool_entry *at(const struct spool *s, size_t i)
{
	return &s->v[(s->head + i) % s->cap];
}

static int grow(struct spool *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	struct spool_entry *v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		v[i] = *at(s, i);
	free(s->v);
	s->v = v;
	s->cap = cap;
	s->head = 0;
	return 0;
}

static void entry_path(const struct spool *s, uint64_t id, const char *suffix, char *out,
		       size_t size)
{
	snprintf(out, size, "%s/%020" PRIu64 "%s", s->dir, id, suffix);
}

/* Forget the oldest entry, deleting its file. */
static void drop_oldest(struct spool *s)
{
	struct spool_entry *e = at(s, 0);
	if (s->dir && !e->data) {
		char path[4096];
		entry_path(s, e->id, SPOOL_SUFFIX, path, sizeof(path));
		if (unlink(path) < 0 && errno != ENOENT)
			diag_warn(s->d, path, 0, "cannot remove spool entry: %s", strerror(errno));
	}
	free(e->data);
	s->bytes -= e->size;
	e->data = NULL;
	s->head = (s->head + 1) % s->cap;
	s->n--;
}

static bool over_bounds(const struct spool *s, size_t more_entries, size_t more_bytes)
{
	return s->n + more_entries > s->lim.max_entries ||
	       s->bytes + more_bytes > s->lim.max_bytes;
}

static int push(struct spool *s, uint64_t id, size_t size, char *data)
{
	if (s->n == s->cap) {
		int r = grow(s);
		if (r < 0)
			return r;
	}
	struct spool_entry *e = at(s, s->n);
	e->id = id;
	e->size = size;
	e->data = data;
	s->n++;
	s->bytes += size;
	return 0;
}

static bool parse_id(const char *name, const char *suffix, uint64_t *id)
{
	size_t n = strlen(name), sl = strlen(suffix);
	if (n != 20 + sl || strcmp(name + 20, suffix) != 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < 20; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		unsigned dgt = (unsigned)(name[i] - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			return false;
		v = v * 10 + dgt;
	}
	*id = v;
	return true;
}

/* Index the entries a previous run left, and remove half-written ones. */
static int load(struct spool *s)
{
	char **names = NULL;
	int r = file_list(s->dir, SPOOL_TMP_SUFFIX, &names);
	if (r < 0) {
		diag_error(s->d, s->dir, 0, "cannot read spool directory: %s", strerror(-r));
		return r;
	}
	for (char **p = names; *p; p++)
		unlink(*p);	/* a crash between write and rename: never acknowledged, never sent */
	file_list_free(names);

	r = file_list(s->dir, SPOOL_SUFFIX, &names);
	if (r < 0) {
		diag_error(s->d, s->dir, 0, "cannot read spool directory: %s", strerror(-r));
		return r;
	}
	for (char **p = names; *p && r >= 0; p++) {
		const char *base = strrchr(*p, '/');
		base = base ? base + 1 : *p;
		uint64_t id;
		struct stat st;
		if (!parse_id(base, SPOOL_SUFFIX, &id) || stat(*p, &st) < 0 ||
		    !S_ISREG(st.st_mode) || (size_t)st.st_size > SPOOL_ENTRY_MAX) {
			diag_warn(s->d, *p, 0, "not a spool entry, left alone");
			continue;
		}
		r = push(s, id, (size_t)st.st_size, NULL);
		if (id >= s->next_id)
			s->next_id = id + 1;
	}
	file_list_free(names);
	if (r < 0)
		return r;
	while (s->n > 0 && over_bounds(s, 0, 0)) {
		drop_oldest(s);
		s->dropped_at_open++;
	}
	if (s->dropped_at_open)
		diag_warn(s->d, s->dir, 0, "spool over its bound, %zu oldest entries dropped",
			  s->dropped_at_open);
	return 0;
}

int spool_open(struct spool **out, const char *dir, const struct spool_limits *lim,
	       struct diag *d)
{
	struct spool *s = calloc(1, sizeof(*s));
	int r = -ENOMEM;
	*out = NULL;
	if (!s)
		goto fail;
	s->d = d;
	s->next_id = 1;
	if (lim)
		s->lim = *lim;
	if (!s->lim.max_entries)
		s->lim.max_entries = SPOOL_DEFAULT_MAX_ENTRIES;
	if (!s->lim.max_bytes)
		s->lim.max_bytes = SPOOL_DEFAULT_MAX_BYTES;
	if (dir) {
		if (!(s->dir = strdup(dir)))
			goto fail;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			r = -errno;
			diag_error(d, dir, 0, "cannot create spool directory: %s", strerror(errno));
			goto fail;
		}
		if ((r = load(s)) < 0)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	if (r == -ENOMEM)
		diag_error(d, dir, 0, "out of memory opening the spool");
	spool_free(s);
	return r;
}

void spool_free(struct spool *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(at(s, i)->data);
	free(s->v);
	free(s->dir);
	free(s);
}

/* The entry's file, written whole or not at all (a crash leaves a .tmp, removed by load). */
static int write_entry(struct spool *s, uint64_t id, const void *data, size_t len)
{
	char name[64];

	snprintf(name, sizeof(name), "%020" PRIu64 "%s", id, SPOOL_SUFFIX);
	return file_write_atomic(s->dir, name, data, len, 0600 | (s->lim.fsync ? 0 : FILE_NO_SYNC));
}

int spool_append(struct spool *s, const void *data, size_t len, uint64_t *id, size_t *dropped)
{
	if (len > SPOOL_ENTRY_MAX)
		return -E2BIG;
	size_t ndrop = s->dropped_at_open;
	s->dropped_at_open = 0;
	while (s->n > 0 && over_bounds(s, 1, len)) {
		drop_oldest(s);
		ndrop++;
	}
	if (dropped)
		*dropped += ndrop;
	if (s->n == s->cap) {
		int r = grow(s);
		if (r < 0)
			return r;
	}
	uint64_t nid = s->next_id;
	char *copy = NULL;
	bool on_disk = false;
	if (s->dir) {
		/*
		 * A full disk: the entry stays in memory, still sent and bounded
		 * like the rest, though a restart loses it; better than dropping
		 * it. Said when it begins and when writes work again.
		 */
		int r = write_entry(s, nid, data, len);
		on_disk = r == 0;
		if (r < 0 && !s->write_failing)
			diag_error(s->d, s->dir, 0, "cannot write spool entry %" PRIu64 ": %s: keeping "
				   "entries in memory (lost if mpmond stops) until writing works", nid,
				   strerror(-r));
		else if (r == 0 && s->write_failing)
			diag_warn(s->d, s->dir, 0, "spool entries are written again");
		s->write_failing = r < 0;
	}
	if (!on_disk) {
		if (!(copy = malloc(len ? len : 1)))
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	push(s, nid, len, copy);	/* cannot fail: room was made above */
	s->next_id++;
	*id = nid;
	return 0;
}

size_t spool_count(const struct spool *s)
{
	return s->n;
}

size_t spool_bytes(const struct spool *s)
{
	return s->bytes;
}

uint64_t spool_id_at(const struct spool *s, size_t i)
{
	return at(s, i)->id;
}

/* Index of id in the ring, or -1: identifiers rise, so a binary search. */
static long find(const struct spool *s, uint64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t v = at(s, mid)->id;
		if (v == id)
			return (long)mid;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int spool_read(struct spool *s, uint64_t id, struct buf *out)
{
	long i = find(s, id);
	if (i < 0)
		return -ENOENT;
	struct spool_entry *e = at(s, (size_t)i);
	buf_reset(out);
	if (e->data)
		return buf_append(out, e->data, e->size);
	char path[4096], *data;
	size_t len;
	entry_path(s, id, SPOOL_SUFFIX, path, sizeof(path));
	int r = file_read_all(path, SPOOL_ENTRY_MAX, &data, &len);
	if (r < 0)
		return r;
	r = buf_append(out, data, len);
	free(data);
	return r;
}

int spool_remove(struct spool *s, uint64_t id)
{
	long i = find(s, id);
	if (i < 0)
		return -ENOENT;
	if (i == 0) {
		drop_oldest(s);
		return 0;
	}
	/* Not the oldest: rare (acknowledgements come in order); close the gap. */
	struct spool_entry *e = at(s, (size_t)i);
	if (s->dir && !e->data) {
		char path[4096];
		entry_path(s, id, SPOOL_SUFFIX, path, sizeof(path));
		unlink(path);
	}
	free(e->data);
	s->bytes -= e->size;
	for (size_t k = (size_t)i; k + 1 < s->n; k++)
		*at(s, k) = *at(s, k + 1);
	s->n--;
	return 0;
}
