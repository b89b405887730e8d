/*
 * check_mpmon: a Nagios/Icinga plugin that follows the Monitoring Plugins
 * development guidelines (one status line with performance data, exit 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN, --help, --version, --timeout, -v, ranges
 * for -w and -c). In daemon mode it reads mpmond's health (its control socket
 * for a fresh copy, else state.json, docs/state-file.md); in standalone mode
 * (check_standalone.c) it reads a log itself since its last run. Health maps to
 * status as Success OK, Warning WARNING, Error CRITICAL, Uninitialized OK ("no
 * data yet", --uninitialized changes it); state that cannot be read is UNKNOWN,
 * and so is a log that cannot be read (a missing one too, unless --missing-log
 * says otherwise); a log whose every line read is bad is at least WARNING.
 *
 * The state file is parsed with json-c, here only: it is nested JSON (objects
 * in arrays, escaped strings), which is a full parser's job; the project's own
 * scanner in rules/ is built for flat event lines.
 */
#include "cli/check.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/iso8601.h"
#include "lib/range.h"
#include "lib/version.h"
#include "mp-xml/mp.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_STATE_DIR "/var/lib/mpmon"
#define DEFAULT_TIMEOUT 10
#define DEFAULT_MAX_AGE 300
#define DEFAULT_MAX_LINE (64u << 10)
#define STATE_MAX_BYTES (256u << 20)
#define MAX_PACKS 64

enum status { ST_OK, ST_WARNING, ST_CRITICAL, ST_UNKNOWN };

static const char *const status_name[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

static int timeout_s = DEFAULT_TIMEOUT;

static void usage(FILE *f)
{
	fprintf(f,
		"check_mpmon %s: mpmon's health for Nagios and Icinga\n"
		"\n"
		"usage: check_mpmon [--state-dir DIR | --state FILE] [--max-age SECONDS]\n"
		"                   [-m MONITOR [-i INSTANCE]] [-w RANGE] [-c RANGE]\n"
		"                   [--uninitialized STATUS] [-t SECONDS] [-v]...\n"
		"                   [--mp PACK]...\n"
		"       check_mpmon --mp PACK [--mp PACK]... --log FILE --seek-file FILE\n"
		"                   [--format FMT] [--pattern PCRE] [--log-name NAME]\n"
		"                   [--start end|beginning] [--clock wall|event]\n"
		"                   [--missing-log STATUS] [--records FILE]\n"
		"                   [-m MONITOR [-i INSTANCE]] [-w RANGE] [-c RANGE] ...\n"
		"       check_mpmon -h | -V\n"
		"\n"
		"Daemon mode reads the health that mpmond keeps: it asks mpmond's control\n"
		"socket in DIR for a fresh copy and falls back to DIR/state.json when mpmond\n"
		"does not answer; --state FILE reads that file only. A state file whose\n"
		"'written' time is older than --max-age is UNKNOWN.\n"
		"Standalone mode reads the lines FILE got since the last run (rotation by\n"
		"rename or copytruncate between runs included) through the packs; the seek\n"
		"file keeps positions and monitor state between runs.\n"
		"\n"
		"Options:\n"
		" -h, --help            this help\n"
		" -V, --version         the version\n"
		" -t, --timeout=SECONDS UNKNOWN after SECONDS (default %d)\n"
		" -v, --verbose         more: -v adds the worst instance's diagnosis and\n"
		"                       resolution, -vv every instance, -vvv how it was read\n"
		" -m, --monitor=ID      only this monitor (default: all unit monitors); a roll-up\n"
		"                       node too, e.g. System.Health.EntityState -C HOST\n"
		" -C, --computer=NAME   only the monitor's instances on this computer (its\n"
		"                       events' LoggingComputer; \"\" for a target on none)\n"
		" -i, --instance=NAME   only this instance of the monitor (\"\" for none)\n"
		"     --mp=PACK         daemon mode: the packs mpmond runs, so that their\n"
		"                       monitors without an event yet count as uninitialized\n"
		"                       (no data yet) and -m of one is OK, no data yet\n"
		"                       (without --mp it is UNKNOWN: not in the state)\n"
		" -w, --warning=RANGE   WARNING when the number of instances in Warning or\n"
		" -c, --critical=RANGE  Error (perfdata 'problems') is outside RANGE\n"
		"                       (Nagios ranges: 10, 10:, ~:10, 10:20, @10:20); with\n"
		"                       -w or -c the count decides, else the worst health\n"
		"     --uninitialized=STATUS  status of monitors without data yet: ok\n"
		"                       (default), warning, critical or unknown\n"
		"     --state-dir=DIR   mpmond's state_dir (default %s)\n"
		"     --state=FILE      a state.json to read (no control socket)\n"
		"     --max-age=SECONDS UNKNOWN when the state is older (default %d;\n"
		"                       0: no limit)\n"
		"     --mp=PACK         standalone: a pack file or a folder of packs\n"
		"     --log=FILE        standalone: the log file (or a glob in one folder)\n"
		"     --seek-file=FILE  standalone: position and monitor state between runs\n"
		"     --format=FMT      standalone: input format (default json)\n"
		"     --pattern=PCRE    standalone: the pattern of --format regex\n"
		"     --log-name=NAME   standalone: LogName of events whose line names none\n"
		"     --start=WHERE     standalone, first run: end (default) or beginning\n"
		"     --clock=CLOCK     standalone: wall (default) or event (TimeGenerated)\n"
		"     --max-line=BYTES  standalone: longer lines are cut (default %u)\n"
		"     --missing-log=STATUS  standalone: status when nothing is under the\n"
		"                       log's name: unknown (default), ok, warning or\n"
		"                       critical (the health counts too when worse); a log\n"
		"                       that is there but cannot be read is UNKNOWN\n"
		"     --records=FILE    standalone: append every state change, rule alert and\n"
		"                       roll-up change of the run to FILE as JSON lines (as\n"
		"                       'mpmon replay' prints them)\n"
		"\n"
		"Status: Success OK, Warning WARNING, Error CRITICAL, Uninitialized OK (\"no\n"
		"data yet\"), state missing, unparsable or stale UNKNOWN. Standalone: a log\n"
		"not read is UNKNOWN with the reason (see --missing-log) and leaves the seek\n"
		"file as it was; every line read bad is WARNING (-v: the first one); an\n"
		"empty log is no problem. Perfdata: instances per health (ok, warning,\n"
		"critical, uninitialized), problems (warning + critical, with -w/-c), the\n"
		"state's age (daemon) or lines read and bad (standalone).\n",
		MPMON_VERSION, DEFAULT_TIMEOUT, DEFAULT_STATE_DIR, DEFAULT_MAX_AGE,
		DEFAULT_MAX_LINE);
}

/* Exit now with an UNKNOWN line (usage errors, unreadable state). */
static void __attribute__((noreturn)) unknown(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void unknown(const char *fmt, ...)
{
	va_list ap;

	fputs("MPMON UNKNOWN - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(ST_UNKNOWN);
}

static void on_alarm(int sig)
{
	char msg[64];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "MPMON UNKNOWN - timeout after %d s\n", timeout_s);
	if (write(STDOUT_FILENO, msg, n) < 0)
		(void)0;
	_exit(ST_UNKNOWN);
}

/*
 * Ask mpmond's control socket for the state (the same request `mpmon state`
 * makes). 0 with the answer in out, or -errno when mpmond does not answer.
 */
static int control_state(const char *dir, struct buf *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };
	static const char cmd[] = "state\n";
	char chunk[4096];
	ssize_t n;
	int fd, r = 0;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", dir) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, cmd, sizeof(cmd) - 1, MSG_NOSIGNAL) != sizeof(cmd) - 1) {
		r = -errno;
		goto out;
	}
	while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
		if (out->len + n > STATE_MAX_BYTES || buf_append(out, chunk, n) < 0) {
			r = -ENOMEM;
			goto out;
		}
	if (n < 0)
		r = -errno;
	else if (out->len == 0 || out->data[0] != '{')
		r = -EIO;	/* an error line, or nothing */
out:
	close(fd);
	return r;
}

/*
 * Read the state file whole. open() blocks on a FIFO or a hung mount: the
 * alarm covers that. 0, or -errno (-EINVAL: not a regular file, -EFBIG).
 */
static int read_state(const char *path, struct buf *out)
{
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (out->len + n > STATE_MAX_BYTES || buf_append(out, chunk, n) < 0) {
			r = out->len + n > STATE_MAX_BYTES ? -EFBIG : -ENOMEM;
			break;
		}
	if (n < 0)
		r = -errno;
	close(fd);
	return r;
}

static const char *member_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Parse the state file's JSON into set; *written gets its time. NULL, or why
 * it cannot be used (a static or json-c string, valid until the next call).
 */
/* Whether m's member name is the boolean false (absent: not false). */
static bool is_false(struct json_object *m, const char *name)
{
	struct json_object *v;

	return json_object_object_get_ex(m, name, &v) && json_object_is_type(v, json_type_boolean) &&
	       !json_object_get_boolean(v);
}

/* The state file's "rollups" (none in a file of an mpmond before them), or why not. */
static const char *parse_rollups(struct json_object *root, struct check_set *set)
{
	static char why[256];
	struct json_object *ups;
	size_t i, n;

	if (!json_object_object_get_ex(root, "rollups", &ups))
		return NULL;
	if (!json_object_is_type(ups, json_type_array))
		return "state file: \"rollups\" is not an array";
	n = json_object_array_length(ups);
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(ups, i);
		const char *mon = member_str(m, "monitor"), *inst = member_str(m, "instance");
		const char *h = member_str(m, "health"), *comp = member_str(m, "computer");
		enum mp_health health;

		if (!mon || !inst || !h || !mp_health_parse(h, &health)) {
			snprintf(why, sizeof(why), "state file: rollups[%zu] lacks \"monitor\", "
				 "\"instance\" or a valid \"health\"", i);
			return why;
		}
		/* a state file of an mpmond before computers has none */
		if (check_set_add(set, mon, comp, comp ? strlen(comp) : 0, inst, strlen(inst), health,
				  "", "", "") < 0)
			return "out of memory";
		set->v[set->n - 1].rollup = true;
		set->v[set->n - 1].unmonitored = is_false(m, "monitored");
	}
	return NULL;
}

static const char *parse_state(const struct buf *text, struct check_set *set, int64_t *written)
{
	static char why[256];
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *v, *mons;
	const char *w;
	size_t i, n;

	if (!tok)
		return "out of memory";
	root = json_tokener_parse_ex(tok, text->data, (int)text->len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		snprintf(why, sizeof(why), "not valid JSON (%s at byte %zu)",
			 e == json_tokener_continue ? "unexpected end"
						   : json_tokener_error_desc(e),
			 json_tokener_get_parse_end(tok));
		json_tokener_free(tok);
		json_object_put(root);
		return why;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "version", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		json_object_put(root);
		return "not an mpmond state file (no \"version\")";
	}
	if (json_object_get_int64(v) != 1) {
		snprintf(why, sizeof(why), "state file version %lld is not supported (1 is)",
			 (long long)json_object_get_int64(v));
		json_object_put(root);
		return why;
	}
	w = member_str(root, "written");
	if (!w || !iso8601_parse(w, strlen(w), written)) {
		json_object_put(root);
		return "state file has no valid \"written\" time";
	}
	if (!json_object_object_get_ex(root, "monitors", &mons) ||
	    !json_object_is_type(mons, json_type_array)) {
		json_object_put(root);
		return "state file has no \"monitors\" array";
	}
	n = json_object_array_length(mons);
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(mons, i);
		const char *mon = member_str(m, "monitor"), *inst = member_str(m, "instance");
		const char *h = member_str(m, "health"), *comp = member_str(m, "computer");
		enum mp_health health;

		if (!mon || !inst || !h || !mp_health_parse(h, &health)) {
			snprintf(why, sizeof(why), "state file: monitors[%zu] lacks \"monitor\", "
				 "\"instance\" or a valid \"health\"", i);
			json_object_put(root);
			return why;
		}
		if (check_set_add(set, mon, comp, comp ? strlen(comp) : 0, inst, strlen(inst), health,
				  member_str(m, "message"),
				  member_str(m, "diagnosis"), member_str(m, "resolution")) < 0) {
			json_object_put(root);
			return "out of memory";
		}
		set->v[set->n - 1].unmonitored = is_false(m, "monitored");
		/* A later state file may carry a ratio monitor's ratio: pass it on. */
		if (json_object_object_get_ex(m, "ratio", &v) &&
		    (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
			set->v[set->n - 1].has_ratio = true;
			set->v[set->n - 1].ratio = json_object_get_double(v);
		}
	}
	w = parse_rollups(root, set);
	json_object_put(root);
	return w;
}

static enum status status_of(enum mp_health h, enum status uninit)
{
	switch (h) {
	case MP_HEALTH_SUCCESS:
		return ST_OK;
	case MP_HEALTH_WARNING:
		return ST_WARNING;
	case MP_HEALTH_ERROR:
		return ST_CRITICAL;
	default:
		return uninit;
	}
}

/* Health rank for "worst": Error > Warning > Uninitialized > Success. */
static int rank(enum mp_health h)
{
	return h == MP_HEALTH_ERROR ? 3 : h == MP_HEALTH_WARNING ? 2
		: h == MP_HEALTH_UNINITIALIZED ? 1 : 0;
}

/* A perfdata label may hold anything but "'" and "="; replace those. */
static void put_label(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++)
		buf_putc(b, *s == '\'' || *s == '=' ? '_' : *s);
	buf_putc(b, '\'');
}

/* Text for the status line: one line, no "|" (it would start the perfdata). */
static void put_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, *s == '|' ? '/' : *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
}

/* An instance named after its computer (InstanceField LoggingComputer) is
 * named once: the monitor has no other instance on that computer. */
static void put_inst_name(struct buf *b, const struct check_inst *in)
{
	put_text(b, in->monitor);
	if (*in->computer) {
		buf_puts(b, " on ");
		put_text(b, in->computer);
	}
	if (*in->instance && strcmp(in->instance, in->computer) != 0) {
		buf_puts(b, " [");
		put_text(b, in->instance);
		buf_putc(b, ']');
	}
}

/* Long output lines: "|" would end the plugin output's text part there. */
static void put_long(struct buf *b, const char *label, const char *text)
{
	const char *p;

	if (!*text)
		return;
	buf_printf(b, "%s:\n", label);
	for (p = text; *p; p++)
		buf_putc(b, *p == '|' ? '/' : *p);
	if (p[-1] != '\n')
		buf_putc(b, '\n');
}

struct opts {
	const char *monitor, *computer, *instance;
	const char *warn_text, *crit_text;
	struct range warn, crit;
	enum status uninit;
	int verbose;
	/* A problem with the input (standalone: the log not read, every line bad). */
	const char *input_why;		/* first on the status line, or NULL */
	enum status input_st;
	const char *input_detail;	/* a line of -v output, or NULL */
};

/*
 * The status given a problem with the input: UNKNOWN stands (the health may
 * be out of date); otherwise the worse of the two, in the order the
 * guidelines combine states (max_state_alt): CRITICAL, WARNING, UNKNOWN, OK.
 */
static enum status with_input(enum status st, enum status input)
{
	static const int order[] = {
		[ST_OK] = 0, [ST_UNKNOWN] = 1, [ST_WARNING] = 2, [ST_CRITICAL] = 3,
	};

	if (input == ST_UNKNOWN)
		return ST_UNKNOWN;
	return order[input] > order[st] ? input : st;
}

/*
 * Judge the instances in set (filtered by -m/-i) and print the status line,
 * its perfdata (extra: more perfdata, already formatted) and the long output.
 * Returns the exit status.
 */
/* What the selected instances add up to. */
struct tally {
	unsigned long count[4];		/* per health, of the monitored */
	unsigned long total, problems, unmonitored;
	const struct check_inst *worst;	/* of the monitored */
	const struct check_inst *gray;	/* the first not monitored */
};

/* Count the instances o selects; with -vv, one line each into lng. */
static void tally(const struct opts *o, const struct check_set *set, struct tally *t, struct buf *lng)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct check_inst *in = &set->v[i];

		/* roll-ups restate their members' health: counted only when asked for */
		if (o->monitor ? strcmp(in->monitor, o->monitor) != 0 : in->rollup)
			continue;
		if (o->computer && strcmp(in->computer, o->computer) != 0)
			continue;
		if (o->instance && strcmp(in->instance, o->instance) != 0)
			continue;
		t->total++;
		if (in->unmonitored) {
			t->unmonitored++;
			if (!t->gray)
				t->gray = in;
		} else {
			t->count[in->health]++;
			if (!t->worst || rank(in->health) > rank(t->worst->health))
				t->worst = in;
		}
		if (o->verbose >= 2) {
			if (in->unmonitored)
				buf_printf(lng, "Not monitored (last %s): ", mp_health_name(in->health));
			else
				buf_printf(lng, "%s: ", mp_health_name(in->health));
			put_inst_name(lng, in);
			if (*in->message && in->health != MP_HEALTH_SUCCESS) {
				buf_puts(lng, ": ");
				put_text(lng, in->message);
			}
			buf_putc(lng, '\n');
		}
	}
	t->problems = t->count[MP_HEALTH_WARNING] + t->count[MP_HEALTH_ERROR];
}

/* An instance whose computer's heartbeat fails: its health is not known. */
static void put_gray(struct buf *line, const struct check_inst *in)
{
	put_inst_name(line, in);
	buf_printf(line, " is not monitored (last known %s): no heartbeat from ",
		   mp_health_name(in->health));
	put_text(line, in->computer);
}

static void status_text(const struct opts *o, const struct tally *t, enum status st, struct buf *line)
{
	const struct check_inst *worst = t->worst;

	buf_printf(line, "MPMON %s - ", status_name[st]);
	if (o->input_why) {
		put_text(line, o->input_why);
		buf_puts(line, "; ");
	}
	if (t->total == 0) {
		buf_puts(line, "no monitor has data yet");
	} else if (t->total == 1 && o->monitor && !worst) {
		put_gray(line, t->gray);
		return;
	} else if (t->total == 1 && o->monitor) {
		put_inst_name(line, worst);
		buf_printf(line, " is %s", mp_health_name(worst->health));
	} else {
		buf_printf(line, "%lu instance%s: %lu critical, %lu warning, %lu ok, "
			   "%lu uninitialized", t->total, t->total == 1 ? "" : "s",
			   t->count[MP_HEALTH_ERROR], t->count[MP_HEALTH_WARNING],
			   t->count[MP_HEALTH_SUCCESS], t->count[MP_HEALTH_UNINITIALIZED]);
		if (t->unmonitored)
			buf_printf(line, ", %lu not monitored", t->unmonitored);
		if (t->gray && (!worst || worst->health == MP_HEALTH_SUCCESS)) {
			buf_puts(line, "; ");
			put_gray(line, t->gray);
			return;
		}
		if (worst && worst->health != MP_HEALTH_SUCCESS) {
			buf_puts(line, "; worst ");
			put_inst_name(line, worst);
			buf_printf(line, " is %s", mp_health_name(worst->health));
		}
	}
	if (worst && worst->health == MP_HEALTH_UNINITIALIZED)
		buf_puts(line, ": no data yet");
	else if (worst && worst->health != MP_HEALTH_SUCCESS && *worst->message) {
		buf_puts(line, ": ");
		put_text(line, worst->message);
	}
}

static void perfdata(const struct opts *o, const struct tally *t, const char *extra, struct buf *perf)
{
	static const char *const label[] = {
		[MP_HEALTH_SUCCESS] = "ok", [MP_HEALTH_WARNING] = "warning",
		[MP_HEALTH_ERROR] = "critical", [MP_HEALTH_UNINITIALIZED] = "uninitialized",
	};
	static const enum mp_health order[] = {
		MP_HEALTH_SUCCESS, MP_HEALTH_WARNING, MP_HEALTH_ERROR, MP_HEALTH_UNINITIALIZED,
	};
	size_t i;

	for (i = 0; i < 4; i++) {
		put_label(perf, label[order[i]]);
		buf_printf(perf, "=%lu;;;0; ", t->count[order[i]]);
	}
	put_label(perf, "problems");
	buf_printf(perf, "=%lu;%s;%s;0;", t->problems, o->warn_text ? o->warn_text : "",
		   o->crit_text ? o->crit_text : "");
	/* only with an inventory's heartbeat failing: no label that is always 0 */
	if (t->unmonitored) {
		buf_puts(perf, " ");
		put_label(perf, "unmonitored");
		buf_printf(perf, "=%lu;;;0;", t->unmonitored);
	}
	if (o->monitor && t->worst && t->total == 1 && t->worst->has_ratio) {
		buf_puts(perf, " ");
		put_label(perf, "ratio");
		buf_printf(perf, "=%g;;;0;1", t->worst->ratio);
	}
	if (extra && *extra)
		buf_printf(perf, " %s", extra);
}

static enum status judge(const struct opts *o, const struct tally *t)
{
	enum status st = ST_OK;

	if (o->warn_text || o->crit_text) {
		if (o->crit_text && range_alert(&o->crit, (double)t->problems))
			st = ST_CRITICAL;
		else if (o->warn_text && range_alert(&o->warn, (double)t->problems))
			st = ST_WARNING;
	} else if (t->worst) {
		st = status_of(t->worst->health, o->uninit);
	}
	/* what is not monitored cannot be called fine: only a known failure outranks it */
	if (t->unmonitored && st != ST_CRITICAL)
		st = ST_UNKNOWN;
	return o->input_why ? with_input(st, o->input_st) : st;
}

static enum status report(const struct opts *o, const struct check_set *set, const char *extra,
			  const char *how)
{
	struct tally t = { .total = 0 };
	struct buf line, perf, lng;
	enum status st;

	buf_init(&lng);
	tally(o, set, &t, &lng);
	if (o->monitor && t.total == 0) {
		buf_release(&lng);
		if (o->instance)
			unknown("no instance '%s' of monitor '%s'%s%s in the state (unknown, or no "
				"event yet)", o->instance, o->monitor, o->computer ? " on " : "",
				o->computer ? o->computer : "");
		if (o->computer)
			unknown("monitor '%s' has no instance on '%s' in the state (unknown, or no "
				"event yet)", o->monitor, o->computer);
		unknown("monitor '%s' not in the state (unknown, or no event yet)", o->monitor);
	}
	st = judge(o, &t);
	buf_init(&line);
	buf_init(&perf);
	status_text(o, &t, st, &line);
	perfdata(o, &t, extra, &perf);
	printf("%s | %s\n", line.data, perf.data);
	if (o->verbose >= 1 && o->input_detail) {
		buf_reset(&line);
		put_text(&line, o->input_detail);
		printf("%s\n", line.data);
	}
	if (o->verbose >= 1 && t.worst && t.worst->health != MP_HEALTH_SUCCESS) {
		buf_reset(&line);
		put_long(&line, "Diagnosis", t.worst->diagnosis);
		put_long(&line, "Resolution", t.worst->resolution);
		fputs(line.data, stdout);
	}
	fputs(lng.data, stdout);
	if (o->verbose >= 3 && how)
		fputs(how, stdout);
	buf_release(&line);
	buf_release(&perf);
	buf_release(&lng);
	return st;
}

/* ok, warning, critical or unknown, in any case; exits UNKNOWN otherwise. */
static enum status parse_status(const char *option, const char *s)
{
	int v;

	for (v = 0; v < 4 && strcasecmp(s, status_name[v]) != 0; v++)
		;
	if (v == 4)
		unknown("%s takes ok, warning, critical or unknown, not '%s'", option, s);
	return (enum status)v;
}

/*
 * -m (with -C and -i) of a monitor that runs but has no such instance in set:
 * it has no data yet.
 */
static void add_no_data(struct check_set *set, const struct opts *o)
{
	const char *comp = o->computer ? o->computer : "", *inst = o->instance ? o->instance : "";
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i].monitor, o->monitor) == 0 &&
		    (!o->computer || strcmp(set->v[i].computer, comp) == 0) &&
		    (!o->instance || strcmp(set->v[i].instance, inst) == 0))
			return;
	if (check_set_add(set, o->monitor, comp, strlen(comp), inst, strlen(inst),
			  MP_HEALTH_UNINITIALIZED, "", "", "") < 0)
		unknown("out of memory");
}

/* A whole non-negative number of at most INT_MAX, or -1. */
static long parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -1;
	return v;
}

enum {
	OPT_STATE_DIR = 256, OPT_STATE, OPT_MAX_AGE, OPT_MP, OPT_LOG, OPT_SEEK, OPT_FORMAT,
	OPT_PATTERN, OPT_LOG_NAME, OPT_START, OPT_CLOCK, OPT_MAX_LINE, OPT_UNINIT, OPT_MISSING_LOG,
	OPT_RECORDS,
};

/* What the command line asks for. */
struct args {
	struct opts o;
	struct standalone sa;
	const char *packs[MAX_PACKS];
	const char *state_dir, *state_file;
	long max_age;
	const char *missing_opt;
	enum status missing_st;
	char input_why[sizeof(((struct standalone *)0)->unread) + 64];
	char input_detail[sizeof(((struct standalone *)0)->first_bad) + 64];
};

/* An option of standalone mode into sa; false when c is none. */
static bool standalone_opt(int c, struct standalone *sa)
{
	long v;

	switch (c) {
	case OPT_MP:
		if (sa->npacks == MAX_PACKS)
			unknown("more than %d --mp", MAX_PACKS);
		sa->packs[sa->npacks++] = optarg;
		break;
	case OPT_LOG:
		sa->log = optarg;
		break;
	case OPT_SEEK:
		sa->seek_file = optarg;
		break;
	case OPT_FORMAT:
		sa->format = optarg;
		break;
	case OPT_PATTERN:
		sa->pattern = optarg;
		break;
	case OPT_LOG_NAME:
		sa->log_name = optarg;
		break;
	case OPT_START:
		if (strcmp(optarg, "end") && strcmp(optarg, "beginning"))
			unknown("--start takes end or beginning, not '%s'", optarg);
		sa->start_beginning = strcmp(optarg, "beginning") == 0;
		break;
	case OPT_CLOCK:
		if (strcmp(optarg, "wall") && strcmp(optarg, "event"))
			unknown("--clock takes wall or event, not '%s'", optarg);
		sa->clock_event = strcmp(optarg, "event") == 0;
		break;
	case OPT_RECORDS:
		sa->records = optarg;
		break;
	case OPT_MAX_LINE:
		v = parse_count(optarg);
		if (v < 16)
			unknown("--max-line takes a number of bytes (16 or more), not '%s'", optarg);
		sa->max_line = (size_t)v;
		break;
	default:
		return false;
	}
	return true;
}

/* The options into a; a usage error is UNKNOWN (exits). */
static void parse_args(int argc, char **argv, struct args *a)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "monitor", required_argument, NULL, 'm' },
		{ "instance", required_argument, NULL, 'i' },
		{ "computer", required_argument, NULL, 'C' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "uninitialized", required_argument, NULL, OPT_UNINIT },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "max-age", required_argument, NULL, OPT_MAX_AGE },
		{ "mp", required_argument, NULL, OPT_MP },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "seek-file", required_argument, NULL, OPT_SEEK },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "pattern", required_argument, NULL, OPT_PATTERN },
		{ "log-name", required_argument, NULL, OPT_LOG_NAME },
		{ "start", required_argument, NULL, OPT_START },
		{ "clock", required_argument, NULL, OPT_CLOCK },
		{ "max-line", required_argument, NULL, OPT_MAX_LINE },
		{ "missing-log", required_argument, NULL, OPT_MISSING_LOG },
		{ "records", required_argument, NULL, OPT_RECORDS },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	a->sa.packs = a->packs;
	/* The guidelines: usage errors are UNKNOWN too, on stdout, one line. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hVt:vm:i:C:w:c:", lopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(ST_OK);
		case 'V':
			printf("check_mpmon %s\n", MPMON_VERSION);
			exit(ST_OK);
		case 't':
			v = parse_count(optarg);
			if (v <= 0)
				unknown("--timeout takes a number of seconds above 0, not '%s'", optarg);
			timeout_s = (int)v;
			break;
		case 'v':
			a->o.verbose++;
			break;
		case 'm':
			a->o.monitor = optarg;
			break;
		case 'i':
			a->o.instance = optarg;
			break;
		case 'C':
			a->o.computer = optarg;
			break;
		case 'w':
			if (range_parse(optarg, &a->o.warn) < 0)
				unknown("-w takes a range (10, 10:, ~:10, 10:20, @10:20), not '%s'", optarg);
			a->o.warn_text = optarg;
			break;
		case 'c':
			if (range_parse(optarg, &a->o.crit) < 0)
				unknown("-c takes a range (10, 10:, ~:10, 10:20, @10:20), not '%s'", optarg);
			a->o.crit_text = optarg;
			break;
		case OPT_UNINIT:
			a->o.uninit = parse_status("--uninitialized", optarg);
			break;
		case OPT_MISSING_LOG:
			a->missing_st = parse_status("--missing-log", optarg);
			a->missing_opt = optarg;
			break;
		case OPT_STATE_DIR:
			a->state_dir = optarg;
			break;
		case OPT_STATE:
			a->state_file = optarg;
			break;
		case OPT_MAX_AGE:
			a->max_age = parse_count(optarg);
			if (a->max_age < 0)
				unknown("--max-age takes a number of seconds, not '%s'", optarg);
			break;
		default:
			if (!standalone_opt(c, &a->sa))
				unknown("unknown option or missing argument '%s' (see --help)",
					argv[optind - 1]);
		}
	}
	if (optind != argc)
		unknown("unexpected argument '%s' (see --help)", argv[optind]);
	if (a->o.instance && !a->o.monitor)
		unknown("-i needs -m");
	if (a->o.computer && !a->o.monitor)
		unknown("-C needs -m");
	if (a->missing_opt && !a->sa.log && !a->sa.seek_file)
		unknown("--missing-log is for standalone mode (--log), not '%s' here", a->missing_opt);
}

/* Standalone mode: read the log through the packs, then judge. */
static void check_standalone(struct args *a, struct check_set *set, struct buf *how,
			     struct buf *text, struct buf *extra)
{
	bool known = true;
	int r;

	if (!a->sa.npacks || !a->sa.log || !a->sa.seek_file)
		unknown("standalone mode needs --mp, --log and --seek-file");
	if (a->state_file)
		unknown("--state is for daemon mode, not with --mp");
	if (a->sa.log[0] != '/')
		unknown("--log takes an absolute path, not '%s'", a->sa.log);
	r = standalone_run(&a->sa, set, a->o.monitor, &known, how, text);
	if (r < 0)
		unknown("%s", text->len ? text->data : strerror(-r));
	if (a->o.monitor && !known)
		unknown("monitor '%s' is not in the packs (or does not run)", a->o.monitor);
	if (a->o.monitor)
		add_no_data(set, &a->o);
	/* Nothing read is never OK by itself: a missing log only when asked. */
	if (a->sa.unread[0]) {
		snprintf(a->input_why, sizeof(a->input_why), "log not read: %s", a->sa.unread);
		a->o.input_why = a->input_why;
		a->o.input_st = a->sa.missing ? a->missing_st : ST_UNKNOWN;
	} else if (a->sa.bad && !a->sa.good) {
		snprintf(a->input_why, sizeof(a->input_why), "all %lu line%s read %s bad", a->sa.bad,
			 a->sa.bad == 1 ? "" : "s", a->sa.bad == 1 ? "is" : "are");
		a->o.input_why = a->input_why;
		a->o.input_st = ST_WARNING;
	}
	if (a->sa.bad) {
		snprintf(a->input_detail, sizeof(a->input_detail), "first bad line (of %lu): %s",
			 a->sa.bad, a->sa.first_bad);
		a->o.input_detail = a->input_detail;
	}
	buf_printf(extra, "'lines'=%lu;;;0; 'bad'=%lu;;;0;", a->sa.lines, a->sa.bad);
	if (a->sa.first_run)
		buf_printf(how, "first run: %s starts at its %s\n", a->sa.log,
			   a->sa.start_beginning ? "beginning" : "end");
	buf_printf(how, "read %lu lines (%lu bad) of %s; seek file %s\n", a->sa.lines, a->sa.bad,
		   a->sa.log, a->sa.seek_file);
}

/* Daemon mode: the state from mpmond's control socket or its state file. */
static void check_daemon(struct args *a, struct check_set *set, struct buf *how,
			 struct buf *text, struct buf *extra)
{
	char path[4096];
	const char *why;
	int64_t written, age;
	int r = -ENOENT;

	if (!a->state_file && (r = control_state(a->state_dir, text)) == 0) {
		buf_printf(how, "state from mpmond's control socket %s/control\n", a->state_dir);
	} else {
		if (!a->state_file) {
			snprintf(path, sizeof(path), "%s/state.json", a->state_dir);
			a->state_file = path;
			buf_printf(how, "mpmond's control socket did not answer (%s): "
				   "reading %s\n", strerror(-r), path);
		}
		buf_reset(text);
		r = read_state(a->state_file, text);
		if (r < 0)
			unknown("cannot read state file %s: %s%s", a->state_file,
				r == -EINVAL ? "not a regular file" : strerror(-r),
				r == -ENOENT ? " (is mpmond running? see --state-dir)" : "");
		buf_printf(how, "read %zu bytes of %s\n", text->len, a->state_file);
	}
	why = parse_state(text, set, &written);
	if (!why && a->sa.npacks) {
		/*
		 * With the packs, monitors without an event yet (absent from the
		 * state) have no data yet, and one of them is told from an unknown one.
		 */
		bool known = false;
		struct buf err;

		buf_init(&err);
		r = packs_add_monitors(&a->sa, set, a->o.monitor, &known, &err);
		if (r < 0)
			unknown("%s", err.len ? err.data : strerror(-r));
		buf_release(&err);
		if (a->o.monitor && !known)
			unknown("monitor '%s' is not in the packs (or does not run)", a->o.monitor);
		if (a->o.monitor)
			add_no_data(set, &a->o);
	}
	if (why)
		unknown("%s: %s", a->state_file ? a->state_file : a->state_dir, why);
	age = (clock_realtime_us() - written) / 1000000;
	if (age < 0)
		age = 0;
	if (a->max_age && age > a->max_age) {
		char when[ISO8601_LEN];

		unknown("state is %lld s old (written %s; --max-age %ld): is mpmond running?",
			(long long)age, iso8601_format(written, when), a->max_age);
	}
	buf_printf(extra, "'age'=%llds;;", (long long)age);
	if (a->max_age)
		buf_printf(extra, "%ld", a->max_age);
	buf_puts(extra, ";0;");
}

int main(int argc, char **argv)
{
	struct args a = {
		.o = { .uninit = ST_OK },
		.sa = { .max_line = DEFAULT_MAX_LINE },
		.state_dir = DEFAULT_STATE_DIR,
		.max_age = DEFAULT_MAX_AGE,
		.missing_st = ST_UNKNOWN,
	};
	struct check_set set = { 0 };
	struct buf text, how, extra;
	enum status st;

	parse_args(argc, argv, &a);
	signal(SIGALRM, on_alarm);
	alarm(timeout_s);
	buf_init(&text);
	buf_init(&how);
	buf_init(&extra);
	if (a.sa.log || a.sa.seek_file)
		check_standalone(&a, &set, &how, &text, &extra);
	else
		check_daemon(&a, &set, &how, &text, &extra);
	st = report(&a.o, &set, extra.data, how.data);
	check_set_release(&set);
	buf_release(&text);
	buf_release(&how);
	buf_release(&extra);
	return st;
}
