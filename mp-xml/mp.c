/*
 * This file is the management-pack loader: it parses SCOM management-pack XML
 * (a sealed-style ManagementPack or a VSAE ManagementPackFragment) from memory
 * with libxml2 and copies what mpmon needs into the plain pack model of mp.h:
 * manifest and references, classes, unit monitors with their alert settings,
 * operational states and Configuration trees, aggregate monitors, rules (their
 * first data source and their GenerateAlert write action), diagnostics and
 * recoveries (their commands read by command.c), display strings of one
 * language and knowledge articles rendered to text (maml.c).
 *
 * The document is untrusted input. No DTD is ever read: a DOCTYPE stops the
 * parse as soon as it is seen, which is what keeps entity expansion bombs and
 * external entities out. libxml2's errors are caught with a structured handler
 * and become diag entries at their line; nothing is printed.
 *
 * The libxml2 tree lives only for the duration of mp_load(); every string the
 * model keeps is copied into the pack's arena, lookup tables go into a scratch
 * arena that is dropped when loading ends.
 */
#include "mp-xml/mp.h"

#include "mp-xml/command.h"
#include "mp-xml/maml.h"

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/hmap.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * An entry of a lookup table keyed by one or two strings (ElementID,
 * SubElementID): the key is k1, or k1, a NUL and k2, so that a missing k2 is
 * not an empty one. Entries live in the loader's scratch arena.
 */
struct map_entry {
	struct hmap_node node;
	const void *v;
};

struct loader {
	struct mp_pack *p;
	struct arena *a;		/* the pack's arena: what the model keeps */
	struct arena scratch;		/* lookup tables, dropped after loading */
	struct buf key;			/* a two-string key being looked up */
	struct diag *d;
	const char *file;
	xmlDoc *doc;
	xmlBuffer *dump;		/* reused to serialise each UnitMonitor */
	unsigned flags;			/* MP_LOAD_* */
	int err;			/* -ENOMEM once memory ran out */
	bool doctype;			/* a DOCTYPE was met and the parse stopped */
	bool fatal;			/* libxml2 reported a fatal error */
	startElementNsSAX2Func start;	/* libxml2's own tree builder */

	struct hmap strings;	/* (ElementID, SubElementID) -> DisplayString node */
	struct hmap articles;	/* ElementID -> struct mp_article */
	struct hmap resources;	/* StringResource ID -> its node */
	struct hmap types;	/* UnitMonitorType ID -> its node */
	struct hmap ids;		/* every element ID the pack defines -> its node */
	size_t nids;
	struct hmap xrefs;	/* (pack ID, element ID) -> struct mp_xref */
	struct hmap monitors;	/* UnitMonitor ID -> struct mp_monitor */
	struct hmap aggregates;	/* AggregateMonitor ID -> struct mp_aggregate */
	struct hmap rules;	/* Rule ID -> struct mp_rule */

	struct mp_reference **ref_tail;
	struct mp_class **class_tail;
	struct mp_relationship **rel_tail;
	struct mp_monitor **mon_tail;
	struct mp_aggregate **agg_tail;
	struct mp_rule **rule_tail;
	struct mp_diagnostic **diag_tail;
	struct mp_recovery **rec_tail;
	struct mp_article **art_tail;
	struct mp_type **type_tail;
	struct mp_xref **xref_tail;
	struct mp_override **ovr_tail;
};

/*
 * libxml2 calls its error handlers with a context it chooses (2.9 passes the
 * parser context even to the global structured handler), so the loader being
 * served is found here instead.
 */
static _Thread_local struct loader *current;

static void lerr(struct loader *l, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lwarn(struct loader *l, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void lerr(struct loader *l, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(l->d, DIAG_ERROR, l->file, line, fmt, ap);
	va_end(ap);
}

static void lwarn(struct loader *l, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(l->d, DIAG_WARNING, l->file, line, fmt, ap);
	va_end(ap);
}

/* ---- libxml2 boundary ---------------------------------------------------- */

/*
 * libxml2 messages start with a capital and end with a newline; ours are lower
 * case on one line. An initial acronym ("XML declaration ...") keeps its case.
 */
static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct loader *l = current;
	struct buf msg;
	const char *s;
	size_t i;

	(void)ctx;
	if (!l || !e || l->doctype || l->fatal)
		return;
	if (e->code == XML_ERR_NO_MEMORY)
		l->err = -ENOMEM;
	buf_init(&msg);
	if (buf_puts(&msg, e->message ? e->message : "unknown error") < 0) {
		l->err = -ENOMEM;
		return;
	}
	for (i = 0; i < msg.len; i++)
		if (msg.data[i] == '\n' || msg.data[i] == '\r' || msg.data[i] == '\t')
			msg.data[i] = ' ';
	while (msg.len && msg.data[msg.len - 1] == ' ')
		buf_truncate(&msg, msg.len - 1);
	s = msg.data;
	if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
		msg.data[0] = (char)(s[0] - 'A' + 'a');
	if (e->level == XML_ERR_WARNING) {
		lwarn(l, e->line, "xml: %s", msg.data);
	} else {
		/* after a fatal error libxml2 only reports its consequences */
		if (e->level == XML_ERR_FATAL)
			l->fatal = true;
		lerr(l, e->line, "malformed xml: %s", msg.data);
	}
	buf_release(&msg);
}

/* Anything libxml2 sends to its generic channel while we parse is dropped. */
static void on_generic_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/*
 * The SAX callback for <!DOCTYPE ...>, which libxml2 makes before it reads an
 * internal subset or thinks of an external one. Stopping here means not one
 * entity declaration is parsed.
 */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct loader *l = current;

	(void)name;
	(void)external_id;
	(void)system_id;
	if (l && !l->doctype) {
		lerr(l, ctxt->input ? ctxt->input->line : 0,
		     "document type declarations are not allowed");
		l->doctype = true;
	}
	xmlStopParser(ctxt);
}

/*
 * Elements keep only 16 bits of line number; XML_PARSE_BIG_LINES saves the
 * real one for text nodes alone, and xmlGetLineNo() guesses an element's from
 * its neighbours. The real line of a start tag past 65535 is put in the
 * element's psvi, which nothing else uses without schema validation.
 */
static void on_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct loader *l = current;
	xmlNode *n;

	if (!l || !l->start)
		return;
	l->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
		 nb_defaulted, attributes);
	n = ctxt->node;
	if (n && n->type == XML_ELEMENT_NODE && n->line == 65535 && ctxt->input &&
	    ctxt->input->line >= 65535 && xmlStrEqual(n->name, localname))
		n->psvi = (void *)(intptr_t)ctxt->input->line;
}

/* ---- lookup tables -------------------------------------------------------- */

/* The key of (k1, k2) in l->key. 0 or -ENOMEM. */
static int map_key(struct loader *l, const char *k1, const char *k2)
{
	buf_reset(&l->key);
	if (buf_puts(&l->key, k1) < 0 || buf_putc(&l->key, '\0') < 0 || buf_puts(&l->key, k2) < 0)
		return l->err = -ENOMEM;
	return 0;
}

/* The value of (k1, k2); k2 NULL matches only NULL (a DisplayString without SubElementID). */
static const void *map_get(struct loader *l, const struct hmap *m, const char *k1,
			   const char *k2)
{
	const struct hmap_node *n;

	if (!k1 || (k2 && map_key(l, k1, k2) < 0))
		return NULL;
	n = k2 ? hmap_get(m, l->key.data, l->key.len) : hmap_get(m, k1, strlen(k1));
	return n ? HMAP_ENTRY(n, const struct map_entry, node)->v : NULL;
}

/*
 * Add a key whose strings outlive the table. The first value for a key wins:
 * returns 1 when the key was already there, 0 when added, -ENOMEM.
 */
static int map_put(struct loader *l, struct hmap *m, const char *k1, const char *k2,
		   const void *v)
{
	struct map_entry *e = arena_alloc(&l->scratch, sizeof(*e));
	const char *key = k1;
	size_t len = strlen(k1);
	int r;

	if (e && k2 && map_key(l, k1, k2) == 0) {
		len = l->key.len;
		key = arena_strndup(&l->scratch, l->key.data, len);
	}
	if (!e || !key)
		return l->err = -ENOMEM;
	e->v = v;
	r = hmap_insert(m, &e->node, key, len);
	if (r == -EEXIST)
		return 1;
	return r < 0 ? (l->err = -ENOMEM) : 0;
}

/* The tables' buckets; their entries go with the scratch arena. */
static void maps_release(struct loader *l)
{
	struct hmap *const maps[] = { &l->strings, &l->articles, &l->resources,
				      &l->types, &l->ids, &l->xrefs,
				      &l->monitors, &l->aggregates, &l->rules };
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		hmap_release(maps[i]);
	buf_release(&l->key);
}

/* ---- reading the tree ----------------------------------------------------- */

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *next_elem(const xmlNode *n, const char *name)
{
	for (; n; n = n->next)
		if (named(n, name))
			return n;
	return NULL;
}

/* The first element child called name, or NULL. */
static const xmlNode *first(const xmlNode *n, const char *name)
{
	return n ? next_elem(n->children, name) : NULL;
}

/* The next element sibling called name, or NULL. */
static const xmlNode *after(const xmlNode *n, const char *name)
{
	return next_elem(n->next, name);
}

static long line_of(const xmlNode *n)
{
	if (n->type == XML_ELEMENT_NODE && n->line == 65535 && n->psvi)
		return (long)(intptr_t)n->psvi;
	return xmlGetLineNo(n);
}

static void *lalloc(struct loader *l, size_t n)
{
	void *p = arena_alloc(l->a, n);

	if (!p)
		l->err = -ENOMEM;
	return p;
}

static char *ldup(struct loader *l, struct arena *a, const char *s, size_t n)
{
	char *r = arena_strndup(a, s, n);

	if (!r && s)
		l->err = -ENOMEM;
	return r;
}

static bool is_text(const xmlNode *c)
{
	return (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content;
}

/*
 * The element's own character data (its text and CDATA children joined), in
 * arena a; "" when it has none. trim drops surrounding white space, which is
 * right for IDs and enumerations but never for Configuration values.
 */
static const char *text_in(struct loader *l, struct arena *a, const xmlNode *n, bool trim)
{
	const xmlNode *c, *only = NULL;
	size_t len = 0, count = 0, k;
	const char *s;
	char *out;

	for (c = n->children; c; c = c->next)
		if (is_text(c)) {
			only = c;
			count++;
			len += strlen((const char *)c->content);
		}
	if (count == 0)
		return "";
	if (count == 1) {
		s = (const char *)only->content;
		if (trim) {
			while (len && is_xml_space(*s)) {
				s++;
				len--;
			}
			while (len && is_xml_space(s[len - 1]))
				len--;
		}
		return ldup(l, a, s, len);
	}
	out = arena_alloc(a, len + 1);
	if (!out) {
		l->err = -ENOMEM;
		return NULL;
	}
	for (k = 0, c = n->children; c; c = c->next)
		if (is_text(c)) {
			size_t cl = strlen((const char *)c->content);

			memcpy(out + k, c->content, cl);
			k += cl;
		}
	out[k] = '\0';
	if (trim) {
		for (s = out; is_xml_space(*s); s++)
			;
		while (k > (size_t)(s - out) && is_xml_space(out[k - 1]))
			k--;
		out[k] = '\0';
		return s;
	}
	return out;
}

static const char *text_of(struct loader *l, const xmlNode *n, bool trim)
{
	return text_in(l, l->a, n, trim);
}

/* Trimmed text of the first child called name, or NULL when there is none. */
static const char *child_token(struct loader *l, const xmlNode *n, const char *name)
{
	const xmlNode *c = first(n, name);

	return c ? text_of(l, c, true) : NULL;
}

static const xmlAttr *find_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *at;

	for (at = n->properties; at; at = at->next)
		if (!at->ns && strcmp((const char *)at->name, name) == 0)
			return at;
	return NULL;
}

/* The value of an attribute node in arena a. */
static const char *attr_value(struct loader *l, struct arena *a, const xmlAttr *at)
{
	const char *r;
	xmlChar *v;

	if (!at->children)
		return "";
	if (at->children->type == XML_TEXT_NODE && !at->children->next &&
	    at->children->content) {
		r = (const char *)at->children->content;
		return ldup(l, a, r, strlen(r));
	}
	v = xmlNodeListGetString(at->doc, at->children, 1);
	if (!v) {
		l->err = -ENOMEM;
		return NULL;
	}
	r = ldup(l, a, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return r;
}

/* An attribute's value in arena a, or NULL when absent. */
static const char *attr_in(struct loader *l, struct arena *a, const xmlNode *n,
			   const char *name)
{
	const xmlAttr *at = find_attr(n, name);

	return at ? attr_value(l, a, at) : NULL;
}

static const char *attr(struct loader *l, const xmlNode *n, const char *name)
{
	return attr_in(l, l->a, n, name);
}

/* For keys and comparisons that only live while loading. */
static const char *attr_tmp(struct loader *l, const xmlNode *n, const char *name)
{
	return attr_in(l, &l->scratch, n, name);
}

/*
 * An xs:boolean attribute; dflt when absent. A value that is not one is an
 * error at the element, so a typo cannot silently flip a setting.
 */
static bool attr_bool(struct loader *l, const xmlNode *n, const char *name, bool dflt,
		      const char *what, const char *id)
{
	const char *v = attr_tmp(l, n, name);

	if (!v)
		return dflt;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return true;
	if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return false;
	lerr(l, line_of(n), "%s '%s': invalid %s '%s' (expected true or false)", what,
	     id ? id : "", name, v);
	return dflt;
}

/* Name and Description of the display string for (id, sub), NULL when absent. */
static void display(struct loader *l, const char *id, const char *sub, const char **name,
		    const char **desc)
{
	const xmlNode *ds = map_get(l, &l->strings, id, sub), *c;

	*name = NULL;
	if (desc)
		*desc = NULL;
	if (!ds)
		return;
	if ((c = first(ds, "Name")))
		*name = text_of(l, c, false);
	if (desc && (c = first(ds, "Description")))
		*desc = text_of(l, c, false);
}

/* ---- manifest, types, strings, knowledge ------------------------------- */

static void load_manifest(struct loader *l, const xmlNode *man)
{
	const xmlNode *id = first(man, "Identity"), *refs, *r;
	struct mp_reference *ref;

	if (id) {
		l->p->id = child_token(l, id, "ID");
		l->p->version = child_token(l, id, "Version");
	}
	l->p->name = child_token(l, man, "Name");
	for (refs = first(man, "References"); refs; refs = after(refs, "References"))
		for (r = first(refs, "Reference"); r && !l->err; r = after(r, "Reference")) {
			ref = lalloc(l, sizeof(*ref));
			if (!ref)
				return;
			ref->alias = attr(l, r, "Alias");
			ref->id = child_token(l, r, "ID");
			ref->version = child_token(l, r, "Version");
			ref->line = line_of(r);
			*l->ref_tail = ref;
			l->ref_tail = &ref->next;
		}
}

/* LanguagePack ID="ENU"; else the one marked IsDefault="true"; else the first. */
static const xmlNode *choose_language(struct loader *l, const xmlNode *root)
{
	const xmlNode *lps, *lp, *dflt = NULL, *any = NULL;
	const char *v;

	for (lps = first(root, "LanguagePacks"); lps; lps = after(lps, "LanguagePacks"))
		for (lp = first(lps, "LanguagePack"); lp; lp = after(lp, "LanguagePack")) {
			v = attr_tmp(l, lp, "ID");
			if (v && strcmp(v, "ENU") == 0)
				return lp;
			v = attr_tmp(l, lp, "IsDefault");
			if (!dflt && v && strcmp(v, "true") == 0)
				dflt = lp;
			if (!any)
				any = lp;
		}
	return dflt ? dflt : any;
}

static void load_article(struct loader *l, const xmlNode *ka)
{
	struct mp_article *a = lalloc(l, sizeof(*a));
	const xmlNode *c;
	int r = 0;

	if (!a)
		return;
	a->element_id = attr(l, ka, "ElementID");
	a->line = line_of(ka);
	if ((c = first(ka, "MamlContent")))
		r = maml_render(l->a, c, &a->sections);
	else if ((c = first(ka, "HtmlContent")))
		r = maml_render_html(l->a, c, &a->sections);
	if (r < 0) {
		l->err = r;
		return;
	}
	*l->art_tail = a;
	l->art_tail = &a->next;
	if (a->element_id)
		map_put(l, &l->articles, a->element_id, NULL, a);
}

static void load_language(struct loader *l, const xmlNode *lp)
{
	const xmlNode *set, *c;
	const char *id;

	for (set = first(lp, "DisplayStrings"); set; set = after(set, "DisplayStrings"))
		for (c = first(set, "DisplayString"); c && !l->err; c = after(c, "DisplayString")) {
			id = attr_tmp(l, c, "ElementID");
			if (id)
				map_put(l, &l->strings, id, attr_tmp(l, c, "SubElementID"), c);
		}
	for (set = first(lp, "KnowledgeArticles"); set; set = after(set, "KnowledgeArticles"))
		for (c = first(set, "KnowledgeArticle"); c && !l->err;
		     c = after(c, "KnowledgeArticle"))
			load_article(l, c);
}

static void load_string_resources(struct loader *l, const xmlNode *pres)
{
	const xmlNode *set, *c;
	const char *id;

	for (set = first(pres, "StringResources"); set; set = after(set, "StringResources"))
		for (c = first(set, "StringResource"); c && !l->err; c = after(c, "StringResource")) {
			id = attr_tmp(l, c, "ID");
			if (id)
				map_put(l, &l->resources, id, NULL, c);
		}
}

static void load_class(struct loader *l, const xmlNode *n)
{
	struct mp_class *c = lalloc(l, sizeof(*c));

	if (!c)
		return;
	c->id = attr(l, n, "ID");
	c->base = attr(l, n, "Base");
	c->abstract = attr_bool(l, n, "Abstract", false, "class", c->id);
	c->hosted = attr_bool(l, n, "Hosted", false, "class", c->id);
	c->singleton = attr_bool(l, n, "Singleton", false, "class", c->id);
	c->line = line_of(n);
	display(l, c->id, NULL, &c->display_name, NULL);
	*l->class_tail = c;
	l->class_tail = &c->next;
}

static void load_relationship(struct loader *l, const xmlNode *n)
{
	struct mp_relationship *r = lalloc(l, sizeof(*r));
	const xmlNode *c;

	if (!r)
		return;
	r->id = attr(l, n, "ID");
	r->base = attr(l, n, "Base");
	r->abstract = attr_bool(l, n, "Abstract", false, "relationship", r->id);
	r->line = line_of(n);
	c = first(n, "Source");
	r->source = c ? attr(l, c, "Type") : NULL;
	/* SCOM 2007 packs name the class as the element's text */
	if (c && !r->source)
		r->source = text_of(l, c, true);
	c = first(n, "Target");
	r->target = c ? attr(l, c, "Type") : NULL;
	if (c && !r->target)
		r->target = text_of(l, c, true);
	*l->rel_tail = r;
	l->rel_tail = &r->next;
}

/*
 * The element names of a type's <Configuration> schema: its xsd:element
 * children (IncludeSchemaTypes only brings the types they use). Anything else
 * there makes the schema open: its elements are not checked.
 */
static void load_type_schema(struct loader *l, struct mp_type *t, const xmlNode *cfg)
{
	const xmlNode *c;
	const char **names;
	size_t n = 0;

	for (c = cfg ? cfg->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			n++;
	names = lalloc(l, (n + 1) * sizeof(*names));
	if (!names)
		return;
	n = 0;
	for (c = cfg ? cfg->children : NULL; c; c = c->next) {
		const char *name;

		if (c->type != XML_ELEMENT_NODE || named(c, "IncludeSchemaTypes"))
			continue;
		name = named(c, "element") ? attr(l, c, "name") : NULL;
		if (name && *name)
			names[n++] = name;
		else
			t->config_open = true;
	}
	t->config = names;
}

static void load_type(struct loader *l, const xmlNode *n, enum mp_type_kind kind)
{
	struct mp_type *t = lalloc(l, sizeof(*t));

	if (!t)
		return;
	t->id = attr(l, n, "ID");
	t->kind = kind;
	t->line = line_of(n);
	load_type_schema(l, t, first(n, "Configuration"));
	if (!t->id || l->err)
		return;
	*l->type_tail = t;
	l->type_tail = &t->next;
	/* a bare TypeID must name a UnitMonitorType of these to be this pack's own */
	if (kind == MP_KIND_UNIT_MONITOR)
		map_put(l, &l->types, t->id, NULL, n);
}

static void load_types(struct loader *l, const xmlNode *td)
{
	static const struct { const char *name; enum mp_type_kind kind; } modules[] = {
		{ "DataSourceModuleType", MP_KIND_DATA_SOURCE },
		{ "ProbeActionModuleType", MP_KIND_PROBE_ACTION },
		{ "ConditionDetectionModuleType", MP_KIND_CONDITION_DETECTION },
		{ "WriteActionModuleType", MP_KIND_WRITE_ACTION },
	};
	const xmlNode *et, *cts, *ct, *mts, *mt;
	size_t i;

	for (et = first(td, "EntityTypes"); et; et = after(et, "EntityTypes"))
		for (cts = first(et, "ClassTypes"); cts; cts = after(cts, "ClassTypes"))
			for (ct = first(cts, "ClassType"); ct && !l->err; ct = after(ct, "ClassType"))
				load_class(l, ct);
	for (et = first(td, "EntityTypes"); et; et = after(et, "EntityTypes"))
		for (cts = first(et, "RelationshipTypes"); cts; cts = after(cts, "RelationshipTypes"))
			for (ct = first(cts, "RelationshipType"); ct && !l->err;
			     ct = after(ct, "RelationshipType"))
				load_relationship(l, ct);
	for (mts = first(td, "MonitorTypes"); mts; mts = after(mts, "MonitorTypes"))
		for (mt = first(mts, "UnitMonitorType"); mt && !l->err;
		     mt = after(mt, "UnitMonitorType"))
			load_type(l, mt, MP_KIND_UNIT_MONITOR);
	for (mts = first(td, "ModuleTypes"); mts; mts = after(mts, "ModuleTypes"))
		for (mt = mts->children; mt && !l->err; mt = mt->next)
			for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
				if (named(mt, modules[i].name))
					load_type(l, mt, modules[i].kind);
}

/* ---- element IDs and references ------------------------------------------ */

/*
 * Gather the ID of every element the pack defines: the outermost elements
 * that carry an ID, outside the manifest and the language packs (a monitor's
 * OperationalStates and a type's member modules have IDs of their own, but
 * those name parts of their element).
 */
static void gather_ids(struct loader *l, const xmlNode *n, bool top)
{
	const xmlNode *c;
	const char *id;

	for (c = n->children; c && !l->err; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    (top && (named(c, "Manifest") || named(c, "LanguagePacks"))))
			continue;
		if (!find_attr(c, "ID")) {
			gather_ids(l, c, false);
			continue;
		}
		id = attr_tmp(l, c, "ID");
		if (id && *id && map_put(l, &l->ids, id, NULL, c) == 0)
			l->nids++;
	}
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The model's sorted copy of the IDs, for mp_pack_defines once loading is over. */
static void keep_ids(struct loader *l)
{
	const struct hmap_node *k;
	struct hmap_iter it;
	size_t n = 0;

	l->p->ids = lalloc(l, (l->nids ? l->nids : 1) * sizeof(*l->p->ids));
	if (!l->p->ids)
		return;
	hmap_iter_init(&it, &l->ids);
	while (n < l->nids && (k = hmap_next(&it)))
		if (!(l->p->ids[n++] = ldup(l, l->a, k->key, k->len)))
			return;
	l->p->nids = n;
	qsort(l->p->ids, n, sizeof(*l->p->ids), cmp_id);
}

/* The element a reference stands in, for messages: "monitor 'X': ". */
struct owner {
	const char *kind, *id;
};

static const char *owner_kind(const xmlNode *n)
{
	static const struct { const char *elem, *kind; } kinds[] = {
		{ "UnitMonitor", "monitor" },
		{ "AggregateMonitor", "aggregate monitor" },
		{ "DependencyMonitor", "dependency monitor" },
		{ "Rule", "rule" },
		{ "Diagnostic", "diagnostic" },
		{ "Recovery", "recovery" },
		{ "ClassType", "class" },
		{ "Discovery", "discovery" },
		{ "Task", "task" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (named(n, kinds[i].elem))
			return kinds[i].kind;
	return (const char *)n->name;
}

/*
 * Attributes whose value names an element: a bare ID there must be one of
 * this pack's. Any other attribute written Alias!ID still needs its alias.
 */
static const char *ref_attr_what(const xmlNode *n, const char *attr)
{
	static const struct { const char *attr, *what; } attrs[] = {
		{ "ParentMonitorID", "parent monitor" },
		{ "Target", "target" },
		{ "Base", "base class" },
		{ "Context", "context" },
		{ "Monitor", "monitor" },
		{ "MemberMonitor", "member monitor" },
		{ "Rule", "rule" },
		{ "Discovery", "discovery" },
		{ "Diagnostic", "diagnostic" },
		{ "Recovery", "recovery" },
		{ "ExecuteOnDiagnostic", "diagnostic" },
		{ "RunAs", "RunAs profile" },
		{ "ParentFolder", "parent folder" },
		{ "AlertMessage", "alert message" },
	};
	static const struct { const char *elem, *what; } modules[] = {
		{ "DataSource", "data source" },
		{ "ConditionDetection", "condition detection" },
		{ "WriteAction", "write action" },
		{ "ProbeAction", "probe action" },
		{ "DiscoveryClass", "discovery class" },
		{ "DiscoveryRelationship", "discovery relationship" },
	};
	size_t i;

	if (strcmp(attr, "TypeID") == 0) {
		for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
			if (named(n, modules[i].elem))
				return modules[i].what;
		return "type";
	}
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strcmp(attr, attrs[i].attr) == 0)
			return attrs[i].what;
	return NULL;
}

static bool is_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Whether v (n bytes) is Alias!ID; *bang is then the offset of the '!'. */
static bool qualified(const char *v, size_t n, size_t *bang)
{
	size_t i, b = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == '!' && !b && i > 0)
			b = i;
		else if (!is_id_char(v[i]))
			return false;
	}
	if (!b || b + 1 == n)
		return false;
	*bang = b;
	return true;
}

/*
 * Remember a reference to id (len bytes) of pack, for mp_pack_link: one entry
 * per element, with its first place.
 */
static void note_xref(struct loader *l, const struct owner *o, const char *what,
		      const char *pack, const char *raw, size_t rawlen, size_t bang, long line)
{
	const char *id = raw + bang + 1;
	size_t len = rawlen - bang - 1;
	struct mp_xref *x;
	char key[256];

	/* no ID is that long: mp_pack_link would not find it either */
	if (len >= sizeof(key))
		return;
	memcpy(key, id, len);
	key[len] = '\0';
	x = (struct mp_xref *)map_get(l, &l->xrefs, pack, key);
	if (x) {
		x->count++;
		return;
	}
	x = lalloc(l, sizeof(*x));
	if (!x)
		return;
	x->pack = pack;
	x->id = ldup(l, l->a, id, len);
	x->raw = ldup(l, l->a, raw, rawlen);
	x->what = what;
	x->owner_kind = o->kind;
	x->owner_id = o->id ? ldup(l, l->a, o->id, strlen(o->id)) : NULL;
	x->line = line;
	x->count = 1;
	if (l->err || map_put(l, &l->xrefs, x->pack, x->id, x) < 0)
		return;
	*l->xref_tail = x;
	l->xref_tail = &x->next;
}

/* "monitor 'X': " before a message about a reference of o; "" without an owner. */
static const char *owner_prefix(const struct owner *o, char *out, size_t size)
{
	if (!o->kind)
		return "";
	snprintf(out, size, "%s '%s': ", o->kind, o->id);
	return out;
}

/*
 * One reference as written (raw, n bytes) at line. Alias!ID needs its alias in
 * References and is remembered for mp_pack_link; a bare ID must be this
 * pack's own when local is set. A fragment is checked for neither: the
 * References and the other fragments of its project are not in the file.
 */
static void check_ref(struct loader *l, const struct owner *o, const char *what,
		      const char *raw, size_t n, bool local, long line)
{
	const char *pack;
	char prefix[320], key[256];
	size_t bang;

	if (n == 0 || n >= sizeof(key))
		return;
	if (qualified(raw, n, &bang)) {
		pack = mp_pack_alias(l->p, raw, bang);
		if (pack)
			note_xref(l, o, what, pack, raw, n, bang, line);
		else if (!l->p->fragment)
			lerr(l, line, "%s%s '%.*s' resolves nowhere: alias '%.*s' is not declared "
			     "in References", owner_prefix(o, prefix, sizeof(prefix)), what, (int)n,
			     raw, (int)bang, raw);
		return;
	}
	if (!local || l->p->fragment || memchr(raw, '!', n) || memchr(raw, '$', n))
		return;
	memcpy(key, raw, n);
	key[n] = '\0';
	if (!map_get(l, &l->ids, key, NULL))
		lerr(l, line, "%s%s '%s' resolves nowhere: this pack defines no '%s' and it "
		     "has no alias", owner_prefix(o, prefix, sizeof(prefix)), what, key, key);
}

/*
 * References inside text s, whose first line is line: $MPElement[Name="X"]$
 * (and its /Property forms) and $Target/.../Property[Type="X"]/...$. Both
 * must resolve: SCOM replaces them when it imports the pack.
 */
static void check_text_refs(struct loader *l, const struct owner *o, const char *s, long line)
{
	static const struct { const char *head, *what; } forms[] = {
		{ "$MPElement[Name=", "$MPElement name" },
		{ "Property[Type=", "property type" },
	};
	const char *p, *v, *end, *q;
	size_t i;
	long at;

	if (!strchr(s, '$'))
		return;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		for (p = s; (p = strstr(p, forms[i].head)); p = end) {
			v = p + strlen(forms[i].head);
			end = v;
			if (*v != '"' && *v != '\'')
				continue;
			end = strchr(v + 1, *v);
			if (!end)
				break;
			for (at = line, q = s; q < p; q++)
				at += *q == '\n';
			check_ref(l, o, forms[i].what, v + 1, (size_t)(end - v - 1), true, at);
		}
}

/*
 * The elements whose text is a reference (a module type's data types). A
 * report parameter's Prompt is not one: it names its pack by ID, not alias.
 */
static bool ref_text(const xmlNode *n)
{
	return named(n, "OutputType") || named(n, "InputType") || named(n, "SchemaType");
}

/* The text of such an element must resolve like an attribute's Alias!ID. */
static void check_whole_ref(struct loader *l, const struct owner *o, const xmlNode *n,
			    const xmlNode *text)
{
	const char *s = (const char *)text->content;
	size_t len, bang;

	if (!ref_text(n))
		return;
	while (is_xml_space(*s))
		s++;
	for (len = strlen(s); len && is_xml_space(s[len - 1]); len--)
		;
	if (len && memchr(s, '!', len) && qualified(s, len, &bang))
		check_ref(l, o, (const char *)n->name, s, len, false, xmlGetLineNo(text));
}

/* An attribute's value without a copy when libxml2 holds it as one text node. */
static const char *attr_text(struct loader *l, const xmlAttr *at)
{
	if (at->children && at->children->type == XML_TEXT_NODE && !at->children->next &&
	    at->children->content)
		return (const char *)at->children->content;
	return attr_value(l, &l->scratch, at);
}

/*
 * Check the references of n and of everything inside it. A UnitMonitor's own
 * TypeID is resolve_type's.
 */
static void check_refs(struct loader *l, const xmlNode *n, struct owner o)
{
	const xmlAttr *at;
	const xmlNode *c;
	const char *v, *what;
	size_t bang, len;

	if (!o.kind && find_attr(n, "ID")) {
		o.kind = owner_kind(n);
		o.id = attr_tmp(l, n, "ID");
		if (!o.id)
			return;
	}
	for (at = n->properties; at && !l->err; at = at->next) {
		if (at->ns ||
		    (named(n, "UnitMonitor") && strcmp((const char *)at->name, "TypeID") == 0))
			continue;
		v = attr_text(l, at);
		if (!v)
			return;
		what = ref_attr_what(n, (const char *)at->name);
		len = strlen(v);
		if (what || qualified(v, len, &bang))
			check_ref(l, &o, what ? what : (const char *)at->name, v, len, what != NULL,
				  line_of(n));
		check_text_refs(l, &o, v, line_of(n));
	}
	for (c = n->children; c && !l->err; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			check_refs(l, c, o);
		} else if (is_text(c)) {
			check_text_refs(l, &o, (const char *)c->content, xmlGetLineNo(c));
			check_whole_ref(l, &o, n, c);
		}
	}
}

/* ---- monitors ------------------------------------------------------------ */

/*
 * Copy an element and its descendants (elements only) into the model. The
 * recursion is bounded by libxml2's nesting limit (256 without XML_PARSE_HUGE).
 */
static struct mp_elem *copy_elem(struct loader *l, const xmlNode *n, struct mp_elem *parent)
{
	struct mp_elem *e = lalloc(l, sizeof(*e)), **ctail;
	struct mp_attr **atail, *at;
	const xmlAttr *xa;
	const xmlNode *c;

	if (!e)
		return NULL;
	e->name = ldup(l, l->a, (const char *)n->name, strlen((const char *)n->name));
	e->text = text_of(l, n, false);
	e->file = l->file;
	e->line = line_of(n);
	e->parent = parent;
	atail = &e->attrs;
	for (xa = n->properties; xa && !l->err; xa = xa->next) {
		at = lalloc(l, sizeof(*at));
		if (!at)
			return NULL;
		at->name = ldup(l, l->a, (const char *)xa->name, strlen((const char *)xa->name));
		at->value = attr_value(l, l->a, xa);
		*atail = at;
		atail = &at->next;
	}
	ctail = &e->child;
	for (c = n->children; c && !l->err; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		*ctail = copy_elem(l, c, e);
		if (!*ctail)
			return NULL;
		ctail = &(*ctail)->next;
	}
	return e;
}

static bool parse_priority(const char *s, enum mp_priority *out)
{
	static const char *const names[] = { "Low", "Normal", "High" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum mp_priority)i;
			return true;
		}
	return false;
}

static bool parse_severity(const char *s, enum mp_severity *out)
{
	static const char *const names[] = { "Information", "Warning", "Error",
					      "MatchMonitorHealth" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum mp_severity)i;
			return true;
		}
	return false;
}

/*
 * An alert message needs a display string: without one its alerts have an
 * empty name and text. One of another pack ("Alias!ID") has its strings
 * there; one that resolves nowhere was reported with the pack's references.
 */
static void message_strings(struct loader *l, const char *what, const char *id,
			    const char *message_id, long line)
{
	if (strchr(message_id, '!') || map_get(l, &l->strings, message_id, NULL))
		return;
	if (l->p->fragment || map_get(l, &l->ids, message_id, NULL))
		lwarn(l, line, "%s '%s': alert message '%s' has no display string; its alerts "
		      "have an empty name and text", what, id, message_id);
}

/* The display string of a monitor, as consoles and alerts name it. */
static void element_strings(struct loader *l, const char *what, const char *id, long line)
{
	if (!map_get(l, &l->strings, id, NULL))
		lwarn(l, line, "%s '%s' has no display string; it is shown by its ID", what, id);
}

/* AlertSettings of a unit or aggregate monitor; what names the element in messages. */
static void load_alert(struct loader *l, const char *what, const char *id, struct mp_alert *a,
		       const xmlNode *as)
{
	const xmlNode *c, *ps;
	const char *v, *name;
	char *end;
	long k;

	a->present = true;
	a->line = line_of(as);
	a->message_id = attr(l, as, "AlertMessage");
	if ((c = first(as, "AlertOnState"))) {
		v = text_of(l, c, true);
		if (v && !mp_health_parse(v, &a->on_state))
			lerr(l, line_of(c), "%s '%s': invalid AlertOnState '%s' "
			     "(expected Success, Warning, Error or Uninitialized)", what, id, v);
	}
	if ((c = first(as, "AutoResolve"))) {
		v = text_of(l, c, true);
		if (v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0))
			a->auto_resolve = true;
		else if (v && strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
			lerr(l, line_of(c), "%s '%s': invalid AutoResolve '%s' "
			     "(expected true or false)", what, id, v);
	}
	if ((c = first(as, "AlertPriority"))) {
		v = text_of(l, c, true);
		if (v && !parse_priority(v, &a->priority))
			lerr(l, line_of(c), "%s '%s': invalid AlertPriority '%s' "
			     "(expected Low, Normal or High)", what, id, v);
	}
	if ((c = first(as, "AlertSeverity"))) {
		v = text_of(l, c, true);
		if (v && !parse_severity(v, &a->severity))
			lerr(l, line_of(c), "%s '%s': invalid AlertSeverity '%s' (expected "
			     "Information, Warning, Error or MatchMonitorHealth)", what, id, v);
	}
	for (ps = first(as, "AlertParameters"); ps; ps = after(ps, "AlertParameters"))
		for (c = ps->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			name = (const char *)c->name;
			k = 0;
			end = NULL;
			if (strncmp(name, "AlertParameter", 14) == 0 && name[14] >= '1' &&
			    name[14] <= '9')
				k = strtol(name + 14, &end, 10);
			if (!end || *end || k < 1 || k > MP_ALERT_PARAMS) {
				lwarn(l, line_of(c), "%s '%s': ignoring '%s': alert parameters "
				      "are AlertParameter1 to AlertParameter%d", what, id, name,
				      MP_ALERT_PARAMS);
				continue;
			}
			a->params[k - 1] = text_of(l, c, false);
		}
	if (!a->message_id)
		return;
	display(l, a->message_id, NULL, &a->message_name, &a->message_text);
	message_strings(l, what, id, a->message_id, a->line);
}

static void load_opstates(struct loader *l, struct mp_monitor *m, const xmlNode *set)
{
	const xmlNode *c;
	const char *h;
	size_t n = 0;

	for (c = first(set, "OperationalState"); c; c = after(c, "OperationalState"))
		n++;
	if (!n)
		return;
	m->states = lalloc(l, n * sizeof(*m->states));
	if (!m->states)
		return;
	for (c = first(set, "OperationalState"); c; c = after(c, "OperationalState")) {
		struct mp_opstate *s = &m->states[m->nstates++];

		s->id = attr(l, c, "ID");
		s->type_state_id = attr(l, c, "MonitorTypeStateID");
		s->line = line_of(c);
		h = attr_tmp(l, c, "HealthState");
		if (!h)
			lerr(l, s->line, "monitor '%s': operational state '%s' has no HealthState",
			     m->id, s->id ? s->id : "");
		else if (!mp_health_parse(h, &s->health))
			lerr(l, s->line, "monitor '%s': operational state '%s': invalid "
			     "HealthState '%s' (expected Success, Warning, Error or "
			     "Uninitialized)", m->id, s->id ? s->id : "", h);
		if (s->id)
			display(l, m->id, s->id, &s->display_name, NULL);
	}
}

/*
 * The library pack a fragment's alias stands for. Fragments carry no
 * References; these are the aliases VSAE projects conventionally give the
 * standard libraries.
 */
static const char *conventional_alias(const char *alias)
{
	static const struct { const char *alias, *pack; } map[] = {
		{ "Windows", "Microsoft.Windows.Library" },
		{ "System", "System.Library" },
		{ "Health", "System.Health.Library" },
		{ "SystemHealth", "System.Health.Library" },
		{ "SC", "Microsoft.SystemCenter.Library" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(alias, map[i].alias) == 0)
			return map[i].pack;
	return NULL;
}

const char *mp_pack_alias(const struct mp_pack *p, const char *alias, size_t len)
{
	const struct mp_reference *r;
	char name[256];

	if (len >= sizeof(name))
		return NULL;
	memcpy(name, alias, len);
	name[len] = '\0';
	if (p->fragment)
		return conventional_alias(name);
	for (r = p->references; r; r = r->next)
		if (r->alias && strcmp(r->alias, name) == 0)
			return r->id;
	return NULL;
}

static void resolve_type(struct loader *l, struct mp_monitor *m)
{
	const char *raw = m->type_id_raw, *bang;

	m->type_origin = MP_TYPE_UNRESOLVED;
	if (!raw || !*raw) {
		lerr(l, m->line, "monitor '%s' has no TypeID", m->id);
		return;
	}
	bang = strchr(raw, '!');
	if (bang) {
		const struct owner o = { "monitor", m->id };

		m->type_id = bang + 1;
		m->type_pack = mp_pack_alias(l->p, raw, (size_t)(bang - raw));
		if (m->type_pack) {
			m->type_origin = MP_TYPE_LIBRARY;
			note_xref(l, &o, "type", m->type_pack, raw, strlen(raw),
				  (size_t)(bang - raw), m->line);
		} else if (l->p->fragment)
			m->type_origin = MP_TYPE_EXTERNAL;
		else
			lerr(l, m->line, "monitor '%s': type '%s' resolves nowhere: alias '%.*s' is "
			     "not declared in References", m->id, raw, (int)(bang - raw), raw);
		return;
	}
	m->type_id = raw;
	if (map_get(l, &l->types, raw, NULL)) {
		m->type_pack = l->p->id;
		m->type_origin = MP_TYPE_PACK;
	} else if (strncmp(raw, "Mpmon.", 6) == 0) {
		/* mpmon's own monitor types, usable without declaring a reference */
		m->type_pack = "Mpmon.Library";
		m->type_origin = MP_TYPE_LIBRARY;
	} else if (l->p->fragment) {
		m->type_origin = MP_TYPE_EXTERNAL;
	} else {
		lerr(l, m->line, "monitor '%s': type '%s' resolves nowhere: no "
		     "UnitMonitorType '%s' in this pack and no alias", m->id, raw, raw);
	}
}

/*
 * The UnitMonitor as written, for documentation pages. libxml2 writes
 * non-ASCII characters of attribute values as character references when the
 * document declared no encoding; the tree is ours and dropped after loading, so
 * it is told it is UTF-8 (which it is, in memory) and the text stays readable.
 */
static void dump_source(struct loader *l, struct mp_monitor *m, const xmlNode *n)
{
	xmlSaveCtxtPtr save;
	long r;

	if (!l->dump && !(l->dump = xmlBufferCreate())) {
		l->err = -ENOMEM;
		return;
	}
	xmlBufferEmpty(l->dump);
	if (!l->doc->encoding && !(l->doc->encoding = xmlStrdup((const xmlChar *)"UTF-8"))) {
		l->err = -ENOMEM;
		return;
	}
	save = xmlSaveToBuffer(l->dump, "UTF-8", XML_SAVE_NO_DECL);
	if (!save) {
		l->err = -ENOMEM;
		return;
	}
	r = xmlSaveTree(save, (xmlNode *)n);
	if (xmlSaveClose(save) < 0 || r < 0) {
		l->err = -ENOMEM;
		return;
	}
	m->source_xml = ldup(l, l->a, (const char *)xmlBufferContent(l->dump),
			     (size_t)xmlBufferLength(l->dump));
}

static void load_monitor(struct loader *l, const xmlNode *n)
{
	struct mp_monitor *m;
	const struct mp_monitor *prev;
	const struct mp_aggregate *agg;
	const xmlNode *c;

	m = lalloc(l, sizeof(*m));
	if (!m)
		return;
	m->line = line_of(n);
	m->id = attr(l, n, "ID");
	if (!m->id || !*m->id) {
		if (!l->err)
			lerr(l, m->line, "UnitMonitor without an ID");
		return;
	}
	if ((prev = map_get(l, &l->monitors, m->id, NULL))) {
		lerr(l, m->line, "duplicate monitor ID '%s' (first at line %ld)", m->id,
		     prev->line);
		return;
	}
	if ((agg = map_get(l, &l->aggregates, m->id, NULL))) {
		lerr(l, m->line, "duplicate monitor ID '%s' (first at line %ld)", m->id,
		     agg->line);
		return;
	}
	if (map_put(l, &l->monitors, m->id, NULL, m) < 0)
		return;
	m->accessibility = attr(l, n, "Accessibility");
	m->enabled_raw = attr(l, n, "Enabled");
	m->enabled = !m->enabled_raw || strcmp(m->enabled_raw, "false") != 0;
	m->target = attr(l, n, "Target");
	m->parent_monitor = attr(l, n, "ParentMonitorID");
	/* SCOM's schema defaults: remotable unless said otherwise, no confirmed delivery */
	m->remotable = attr_bool(l, n, "Remotable", true, "monitor", m->id);
	m->confirm_delivery = attr_bool(l, n, "ConfirmDelivery", false, "monitor", m->id);
	m->priority = attr(l, n, "Priority");
	m->run_as = attr(l, n, "RunAs");
	m->type_id_raw = attr(l, n, "TypeID");
	m->category = child_token(l, n, "Category");

	m->alert.on_state = MP_HEALTH_ERROR;
	m->alert.priority = MP_PRIORITY_NORMAL;
	m->alert.severity = MP_SEVERITY_MATCH_MONITOR_HEALTH;
	if ((c = first(n, "AlertSettings")))
		load_alert(l, "monitor", m->id, &m->alert, c);
	if ((c = first(n, "OperationalStates")))
		load_opstates(l, m, c);
	if ((c = first(n, "Configuration")))
		m->config = copy_elem(l, c, NULL);
	display(l, m->id, NULL, &m->display_name, &m->description);
	element_strings(l, "monitor", m->id, m->line);
	m->knowledge = map_get(l, &l->articles, m->id, NULL);
	if (l->flags & MP_LOAD_SOURCE)
		dump_source(l, m, n);
	resolve_type(l, m);
	if (l->err)
		return;
	*l->mon_tail = m;
	l->mon_tail = &m->next;
	l->p->nmonitors++;
}

static void load_aggregate(struct loader *l, const xmlNode *n)
{
	struct mp_aggregate *g;
	const struct mp_monitor *prev;
	const struct mp_aggregate *pa;
	const xmlNode *c;
	const char *v;

	g = lalloc(l, sizeof(*g));
	if (!g)
		return;
	g->line = line_of(n);
	g->id = attr(l, n, "ID");
	if (!g->id || !*g->id) {
		if (!l->err)
			lerr(l, g->line, "AggregateMonitor without an ID");
		return;
	}
	/* unit and aggregate monitors share one ID space: a parent names either */
	if ((pa = map_get(l, &l->aggregates, g->id, NULL))) {
		lerr(l, g->line, "duplicate monitor ID '%s' (first at line %ld)", g->id, pa->line);
		return;
	}
	if ((prev = map_get(l, &l->monitors, g->id, NULL))) {
		lerr(l, g->line, "duplicate monitor ID '%s' (first at line %ld)", g->id,
		     prev->line);
		return;
	}
	if (map_put(l, &l->aggregates, g->id, NULL, g) < 0)
		return;
	g->accessibility = attr(l, n, "Accessibility");
	g->enabled_raw = attr(l, n, "Enabled");
	g->enabled = !g->enabled_raw || strcmp(g->enabled_raw, "false") != 0;
	g->target = attr(l, n, "Target");
	g->parent_monitor = attr(l, n, "ParentMonitorID");
	g->priority = attr(l, n, "Priority");
	g->category = child_token(l, n, "Category");
	g->algorithm = MP_ALGORITHM_WORST_OF;
	if ((c = first(n, "Algorithm"))) {
		g->algorithm_line = line_of(c);
		v = text_of(l, c, true);
		if (v && strcmp(v, "WorstOf") == 0)
			g->algorithm = MP_ALGORITHM_WORST_OF;
		else if (v && strcmp(v, "BestOf") == 0)
			g->algorithm = MP_ALGORITHM_BEST_OF;
		else if (v && strcmp(v, "Percentage") == 0)
			g->algorithm = MP_ALGORITHM_PERCENTAGE;
		else if (v)
			lerr(l, g->algorithm_line, "aggregate monitor '%s': invalid Algorithm '%s' "
			     "(expected WorstOf, BestOf or Percentage)", g->id, v);
	}
	if (g->algorithm == MP_ALGORITHM_PERCENTAGE) {
		char *end = NULL;
		long pct = -1;

		c = first(n, "AlgorithmParameter");
		v = c ? text_of(l, c, true) : NULL;
		if (v && *v)
			pct = strtol(v, &end, 10);
		if (!end || *end || pct < 0 || pct > 100)
			lerr(l, c ? line_of(c) : g->algorithm_line, "aggregate monitor '%s': "
			     "Percentage needs an AlgorithmParameter from 0 to 100", g->id);
		else
			g->percentage = (int)pct;
	}
	g->alert.on_state = MP_HEALTH_ERROR;
	g->alert.priority = MP_PRIORITY_NORMAL;
	g->alert.severity = MP_SEVERITY_MATCH_MONITOR_HEALTH;
	if ((c = first(n, "AlertSettings")))
		load_alert(l, "aggregate monitor", g->id, &g->alert, c);
	display(l, g->id, NULL, &g->display_name, &g->description);
	element_strings(l, "aggregate monitor", g->id, g->line);
	g->knowledge = map_get(l, &l->articles, g->id, NULL);
	if (l->err)
		return;
	*l->agg_tail = g;
	l->agg_tail = &g->next;
	l->p->naggregates++;
}

/* A module's TypeID without its alias ("Windows!X" -> "X"). */
static const char *without_alias(const char *raw)
{
	const char *bang = raw ? strchr(raw, '!') : NULL;

	return bang ? bang + 1 : raw;
}

/* A GenerateAlert Priority or Severity: 0, 1 or 2; -1 when it is none. */
static int level_012(const char *v)
{
	return v && (v[0] == '0' || v[0] == '1' || v[0] == '2') && !v[1] ? v[0] - '0' : -1;
}

static const char mpelement_head[] = "$MPElement[Name=\"", mpelement_tail[] = "\"]$";

/* Whether v is $MPElement[Name="X"]$ (a reference the pack's references check). */
static bool is_mpelement(const char *v)
{
	size_t n = strlen(v), hl = sizeof(mpelement_head) - 1, tl = sizeof(mpelement_tail) - 1;

	return n > hl + tl && strncmp(v, mpelement_head, hl) == 0 &&
	       strcmp(v + n - tl, mpelement_tail) == 0;
}

/* $MPElement[Name="X"]$ -> X; any other text is taken as the ID itself. */
static const char *mpelement_name(struct loader *l, const char *v)
{
	size_t n = strlen(v), hl = sizeof(mpelement_head) - 1, tl = sizeof(mpelement_tail) - 1;

	return is_mpelement(v) ? ldup(l, l->a, v + hl, n - hl - tl) : v;
}

static void load_generate_alert(struct loader *l, struct mp_rule *r, const xmlNode *wa)
{
	struct mp_rule_alert *a = &r->alert;
	const xmlNode *c, *ps;
	const char *v, *name, *msg;
	char *end;
	long k;
	int x;

	a->present = true;
	a->line = line_of(wa);
	a->priority = MP_PRIORITY_NORMAL;
	a->severity = MP_SEVERITY_ERROR;
	if ((c = first(wa, "Priority"))) {
		v = text_of(l, c, true);
		if ((x = level_012(v)) < 0)
			lerr(l, line_of(c), "rule '%s': invalid Priority '%s' (expected 0, 1 or 2)",
			     r->id, v ? v : "");
		else
			a->priority = (enum mp_priority)x;
	}
	if ((c = first(wa, "Severity"))) {
		v = text_of(l, c, true);
		if ((x = level_012(v)) < 0)
			lerr(l, line_of(c), "rule '%s': invalid Severity '%s' (expected 0, 1 or 2)",
			     r->id, v ? v : "");
		else
			a->severity = (enum mp_severity)x;
	}
	if ((v = child_token(l, wa, "AlertName")) && *v)
		a->name = v;
	if ((v = child_token(l, wa, "AlertDescription")) && *v)
		a->description = v;
	if ((msg = child_token(l, wa, "AlertMessageId")) && *msg)
		a->message_id = mpelement_name(l, msg);
	for (ps = first(wa, "AlertParameters"); ps; ps = after(ps, "AlertParameters"))
		for (c = ps->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			name = (const char *)c->name;
			k = 0;
			end = NULL;
			if (strncmp(name, "AlertParameter", 14) == 0 && name[14] >= '1' &&
			    name[14] <= '9')
				k = strtol(name + 14, &end, 10);
			if (!end || *end || k < 1 || k > MP_ALERT_PARAMS) {
				lwarn(l, line_of(c), "rule '%s': ignoring '%s': alert parameters "
				      "are AlertParameter1 to AlertParameter%d", r->id, name,
				      MP_ALERT_PARAMS);
				continue;
			}
			a->params[k - 1] = text_of(l, c, false);
		}
	if ((ps = first(wa, "Suppression"))) {
		a->has_suppression = true;
		for (c = first(ps, "SuppressionValue"); c; c = after(c, "SuppressionValue")) {
			if (a->nsuppression == MP_SUPPRESSION_VALUES) {
				lerr(l, line_of(c), "rule '%s': more than %d SuppressionValue "
				     "elements", r->id, MP_SUPPRESSION_VALUES);
				break;
			}
			a->suppression[a->nsuppression++] = text_of(l, c, true);
		}
	}
	if (!a->message_id)
		return;
	display(l, a->message_id, NULL, &a->message_name, &a->message_text);
	if (!is_mpelement(msg) && !strchr(a->message_id, '!') &&
	    !map_get(l, &l->strings, a->message_id, NULL) &&
	    !map_get(l, &l->ids, a->message_id, NULL))
		lwarn(l, a->line, "rule '%s': alert message '%s' is neither a StringResource "
		      "nor a display string", r->id, a->message_id);
	else
		message_strings(l, "rule", r->id, a->message_id, a->line);
}

/*
 * Whether a module's TypeID can resolve: Alias!ID through References (a
 * fragment's aliases are its project's), a bare ID to a type of this pack.
 */
static bool type_resolves(struct loader *l, const char *raw)
{
	const char *bang = raw ? strchr(raw, '!') : NULL;

	if (!raw || l->p->fragment)
		return true;
	if (bang)
		return mp_pack_alias(l->p, raw, (size_t)(bang - raw)) != NULL;
	return map_get(l, &l->ids, raw, NULL) != NULL;
}

/*
 * A rule: the engine runs only one event data source feeding GenerateAlert, but
 * every rule is read so that the others can be named when they stay disabled.
 */
static void load_rule(struct loader *l, const xmlNode *n)
{
	struct mp_rule *r;
	const struct mp_rule *prev;
	const xmlNode *set, *c;
	const char *t;

	r = lalloc(l, sizeof(*r));
	if (!r)
		return;
	r->line = line_of(n);
	r->id = attr(l, n, "ID");
	if (!r->id || !*r->id) {
		if (!l->err)
			lerr(l, r->line, "Rule without an ID");
		return;
	}
	if ((prev = map_get(l, &l->rules, r->id, NULL))) {
		lerr(l, r->line, "duplicate rule ID '%s' (first at line %ld)", r->id, prev->line);
		return;
	}
	if (map_put(l, &l->rules, r->id, NULL, r) < 0)
		return;
	r->target = attr(l, n, "Target");
	r->enabled_raw = attr(l, n, "Enabled");
	r->enabled = !r->enabled_raw || strcmp(r->enabled_raw, "false") != 0;
	r->category = child_token(l, n, "Category");
	for (set = first(n, "DataSources"); set; set = after(set, "DataSources"))
		for (c = first(set, "DataSource"); c && !l->err; c = after(c, "DataSource"))
			if (r->ndata_sources++ == 0) {
				r->ds_type_raw = attr(l, c, "TypeID");
				r->ds_type_id = without_alias(r->ds_type_raw);
				r->ds_config = copy_elem(l, c, NULL);
				r->unresolved |= !type_resolves(l, r->ds_type_raw);
			}
	for (set = first(n, "ConditionDetection"); set; set = after(set, "ConditionDetection"))
		if (r->nconditions++ == 0) {
			r->cd_type_raw = attr(l, set, "TypeID");
			r->unresolved |= !type_resolves(l, r->cd_type_raw);
		}
	for (set = first(n, "WriteActions"); set; set = after(set, "WriteActions"))
		for (c = first(set, "WriteAction"); c && !l->err; c = after(c, "WriteAction")) {
			r->nwrite_actions++;
			r->unresolved |= !type_resolves(l, attr_tmp(l, c, "TypeID"));
			t = without_alias(attr_tmp(l, c, "TypeID"));
			if (t && strcmp(t, "System.Health.GenerateAlert") == 0 && !r->alert.present)
				load_generate_alert(l, r, c);
			else if (!r->other_wa_raw) {
				r->other_wa_raw = attr(l, c, "TypeID");
				if (!r->other_wa_raw)
					r->other_wa_raw = "";
				r->other_wa_line = line_of(c);
			}
		}
	display(l, r->id, NULL, &r->display_name, &r->description);
	r->knowledge = map_get(l, &l->articles, r->id, NULL);
	if (l->err)
		return;
	*l->rule_tail = r;
	l->rule_tail = &r->next;
	l->p->nrules++;
}

/* ExecuteOnState of a diagnostic or recovery; Uninitialized when absent. */
static enum mp_health execute_state(struct loader *l, const xmlNode *n, const char *what,
				    const char *id)
{
	const char *v = attr_tmp(l, n, "ExecuteOnState");
	enum mp_health h = MP_HEALTH_UNINITIALIZED;

	if (v && !mp_health_parse(v, &h))
		lerr(l, line_of(n), "%s '%s': invalid ExecuteOnState '%s' (expected Success, "
		     "Warning, Error or Uninitialized)", what, id ? id : "", v);
	return h;
}

/* The Timeout attribute of a diagnostic or recovery in seconds; 0 when absent. */
static long timeout_attr(struct loader *l, const xmlNode *n, const char *what, const char *id)
{
	const char *v = attr_tmp(l, n, "Timeout");
	char *end = NULL;
	long t = -1;

	if (!v)
		return 0;
	if (*v >= '0' && *v <= '9')
		t = strtol(v, &end, 10);
	if (t < 0 || t > 86400 || !end || *end) {
		lerr(l, line_of(n), "%s '%s': invalid Timeout '%s' (expected 0 to 86400 seconds)",
		     what, id ? id : "", v);
		return 0;
	}
	return t;
}

/* A module of a diagnostic or recovery, copied so that command.c can read it. */
static const struct mp_elem *copy_module(struct loader *l, const xmlNode *n, const char *name)
{
	const xmlNode *c = first(n, name);

	return c ? copy_elem(l, c, NULL) : NULL;
}

static void load_diagnostic(struct loader *l, const xmlNode *n)
{
	struct mp_diagnostic *g = lalloc(l, sizeof(*g));
	const struct mp_elem *probe;
	const char *en;

	if (!g)
		return;
	g->id = attr(l, n, "ID");
	g->target = attr(l, n, "Target");
	g->monitor_id = attr(l, n, "Monitor");
	g->execute_on_state = execute_state(l, n, "diagnostic", g->id);
	en = attr_tmp(l, n, "Enabled");
	g->enabled = !en || strcmp(en, "false") != 0;
	g->line = line_of(n);
	g->timeout_s = timeout_attr(l, n, "diagnostic", g->id);
	probe = copy_module(l, n, "ProbeAction");
	if (probe)
		g->probe_type_id = mp_elem_attr(probe, "TypeID");
	if (!l->err && mp_command_read(l->a, l->p, probe, true, "diagnostic", g->id, g->line,
				       &g->command, &g->why_not, l->d) < 0)
		l->err = -ENOMEM;
	display(l, g->id, NULL, &g->display_name, &g->description);
	g->knowledge = map_get(l, &l->articles, g->id, NULL);
	*l->diag_tail = g;
	l->diag_tail = &g->next;
}

static void load_recovery(struct loader *l, const xmlNode *n)
{
	struct mp_recovery *r = lalloc(l, sizeof(*r));
	const struct mp_elem *wa, *cd;
	const char *en;

	if (!r)
		return;
	r->id = attr(l, n, "ID");
	r->target = attr(l, n, "Target");
	r->monitor_id = attr(l, n, "Monitor");
	r->execute_on_diagnostic = attr(l, n, "ExecuteOnDiagnostic");
	r->execute_on_state = execute_state(l, n, "recovery", r->id);
	r->reset_monitor = attr_bool(l, n, "ResetMonitor", false, "recovery", r->id);
	en = attr_tmp(l, n, "Enabled");
	r->enabled = !en || strcmp(en, "false") != 0;
	r->line = line_of(n);
	r->timeout_s = timeout_attr(l, n, "recovery", r->id);
	wa = copy_module(l, n, "WriteAction");
	cd = copy_module(l, n, "ConditionDetection");
	if (wa)
		r->write_type_id = mp_elem_attr(wa, "TypeID");
	if (!l->err && mp_command_read(l->a, l->p, wa, false, "recovery", r->id, r->line,
				       &r->command, &r->why_not, l->d) < 0)
		l->err = -ENOMEM;
	if (!l->err && cd &&
	    mp_condition_read(l->a, l->p, cd, r->id, &r->condition, &r->why_not, l->d) < 0)
		l->err = -ENOMEM;
	if (r->why_not)
		r->command = NULL;
	display(l, r->id, NULL, &r->display_name, &r->description);
	r->knowledge = map_get(l, &l->articles, r->id, NULL);
	*l->rec_tail = r;
	l->rec_tail = &r->next;
}

const char *mp_override_kind_name(enum mp_override_kind k)
{
	static const char *const names[] = { "monitor", "rule", "diagnostic", "recovery" };

	return names[k];
}

/*
 * Split a reference as written into its pack and ID: Alias!ID through the
 * References (NULL pack when the alias is unknown: check_refs reported it),
 * a bare ID as this pack's own.
 */
static void split_ref(struct loader *l, const char *raw, const char **pack, const char **id)
{
	const char *bang = strchr(raw, '!');

	*pack = l->p->id;
	*id = raw;
	if (!bang)
		return;
	*pack = mp_pack_alias(l->p, raw, (size_t)(bang - raw));
	*id = bang + 1;
}

/* Parse o->value for its property; false when mpmon does not apply that property. */
static bool override_value(struct loader *l, struct mp_override *o)
{
	const char *p = o->property, *v = o->value;
	int lv;

	if (strcmp(p, "Enabled") == 0 || (o->kind == MP_OVERRIDE_MONITOR &&
	    (strcmp(p, "GenerateAlert") == 0 || strcmp(p, "AutoResolve") == 0))) {
		if (strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0) {
			o->flag = strcasecmp(v, "true") == 0;
			return true;
		}
		/* SCOM runs every monitoring level: these are all on */
		if (strcmp(p, "Enabled") == 0 && (strcasecmp(v, "onEssentialMonitoring") == 0 ||
						  strcasecmp(v, "onStandardMonitoring") == 0 ||
						  strcasecmp(v, "onAdvancedMonitoring") == 0)) {
			o->flag = true;
			return true;
		}
		lerr(l, o->line, "override '%s': %s '%s' is not true or false", o->id, p, v);
		return false;
	}
	if (o->kind == MP_OVERRIDE_MONITOR && strcmp(p, "AlertSeverity") == 0) {
		lv = level_012(v);
		if (lv >= 0 || parse_severity(v, &o->severity)) {
			if (lv >= 0)
				o->severity = (enum mp_severity)lv;
			return true;
		}
		lerr(l, o->line, "override '%s': AlertSeverity '%s' is not Information, Warning, "
		     "Error, MatchMonitorHealth, 0, 1 or 2", o->id, v);
		return false;
	}
	if (o->kind == MP_OVERRIDE_MONITOR && strcmp(p, "AlertPriority") == 0) {
		lv = level_012(v);
		if (lv >= 0 || parse_priority(v, &o->priority)) {
			if (lv >= 0)
				o->priority = (enum mp_priority)lv;
			return true;
		}
		lerr(l, o->line, "override '%s': AlertPriority '%s' is not Low, Normal, High, "
		     "0, 1 or 2", o->id, v);
		return false;
	}
	if (o->kind == MP_OVERRIDE_MONITOR && strcmp(p, "AlertOnState") == 0) {
		if (mp_health_parse(v, &o->on_state) && (o->on_state == MP_HEALTH_WARNING ||
							  o->on_state == MP_HEALTH_ERROR))
			return true;
		lerr(l, o->line, "override '%s': AlertOnState '%s' is not Warning or Error", o->id, v);
		return false;
	}
	lwarn(l, o->line, "override '%s' not applied: mpmon does not apply property '%s' of "
	      "a %s", o->id, p, mp_override_kind_name(o->kind));
	return false;
}

static void load_override(struct loader *l, const xmlNode *n, enum mp_override_kind kind,
			  const char *attr_name, bool config)
{
	struct mp_override *o = lalloc(l, sizeof(*o));
	const char *elem, *ctx;

	if (!o)
		return;
	o->kind = kind;
	o->line = line_of(n);
	o->id = attr(l, n, "ID");
	elem = attr(l, n, attr_name);
	ctx = attr(l, n, "Context");
	o->context_instance = attr(l, n, "ContextInstance");
	o->config = config;
	o->property = attr(l, n, config ? "Parameter" : "Property");
	o->value = child_token(l, n, "Value");
	o->enforced = attr_bool(l, n, "Enforced", false, "override", o->id);
	if (l->err)
		return;
	if (!o->id || !elem || !ctx || !o->property || !o->value) {
		lerr(l, o->line, "override '%s' needs ID, %s, Context, %s and a Value",
		     o->id ? o->id : "", attr_name, config ? "Parameter" : "Property");
		return;
	}
	split_ref(l, elem, &o->pack, &o->element);
	split_ref(l, ctx, &o->context_pack, &o->context);
	/* a parameter's value is the type's to check, when the engine configures it */
	o->known = config || override_value(l, o);
	*l->ovr_tail = o;
	l->ovr_tail = &o->next;
}

/* Overrides of SCOM's schema mpmon does not apply, and why: each is said, not dropped. */
static const struct { const char *elem, *why; } unapplied[] = {
	{ "RuleConfigurationOverride", "mpmon applies configuration overrides to monitors only" },
	{ "DiagnosticConfigurationOverride", "mpmon applies configuration overrides to monitors only" },
	{ "RecoveryConfigurationOverride", "mpmon applies configuration overrides to monitors only" },
	{ "DiscoveryPropertyOverride", "mpmon applies no overrides to discoveries" },
	{ "DiscoveryConfigurationOverride", "mpmon applies no overrides to discoveries" },
	{ "CategoryOverride", "mpmon has no console whose views categories sort" },
	{ "SecureReferenceOverride", "mpmon runs nothing as a Run As account" },
};

static void load_overrides(struct loader *l, const xmlNode *set)
{
	static const struct {
		const char *elem, *attr;
		enum mp_override_kind kind;
		bool config;
	} kinds[] = {
		{ "MonitorPropertyOverride", "Monitor", MP_OVERRIDE_MONITOR, false },
		{ "MonitorConfigurationOverride", "Monitor", MP_OVERRIDE_MONITOR, true },
		{ "RulePropertyOverride", "Rule", MP_OVERRIDE_RULE, false },
		{ "DiagnosticPropertyOverride", "Diagnostic", MP_OVERRIDE_DIAGNOSTIC, false },
		{ "RecoveryPropertyOverride", "Recovery", MP_OVERRIDE_RECOVERY, false },
	};
	const xmlNode *c;
	size_t i;

	for (c = set->children; c && !l->err; c = c->next) {
		for (i = 0; c->type == XML_ELEMENT_NODE && i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (named(c, kinds[i].elem))
				load_override(l, c, kinds[i].kind, kinds[i].attr, kinds[i].config);
		for (i = 0; c->type == XML_ELEMENT_NODE && i < sizeof(unapplied) / sizeof(unapplied[0]);
		     i++)
			if (named(c, unapplied[i].elem))
				lwarn(l, line_of(c), "%s '%s' not applied: %s", unapplied[i].elem,
				      attr(l, c, "ID") ? attr(l, c, "ID") : "", unapplied[i].why);
	}
}

/* Whether a data source's TypeID (Alias!ID or bare) is SCOM's GroupPopulator. */
static bool is_populator(const char *type)
{
	const char *bang = type ? strchr(type, '!') : NULL;

	return type && strcmp(bang ? bang + 1 : type, "Microsoft.SystemCenter.GroupPopulator") == 0;
}

static void load_membership(struct loader *l, struct mp_populator *g, const xmlNode *rules)
{
	struct mp_membership_rule **tail = &g->rules;
	const xmlNode *r, *c;

	for (r = first(rules, "MembershipRule"); r && !l->err; r = after(r, "MembershipRule")) {
		struct mp_membership_rule *m = lalloc(l, sizeof(*m));
		const char *cls = child_token(l, r, "MonitoringClass");

		if (!m)
			return;
		m->monitoring_class = cls ? mpelement_name(l, cls) : NULL;
		c = first(r, "Expression");
		m->expression = c ? copy_elem(l, c, NULL) : NULL;
		m->line = line_of(r);
		*tail = m;
		tail = &m->next;
	}
}

/* A Discovery: kept when a GroupPopulator says who is in a group. */
static void load_discovery(struct loader *l, const xmlNode *n)
{
	const xmlNode *ds = first(n, "DataSource"), *rules;
	struct mp_populator *g;
	const char *inst;

	if (!ds || !is_populator(attr(l, ds, "TypeID")) || !(rules = first(ds, "MembershipRules")))
		return;
	g = lalloc(l, sizeof(*g));
	if (!g)
		return;
	g->discovery = attr(l, n, "ID");
	g->line = line_of(n);
	inst = child_token(l, ds, "GroupInstanceId");
	/* $Target/Id$: the discovery's own target is the group */
	g->group = inst && strcmp(inst, "$Target/Id$") != 0 ? mpelement_name(l, inst) :
							     attr(l, n, "Target");
	load_membership(l, g, rules);
	g->next = l->p->populators;
	l->p->populators = g;
}

static void load_monitoring(struct loader *l, const xmlNode *mon)
{
	const xmlNode *set, *c, *next;

	/* DependencyMonitor is not evaluated yet: skipped */
	for (set = first(mon, "Monitors"); set; set = after(set, "Monitors"))
		for (c = first(set, "UnitMonitor"); c && !l->err; c = next) {
			next = after(c, "UnitMonitor");
			load_monitor(l, c);
			/*
			 * The model holds all it needs of it: its nodes go now, and the
			 * model of the monitors after it grows into their memory.
			 */
			xmlUnlinkNode((xmlNode *)c);
			xmlFreeNode((xmlNode *)c);
		}
	for (set = first(mon, "Monitors"); set; set = after(set, "Monitors"))
		for (c = first(set, "AggregateMonitor"); c && !l->err;
		     c = after(c, "AggregateMonitor"))
			load_aggregate(l, c);
	for (set = first(mon, "Rules"); set; set = after(set, "Rules"))
		for (c = first(set, "Rule"); c && !l->err; c = after(c, "Rule"))
			load_rule(l, c);
	for (set = first(mon, "Diagnostics"); set; set = after(set, "Diagnostics"))
		for (c = first(set, "Diagnostic"); c && !l->err; c = after(c, "Diagnostic"))
			load_diagnostic(l, c);
	for (set = first(mon, "Recoveries"); set; set = after(set, "Recoveries"))
		for (c = first(set, "Recovery"); c && !l->err; c = after(c, "Recovery"))
			load_recovery(l, c);
	for (set = first(mon, "Overrides"); set && !l->err; set = after(set, "Overrides"))
		load_overrides(l, set);
	for (set = first(mon, "Discoveries"); set; set = after(set, "Discoveries"))
		for (c = first(set, "Discovery"); c && !l->err; c = after(c, "Discovery"))
			load_discovery(l, c);
}

/* The references of every section but the manifest and the language packs. */
static void check_all_refs(struct loader *l, const xmlNode *root)
{
	const struct owner none = { NULL, NULL };
	const xmlNode *c;

	for (c = root->children; c && !l->err; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !named(c, "Manifest") &&
		    !named(c, "LanguagePacks"))
			check_refs(l, c, none);
}

/*
 * Fill the model from the root. Display strings, string resources, knowledge,
 * types and element IDs are gathered first, because monitors refer to them
 * wherever they stand in the document, and references are checked before the
 * monitors' nodes go.
 */
static void load_root(struct loader *l, const xmlNode *root)
{
	const xmlNode *c, *lp;

	for (c = first(root, "Manifest"); c && !l->err; c = after(c, "Manifest"))
		load_manifest(l, c);
	if ((lp = choose_language(l, root)))
		load_language(l, lp);
	for (c = first(root, "Presentation"); c && !l->err; c = after(c, "Presentation"))
		load_string_resources(l, c);
	for (c = first(root, "TypeDefinitions"); c && !l->err; c = after(c, "TypeDefinitions"))
		load_types(l, c);
	gather_ids(l, root, true);
	keep_ids(l);
	check_all_refs(l, root);
	if (l->p->id)
		display(l, l->p->id, NULL, &l->p->display_name, &l->p->description);
	for (c = first(root, "Monitoring"); c && !l->err; c = after(c, "Monitoring"))
		load_monitoring(l, c);
}

/* ---- public ---------------------------------------------------------------- */

/* What read_mem has left to give. */
struct mem_input {
	const char *p;
	size_t left;
};

/*
 * libxml2 2.9 parses a document in memory from a whole copy of it that it
 * makes first; read through this callback instead, it takes a few KiB at a
 * time and lets go of what it has parsed, as it does with a file.
 */
static int read_mem(void *ctx, char *buf, int len)
{
	struct mem_input *in = ctx;
	size_t n = len < 0 ? 0 : (size_t)len;

	if (n > in->left)
		n = in->left;
	memcpy(buf, in->p, n);
	in->p += n;
	in->left -= n;
	return (int)n;
}

static int parse(struct loader *l, const void *data, size_t len)
{
	struct mem_input in = { data, len };
	xmlParserCtxtPtr ctxt;
	const xmlNode *root;
	int err = 0;

	if (len == 0) {
		lerr(l, 1, "malformed xml: document is empty");
		return -EINVAL;
	}
	if (len > INT_MAX) {
		lerr(l, 0, "document larger than %d bytes", INT_MAX);
		return -EINVAL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	ctxt->sax->serror = on_xml_error;
	ctxt->sax->internalSubset = on_doctype;
	l->start = ctxt->sax->startElementNs;
	ctxt->sax->startElementNs = on_start_element;
	/*
	 * No XML_PARSE_NOENT, DTDLOAD or DTDVALID: entities are never
	 * substituted and no DTD is fetched; on_doctype refuses the rest.
	 */
	l->doc = xmlCtxtReadIO(ctxt, read_mem, NULL, &in, NULL, NULL,
			       XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
	if (l->doctype || !l->doc || !ctxt->wellFormed) {
		if (!l->doctype && !l->fatal && !l->err)
			lerr(l, 0, "malformed xml: cannot be parsed");
		err = l->err ? l->err : -EINVAL;
		goto out;
	}
	root = xmlDocGetRootElement(l->doc);
	if (!root) {
		lerr(l, 1, "malformed xml: no root element");
		err = -EINVAL;
		goto out;
	}
	if (l->flags & MP_LOAD_TREE) {
		l->p->tree = copy_elem(l, root, NULL);
		err = l->err ? l->err : l->p->tree ? 0 : -ENOMEM;
		goto out;
	}
	if (named(root, "ManagementPackFragment")) {
		l->p->fragment = true;
	} else if (!named(root, "ManagementPack")) {
		lerr(l, line_of(root), "root element is '%s', not ManagementPack or "
		     "ManagementPackFragment", (const char *)root->name);
		err = -EINVAL;
		goto out;
	}
	load_root(l, root);
	err = l->err;
out:
	xmlFreeParserCtxt(ctxt);
	return err;
}

int mp_load(const char *name, const void *data, size_t len, struct mp_pack **out,
	    struct diag *d)
{
	return mp_load_flags(name, data, len, MP_LOAD_SOURCE, out, d);
}

int mp_load_flags(const char *name, const void *data, size_t len, unsigned flags,
		  struct mp_pack **out, struct diag *d)
{
	xmlStructuredErrorFunc old_serror;
	xmlGenericErrorFunc old_gerror;
	void *old_sctx, *old_gctx;
	struct loader l = { .err = 0 };
	struct diag local;
	size_t first_entry;
	int err;

	*out = NULL;
	if (!d) {
		diag_init(&local);
		d = &local;
	}
	l.d = d;
	first_entry = d->n;
	l.flags = flags;
	l.file = name ? name : "(pack)";
	l.p = calloc(1, sizeof(*l.p));
	if (!l.p) {
		err = -ENOMEM;
		goto done;
	}
	arena_init(&l.p->arena);
	arena_init(&l.scratch);
	buf_init(&l.key);
	l.a = &l.p->arena;
	l.p->file = arena_strdup(l.a, l.file);
	if (!l.p->file) {
		err = -ENOMEM;
		goto done;
	}
	l.file = l.p->file;
	l.ref_tail = &l.p->references;
	l.class_tail = &l.p->classes;
	l.rel_tail = &l.p->relationships;
	l.mon_tail = &l.p->monitors;
	l.agg_tail = &l.p->aggregates;
	l.rule_tail = &l.p->rules;
	l.diag_tail = &l.p->diagnostics;
	l.rec_tail = &l.p->recoveries;
	l.art_tail = &l.p->articles;
	l.type_tail = &l.p->types;
	l.xref_tail = &l.p->xrefs;
	l.ovr_tail = &l.p->overrides;

	xmlInitParser();
	old_serror = xmlStructuredError;
	old_sctx = xmlStructuredErrorContext;
	old_gerror = xmlGenericError;
	old_gctx = xmlGenericErrorContext;
	current = &l;
	xmlSetStructuredErrorFunc(NULL, on_xml_error);
	xmlSetGenericErrorFunc(NULL, on_generic_error);

	err = parse(&l, data, len);

	if (l.dump)
		xmlBufferFree(l.dump);
	if (l.doc)
		xmlFreeDoc(l.doc);
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_gerror);
	current = NULL;
	/* alone, until the caller resolves across all its packs */
	if (err >= 0)
		mp_scopes_resolve(&l.p, 1, NULL);
done:
	maps_release(&l);
	arena_release(&l.scratch);
	/* references are checked in a pass of their own: list all by line */
	diag_sort_lines(d, first_entry);
	if (err < 0)
		mp_pack_free(l.p);
	else
		*out = l.p;
	if (d == &local)
		diag_release(&local);
	return err;
}

void mp_pack_free(struct mp_pack *p)
{
	if (!p)
		return;
	arena_release(&p->arena);
	free(p);
}

const struct mp_aggregate *mp_pack_aggregate(const struct mp_pack *p, const char *id)
{
	const struct mp_aggregate *g;

	for (g = p && id ? p->aggregates : NULL; g; g = g->next)
		if (strcmp(g->id, id) == 0)
			return g;
	return NULL;
}

const struct mp_rule *mp_pack_rule(const struct mp_pack *p, const char *id)
{
	const struct mp_rule *r;

	for (r = p && id ? p->rules : NULL; r; r = r->next)
		if (strcmp(r->id, id) == 0)
			return r;
	return NULL;
}

const struct mp_monitor *mp_pack_monitor(const struct mp_pack *p, const char *id)
{
	const struct mp_monitor *m;

	for (m = p && id ? p->monitors : NULL; m; m = m->next)
		if (strcmp(m->id, id) == 0)
			return m;
	return NULL;
}
