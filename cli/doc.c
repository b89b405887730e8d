/*
 * This file renders `mpmon doc`: for each unit monitor of a pack, the page a SCOM
 * management-pack documentation site shows for it (display name, ID and element
 * kind; the knowledge article with every section; the element properties table;
 * the diagnostics and recoveries attached to it; the XML source), as Markdown
 * or as one HTML file that needs nothing else (inline CSS, no scripts, no
 * external resources). It works from the pack model only: the knowledge is
 * the loader's plain text (paragraphs, "- " and "1. " list lines, " | " table
 * rows), which is turned back into lists and tables here so they stay readable.
 *
 * Everything that comes from a pack is escaped: HTML text through html_escape,
 * Markdown text with backslashes before the characters that would start markup,
 * and code (IDs, the XML source) in spans and fences longer than any run of
 * backticks inside, so no pack can break out of a code block.
 */
#include "cli/doc.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/file.h"
#include "lib/html.h"
#include "lib/json.h"
#include "monitors/engine.h"
#include "pipeline/pipeline.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC_LIST_DEPTH 16	/* deeper list levels render at this depth */

struct doc {
	struct buf *b;
	enum doc_format fmt;
	const struct mp_pack *pack;
	const struct engine *engine;	/* what mpmon runs of the pack, or NULL */
	int level;		/* heading level of an element's title */
	int err;
};

static void put(struct doc *d, const char *s)
{
	if (!d->err && buf_puts(d->b, s) < 0)
		d->err = -ENOMEM;
}

static void putn(struct doc *d, const char *s, size_t n)
{
	if (!d->err && buf_append(d->b, s, n) < 0)
		d->err = -ENOMEM;
}

static void putf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!d->err && buf_vprintf(d->b, fmt, ap) < 0)
		d->err = -ENOMEM;
	va_end(ap);
}

/* An ID as people read it: "SystemHealth!System.Health.AvailabilityState" without its alias. */
static const char *unalias(const char *id)
{
	const char *bang = id ? strchr(id, '!') : NULL;

	return bang ? bang + 1 : id;
}

static const char *yes_no(bool v)
{
	return v ? "True" : "False";
}

/*
 * Markdown text: a backslash before every character that could open markup
 * (emphasis, links, code, raw HTML, entities, table cells), and before the
 * characters that make a block of a line's start (headings, quotes, lists).
 * Line breaks become spaces when in_cell, as a table cell is one line.
 */
static void md_text(struct doc *d, const char *s, size_t n, bool line_start, bool in_cell)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		bool esc = strchr("\\`*_[]<>&|", c) != NULL;

		if (line_start && !esc && strchr("#+-=~", c))
			esc = true;
		if (line_start && c >= '0' && c <= '9') {
			size_t k = i;

			while (k < n && s[k] >= '0' && s[k] <= '9')
				k++;
			/* "1." or "1)" would start an ordered list */
			if (k < n && (s[k] == '.' || s[k] == ')')) {
				putn(d, s + run, k - run);
				put(d, "\\");
				run = k;
				i = k;
				line_start = false;
				continue;
			}
		}
		line_start = c == '\n';
		if (c == '\n' && in_cell) {
			putn(d, s + run, i - run);
			put(d, " ");
			run = i + 1;
			continue;
		}
		if (c == '\r' || (unsigned char)c < 0x20) {
			if (c == '\n' || c == '\t')
				continue;
			putn(d, s + run, i - run);
			put(d, " ");
			run = i + 1;
			continue;
		}
		if (!esc)
			continue;
		putn(d, s + run, i - run);
		put(d, "\\");
		run = i;
	}
	putn(d, s + run, n - run);
}

/* Text in the page's format: escaped for HTML, or Markdown inline text. */
static void text(struct doc *d, const char *s)
{
	if (!s)
		return;
	if (d->fmt == DOC_HTML) {
		if (!d->err && html_escape_cstr(d->b, s) < 0)
			d->err = -ENOMEM;
	} else {
		md_text(d, s, strlen(s), false, true);
	}
}

static void text_n(struct doc *d, const char *s, size_t n, bool line_start)
{
	if (d->fmt == DOC_HTML) {
		if (!d->err && html_escape(d->b, s, n) < 0)
			d->err = -ENOMEM;
	} else {
		md_text(d, s, n, line_start, false);
	}
}

/* The longest run of backticks in s. */
static size_t backtick_run(const char *s)
{
	size_t best = 0, run = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* An ID or other literal as code: <code> in HTML, a code span in Markdown. */
static void code(struct doc *d, const char *s)
{
	size_t fence, i;
	const char *p;

	if (!s || !*s)
		return;
	if (d->fmt == DOC_HTML) {
		put(d, "<code>");
		text(d, s);
		put(d, "</code>");
		return;
	}
	fence = backtick_run(s) + 1;
	for (i = 0; i < fence; i++)
		put(d, "`");
	if (s[0] == '`' || s[strlen(s) - 1] == '`')
		put(d, " ");
	for (p = s; *p; p++) {
		/* a span is one line, and a bar would end a table cell */
		if (*p == '\n' || *p == '\r' || *p == '\t')
			put(d, " ");
		else if (*p == '|')
			put(d, "\\|");
		else
			putn(d, p, 1);
	}
	if (s[0] == '`' || s[strlen(s) - 1] == '`')
		put(d, " ");
	for (i = 0; i < fence; i++)
		put(d, "`");
}

static void heading(struct doc *d, int level, const char *anchor, const char *title)
{
	if (level > 6)
		level = 6;
	if (d->fmt == DOC_HTML) {
		putf(d, "<h%d", level);
		if (anchor)
			putf(d, " id=\"%s\"", anchor);
		put(d, ">");
		text(d, title);
		putf(d, "</h%d>\n", level);
		return;
	}
	/* an explicit anchor: generated ones differ between Markdown renderers */
	if (anchor)
		putf(d, "<a id=\"%s\"></a>\n\n", anchor);
	putf(d, "%.*s ", level, "######");
	md_text(d, title, strlen(title), false, true);
	put(d, "\n\n");
}

/* A paragraph of plain text from the pack. */
static void paragraph(struct doc *d, const char *s)
{
	if (!s || !*s)
		return;
	if (d->fmt == DOC_HTML) {
		put(d, "<p>");
		text(d, s);
		put(d, "</p>\n");
	} else {
		md_text(d, s, strlen(s), true, true);
		put(d, "\n\n");
	}
}

/* ---- knowledge text: paragraphs, lists and tables back from plain text ---- */

struct line {
	const char *p;		/* after the indentation */
	size_t len;
	int indent;
	size_t marker;		/* length of "- " or "12. ", 0 when none */
	bool ordered;
};

static void parse_line(const char *s, const char *end, struct line *l)
{
	size_t k = 0;

	l->indent = 0;
	while (s < end && *s == ' ') {
		s++;
		l->indent++;
	}
	l->p = s;
	l->len = (size_t)(end - s);
	l->marker = 0;
	l->ordered = false;
	if (l->len >= 2 && s[0] == '-' && s[1] == ' ') {
		l->marker = 2;
		return;
	}
	while (k < l->len && s[k] >= '0' && s[k] <= '9')
		k++;
	if (k > 0 && k < 10 && k + 1 < l->len && s[k] == '.' && s[k + 1] == ' ') {
		l->marker = k + 2;
		l->ordered = true;
	}
}

static const char *line_end(const char *p)
{
	const char *e = strchr(p, '\n');

	return e ? e : p + strlen(p);
}

static bool is_blank(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

static const char *next_line(const char *e)
{
	return *e ? e + 1 : e;
}

/* Cells of a " | " row, each as text; n is how many there are. */
static void table_row(struct doc *d, const char *p, const char *e, bool header, size_t ncols)
{
	const char *cell = p, *bar;
	size_t n = 0;

	put(d, d->fmt == DOC_HTML ? "<tr>" : "|");
	while (cell <= e) {
		bar = memmem(cell, (size_t)(e - cell), " | ", 3);
		if (!bar)
			bar = e;
		if (d->fmt == DOC_HTML) {
			put(d, header ? "<th>" : "<td>");
			text_n(d, cell, (size_t)(bar - cell), false);
			put(d, header ? "</th>" : "</td>");
		} else {
			put(d, " ");
			md_text(d, cell, (size_t)(bar - cell), false, true);
			put(d, " |");
		}
		n++;
		cell = bar + 3;
	}
	for (; n < ncols; n++)
		put(d, d->fmt == DOC_HTML ? "<td></td>" : "  |");
	put(d, d->fmt == DOC_HTML ? "</tr>\n" : "\n");
}

static size_t count_cells(const char *p, const char *e)
{
	size_t n = 1;

	while ((p = memmem(p, (size_t)(e - p), " | ", 3))) {
		n++;
		p += 3;
	}
	return n;
}

static void render_table(struct doc *d, const char *bs, const char *be)
{
	const char *p, *e;
	size_t ncols = 0, n, i;
	bool first = true;

	for (p = bs; p < be; p = next_line(e)) {
		e = line_end(p);
		n = count_cells(p, e);
		if (n > ncols)
			ncols = n;
	}
	if (d->fmt == DOC_HTML)
		put(d, "<table class=\"kb\">\n");
	for (p = bs; p < be; p = next_line(e)) {
		e = line_end(p);
		while (p < e && *p == ' ')
			p++;
		table_row(d, p, e, first, ncols);
		if (first && d->fmt == DOC_MARKDOWN) {
			put(d, "|");
			for (i = 0; i < ncols; i++)
				put(d, " --- |");
			put(d, "\n");
		}
		first = false;
	}
	put(d, d->fmt == DOC_HTML ? "</table>\n" : "\n");
}

struct level {
	int indent;		/* in the loader's text */
	int md_indent;		/* in the Markdown written */
	size_t marker;
	bool ordered;
};

/*
 * A list block. The loader indents a nested list two spaces past its parent's
 * indentation whatever the parent's marker, and Markdown wants it under the
 * parent item's text, so levels are rebuilt from the indentation here.
 */
static void render_list(struct doc *d, const char *bs, const char *be)
{
	struct level st[DOC_LIST_DEPTH];
	int top = -1, i;
	const char *p, *e;
	struct line l;

	for (p = bs; p < be; p = next_line(e)) {
		e = line_end(p);
		parse_line(p, e, &l);
		if (!l.marker) {
			/* a later block of the item above, or a line before any item */
			if (d->fmt == DOC_HTML) {
				put(d, top >= 0 ? "<br/>" : "<p>");
				text_n(d, l.p, l.len, false);
				if (top < 0)
					put(d, "</p>\n");
			} else {
				int ind = top >= 0 ? st[top].md_indent + (int)st[top].marker : 0;

				putf(d, "\n%*s", ind, "");
				text_n(d, l.p, l.len, true);
				put(d, "\n");
			}
			continue;
		}
		while (top >= 0 && st[top].indent > l.indent) {
			if (d->fmt == DOC_HTML)
				put(d, st[top].ordered ? "</li></ol>\n" : "</li></ul>\n");
			top--;
		}
		if (top >= 0 && st[top].indent == l.indent && st[top].ordered != l.ordered &&
		    d->fmt == DOC_HTML) {
			put(d, st[top].ordered ? "</li></ol>\n" : "</li></ul>\n");
			top--;
		}
		if (top >= 0 && st[top].indent >= l.indent) {
			if (d->fmt == DOC_HTML)
				put(d, "</li>\n");
		} else if (top + 1 < DOC_LIST_DEPTH) {
			top++;
			st[top].indent = l.indent;
			st[top].md_indent = top > 0 ? st[top - 1].md_indent + (int)st[top - 1].marker : 0;
			st[top].ordered = l.ordered;
			if (d->fmt == DOC_HTML)
				put(d, l.ordered ? "<ol>\n" : "<ul>\n");
		} else if (d->fmt == DOC_HTML) {
			put(d, "</li>\n");
		}
		st[top].marker = l.marker;
		st[top].ordered = l.ordered;
		if (d->fmt == DOC_HTML) {
			put(d, "<li>");
			text_n(d, l.p + l.marker, l.len - l.marker, false);
		} else {
			putf(d, "%*s", st[top].md_indent, "");
			putn(d, l.p, l.marker);
			text_n(d, l.p + l.marker, l.len - l.marker, false);
			put(d, "\n");
		}
	}
	for (i = top; i >= 0 && d->fmt == DOC_HTML; i--)
		put(d, st[i].ordered ? "</li></ol>\n" : "</li></ul>\n");
	if (d->fmt == DOC_MARKDOWN)
		put(d, "\n");
}

/* Lines that are neither list nor table: one paragraph, its line breaks kept. */
static void render_para(struct doc *d, const char *bs, const char *be)
{
	const char *p, *e;

	put(d, d->fmt == DOC_HTML ? "<p>" : "");
	for (p = bs; p < be; p = next_line(e)) {
		e = line_end(p);
		while (p < e && *p == ' ')
			p++;
		if (p != bs && d->fmt == DOC_HTML)
			put(d, "<br/>\n");
		else if (p != bs)
			put(d, "\\\n");	/* a hard line break */
		text_n(d, p, (size_t)(e - p), true);
	}
	put(d, d->fmt == DOC_HTML ? "</p>\n" : "\n\n");
}

/* A section's text, block by block (blocks are separated by blank lines). */
static void render_text(struct doc *d, const char *s)
{
	const char *p = s, *e, *bs;
	size_t nlines;
	bool table;
	struct line l;

	while (p && *p) {
		e = line_end(p);
		if (is_blank(p, e)) {
			p = next_line(e);
			continue;
		}
		bs = p;
		nlines = 0;
		table = true;
		while (*p) {
			e = line_end(p);
			if (is_blank(p, e))
				break;
			nlines++;
			if (!memmem(p, (size_t)(e - p), " | ", 3))
				table = false;
			p = next_line(e);
		}
		parse_line(bs, line_end(bs), &l);
		if (l.marker)
			render_list(d, bs, p);
		else if (table && nlines >= 2)
			render_table(d, bs, p);
		else
			render_para(d, bs, p);
	}
}

static void render_article(struct doc *d, const struct mp_article *a, int level)
{
	const struct mp_section *s;

	for (s = a->sections; s; s = s->next) {
		if (s->title && *s->title)
			heading(d, level, NULL, s->title);
		render_text(d, s->text);
	}
}

/* ---- properties tables ---- */

static void props_begin(struct doc *d)
{
	if (d->fmt == DOC_HTML)
		put(d, "<table class=\"props\">\n");
	else
		put(d, "| Property | Value |\n| --- | --- |\n");
}

static void props_end(struct doc *d)
{
	put(d, d->fmt == DOC_HTML ? "</table>\n" : "\n");
}

static void prop_open(struct doc *d, const char *name)
{
	if (d->fmt == DOC_HTML)
		putf(d, "<tr><th>%s</th><td>", name);
	else
		putf(d, "| %s | ", name);
}

static void prop_close(struct doc *d)
{
	put(d, d->fmt == DOC_HTML ? "</td></tr>\n" : " |\n");
}

static void prop(struct doc *d, const char *name, const char *value)
{
	prop_open(d, name);
	text(d, value);
	prop_close(d);
}

/* A property whose value is an ID, shown without its alias. */
static void prop_id(struct doc *d, const char *name, const char *id)
{
	prop_open(d, name);
	code(d, unalias(id));
	prop_close(d);
}

/*
 * A display string's text as written in the pack keeps the pack's indentation:
 * each line is trimmed and blank lines are dropped.
 */
static void message_text(struct doc *d, const char *s)
{
	const char *p = s, *e, *a, *z;
	bool any = false;

	for (; p && *p; p = next_line(e)) {
		e = line_end(p);
		for (a = p; a < e && (*a == ' ' || *a == '\t' || *a == '\r'); a++)
			;
		for (z = e; z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\r'); z--)
			;
		if (a == z)
			continue;
		if (any)
			put(d, d->fmt == DOC_HTML ? "<br/>" : " ");
		if (d->fmt == DOC_HTML)
			text_n(d, a, (size_t)(z - a), false);
		else
			md_text(d, a, (size_t)(z - a), false, true);
		any = true;
	}
}

static void prop_message(struct doc *d, const char *name, const char *text_)
{
	prop_open(d, "Alert Message");
	if (name && d->fmt == DOC_HTML) {
		put(d, "<strong>");
		text(d, name);
		put(d, "</strong>");
	} else if (name) {
		text(d, name);
	}
	if (name && text_ && *text_)
		put(d, d->fmt == DOC_HTML ? "<br/>" : " — ");
	message_text(d, text_);
	prop_close(d);
}

/* ---- element pages ---- */

static void title_block(struct doc *d, const char *anchor, const char *display,
			const char *id, const char *kind)
{
	heading(d, d->level, anchor, display && *display ? display : id);
	if (d->fmt == DOC_HTML) {
		put(d, "<p class=\"id\">");
		code(d, id);
		putf(d, " (%s)</p>\n", kind);
	} else {
		code(d, id);
		putf(d, " (%s)\n\n", kind);
	}
}

static void section_heading(struct doc *d, const char *title)
{
	heading(d, d->level + 1, NULL, title);
}

/*
 * The loader keeps the element's text as it stands in the pack: its first line
 * starts at the tag, the others carry the pack's indentation. The common
 * indentation of the later lines is taken off so the source reads as a block.
 */
static size_t source_indent(const char *xml)
{
	const char *p = xml, *e;
	size_t min = (size_t)-1, k;

	for (p = next_line(line_end(p)); *p; p = next_line(e)) {
		e = line_end(p);
		if (is_blank(p, e))
			continue;
		for (k = 0; p + k < e && (p[k] == ' ' || p[k] == '\t'); k++)
			;
		if (k < min)
			min = k;
	}
	return min == (size_t)-1 ? 0 : min;
}

static void source_block(struct doc *d, const char *xml)
{
	size_t fence = 0, i, indent, k;
	const char *p, *e;

	section_heading(d, "Source Code");
	if (!xml || !*xml) {
		paragraph(d, "The pack model holds no source for this element.");
		return;
	}
	if (d->fmt == DOC_HTML) {
		put(d, "<pre class=\"source\"><code>");
	} else {
		/* a fence longer than any backtick run inside, so the source cannot close it */
		fence = backtick_run(xml) + 1;
		if (fence < 3)
			fence = 3;
		for (i = 0; i < fence; i++)
			put(d, "`");
		put(d, "xml\n");
	}
	indent = source_indent(xml);
	for (p = xml; *p; p = next_line(e)) {
		e = line_end(p);
		for (k = 0; p != xml && k < indent && p < e && (*p == ' ' || *p == '\t'); k++)
			p++;
		if (d->fmt == DOC_HTML)
			text_n(d, p, (size_t)(e - p), false);
		else
			putn(d, p, (size_t)(e - p));
		if (*e)
			put(d, "\n");
	}
	if (d->fmt == DOC_HTML) {
		put(d, "</code></pre>\n");
		return;
	}
	put(d, "\n");
	for (i = 0; i < fence; i++)
		put(d, "`");
	put(d, "\n\n");
}

static bool names(const char *ref, const char *id)
{
	return ref && id && strcmp(unalias(ref), id) == 0;
}

static void knowledge_block(struct doc *d, const struct mp_article *a)
{
	section_heading(d, "Knowledge Base article");
	if (a && a->sections)
		render_article(d, a, d->level + 2);
	else
		paragraph(d, "The pack has no knowledge article for this element.");
}

/*
 * Whether and how mpmond runs a diagnostic's or recovery's command: the
 * argument vector as a JSON array, which shows where each argument ends.
 */
static void command_props(struct doc *d, const struct mp_command *cmd, const char *why_not)
{
	struct buf v;
	size_t i;

	if (!cmd) {
		prop(d, "Runs in mpmond", why_not ? why_not : "No");
		return;
	}
	prop(d, "Runs in mpmond", "Yes, when its [actions] are enabled");
	buf_init(&v);
	buf_putc(&v, '[');
	json_cstring(&v, cmd->application);
	for (i = 0; i < cmd->nargs; i++) {
		buf_putc(&v, ',');
		json_cstring(&v, cmd->args[i]);
	}
	buf_putc(&v, ']');
	prop_open(d, "Command");
	code(d, v.data);
	prop_close(d);
	buf_release(&v);
	if (cmd->working_dir)
		prop(d, "Working Directory", cmd->working_dir);
}

static void diagnostics_block(struct doc *d, const char *monitor_id)
{
	const struct mp_diagnostic *g;
	bool any = false;

	for (g = d->pack->diagnostics; g; g = g->next) {
		if (!names(g->monitor_id, monitor_id))
			continue;
		if (!any)
			section_heading(d, "Diagnostics");
		any = true;
		heading(d, d->level + 2, NULL, g->display_name ? g->display_name : g->id);
		paragraph(d, g->description);
		props_begin(d);
		prop_id(d, "ID", g->id);
		prop_id(d, "Target", g->target);
		prop(d, "Execute On State", mp_health_name(g->execute_on_state));
		prop(d, "Enabled", yes_no(g->enabled));
		prop_id(d, "Probe Action", g->probe_type_id);
		command_props(d, g->command, g->why_not);
		props_end(d);
		if (g->knowledge)
			render_article(d, g->knowledge, d->level + 3);
	}
}

static void recoveries_block(struct doc *d, const char *monitor_id)
{
	const struct mp_recovery *r;
	bool any = false;

	for (r = d->pack->recoveries; r; r = r->next) {
		if (!names(r->monitor_id, monitor_id))
			continue;
		if (!any)
			section_heading(d, "Recoveries");
		any = true;
		heading(d, d->level + 2, NULL, r->display_name ? r->display_name : r->id);
		paragraph(d, r->description);
		props_begin(d);
		prop_id(d, "ID", r->id);
		prop_id(d, "Target", r->target);
		if (r->execute_on_diagnostic)
			prop_id(d, "Execute On Diagnostic", r->execute_on_diagnostic);
		else
			prop(d, "Execute On State", mp_health_name(r->execute_on_state));
		prop(d, "Reset Monitor", yes_no(r->reset_monitor));
		prop(d, "Enabled", yes_no(r->enabled));
		prop_id(d, "Write Action", r->write_type_id);
		command_props(d, r->command, r->why_not);
		props_end(d);
		if (r->knowledge)
			render_article(d, r->knowledge, d->level + 3);
	}
}

static void alert_props(struct doc *d, const struct mp_alert *a)
{
	prop(d, "Alert Generate", yes_no(a->present));
	prop(d, "Alert Severity", a->present ? mp_severity_name(a->severity) : "");
	prop(d, "Alert Priority", a->present ? mp_priority_name(a->priority) : "");
	prop(d, "Alert Auto Resolve", a->present ? yes_no(a->auto_resolve) : "");
}

/* A monitor mpmon keeps out says so at the top of its page, with validate's reason. */
static void not_run_note(struct doc *d, const struct mp_monitor *m)
{
	const char *why = d->engine ? engine_monitor_why(d->engine, m->id) : NULL;

	if (!why || engine_monitor_status(d->engine, m->id) != ENGINE_NOT_LOADED)
		return;
	if (d->fmt == DOC_HTML) {
		put(d, "<p class=\"disabled\"><strong>Not run by mpmon:</strong> ");
		text(d, why);
		put(d, "</p>\n");
	} else {
		put(d, "**Not run by mpmon:** ");
		md_text(d, why, strlen(why), false, true);
		put(d, "\n\n");
	}
}

/* The "Runs in mpmond" row: yes, or no and why. */
static void runs_prop(struct doc *d, const struct mp_monitor *m)
{
	const char *why;

	if (!d->engine)
		return;
	why = engine_monitor_why(d->engine, m->id);
	prop_open(d, "Runs in mpmond");
	if (!why && engine_monitor_status(d->engine, m->id) == ENGINE_RUN) {
		text(d, "Yes");
	} else {
		text(d, "No: ");
		text(d, why ? why : "mpmon cannot run it");
	}
	prop_close(d);
}

static void monitor_page(struct doc *d, const struct mp_monitor *m, const char *anchor)
{
	title_block(d, anchor, m->display_name, m->id, "UnitMonitor");
	not_run_note(d, m);
	paragraph(d, m->description);
	knowledge_block(d, m->knowledge);
	section_heading(d, "Element properties");
	props_begin(d);
	prop_id(d, "Target", m->target);
	prop_id(d, "Parent Monitor", m->parent_monitor);
	prop(d, "Category", m->category);
	prop(d, "Enabled", yes_no(m->enabled));
	alert_props(d, &m->alert);
	prop_id(d, "Monitor Type", m->type_id_raw);
	runs_prop(d, m);
	prop(d, "Remotable", yes_no(m->remotable));
	prop(d, "Accessibility", m->accessibility);
	if (m->alert.present)
		prop_message(d, m->alert.message_name, m->alert.message_text);
	else
		prop(d, "Alert Message", "");
	if (m->run_as)
		prop_id(d, "RunAs", m->run_as);
	else
		prop(d, "RunAs", "Default");
	props_end(d);
	diagnostics_block(d, m->id);
	recoveries_block(d, m->id);
	source_block(d, m->source_xml);
}

static void members_block(struct doc *d, const char *id)
{
	const struct mp_monitor *m;
	const struct mp_aggregate *g;
	bool any = false;

	for (m = d->pack->monitors; m; m = m->next)
		if (names(m->parent_monitor, id)) {
			if (!any)
				section_heading(d, "Members");
			any = true;
			put(d, d->fmt == DOC_HTML ? "<ul class=\"members\"><li>" : "- ");
			code(d, m->id);
			put(d, d->fmt == DOC_HTML ? "</li></ul>\n" : "\n");
		}
	for (g = d->pack->aggregates; g; g = g->next)
		if (names(g->parent_monitor, id)) {
			if (!any)
				section_heading(d, "Members");
			any = true;
			put(d, d->fmt == DOC_HTML ? "<ul class=\"members\"><li>" : "- ");
			code(d, g->id);
			put(d, d->fmt == DOC_HTML ? "</li></ul>\n" : "\n");
		}
	if (any && d->fmt == DOC_MARKDOWN)
		put(d, "\n");
}

static void aggregate_page(struct doc *d, const struct mp_aggregate *g, const char *anchor)
{
	char algo[48];

	title_block(d, anchor, g->display_name, g->id, "AggregateMonitor");
	paragraph(d, g->description);
	if (g->knowledge)
		knowledge_block(d, g->knowledge);
	section_heading(d, "Element properties");
	props_begin(d);
	prop_id(d, "Target", g->target);
	prop_id(d, "Parent Monitor", g->parent_monitor);
	prop(d, "Category", g->category);
	prop(d, "Enabled", yes_no(g->enabled));
	if (g->algorithm == MP_ALGORITHM_PERCENTAGE)
		snprintf(algo, sizeof(algo), "Percentage (%d%%)", g->percentage);
	else
		snprintf(algo, sizeof(algo), "%s", mp_algorithm_name(g->algorithm));
	prop(d, "Algorithm", algo);
	alert_props(d, &g->alert);
	prop(d, "Accessibility", g->accessibility);
	if (g->alert.present)
		prop_message(d, g->alert.message_name, g->alert.message_text);
	props_end(d);
	members_block(d, g->id);
}

static void rule_page(struct doc *d, const struct mp_rule *r, const char *anchor)
{
	const struct mp_rule_alert *a = &r->alert;

	title_block(d, anchor, r->display_name, r->id, "Rule");
	paragraph(d, r->description);
	if (r->knowledge)
		knowledge_block(d, r->knowledge);
	section_heading(d, "Element properties");
	props_begin(d);
	prop_id(d, "Target", r->target);
	prop(d, "Category", r->category);
	prop(d, "Enabled", yes_no(r->enabled));
	prop_id(d, "Data Source", r->ds_type_raw);
	prop(d, "Alert Generate", yes_no(a->present));
	if (a->present) {
		prop(d, "Alert Severity", mp_severity_name(a->severity));
		prop(d, "Alert Priority", mp_priority_name(a->priority));
		prop_message(d, a->message_name ? a->message_name : a->name,
			     a->message_text ? a->message_text : a->description);
	}
	props_end(d);
}

/* ---- the page around them ---- */

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
	"color:#1b1b1b;background:#fff;max-width:1100px;margin:0 auto;padding:1em 2em;"
	"line-height:1.45}\n"
	"h1,h2{border-bottom:1px solid #ddd;padding-bottom:.2em}\n"
	"h1{font-size:1.7em}h2{font-size:1.35em;margin-top:1.6em}h3{font-size:1.12em}\n"
	"h4,h5,h6{font-size:1em}\n"
	"code{font-family:Consolas,'DejaVu Sans Mono',monospace;font-size:.9em;"
	"background:#f3f3f3;padding:0 .2em;overflow-wrap:anywhere}\n"
	"pre{background:#f6f8fa;border:1px solid #ddd;padding:.8em;overflow-x:auto;"
	"font-size:.85em;line-height:1.3}\n"
	"pre code{background:none;padding:0;overflow-wrap:normal}\n"
	"table{border-collapse:collapse;margin:.6em 0}\n"
	"th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
	"table.props th{background:#f0f4f8;white-space:nowrap;font-weight:600}\n"
	"table.kb th{background:#f0f4f8}\n"
	"p.id{color:#555;margin-top:-.4em}\n"
	"p.disabled{background:#fff4e5;border-left:4px solid #d97706;padding:.4em .8em}\n"
	".element{margin-bottom:3em}\n"
	".toc ul{padding-left:1.4em}\n"
	"@media print{.element{page-break-after:always}}\n";

static void html_begin(struct doc *d, const char *title)
{
	put(d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	       "<meta name=\"generator\" content=\"mpmon doc\"/>\n<title>");
	text(d, title);
	put(d, "</title>\n<style>\n");
	put(d, css);
	put(d, "</style>\n</head>\n<body>\n");
}

static void html_end(struct doc *d)
{
	put(d, "</body>\n</html>\n");
}

static void element_open(struct doc *d)
{
	if (d->fmt == DOC_HTML)
		put(d, "<div class=\"element\">\n");
}

static void element_close(struct doc *d)
{
	if (d->fmt == DOC_HTML)
		put(d, "</div>\n");
	else
		put(d, "---\n\n");
}

static void toc_entry(struct doc *d, const char *anchor, const char *display, const char *id)
{
	if (d->fmt == DOC_HTML) {
		putf(d, "<li><a href=\"#%s\">", anchor);
		text(d, display && *display ? display : id);
		put(d, "</a> ");
		code(d, id);
		put(d, "</li>\n");
	} else {
		put(d, "- [");
		md_text(d, display && *display ? display : id,
			strlen(display && *display ? display : id), false, true);
		putf(d, "](#%s) — ", anchor);
		code(d, id);
		put(d, "\n");
	}
}

static void toc_group(struct doc *d, const char *title, const char *prefix, size_t n,
		      const void *first, int kind)
{
	const struct mp_monitor *m = first;
	const struct mp_aggregate *g = first;
	const struct mp_rule *r = first;
	char anchor[32];
	size_t i;

	if (!n)
		return;
	heading(d, 3, NULL, title);
	put(d, d->fmt == DOC_HTML ? "<ul>\n" : "");
	for (i = 1; i <= n; i++) {
		snprintf(anchor, sizeof(anchor), "%s-%zu", prefix, i);
		if (kind == 0) {
			toc_entry(d, anchor, m->display_name, m->id);
			m = m->next;
		} else if (kind == 1) {
			toc_entry(d, anchor, g->display_name, g->id);
			g = g->next;
		} else {
			toc_entry(d, anchor, r->display_name, r->id);
			r = r->next;
		}
	}
	put(d, d->fmt == DOC_HTML ? "</ul>\n" : "\n");
}

static void pack_header(struct doc *d)
{
	const struct mp_pack *p = d->pack;
	const char *title = p->display_name ? p->display_name :
			    p->name ? p->name : p->id ? p->id : p->file;

	heading(d, 1, NULL, title);
	if (d->fmt == DOC_HTML)
		put(d, "<p class=\"id\">");
	code(d, p->id ? p->id : p->file);
	put(d, p->fragment ? " (ManagementPackFragment)" : " (ManagementPack)");
	if (p->version) {
		put(d, ", version ");
		text(d, p->version);
	}
	put(d, d->fmt == DOC_HTML ? "</p>\n" : "\n\n");
	paragraph(d, p->description);
	if (d->fmt == DOC_HTML)
		put(d, "<div class=\"toc\">\n");
	heading(d, 2, NULL, "Contents");
	if (!p->nmonitors && !p->naggregates && !p->nrules)
		paragraph(d, "The pack has no monitors or rules.");
	toc_group(d, "Unit monitors", "monitor", p->nmonitors, p->monitors, 0);
	toc_group(d, "Aggregate monitors", "aggregate", p->naggregates, p->aggregates, 1);
	toc_group(d, "Rules", "rule", p->nrules, p->rules, 2);
	if (d->fmt == DOC_HTML)
		put(d, "</div>\n");
	else
		put(d, "---\n\n");
}

static void whole_pack(struct doc *d)
{
	const struct mp_monitor *m;
	const struct mp_aggregate *g;
	const struct mp_rule *r;
	char anchor[32];
	size_t i;

	pack_header(d);
	d->level = 2;
	for (m = d->pack->monitors, i = 1; m; m = m->next, i++) {
		snprintf(anchor, sizeof(anchor), "monitor-%zu", i);
		element_open(d);
		monitor_page(d, m, anchor);
		element_close(d);
	}
	for (g = d->pack->aggregates, i = 1; g; g = g->next, i++) {
		snprintf(anchor, sizeof(anchor), "aggregate-%zu", i);
		element_open(d);
		aggregate_page(d, g, anchor);
		element_close(d);
	}
	for (r = d->pack->rules, i = 1; r; r = r->next, i++) {
		snprintf(anchor, sizeof(anchor), "rule-%zu", i);
		element_open(d);
		rule_page(d, r, anchor);
		element_close(d);
	}
}

int doc_render(struct buf *out, const struct mp_pack *pack, const char *element_id,
	       enum doc_format fmt, const struct engine *e)
{
	struct doc d = { .b = out, .fmt = fmt, .pack = pack, .engine = e, .level = 1, .err = 0 };
	const struct mp_monitor *m = NULL;
	const struct mp_aggregate *g = NULL;
	const struct mp_rule *r = NULL;
	size_t start = out->len;
	const char *title;

	if (element_id) {
		m = mp_pack_monitor(pack, element_id);
		g = m ? NULL : mp_pack_aggregate(pack, element_id);
		r = m || g ? NULL : mp_pack_rule(pack, element_id);
		if (!m && !g && !r)
			return -ENOENT;
	}
	if (fmt == DOC_HTML) {
		if (m)
			title = m->display_name ? m->display_name : m->id;
		else if (g)
			title = g->display_name ? g->display_name : g->id;
		else if (r)
			title = r->display_name ? r->display_name : r->id;
		else
			title = pack->display_name ? pack->display_name :
				pack->id ? pack->id : pack->file;
		html_begin(&d, title);
	}
	if (m)
		monitor_page(&d, m, NULL);
	else if (g)
		aggregate_page(&d, g, NULL);
	else if (r)
		rule_page(&d, r, NULL);
	else
		whole_pack(&d);
	if (fmt == DOC_HTML)
		html_end(&d);
	if (d.err)
		buf_truncate(out, start);
	return d.err;
}

/* ---- the command ---- */

static void doc_usage(FILE *f)
{
	fprintf(f, "usage: mpmon doc PACK [--monitor ID] [--format md|html] [--output FILE] [-v]\n");
}

static void print_problems(const struct diag *dg, bool all)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < dg->n; i++) {
		if (!all && dg->v[i].severity != DIAG_ERROR)
			continue;
		if (diag_format(&dg->v[i], &b))
			fprintf(stderr, "%s\n", b.data);
	}
	buf_release(&b);
}

int doc_main(int argc, char **argv)
{
	const char *element = NULL, *output = NULL;
	enum doc_format fmt = DOC_MARKDOWN;
	struct mp_pack *pack = NULL;
	struct engine *e = NULL;
	int status = 0, c, r, verbose = 0;
	bool written;
	struct diag dg;
	struct buf b;
	FILE *f;

	static const struct option opts[] = {
		{ "monitor", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((c = getopt_long(argc, argv, "m:f:o:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			element = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0) {
				fmt = DOC_MARKDOWN;
			} else if (strcmp(optarg, "html") == 0) {
				fmt = DOC_HTML;
			} else {
				fprintf(stderr, "mpmon: --format takes md or html, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			doc_usage(stdout);
			return 0;
		default:
			doc_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		doc_usage(stderr);
		return 2;
	}
	diag_init(&dg);
	buf_init(&b);
	/* problems stay in dg: a pack validate complains about is still worth documenting */
	pack = pipeline_read_pack(argv[optind], MP_LOAD_SOURCE, &dg);
	/* what validate would run of it: a page marks a monitor mpmon keeps out */
	if (pack && (!(e = engine_new(NULL, NULL)) || engine_add_pack(e, pack, &dg) < 0)) {
		fprintf(stderr, "mpmon: out of memory\n");
		status = 2;
		goto out;
	}
	if (verbose)
		print_problems(&dg, verbose > 1);
	if (!pack) {
		if (!verbose)
			print_problems(&dg, false);
		status = 1;
		goto out;
	}
	r = doc_render(&b, pack, element, fmt, e);
	if (r == -ENOENT) {
		fprintf(stderr, "mpmon: %s: no monitor, aggregate monitor or rule '%s'\n",
			argv[optind], element);
		status = 1;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "mpmon: out of memory\n");
		status = 2;
		goto out;
	}
	f = output ? fopen(output, "w") : stdout;
	if (!f) {
		fprintf(stderr, "mpmon: %s: cannot write: %s\n", output, strerror(errno));
		status = 2;
		goto out;
	}
	written = fwrite(b.data, 1, b.len, f) == b.len;
	/* close even after a short write, and report either failure */
	written = (f == stdout ? fflush(f) : fclose(f)) == 0 && written;
	if (!written) {
		fprintf(stderr, "mpmon: %s: write failed: %s\n", output ? output : "stdout",
			strerror(errno));
		status = 2;
	}
out:
	engine_free(e);
	mp_pack_free(pack);
	buf_release(&b);
	diag_release(&dg);
	return status;
}
