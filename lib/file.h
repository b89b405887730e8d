/*
 * Whole files: reading them for the command-line tools (packs are read whole,
 * then parsed from memory by the loader, which does no I/O itself), and
 * replacing them atomically for the daemon and check_mpmon.
 */
#ifndef MPMON_LIB_FILE_H
#define MPMON_LIB_FILE_H

#include <stddef.h>

/*
 * Read the regular file at path, at most max bytes. On success *data (owned by the
 * caller, NUL-terminated) and *len are set and 0 is returned; otherwise -errno,
 * -EFBIG when the file is larger than max, -EISDIR / -EINVAL when it is not a
 * regular file.
 */
int file_read_all(const char *path, size_t max, char **data, size_t *len);

/*
 * A file_read_all() error for a message: "not a regular file" for -EINVAL (a
 * FIFO, socket or device is refused without waiting for a writer), else
 * strerror(-r).
 */
const char *file_read_error(int r);

/*
 * The names of the regular files in dir ending in suffix, sorted, as full paths
 * (dir + "/" + name). *names is a NULL-terminated array the caller frees with
 * file_list_free. Returns the count or -errno.
 */
int file_list(const char *dir, const char *suffix, char ***names);
void file_list_free(char **names);

/* file_write_atomic: skip both fsyncs (the caller chose speed over durability). */
#define FILE_NO_SYNC 0x10000

/*
 * Replace dir/name with the len bytes at data, so that a reader sees the old
 * file or the new one, whole: they go to dir/name.tmp, which is fsynced and
 * renamed over dir/name, then dir is fsynced, as the rename is durable only
 * once the folder is. flags: the new file's permission bits (0600, 0640; the
 * umask applies), or'ed with FILE_NO_SYNC. Returns 0 or -errno; on failure
 * before the rename dir/name is as it was and the temporary file is gone.
 */
int file_write_atomic(const char *dir, const char *name, const void *data, size_t len,
		      unsigned flags);

#endif
