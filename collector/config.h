/*
 * mpmond's configuration: an INI file (read with inih) naming the packs, the
 * state directory, the clock and the sources. Parsing checks everything it can
 * without touching the sources, so `mpmond --check-config` and a SIGHUP reload
 * report mistakes as FILE:LINE: message before anything changes.
 */
#ifndef MPMON_COLLECTOR_CONFIG_H
#define MPMON_COLLECTOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diag;

#define CONFIG_MAX_SOURCES 256
#define CONFIG_MAX_PACKS 256
#define CONFIG_MAX_MATCHES 64
#define CONFIG_DEFAULT_MAX_LINE (64u << 10)

enum config_start { START_END, START_BEGINNING };

struct config_source {
	char *name;		/* owned, from [source NAME] */
	char *type;		/* "file" or "journal" */
	char *path;		/* file: a glob; journal: a folder or files ("" = system journal) */
	char *format;		/* input format of a text source, default "json" */
	char *pattern;		/* PCRE2 pattern of format "regex" */
	char *log_name;		/* LogName given to events that carry none */
	char *matches[CONFIG_MAX_MATCHES];	/* journal: FIELD=value, added as matches */
	size_t nmatches;
	enum config_start start;	/* where a file seen for the first time starts */
	size_t max_line;		/* bytes; longer lines are cut */
	int64_t rotate_wait_us;		/* how long a rotated file is kept open at its end */
	long line;			/* where the section starts, for messages */
	long path_line;
};

struct config {
	char *file;			/* owned copy of the path */
	char *state_dir;
	char *packs[CONFIG_MAX_PACKS];	/* pack files or folders */
	size_t npacks;
	struct config_source sources[CONFIG_MAX_SOURCES];
	size_t nsources;
	int64_t checkpoint_us;		/* at most one checkpoint per interval */
	bool clock_event;		/* clock = event: events' own TimeGenerated, as replay */
	bool run_all;			/* run monitors the packs turn off */
};

/*
 * Read and check path into c (which config_release frees, also after a failure).
 * Problems go to d as FILE:LINE: message. Returns 0 when there were no errors,
 * -EINVAL when there were, -errno when the file cannot be read.
 */
int config_load(const char *path, struct config *c, struct diag *d);

void config_release(struct config *c);

#endif
