/*
 * mpmond's configuration: an INI file (read with inih) naming the packs, the
 * state directory, the clock, the sources, the sinks and whether diagnostics
 * and recoveries run. Parsing checks everything it can without touching the
 * sources, so `mpmond --check-config` and a SIGHUP reload report mistakes as
 * FILE:LINE: message before anything changes.
 */
#ifndef MPMON_COLLECTOR_CONFIG_H
#define MPMON_COLLECTOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "collector/action.h"
#include "collector/trap.h"

struct diag;

#define CONFIG_MAX_SOURCES 256
#define CONFIG_MAX_PACKS 256
#define CONFIG_MAX_MATCHES 64
#define CONFIG_DEFAULT_MAX_LINE (64u << 10)
#define CONFIG_MAX_SINKS TRAP_MAX_DESTINATIONS
#define CONFIG_DEFAULT_HEARTBEAT_S 300

enum config_start { START_END, START_BEGINNING };

struct config_source {
	char *name;		/* owned, from [source NAME] */
	char *type;		/* "file" or "journal" */
	char *path;		/* file: a glob; journal: a folder or files ("" = system journal) */
	char *format;		/* input format of a text source, default "json" */
	char *pattern;		/* PCRE2 pattern of format "regex" */
	char *log_name;		/* LogName given to events that carry none */
	char *computer;		/* LoggingComputer given to events that carry none, or NULL */
	char *matches[CONFIG_MAX_MATCHES];	/* journal: FIELD=value, added as matches */
	size_t nmatches;
	enum config_start start;	/* where a file seen for the first time starts */
	size_t max_line;		/* bytes; longer lines are cut */
	int64_t rotate_wait_us;		/* how long a rotated file is kept open at its end */
	long line;			/* where the section starts, for messages */
	long path_line;
};

#define CONFIG_SINK_KEYS 32

/* A key of a [sink NAME] section that its sink type reads and checks (sink.h). */
struct config_kv {
	char *key, *value;	/* owned */
	long line;
};

/*
 * A [sink NAME] section: its type names a sink of sink.c's table. The keys of
 * snmp sinks (destinations of the trap sender) are parsed here; any other key
 * is kept in kv for its type to check (sinks_check) and read.
 */
struct config_sink {
	char *name;		/* owned, from [sink NAME] */
	char *type;		/* "snmp", "jsonl", ... */
	long type_line;
	struct config_kv kv[CONFIG_SINK_KEYS];
	size_t nkv;
	long snmp_line;		/* the first key only an snmp sink takes, 0: none */
	char *peer;		/* net-snmp address, "udp:192.0.2.7:162" */
	enum trap_version version;
	bool inform;		/* v2c: informs (spooled, acknowledged) or traps; v3: always */
	bool inform_set;	/* inform given explicitly */
	char *community;	/* v2c */
	char *user;		/* v3 */
	enum trap_auth auth;
	char *auth_pass, *priv_pass;	/* v3 passphrases: the file must be 0600 */
	char *engine_id;	/* v3: receiver's engine ID in hex; NULL: discovered */
	unsigned timeout_ms, backoff_max_ms;	/* 0: the sender's defaults */
	unsigned trap_rate;	/* traps per second; 0: unpaced (default TRAP_DEFAULT_RATE) */
	long line;
};

/* [snmp]: what all sinks share. */
struct config_snmp {
	size_t text_max;		/* per text varbind; 0: TRAP_TEXT_MAX_DEFAULT */
	unsigned heartbeat_s;		/* mpmonAgentHeartbeat period; 0: none */
	struct storm_config storm;	/* all zero: no storm control */
	size_t spool_max_entries, spool_max_bytes;	/* per sink; 0: spool.h's defaults */
	bool spool_fsync;		/* fsync every spooled inform (default true) */
};

/* [control]: who may change state through the control socket. */
struct config_control {
	char *operators;		/* a group whose members may, beside root and
					 * mpmond's user; NULL: none */
	gid_t operators_gid;
};

/* [regex]: PCRE2's limits for every pattern of the packs and sources. */
struct config_regex {
	uint32_t match_limit;		/* 0: rules/regex.h's default */
	uint32_t depth_limit;
};

struct config {
	char *file;			/* owned copy of the path */
	char *state_dir;
	char *packs[CONFIG_MAX_PACKS];	/* pack files or folders */
	size_t npacks;
	char *inventory;		/* [packs] inventory, or NULL */
	struct config_source sources[CONFIG_MAX_SOURCES];
	size_t nsources;
	int64_t checkpoint_us;		/* at most one checkpoint per interval */
	bool clock_event;		/* clock = event: events' own TimeGenerated, as replay */
	bool run_all;			/* run monitors the packs turn off */
	bool no_rollup;			/* rollup = false: no aggregate or entity health records */
	struct config_sink sinks[CONFIG_MAX_SINKS];
	size_t nsinks;
	struct config_snmp snmp;
	struct action_config actions;	/* [actions]: diagnostics and recoveries */
	long actions_line;		/* of [actions] enabled, for messages */
	struct config_control control;
	struct config_regex regex;
};

/*
 * Read and check path into c (which config_release frees, also after a failure).
 * Problems go to d as FILE:LINE: message. Returns 0 when there were no errors,
 * -EINVAL when there were, -errno when the file cannot be read.
 */
int config_load(const char *path, struct config *c, struct diag *d);

void config_release(struct config *c);

/*
 * What config_load does not look at: the folder of every file source. For
 * --check-config only. A folder not there yet is a warning (a running mpmond
 * waits for it); a path through a file or a folder that cannot be looked at
 * is an error. Problems go to d as FILE:LINE: message; returns -ENOENT when
 * there were errors, 0 otherwise.
 */
int config_check_paths(const struct config *c, struct diag *d);

/* Whether k is a sink of type ("snmp", "jsonl"), and how many c has. */
bool config_sink_is(const struct config_sink *k, const char *type);
size_t config_sinks_of(const struct config *c, const char *type);

/* The value of key among k's kv (the last one given), its line in *line (may be NULL); or NULL. */
const char *config_sink_value(const struct config_sink *k, const char *key, long *line);

/*
 * Whether a and b describe the same snmp sinks and [snmp] settings: a reload
 * recreates the trap sender only when they differ.
 */
bool config_snmp_equal(const struct config *a, const struct config *b);

/*
 * The trap sender's configuration from c's sinks, borrowing c's strings (valid
 * while c is): dests must hold CONFIG_MAX_SINKS entries. spool_dir is borrowed
 * too. Returns false when there are no snmp sinks.
 */
bool config_trap(const struct config *c, const char *spool_dir, struct trap_destination *dests,
		 struct trap_config *out);

#endif
