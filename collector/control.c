/*
 * The control socket, state_dir/control: a unix stream socket taking one line
 * per connection and answering in text, then closing. `state` answers the
 * state file's JSON as of now; `reset MONITOR [INSTANCE]` resets a monitor and
 * answers "ok" or "error: ...".
 *
 * It is served from mpmond's loop, so nothing here waits: the sockets are
 * non-blocking and have their own epoll, each client a buffer for its line
 * and its answer, and a deadline (CONTROL_DEADLINE_US from connect) for the
 * whole request, past which it is dropped; at most CONTROL_CLIENTS_MAX are
 * served at once and more are turned away. A client that sends a byte now
 * and then therefore costs a few system calls, never the reading of the logs,
 * other clients or the watchdog.
 *
 * Who may connect is the socket's mode (0660) and group. What a client may do
 * comes from SO_PEERCRED at its connect: commands that only read (state) are
 * for everyone who can connect; those that change state (the `writes` column
 * of the table below) are for root, mpmond's own user and the members of the
 * group [control] operators names, by primary or supplementary group
 * (SO_PEERGROUPS). A refused request gets an error that says so, and the log
 * names the uid.
 */
#include "collector/control.h"

#include "collector/daemon.h"
#include "collector/log.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "monitors/engine.h"
#include "pipeline/pipeline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#define LISTENER UINT64_MAX	/* the epoll tag of the listening socket; a client's is its slot */
#define ACCEPT_MAX 64		/* connections taken per wakeup: a flood leaves time for the logs */
#define ARGS_MAX 4
#define DEADLINE_S (CONTROL_DEADLINE_US / 1000000)

struct client {
	int fd;			/* -1: a free slot */
	int64_t deadline;	/* monotonic µs */
	struct ucred cred;	/* uid (uid_t)-1 when the kernel did not say */
	bool answered;		/* out holds the whole answer */
	bool writing;		/* epoll waits for room to send */
	size_t len;		/* bytes of line read */
	size_t sent;		/* bytes of out sent */
	struct buf out;
	char line[CONTROL_LINE_MAX + 1];
};

struct control {
	int lfd, ep;
	size_t nclients;
	uint64_t served, refused, dropped, turned_away;	/* for state.json */
	bool full_logged;	/* "more are turned away" said */
	bool dropped_logged;	/* "dropped" said */
	bool groups_logged;	/* "cannot read a client's groups" said */
	struct client clients[CONTROL_CLIENTS_MAX];
};

struct command {
	const char *name;
	const char *args;	/* for the usage line */
	int min, max;		/* arguments after the name */
	bool writes;		/* changes state: root, mpmond's user and [control] operators */
	int (*run)(struct daemon *d, const struct client *cl, char **argv, int argc,
		   struct buf *out);
};

static int run_state(struct daemon *d, const struct client *cl, char **argv, int argc,
		     struct buf *out)
{
	(void)cl;
	(void)argv;
	(void)argc;
	return state_build(d, out);
}

static int run_reset(struct daemon *d, const struct client *cl, char **argv, int argc,
		     struct buf *out)
{
	int64_t now = pipeline_now(d->pipe, clock_realtime_us());
	const char *inst = NULL, *computer = NULL;
	int i, r;

	/* reset MONITOR [computer=NAME] [INSTANCE] */
	for (i = 1; i < argc; i++) {
		if (!computer && strncmp(argv[i], "computer=", 9) == 0)
			computer = argv[i] + 9;
		else if (!inst)
			inst = argv[i];
		else
			return buf_puts(out, "error: reset takes MONITOR [computer=NAME] [INSTANCE]\n");
	}
	r = engine_reset(d->engine, argv[0], computer, inst, now);
	if (r == 0) {
		d->dirty = true;
		daemon_log(LOG_NOTICE, "reset of '%s'%s%s%s%s by the control socket (uid %ld)",
			   argv[0], computer ? " computer " : "", computer ? computer : "",
			   inst ? " instance " : "", inst ? inst : "", (long)cl->cred.uid);
		return buf_puts(out, "ok\n");
	}
	if (r == -ENOENT)
		return buf_printf(out, "error: no running monitor '%s'\n", argv[0]);
	return buf_printf(out, "error: %s\n", strerror(-r));
}

/* Every command; a new one that changes state says writes = true. */
static const struct command commands[] = {
	{ "state", "", 0, 0, false, run_state },
	{ "reset", " MONITOR [computer=NAME] [INSTANCE]", 1, 3, true, run_reset },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int control_new(const char *state_dir, struct control **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LISTENER };
	struct control *c;
	size_t i;
	int r;

	*out = NULL;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", state_dir) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		c->clients[i].fd = -1;
	c->ep = epoll_create1(EPOLL_CLOEXEC);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->ep < 0 || c->lfd < 0)
		goto fail;
	unlink(sa.sun_path);	/* left over from a daemon that was killed */
	if (bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0660) < 0 ||
	    listen(c->lfd, CONTROL_CLIENTS_MAX) < 0 || epoll_ctl(c->ep, EPOLL_CTL_ADD, c->lfd, &ev) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	r = -errno;
	control_free(c);
	return r;
}

static void client_close(struct control *c, struct client *cl)
{
	close(cl->fd);		/* which takes it out of the epoll */
	cl->fd = -1;
	buf_release(&cl->out);	/* a state answer may be large: not kept */
	c->nclients--;
}

void control_free(struct control *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd >= 0)
			client_close(c, &c->clients[i]);
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->ep >= 0)
		close(c->ep);
	free(c);
}

int control_fd(const struct control *c)
{
	return c->ep;
}

int64_t control_next_deadline(const struct control *c)
{
	int64_t t = INT64_MAX;
	size_t i;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd >= 0 && c->clients[i].deadline < t)
			t = c->clients[i].deadline;
	return t;
}

/* Whether the peer of fd had group g among its supplementary groups at connect. */
static bool peer_in_group(struct control *c, int fd, gid_t g)
{
	gid_t small[64], *v = small;
	socklen_t len = sizeof(small);
	bool found = false;
	size_t i;
	int r;

	r = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, v, &len);
	if (r < 0 && errno == ERANGE && (v = malloc(len)))
		r = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, v, &len);
	if (r < 0 && !c->groups_logged) {
		daemon_log(LOG_WARNING, "control: cannot read a client's groups (SO_PEERGROUPS): %s: "
			   "only its primary group counts (said once)", strerror(errno));
		c->groups_logged = true;
	}
	for (i = 0; r == 0 && i < len / sizeof(*v); i++)
		found |= v[i] == g;
	if (v != small)
		free(v);
	return found;
}

static bool may_write(struct control *c, const struct client *cl, const struct daemon *d)
{
	const struct config_control *k = &d->cfg.control;

	if (cl->cred.uid == 0 || cl->cred.uid == geteuid())
		return true;
	return k->operators && (cl->cred.gid == k->operators_gid ||
				peer_in_group(c, cl->fd, k->operators_gid));
}

static int usage(struct buf *out)
{
	size_t i;
	int r = buf_puts(out, "error: commands:");

	for (i = 0; r == 0 && i < NCOMMANDS; i++)
		r = buf_printf(out, "%s %s%s", i ? " |" : "", commands[i].name, commands[i].args);
	return r ? r : buf_putc(out, '\n');
}

/* The answer to the line in cl, into cl->out. */
static void answer(struct control *c, struct client *cl, struct daemon *d)
{
	const struct config_control *k = &d->cfg.control;
	const struct command *cmd = NULL;
	char *argv[ARGS_MAX], *save = NULL, *tok;
	int argc = 0, r;
	size_t i;

	for (tok = strtok_r(cl->line, " \t\r", &save); tok && argc < ARGS_MAX;
	     tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	for (i = 0; argc && i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0 && argc - 1 >= commands[i].min &&
		    argc - 1 <= commands[i].max)
			cmd = &commands[i];
	if (!cmd) {
		r = usage(&cl->out);
	} else if (cmd->writes && !may_write(c, cl, d)) {
		c->refused++;
		daemon_log(LOG_WARNING, "control: uid %ld (pid %ld) may not '%s': refused",
			   (long)cl->cred.uid, (long)cl->cred.pid, cmd->name);
		r = buf_printf(&cl->out, "error: permission denied: '%s' changes state; it is for "
			       "root, mpmond's user and the group in [control] operators (%s%s%s)\n",
			       cmd->name, k->operators ? "'" : "none is set",
			       k->operators ? k->operators : "", k->operators ? "'" : "");
	} else {
		c->served++;
		r = cmd->run(d, cl, argv + 1, argc - 1, &cl->out);
	}
	if (r < 0) {
		buf_reset(&cl->out);
		buf_printf(&cl->out, "error: %s\n", strerror(-r));
	}
	cl->answered = true;
}

/* Read what the client sent; answer once its line is complete. */
static void read_request(struct control *c, struct client *cl, struct daemon *d)
{
	for (;;) {
		size_t room = CONTROL_LINE_MAX - cl->len;
		ssize_t n;
		char *nl;

		if (room == 0) {
			buf_printf(&cl->out, "error: request longer than %d bytes\n", CONTROL_LINE_MAX);
			cl->answered = true;
			return;
		}
		n = recv(cl->fd, cl->line + cl->len, room, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0 || (n == 0 && cl->len == 0)) {
			client_close(c, cl);
			return;
		}
		if (n == 0)
			break;		/* the line without its newline */
		nl = memchr(cl->line + cl->len, '\n', (size_t)n);
		cl->len += (size_t)n;
		if (nl) {
			cl->len = (size_t)(nl - cl->line);
			break;
		}
	}
	cl->line[cl->len] = '\0';
	answer(c, cl, d);
}

/* Send what the socket takes; close when all is sent, else wait for room. */
static void send_answer(struct control *c, struct client *cl)
{
	while (cl->sent < cl->out.len) {
		ssize_t w = send(cl->fd, cl->out.data + cl->sent, cl->out.len - cl->sent, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct epoll_event ev = { .events = EPOLLOUT,
						  .data.u64 = (uint64_t)(cl - c->clients) };

			if (!cl->writing && epoll_ctl(c->ep, EPOLL_CTL_MOD, cl->fd, &ev) < 0)
				break;
			cl->writing = true;
			return;
		}
		if (w <= 0)
			break;
		cl->sent += (size_t)w;
	}
	client_close(c, cl);
}

static void serve(struct control *c, struct client *cl, struct daemon *d)
{
	if (cl->fd < 0)
		return;
	if (!cl->answered)
		read_request(c, cl, d);
	if (cl->fd >= 0 && cl->answered)
		send_answer(c, cl);
}

/* Tell a client we cannot serve why, as far as its socket takes it at once, and close. */
static void turn_away(int fd, const char *why)
{
	if (send(fd, why, strlen(why), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;	/* it is gone already */
	close(fd);
}

static void accept_clients(struct control *c, int64_t now)
{
	struct epoll_event ev = { .events = EPOLLIN };
	socklen_t len;
	size_t slot;
	int k, fd;

	for (k = 0; k < ACCEPT_MAX; k++) {
		struct client *cl;

		fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (c->nclients == CONTROL_CLIENTS_MAX) {
			char why[64];

			if (!c->full_logged)
				daemon_log(LOG_WARNING, "control: %d clients at once: more are turned "
					   "away (said once)", CONTROL_CLIENTS_MAX);
			c->full_logged = true;
			c->turned_away++;
			snprintf(why, sizeof(why), "error: too many clients (%d): try again later\n",
				 CONTROL_CLIENTS_MAX);
			turn_away(fd, why);
			continue;
		}
		for (slot = 0; c->clients[slot].fd >= 0; slot++)
			;
		cl = &c->clients[slot];
		*cl = (struct client){ .fd = fd };
		cl->deadline = now + CONTROL_DEADLINE_US;
		buf_init(&cl->out);
		len = sizeof(cl->cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &len) < 0)
			cl->cred = (struct ucred){ .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
		ev.data.u64 = slot;
		if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			turn_away(fd, "error: out of memory\n");
			cl->fd = -1;
			continue;
		}
		c->nclients++;
	}
}

/* Drop the clients whose request is past its deadline. */
static void expire(struct control *c, int64_t now)
{
	char late[64];
	size_t i;

	snprintf(late, sizeof(late), "error: no complete request within %d s\n", DEADLINE_S);
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *cl = &c->clients[i];

		if (cl->fd < 0 || cl->deadline > now)
			continue;
		if (!c->dropped_logged)
			daemon_log(LOG_NOTICE, "control: uid %ld (pid %ld): %s within %d s: dropped "
				   "(said once; state.json counts them)", (long)cl->cred.uid,
				   (long)cl->cred.pid, cl->answered ? "did not read its answer" :
				   "no complete request", DEADLINE_S);
		c->dropped_logged = true;
		c->dropped++;
		if (!cl->answered && send(cl->fd, late, strlen(late), MSG_NOSIGNAL) < 0)
			(void)0;	/* it is gone already */
		client_close(c, cl);
	}
}

int control_json(const struct control *c, struct buf *b, bool *first)
{
	bool f = true;
	int r;

	r = json_key(b, first, "control");
	r = r ? r : buf_putc(b, '{');
	r = r ? r : json_member_u64(b, &f, "served", c->served);
	r = r ? r : json_member_u64(b, &f, "refused", c->refused);
	r = r ? r : json_member_u64(b, &f, "dropped", c->dropped);
	r = r ? r : json_member_u64(b, &f, "turned_away", c->turned_away);
	return r ? r : buf_putc(b, '}');
}

void control_process(struct control *c, struct daemon *d, int64_t now)
{
	struct epoll_event evs[CONTROL_CLIENTS_MAX + 1];
	int n, i;

	n = epoll_wait(c->ep, evs, CONTROL_CLIENTS_MAX + 1, 0);
	for (i = 0; i < n; i++) {
		if (evs[i].data.u64 == LISTENER)
			accept_clients(c, now);
		else
			serve(c, &c->clients[evs[i].data.u64], d);
	}
	expire(c, now);
}
