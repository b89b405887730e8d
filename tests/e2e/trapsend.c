/*
 * trapsend: the test driver of the SNMP sink. It feeds state changes to the
 * real trap sender (collector/trap.c) and runs a small event loop around it, as
 * mpmond will, so the end-to-end tests and the benchmark can put notifications
 * on the wire to a real snmptrapd without the daemon. The changes are either
 * JSON lines as `mpmon replay` prints them, or synthetic ones (--synthetic N).
 * Lines with "kind":"rule" (a rule's alert) and "kind":"rollup" (a roll-up
 * change) are records of those kinds, as replay prints them; the rules and
 * aggregates they name are looked up in the packs given with --mp, as the
 * engine's records point to them, for their display names, targets and
 * knowledge. A line with "kind":"action" is the result of a diagnostic or
 * recovery, as state.json's actions.results list it (with "action_kind" for
 * its kind), sent as mpmonActionResult.
 *
 *   trapsend [OPTIONS] [FILE|-]
 *   --dest name=N,peer=ADDR,version=2c|3,inform=0|1,community=C,user=U,
 *          auth=sha|sha256,auth-pass=P,priv-pass=P,engine-id=HEX,
 *          timeout-ms=N,backoff-max-ms=N          (repeatable)
 *   --spool DIR  --spool-max N  --text-max N  --host NAME
 *   --mp PACK         a pack file to look rules and aggregates up in (repeatable)
 *   --flap-max N --flap-window-ms N --rate-max N --rate-window-ms N --summary-delay-ms N
 *   --synthetic N [--start-seq N] [--text-len N]   synthetic changes
 *   --interval-ms N   pause between changes (changes keep flowing during an outage)
 *   --rate N          pace synthetic changes at N per second (the benchmark)
 *   --drain-ms N      then run until nothing is pending, at most N ms (default 30000)
 *   --start           send mpmonAgentStart first
 *   --heartbeat       send mpmonAgentHeartbeat last, with the last seq
 *   --stats           print the sender's counters on stdout at the end
 * Exit status: 0 when everything was delivered (sent, and acknowledged for
 * informs), 1 when notifications were still pending, 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/action.h"
#include "collector/trap.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/iso8601.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "pipeline/pipeline.h"
#include "rules/event.h"
#include "rules/format.h"

#define MAX_LINE (1u << 20)
#define MAX_PACKS 16

static struct mp_pack *packs[MAX_PACKS];
static size_t npacks;

static size_t diag_shown;

static void show_diag(struct diag *d)
{
	struct buf b;
	buf_init(&b);
	for (; diag_shown < d->n; diag_shown++) {
		buf_reset(&b);
		fprintf(stderr, "trapsend: %s\n", diag_format(&d->v[diag_shown], &b));
	}
	buf_release(&b);
}

/* Run the sender's loop until deadline, or until nothing is pending when drain. */
static void run(struct trap_sender *s, struct diag *d, int64_t deadline, bool drain)
{
	for (;;) {
		int64_t now = clock_realtime_us();
		trap_sender_process(s, now);
		show_diag(d);
		struct trap_stats st;
		trap_sender_get_stats(s, &st);
		if (drain && st.pending == 0 && trap_sender_next_timeout(s, now) == INT64_MAX)
			return;
		if (now >= deadline)
			return;
		int64_t next = trap_sender_next_timeout(s, now);
		if (next > deadline)
			next = deadline;
		int ms = next <= now ? 0 : (int)((next - now + 999) / 1000);
		struct pollfd p[TRAP_MAX_DESTINATIONS];
		int fds[TRAP_MAX_DESTINATIONS];
		size_t n = trap_sender_fds(s, fds, TRAP_MAX_DESTINATIONS);
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(p, n, ms);
	}
}

static bool parse_health(const char *s, enum mp_health *h)
{
	return mp_health_parse(s, h);
}

/* Copy a field of the parsed JSON line into out (NUL-terminated, owned by out). */
static const char *field(const struct event *ev, const char *name, struct buf *out)
{
	for (unsigned i = 0; i < ev->nfields; i++) {
		const struct event_field *f = &ev->fields[i];
		if (f->name.len == strlen(name) && memcmp(f->name.p, name, f->name.len) == 0) {
			buf_reset(out);
			if (buf_append(out, f->value.p, f->value.len) < 0)
				return NULL;
			return out->data;
		}
	}
	return NULL;
}

static enum mp_severity severity_of(const char *s)
{
	if (s && strcmp(s, "Error") == 0)
		return MP_SEVERITY_ERROR;
	if (s && strcmp(s, "Warning") == 0)
		return MP_SEVERITY_WARNING;
	return MP_SEVERITY_INFORMATION;
}

static enum mp_priority priority_of(const char *s)
{
	if (s && strcmp(s, "High") == 0)
		return MP_PRIORITY_HIGH;
	if (s && strcmp(s, "Low") == 0)
		return MP_PRIORITY_LOW;
	return MP_PRIORITY_NORMAL;
}

enum { F_SEQ, F_TIME, F_MONITOR, F_INSTANCE, F_FROM, F_TO, F_STATE, F_ALERT, F_RESOLVED,
       F_SEVERITY, F_PRIORITY, F_ALERT_NAME, F_MESSAGE, F_DIAGNOSIS, F_RESOLUTION, F_RULE,
       F_TARGET, F_REPEAT, F_COMPUTER, F_N };
static const char *const field_names[F_N] = {
	"seq", "time", "monitor", "instance", "from", "to", "state", "alert", "alert_resolved",
	"severity", "priority", "alert_name", "message", "diagnosis", "resolution", "rule",
	"target", "repeat_count", "computer",
};

static const struct mp_rule *find_rule(const char *id)
{
	const struct mp_rule *r = NULL;

	for (size_t i = 0; i < npacks && !r; i++)
		r = mp_pack_rule(packs[i], id);
	return r;
}

static const struct mp_aggregate *find_aggregate(const char *id)
{
	const struct mp_aggregate *g = NULL;

	for (size_t i = 0; i < npacks && !g; i++)
		g = mp_pack_aggregate(packs[i], id);
	return g;
}

static bool is_true(const char *v)
{
	return v && strcmp(v, "true") == 0;
}

/*
 * Fill in c from the fields f of a record line of kind k. A rule's alert
 * needs seq and rule; a change of health seq, monitor, from and to. Returns
 * 0, or -EINVAL when the line is not such a record.
 */
static int record_of(struct state_change *c, enum change_kind k, const char *const *f)
{
	bool rule = k == CHANGE_RULE;

	if (!f[F_SEQ] || (f[F_TIME] && !iso8601_parse(f[F_TIME], strlen(f[F_TIME]), &c->time)))
		return -EINVAL;
	if (rule ? !f[F_RULE] :
		   !f[F_MONITOR] || !f[F_FROM] || !f[F_TO] || !parse_health(f[F_FROM], &c->from) ||
			   !parse_health(f[F_TO], &c->to))
		return -EINVAL;
	c->kind = k;
	c->seq = strtoull(f[F_SEQ], NULL, 10);
	c->monitor_id = rule ? f[F_RULE] : f[F_MONITOR];
	c->instance = f[F_INSTANCE] ? f[F_INSTANCE] : "";
	c->instance_len = strlen(c->instance);
	c->computer = f[F_COMPUTER] ? f[F_COMPUTER] : "";
	c->computer_len = strlen(c->computer);
	c->state = f[F_STATE] ? f[F_STATE] : "";
	c->alert = is_true(f[F_ALERT]);
	c->alert_resolved = is_true(f[F_RESOLVED]);
	c->severity = severity_of(f[F_SEVERITY]);
	c->priority = priority_of(f[F_PRIORITY]);
	c->alert_name = f[F_ALERT_NAME] ? f[F_ALERT_NAME] : "";
	c->message = f[F_MESSAGE] ? f[F_MESSAGE] : "";
	c->diagnosis = f[F_DIAGNOSIS] ? f[F_DIAGNOSIS] : "";
	c->resolution = f[F_RESOLUTION] ? f[F_RESOLUTION] : "";
	c->target = f[F_TARGET] ? f[F_TARGET] : "";
	c->repeat_count = f[F_REPEAT] ? strtoull(f[F_REPEAT], NULL, 10) : 0;
	if (rule)
		c->rule = find_rule(c->monitor_id);
	else if (k == CHANGE_ROLLUP)
		c->aggregate = find_aggregate(c->monitor_id);
	return 0;
}

enum { A_SEQ, A_MONITOR, A_INSTANCE, A_KIND, A_ID, A_STATUS, A_CODE, A_REASON, A_OUT,
       A_OUT_BYTES, A_ERR, A_ERR_BYTES, A_ENDED, A_COMPUTER, A_N };
static const char *const action_fields[A_N] = {
	"seq", "monitor", "instance", "action_kind", "id", "status", "code", "reason", "stdout",
	"stdout_bytes", "stderr", "stderr_bytes", "ended", "computer",
};

/* An action result line (state.json's form) as mpmonActionResult. */
static int send_action(struct trap_sender *s, const struct event *ev, const char *file,
		       long lineno)
{
	struct buf v[A_N];
	const char *f[A_N];
	struct action_result res = { 0 };
	int r = -EINVAL;

	for (int i = 0; i < A_N; i++) {
		buf_init(&v[i]);
		f[i] = field(ev, action_fields[i], &v[i]);
	}
	for (int k = ACTION_SUCCEEDED; k <= ACTION_SKIPPED && f[A_STATUS]; k++)
		if (strcmp(f[A_STATUS], action_status_name((enum action_status)k)) == 0)
			res.status = (enum action_status)k;
	if (!f[A_SEQ] || !f[A_MONITOR] || !f[A_ID] || !res.status ||
	    (f[A_ENDED] && !iso8601_parse(f[A_ENDED], strlen(f[A_ENDED]), &res.ended))) {
		fprintf(stderr, "%s:%ld: not an action result (seq, monitor, id, status, ended)\n",
			file, lineno);
		goto out;
	}
	res.seq = strtoull(f[A_SEQ], NULL, 10);
	res.monitor_id = f[A_MONITOR];
	res.instance = f[A_INSTANCE] ? f[A_INSTANCE] : "";
	res.computer = f[A_COMPUTER] ? f[A_COMPUTER] : "";
	res.kind = f[A_KIND] && strcmp(f[A_KIND], "recovery") == 0 ? ACTION_RECOVERY : ACTION_DIAGNOSTIC;
	res.id = f[A_ID];
	res.code = f[A_CODE] ? atoi(f[A_CODE]) : 0;
	res.reason = f[A_REASON] ? f[A_REASON] : "";
	res.out.text = f[A_OUT] ? f[A_OUT] : "";
	res.out.len = strlen(res.out.text);
	res.out.bytes = f[A_OUT_BYTES] ? strtoull(f[A_OUT_BYTES], NULL, 10) : res.out.len;
	res.err.text = f[A_ERR] ? f[A_ERR] : "";
	res.err.len = strlen(res.err.text);
	res.err.bytes = f[A_ERR_BYTES] ? strtoull(f[A_ERR_BYTES], NULL, 10) : res.err.len;
	r = trap_send_action(s, &res, clock_realtime_us());
out:
	for (int i = 0; i < A_N; i++)
		buf_release(&v[i]);
	return r;
}

/* Turn one replay JSON line into a state change and send it. */
static int send_line(struct trap_sender *s, char *line, size_t len, const char *file, long lineno)
{
	static const struct format_ctx ctx = { 0, 0 };
	struct event ev;
	char err[FORMAT_ERR_LEN];
	event_reset(&ev);
	if (format_json.parse(&format_json, &ctx, line, len, &ev, err) < 0) {
		fprintf(stderr, "%s:%ld: %s\n", file, lineno, err);
		return -EINVAL;
	}
	struct buf kind;
	buf_init(&kind);
	const char *k = field(&ev, "kind", &kind);
	enum change_kind ck = CHANGE_MONITOR;
	bool action = false, known = true;
	if (k && strcmp(k, "action") == 0)
		action = true;
	else if (k && strcmp(k, "rule") == 0)
		ck = CHANGE_RULE;
	else if (k && strcmp(k, "rollup") == 0)
		ck = CHANGE_ROLLUP;
	else if (k)
		known = false;
	buf_release(&kind);
	if (action)
		return send_action(s, &ev, file, lineno);
	if (!known) {
		fprintf(stderr, "%s:%ld: unknown kind of record\n", file, lineno);
		return -EINVAL;
	}
	struct buf v[F_N];
	const char *f[F_N];
	for (int i = 0; i < F_N; i++) {
		buf_init(&v[i]);
		f[i] = field(&ev, field_names[i], &v[i]);
	}
	struct state_change c = { 0 };
	int r = record_of(&c, ck, f);
	if (r < 0)
		fprintf(stderr, "%s:%ld: %s\n", file, lineno,
			ck == CHANGE_RULE ? "not a rule alert (seq, rule, time)" :
					    "not a state change (seq, monitor, from, to, time)");
	else
		r = trap_send_change(s, &c, clock_realtime_us());
	for (int i = 0; i < F_N; i++)
		buf_release(&v[i]);
	return r;
}

static int send_synthetic(struct trap_sender *s, uint64_t seq, size_t text_len, struct buf *text)
{
	char inst[32], msg[96];
	snprintf(inst, sizeof(inst), "dev%" PRIu64, seq % 7);
	snprintf(msg, sizeof(msg), "synthetic change %" PRIu64, seq);
	buf_reset(text);
	for (size_t i = 0; i < text_len; i++)
		buf_putc(text, (char)('a' + i % 26));
	bool bad = seq % 2;
	struct state_change c = {
		.seq = seq,
		.time = clock_realtime_us(),
		.monitor_id = "Mpmon.Test.Synthetic.Monitor",
		.instance = inst,
		.instance_len = strlen(inst),
		.from = bad ? MP_HEALTH_SUCCESS : MP_HEALTH_ERROR,
		.to = bad ? MP_HEALTH_ERROR : MP_HEALTH_SUCCESS,
		.state = bad ? "EventRaised" : "EventCleared",
		.alert = bad,
		.severity = MP_SEVERITY_ERROR,
		.priority = MP_PRIORITY_HIGH,
		.alert_name = "",
		.message = msg,
		.diagnosis = text_len ? text->data : "synthetic diagnosis",
		.resolution = "synthetic resolution",
	};
	return trap_send_change(s, &c, c.time);
}

static char *opt_value(char *spec, const char *key)
{
	size_t k = strlen(key);
	for (char *p = spec; p && *p;) {
		char *comma = strchr(p, ',');
		if (strncmp(p, key, k) == 0 && p[k] == '=') {
			char *v = p + k + 1;
			size_t n = comma ? (size_t)(comma - v) : strlen(v);
			char *out = strndup(v, n);
			if (!out)
				exit(2);
			return out;
		}
		p = comma ? comma + 1 : NULL;
	}
	return NULL;
}

static unsigned opt_uint(char *spec, const char *key, unsigned def)
{
	char *v = opt_value(spec, key);
	unsigned r = v ? (unsigned)strtoul(v, NULL, 10) : def;
	free(v);
	return r;
}

static int parse_dest(char *spec, struct trap_destination *d)
{
	char *v;
	memset(d, 0, sizeof(*d));
	d->name = opt_value(spec, "name");
	d->peer = opt_value(spec, "peer");
	v = opt_value(spec, "version");
	d->version = v && strcmp(v, "3") == 0 ? TRAP_V3 : TRAP_V2C;
	free(v);
	d->inform = opt_uint(spec, "inform", d->version == TRAP_V3) != 0;
	d->community = opt_value(spec, "community");
	d->user = opt_value(spec, "user");
	v = opt_value(spec, "auth");
	d->auth = v && strcmp(v, "sha256") == 0 ? TRAP_AUTH_SHA256 : TRAP_AUTH_SHA;
	free(v);
	d->auth_pass = opt_value(spec, "auth-pass");
	d->priv_pass = opt_value(spec, "priv-pass");
	d->engine_id = opt_value(spec, "engine-id");
	d->timeout_ms = opt_uint(spec, "timeout-ms", 0);
	d->backoff_max_ms = opt_uint(spec, "backoff-max-ms", 0);
	return d->name && d->peer ? 0 : -EINVAL;
}

static void free_dest(struct trap_destination *d)
{
	free((char *)d->name);
	free((char *)d->peer);
	free((char *)d->community);
	free((char *)d->user);
	free((char *)d->auth_pass);
	free((char *)d->priv_pass);
	free((char *)d->engine_id);
}

/* Load a pack for the lookups; its problems go to stderr. */
static bool load_pack(const char *path)
{
	struct diag d;
	diag_init(&d);
	diag_shown = 0;
	packs[npacks] = pipeline_read_pack(path, 0, &d);
	show_diag(&d);
	diag_shown = 0;
	diag_release(&d);
	if (!packs[npacks])
		return false;
	npacks++;
	return true;
}

static int usage(void)
{
	fprintf(stderr, "usage: trapsend --dest SPEC [--dest SPEC]... [OPTIONS] [FILE|-]\n"
			"       (see tests/e2e/trapsend.c for the options)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct trap_destination dests[TRAP_MAX_DESTINATIONS];
	struct trap_config cfg = { .dests = dests, .spool_fsync = true };
	const char *input = NULL;
	long synthetic = -1, interval_ms = 0, drain_ms = 30000, rate = 0;
	uint64_t start_seq = 1;
	size_t text_len = 0;
	bool stats = false, start = false, heartbeat = false;
	int status = 2;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--dest") == 0 && v && cfg.ndests < TRAP_MAX_DESTINATIONS) {
			if (parse_dest(argv[++i], &dests[cfg.ndests++]) < 0)
				goto out;
		} else if (strcmp(a, "--spool") == 0 && v) {
			cfg.spool_dir = argv[++i];
		} else if (strcmp(a, "--spool-max") == 0 && v) {
			cfg.spool_max_entries = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(a, "--text-max") == 0 && v) {
			cfg.text_max = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(a, "--host") == 0 && v) {
			cfg.host = argv[++i];
		} else if (strcmp(a, "--mp") == 0 && v && npacks < MAX_PACKS) {
			if (!load_pack(argv[++i])) {
				status = 1;
				goto out;
			}
		} else if (strcmp(a, "--flap-max") == 0 && v) {
			cfg.storm.flap_max = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(a, "--flap-window-ms") == 0 && v) {
			cfg.storm.flap_window_us = strtoll(argv[++i], NULL, 10) * 1000;
		} else if (strcmp(a, "--rate-max") == 0 && v) {
			cfg.storm.rate_max = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(a, "--rate-window-ms") == 0 && v) {
			cfg.storm.rate_window_us = strtoll(argv[++i], NULL, 10) * 1000;
		} else if (strcmp(a, "--summary-delay-ms") == 0 && v) {
			cfg.storm.summary_delay_us = strtoll(argv[++i], NULL, 10) * 1000;
		} else if (strcmp(a, "--synthetic") == 0 && v) {
			synthetic = strtol(argv[++i], NULL, 10);
		} else if (strcmp(a, "--start-seq") == 0 && v) {
			start_seq = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(a, "--text-len") == 0 && v) {
			text_len = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(a, "--interval-ms") == 0 && v) {
			interval_ms = strtol(argv[++i], NULL, 10);
		} else if (strcmp(a, "--rate") == 0 && v) {
			rate = strtol(argv[++i], NULL, 10);
		} else if (strcmp(a, "--drain-ms") == 0 && v) {
			drain_ms = strtol(argv[++i], NULL, 10);
		} else if (strcmp(a, "--stats") == 0) {
			stats = true;
		} else if (strcmp(a, "--heartbeat") == 0) {
			heartbeat = true;
		} else if (strcmp(a, "--start") == 0) {
			start = true;
		} else if (a[0] != '-' || strcmp(a, "-") == 0) {
			input = a;
		} else {
			goto out;
		}
	}
	if (cfg.ndests == 0 || (synthetic < 0 && !input))
		goto out;

	struct diag d;
	diag_init(&d);
	struct trap_sender *s = trap_sender_new(&cfg, &d);
	show_diag(&d);
	if (!s) {
		status = 1;
		diag_release(&d);
		goto out;
	}
	int64_t t0 = clock_realtime_us();
	if (start)
		trap_send_start(s, t0);
	status = 0;
	if (synthetic >= 0) {
		struct buf text;
		buf_init(&text);
		for (long k = 0; k < synthetic; k++) {
			if (send_synthetic(s, start_seq + (uint64_t)k, text_len, &text) < 0)
				status = 1;
			int64_t until = 0;
			if (rate > 0)
				until = t0 + (int64_t)(k + 1) * 1000000 / rate;
			else if (interval_ms)
				until = clock_realtime_us() + interval_ms * 1000;
			run(s, &d, until, false);
		}
		buf_release(&text);
	} else {
		FILE *f = strcmp(input, "-") == 0 ? stdin : fopen(input, "r");
		if (!f) {
			fprintf(stderr, "trapsend: %s: %s\n", input, strerror(errno));
			status = 1;
		} else {
			char *line = NULL;
			size_t cap = 0;
			ssize_t n;
			long lineno = 0;
			while ((n = getline(&line, &cap, f)) > 0) {
				lineno++;
				if (line[n - 1] == '\n')
					line[--n] = '\0';
				if (n == 0 || (size_t)n > MAX_LINE)
					continue;
				if (send_line(s, line, (size_t)n, input, lineno) < 0)
					status = 1;
				run(s, &d,
				    interval_ms ? clock_realtime_us() + interval_ms * 1000 : 0,
				    false);
			}
			free(line);
			if (f != stdin)
				fclose(f);
		}
	}
	if (heartbeat)
		trap_send_heartbeat(s, synthetic > 0 ? start_seq + (uint64_t)synthetic - 1 : 0,
				    clock_realtime_us());
	run(s, &d, clock_realtime_us() + drain_ms * 1000, true);
	struct trap_stats st;
	trap_sender_get_stats(s, &st);
	if (stats)
		printf("queued=%" PRIu64 " sent=%" PRIu64 " acked=%" PRIu64 " retries=%" PRIu64
		       " dropped=%" PRIu64 " held=%" PRIu64 " errors=%" PRIu64 " pending=%zu"
		       " seconds=%.3f\n",
		       st.queued, st.sent, st.acked, st.retries, st.dropped, st.held, st.errors,
		       st.pending, (double)(clock_realtime_us() - t0) / 1e6);
	if (st.pending)
		status = 1;
	trap_sender_free(s);
	show_diag(&d);
	diag_release(&d);
out:
	for (size_t i = 0; i < cfg.ndests; i++)
		free_dest(&dests[i]);
	for (size_t i = 0; i < npacks; i++)
		mp_pack_free(packs[i]);
	return status == 2 ? usage() : status;
}
