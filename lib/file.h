/*
 * Whole-file reading for the command-line tools (packs are read whole, then
 * parsed from memory by the loader, which does no I/O itself).
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

#endif
