/*
 * The table of `mpmon state --output text`. state.json is read with the JSON
 * reader the input formats use (rules/json_scan.h): its strings are unescaped
 * in place, so every cell is a slice of the file's own text and nothing is
 * copied but the row pointers. Members this table does not show, and members
 * a later version adds, are read over.
 */
#include "cli/state_text.h"

#include "lib/array.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "rules/format.h"
#include "rules/json_scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { COL_NAME, COL_COMPUTER, COL_INSTANCE, COL_HEALTH, COL_SINCE, COL_ALERT, NCOLS };

static const char *const col_title[NCOLS] = { "MONITOR", "COMPUTER", "INSTANCE", "HEALTH",
					      "SINCE", "ALERT" };

struct row {
	struct str monitor, display_name, computer, instance, health, since;
	bool alert_open;
	bool unmonitored;	/* "monitored":false: its computer's heartbeat fails */
	char gray[48];		/* the health cell then: "not monitored (HEALTH)" */
};

struct table {
	struct row *rows;
	size_t n, cap;
	struct str written, pid, seq;
};

/* A string or number member's text into *out; anything else is an error. */
static int scalar(struct json_scan *js, struct str key, size_t key_at, struct str *out)
{
	enum json_scalar kind;
	int r = json_scan_scalar(js, out, &kind);

	if (r == 0 && kind != JSON_SCALAR_VALUE)
		return json_scan_fail(js, key_at, "'%.*s' is not a string or number",
				      (int)(key.len < JSON_SCAN_KEY_SHOWN ? key.len : JSON_SCAN_KEY_SHOWN),
				      key.p);
	return r;
}

static int row_member(struct json_scan *js, struct str key, size_t key_at, void *arg)
{
	struct row *rw = arg;
	struct str v;
	int r;

	if (str_eq_cstr(key, "alert_open")) {
		r = scalar(js, key, key_at, &v);
		rw->alert_open = r == 0 && str_eq_cstr(v, "true");
		return r;
	}
	if (str_eq_cstr(key, "monitored")) {
		r = scalar(js, key, key_at, &v);
		rw->unmonitored = r == 0 && str_eq_cstr(v, "false");
		return r;
	}
	if (str_eq_cstr(key, "monitor"))
		return scalar(js, key, key_at, &rw->monitor);
	if (str_eq_cstr(key, "display_name"))
		return scalar(js, key, key_at, &rw->display_name);
	if (str_eq_cstr(key, "computer"))
		return scalar(js, key, key_at, &rw->computer);
	if (str_eq_cstr(key, "instance"))
		return scalar(js, key, key_at, &rw->instance);
	if (str_eq_cstr(key, "health"))
		return scalar(js, key, key_at, &rw->health);
	if (str_eq_cstr(key, "since"))
		return scalar(js, key, key_at, &rw->since);
	return json_scan_skip(js);
}

static int monitor_element(struct json_scan *js, void *arg)
{
	struct table *t = arg;
	struct row *rw;

	if (js->i >= js->len || js->s[js->i] != '{')
		return json_scan_fail(js, js->i, "'monitors' holds something else than objects");
	if (array_grow((void **)&t->rows, &t->cap, t->n + 1, sizeof(*t->rows)) < 0)
		return -ENOMEM;
	rw = &t->rows[t->n++];
	memset(rw, 0, sizeof(*rw));
	return json_scan_object(js, row_member, rw);
}

static int top_member(struct json_scan *js, struct str key, size_t key_at, void *arg)
{
	struct table *t = arg;

	if (str_eq_cstr(key, "monitors")) {
		if (js->i >= js->len || js->s[js->i] != '[')
			return json_scan_fail(js, key_at, "'monitors' is not an array");
		return json_scan_array(js, monitor_element, t);
	}
	if (str_eq_cstr(key, "written"))
		return scalar(js, key, key_at, &t->written);
	if (str_eq_cstr(key, "pid"))
		return scalar(js, key, key_at, &t->pid);
	if (str_eq_cstr(key, "seq"))
		return scalar(js, key, key_at, &t->seq);
	return json_scan_skip(js);
}

/* What a cell shows: "-" stands for an empty value. */
static struct str cell(struct row *rw, int col)
{
	static const struct str dash = { "-", 1 };
	struct str v;

	switch (col) {
	case COL_NAME:
		v = rw->display_name.len ? rw->display_name : rw->monitor;
		break;
	case COL_COMPUTER:
		v = rw->computer;
		break;
	case COL_INSTANCE:
		v = rw->instance;
		break;
	case COL_HEALTH:
		v = rw->health;
		if (rw->unmonitored) {
			snprintf(rw->gray, sizeof(rw->gray), "not monitored (%.*s)",
				 (int)(v.len < 20 ? v.len : 20), v.p ? v.p : "");
			v = str_of(rw->gray);
		}
		break;
	case COL_SINCE:
		v = rw->since;
		break;
	default:
		v = rw->alert_open ? (struct str){ "open", 4 } : dash;
	}
	return v.p && v.len ? v : dash;
}

/* Append a cell padded to width characters (none after the last column). */
static int put_cell(struct buf *out, struct str v, int col, size_t width)
{
	size_t w;
	int r = str_put_printable(out, v.p, v.len, &w);

	if (col == NCOLS - 1)
		return r ? r : buf_putc(out, '\n');
	for (; r == 0 && w < width + 2; w++)
		r = buf_putc(out, ' ');
	return r;
}

static int render(const struct table *t, struct buf *out)
{
	size_t width[NCOLS], i, w;
	struct buf scratch;
	int col, r = 0;

	buf_init(&scratch);
	for (col = 0; col < NCOLS; col++)
		width[col] = strlen(col_title[col]);
	for (i = 0; i < t->n && r == 0; i++)
		for (col = 0; col < NCOLS && r == 0; col++) {
			struct str v = cell(&t->rows[i], col);

			buf_reset(&scratch);
			r = str_put_printable(&scratch, v.p, v.len, &w);
			if (w > width[col])
				width[col] = w;
		}
	buf_release(&scratch);
	if (r)
		return r;
	r = buf_printf(out, "mpmond (pid %.*s): last change #%.*s, state written %.*s\n\n",
		       (int)t->pid.len, t->pid.p ? t->pid.p : "", (int)t->seq.len,
		       t->seq.p ? t->seq.p : "0", (int)t->written.len,
		       t->written.p ? t->written.p : "");
	if (r == 0 && t->n == 0)
		return buf_puts(out, "no monitor instance has had an event yet\n");
	for (col = 0; col < NCOLS && r == 0; col++)
		r = put_cell(out, str_of(col_title[col]), col, width[col]);
	for (i = 0; i < t->n && r == 0; i++)
		for (col = 0; col < NCOLS && r == 0; col++)
			r = put_cell(out, cell(&t->rows[i], col), col, width[col]);
	return r;
}

int state_text(char *json, size_t len, struct buf *out, char *err)
{
	struct json_scan js = { .s = json, .len = len, .err = err };
	struct table t = { 0 };
	int r;

	r = json_scan_line(&js, top_member, &t);
	if (r == 0)
		r = render(&t, out);
	free(t.rows);
	return r;
}
