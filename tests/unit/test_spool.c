/*
 * The spool on disk and in memory: entries come back in order after a
 * reopen (a restart), removal by identifier, identifiers keep rising across
 * restarts, half-written entries are discarded, and the bound drops the
 * oldest and says how many.
 */
#include "collector/spool.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void cleanup(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
}

/* Remove the files in folder (not recursive); 0 or -1. */
static int unlink_all(const char *folder)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -f '%s'/*", folder);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_disk(void)
{
	struct diag d;
	diag_init(&d);
	struct spool *s;
	struct spool_limits lim = { .max_entries = 5, .fsync = true };
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/dest", dir);
	is_int(spool_open(&s, sub, &lim, &d), 0, "disk: open creates the directory");
	uint64_t id[8];
	char text[32];
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "entry %d", i);
		is_int(spool_append(s, text, strlen(text), &id[i], NULL), 0, "disk: append");
	}
	is_int(spool_remove(s, id[0]), 0, "disk: remove the oldest");
	is_int(spool_remove(s, id[0]), -ENOENT, "disk: removed twice is -ENOENT");
	spool_free(s);

	/* a half-written entry from a crash */
	char tmp[400];
	snprintf(tmp, sizeof(tmp), "%s/00000000000000000099.tmp", sub);
	FILE *f = fopen(tmp, "w");
	if (f) {
		fputs("half", f);
		fclose(f);
	}

	is_int(spool_open(&s, sub, &lim, &d), 0, "disk: reopen");
	is_int((int64_t)spool_count(s), 2, "disk: two entries survive the restart");
	is_int(access(tmp, F_OK), -1, "disk: the half-written entry is gone");
	struct buf b;
	buf_init(&b);
	is_int(spool_read(s, spool_id_at(s, 0), &b), 0, "disk: read the oldest");
	is_str(b.data, "entry 1", "disk: oldest first after restart");
	is_int(spool_read(s, spool_id_at(s, 1), &b), 0, "disk: read the next");
	is_str(b.data, "entry 2", "disk: then the next");
	uint64_t nid;
	spool_append(s, "x", 1, &nid, NULL);
	ok(nid > id[2], "disk: ids keep rising across restarts (%llu > %llu)",
	   (unsigned long long)nid, (unsigned long long)id[2]);

	/* the bound: 5 entries; appending 4 more drops the 2 oldest */
	size_t dropped = 0;
	for (int i = 0; i < 4; i++)
		spool_append(s, "y", 1, &nid, &dropped);
	is_int((int64_t)dropped, 2, "bound: oldest dropped, counted");
	is_int((int64_t)spool_count(s), 5, "bound: count stays at the bound");
	is_int(spool_read(s, id[1], &b), -ENOENT, "bound: the dropped entry is gone");
	is_int(spool_append(s, "z", SPOOL_ENTRY_MAX + 1, &nid, NULL), -E2BIG, "bound: entry too big");
	buf_release(&b);
	spool_free(s);
	is_int((int64_t)d.errors, 0, "disk: no errors reported");
	diag_release(&d);
}

static void test_memory(void)
{
	struct spool *s;
	struct spool_limits lim = { .max_entries = 1000, .max_bytes = 100 };
	is_int(spool_open(&s, NULL, &lim, NULL), 0, "memory: open");
	uint64_t id;
	size_t dropped = 0;
	for (int i = 0; i < 300; i++)
		spool_append(s, "0123456789", 10, &id, &dropped);
	is_int((int64_t)spool_count(s), 10, "memory: bounded by bytes");
	is_int((int64_t)dropped, 290, "memory: drops counted");
	struct buf b;
	buf_init(&b);
	is_int(spool_read(s, spool_id_at(s, 0), &b), 0, "memory: read");
	is_str(b.data, "0123456789", "memory: content");
	is_int(spool_remove(s, spool_id_at(s, 3)), 0, "memory: remove from the middle");
	is_int((int64_t)spool_count(s), 9, "memory: count after removal");
	buf_release(&b);
	spool_free(s);
}

/*
 * Entries the directory cannot take stay in memory: the folder is removed
 * under the spool, which fails writes as a full disk does (and as root too).
 */
static void test_unwritable(void)
{
	struct diag d;
	struct spool *s;
	struct buf b;
	char sub[300], text[32], path[400];
	uint64_t id[6];
	int i, failed = 0;

	diag_init(&d);
	buf_init(&b);
	snprintf(sub, sizeof(sub), "%s/full", dir);
	is_int(spool_open(&s, sub, NULL, &d), 0, "unwritable: open");
	spool_append(s, "on disk", 7, &id[0], NULL);
	is_int(unlink_all(sub) == 0 && rmdir(sub) == 0, 1, "unwritable: folder gone");
	for (i = 1; i <= 3; i++) {
		snprintf(text, sizeof(text), "in memory %d", i);
		failed += spool_append(s, text, strlen(text), &id[i], NULL) != 0;
	}
	is_int(failed, 0, "unwritable: appends still succeed");
	is_int((int64_t)spool_count(s), 4, "unwritable: every entry held");
	is_int((int64_t)d.errors, 1, "unwritable: one error, not one per entry");
	ok(d.n >= 1 && strstr(d.v[0].message, "keeping entries in memory"),
	   "unwritable: the error says they are kept in memory (%s)", d.n ? d.v[0].message : "");
	is_int(spool_read(s, id[2], &b), 0, "unwritable: an entry in memory is read");
	is_int((int64_t)b.len, 11, "unwritable: ... whole");
	ok(b.len == 11 && memcmp(b.data, "in memory 2", 11) == 0, "unwritable: ... as appended");
	is_int(mkdir(sub, 0700), 0, "unwritable: the folder is back");
	is_int(spool_append(s, "on disk again", 13, &id[4], NULL), 0, "unwritable: append after");
	is_int((int64_t)d.warnings, 1, "unwritable: that writes work again is said once");
	snprintf(path, sizeof(path), "%s/%020llu.ntf", sub, (unsigned long long)id[4]);
	is_int(access(path, F_OK), 0, "unwritable: the new entry is a file again");
	is_int(spool_remove(s, id[1]), 0, "unwritable: an entry in memory is removed");
	is_int(spool_remove(s, id[4]), 0, "unwritable: a file entry is removed");
	is_int(access(path, F_OK), -1, "unwritable: ... with its file");
	is_int((int64_t)spool_count(s), 3, "unwritable: count after removals");
	buf_release(&b);
	spool_free(s);
	diag_release(&d);
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/mpmon-spool-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		tap_diag("mkdtemp failed");
		return 1;
	}
	test_disk();
	test_memory();
	test_unwritable();
	cleanup();
	return tap_done();
}
