/*
 * This file collects the records of a replay and draws them as a timeline: one
 * HTML page, inline CSS and SVG, no scripts, that any browser opens from disk.
 * Each monitor instance (and each roll-up node and alerting rule) is a row; its
 * health is a run of coloured segments from the start of the period, where every
 * monitor is Uninitialized, to its end; alerts are triangles above the bar; hover
 * titles (SVG <title>) give the time, the change and the message. Everything
 * grows with the input, so rows, segments and alerts are bounded, and the page
 * says what was left out when a bound was reached.
 */
#include "cli/timeline.h"

#include "lib/array.h"
#include "lib/buf.h"
#include "lib/html.h"
#include "lib/iso8601.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TL_HASH_SIZE 1024	/* open addressing, at least twice the row bound */

struct tl_segment {
	int64_t start;
	enum mp_health health;
	char *message;		/* what the change said, cut to TIMELINE_MESSAGE_MAX */
};

struct tl_alert {
	int64_t time;
	enum mp_severity severity;
	char *message;
};

struct tl_row {
	enum change_kind kind;
	char *monitor_id, *target, *computer, *instance;
	size_t order;		/* first appearance, to sort stably */
	struct tl_segment *segs;
	size_t nsegs, capsegs;
	struct tl_alert *alerts;
	size_t nalerts, capalerts;
};

struct timeline {
	struct tl_row *rows[TIMELINE_MAX_ROWS];
	size_t nrows;
	struct tl_row *hash[TL_HASH_SIZE];
	size_t nsegs, nalerts;			/* kept, all rows */
	uint64_t changes, alerts;		/* seen */
	uint64_t rows_dropped_records;		/* records of rows beyond the bound */
	uint64_t segs_dropped, alerts_dropped;
	bool have_time;
	int64_t start, end;
};

struct timeline *timeline_new(void)
{
	return calloc(1, sizeof(struct timeline));
}

static void row_free(struct tl_row *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsegs; i++)
		free(r->segs[i].message);
	for (i = 0; i < r->nalerts; i++)
		free(r->alerts[i].message);
	free(r->segs);
	free(r->alerts);
	free(r->monitor_id);
	free(r->target);
	free(r->computer);
	free(r->instance);
	free(r);
}

void timeline_free(struct timeline *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows; i++)
		row_free(t->rows[i]);
	free(t);
}

void timeline_note_time(struct timeline *t, int64_t now)
{
	if (!t->have_time) {
		t->start = t->end = now;
		t->have_time = true;
		return;
	}
	if (now < t->start)
		t->start = now;
	if (now > t->end)
		t->end = now;
}

static uint32_t hash_str(uint32_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (h ^ 0xff) * 16777619u;	/* a separator, so "ab"+"c" differs from "a"+"bc" */
}

static bool row_is(const struct tl_row *r, const struct state_change *c, const char *id,
		   const char *target)
{
	return r->kind == c->kind && strcmp(r->monitor_id, id) == 0 &&
	       strcmp(r->target, target) == 0 && strlen(r->computer) == c->computer_len &&
	       (c->computer_len == 0 || memcmp(r->computer, c->computer, c->computer_len) == 0) &&
	       strlen(r->instance) == c->instance_len &&
	       (c->instance_len == 0 || memcmp(r->instance, c->instance, c->instance_len) == 0);
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* A message cut to the bound, on a character boundary of UTF-8. */
static char *dup_message(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > TIMELINE_MESSAGE_MAX) {
		n = TIMELINE_MESSAGE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return dup_n(s ? s : "", n);
}

/*
 * The row of c, made when there is room. Returns 0 with *out NULL when the
 * row bound was reached, or -ENOMEM.
 */
static int find_row(struct timeline *t, const struct state_change *c, struct tl_row **out)
{
	const char *target = c->target ? c->target : "";
	const char *id = c->monitor_id ? c->monitor_id : "";
	uint32_t h = 2166136261u;
	struct tl_row *r;
	size_t i;

	*out = NULL;
	h = hash_str(h, (const char *)&c->kind, sizeof(c->kind));
	h = hash_str(h, id, strlen(id));
	h = hash_str(h, target, strlen(target));
	h = hash_str(h, c->computer ? c->computer : "", c->computer_len);
	h = hash_str(h, c->instance ? c->instance : "", c->instance_len);
	for (i = h % TL_HASH_SIZE; t->hash[i]; i = (i + 1) % TL_HASH_SIZE)
		if (row_is(t->hash[i], c, id, target)) {
			*out = t->hash[i];
			return 0;
		}
	if (t->nrows == TIMELINE_MAX_ROWS)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->kind = c->kind;
	r->order = t->nrows;
	r->monitor_id = dup_n(id, strlen(id));
	r->target = dup_n(target, strlen(target));
	r->computer = dup_n(c->computer ? c->computer : "", c->computer_len);
	r->instance = dup_n(c->instance ? c->instance : "", c->instance_len);
	if (!r->monitor_id || !r->target || !r->computer || !r->instance) {
		row_free(r);
		return -ENOMEM;
	}
	t->hash[i] = r;
	t->rows[t->nrows++] = r;
	*out = r;
	return 0;
}

static int add_segment(struct timeline *t, struct tl_row *r, const struct state_change *c)
{
	struct tl_segment *s;

	if (t->nsegs == TIMELINE_MAX_SEGMENTS) {
		t->segs_dropped++;
		return 0;
	}
	if (array_grow((void **)&r->segs, &r->capsegs, r->nsegs + 1, sizeof(*r->segs)) < 0)
		return -ENOMEM;
	s = &r->segs[r->nsegs];
	s->start = c->time;
	s->health = c->to;
	s->message = dup_message(c->message);
	if (!s->message)
		return -ENOMEM;
	r->nsegs++;
	t->nsegs++;
	return 0;
}

static int add_alert(struct timeline *t, struct tl_row *r, const struct state_change *c)
{
	struct tl_alert *a;

	if (t->nalerts == TIMELINE_MAX_ALERTS) {
		t->alerts_dropped++;
		return 0;
	}
	if (array_grow((void **)&r->alerts, &r->capalerts, r->nalerts + 1, sizeof(*r->alerts)) < 0)
		return -ENOMEM;
	a = &r->alerts[r->nalerts];
	a->time = c->time;
	a->severity = c->severity;
	a->message = dup_message(c->message);
	if (!a->message)
		return -ENOMEM;
	r->nalerts++;
	t->nalerts++;
	return 0;
}

int timeline_add(struct timeline *t, const struct state_change *c)
{
	struct tl_row *r;
	int err;

	timeline_note_time(t, c->time);
	if (c->kind != CHANGE_RULE)
		t->changes++;
	if (c->alert)
		t->alerts++;
	err = find_row(t, c, &r);
	if (err < 0)
		return err;
	if (!r) {
		t->rows_dropped_records++;
		return 0;
	}
	/* a rule has no health: its row only carries alert marks */
	if (c->kind != CHANGE_RULE && (err = add_segment(t, r, c)) < 0)
		return err;
	if (c->alert)
		return add_alert(t, r, c);
	return 0;
}

/* ---- drawing ---- */

#define TL_WIDTH 1240
#define TL_LABEL_W 400		/* the label column */
#define TL_CHART_X (TL_LABEL_W + 10)
#define TL_CHART_W (TL_WIDTH - TL_CHART_X - 40)	/* room for the last tick's label */
#define TL_TOP 34		/* the time axis above the rows */
#define TL_ROW_H 24
#define TL_BAR_H 14

static const char *const health_colour[] = {
	[MP_HEALTH_UNINITIALIZED] = "#c9ccd1",
	[MP_HEALTH_SUCCESS] = "#3a9d4a",
	[MP_HEALTH_WARNING] = "#e8a317",
	[MP_HEALTH_ERROR] = "#d4343b",
};

static const char *const severity_colour[] = {
	[MP_SEVERITY_INFORMATION] = "#2f6fd0",
	[MP_SEVERITY_WARNING] = "#f0b400",
	[MP_SEVERITY_ERROR] = "#7a0d12",
	[MP_SEVERITY_MATCH_MONITOR_HEALTH] = "#7a0d12",
};

struct draw {
	struct buf *b;
	int64_t start, end;
	int err;
};

static void put(struct draw *d, const char *s)
{
	if (!d->err && buf_puts(d->b, s) < 0)
		d->err = -ENOMEM;
}

static void putf(struct draw *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct draw *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!d->err && buf_vprintf(d->b, fmt, ap) < 0)
		d->err = -ENOMEM;
	va_end(ap);
}

static void esc(struct draw *d, const char *s)
{
	if (!d->err && html_escape_cstr(d->b, s) < 0)
		d->err = -ENOMEM;
}

static double xpos(const struct draw *d, int64_t t)
{
	double span = (double)(d->end - d->start);

	if (t < d->start)
		t = d->start;
	if (t > d->end)
		t = d->end;
	return TL_CHART_X + (double)(t - d->start) * TL_CHART_W / span;
}

static void put_time(struct draw *d, int64_t t)
{
	char when[ISO8601_LEN];

	esc(d, iso8601_format(t, when));
}

/* The tail of s in at most max bytes, with an ellipsis when cut: IDs differ at their end. */
static void put_tail(struct draw *d, const char *s, size_t max)
{
	size_t n = strlen(s);
	const char *p = s;

	if (n > max) {
		p = s + n - max;
		while (*p && ((unsigned char)*p & 0xc0) == 0x80)
			p++;
		put(d, "\xe2\x80\xa6");
	}
	esc(d, p);
}

static const char *kind_word(enum change_kind k)
{
	return k == CHANGE_ROLLUP ? "roll-up " : k == CHANGE_RULE ? "rule " : "";
}

/* A tick step in seconds giving at most about ten ticks over span seconds. */
static int64_t tick_step(int64_t span)
{
	static const int64_t steps[] = {
		1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
		21600, 43200, 86400, 172800, 604800, 1209600, 2592000, 7776000, 31536000,
	};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 10)
			return steps[i];
	return span / 10 + 1;
}

static void axis(struct draw *d, int height)
{
	int64_t span = (d->end - d->start) / 1000000, step, s, first;
	char label[32];
	struct tm tm;
	time_t tt;
	double x;

	if (span < 1)
		span = 1;
	step = tick_step(span);
	first = (d->start / 1000000 + step - 1) / step * step;
	put(d, "<g class=\"axis\">\n");
	putf(d, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", TL_CHART_X,
	     TL_TOP - 4, TL_CHART_X + TL_CHART_W, TL_TOP - 4);
	for (s = first; s * 1000000 <= d->end; s += step) {
		x = xpos(d, s * 1000000);
		tt = (time_t)s;
		gmtime_r(&tt, &tm);
		if (step >= 86400)
			strftime(label, sizeof(label), "%Y-%m-%d", &tm);
		else if (span >= 86400)
			strftime(label, sizeof(label), "%m-%d %H:%M", &tm);
		else if (step < 60)
			strftime(label, sizeof(label), "%H:%M:%S", &tm);
		else
			strftime(label, sizeof(label), "%H:%M", &tm);
		putf(d, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		     "stroke=\"#e2e4e8\"/>\n", x, TL_TOP - 8, x, height - 6);
		putf(d, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"ticklabel\">%s"
		     "</text>\n", x, TL_TOP - 12, label);
	}
	put(d, "</g>\n");
}

static void segment(struct draw *d, const struct tl_row *r, int y, int64_t from, int64_t to,
		    enum mp_health h, const char *message)
{
	double x0 = xpos(d, from), x1 = xpos(d, to);

	if (x1 - x0 < 0.5)
		x1 = x0 + 0.5;	/* a change and its undoing in one instant stays visible */
	putf(d, "<rect class=\"seg %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
	     "fill=\"%s\"><title>", mp_health_name(h), x0, y, x1 - x0, TL_BAR_H,
	     health_colour[h]);
	esc(d, mp_health_name(h));
	put(d, " from ");
	put_time(d, from);
	if (r->kind != CHANGE_RULE && message && *message) {
		put(d, ": ");
		esc(d, message);
	}
	put(d, "</title></rect>\n");
}

static void row(struct draw *d, const struct tl_row *r, int y)
{
	int bar_y = y + (TL_ROW_H - TL_BAR_H) / 2;
	int64_t from = d->start;
	enum mp_health h = MP_HEALTH_UNINITIALIZED;
	const char *msg = NULL;
	size_t i;

	put(d, "<g class=\"row\" data-monitor=\"");
	esc(d, r->monitor_id);
	put(d, "\" data-computer=\"");
	esc(d, r->computer);
	put(d, "\" data-instance=\"");
	esc(d, r->instance);
	putf(d, "\" data-kind=\"%s\">\n", r->kind == CHANGE_ROLLUP ? "rollup" :
	     r->kind == CHANGE_RULE ? "rule" : "monitor");
	putf(d, "<text x=\"%d\" y=\"%d\" class=\"label\"><title>", TL_LABEL_W, bar_y + 11);
	esc(d, kind_word(r->kind));
	esc(d, r->monitor_id);
	if (*r->target) {
		put(d, " of ");
		esc(d, r->target);
	}
	if (*r->computer) {
		put(d, " on ");
		esc(d, r->computer);
	}
	if (*r->instance) {
		put(d, " [");
		esc(d, r->instance);
		put(d, "]");
	}
	put(d, "</title>");
	esc(d, kind_word(r->kind));
	put_tail(d, r->monitor_id, *r->instance || *r->computer ? 34 : 54);
	if (*r->computer || *r->instance) {
		put(d, " [");
		put_tail(d, *r->instance ? r->instance : r->computer, 16);
		put(d, "]");
	}
	put(d, "</text>\n");
	if (r->kind == CHANGE_RULE) {
		putf(d, "<rect class=\"rulebar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		     "fill=\"#eef0f3\" stroke=\"#c9ccd1\"/>\n", TL_CHART_X, bar_y + 4, TL_CHART_W,
		     TL_BAR_H - 8);
	} else {
		for (i = 0; i < r->nsegs; i++) {
			if (r->segs[i].start > from)
				segment(d, r, bar_y, from, r->segs[i].start, h, msg);
			from = r->segs[i].start;
			h = r->segs[i].health;
			msg = r->segs[i].message;
		}
		segment(d, r, bar_y, from, d->end, h, msg);
	}
	for (i = 0; i < r->nalerts; i++) {
		const struct tl_alert *a = &r->alerts[i];
		double x = xpos(d, a->time);

		putf(d, "<path class=\"alert\" d=\"M%.1f %dl5.5 -8h-11z\" fill=\"%s\" "
		     "stroke=\"#222\" stroke-width=\"0.8\"><title>Alert (", x, bar_y + 1,
		     severity_colour[a->severity]);
		esc(d, mp_severity_name(a->severity));
		put(d, ") at ");
		put_time(d, a->time);
		put(d, ": ");
		esc(d, a->message);
		put(d, "</title></path>\n");
	}
	put(d, "</g>\n");
}

static int row_cmp(const void *a, const void *b)
{
	const struct tl_row *x = *(const struct tl_row *const *)a;
	const struct tl_row *y = *(const struct tl_row *const *)b;
	int c;

	/* monitors first, then roll-up, then rules; instances of a monitor together */
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->monitor_id, y->monitor_id)) != 0)
		return c;
	if ((c = strcmp(x->target, y->target)) != 0)
		return c;
	if ((c = strcmp(x->computer, y->computer)) != 0)
		return c;
	if ((c = strcmp(x->instance, y->instance)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;"
	"background:#fff;margin:1em 2em}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}\n"
	"p.period{color:#444;margin-top:0}\n"
	"p.capped{background:#fff4d6;border:1px solid #e8c36a;padding:.4em .8em}\n"
	"ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1.4em}\n"
	"ul.legend li{display:flex;align-items:center;gap:.4em}\n"
	".sw{display:inline-block;width:1.6em;height:.9em;border:1px solid #999}\n"
	".chart{overflow-x:auto}\n"
	"svg.timeline{max-width:100%;height:auto}\n"
	"svg text{font-size:12px;fill:#222}\n"
	"svg text.label{text-anchor:end;font-family:Consolas,'DejaVu Sans Mono',monospace;"
	"font-size:11.5px}\n"
	"svg text.ticklabel{fill:#555;font-size:11px}\n";

static void legend(struct draw *d)
{
	static const enum mp_health hs[] = {
		MP_HEALTH_UNINITIALIZED, MP_HEALTH_SUCCESS, MP_HEALTH_WARNING, MP_HEALTH_ERROR,
	};
	size_t i;

	put(d, "<ul class=\"legend\">\n");
	for (i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
		putf(d, "<li><span class=\"sw\" style=\"background:%s\"></span>%s</li>\n",
		     health_colour[hs[i]], mp_health_name(hs[i]));
	putf(d, "<li><svg width=\"14\" height=\"10\" viewBox=\"0 0 14 10\"><path d=\"M7 9l5.5 -8h-11z\" "
	     "fill=\"%s\" stroke=\"#222\" stroke-width=\"0.8\"/></svg>alert (colour: severity "
	     "Error, Warning, Information)</li>\n", severity_colour[MP_SEVERITY_ERROR]);
	put(d, "</ul>\n");
}

int timeline_render(const struct timeline *t, struct buf *out)
{
	struct draw d = { .b = out, .err = 0 };
	const struct tl_row **sorted = NULL;
	size_t start_len = out->len, i;
	int height;

	d.start = t->have_time ? t->start : 0;
	d.end = t->have_time ? t->end : 0;
	if (d.end <= d.start)
		d.end = d.start + 1000000;	/* one second, so an instant still has a width */
	if (t->nrows) {
		sorted = malloc(t->nrows * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, t->rows, t->nrows * sizeof(*sorted));
		qsort(sorted, t->nrows, sizeof(*sorted), row_cmp);
	}
	height = TL_TOP + (int)t->nrows * TL_ROW_H + 10;

	put(&d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		"<meta name=\"generator\" content=\"mpmon replay --timeline\"/>\n"
		"<title>mpmon replay timeline</title>\n<style>\n");
	put(&d, css);
	put(&d, "</style>\n</head>\n<body>\n<h1>Health timeline</h1>\n<p class=\"period\">");
	if (t->have_time) {
		put(&d, "From ");
		put_time(&d, d.start);
		put(&d, " to ");
		put_time(&d, t->end);
		put(&d, ": ");
	}
	putf(&d, "%zu %s, %llu %s of health, %llu %s.</p>\n", t->nrows,
	     t->nrows == 1 ? "row" : "rows", (unsigned long long)t->changes,
	     t->changes == 1 ? "change" : "changes", (unsigned long long)t->alerts,
	     t->alerts == 1 ? "alert" : "alerts");
	if (t->rows_dropped_records)
		putf(&d, "<p class=\"capped\">Capped: only the first %d monitor instances are "
		     "shown; %llu records of further ones are left out.</p>\n", TIMELINE_MAX_ROWS,
		     (unsigned long long)t->rows_dropped_records);
	if (t->segs_dropped)
		putf(&d, "<p class=\"capped\">Capped: after %d changes of health the rest "
		     "(%llu) are left out, so the last segments run on to the end.</p>\n",
		     TIMELINE_MAX_SEGMENTS, (unsigned long long)t->segs_dropped);
	if (t->alerts_dropped)
		putf(&d, "<p class=\"capped\">Capped: %llu alerts after the first %d are not "
		     "marked.</p>\n", (unsigned long long)t->alerts_dropped, TIMELINE_MAX_ALERTS);
	legend(&d);
	if (!t->nrows)
		put(&d, "<p class=\"empty\">The replay changed no health and raised no alert.</p>\n");
	putf(&d, "<div class=\"chart\">\n<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	     "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"health timeline\">\n",
	     TL_WIDTH, height, TL_WIDTH, height);
	axis(&d, height);
	for (i = 0; i < t->nrows; i++)
		row(&d, sorted[i], TL_TOP + (int)i * TL_ROW_H);
	put(&d, "</svg>\n</div>\n</body>\n</html>\n");
	free(sorted);
	if (d.err)
		buf_truncate(out, start_len);
	return d.err;
}
