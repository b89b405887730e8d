/*
 * Unit tests of lib/file.c's file_write_atomic: the file is replaced whole
 * with the mode asked for, nothing is left behind when the write fails, and
 * a folder that is missing or may not be written is the errno it is.
 */
#include "lib/file.h"

#include "tests/unit/tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/mpmon-test-file.XXXXXX";

/* dir/name, in a static buffer. */
static const char *in_dir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* dir/name's content, or "(none)". */
static const char *content(const char *name)
{
	static char text[256];
	FILE *f = fopen(in_dir(name), "r");
	size_t n;

	if (!f)
		return "(none)";
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

static bool exists(const char *name)
{
	return access(in_dir(name), F_OK) == 0;
}

static mode_t mode_of(const char *name)
{
	struct stat st;

	return stat(in_dir(name), &st) < 0 ? 0 : st.st_mode & 07777;
}

/*
 * file_write_atomic(folder, "f", ...) as a user the folder's mode applies to:
 * as root, in a child that became nobody (root writes anywhere).
 */
static int write_unprivileged(const char *folder)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		return file_write_atomic(folder, "f", "x", 1, 0600);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(255);
		_exit(-file_write_atomic(folder, "f", "x", 1, 0600));
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return -WEXITSTATUS(status);
}

static void test_replace(void)
{
	is_int(file_write_atomic(dir, "f", "a longer first version", 22, 0640), 0,
	       "write a new file");
	is_str(content("f"), "a longer first version", "new file: its content");
	is_int(mode_of("f"), 0640, "new file: the mode asked for");
	is_int(file_write_atomic(dir, "f", "second", 6, 0640), 0, "replace it");
	is_str(content("f"), "second", "replaced whole: nothing of the longer old one");
	ok(!exists("f.tmp"), "no temporary file stays");
	is_int(file_write_atomic(dir, "g", "", 0, 0600 | FILE_NO_SYNC), 0, "empty, without fsync");
	is_str(content("g"), "", "empty file");
	is_int(mode_of("g"), 0600, "FILE_NO_SYNC is no mode bit");
}

static void test_failure(void)
{
	char sub[512], missing[512];

	/* rename over a folder fails after the temporary file was written */
	snprintf(sub, sizeof(sub), "%s", in_dir("d"));
	mkdir(sub, 0700);
	ok(file_write_atomic(dir, "d", "x", 1, 0600) < 0, "rename over a folder fails");
	ok(!exists("d.tmp"), "failed: the temporary file is gone");
	snprintf(missing, sizeof(missing), "%s", in_dir("no-such"));
	is_int(file_write_atomic(missing, "f", "x", 1, 0600), -ENOENT, "a missing folder: -ENOENT");
	chmod(dir, 0755);
	chmod(sub, 0555);
	is_int(write_unprivileged(sub), -EACCES, "an unwritable folder: -EACCES");
	ok(!exists("d/f") && !exists("d/f.tmp"), "unwritable: nothing written");
	chmod(sub, 0700);
	chmod(dir, 0700);
	rmdir(sub);
}

int main(void)
{
	umask(022);
	if (!mkdtemp(dir)) {
		ok(false, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	test_replace();
	test_failure();
	unlink(in_dir("f"));
	unlink(in_dir("g"));
	rmdir(dir);
	return tap_done();
}
