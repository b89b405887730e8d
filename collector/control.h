/*
 * The control socket, state_dir/control, served inside mpmond's event loop
 * without ever blocking it: every client has a buffer and a deadline for its
 * whole request, and at most CONTROL_CLIENTS_MAX are served at once.
 * docs/state-file.md ("control socket") is the protocol.
 */
#ifndef MPMON_COLLECTOR_CONTROL_H
#define MPMON_COLLECTOR_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

struct buf;
struct daemon;
struct control;

#define CONTROL_LINE_MAX 4096		/* bytes of a request, its newline included */
#define CONTROL_DEADLINE_US 2000000	/* from connect to the last byte of the answer */
#define CONTROL_CLIENTS_MAX 16

/*
 * Listen at state_dir/control (mode 0660: who may connect is the socket's
 * group's business). Returns 0 with *out set (freed with control_free) or
 * -errno.
 */
int control_new(const char *state_dir, struct control **out);

/* Close the socket and every client; NULL does nothing. */
void control_free(struct control *c);

/* A descriptor for the caller's epoll: readable when a client needs serving. */
int control_fd(const struct control *c);

/*
 * Accept clients, read their requests, answer those that are complete from d,
 * send what each socket takes, and drop the clients past their deadline.
 * Never waits. now is the monotonic clock (source_now()).
 */
void control_process(struct control *c, struct daemon *d, int64_t now);

/* The earliest client deadline (monotonic µs), or INT64_MAX with none. */
int64_t control_next_deadline(const struct control *c);

/*
 * The state file's "control" member into b (first as json_key takes it):
 * commands run and writes refused, clients dropped at their deadline and turned
 * away at the bound, since start. 0 or -ENOMEM.
 */
int control_json(const struct control *c, struct buf *b, bool *first);

#endif
