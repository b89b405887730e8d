/*
 * The control socket, state_dir/control: a unix stream socket taking one line
 * per connection and answering in text, then closing. `state` answers the state
 * file's JSON as of now; `reset MONITOR [INSTANCE]` resets a manual-reset (or
 * any) monitor and answers "ok" or "error: ...". A client gets one second to
 * send its line, so a stuck client cannot hold the daemon for long; the socket
 * is mode 0660, for the daemon's user and group.
 */
#include "collector/daemon.h"

#include "monitors/engine.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#define CONTROL_LINE_MAX 4096
#define CONTROL_TIMEOUT_MS 1000

int control_listen(const char *state_dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", state_dir) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sa.sun_path);	/* left over from a daemon that was killed */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0660) < 0 ||
	    listen(fd, 8) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		ssize_t w;

		if (poll(&pfd, 1, CONTROL_TIMEOUT_MS) <= 0)
			return;
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
}

/* Read one line within the time limit; returns its length or -1. */
static int read_line(int fd, char *line, size_t cap)
{
	size_t len = 0;

	while (len < cap - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&pfd, 1, CONTROL_TIMEOUT_MS) <= 0)
			return -1;
		n = recv(fd, line + len, cap - 1 - len, 0);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		len += n;
		line[len] = '\0';
		nl = memchr(line, '\n', len);
		if (nl) {
			*nl = '\0';
			return (int)(nl - line);
		}
	}
	line[len] = '\0';
	return len ? (int)len : -1;
}

void control_serve(struct daemon *d, int lfd)
{
	char line[CONTROL_LINE_MAX], *argv[4], *save = NULL, *tok;
	int fd, argc = 0;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (read_line(fd, line, sizeof(line)) < 0) {
		close(fd);
		return;
	}
	for (tok = strtok_r(line, " \t\r", &save); tok && argc < 4; tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	if (argc == 1 && strcmp(argv[0], "state") == 0) {
		buf_reset(&d->scratch);
		if (state_build(d, &d->scratch) == 0)
			send_all(fd, d->scratch.data, d->scratch.len);
	} else if ((argc == 2 || argc == 3) && strcmp(argv[0], "reset") == 0) {
		int64_t now = d->cfg.clock_event ? d->now : daemon_realtime();
		int r = engine_reset(d->engine, argv[1], argc == 3 ? argv[2] : NULL, now);
		char reply[CONTROL_LINE_MAX + 64];

		if (r == 0) {
			d->dirty = true;
			daemon_log(LOG_NOTICE, "reset of '%s'%s%s by the control socket", argv[1],
				   argc == 3 ? " instance " : "", argc == 3 ? argv[2] : "");
			snprintf(reply, sizeof(reply), "ok\n");
		} else if (r == -ENOENT) {
			snprintf(reply, sizeof(reply), "error: no running monitor '%s'\n", argv[1]);
		} else {
			snprintf(reply, sizeof(reply), "error: %s\n", strerror(-r));
		}
		send_all(fd, reply, strlen(reply));
	} else {
		static const char usage[] = "error: commands: state | reset MONITOR [INSTANCE]\n";

		send_all(fd, usage, sizeof(usage) - 1);
	}
	close(fd);
}
