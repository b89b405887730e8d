/*
 * This file turns the knowledge of a SCOM KnowledgeArticle into plain text: MAML
 * sections become mp_section entries whose text is paragraphs separated by blank
 * lines, lists as "- " or "1. " lines (nested ones indented two spaces a level),
 * tables as rows of cells joined by " | ", and nested sections as a heading line
 * followed by their content. The text has to read well in an SNMP trap, on a
 * terminal and in a generated page, so it is UTF-8 with collapsed white space,
 * no trailing white space and no trailing blank line.
 *
 * Elements are recognised by local name only: packs written by hand sometimes
 * declare the MAML namespace on a parent or not at all, and the names do not
 * clash with anything else that could sit inside MamlContent.
 */
#include "mp-xml/maml.h"

#include "lib/buf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct render {
	struct buf text;	/* the current section's text */
	struct buf para;	/* inline text waiting to become a paragraph or line */
	bool want_break;	/* a blank line goes before the next line */
	int err;
};

/* Where the next lines go: indentation and, inside a list item, its marker. */
struct place {
	int indent;
	const char *marker;	/* "- " or "3. " for an item's first line, else NULL */
	bool marked;		/* the marker has been written */
	bool compact;		/* inside a list item: no blank lines between blocks */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool is_text(const xmlNode *n)
{
	return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

static void append(struct render *r, struct buf *b, const char *s, size_t n)
{
	if (!r->err && buf_append(b, s, n) < 0)
		r->err = -ENOMEM;
}

static void trim_right(struct buf *b)
{
	while (b->len && b->data[b->len - 1] == ' ')
		buf_truncate(b, b->len - 1);
}

/* Append s with every run of white space as one space and none at the start of b. */
static void put_collapsed(struct render *r, struct buf *b, const char *s)
{
	size_t n;

	while (*s) {
		if (is_space(*s)) {
			while (is_space(*s))
				s++;
			if (b->len && b->data[b->len - 1] != ' ')
				append(r, b, " ", 1);
			continue;
		}
		for (n = 0; s[n] && !is_space(s[n]); n++)
			;
		append(r, b, s, n);
		s += n;
	}
}

static void inline_text(struct render *r, struct buf *b, const xmlNode *n);

/*
 * An inline element's text. A navigation link shows its link text, not the
 * address or topic GUID beside it; a bare uri shows its address.
 */
static void inline_elem(struct render *r, struct buf *b, const xmlNode *e)
{
	const xmlNode *c;
	xmlChar *href;

	if (is_elem(e, "navigationLink")) {
		for (c = e->children; c; c = c->next)
			if (is_elem(c, "linkText")) {
				inline_text(r, b, c);
				return;
			}
	}
	/* paragraphs inside a cell or a title must not run together */
	if (is_elem(e, "para") && b->len && b->data[b->len - 1] != ' ')
		append(r, b, " ", 1);
	if (is_elem(e, "uri") && !e->children) {
		href = xmlGetProp(e, (const xmlChar *)"href");
		if (href) {
			put_collapsed(r, b, (const char *)href);
			xmlFree(href);
		}
		return;
	}
	inline_text(r, b, e);
}

static void inline_text(struct render *r, struct buf *b, const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next) {
		if (is_text(c) && c->content)
			put_collapsed(r, b, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			inline_elem(r, b, c);
	}
}

/* Write one line of the current section at place p. */
static void line(struct render *r, struct place *p, const char *s)
{
	static const char spaces[] = "                                ";
	size_t n;

	if (r->text.len) {
		append(r, &r->text, "\n", 1);
		if (r->want_break)
			append(r, &r->text, "\n", 1);
	}
	r->want_break = false;
	for (n = (size_t)p->indent; n > 0; n -= n < 32 ? n : 32)
		append(r, &r->text, spaces, n < 32 ? n : 32);
	if (p->marker && !p->marked) {
		append(r, &r->text, p->marker, strlen(p->marker));
		p->marked = true;
	} else if (p->marker) {
		/* later lines of an item line up under its text */
		append(r, &r->text, spaces, strlen(p->marker));
	}
	append(r, &r->text, s, strlen(s));
}

static void block_end(struct render *r, const struct place *p)
{
	if (!p->compact)
		r->want_break = true;
}

static void flush_para(struct render *r, struct place *p)
{
	trim_right(&r->para);
	if (r->para.len) {
		line(r, p, r->para.data);
		block_end(r, p);
	}
	buf_reset(&r->para);
}

static bool is_block_name(const xmlNode *n)
{
	return is_elem(n, "para") || is_elem(n, "list") || is_elem(n, "table") ||
	       is_elem(n, "section") || is_elem(n, "sections");
}

static bool has_block_child(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (is_block_name(c))
			return true;
	return false;
}

static void render_blocks(struct render *r, struct place *p, const xmlNode *container);

static void render_list(struct render *r, struct place *outer, const xmlNode *list)
{
	xmlChar *cls = xmlGetProp(list, (const xmlChar *)"class");
	bool ordered = cls && strcmp((const char *)cls, "ordered") == 0;
	const xmlNode *item;
	char num[24];
	int n = 0;

	xmlFree(cls);
	/* an item that opens with a nested list still shows its own marker first */
	if (outer->marker && !outer->marked)
		line(r, outer, "");
	for (item = list->children; item; item = item->next) {
		struct place p = {
			.indent = outer->marker ? outer->indent + 2 : outer->indent,
			.compact = true,
		};

		if (!is_elem(item, "listItem"))
			continue;
		snprintf(num, sizeof(num), "%d. ", ++n);
		p.marker = ordered ? num : "- ";
		render_blocks(r, &p, item);
		if (!p.marked)
			line(r, &p, "");
	}
}

static void render_row(struct render *r, struct place *p, const xmlNode *row)
{
	const xmlNode *c;
	bool first = true;

	buf_reset(&r->para);
	for (c = row->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		trim_right(&r->para);
		if (!first)
			append(r, &r->para, " | ", 3);
		first = false;
		inline_text(r, &r->para, c);
	}
	trim_right(&r->para);
	if (!first)
		line(r, p, r->para.data);
	buf_reset(&r->para);
}

static void render_table(struct render *r, struct place *p, const xmlNode *table)
{
	const xmlNode *c, *row;

	for (c = table->children; c; c = c->next) {
		if (is_elem(c, "title")) {
			inline_text(r, &r->para, c);
			trim_right(&r->para);
			if (r->para.len)
				line(r, p, r->para.data);
			buf_reset(&r->para);
		} else if (is_elem(c, "tableHeader")) {
			for (row = c->children; row; row = row->next)
				if (is_elem(row, "row"))
					render_row(r, p, row);
		} else if (is_elem(c, "row")) {
			render_row(r, p, c);
		}
	}
}

/* A section inside a section: its title as a heading line, then its content. */
static void render_subsection(struct render *r, struct place *p, const xmlNode *sec)
{
	const xmlNode *c;

	for (c = sec->children; c; c = c->next)
		if (is_elem(c, "title")) {
			inline_text(r, &r->para, c);
			flush_para(r, p);
			break;
		}
	render_blocks(r, p, sec);
}

/* One child of a block container; inline content collects in r->para. */
static void render_node(struct render *r, struct place *p, const xmlNode *c)
{
	if (is_text(c)) {
		if (c->content)
			put_collapsed(r, &r->para, (const char *)c->content);
		return;
	}
	if (c->type != XML_ELEMENT_NODE || is_elem(c, "title"))
		return;
	if (is_elem(c, "para")) {
		flush_para(r, p);
		inline_text(r, &r->para, c);
		flush_para(r, p);
	} else if (is_elem(c, "list")) {
		flush_para(r, p);
		render_list(r, p, c);
		block_end(r, p);
	} else if (is_elem(c, "table")) {
		flush_para(r, p);
		render_table(r, p, c);
		block_end(r, p);
	} else if (is_elem(c, "section")) {
		flush_para(r, p);
		render_subsection(r, p, c);
	} else if (is_elem(c, "sections") || has_block_child(c)) {
		/* containers such as maml:sections or maml:alertSet */
		flush_para(r, p);
		render_blocks(r, p, c);
	} else {
		inline_elem(r, &r->para, c);
	}
}

static void render_blocks(struct render *r, struct place *p, const xmlNode *container)
{
	const xmlNode *c;

	for (c = container->children; c && !r->err; c = c->next)
		render_node(r, p, c);
	flush_para(r, p);
}

/*
 * Copy the section text into the arena without trailing white space on any
 * line and without blank lines at either end.
 */
static char *tidy(struct arena *a, const struct buf *b)
{
	const char *s = b->data, *end = b->data + b->len, *eol, *stop;
	char *out = arena_alloc(a, b->len + 1), *o = out;

	if (!out)
		return NULL;
	while (s < end) {
		eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol)
			eol = end;
		for (stop = eol; stop > s && (stop[-1] == ' ' || stop[-1] == '\t' ||
					      stop[-1] == '\r'); stop--)
			;
		if (stop > s || o > out) {
			memcpy(o, s, (size_t)(stop - s));
			o += stop - s;
			if (eol < end)
				*o++ = '\n';
		}
		s = eol + 1;
	}
	while (o > out && o[-1] == '\n')
		o--;
	*o = '\0';
	return out;
}

struct section_list {
	struct mp_section *head, **tail;
};

static int add_section(struct arena *a, struct section_list *l, const char *title,
		       const struct buf *text)
{
	struct mp_section *s = arena_alloc(a, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->title = title;
	s->text = tidy(a, text);
	if (!s->text)
		return -ENOMEM;
	*l->tail = s;
	l->tail = &s->next;
	return 0;
}

/* A top-level maml:section; title is NULL when it has no maml:title. */
static int top_section(struct arena *a, struct render *r, struct section_list *l,
		       const xmlNode *sec)
{
	struct place top = { 0 };
	const xmlNode *c;
	char *title = NULL;

	buf_reset(&r->text);
	buf_reset(&r->para);
	r->want_break = false;
	for (c = sec->children; c; c = c->next)
		if (is_elem(c, "title")) {
			inline_text(r, &r->para, c);
			trim_right(&r->para);
			if (r->err)
				return r->err;
			title = arena_strndup(a, r->para.data, r->para.len);
			if (!title)
				return -ENOMEM;
			buf_reset(&r->para);
			break;
		}
	render_blocks(r, &top, sec);
	if (r->err)
		return r->err;
	return add_section(a, l, title, &r->text);
}

int maml_render(struct arena *a, const xmlNode *content, struct mp_section **out)
{
	struct section_list l = { NULL, &l.head };
	struct place top = { 0 };
	struct render r = { .err = 0 };
	const xmlNode *c, *s;
	bool stray = false;	/* content outside any section is being collected */
	int err = 0;

	buf_init(&r.text);
	buf_init(&r.para);
	for (c = content->children; c && !err; c = c->next) {
		if (is_elem(c, "section") || is_elem(c, "sections")) {
			if (stray) {
				flush_para(&r, &top);
				if (!r.err && r.text.len)
					err = add_section(a, &l, NULL, &r.text);
				stray = false;
			}
			if (is_elem(c, "section")) {
				if (!err)
					err = top_section(a, &r, &l, c);
				continue;
			}
			for (s = c->children; s && !err; s = s->next)
				if (is_elem(s, "section"))
					err = top_section(a, &r, &l, s);
			continue;
		}
		if (!stray) {
			buf_reset(&r.text);
			buf_reset(&r.para);
			r.want_break = false;
			stray = true;
		}
		render_node(&r, &top, c);
	}
	if (stray && !err) {
		flush_para(&r, &top);
		if (!r.err && r.text.len)
			err = add_section(a, &l, NULL, &r.text);
	}
	if (!err)
		err = r.err;
	buf_release(&r.text);
	buf_release(&r.para);
	*out = err ? NULL : l.head;
	return err;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* HTML: tags that start a new paragraph when stripped. */
static bool html_block(const char *name, size_t n)
{
	static const char *const blocks[] = {
		"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
		"tr", "table", "pre", "blockquote", "hr", "dl", "dt", "dd",
	};
	size_t i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strlen(blocks[i]) == n && strncasecmp(name, blocks[i], n) == 0)
			return true;
	return false;
}

/*
 * Text of HtmlContent. HTML is often stored escaped (the tags are text), so
 * tags are stripped from the text as well, and the few entities such markup
 * uses are decoded.
 */
static void html_text(struct render *r, struct place *p, const char *s)
{
	static const struct { const char *ent, *repl; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&#39;", "'" }, { "&nbsp;", " " },
	};
	const char *gt, *name;
	size_t i, n;
	char one[2] = { 0 };

	while (*s) {
		if (*s == '<' && (gt = strchr(s, '>')) &&
		    (s[1] == '/' || s[1] == '!' || is_alpha(s[1]))) {
			name = s + 1 + (s[1] == '/');
			for (n = 0; name + n < gt && name[n] != ' ' && name[n] != '/' &&
				    name[n] != '\t' && name[n] != '\n'; n++)
				;
			if (html_block(name, n))
				flush_para(r, p);
			s = gt + 1;
			continue;
		}
		if (*s == '&') {
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (strncmp(s, ents[i].ent, strlen(ents[i].ent)) == 0)
					break;
			if (i < sizeof(ents) / sizeof(ents[0])) {
				put_collapsed(r, &r->para, ents[i].repl);
				s += strlen(ents[i].ent);
				continue;
			}
		}
		one[0] = *s++;
		put_collapsed(r, &r->para, one);
	}
}

static void html_node(struct render *r, struct place *p, const xmlNode *n)
{
	const xmlNode *c;
	const char *name;
	bool block;

	for (c = n->children; c && !r->err; c = c->next) {
		if (is_text(c) && c->content) {
			html_text(r, p, (const char *)c->content);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)c->name;
		if (strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0)
			continue;
		block = html_block(name, strlen(name));
		if (block)
			flush_para(r, p);
		html_node(r, p, c);
		if (block)
			flush_para(r, p);
	}
}

int maml_render_html(struct arena *a, const xmlNode *content, struct mp_section **out)
{
	struct section_list l = { NULL, &l.head };
	struct place top = { 0 };
	struct render r = { .err = 0 };
	int err;

	buf_init(&r.text);
	buf_init(&r.para);
	html_node(&r, &top, content);
	flush_para(&r, &top);
	err = r.err;
	if (!err && r.text.len)
		err = add_section(a, &l, "Summary", &r.text);
	buf_release(&r.text);
	buf_release(&r.para);
	*out = err ? NULL : l.head;
	return err;
}
