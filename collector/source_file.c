/*
 * Text log files: a glob of files in one folder, followed with inotify (or, only
 * when inotify is unavailable, by stat polling once a second). Each file is
 * known by its identity: device, inode and a hash of its first bytes, its
 * fingerprint. A file rewritten in place whose first bytes are another
 * followed file's fingerprint holds a copy of that file and is not read again
 * (as Zabbix's logrt tells copies by an MD5 of their first block); otherwise
 * it is new content. A file renamed or deleted away is read to its end before
 * it is let go; a truncated file (copytruncate) is detected by its size or by a
 * hash of the bytes just before our position, and its copy, when one is next to
 * it, is read to its end first, so no line is lost when the writer outran us.
 * What cannot be read (a saved file gone while mpmond was down) is logged and
 * counted in the source's lost_ counters. Positions are the start
 * of the next complete line (a partial last line is not consumed: it is read
 * again when its newline has come), and carry the hash of the bytes before
 * them, so copytruncate and inode reuse are also noticed across a restart.
 * Reads are batched (one pread per buffer, not per line). Only regular files
 * are read: a name under the glob that is a symlink, a FIFO, a folder or a file
 * we may not open is logged once and looked at again when the folder changes.
 */
#include "collector/source.h"

#include "collector/config.h"
#include "lib/buf.h"
#include "lib/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define HEAD_BYTES 1024		/* fingerprint: hash of up to this many first bytes */
#define TAIL_BYTES 64		/* position check: hash of up to this many bytes before it */
#define READ_CHUNK (64u << 10)
#define WORK_PER_CALL (8u << 20)	/* bytes per process() before yielding to the loop */
#define MAX_FILES 1024		/* open files per source, live and rotated */
#define POLL_US 1000000		/* stat polling, only without inotify */
#define RETRY_US 5000000	/* folder missing: look again */
#define MAX_SAVED 1024
#define MAX_MOVED 32		/* renames away from the glob between two scans */
#define MAX_REFUSED 64		/* names not followed that are remembered as logged */
#define COPY_QUIET_US 1000000	/* a copy that did not grow for this long is complete */

struct ident {
	dev_t dev;
	ino_t ino;
	uint32_t head_len;
	uint64_t head_hash;
};

/* How far a content was read: enough to tell a copy of it. */
struct mark {
	struct ident id;
	uint64_t pos;
	uint32_t tail_len;
	uint64_t tail_hash;
};

struct tfile {
	struct tfile *next;
	char *path;		/* name it was last seen under */
	int fd, wd;
	struct ident id;
	uint64_t pos;		/* start of the next line to deliver (or inside a cut line) */
	uint32_t tail_len;
	uint64_t tail_hash;	/* of the tail_len bytes before pos */
	long lineno;		/* lines delivered so far */
	bool skipping;		/* pos is inside a cut line */
	bool rotated;		/* no longer under its name: read to the end, then close */
	bool cut_logged;
	bool seen;
	int64_t idle_since;	/* rotated and at its end since (monotonic µs), 0 = not */
	off_t last_size;
	uint64_t size_seen;	/* the size at the last read */
	struct mark prev;	/* the content before the last rewrite (head_len 0: none) */
	long prev_lineno;
	uint64_t prev_unread;	/* bytes we had seen past prev.pos */
	int64_t judge_at;	/* emptied, no copy found: what was lost is said when content
				 * comes, or COPY_QUIET_US after this; 0: nothing to say */
	int64_t copy_at;	/* holds a copy of another file, last grown then; 0: not */
	/* copytruncate: the copy read last, and when we last started over. */
	dev_t copy_dev;
	ino_t copy_ino;
	struct timespec restart_mtime;
	bool restarted;
};

/* A position from the checkpoint, waiting for its file. */
struct saved {
	struct ident id;
	uint64_t pos;
	uint32_t tail_len;
	uint64_t tail_hash;
	long lineno;
	bool skipping;
	uint64_t size;		/* the file's size then, when size_known */
	bool size_known;	/* not in a checkpoint of version 1 */
	char *path;
	bool used;
};

struct fsrc {
	char *dir;		/* folder of the glob */
	char *base;		/* file-name part of the glob */
	int ino_fd;		/* inotify, or -1 */
	int dir_wd;		/* -1 while the folder is not watched */
	bool need_scan;		/* the folder changed: glob again */
	bool first_scan;
	int64_t next_poll;	/* polling or retry, INT64_MAX when not needed */
	struct tfile *files;
	size_t nfiles;
	struct saved *saved;
	size_t nsaved;
	char *buf;
	size_t cap;
	/*
	 * Names that files under the glob were renamed to, outside it: a file
	 * created and rotated away before we opened it is found there.
	 */
	char moved[MAX_MOVED][NAME_MAX + 1];
	size_t nmoved;
	uint32_t from_cookie;	/* of the last IN_MOVED_FROM of a name under the glob */
	/*
	 * Names under the glob not followed, and why (hashed): logged when the
	 * scan that finds them so is the first to, so a FIFO or an unreadable
	 * file is not logged again at every change of the folder.
	 */
	uint64_t refused[MAX_REFUSED], refused_now[MAX_REFUSED];
	size_t nrefused, nrefused_now;
	bool refused_overflow;
	int dir_error;		/* why the folder cannot be watched (logged), 0: it can */
};

static uint64_t hash_bytes(const char *p, size_t n)
{
	struct str s = { p, n };

	return str_hash(s);
}

/* Hash n bytes at off; -EIO when the file is shorter. */
static int hash_at(int fd, uint64_t off, uint32_t n, uint64_t *h)
{
	char b[HEAD_BYTES];
	ssize_t r;

	if (n == 0) {
		*h = hash_bytes("", 0);
		return 0;
	}
	r = pread(fd, b, n, (off_t)off);
	if (r < 0)
		return -errno;
	if ((uint32_t)r != n)
		return -EIO;
	*h = hash_bytes(b, n);
	return 0;
}

/* The identity of an open file; its head covers up to HEAD_BYTES of what is there. */
static int ident_of(int fd, struct ident *id)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->head_len = st.st_size < HEAD_BYTES ? (uint32_t)st.st_size : HEAD_BYTES;
	return hash_at(fd, 0, id->head_len, &id->head_hash);
}

/* Whether the open file starts with the bytes the identity was taken from. */
static bool head_matches(int fd, const struct ident *id)
{
	uint64_t h;

	return hash_at(fd, 0, id->head_len, &h) == 0 && h == id->head_hash;
}

/* Whether the bytes before pos are the ones we read there. */
static bool tail_matches(int fd, uint64_t pos, uint32_t tail_len, uint64_t tail_hash)
{
	uint64_t h;

	if (tail_len > pos)
		return false;
	return hash_at(fd, pos - tail_len, tail_len, &h) == 0 && h == tail_hash;
}

static void update_tail(struct tfile *f)
{
	f->tail_len = f->pos < TAIL_BYTES ? (uint32_t)f->pos : TAIL_BYTES;
	if (hash_at(f->fd, f->pos - f->tail_len, f->tail_len, &f->tail_hash) < 0)
		f->tail_len = 0, f->tail_hash = hash_bytes("", 0);
}

/* Once per file: "FILE:LINE: line longer than N bytes, cut". */
static void log_cut(const char *file, long line, size_t max)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), "%s:%ld: line longer than %zu bytes, cut", file, line, max);
	source_logger(LOG_WARNING, msg);
}

/*
 * Deliver the complete lines of f from its position, at most *budget bytes.
 * Returns 0 at the end of what is there, 1 when the budget ran out, -errno.
 */
static void drain(struct fsrc *fs);

static int read_lines(struct source *s, struct fsrc *fs, struct tfile *f, size_t *budget)
{
	size_t max = s->conf->max_line;
	bool moved = false;
	int ret = 0;

	for (;;) {
		ssize_t n = pread(f->fd, fs->buf, fs->cap, (off_t)f->pos);
		char *p, *end;

		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		p = fs->buf;
		end = p + n;
		while (p < end) {
			char *nl;

			if (f->skipping) {
				nl = memchr(p, '\n', end - p);
				if (!nl) {
					f->pos += end - p;
					p = end;
					break;
				}
				f->pos += nl + 1 - p;
				p = nl + 1;
				f->skipping = false;
				continue;
			}
			nl = memchr(p, '\n', (size_t)(end - p) < max + 1 ? (size_t)(end - p) : max + 1);
			if (nl) {
				size_t len = nl - p;

				if (len && p[len - 1] == '\r')
					len--;
				f->lineno++;
				f->pos += nl + 1 - p;
				s->st.records++;
				s->st.bytes += len;
				s->st.checksum += hash_bytes(p, len);
				s->h.line(s->h.arg, s, f->path, f->lineno, p, len);
				p = nl + 1;
			} else if ((size_t)(end - p) > max) {
				f->lineno++;
				s->st.cut++;
				if (!f->cut_logged)
					log_cut(f->path, f->lineno, max);
				f->cut_logged = true;
				s->st.records++;
				s->st.bytes += max;
				s->st.checksum += hash_bytes(p, max);
				s->h.line(s->h.arg, s, f->path, f->lineno, p, max);
				f->pos += max;
				p += max;
				f->skipping = true;
			} else {
				break;	/* a partial line: read again from its start next time */
			}
		}
		moved = true;
		if ((size_t)n < fs->cap && p < end)
			break;	/* only a partial line is left */
		if ((size_t)n < fs->cap && p == end)
			continue;	/* maybe more came meanwhile; the next pread says */
		if ((size_t)n > *budget) {
			*budget = 0;
			ret = 1;
			break;
		}
		*budget -= n;
		/* A file created now may be deleted again before a long backlog is
		 * read: go and open it first, or its lines are gone for good. */
		if (fs->ino_fd >= 0 && !fs->need_scan)
			drain(fs);
		if (fs->need_scan) {
			ret = 1;
			break;
		}
	}
	if (moved)
		update_tail(f);
	return ret;
}

static void close_file(struct fsrc *fs, struct tfile *f)
{
	if (f->wd >= 0 && fs->ino_fd >= 0)
		inotify_rm_watch(fs->ino_fd, f->wd);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

/* Whether file b starts with the first bytes of a (a copy of b's present content). */
static bool same_start(int a, int b)
{
	struct ident id;

	return ident_of(a, &id) == 0 && head_matches(b, &id);
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static struct mark mark_of(const struct tfile *f)
{
	return (struct mark){ f->id, f->pos, f->tail_len, f->tail_hash };
}

/*
 * Whether fd, of size bytes, holds a copy of the content m says we read: its
 * first bytes hash to m's fingerprint, and it has the bytes before m's position,
 * or, when it is shorter (a copy still being written, or made before we read
 * on), ends with the bytes that ref_fd (m's file, or -1 when its content is
 * gone) has at the same offset. A fingerprint of fewer than HEAD_BYTES (a
 * short file) counts only for a copy of exactly that length.
 */
static bool holds_copy(int fd, uint64_t size, const struct mark *m, int ref_fd)
{
	uint64_t a, b;
	uint32_t n;

	if (!m->id.head_len || (m->id.head_len < HEAD_BYTES && size != m->id.head_len) ||
	    size < m->id.head_len || !head_matches(fd, &m->id))
		return false;
	if (size >= m->pos)
		return tail_matches(fd, m->pos, m->tail_len, m->tail_hash);
	if (ref_fd < 0)
		return true;
	n = size < TAIL_BYTES ? (uint32_t)size : TAIL_BYTES;
	return hash_at(fd, size - n, n, &a) == 0 && hash_at(ref_fd, size - n, n, &b) == 0 && a == b;
}

/*
 * The name of the file whose content fd (a file with identity self, just found
 * rewritten) now holds a copy of: another file we follow, as it is or as it was
 * before it was rewritten, or one of the checkpoint. NULL when none.
 */
static const char *copy_of(const struct fsrc *fs, int fd, uint64_t size, const struct ident *self)
{
	const struct tfile *g;
	size_t i;

	for (g = fs->files; g; g = g->next) {
		struct mark m = mark_of(g);

		if (g->id.dev == self->dev && g->id.ino == self->ino)
			continue;
		if (holds_copy(fd, size, &m, g->fd) || holds_copy(fd, size, &g->prev, -1))
			return g->path;
	}
	for (i = 0; i < fs->nsaved; i++) {
		const struct saved *sv = &fs->saved[i];
		struct mark m = { sv->id, sv->pos, sv->tail_len, sv->tail_hash };

		if ((sv->id.dev != self->dev || sv->id.ino != self->ino) && holds_copy(fd, size, &m, -1))
			return sv->path;
	}
	return NULL;
}

/* f now holds a copy, to its end: what comes next is read as appended. */
static void skip_copy(struct tfile *f, const struct stat *st)
{
	f->pos = (uint64_t)st->st_size;
	f->skipping = false;
	update_tail(f);
	if (f->id.head_len < HEAD_BYTES && (uint64_t)st->st_size > f->id.head_len)
		ident_of(f->fd, &f->id);
}

/*
 * f was rewritten: if with a copy of another file's content, log it and take
 * the copy as read (what it holds past that file's position is read from it
 * when that file is seen truncated: read_copy). Returns true then.
 */
static bool take_copy(struct source *s, struct fsrc *fs, struct tfile *f, const struct stat *st)
{
	const char *orig = copy_of(fs, f->fd, (uint64_t)st->st_size, &f->id);

	if (!orig)
		return false;
	source_log(s, LOG_INFO, "'%s' was overwritten with a copy of '%s': not read again", f->path,
		   orig);
	if (f->restarted && f->pos == 0) {
		f->judge_at = 0;	/* emptied for this copy: nothing lost */
	} else {
		s->st.rotations++;
		f->prev = mark_of(f);
	}
	f->lineno = 0;
	f->restarted = false;
	f->copy_at = source_now();
	ident_of(f->fd, &f->id);
	skip_copy(f, st);
	return true;
}

/*
 * f holds a copy: while it grows (the copy is still being written) it is not
 * read. Returns false when it is to be read again: rewritten once more, or
 * appended to after it stayed the same for COPY_QUIET_US.
 */
static bool still_copy(struct tfile *f, const struct stat *st)
{
	int64_t now = source_now();

	if ((uint64_t)st->st_size < f->pos || !tail_matches(f->fd, f->pos, f->tail_len, f->tail_hash) ||
	    ((uint64_t)st->st_size > f->pos && now - f->copy_at >= COPY_QUIET_US)) {
		f->copy_at = 0;
		return false;
	}
	if ((uint64_t)st->st_size > f->pos) {
		f->copy_at = now;
		skip_copy(f, st);
	}
	return true;
}

/*
 * A file was truncated under us. Its copy (a file in the same folder whose name
 * starts with ours, with our head and the bytes before our position) holds the
 * rest we had not read: read it from our position before starting over.
 *
 * missed: we were at the start of a file we had started over, and a new copy
 * appeared, written after we started over: the writer filled the file and it
 * was copied and truncated again before we read any of it (we were busy, e.g.
 * in fsync). That copy is all unread.
 */
static bool read_copy(struct source *s, struct fsrc *fs, struct tfile *f, bool missed)
{
	const char *name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	size_t nlen = strlen(name), budget = SIZE_MAX;
	struct dirent *de;
	DIR *d = opendir(fs->dir);
	bool found = false;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		struct tfile c = *f;
		char path[PATH_MAX];
		struct stat st;

		if (strncmp(de->d_name, name, nlen) != 0 || de->d_name[nlen] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fs->dir, de->d_name);
		/* Any name that starts with ours: a FIFO among them must not block. */
		c.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (c.fd < 0)
			continue;
		if (fstat(c.fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_ino != f->id.ino &&
		    (missed ? (st.st_ino != f->copy_ino || st.st_dev != f->copy_dev) &&
				      newer(&st.st_mtim, &f->restart_mtime) && st.st_size > 0 &&
				      !same_start(c.fd, f->fd)
			    : head_matches(c.fd, &f->id) &&
				      tail_matches(c.fd, f->pos, f->tail_len, f->tail_hash))) {
			if (missed)
				source_log(s, LOG_INFO, "'%s' was filled, copied to '%s' and truncated "
					   "between two reads: reading the copy", f->path, path);
			c.path = path;
			c.pos = missed ? 0 : f->pos;
			read_lines(s, fs, &c, &budget);
			close(c.fd);
			f->copy_dev = st.st_dev;
			f->copy_ino = st.st_ino;
			found = true;
			break;
		}
		close(c.fd);
	}
	closedir(d);
	return found;
}

static void watch_file(struct fsrc *fs, struct tfile *f)
{
	char proc[64];

	f->wd = -1;
	if (fs->ino_fd < 0)
		return;
	/* By descriptor, so the watch is on the inode we opened, whatever the name is now. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	f->wd = inotify_add_watch(fs->ino_fd, proc, IN_MODIFY);
}

/* Start f over from its beginning (truncated, or a new file took the inode). */
/*
 * f was truncated and no copy of what it held was found: the bytes we had seen
 * past our position are lost. A renamed file we had read to its end was not
 * written to any more as far as we know; a file under its name may have been,
 * just before.
 */
static void judge_loss(struct source *s, struct tfile *f)
{
	f->judge_at = 0;
	if (f->prev_unread) {
		source_log(s, LOG_WARNING, "'%s' was truncated and no copy of it has the %" PRIu64
			   " bytes after line %ld: they are lost", f->path, f->prev_unread,
			   f->prev_lineno);
		s->st.lost_files++;
		s->st.lost_bytes += f->prev_unread;
	} else if (f->prev.pos && !f->rotated) {
		source_log(s, LOG_WARNING, "'%s' was truncated and no copy of it has the %" PRIu64
			   " bytes we had read: lines after them may be lost", f->path, f->prev.pos);
	}
}

/*
 * Start f over from its beginning (truncated, or a new file took the inode).
 * An empty file is judged when content comes (judge_loss): a copy of another
 * file being written into it, from its first bytes (take_copy), loses nothing.
 */
static void restart_file(struct source *s, struct fsrc *fs, struct tfile *f,
			 const struct stat *st)
{
	bool copied = read_copy(s, fs, f, false);

	f->prev = mark_of(f);
	f->prev_lineno = f->lineno;
	f->prev_unread = f->size_seen > f->pos ? f->size_seen - f->pos : 0;
	f->judge_at = copied ? 0 : source_now();
	if (f->judge_at && st->st_size > 0)
		judge_loss(s, f);
	s->st.rotations++;
	f->pos = 0;
	f->lineno = 0;
	f->skipping = false;
	f->tail_len = 0;
	f->tail_hash = hash_bytes("", 0);
	f->restarted = true;
	f->restart_mtime = st->st_mtim;
	ident_of(f->fd, &f->id);
}

/* Read f from its position; notice truncation first. */
static int follow(struct source *s, struct fsrc *fs, struct tfile *f, size_t *budget)
{
	struct stat st;
	int r;

	if (fstat(f->fd, &st) < 0)
		return -errno;
	if (f->copy_at && still_copy(f, &st))
		return 0;
	if ((uint64_t)st.st_size < f->pos ||
	    (f->pos && !tail_matches(f->fd, f->pos, f->tail_len, f->tail_hash))) {
		if (take_copy(s, fs, f, &st)) {
			f->size_seen = f->pos;
			return 0;
		}
		source_log(s, LOG_INFO, "'%s' was truncated: reading it from the start", f->path);
		restart_file(s, fs, f, &st);
	} else if (f->pos == 0 && f->restarted && st.st_size > 0 && take_copy(s, fs, f, &st)) {
		f->size_seen = f->pos;
		return 0;
	} else if (f->pos == 0 && f->restarted && read_copy(s, fs, f, true)) {
		f->restart_mtime = st.st_mtim;
	} else if (f->id.head_len < HEAD_BYTES && (uint64_t)st.st_size > f->id.head_len) {
		ident_of(f->fd, &f->id);	/* the head grew: identity covers more */
	}
	if (f->judge_at && (st.st_size > 0 || source_now() - f->judge_at >= COPY_QUIET_US))
		judge_loss(s, f);
	r = read_lines(s, fs, f, budget);
	if (r < 0)
		source_log(s, LOG_ERR, "'%s': read error: %s", f->path, strerror(-r));
	f->size_seen = (uint64_t)st.st_size > f->pos ? (uint64_t)st.st_size : f->pos;
	return r;
}

/*
 * path is under the glob but not followed: log why, unless the previous scan
 * found it so already. why tells reasons apart (an errno or a file type).
 */
static void refuse(struct source *s, struct fsrc *fs, const char *path, unsigned why,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void refuse(struct source *s, struct fsrc *fs, const char *path, unsigned why,
		   const char *fmt, ...)
{
	uint64_t key = hash_bytes(path, strlen(path)) ^ ((uint64_t)why * 0x9e3779b97f4a7c15u);
	char msg[512];
	va_list ap;
	size_t i;

	for (i = 0; i < fs->nrefused_now; i++)
		if (fs->refused_now[i] == key)
			return;
	if (fs->nrefused_now == MAX_REFUSED) {
		if (!fs->refused_overflow)
			source_log(s, LOG_ERR, "more than %d files under '%s' are not followed: "
				   "the others are not logged", MAX_REFUSED, s->conf->path);
		fs->refused_overflow = true;
		return;
	}
	fs->refused_now[fs->nrefused_now++] = key;
	for (i = 0; i < fs->nrefused; i++)
		if (fs->refused[i] == key)
			return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	source_log(s, LOG_ERR, "%s: %s", path, msg);
}

static const char *file_kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFIFO: return "a FIFO";
	case S_IFDIR: return "a folder";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFLNK: return "a symbolic link";
	default: return "not a regular file";
	}
}

/*
 * A file of the checkpoint went away (what: "is gone", or rewritten with no
 * copy left) before mpmond read all of it: log what could not be read and
 * count it. The bytes between the saved position and the saved size are known
 * to be lost; what was written to the file after the checkpoint is not known.
 */
static void lost_rest(struct source *s, const struct saved *sv, const char *path,
		      const char *what, const char *then)
{
	uint64_t n = sv->size_known && sv->size > sv->pos ? sv->size - sv->pos : 0;

	if (!sv->size_known) {
		source_log(s, LOG_WARNING, "'%s' %s: what it had after line %ld was not read (how "
			   "much is unknown: the checkpoint is of version 1)%s", path, what,
			   sv->lineno, then);
		s->st.lost_files++;
	} else if (n) {
		source_log(s, LOG_WARNING, "'%s' %s: the %" PRIu64 " bytes after line %ld (its size "
			   "at the last checkpoint) were not read, nor anything written to it later%s",
			   path, what, n, sv->lineno, then);
		s->st.lost_files++;
		s->st.lost_bytes += n;
	} else {
		source_log(s, LOG_NOTICE, "'%s' %s: it was read to its end (line %ld) at the last "
			   "checkpoint; what was written to it later, if anything, is unknown%s",
			   path, what, sv->lineno, then);
	}
}

/* The saved position for this identity, if the checkpoint had one. */
static struct saved *find_saved(struct fsrc *fs, const struct ident *id)
{
	size_t i;

	for (i = 0; i < fs->nsaved; i++)
		if (!fs->saved[i].used && fs->saved[i].id.dev == id->dev && fs->saved[i].id.ino == id->ino)
			return &fs->saved[i];
	return NULL;
}

static struct tfile *open_file(struct source *s, struct fsrc *fs, const char *path, bool at_start)
{
	const char *orig;
	struct tfile *f;
	struct saved *sv;
	struct stat st;

	if (fs->nfiles >= MAX_FILES) {
		refuse(s, fs, path, 0, "more than %d files open: not followed", MAX_FILES);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->wd = -1;
	f->path = strdup(path);
	/* O_NONBLOCK: a FIFO put in the file's place must not block the loop. */
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (f->fd < 0 && errno != ENOENT)
		refuse(s, fs, path, (unsigned)errno, "cannot open: %s", strerror(errno));
	else if (f->fd >= 0 && fstat(f->fd, &st) == 0 && !S_ISREG(st.st_mode))
		refuse(s, fs, path, st.st_mode & S_IFMT, "%s, not a regular file: not read",
		       file_kind(st.st_mode));
	if (!f->path || f->fd < 0 || fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    ident_of(f->fd, &f->id) < 0) {
		close_file(fs, f);
		return NULL;
	}
	f->tail_hash = hash_bytes("", 0);
	sv = find_saved(fs, &f->id);
	if (sv) {
		struct tfile old = *f;

		sv->used = true;
		old.pos = sv->pos;
		old.tail_len = sv->tail_len;
		old.tail_hash = sv->tail_hash;
		old.lineno = sv->lineno;
		old.skipping = sv->skipping;
		old.id = sv->id;
		if (head_matches(f->fd, &sv->id) && (uint64_t)st.st_size >= sv->pos &&
		    tail_matches(f->fd, sv->pos, sv->tail_len, sv->tail_hash)) {
			f->pos = sv->pos;
			f->tail_len = sv->tail_len;
			f->tail_hash = sv->tail_hash;
			f->lineno = sv->lineno;
			f->skipping = sv->skipping;
			f->id = sv->id;
		} else if ((orig = copy_of(fs, f->fd, (uint64_t)st.st_size, &f->id))) {
			source_log(s, LOG_INFO, "'%s' was overwritten with a copy of '%s' while mpmond "
				   "was down: not read again", path, orig);
			f->copy_at = source_now();
			skip_copy(f, &st);
		} else if (read_copy(s, fs, &old, false)) {
			/* Truncated or a new file on a reused inode while we were down. */
			source_log(s, LOG_INFO, "'%s' changed while mpmond was down: its copy was read "
				   "from line %ld on; reading it from the start", path, sv->lineno);
		} else {
			lost_rest(s, sv, path, "changed while mpmond was down and no copy of it is left",
				  "; reading it from the start");
		}
	} else if (at_start && (s->conf->start == START_END || s->force_end)) {
		/* Seen for the first time at startup: start at its last complete line. */
		f->pos = (uint64_t)st.st_size;
		if (f->pos) {
			char c;

			while (f->pos > 0 && pread(f->fd, &c, 1, (off_t)(f->pos - 1)) == 1 && c != '\n')
				f->pos--;
		}
		update_tail(f);
	}
	watch_file(fs, f);
	f->next = fs->files;
	fs->files = f;
	fs->nfiles++;
	return f;
}

/*
 * Files the checkpoint named but that are no longer under a watched name: renamed
 * away while we were down. Read the rest of each one found in the folder.
 */
static void read_saved_rotated(struct source *s, struct fsrc *fs)
{
	size_t i, budget = SIZE_MAX;

	for (i = 0; i < fs->nsaved; i++) {
		struct saved *sv = &fs->saved[i];
		struct dirent *de;
		DIR *d;

		bool found = false;

		if (sv->used)
			continue;
		d = opendir(fs->dir);
		if (!d)
			return;	/* the folder may come back with them */
		sv->used = true;
		while (!found && (de = readdir(d))) {
			struct tfile c = { .wd = -1 };
			char path[PATH_MAX];
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", fs->dir, de->d_name);
			if (de->d_ino != sv->id.ino || stat(path, &st) < 0 || st.st_dev != sv->id.dev ||
			    !S_ISREG(st.st_mode))
				continue;
			c.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
			if (c.fd < 0)
				continue;
			found = true;
			if (head_matches(c.fd, &sv->id) &&
			    tail_matches(c.fd, sv->pos, sv->tail_len, sv->tail_hash)) {
				c.path = path;
				c.pos = sv->pos;
				c.lineno = sv->lineno;
				c.skipping = sv->skipping;
				source_log(s, LOG_INFO, "reading the rest of rotated '%s'", path);
				read_lines(s, fs, &c, &budget);
			} else if (fstat(c.fd, &st) == 0 && copy_of(fs, c.fd, (uint64_t)st.st_size, &sv->id)) {
				source_log(s, LOG_INFO, "'%s' was overwritten with a copy of '%s' while "
					   "mpmond was down: not read again", path,
					   copy_of(fs, c.fd, (uint64_t)st.st_size, &sv->id));
			} else {
				lost_rest(s, sv, path, "changed while mpmond was down and no copy of it is left", "");
			}
			close(c.fd);
		}
		closedir(d);
		if (!found)
			lost_rest(s, sv, sv->path, "is gone", "");
	}
}

/*
 * Watch the folder (inotify) or, when polling, look that it is there. Its
 * absence is logged once, and so is its appearance after that.
 */
static void watch_dir(struct source *s, struct fsrc *fs)
{
	int every = (fs->ino_fd < 0 ? POLL_US : RETRY_US) / 1000000, e = 0;
	struct stat st;

	if (fs->ino_fd >= 0 && fs->dir_wd >= 0)
		return;
	/* IN_ATTRIB: a file we could not open may have been made readable. */
	if (fs->ino_fd >= 0)
		fs->dir_wd = inotify_add_watch(fs->ino_fd, fs->dir,
					       IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
					       IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |
					       IN_ONLYDIR);
	if (fs->ino_fd >= 0 && fs->dir_wd < 0)
		e = errno;
	else if (fs->ino_fd < 0 && stat(fs->dir, &st) < 0)
		e = errno;
	else if (fs->ino_fd < 0 && !S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (e && !fs->dir_error && e == ENOENT)
		source_log(s, LOG_WARNING, "folder '%s' does not exist: looking for it every %d s",
			   fs->dir, every);
	else if (e && !fs->dir_error)
		source_log(s, LOG_WARNING, "cannot watch '%s': %s; looking again every %d s", fs->dir,
			   strerror(e), every);
	else if (!e && fs->dir_error == ENOENT)
		source_log(s, LOG_NOTICE, "folder '%s' appeared: following '%s'", fs->dir, s->conf->path);
	else if (!e && fs->dir_error)
		source_log(s, LOG_NOTICE, "'%s' can be watched again: following '%s'", fs->dir,
			   s->conf->path);
	fs->dir_error = e;
}

/* f is now known as path (kept as it was when out of memory). */
static void set_path(struct tfile *f, const char *path)
{
	char *p;

	if (strcmp(f->path, path) == 0 || !(p = strdup(path)))
		return;
	free(f->path);
	f->path = p;
}

/* Glob again: new files are opened, files gone from their name become rotated. */
static void scan(struct source *s, struct fsrc *fs)
{
	struct tfile *f;
	glob_t g;
	size_t i;
	int r;

	watch_dir(s, fs);
	for (f = fs->files; f; f = f->next)
		f->seen = false;
	fs->nrefused_now = 0;
	r = glob(s->conf->path, GLOB_NOSORT, NULL, &g);
	for (i = 0; r == 0 && i < g.gl_pathc; i++) {
		struct stat st;

		/* Symbolic links are not followed: a log folder is often writable by others. */
		if (lstat(g.gl_pathv[i], &st) < 0) {
			if (errno != ENOENT)	/* gone since the glob: nothing to say */
				refuse(s, fs, g.gl_pathv[i], (unsigned)errno, "cannot look at it: %s",
				       strerror(errno));
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			refuse(s, fs, g.gl_pathv[i], st.st_mode & S_IFMT, "%s, not a regular file: %s",
			       file_kind(st.st_mode), S_ISLNK(st.st_mode) ? "not followed" : "not read");
			continue;
		}
		for (f = fs->files; f; f = f->next)
			if (f->id.dev == st.st_dev && f->id.ino == st.st_ino)
				break;
		if (f) {
			set_path(f, g.gl_pathv[i]);
			f->rotated = false;
			f->idle_since = 0;
		} else {
			f = open_file(s, fs, g.gl_pathv[i], fs->first_scan);
		}
		if (f)
			f->seen = true;
	}
	if (r == 0)
		globfree(&g);
	memcpy(fs->refused, fs->refused_now, fs->nrefused_now * sizeof(fs->refused[0]));
	fs->nrefused = fs->nrefused_now;
	if (fs->nrefused_now < MAX_REFUSED)
		fs->refused_overflow = false;
	for (f = fs->files; f; f = f->next)
		if (!f->seen && !f->rotated) {
			f->rotated = true;
			s->st.rotations++;
		}
	for (i = 0; i < fs->nmoved; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", fs->dir, fs->moved[i]);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		for (f = fs->files; f; f = f->next)
			if (f->id.dev == st.st_dev && f->id.ino == st.st_ino)
				break;
		if (f) {
			/* ours already, marked rotated above: name it by its new name */
			set_path(f, path);
			continue;
		}
		f = open_file(s, fs, path, false);
		if (f) {
			source_log(s, LOG_INFO, "'%s' was rotated before it was read: reading it", path);
			f->rotated = true;
			s->st.rotations++;
		}
	}
	fs->nmoved = 0;
	if (fs->first_scan)
		read_saved_rotated(s, fs);
	fs->first_scan = false;
	fs->need_scan = false;
}

/* Drain inotify; a change of the folder's entries asks for a new glob. */
static void drain(struct fsrc *fs)
{
	char b[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(fs->ino_fd, b, sizeof(b))) > 0) {
		char *p = b;

		while (p < b + n) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB |
					IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
				fs->need_scan = true;
			if (ev->wd == fs->dir_wd && (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)))
				fs->dir_wd = -1;
			if (ev->wd == fs->dir_wd && ev->len && (ev->mask & IN_MOVED_FROM) &&
			    fnmatch(fs->base, ev->name, FNM_PERIOD) == 0)
				fs->from_cookie = ev->cookie ? ev->cookie : 1;
			else if (ev->wd == fs->dir_wd && ev->len && (ev->mask & IN_MOVED_TO) &&
				 ev->cookie == fs->from_cookie &&
				 fnmatch(fs->base, ev->name, FNM_PERIOD) != 0 && fs->nmoved < MAX_MOVED &&
				 strlen(ev->name) <= NAME_MAX)
				strcpy(fs->moved[fs->nmoved++], ev->name);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static int file_process(struct source *s, bool *more)
{
	struct fsrc *fs = s->impl;
	size_t budget = WORK_PER_CALL;
	struct tfile *f, **pp;
	int64_t now = source_now();
	int pass;

	*more = false;
	/* A reload may have changed max_line: the buffer holds a whole line. */
	if (fs->cap != s->conf->max_line + 1 + READ_CHUNK) {
		char *b = realloc(fs->buf, s->conf->max_line + 1 + READ_CHUNK);

		if (!b)
			return -ENOMEM;
		fs->buf = b;
		fs->cap = s->conf->max_line + 1 + READ_CHUNK;
	}
	if (fs->ino_fd >= 0)
		drain(fs);
	if (fs->ino_fd < 0 || fs->dir_wd < 0) {
		fs->need_scan = true;
		fs->next_poll = now + (fs->ino_fd < 0 ? POLL_US : RETRY_US);
	} else {
		fs->next_poll = INT64_MAX;
	}
	if (fs->need_scan)
		scan(s, fs);
	/* Rotated files first: the rest of an old file comes before the new one. */
	for (pass = 0; pass < 2; pass++)
		for (f = fs->files; f; f = f->next)
			if (f->rotated == (pass == 0) && budget && follow(s, fs, f, &budget) == 1)
				*more = true;
	/* Let go of rotated files that stayed at their end for rotate_wait. */
	for (pp = &fs->files; (f = *pp);) {
		if (f->rotated && !*more) {
			struct stat st;

			/* Still written to (a writer that has not reopened yet): wait longer. */
			if (fstat(f->fd, &st) == 0 && st.st_size != f->last_size) {
				f->last_size = st.st_size;
				f->idle_since = now;
			} else if (!f->idle_since) {
				f->idle_since = now;
			}
			if (f->idle_since && now - f->idle_since >= s->conf->rotate_wait_us) {
				if (f->judge_at)
					judge_loss(s, f);
				*pp = f->next;
				fs->nfiles--;
				close_file(fs, f);
				continue;
			}
		}
		pp = &f->next;
	}
	return 0;
}

static int64_t file_next_wakeup(const struct source *s)
{
	const struct fsrc *fs = s->impl;
	int64_t t = fs->next_poll;
	const struct tfile *f;

	for (f = fs->files; f; f = f->next) {
		if (f->rotated && f->idle_since && f->idle_since + s->conf->rotate_wait_us < t)
			t = f->idle_since + s->conf->rotate_wait_us;
		if (f->judge_at && f->judge_at + COPY_QUIET_US < t)
			t = f->judge_at + COPY_QUIET_US;
	}
	return t;
}

static int file_start(struct source *s)
{
	struct fsrc *fs = s->impl;
	bool more;

	fs->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fs->ino_fd < 0)
		source_log(s, LOG_WARNING, "inotify unavailable (%s): polling every %d s",
			   strerror(errno), POLL_US / 1000000);
	s->fd = fs->ino_fd;
	fs->need_scan = true;
	fs->first_scan = true;
	return file_process(s, &more);
}

/*
 * "file DEV INO HEADLEN HEADHASH POS TAILLEN TAILHASH LINENO SKIPPING SIZE PATH":
 * SIZE, the file's size now, tells how much a file that is gone by the next
 * start took with it.
 */
static int file_save(const struct source *s, struct buf *out)
{
	const struct fsrc *fs = s->impl;
	const struct tfile *f;
	int r = 0;

	for (f = fs->files; f && r == 0; f = f->next) {
		struct stat st;
		uint64_t size = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : f->pos;

		r = buf_printf(out, "file %ju %ju %" PRIu32 " %016" PRIx64 " %" PRIu64 " %" PRIu32
			       " %016" PRIx64 " %ld %d %" PRIu64 " %s\n",
			       (uintmax_t)f->id.dev, (uintmax_t)f->id.ino, f->id.head_len,
			       f->id.head_hash, f->pos, f->tail_len, f->tail_hash, f->lineno,
			       f->skipping, size, f->path);
	}
	return r;
}

/*
 * A line of file_save, or of version 1, which had no SIZE: there PATH follows
 * SKIPPING. A token of digits and a space after SKIPPING is SIZE: mpmond's
 * paths are absolute; only a relative path of check_mpmon's that starts so
 * would be misread, and a path only names the file in messages.
 */
static int file_restore(struct source *s, const char *line)
{
	struct fsrc *fs = s->impl;
	struct saved sv = { 0 };
	uintmax_t dev, ino;
	int skipping, off = 0, more = 0;

	if (fs->nsaved == MAX_SAVED)
		return 0;
	if (sscanf(line, "file %ju %ju %" SCNu32 " %" SCNx64 " %" SCNu64 " %" SCNu32 " %" SCNx64
		   " %ld %d %n", &dev, &ino, &sv.id.head_len, &sv.id.head_hash, &sv.pos,
		   &sv.tail_len, &sv.tail_hash, &sv.lineno, &skipping, &off) != 9 || !off ||
	    sv.id.head_len > HEAD_BYTES || sv.tail_len > TAIL_BYTES || !line[off])
		return -EINVAL;
	if (line[off] >= '0' && line[off] <= '9' &&
	    sscanf(line + off, "%" SCNu64 " %n", &sv.size, &more) == 1 && more &&
	    line[off + more - 1] == ' ' && line[off + more]) {
		sv.size_known = true;
		off += more;
	}
	sv.id.dev = dev;
	sv.id.ino = ino;
	sv.skipping = skipping != 0;
	sv.path = strdup(line + off);
	if (!sv.path)
		return -ENOMEM;
	fs->saved[fs->nsaved++] = sv;
	return 0;
}

static void file_stop(struct source *s)
{
	struct fsrc *fs = s->impl;
	const struct tfile *f;
	bool unread = false;

	for (f = fs->files; f; f = f->next) {
		struct stat st;

		if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size > f->pos) {
			source_log(s, LOG_WARNING, "no longer configured: '%s' closed with %" PRIu64
				   " bytes not read", f->path, (uint64_t)st.st_size - f->pos);
			unread = true;
		}
	}
	if (!unread && fs->nfiles)
		source_log(s, LOG_INFO, "no longer configured: %zu files closed, all read", fs->nfiles);
}

static void file_free(struct source *s)
{
	struct fsrc *fs = s->impl;
	struct tfile *f, *next;
	size_t i;

	for (f = fs->files; f; f = next) {
		next = f->next;
		close_file(fs, f);
	}
	if (fs->ino_fd >= 0)
		close(fs->ino_fd);
	for (i = 0; i < fs->nsaved; i++)
		free(fs->saved[i].path);
	free(fs->saved);
	free(fs->buf);
	free(fs->dir);
	free(fs->base);
	free(fs);
}

static const struct source_ops file_ops = {
	.type = "file",
	.start = file_start,
	.process = file_process,
	.next_wakeup = file_next_wakeup,
	.save = file_save,
	.restore = file_restore,
	.stop = file_stop,
	.free = file_free,
};

int source_file_new(struct source *s)
{
	struct fsrc *fs = calloc(1, sizeof(*fs));
	const char *slash;

	if (!fs)
		return -ENOMEM;
	s->ops = &file_ops;
	s->impl = fs;
	fs->ino_fd = -1;
	fs->dir_wd = -1;
	fs->next_poll = INT64_MAX;
	slash = strrchr(s->conf->path, '/');
	fs->dir = strndup(s->conf->path, slash > s->conf->path ? (size_t)(slash - s->conf->path) : 1);
	fs->base = strdup(slash + 1);
	fs->cap = s->conf->max_line + 1 + READ_CHUNK;
	fs->buf = malloc(fs->cap);
	fs->saved = calloc(MAX_SAVED, sizeof(*fs->saved));
	if (!fs->dir || !fs->base || !fs->buf || !fs->saved)
		return -ENOMEM;
	return 0;
}
