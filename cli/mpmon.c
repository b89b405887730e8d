/*
 * mpmon: the pack author's tool. `validate` checks packs the way the collector
 * would load them; `replay` runs a log through packs on the events' own clock and
 * prints every state change as a JSON line (the contract in DESIGN.md), with rule
 * alerts and, on request (--health), roll-up changes as lines of their own kind,
 * so a pack can be tried before it is deployed and tests can compare exact output.
 */
#include "cli/doc.h"
#include "cli/state_text.h"
#include "cli/timeline.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/file.h"
#include "lib/iso8601.h"
#include "lib/json.h"
#include "lib/lines.h"
#include "lib/str.h"
#include "lib/version.h"
#include "monitors/engine.h"
#include "monitors/monitor.h"
#include "mp-xml/inventory.h"
#include "mp-xml/mp.h"
#include "pipeline/pipeline.h"
#include "pipeline/populate.h"
#include "pipeline/record_json.h"
#include "rules/event.h"
#include "rules/format.h"
#include "rules/regex.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_LINE (1u << 20)
#define DEFAULT_STATE_DIR "/var/lib/mpmon"
#define STATE_MAX_BYTES (256u << 20)

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 1, EXIT_USAGE = 2 };

static int verbose;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mpmon validate [-v] [--list] [--all] [--strict] [--scom]\n"
		"                      [--inventory FILE] [--effective ID] FILE...\n"
		"       mpmon replay --mp PATH [--mp PATH]... --input FILE [--format FMT]\n"
		"                    [--output json|text] [--all] [--health] [--max-line BYTES]\n"
		"                    [--now TIME] [--pattern PCRE] [--log-name NAME]\n"
		"                    [--computer NAME] [--inventory FILE] [--timeline FILE.html]\n"
		"       mpmon doc PACK [--monitor ID] [--format md|html] [--output FILE]\n"
		"       mpmon state [--state-dir DIR] [--output json|text]\n"
		"       mpmon reset MONITOR [INSTANCE] [--computer NAME] [--state-dir DIR]\n"
		"       mpmon --help | --version\n"
		"\n"
		"validate  check management packs, together, as mpmond would load them; problems\n"
		"          go to stderr as FILE:LINE: message, a summary of monitors run and\n"
		"          disabled to stdout; exit 1 on errors; --strict makes every warning\n"
		"          an error (for a pack's CI); --scom reports as errors what SCOM's\n"
		"          import would refuse (mpmon's own types and configuration\n"
		"          elements); --inventory checks an inventory and\n"
		"          applies the overrides for its groups and computers; --effective\n"
		"          prints a monitor's or rule's settings once overrides are applied,\n"
		"          each with where it came from, then where a computer's differ\n"
		"replay    run the events in FILE through the packs (PATH: a pack or a folder\n"
		"          of packs) on the events' own clock; one JSON line per state change\n"
		"          on stdout; bad lines are reported as FILE:LINE: message and skipped\n"
		"          (exit 1); --all also runs monitors the packs turn off; --health also\n"
		"          prints roll-up changes (\"kind\":\"rollup\"); rule alerts are lines\n"
		"          with \"kind\":\"rule\"; --now (ISO 8601, default: the clock) dates\n"
		"          syslog stamps without a year; --pattern gives --format regex its\n"
		"          PCRE2 pattern (named captures become fields; lines it does not\n"
		"          match are skipped); --log-name sets LogName on events whose line\n"
		"          names none (syslog, applelog), --computer its LoggingComputer on\n"
		"          those that name none; a line {\"mpmon\":\"reset\",\"monitor\":ID\n"
		"          [,\"computer\":C][,\"instance\":X]} resets a monitor; --inventory\n"
		"          names the computers to expect: one silent for its heartbeat interval\n"
		"          times the missed heartbeats raises a heartbeat failure;\n"
		"          --timeline also writes the health over time as an HTML/SVG page\n"
		"doc       a pack's documentation: a page per monitor (knowledge, properties,\n"
		"          diagnostics, recoveries, XML source), Markdown or one HTML file\n"
		"state     the health of every monitor instance as JSON, from the running\n"
		"          mpmond (its control socket in DIR, default %s), or from its\n"
		"          state file when it is not running; --output text: a table of\n"
		"          monitor, instance, health, since and open alert\n"
		"reset     reset a monitor (all its instances, or those of one computer\n"
		"          with --computer, or one) in the running mpmond\n"
		"formats:  %s\n",
		DEFAULT_STATE_DIR, format_names());
}

static void print_diags(const struct diag *d, bool notes)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < d->n; i++) {
		if (d->v[i].severity == DIAG_NOTE && !notes)
			continue;
		if (diag_format(&d->v[i], &b))
			fprintf(stderr, "%s\n", b.data);
	}
	if (d->dropped)
		fprintf(stderr, "mpmon: %zu more problems not shown\n", d->dropped);
	buf_release(&b);
}

/* One line per monitor: run, off (turned off by the pack) or disabled, with its type. */
static void list_monitors(const struct mp_pack *pack, const struct engine *e)
{
	static const char *const status_name[] = { "disabled", "run", "off" };
	const struct mp_monitor *m;

	for (m = pack->monitors; m; m = m->next)
		printf("%s\t%s\t%s\n", status_name[e ? engine_monitor_status(e, m->id) : 0],
		       m->id, m->type_id_raw ? m->type_id_raw : "");
}

/* --strict: every warning counts, and is shown, as an error. */
static void warnings_to_errors(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == DIAG_WARNING)
			d->v[i].severity = DIAG_ERROR;
	d->errors += d->warnings;
	d->warnings = 0;
}

/* The counts one pack added to the engine's: now less before. */
static void pack_stats(const struct engine_stats *now, const struct engine_stats *before,
		       struct engine_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->monitors_run = now->monitors_run - before->monitors_run;
	out->monitors_off = now->monitors_off - before->monitors_off;
	out->monitors_disabled = now->monitors_disabled - before->monitors_disabled;
	out->rules_run = now->rules_run - before->rules_run;
	out->rules_off = now->rules_off - before->rules_off;
	out->rules_disabled = now->rules_disabled - before->rules_disabled;
	out->actions_run = now->actions_run - before->actions_run;
	out->actions_off = now->actions_off - before->actions_off;
	out->actions_disabled = now->actions_disabled - before->actions_disabled;
}

/*
 * One pack of those validate checks, read already with its problems in d
 * (overrides applied): added to the engine that holds the ones before it (so
 * that references between them are checked, as mpmond's would be), its
 * problems and summary printed. *bad is set when it has errors.
 */
static void validate_one(struct engine *e, const char *path, struct mp_pack *pack,
			 struct diag *d, bool list, bool strict, bool *bad)
{
	struct engine_stats before, now, st;

	engine_get_stats(e, &before);
	if (pack && engine_add_pack(e, pack, d) < 0)
		diag_error(d, path, 0, "out of memory");
	engine_get_stats(e, &now);
	pack_stats(&now, &before, &st);
	if (strict)
		warnings_to_errors(d);
	diag_sort_lines(d, 0);
	print_diags(d, verbose > 0);
	if (pack && list)
		list_monitors(pack, e);
	if (pack)
		printf("%s: %zu monitors: %zu run, %zu off in the pack, %zu disabled; "
		       "%zu aggregate monitors; %zu rules: %zu run, %zu off in the pack, "
		       "%zu disabled; %zu diagnostics and recoveries: %zu can run, %zu off "
		       "in the pack, %zu will not run; %zu errors, %zu warnings\n",
		       path, pack->nmonitors, st.monitors_run, st.monitors_off,
		       st.monitors_disabled, pack->naggregates, pack->nrules, st.rules_run,
		       st.rules_off, st.rules_disabled,
		       st.actions_run + st.actions_off + st.actions_disabled, st.actions_run,
		       st.actions_off, st.actions_disabled, d->errors, d->warnings);
	if (d->errors || !pack)
		*bad = true;
}

/*
 * The overrides of all n packs applied (whatever their order, as SCOM does),
 * each problem given to the diag of the pack it stands in.
 */
static void validate_overrides(struct mp_pack **packs, size_t n, struct inventory *inv,
			       struct diag *ds)
{
	struct mp_pack **loaded = calloc(n ? n : 1, sizeof(*loaded));
	struct diag od;
	size_t i, j, k = 0;

	if (!loaded) {
		diag_error(&ds[0], NULL, 0, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		if (packs[i])
			loaded[k++] = packs[i];
	diag_init(&od);
	mp_scopes_resolve(loaded, k, &od);
	if (populate_groups(inv, loaded, k, &od) < 0)
		diag_error(&od, NULL, 0, "out of memory");
	mp_overrides_apply(loaded, k, inv, &od);
	for (j = 0; j < od.n; j++)
		for (i = 0; i < n; i++)
			if (packs[i] && od.v[j].file && strcmp(od.v[j].file, packs[i]->file) == 0) {
				diag_add(&ds[i], od.v[j].severity, od.v[j].file, od.v[j].line, "%s",
					 od.v[j].message);
				break;
			}
	diag_release(&od);
	free(loaded);
}

static const char *scope_said(enum mp_scope s)
{
	return s == MP_SCOPE_COMPUTER ? "one state per computer" : "one state";
}

/* Where a value came from, for --effective. */
static void put_origin(const struct mp_origin *o, const char *file, long line)
{
	if (!o->id)
		printf("the pack (%s:%ld)\n", file, line);
	else if (o->group)
		printf("override '%s' (%s:%ld), for group '%s'\n", o->id, o->file, o->line, o->group);
	else
		printf("override '%s' (%s:%ld)\n", o->id, o->file, o->line);
}

/* The values of a monitor's five overridable properties, as text. */
static void prop_values(const struct mp_alert *a, bool enabled, const char *v[MP_NPROPS])
{
	v[MP_PROP_ENABLED] = enabled ? "true" : "false";
	v[MP_PROP_GENERATE_ALERT] = a->present ? "true" : "false";
	v[MP_PROP_AUTO_RESOLVE] = a->auto_resolve ? "true" : "false";
	v[MP_PROP_SEVERITY] = mp_severity_name(a->severity);
	v[MP_PROP_PRIORITY] = mp_priority_name(a->priority);
	v[MP_PROP_ON_STATE] = mp_health_name(a->on_state);
}

/* A configuration element, or the override's value that stands for it. */
static void put_config(const struct mp_monitor *m, const struct mp_elem *c)
{
	const struct mp_config_value *v;

	for (v = m->config_values; v; v = v->next)
		if (strcmp(v->parameter, c->name) == 0 &&
		    monitor_type_overridable(monitor_type_find(m->type_id), v->parameter)) {
			printf("  %-16s %-8s ", c->name, v->value);
			put_origin(&v->origin, c->file, c->line);
			return;
		}
	printf("  %-16s %-8s the pack (%s:%ld)\n", c->name, *c->text ? c->text : "(elements)",
	       c->file, c->line);
}

/* A monitor's effective settings: everywhere, then where a computer's differ. */
static void effective_monitor(const struct mp_pack *p, const struct mp_monitor *m)
{
	const struct mp_computer_setting *s;
	const struct mp_elem *c;
	const char *v[MP_NPROPS];
	int k;

	printf("monitor %s (%s:%ld)\n  %-16s %s (%s)\n  %-16s %s\n", m->id, p->file, m->line,
	       "Target", m->target ? m->target : "", scope_said(m->scope), "Type",
	       m->type_id_raw ? m->type_id_raw : "");
	prop_values(&m->alert, m->enabled, v);
	for (k = 0; k < MP_NPROPS; k++) {
		printf("  %-16s %-8s ", mp_prop_name(k), v[k]);
		put_origin(&m->origin[k], p->file, m->line);
	}
	for (c = m->config ? mp_elem_child(m->config, NULL) : NULL; c; c = mp_elem_next(c, NULL))
		put_config(m, c);
	for (s = m->settings; s; s = s->next) {
		const char *w[MP_NPROPS];

		printf("on computer %s:\n", s->computer);
		prop_values(&s->alert, s->enabled, w);
		for (k = 0; k < MP_NPROPS; k++)
			if (s->origin[k].id != m->origin[k].id) {
				printf("  %-16s %-8s ", mp_prop_name(k), w[k]);
				put_origin(&s->origin[k], p->file, m->line);
			}
	}
}

/* A rule's: Enabled, everywhere and per computer. */
static void effective_rule(const struct mp_pack *p, const struct mp_rule *r)
{
	const struct mp_computer_setting *s;

	printf("rule %s (%s:%ld)\n  %-16s %s (%s)\n  %-16s %-8s ", r->id, p->file, r->line,
	       "Target", r->target ? r->target : "", scope_said(r->scope), "Enabled",
	       r->enabled ? "true" : "false");
	put_origin(&r->origin[MP_PROP_ENABLED], p->file, r->line);
	for (s = r->settings; s; s = s->next) {
		printf("on computer %s:\n  %-16s %-8s ", s->computer, "Enabled",
		       s->enabled ? "true" : "false");
		put_origin(&s->origin[MP_PROP_ENABLED], p->file, r->line);
	}
}

/* --effective ID: its settings once overrides are applied; false when no pack has it. */
static bool print_effective(struct mp_pack *const *packs, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mp_monitor *m = packs[i] ? mp_pack_monitor(packs[i], id) : NULL;
		const struct mp_rule *r = packs[i] ? mp_pack_rule(packs[i], id) : NULL;

		if (m)
			effective_monitor(packs[i], m);
		else if (r)
			effective_rule(packs[i], r);
		if (m || r)
			return true;
	}
	fprintf(stderr, "mpmon: --effective: no pack given has a monitor or rule '%s'\n", id);
	return false;
}

/* --inventory: read and said like a pack (FILE:LINE: message); NULL when unusable. */
static struct inventory *validate_inventory(const char *path)
{
	struct inventory *inv = NULL;
	struct diag d;

	diag_init(&d);
	if (pipeline_read_inventory(path, &inv, &d) < 0)
		fprintf(stderr, "mpmon: out of memory\n");
	print_diags(&d, verbose > 0);
	if (inv)
		printf("%s: inventory: %zu computer%s\n", path, inv->ncomputers,
		       inv->ncomputers == 1 ? "" : "s");
	diag_release(&d);
	return inv;
}

static int cmd_validate(int argc, char **argv)
{
	int status = EXIT_OK, i, c;
	bool list = false, all = false, strict = false, bad = false, scom = false;
	struct mp_pack **packs = NULL;
	struct inventory *inv = NULL;
	const char *inv_path = NULL, *effective = NULL;
	struct diag *ds = NULL;
	struct engine *e = NULL;

	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "inventory", required_argument, NULL, 'I' },
		{ "effective", required_argument, NULL, 'e' },
		{ "scom", no_argument, NULL, 'S' },
		{ "list", no_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	while ((c = getopt_long(argc, argv, "vlasI:e:h", opts, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'I')
			inv_path = optarg;
		else if (c == 'e')
			effective = optarg;
		else if (c == 'S')
			scom = true;
		else if (c == 'v')
			verbose++;
		else if (c == 'l')
			list = true;
		else if (c == 's')
			strict = true;
		else if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* the engine borrows each pack: they all live until the end */
	packs = calloc((size_t)(argc - optind), sizeof(*packs));
	ds = calloc((size_t)(argc - optind), sizeof(*ds));
	e = engine_new(NULL, NULL);
	if (!packs || !ds || !e) {
		fprintf(stderr, "mpmon: out of memory\n");
		status = EXIT_USAGE;
		goto out;
	}
	if (all)
		engine_enable_all(e);
	/* all read first: an override may stand in a pack before the one it changes */
	for (i = optind; i < argc; i++) {
		diag_init(&ds[i - optind]);
		packs[i - optind] = pipeline_read_pack(argv[i], 0, &ds[i - optind]);
	}
	if (inv_path && !(inv = validate_inventory(inv_path)))
		bad = true;
	validate_overrides(packs, (size_t)(argc - optind), inv, ds);
	for (i = optind; scom && i < argc; i++)
		if (packs[i - optind])
			mp_scom_check(packs[i - optind], &ds[i - optind]);
	for (i = optind; i < argc; i++)
		validate_one(e, argv[i], packs[i - optind], &ds[i - optind], list, strict, &bad);
	if (effective && !print_effective(packs, (size_t)(argc - optind), effective))
		bad = true;
	if (bad)
		status = EXIT_BAD_INPUT;
out:
	engine_free(e);
	inventory_free(inv);
	for (i = 0; packs && i < argc - optind; i++)
		mp_pack_free(packs[i]);
	for (i = 0; ds && i < argc - optind; i++)
		diag_release(&ds[i]);
	free(packs);
	free(ds);
	return status;
}

/*
 * A problem with the input, on stderr: messages quote the log (a key, a
 * stamp, a monitor a reset names), escaped as mpmond escapes its own log
 * (str_put_printable), so no byte of the log reaches the terminal as an escape.
 */
static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void report(const char *fmt, ...)
{
	struct buf msg, out;
	va_list ap;

	buf_init(&msg);
	buf_init(&out);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	str_put_printable(&out, msg.data, msg.len, NULL);
	fprintf(stderr, "%s\n", out.data);
	buf_release(&msg);
	buf_release(&out);
}

struct replay {
	struct buf out;
	bool text;		/* --output text: for people, not for programs */
	bool write_failed;
	struct timeline *timeline;	/* --timeline: records kept for the page */
	bool timeline_failed;
};

/*
 * Text from the packs and the log, for a terminal: each line escaped as
 * mpmond escapes its log (str_put_printable: ESC, BEL and the like as \xNN), lines
 * after the first indented by four spaces, so no text can pass for a record.
 */
static void put_text(struct buf *b, const char *text)
{
	const char *p = text, *nl;

	for (;;) {
		nl = strchr(p, '\n');
		str_put_printable(b, p, nl ? (size_t)(nl - p) : strlen(p), NULL);
		if (!nl)
			break;
		p = nl + 1;
		buf_puts(b, "\n    ");
	}
}

/* A label and text indented by four spaces, each line escaped; nothing when empty. */
static void put_block(struct buf *b, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	buf_printf(b, "  %s:\n    ", label);
	put_text(b, text);
	buf_putc(b, '\n');
}

/* The first line of a record: seq, time, what it is about, the instance. */
static void put_head(struct buf *b, const struct state_change *c, const char *what)
{
	char when[ISO8601_LEN];

	buf_printf(b, "#%llu %s  %s", (unsigned long long)c->seq, iso8601_format(c->time, when),
		   what);
	put_text(b, c->monitor_id);
	if (c->kind == CHANGE_ROLLUP && *c->target) {
		buf_puts(b, " of ");
		put_text(b, c->target);
	}
	if (c->computer_len) {
		buf_puts(b, " on ");
		str_put_printable(b, c->computer, c->computer_len, NULL);
	}
	/* named after its computer (InstanceField LoggingComputer): named once */
	if (c->instance_len && !str_eq((struct str){ c->instance, c->instance_len },
				       (struct str){ c->computer, c->computer_len })) {
		buf_puts(b, " [");
		str_put_printable(b, c->instance, c->instance_len, NULL);
		buf_putc(b, ']');
	}
}

/*
 * What a change does to its alert: raises it (the alert's name and message),
 * resolves it (the message says so), or neither (no message line).
 */
static void put_alert(struct buf *b, const struct state_change *c)
{
	if (c->alert)
		buf_printf(b, "  ALERT %s, priority %s", mp_severity_name(c->severity),
			   mp_priority_name(c->priority));
	if (c->alert_resolved)
		buf_puts(b, "  alert resolved");
	buf_putc(b, '\n');
	if (!*c->message)
		return;
	buf_puts(b, "  message: ");
	if (c->alert && *c->alert_name) {
		put_text(b, c->alert_name);
		buf_puts(b, ": ");
	}
	put_text(b, c->message);
	buf_putc(b, '\n');
}

static void format_text(struct buf *b, const struct state_change *c)
{
	if (c->kind == CHANGE_RULE) {
		put_head(b, c, "rule ");
		buf_printf(b, "\n  %s, severity %s, priority %s", c->alert ? "ALERT" : "repeat",
			   mp_severity_name(c->severity), mp_priority_name(c->priority));
		if (!c->alert)
			buf_printf(b, " (repeat %llu)", (unsigned long long)c->repeat_count);
		buf_puts(b, "\n  message: ");
		if (*c->alert_name) {
			put_text(b, c->alert_name);
			buf_puts(b, ": ");
		}
		put_text(b, c->message);
		buf_putc(b, '\n');
		if (c->alert) {
			put_block(b, "diagnosis", c->diagnosis);
			put_block(b, "resolution", c->resolution);
		}
		buf_putc(b, '\n');
		return;
	}
	if (c->kind == CHANGE_ROLLUP) {
		put_head(b, c, "roll-up ");
		buf_printf(b, "\n  %s -> %s (by %s)", mp_health_name(c->from), mp_health_name(c->to),
			   record_cause_name(c));
		put_alert(b, c);
		buf_putc(b, '\n');
		return;
	}
	put_head(b, c, "");
	buf_printf(b, "\n  %s -> %s (", mp_health_name(c->from), mp_health_name(c->to));
	put_text(b, c->state);
	buf_printf(b, ", by %s)", record_cause_name(c));
	put_alert(b, c);
	put_block(b, "diagnosis", c->diagnosis);
	put_block(b, "resolution", c->resolution);
	buf_putc(b, '\n');
}

static void emit_record(void *arg, const struct state_change *c)
{
	struct replay *rp = arg;
	struct buf *b = &rp->out;

	buf_reset(b);
	if (rp->timeline && timeline_add(rp->timeline, c) < 0)
		rp->timeline_failed = true;
	if (rp->text)
		format_text(b, c);
	else if (record_json(b, c) < 0)
		rp->write_failed = true;
	if (fwrite(b->data, 1, b->len, stdout) != b->len)
		rp->write_failed = true;
}

/* Write the --timeline page; a failure is reported here. Returns 0 or -errno. */
static int write_timeline(struct replay *rp, const char *path)
{
	struct buf page;
	FILE *f = NULL;
	int r;

	buf_init(&page);
	r = rp->timeline_failed ? -ENOMEM : timeline_render(rp->timeline, &page);
	if (r < 0) {
		fprintf(stderr, "mpmon: %s: out of memory for the timeline\n", path);
		goto out;
	}
	f = fopen(path, "w");
	if (!f) {
		r = -errno;
		fprintf(stderr, "mpmon: %s: cannot write the timeline: %s\n", path, strerror(errno));
		goto out;
	}
	if (fwrite(page.data, 1, page.len, f) != page.len)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		fprintf(stderr, "mpmon: %s: writing the timeline failed: %s\n", path, strerror(-r));
out:
	buf_release(&page);
	return r;
}

/* What the command line asks of a replay. */
struct replay_opts {
	char **packs;			/* pack files and folders, as given */
	size_t npacks;
	const char *input, *format, *pattern, *log_name, *computer, *timeline, *now, *inventory;
	size_t max_line;
	bool all, health, text;
};

static const struct option replay_options[] = {
	{ "mp", required_argument, NULL, 'm' },
	{ "input", required_argument, NULL, 'i' },
	{ "format", required_argument, NULL, 'f' },
	{ "max-line", required_argument, NULL, 'L' },
	{ "now", required_argument, NULL, 'N' },
	{ "pattern", required_argument, NULL, 'p' },
	{ "log-name", required_argument, NULL, 'l' },
	{ "computer", required_argument, NULL, 'C' },
	{ "inventory", required_argument, NULL, 'I' },
	{ "output", required_argument, NULL, 'o' },
	{ "all", no_argument, NULL, 'a' },
	{ "health", no_argument, NULL, 'H' },
	{ "timeline", required_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --format and --pattern agree: -1 to go on, else EXIT_USAGE (said). */
static int replay_check_format(const struct replay_opts *o)
{
	const struct format *f = format_find(o->format);

	if (!f)
		fprintf(stderr, "mpmon: unknown format '%s' (formats: %s)\n", o->format, format_names());
	else if (o->pattern && !f->needs_pattern)
		fprintf(stderr, "mpmon: --pattern is for --format regex, not '%s'\n", f->name);
	else if (!o->pattern && f->needs_pattern)
		fprintf(stderr, "mpmon: --format %s needs --pattern\n", f->name);
	return !f || f->needs_pattern != (o->pattern != NULL) ? EXIT_USAGE : -1;
}

/* Options into o: -1 to go on, else the exit status (--help, a usage error). */
static int replay_parse(int argc, char **argv, struct replay_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "m:i:f:L:N:p:l:C:I:o:avh", replay_options, NULL)) != -1) {
		switch (c) {
		case 'a': o->all = true; break;
		case 'H': o->health = true; break;
		case 'T': o->timeline = optarg; break;
		case 'i': o->input = optarg; break;
		case 'f': o->format = optarg; break;
		case 'L': o->max_line = strtoul(optarg, NULL, 10); break;
		case 'N': o->now = optarg; break;
		case 'p': o->pattern = optarg; break;
		case 'l': o->log_name = optarg; break;
		case 'C': o->computer = optarg; break;
		case 'I': o->inventory = optarg; break;
		case 'v': verbose++; break;
		case 'm':
			o->packs[o->npacks++] = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "mpmon: --output takes json or text, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o->text = strcmp(optarg, "text") == 0;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	/* Name what is missing: the whole usage would hide it. */
	if (!o->npacks || !o->input) {
		fprintf(stderr, "mpmon replay: %s is missing (%s); see 'mpmon replay --help'\n",
			!o->npacks ? "--mp" : "--input",
			!o->npacks ? "--mp PATH: a pack or a folder of packs, may be repeated"
				   : "--input FILE: the events, '-' for stdin");
		return EXIT_USAGE;
	}
	if (optind != argc || o->max_line < 16) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return replay_check_format(o);
}

/*
 * The reference time that dates year-less stamps stays fixed for the whole
 * replay: a log younger than a year then dates every one right, across New
 * Year too. 0, or -EINVAL (said).
 */
static int replay_wall(const struct replay_opts *o, int64_t *wall)
{
	if (o->now) {
		if (iso8601_parse(o->now, strlen(o->now), wall))
			return 0;
		fprintf(stderr, "mpmon: --now takes an ISO 8601 time, not '%s'\n", o->now);
		return -EINVAL;
	}
	*wall = clock_realtime_us();
	return 0;
}

/* The pipeline with o's packs and one stream: NULL when it cannot run (said). */
static struct pipeline *replay_pipeline(const struct replay_opts *o, struct replay *rp,
					struct pipeline_stream **st)
{
	struct pipeline_options po = { .run_all = o->all, .rollup = o->health,
				       .clock_event = true, .directives = true };
	struct pipeline *p = pipeline_new(&po, emit_record, rp);
	char err[FORMAT_ERR_LEN];
	struct diag d;
	size_t i;
	int r = p ? 0 : -ENOMEM;

	diag_init(&d);
	for (i = 0; r == 0 && i < o->npacks; i++)
		r = pipeline_add_packs(p, o->packs[i], NULL, NULL, &d);
	if (r == 0 && o->inventory)
		r = pipeline_add_inventory(p, o->inventory, &d);
	if (r == 0)
		r = pipeline_load(p, &d);
	print_diags(&d, verbose > 0);
	if (r == 0 && d.errors) {
		fprintf(stderr, "mpmon: not replaying: the %s errors\n",
			o->inventory ? "packs or the inventory have" : "packs have");
		r = -EINVAL;
	}
	if (r == 0 && (r = pipeline_stream_add(p, o->pattern ? NULL : o->format, o->pattern,
					       o->log_name, st, err)) == -EINVAL)
		fprintf(stderr, "mpmon: %s%s\n", o->pattern ? "--pattern: " : "", err);
	if (r == 0)
		(*st)->computer = o->computer;
	if (r == -ENOMEM)
		fprintf(stderr, "mpmon: out of memory\n");
	diag_release(&d);
	if (r < 0) {
		pipeline_free(p);
		return NULL;
	}
	return p;
}

/* The input's descriptor, or -1 (said). A folder opens, but would fail only at the first read. */
static int replay_open(const char *input)
{
	struct stat st;
	int fd = strcmp(input, "-") == 0 ? 0 : open(input, O_RDONLY | O_CLOEXEC);

	if (fd > 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EISDIR;
	}
	if (fd < 0)
		report("%s: cannot open input: %s", input, strerror(errno));
	return fd;
}

/* Every line of the input through the pipeline. The count of bad lines, or -ENOMEM. */
static long replay_read(struct pipeline *p, struct pipeline_stream *st, struct lines *lr,
			const struct replay_opts *o, struct replay *rp, int64_t wall)
{
	char err[FORMAT_ERR_LEN];
	int64_t noted = 0;
	long bad = 0;
	size_t len;
	char *line;
	bool cut;
	int r = 0;

	while (!rp->write_failed && (r = lines_next(lr, &line, &len, &cut)) > 0) {
		if (cut) {
			report("%s:%ld: line longer than %zu bytes, skipped", o->input, lr->lineno,
			       o->max_line);
			bad++;
			continue;
		}
		r = pipeline_line(p, st, line, len, wall, err);
		if (r < 0)
			return r;
		if (r == PIPELINE_BAD) {
			report("%s:%ld: %s", o->input, lr->lineno, err);
			bad++;
		}
		/* the page spans the whole log, not just from the first change to the last */
		if (rp->timeline && pipeline_now(p, wall) != noted)
			timeline_note_time(rp->timeline, noted = pipeline_now(p, wall));
	}
	if (r < 0 && r != -ENOMEM) {
		report("%s:%ld: read error: %s", o->input, lr->lineno + 1, strerror(-r));
		bad++;
	}
	return r == -ENOMEM ? r : bad;
}

/* What the engine had to drop or cut off, and with -v how much it did. */
static void replay_summary(const struct pipeline *p, long bad)
{
	struct engine_stats st;

	engine_get_stats(pipeline_engine(p), &st);
	if (st.evictions)
		fprintf(stderr, "mpmon: %llu instances evicted at their monitors' bound\n",
			(unsigned long long)st.evictions);
	if (st.dropped)
		fprintf(stderr, "mpmon: %llu %s (pending correlations and the like) "
			"dropped at their monitor types' bound\n",
			(unsigned long long)st.dropped, st.dropped == 1 ? "item" : "items");
	/* a pattern that backtracks without end is cut off, not waited for */
	if (regex_limit_hits())
		fprintf(stderr, "mpmon: %llu regular expression matches hit the match "
			"limit and counted as no match\n", (unsigned long long)regex_limit_hits());
	if (verbose)
		fprintf(stderr, "mpmon: %llu events, %llu evaluations, %llu changes, "
			"%zu monitors run, %ld bad lines\n",
			(unsigned long long)st.events, (unsigned long long)st.evaluations,
			(unsigned long long)st.changes, st.monitors_run, bad);
}

/* Read, replay and report; the exit status. */
static int replay_run(struct pipeline *p, struct pipeline_stream *st, const struct replay_opts *o,
		      struct replay *rp, int64_t wall)
{
	int status = EXIT_OK, fd = replay_open(o->input);
	struct lines lr;
	long bad;

	if (fd < 0)
		return EXIT_USAGE;
	if (lines_init(&lr, fd, o->max_line) < 0) {
		fprintf(stderr, "mpmon: out of memory\n");
		if (fd > 0)
			close(fd);
		return EXIT_USAGE;
	}
	bad = replay_read(p, st, &lr, o, rp, wall);
	lines_release(&lr);
	if (fd > 0)
		close(fd);
	if (bad < 0) {
		fprintf(stderr, "mpmon: out of memory\n");
		status = EXIT_USAGE;
	}
	if (fflush(stdout) != 0 || rp->write_failed) {
		fprintf(stderr, "mpmon: writing the output failed: %s\n", strerror(errno));
		status = EXIT_USAGE;
	}
	if (o->timeline && write_timeline(rp, o->timeline) < 0)
		status = EXIT_USAGE;
	if (status == EXIT_OK && bad)
		status = EXIT_BAD_INPUT;
	replay_summary(p, bad);
	return status;
}

static int cmd_replay(int argc, char **argv)
{
	struct replay_opts o = { .format = "json", .max_line = DEFAULT_MAX_LINE };
	struct replay rp = { .text = false };
	struct pipeline_stream *st = NULL;
	struct pipeline *p = NULL;
	int status;
	int64_t wall;

	o.packs = calloc(argc, sizeof(*o.packs));
	if (!o.packs) {
		fprintf(stderr, "mpmon: out of memory\n");
		return EXIT_USAGE;
	}
	buf_init(&rp.out);
	status = replay_parse(argc, argv, &o);
	if (status >= 0)
		goto out;
	status = EXIT_USAGE;
	rp.text = o.text;
	if (replay_wall(&o, &wall) < 0)
		goto out;
	if (o.timeline && !(rp.timeline = timeline_new())) {
		fprintf(stderr, "mpmon: out of memory\n");
		goto out;
	}
	p = replay_pipeline(&o, &rp, &st);
	if (p)
		status = replay_run(p, st, &o, &rp, wall);
out:
	pipeline_free(p);
	free(o.packs);
	buf_release(&rp.out);
	timeline_free(rp.timeline);
	return status;
}

/*
 * Send one command line to mpmond's control socket in dir and copy the answer
 * to out. Returns 0, or -errno when the daemon cannot be reached.
 */
static int control_call(const char *dir, const char *cmd, struct buf *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	char chunk[4096];
	size_t off = 0, len = strlen(cmd);
	ssize_t n;
	int fd, r = 0;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", dir) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A daemon that hangs must not hang the operator's shell. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto out;
	}
	while (off < len) {
		n = send(fd, cmd + off, len - off, MSG_NOSIGNAL);
		if (n <= 0) {
			/* a daemon that turned us away said why before it closed */
			r = n < 0 ? -errno : -EIO;
			break;
		}
		off += n;
	}
	while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
		if (buf_append(out, chunk, n) < 0) {
			r = -ENOMEM;
			goto out;
		}
	if (out->len)
		r = 0;
	else if (n < 0 && r == 0)
		r = -errno;
out:
	close(fd);
	return r;
}

/*
 * The options of state and reset: --state-dir, --output for state only
 * (text is NULL for reset), --computer for reset only (computer is NULL for
 * state). Returns the folder, or NULL with *status set when
 * the command is done (--help, bad usage).
 */
static const char *state_dir_opt(int argc, char **argv, int *first_arg, int *status, bool *text,
				 const char **computer)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "computer", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DEFAULT_STATE_DIR;
	int c;

	while ((c = getopt_long(argc, argv, "d:o:C:h", opts, NULL)) != -1) {
		if (c == 'd') {
			dir = optarg;
		} else if (c == 'C' && computer) {
			*computer = optarg;
		} else if (c == 'o' && text && (!strcmp(optarg, "json") || !strcmp(optarg, "text"))) {
			*text = strcmp(optarg, "text") == 0;
		} else if (c == 'o' && text) {
			fprintf(stderr, "mpmon: --output takes json or text, not '%s'\n", optarg);
			*status = EXIT_USAGE;
			return NULL;
		} else {
			usage(c == 'h' ? stdout : stderr);
			*status = c == 'h' ? EXIT_OK : EXIT_USAGE;
			return NULL;
		}
	}
	*first_arg = optind;
	return dir;
}

/* Print the state as it came (JSON), or as a table; from is where it came from. */
static int print_state(struct buf *b, bool text, const char *from)
{
	char err[FORMAT_ERR_LEN];
	struct buf table;
	int r, status = EXIT_OK;

	if (!text) {
		if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0)
			status = EXIT_USAGE;
		return status;
	}
	buf_init(&table);
	r = state_text(b->data, b->len, &table, err);
	if (r < 0) {
		fprintf(stderr, "mpmon: %s: %s\n", from, r == -ENOMEM ? "out of memory" : err);
		status = EXIT_BAD_INPUT;
	} else if (fwrite(table.data, 1, table.len, stdout) != table.len || fflush(stdout) != 0) {
		status = EXIT_USAGE;
	}
	buf_release(&table);
	return status;
}

static int cmd_state(int argc, char **argv)
{
	int first, status = EXIT_OK, r;
	bool text = false;
	const char *dir = state_dir_opt(argc, argv, &first, &status, &text, NULL);
	char path[4096], from[4200];
	struct buf b;

	if (!dir)
		return status;
	if (first != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	buf_init(&b);
	r = control_call(dir, "state\n", &b);
	snprintf(from, sizeof(from), "%s/control", dir);
	if (r == 0 && b.len && b.data[0] != '{') {
		/* mpmond said why it would not answer ("error: too many clients ...") */
		fprintf(stderr, "mpmon: %s/control: %.*s", dir, (int)b.len, b.data);
		buf_reset(&b);
	}
	if (r < 0 || b.len == 0) {
		/* mpmond is not running: its last state file is the best answer. */
		char *data;
		size_t len;

		snprintf(path, sizeof(path), "%s/state.json", dir);
		r = file_read_all(path, STATE_MAX_BYTES, &data, &len);
		if (r < 0) {
			fprintf(stderr, "mpmon: %s: mpmond not reachable and no state file: %s\n", dir,
				strerror(-r));
			buf_release(&b);
			return EXIT_BAD_INPUT;
		}
		buf_reset(&b);
		buf_append(&b, data, len);
		free(data);
		snprintf(from, sizeof(from), "%s", path);
	}
	status = print_state(&b, text, from);
	buf_release(&b);
	return status;
}

static int cmd_reset(int argc, char **argv)
{
	int first, status = EXIT_OK, r;
	const char *computer = NULL;
	const char *dir = state_dir_opt(argc, argv, &first, &status, NULL, &computer);
	struct buf cmd, reply;

	if (!dir)
		return status;
	if (argc - first < 1 || argc - first > 2 || strpbrk(argv[first], " \t\n") ||
	    (argc - first == 2 && strpbrk(argv[first + 1], " \t\n")) ||
	    (computer && (!*computer || strpbrk(computer, " \t\n")))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	buf_init(&cmd);
	buf_init(&reply);
	buf_printf(&cmd, "reset %s%s%s%s%s\n", argv[first], computer ? " computer=" : "",
		   computer ? computer : "", argc - first == 2 ? " " : "",
		   argc - first == 2 ? argv[first + 1] : "");
	r = control_call(dir, cmd.data, &reply);
	if (r < 0) {
		fprintf(stderr, "mpmon: %s/control: cannot reach mpmond: %s\n", dir, strerror(-r));
		status = EXIT_BAD_INPUT;
	} else if (strncmp(reply.data, "ok", 2) != 0) {
		fprintf(stderr, "mpmon: %s", reply.len ? reply.data : "no answer from mpmond\n");
		status = EXIT_BAD_INPUT;
	}
	buf_release(&cmd);
	buf_release(&reply);
	return status;
}

int main(int argc, char **argv)
{
#ifdef M_MXFAST
	/*
	 * No fastbins: mpmon's small blocks either live to the end (the model,
	 * instances) or are freed all at once (libxml2's tree of each pack).
	 * Fastbins would hold the tree's 100,000s of nodes uncoalesced until a
	 * later allocation walks them all again, cold: a tenth of loading a
	 * large pack. Freed without them, neighbours merge while still in cache.
	 */
	mallopt(M_MXFAST, 0);
#endif
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mpmon %s\n", MPMON_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(argv[1], "doc") == 0)
		return doc_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "state") == 0)
		return cmd_state(argc - 1, argv + 1);
	if (strcmp(argv[1], "reset") == 0)
		return cmd_reset(argc - 1, argv + 1);
	fprintf(stderr, "mpmon: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
