/*
 * File helpers: bounded whole-file reads, sorted folder listings (sorted so
 * that loading a folder of packs is deterministic), and the one way files
 * are replaced atomically (checkpoint, state file, spool entries, seek files).
 */
#include "lib/file.h"

#include "lib/array.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, size_t max, char **data, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *p = NULL;
	int fd, r = 0;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if ((size_t)st.st_size > max) {
		r = -EFBIG;
		goto out;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, p + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;	/* shrank while reading: take what is there */
		got += (size_t)n;
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	p = NULL;
out:
	free(p);
	close(fd);
	return r;
}

const char *file_read_error(int r)
{
	return r == -EINVAL ? "not a regular file" : strerror(-r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void file_list_free(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

int file_list(const char *dir, const char *suffix, char ***names)
{
	size_t n = 0, cap = 0, sl = strlen(suffix);
	char **v = NULL;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	if (array_grow((void **)&v, &cap, 1, sizeof(*v)) < 0)
		return -ENOMEM;
	v[0] = NULL;
	d = opendir(dir);
	if (!d) {
		int r = -errno;

		free(v);
		return r;
	}
	while ((de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		struct stat st;
		char *full;

		if (de->d_name[0] == '.' || nl < sl || strcmp(de->d_name + nl - sl, suffix))
			continue;
		full = malloc(strlen(dir) + nl + 2);
		if (!full)
			goto nomem;
		strcpy(full, dir);
		strcat(full, "/");
		strcat(full, de->d_name);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(full);
			continue;
		}
		/* room for the name and the NULL after it */
		if (array_grow((void **)&v, &cap, n + 2, sizeof(*v)) < 0) {
			free(full);
			goto nomem;
		}
		v[n++] = full;
		v[n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	return (int)n;
nomem:
	closedir(d);
	file_list_free(v);
	return -ENOMEM;
}

/* Write all len bytes at p to fd. 0 or -errno. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int file_write_atomic(const char *dir, const char *name, const void *data, size_t len,
		      unsigned flags)
{
	char tmp[4096], path[4096];
	bool sync = !(flags & FILE_NO_SYNC);
	int fd, r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)(flags & 07777));
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return sync ? sync_dir(dir) : 0;
}
