/*
 * The SNMP sink: every record of the engine (a unit monitor's or a roll-up's
 * change of health, a rule's alert) becomes an MPMON-MIB notification
 * (mibs/MPMON-MIB.txt) sent to one or more destinations, as SNMPv2c traps, or
 * as informs (SNMPv2c, or SNMPv3 with USM authPriv: SHA or SHA-256
 * authentication, AES-128 privacy) that are retried with back-off until the
 * receiver acknowledges them. Informs wait in a spool on disk, so none is lost
 * when the receiver blinks or the daemon restarts.
 *
 * Nothing here blocks the caller: trap_send_change() only queues; the daemon's
 * event loop watches the descriptors from trap_sender_fds(), wakes up at
 * trap_sender_next_timeout(), and calls trap_sender_process(), which reads
 * acknowledgements, retries and sends what is queued. net-snmp is used only in
 * trap.c; no net-snmp type appears here.
 *
 * Order: each destination has at most one inform in flight, and the next goes
 * out only when it is acknowledged, so a receiver sees one destination's
 * notifications in the order of their seq (sequence numbers alone would let a
 * receiver reorder, but snmptrapd and snmptt do not). Traps, which nobody
 * acknowledges, go out in order as soon as they are queued, at most trap_rate
 * a second (bursts of up to a fiftieth of a second's worth). An inform whose
 * acknowledgement is lost is sent again: a receiver can recognise the repeat by
 * mpmonSeq.
 *
 * Texts (message, diagnosis, resolution, display name...) longer than
 * TRAP_TEXT_MAX_DEFAULT bytes are cut at a UTF-8 character boundary and end in
 * " [cut, see knowledge ID]". With the three long texts at that bound (a
 * rule's alert has the same three, a roll-up's change only the message) a
 * notification stays under 16 KB, far below the ~65 KB one UDP datagram can
 * carry and the 64 KB net-snmp's receivers accept, with room for the SNMPv3
 * header.
 */
#ifndef MPMON_COLLECTOR_TRAP_H
#define MPMON_COLLECTOR_TRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/storm.h"

struct diag;
struct state_change;

#define TRAP_TEXT_MAX_DEFAULT 4000
#define TRAP_TEXT_MAX_LIMIT 16000
#define TRAP_TEXT_MAX_MIN 256		/* room for the cut marker and a knowledge ID */
#define TRAP_MAX_DESTINATIONS 16
#define TRAP_DEFAULT_TIMEOUT_MS 1000	/* first wait for an acknowledgement */
#define TRAP_DEFAULT_BACKOFF_MAX_MS 60000
/*
 * Traps a destination gets per second at most. Nobody acknowledges a trap: a
 * burst faster than the receiver reads overflows its socket buffer and is lost
 * without a word (snmptrapd logs about 10,000 a second on loopback). Paced,
 * the burst waits in the queue, bounded as the spool is.
 */
#define TRAP_DEFAULT_RATE 2000
#define TRAP_RATE_MAX 1000000

enum trap_version { TRAP_V2C, TRAP_V3 };
enum trap_auth { TRAP_AUTH_SHA, TRAP_AUTH_SHA256 };

/* One receiver. Strings are borrowed during trap_sender_new() only. */
struct trap_destination {
	const char *name;	/* [A-Za-z0-9._-]+, unique: names the spool folder and log lines */
	const char *peer;	/* net-snmp transport address: "udp:127.0.0.1:162", "udp6:[::1]:162" */
	enum trap_version version;
	bool inform;		/* acknowledged informs; SNMPv3 requires it */
	const char *community;	/* v2c */
	const char *user;	/* v3: USM user, authPriv */
	enum trap_auth auth;
	const char *auth_pass;	/* v3: at least 8 characters */
	const char *priv_pass;	/* v3: AES-128, at least 8 characters */
	const char *engine_id;	/* v3: the receiver's engine ID in hex; NULL: discover it */
	unsigned timeout_ms;	/* first wait for an acknowledgement; 0: the default */
	unsigned backoff_max_ms;/* longest wait between retries; 0: the default */
	unsigned trap_rate;	/* traps: most sent per second, a burst waits queued; 0: unpaced */
};

struct trap_config {
	const struct trap_destination *dests;
	size_t ndests;		/* 1..TRAP_MAX_DESTINATIONS */
	const char *spool_dir;	/* informs spool under SPOOL_DIR/NAME/; NULL: in memory only */
	size_t spool_max_entries;	/* per destination; 0: the default (spool.h) */
	size_t spool_max_bytes;
	bool spool_fsync;	/* fsync every entry (true in the daemon) */
	size_t text_max;	/* per text varbind, 256..16000; 0: TRAP_TEXT_MAX_DEFAULT */
	const char *host;	/* mpmonHost; NULL: gethostname() */
	const char *agent_version;	/* mpmonAgentVersion; NULL: mpmon's version */
	struct storm_config storm;	/* all zero: no storm control */
};

/* Counters, for logs, tests and the benchmark. */
struct trap_stats {
	uint64_t queued;	/* notifications queued, summed over destinations */
	uint64_t sent;		/* PDUs put on the wire, retries included */
	uint64_t acked;		/* informs acknowledged */
	uint64_t retries;
	uint64_t dropped;	/* oldest spool entries dropped at the bound */
	uint64_t held;		/* state changes held back by storm control */
	uint64_t errors;	/* send or encode failures */
	size_t pending;		/* queued, not yet sent or acknowledged, all destinations */
};

struct trap_sender;

/*
 * Set up the destinations (sockets opened, SNMPv3 keys derived, spools
 * loaded: informs a previous run left are sent again first). With an SNMPv3
 * destination and no engine_id, net-snmp discovers the receiver's engine ID
 * synchronously, here and before each send while it is not known: that waits
 * up to timeout_ms each time the receiver is down, so give engine_id in
 * production. A destination that cannot be opened is retried with back-off
 * from trap_sender_process().
 * Problems go to d as "trap DEST: message". Returns the sender (freed with
 * trap_sender_free), or NULL when the configuration is invalid or memory runs
 * out.
 */
struct trap_sender *trap_sender_new(const struct trap_config *cfg, struct diag *d);

/* Close every destination; spooled informs stay on disk. NULL: nothing. */
void trap_sender_free(struct trap_sender *s);

/*
 * Queue the notification for a record of the engine to every destination,
 * after storm control (now, µs: the daemon's clock), by c->kind:
 * CHANGE_MONITOR as mpmonHealthStateChange, or mpmonAlertResolved when
 * c->alert_resolved; CHANGE_RULE as mpmonRuleAlert (mpmonAlertChange raised
 * when c->alert, else repeated, with c->repeat_count); CHANGE_ROLLUP as
 * mpmonRollupChange. Display name, target and knowledge ID come from
 * c->monitor, c->rule or c->aggregate when set, else are the ID (a target
 * "", except a roll-up's c->target). All three kinds share the queue, the
 * spool, informs and retries, and storm control: a monitor's change is
 * flap-limited per monitor and instance, a roll-up's per node, target and
 * instance, a rule's per rule, its repeats included (trap.c, storm_key).
 * c is read during the call only. Returns 0 (held back by storm control
 * counts as 0), or a negative errno when it could not be queued anywhere.
 */
int trap_send_change(struct trap_sender *s, const struct state_change *c, int64_t now);

/*
 * Queue mpmonActionResult: a diagnostic or recovery ended (or was not run) for
 * the state change res->seq, with its status, exit code and output (stdout and
 * stderr, each cut as texts are, after the runner's own bound). Not subject to
 * storm control: the runner's queue bounds how many there are. res is read
 * during the call only. Returns 0 or a negative errno.
 */
struct action_result;
int trap_send_action(struct trap_sender *s, const struct action_result *res, int64_t now);

/* Queue mpmonAgentStart / mpmonAgentHeartbeat (seq: the latest change's). */
int trap_send_start(struct trap_sender *s, int64_t now);
int trap_send_heartbeat(struct trap_sender *s, uint64_t seq, int64_t now);

/*
 * The sockets to watch for reading: up to max descriptors written to fds.
 * Returns how many. They change only when a destination is (re)opened, which
 * trap_sender_process() reports by returning 1.
 */
size_t trap_sender_fds(const struct trap_sender *s, int *fds, size_t max);

/* When trap_sender_process() must run next (µs, the clock of now), or INT64_MAX. */
int64_t trap_sender_next_timeout(const struct trap_sender *s, int64_t now);

/*
 * Read what arrived, fire timeouts and retries, send storm summaries that are
 * due and whatever is queued. Call when a descriptor is readable or the
 * timeout passed; calling it more often is harmless. Returns 1 when the set of
 * descriptors changed, else 0.
 */
int trap_sender_process(struct trap_sender *s, int64_t now);

/* Counters so far. */
void trap_sender_get_stats(const struct trap_sender *s, struct trap_stats *st);

#endif
