/*
 * Unit tests for rules/expr.c: compiling SCOM expression trees, evaluating them
 * against events, the error messages and lines, regex limits and the dispatch
 * numbers. Trees come from XML text read by a small parser of our own (below),
 * not from mp_load, so these tests stand on the rules layer alone; the same
 * parser reads the shared corpus to compile every UnitMonitor expression in it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/diag.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "rules/expr.h"
#include "rules/regex.h"
#include "tests/unit/tap.h"

/* ---- a tiny XML reader: elements, attributes, text, entities, comments ---- */

struct xml {
	const char *s;
	size_t n, i;
	size_t counted;		/* newlines are counted up to here */
	long line;
	const char *file;
	const char *bad;	/* why the document was refused */
	struct arena *arena;
};

static long line_at(struct xml *x, size_t i)
{
	for (; x->counted < i; x->counted++)
		if (x->s[x->counted] == '\n')
			x->line++;
	return x->line;
}

static bool at(struct xml *x, const char *lit)
{
	size_t n = strlen(lit);

	return x->n - x->i >= n && memcmp(x->s + x->i, lit, n) == 0;
}

static bool skip_past(struct xml *x, const char *end)
{
	const char *p = memmem(x->s + x->i, x->n - x->i, end, strlen(end));

	if (!p)
		return false;
	x->i = (size_t)(p - x->s) + strlen(end);
	return true;
}

/* Append n bytes of text to b, decoding the five entities and character references. */
static void decode(struct buf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *semi;
		unsigned long cp;
		char tmp[5];
		size_t k;

		if (s[i] != '&' || !(semi = memchr(s + i, ';', n - i))) {
			buf_putc(b, s[i++]);
			continue;
		}
		k = (size_t)(semi - (s + i));
		if (k == 3 && !memcmp(s + i, "&lt", 3))
			buf_putc(b, '<');
		else if (k == 3 && !memcmp(s + i, "&gt", 3))
			buf_putc(b, '>');
		else if (k == 4 && !memcmp(s + i, "&amp", 4))
			buf_putc(b, '&');
		else if (k == 5 && !memcmp(s + i, "&quot", 5))
			buf_putc(b, '"');
		else if (k == 5 && !memcmp(s + i, "&apos", 5))
			buf_putc(b, '\'');
		else if (k > 2 && s[i + 1] == '#') {
			cp = s[i + 2] == 'x' ? strtoul(s + i + 3, NULL, 16)
					     : strtoul(s + i + 2, NULL, 10);
			if (cp < 0x80) {
				buf_putc(b, (char)cp);
			} else {
				/* enough UTF-8 for the tests */
				k = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
				tmp[0] = (char)(k == 2 ? 0xc0 | cp >> 6 : k == 3 ? 0xe0 | cp >> 12
										: 0xf0 | cp >> 18);
				if (k == 4)
					tmp[1] = (char)(0x80 | (cp >> 12 & 0x3f));
				if (k >= 3)
					tmp[k - 2] = (char)(0x80 | (cp >> 6 & 0x3f));
				tmp[k - 1] = (char)(0x80 | (cp & 0x3f));
				buf_append(b, tmp, k);
			}
			k = (size_t)(semi - (s + i));
		} else {
			buf_putc(b, '&');
			i++;
			continue;
		}
		i += k + 1;
	}
}

static const char *local(const char *name)
{
	const char *colon = strchr(name, ':');

	return colon ? colon + 1 : name;
}

static size_t name_len(struct xml *x)
{
	size_t k = x->i;

	while (k < x->n && !strchr(" \t\r\n/>=", x->s[k]))
		k++;
	return k - x->i;
}

static void skip_space(struct xml *x)
{
	while (x->i < x->n && strchr(" \t\r\n", x->s[x->i]))
		x->i++;
}

/* The element whose '<' is at x->i, with its descendants. */
static struct mp_elem *element(struct xml *x, struct mp_elem *parent, int depth)
{
	struct mp_elem *e = arena_alloc(x->arena, sizeof(*e)), **tail;
	struct mp_attr **atail;
	const char *qname;
	struct buf text;
	size_t n;

	if (depth > 200) {
		x->bad = "too deep";
		return NULL;
	}
	e->file = x->file;
	e->line = line_at(x, x->i);
	e->parent = parent;
	x->i++;
	n = name_len(x);
	qname = arena_strndup(x->arena, x->s + x->i, n);
	e->name = local(qname);
	x->i += n;
	atail = &e->attrs;
	for (;;) {
		struct mp_attr *a;
		const char *q;
		char quote;

		skip_space(x);
		if (at(x, "/>")) {
			x->i += 2;
			e->text = "";
			return e;
		}
		if (at(x, ">"))
			break;
		n = name_len(x);
		if (!n || x->i + n + 2 > x->n || x->s[x->i + n] != '=') {
			x->bad = "bad attribute";
			return NULL;
		}
		a = arena_alloc(x->arena, sizeof(*a));
		a->name = arena_strndup(x->arena, x->s + x->i, n);
		x->i += n + 1;
		quote = x->s[x->i++];
		q = memchr(x->s + x->i, quote, x->n - x->i);
		if (!q) {
			x->bad = "unterminated attribute";
			return NULL;
		}
		buf_init(&text);
		decode(&text, x->s + x->i, (size_t)(q - (x->s + x->i)));
		a->value = arena_strdup(x->arena, text.data);
		buf_release(&text);
		x->i = (size_t)(q - x->s) + 1;
		*atail = a;
		atail = &a->next;
	}
	x->i++;
	buf_init(&text);
	tail = &e->child;
	for (;;) {
		const char *lt;

		if (x->i >= x->n) {
			x->bad = "unterminated element";
			break;
		}
		if (at(x, "</")) {
			x->i += 2;
			n = name_len(x);
			if (n != strlen(qname) || memcmp(x->s + x->i, qname, n) != 0)
				x->bad = "mismatched end tag";
			x->i += n;
			skip_space(x);
			x->i++;
			break;
		}
		if (at(x, "<!--")) {
			if (!skip_past(x, "-->"))
				x->bad = "unterminated comment";
		} else if (at(x, "<![CDATA[")) {
			const char *end;

			x->i += 9;
			end = memmem(x->s + x->i, x->n - x->i, "]]>", 3);
			if (!end) {
				x->bad = "unterminated CDATA";
				break;
			}
			buf_append(&text, x->s + x->i, (size_t)(end - (x->s + x->i)));
			x->i = (size_t)(end - x->s) + 3;
		} else if (at(x, "<?")) {
			skip_past(x, "?>");
		} else if (at(x, "<")) {
			struct mp_elem *c = element(x, e, depth + 1);

			if (!c)
				break;
			*tail = c;
			tail = &c->next;
		} else {
			lt = memchr(x->s + x->i, '<', x->n - x->i);
			n = lt ? (size_t)(lt - (x->s + x->i)) : x->n - x->i;
			decode(&text, x->s + x->i, n);
			x->i += n;
		}
		if (x->bad)
			break;
	}
	e->text = arena_strdup(x->arena, text.data);
	buf_release(&text);
	return x->bad ? NULL : e;
}

/* The root element of the document s (UTF-8), or NULL with *why set. */
static struct mp_elem *xml_parse(struct arena *a, const char *file, const char *s, size_t n,
				 const char **why)
{
	struct xml x = { s, n, 0, 0, 1, file, NULL, a };
	struct mp_elem *root = NULL;

	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		x.i = 3;
	while (!root && !x.bad) {
		skip_space(&x);
		if (x.i >= n)
			x.bad = "no root element";
		else if (at(&x, "<?"))
			skip_past(&x, "?>");
		else if (at(&x, "<!--") || at(&x, "<!"))
			skip_past(&x, at(&x, "<!--") ? "-->" : ">");
		else if (at(&x, "<"))
			root = element(&x, NULL, 0);
		else
			x.bad = "text before the root";
	}
	*why = x.bad;
	return x.bad ? NULL : root;
}

/* ---- helpers ---- */

static struct arena arena;
static struct diag diag;
static struct event ev;

/* Compile an expression element written in XML, wrapped in <Expression>. */
static int compile(const char *inner, struct expr **x)
{
	struct buf b;
	const char *why;
	struct mp_elem *root;
	int rc;

	buf_init(&b);
	buf_printf(&b, "<Expression>%s</Expression>", inner);
	root = xml_parse(&arena, "t.xml", b.data, b.len, &why);
	buf_release(&b);
	if (!root) {
		tap_diag("test XML refused: %s", why);
		*x = NULL;
		return -999;
	}
	diag_release(&diag);
	rc = expr_compile(root, x, &diag);
	return rc;
}

/* Compile inner, which must succeed; NULL (and a failed check) otherwise. */
static struct expr *cx(const char *inner)
{
	struct expr *x;
	int rc = compile(inner, &x);

	if (rc || diag.errors) {
		ok(false, "compiles: %s", inner);
		tap_diag("rc %d, %zu errors, first: %s", rc, diag.errors,
			 diag.n ? diag.v[0].message : "-");
		expr_free(x);
		return NULL;
	}
	return x;
}

/* The first diagnostic of compiling inner, "file:line: message", or "" when it compiled. */
static const char *cerr(const char *inner)
{
	static char out[512];
	struct expr *x;
	struct buf b;
	int rc = compile(inner, &x);

	expr_free(x);
	if (rc == 0) {
		snprintf(out, sizeof(out), "%s", diag.n ? "compiled, with diagnostics" : "");
		return out;
	}
	if (rc != -EINVAL || !diag.n) {
		snprintf(out, sizeof(out), "rc %d with %zu diagnostics", rc, diag.n);
		return out;
	}
	buf_init(&b);
	snprintf(out, sizeof(out), "%s", diag_format(&diag.v[0], &b));
	buf_release(&b);
	return out;
}

/* Make ev from name, value, ... NULL (literals: the event borrows them). */
static const struct event *mk(const char *name, ...)
{
	va_list ap;
	const char *n;

	event_reset(&ev);
	va_start(ap, name);
	for (n = name; n; n = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);

		if (event_set(&ev, n, strlen(n), str_of(v)) < 0)
			tap_diag("event_set(%s) failed", n);
	}
	va_end(ap);
	return &ev;
}

/* XML of a SimpleExpression: field (with type t) op value (with type vt). */
static const char *simple(const char *field, const char *t, const char *op,
			  const char *value, const char *vt)
{
	static char out[1024];

	snprintf(out, sizeof(out),
		 "<SimpleExpression><ValueExpression><XPathQuery%s%s%s>%s</XPathQuery>"
		 "</ValueExpression><Operator>%s</Operator><ValueExpression><Value%s%s%s>%s"
		 "</Value></ValueExpression></SimpleExpression>",
		 t ? " Type=\"" : "", t ? t : "", t ? "\"" : "", field, op,
		 vt ? " Type=\"" : "", vt ? vt : "", vt ? "\"" : "", value);
	return out;
}

static const char *regex(const char *field, const char *op, const char *pattern)
{
	static char out[1024];

	snprintf(out, sizeof(out),
		 "<RegExExpression><ValueExpression><XPathQuery Type=\"String\">%s</XPathQuery>"
		 "</ValueExpression><Operator>%s</Operator><Pattern>%s</Pattern>"
		 "</RegExExpression>", field, op, pattern);
	return out;
}

/* Evaluate inner against the event now in ev; -1 when it does not compile. */
static int run(const char *inner)
{
	struct expr *x = cx(inner);
	int r;

	if (!x)
		return -1;
	r = expr_eval(x, &ev);
	expr_free(x);
	return r;
}

/* s with control characters escaped, for a TAP test name (one line). */
static const char *esc(const char *s)
{
	static char out[4][256];
	static int k;
	size_t n = 0;

	k = (k + 1) % 4;
	for (; *s && n + 5 < sizeof(out[k]); s++) {
		if ((unsigned char)*s < 0x20)
			n += (size_t)snprintf(out[k] + n, sizeof(out[k]) - n, "\\x%02x", *s);
		else
			out[k][n++] = *s;
	}
	out[k][n] = '\0';
	return out[k];
}

/* ---- tests ---- */

static void test_string_equal(void)
{
	const char *x = simple("PublisherName", "String", "Equal", "MSSQLSERVER", "String");

	mk("PublisherName", "MSSQLSERVER", NULL);
	is_int(run(x), 1, "PublisherName Equal MSSQLSERVER");
	mk("PublisherName", "MSSQLSERVER2", NULL);
	is_int(run(x), 0, "longer value differs");
	mk("PublisherName", "mssqlserver", NULL);
	is_int(run(x), 0, "string Equal is case-sensitive");
	mk("LogName", "Application", NULL);
	is_int(run(x), 0, "missing field: Equal is false");
	is_int(run(simple("PublisherName", "String", "NotEqual", "X", "String")), 0,
	       "missing field: NotEqual is false too");
	mk("PublisherName", "Y", NULL);
	is_int(run(simple("PublisherName", "String", "NotEqual", "X", "String")), 1,
	       "NotEqual on a different value");
	mk("PublisherName", "", NULL);
	is_int(run(simple("PublisherName", NULL, "Equal", "", NULL)), 1,
	       "empty value equals empty constant");
	is_int(run(simple("PublisherName", NULL, "NotEqual", "", NULL)), 0,
	       "empty value NotEqual empty is false");

	/* Numbers compare as their text unless a Type says otherwise. */
	mk("EventDisplayNumber", "1004", NULL);
	is_int(run(simple("EventDisplayNumber", NULL, "Equal", "1004", NULL)), 1,
	       "\"1004\" Equal \"1004\" as strings");
	mk("EventDisplayNumber", "01004", NULL);
	is_int(run(simple("EventDisplayNumber", NULL, "Equal", "1004", NULL)), 0,
	       "\"01004\" is not \"1004\" as strings");
	is_int(run(simple("EventDisplayNumber", "UnsignedInteger", "Equal", "1004", NULL)), 1,
	       "but is 1004 as UnsignedInteger (type from the field side)");
	is_int(run(simple("EventDisplayNumber", "String", "Equal", "1004", "Integer")), 1,
	       "type from the value side when the field says String");

	/* Constant on the left: the operator mirrors. */
	mk("EventLevel", "2", NULL);
	is_int(run("<SimpleExpression><ValueExpression><Value Type=\"Integer\">3</Value>"
		   "</ValueExpression><Operator>Greater</Operator><ValueExpression>"
		   "<XPathQuery>EventLevel</XPathQuery></ValueExpression></SimpleExpression>"),
	       1, "3 Greater EventLevel(2)");
	is_int(run("<SimpleExpression><ValueExpression><Value Type=\"Integer\">3</Value>"
		   "</ValueExpression><Operator>LessEqual</Operator><ValueExpression>"
		   "<XPathQuery>EventLevel</XPathQuery></ValueExpression></SimpleExpression>"),
	       0, "3 LessEqual EventLevel(2) is false");
	/* Field against field, and constant against constant. */
	mk("A", "x", "B", "x", NULL);
	is_int(run("<SimpleExpression><ValueExpression><XPathQuery>A</XPathQuery>"
		   "</ValueExpression><Operator>Equal</Operator><ValueExpression>"
		   "<XPathQuery>B</XPathQuery></ValueExpression></SimpleExpression>"),
	       1, "field Equal field");
	is_int(run("<SimpleExpression><ValueExpression><Value>a</Value></ValueExpression>"
		   "<Operator>Less</Operator><ValueExpression><Value>b</Value>"
		   "</ValueExpression></SimpleExpression>"),
	       1, "constant Less constant");
	/* Params and named fields. */
	mk("Params/Param[2]", "wipe", "_SYSTEMD_UNIT", "mdm.service", NULL);
	is_int(run(simple("Params/Param[2]", "String", "Equal", "wipe", "String")), 1,
	       "Params/Param[2] Equal");
	is_int(run(simple("Params/Param[1]", "String", "Equal", "", "String")), 0,
	       "absent Params/Param[1] is not empty");
	is_int(run(simple("_SYSTEMD_UNIT", NULL, "Equal", "mdm.service", NULL)), 1,
	       "journal field Equal");
	/* Entities in a Value decode before comparison. */
	mk("EventDescription", "a<b & c", NULL);
	is_int(run(simple("EventDescription", NULL, "Equal", "a&lt;b &amp; c", NULL)), 1,
	       "entities in Value");
}

struct typed_case {
	const char *type, *field_value, *op, *constant;
	int want;
};

static void test_typed(void)
{
	static const struct typed_case cases[] = {
		{ "Integer", "-5", "Less", "3", 1 },
		{ "Integer", "-5", "Greater", "-6", 1 },
		{ "Integer", "10", "GreaterEqual", "10", 1 },
		{ "Integer", "10", "LessEqual", "9", 0 },
		{ "Integer", " 42 ", "Equal", "42", 1 },
		{ "Integer", "+42", "Equal", "42", 1 },
		{ "Integer", "9223372036854775807", "Greater", "-9223372036854775808", 1 },
		{ "Integer", "9223372036854775808", "Greater", "0", 0 },
		{ "Integer", "abc", "NotEqual", "1", 0 },
		{ "Integer", "1.5", "Equal", "1", 0 },
		{ "UnsignedInteger", "18446744073709551615", "Greater", "9223372036854775807", 1 },
		{ "UnsignedInteger", "-1", "NotEqual", "0", 0 },
		{ "UnsignedInteger", "7", "NotEqual", "8", 1 },
		{ "UnsignedInteger", "10", "Greater", "9", 1 },
		{ "Double", "2.5", "Greater", "2.25", 1 },
		{ "Double", "1e3", "Equal", "1000", 1 },
		{ "Double", "-0.0", "Equal", "0", 1 },
		{ "Double", "nan", "NotEqual", "1", 0 },
		{ "Double", "x", "Less", "1", 0 },
		{ "Boolean", "true", "Equal", "True", 1 },
		{ "Boolean", "FALSE", "Equal", "false", 1 },
		{ "Boolean", "1", "Equal", "true", 1 },
		{ "Boolean", "0", "NotEqual", "true", 1 },
		{ "Boolean", "yes", "NotEqual", "true", 0 },
		{ "Boolean", "false", "Less", "true", 1 },
		{ "DateTime", "2024-03-01T12:00:00Z", "Equal", "2024-03-01T13:00:00+01:00", 1 },
		{ "DateTime", "2024-03-01T12:00:01Z", "Greater", "2024-03-01T12:00:00Z", 1 },
		{ "DateTime", "2024-03-01", "Less", "2024-03-01T00:00:01Z", 1 },
		{ "DateTime", "not a time", "NotEqual", "2024-03-01", 0 },
		{ "String", "B", "Less", "a", 1 },
		{ "String", "ab", "Less", "abc", 1 },
		{ "String", "abc", "Greater", "ab", 1 },
		{ "String", "\xc3\xa9", "Greater", "z", 1 },
		{ "String", "b", "GreaterEqual", "b", 1 },
		{ "String", "a", "LessEqual", "b", 1 },
		{ "String", "1004", "Less", "999", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct typed_case *c = &cases[i];
		char what[256];

		mk("F", c->field_value, NULL);
		snprintf(what, sizeof(what), "%s: '%s' %s '%s'", c->type, c->field_value, c->op,
			 c->constant);
		is_int(run(simple("F", c->type, c->op, c->constant, c->type)), c->want, what);
	}
	/* The fast paths for EventDisplayNumber and TimeGenerated. */
	mk("EventDisplayNumber", "500", "TimeGenerated", "2024-03-01T12:00:00Z", NULL);
	is_int(run(simple("EventDisplayNumber", "UnsignedInteger", "Equal", "500",
			  "UnsignedInteger")), 1, "EventDisplayNumber UnsignedInteger Equal 500");
	is_int(run(simple("EventDisplayNumber", "Integer", "Less", "501", "Integer")), 1,
	       "EventDisplayNumber Integer Less 501");
	is_int(run(simple("TimeGenerated", "DateTime", "GreaterEqual", "2024-03-01T11:59:59Z",
			  NULL)), 1, "TimeGenerated DateTime GreaterEqual");
	mk("EventDisplayNumber", "x", "TimeGenerated", "x", NULL);
	is_int(run(simple("EventDisplayNumber", "UnsignedInteger", "NotEqual", "500", NULL)), 0,
	       "non-number EventDisplayNumber fails NotEqual");
	is_int(run(simple("TimeGenerated", "DateTime", "NotEqual", "2024-03-01", NULL)), 0,
	       "non-time TimeGenerated fails NotEqual");
	mk("EventDisplayNumber", "-3", NULL);
	is_int(run(simple("EventDisplayNumber", "Integer", "Equal", "-3", NULL)), 1,
	       "negative EventDisplayNumber as Integer");
}

static void test_logic(void)
{
	const char *and2 =
		"<And><Expression>"
		"<SimpleExpression><ValueExpression><XPathQuery Type=\"UnsignedInteger\">"
		"EventDisplayNumber</XPathQuery></ValueExpression><Operator>Equal</Operator>"
		"<ValueExpression><Value Type=\"UnsignedInteger\">500</Value></ValueExpression>"
		"</SimpleExpression></Expression><Expression>"
		"<SimpleExpression><ValueExpression><XPathQuery Type=\"String\">PublisherName"
		"</XPathQuery></ValueExpression><Operator>Equal</Operator><ValueExpression>"
		"<Value Type=\"String\">Sample</Value></ValueExpression></SimpleExpression>"
		"</Expression></And>";
	const char *or2 =
		"<Or><Expression><Exists><ValueExpression><XPathQuery>A</XPathQuery>"
		"</ValueExpression></Exists></Expression><Expression><Exists><ValueExpression>"
		"<XPathQuery>B</XPathQuery></ValueExpression></Exists></Expression></Or>";
	const char *not1 =
		"<Not><Expression><Exists><ValueExpression><XPathQuery>A</XPathQuery>"
		"</ValueExpression></Exists></Expression></Not>";

	mk("EventDisplayNumber", "500", "PublisherName", "Sample", NULL);
	is_int(run(and2), 1, "And: both hold");
	mk("EventDisplayNumber", "501", "PublisherName", "Sample", NULL);
	is_int(run(and2), 0, "And: one fails");
	mk("A", "", NULL);
	is_int(run(or2), 1, "Or: first holds (Exists of an empty value)");
	mk("B", "1", NULL);
	is_int(run(or2), 1, "Or: second holds");
	mk("C", "1", NULL);
	is_int(run(or2), 0, "Or: none holds");
	is_int(run(not1), 1, "Not Exists on an absent field");
	mk("A", "x", NULL);
	is_int(run(not1), 0, "Not Exists on a present field");
	is_int(run("<And><Expression>" "<Exists><ValueExpression><XPathQuery>A</XPathQuery>"
		   "</ValueExpression></Exists></Expression></And>"), 1, "And of one");
	is_int(run("<Exists><ValueExpression><XPathQuery>Params/Param[1]</XPathQuery>"
		   "</ValueExpression></Exists>"), 0, "Exists of an absent param");

	/* Depth exactly EXPR_MAX_DEPTH compiles; one more does not. */
	{
		struct buf b;
		int i;

		buf_init(&b);
		for (i = 0; i < EXPR_MAX_DEPTH - 1; i++)
			buf_puts(&b, "<Not><Expression>");
		buf_puts(&b, "<Exists><ValueExpression><XPathQuery>A</XPathQuery>"
			     "</ValueExpression></Exists>");
		for (i = 0; i < EXPR_MAX_DEPTH - 1; i++)
			buf_puts(&b, "</Expression></Not>");
		mk("A", "x", NULL);
		is_int(run(b.data), EXPR_MAX_DEPTH % 2 ? 1 : 0, "64 levels compile and evaluate");
		buf_reset(&b);
		for (i = 0; i < EXPR_MAX_DEPTH; i++)
			buf_puts(&b, "<Not><Expression>");
		buf_puts(&b, "<Exists><ValueExpression><XPathQuery>A</XPathQuery>"
			     "</ValueExpression></Exists>");
		for (i = 0; i < EXPR_MAX_DEPTH; i++)
			buf_puts(&b, "</Expression></Not>");
		is_str(cerr(b.data), "t.xml:1: expression nested deeper than 64 levels",
		       "65 levels refused");
		buf_release(&b);
	}
}

static void test_errors(void)
{
	is_str(cerr(simple("F", "Integer", "Equal", "abc", NULL)),
	       "t.xml:1: value 'abc' is not a valid Integer", "bad Integer value");
	is_str(cerr(simple("F", NULL, "Equal", "-1", "UnsignedInteger")),
	       "t.xml:1: value '-1' is not a valid UnsignedInteger", "bad UnsignedInteger");
	is_str(cerr(simple("F", "Double", "Equal", "$Config/MatchCount$", NULL)),
	       "t.xml:1: value '$Config/MatchCount$' is not a valid Double",
	       "unsubstituted parameter as Double");
	is_str(cerr(simple("F", "Boolean", "Equal", "maybe", NULL)),
	       "t.xml:1: value 'maybe' is not a valid Boolean", "bad Boolean");
	is_str(cerr(simple("F", "DateTime", "Equal", "tomorrow", NULL)),
	       "t.xml:1: value 'tomorrow' is not a valid DateTime", "bad DateTime");
	is_str(cerr(simple("F", "int", "Equal", "1", NULL)),
	       "t.xml:1: unknown type 'int', expected String, Integer, UnsignedInteger, "
	       "Double, Boolean or DateTime", "unknown Type");
	is_str(cerr("<SimpleExpression>\n<ValueExpression><XPathQuery>F</XPathQuery>"
		    "</ValueExpression>\n<Operator>Equals</Operator>\n<ValueExpression>"
		    "<Value>1</Value></ValueExpression></SimpleExpression>"),
	       "t.xml:3: unknown operator 'Equals', expected Equal, NotEqual, Greater, Less, "
	       "GreaterEqual or LessEqual", "unknown operator, at its line");
	is_str(cerr("\n\n<Foo/>"), "t.xml:3: unknown expression element 'Foo'",
	       "unknown element at its line");
	is_str(cerr("<And>\n<Expression><Exists><ValueExpression><XPathQuery>A</XPathQuery>"
		    "</ValueExpression></Exists></Expression>\n<Expression>\n<Bar/>"
		    "</Expression></And>"),
	       "t.xml:4: unknown expression element 'Bar'", "unknown element inside And");
	is_str(cerr("<And></And>"), "t.xml:1: 'And' holds no 'Expression'", "empty And");
	is_str(cerr("<Or><Exists/></Or>"),
	       "t.xml:1: unexpected element 'Exists' in 'Or', expected 'Expression'",
	       "Or without the Expression wrapper");
	is_str(cerr("<And><Expression/></And>"), "t.xml:1: missing expression in 'Expression'",
	       "empty Expression");
	is_str(cerr("<Not/>"), "t.xml:1: 'Not' holds no 'Expression'", "empty Not");
	is_str(cerr("<Not><Expression><Exists><ValueExpression><XPathQuery>A</XPathQuery>"
		    "</ValueExpression></Exists></Expression>\n<Expression/></Not>"),
	       "t.xml:2: 'Not' holds more than one 'Expression'", "Not with two");
	is_str(cerr("<Exists><ValueExpression><Value>x</Value></ValueExpression></Exists>"),
	       "t.xml:1: 'Exists' needs an 'XPathQuery', not a 'Value'", "Exists of a Value");
	is_str(cerr("<Exists/>"), "t.xml:1: missing 'ValueExpression' in 'Exists'",
	       "empty Exists");
	is_str(cerr("<SimpleExpression><ValueExpression><XPathQuery>F</XPathQuery>"
		    "</ValueExpression><Operator>Equal</Operator></SimpleExpression>"),
	       "t.xml:1: missing 'ValueExpression' in 'SimpleExpression'", "missing operand");
	is_str(cerr("<SimpleExpression><ValueExpression/><Operator>Equal</Operator>"
		    "<ValueExpression><Value>1</Value></ValueExpression></SimpleExpression>"),
	       "t.xml:1: missing 'XPathQuery' or 'Value' in 'ValueExpression'",
	       "empty ValueExpression");
	is_str(cerr(simple("Params/Param[0]", NULL, "Equal", "1", NULL)),
	       "t.xml:1: invalid field path 'Params/Param[0]'", "Param[0]");
	is_str(cerr(simple("Params/Param[x]", NULL, "Equal", "1", NULL)),
	       "t.xml:1: invalid field path 'Params/Param[x]'", "Param[x]");
	is_str(cerr(simple(" ", NULL, "Equal", "1", NULL)), "t.xml:1: empty 'XPathQuery'",
	       "empty XPathQuery");
	is_str(cerr(regex("F", "MatchesRegularExpression", "^(x")),
	       "t.xml:1: bad regular expression '^(x': missing closing parenthesis at offset 3",
	       "PCRE2 message and offset");
	is_str(cerr("<RegExExpression><ValueExpression><XPathQuery>F</XPathQuery>"
		    "</ValueExpression>\n<Operator>Matches</Operator><Pattern>x</Pattern>"
		    "</RegExExpression>"),
	       "t.xml:2: unknown operator 'Matches', expected ContainsSubstring, "
	       "DoesNotContainSubstring, MatchesWildcard, DoesNotMatchWildcard, "
	       "MatchesRegularExpression, DoesNotMatchRegularExpression, "
	       "MatchesMOM2005BooleanRegularExpression or "
	       "DoesNotMatchMOM2005BooleanRegularExpression", "unknown regex operator");
	is_str(cerr("<RegExExpression><ValueExpression><XPathQuery>F</XPathQuery>"
		    "</ValueExpression><Operator>ContainsSubstring</Operator></RegExExpression>"),
	       "t.xml:1: missing 'Pattern' in 'RegExExpression'", "missing Pattern");
	is_str(cerr("<RegExExpression><ValueExpression><XPathQuery>F</XPathQuery>"
		    "</ValueExpression><Operator>ContainsSubstring</Operator><Value>x</Value>"
		    "</RegExExpression>"),
	       "t.xml:1: unexpected element 'Value' in 'RegExExpression', expected 'Pattern'",
	       "Value in place of Pattern");

	/* Every error of an And is reported, not only the first. */
	{
		struct expr *x;
		int rc = compile("<And><Expression>\n<Foo/></Expression><Expression>\n"
				 "<Bar/></Expression></And>", &x);

		ok(rc == -EINVAL && x == NULL, "And with two bad branches fails");
		is_int((int64_t)diag.errors, 2, "both reported");
	}
	/* The holder itself must hold exactly one element. */
	{
		struct expr *x = NULL;
		const char *why;
		struct mp_elem *root = xml_parse(&arena, "t.xml", "<E/>", 4, &why);

		diag_release(&diag);
		is_int(expr_compile(root, &x, &diag), -EINVAL, "empty holder refused");
		root = xml_parse(&arena, "t.xml", "<E><Exists/><Exists/></E>", 25, &why);
		diag_release(&diag);
		is_int(expr_compile(root, &x, &diag), -EINVAL, "two expressions refused");
		ok(diag.n && strstr(diag.v[0].message, "unexpected element 'Exists'") != NULL,
		   "second expression named");
	}
	expr_free(NULL);
	ok(!expr_eval(NULL, &ev), "NULL expression passes nothing");
}

static void test_substring_wildcard(void)
{
	mk("EventDescription", "The service entered the stopped state.", NULL);
	is_int(run(regex("EventDescription", "ContainsSubstring", "stopped")), 1, "contains");
	is_int(run(regex("EventDescription", "ContainsSubstring", "Stopped")), 0,
	       "substring is case-sensitive");
	is_int(run(regex("EventDescription", "DoesNotContainSubstring", "running")), 1,
	       "does not contain");
	is_int(run(regex("EventDescription", "DoesNotContainSubstring", "stopped")), 0,
	       "does not contain, but does");
	is_int(run(regex("EventDescription", "ContainsSubstring", "")), 1,
	       "empty substring is contained");
	mk("Other", "x", NULL);
	is_int(run(regex("EventDescription", "ContainsSubstring", "x")), 0,
	       "missing field: Contains is false");
	is_int(run(regex("EventDescription", "DoesNotContainSubstring", "x")), 0,
	       "missing field: DoesNotContain is false too");
	is_int(run(regex("EventDescription", "DoesNotMatchWildcard", "x")), 0,
	       "missing field: DoesNotMatchWildcard is false");
	is_int(run(regex("EventDescription", "DoesNotMatchRegularExpression", "x")), 0,
	       "missing field: DoesNotMatchRegularExpression is false");

	static const struct {
		const char *pattern, *value;
		int want;
	} w[] = {
		{ "Get-OMSSysHeartbeat*", "Get-OMSSysHeartbeat.ps1", 1 },
		{ "Get-OMSSysHeartbeat*", "Get-OMSSysHeartbeat", 1 },
		{ "Get-OMSSysHeartbeat*", "xGet-OMSSysHeartbeat", 0 },
		{ "5.*", "5.00.8325", 1 },
		{ "5.*", "15.0", 0 },
		{ "a?c", "abc", 1 },
		{ "a?c", "ac", 0 },
		{ "a?c", "a\xc3\xa9" "c", 1 },
		{ "caf?", "caf\xc3\xa9", 1 },
		{ "caf??", "caf\xc3\xa9", 0 },
		{ "#", "7", 1 },
		{ "#", "x", 0 },
		{ "KB###*", "KB123456", 1 },
		{ "KB###*", "KB12", 0 },
		{ "*", "", 1 },
		{ "", "", 1 },
		{ "", "x", 0 },
		{ "*stop*", "The service stopped", 1 },
		{ "*a*b", "aaaaab", 1 },
		{ "*a*b", "aaaaabc", 0 },
		{ "a*b*c", "abbbbcbc", 1 },
		{ "*?*", "\xc3\xa9", 1 },
		{ "ABC", "abc", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char what[128];

		mk("V", w[i].value, NULL);
		snprintf(what, sizeof(what), "wildcard '%s' on '%s'", w[i].pattern, w[i].value);
		is_int(run(regex("V", "MatchesWildcard", w[i].pattern)), w[i].want, what);
		is_int(run(regex("V", "DoesNotMatchWildcard", w[i].pattern)), !w[i].want,
		       "  and its negation");
	}

	/* Many stars against a long near-miss: quadratic at worst, never exponential. */
	{
		static char value[20001];
		struct expr *x;
		clock_t t0;

		memset(value, 'a', sizeof(value) - 1);
		mk("V", value, NULL);
		x = cx(regex("V", "MatchesWildcard", "*a*a*a*a*a*a*a*a*a*a*a*a*b"));
		t0 = clock();
		ok(x && !expr_eval(x, &ev), "pathological wildcard does not match");
		ok(clock() - t0 < CLOCKS_PER_SEC, "and returns quickly");
		expr_free(x);
	}
}

static void test_regex(void)
{
	static const struct {
		const char *pattern, *value;
		int want;
	} r[] = {
		{ "SharedAccess_NAT|ipnathlp", "ipnathlp", 1 },
		{ "SharedAccess_NAT|ipnathlp", "xSharedAccess_NATx", 1 },
		{ "SharedAccess_NAT|ipnathlp", "RemoteAccess", 0 },
		{ "SharedAccess_NAT", "xxSharedAccess_NATyy", 1 },
		{ "SharedAccess_NAT", "SharedAccess_NA", 0 },
		{ "^abc", "abcdef", 1 },
		{ "^abc", "zabc", 0 },
		{ "ab*c", "ac", 1 },
		{ "ab?c", "ac", 1 },
		{ "ab{0}c", "ac", 1 },
		{ "ab+c", "abbc", 1 },
		{ "ab+c", "ac", 0 },
		{ "abc|xyz", "xyz", 1 },
		{ "x(?i)ABC", "xabc", 1 },
		{ "(?i)abc", "ABC", 1 },
		{ "abc", "ABC", 0 },
		{ "a\\.b", "a.b", 1 },
		{ "a\\.b", "axb", 0 },
		{ "a[|]b|zz", "zz", 1 },
		{ "\\Qa|b\\E", "a|b", 1 },
		{ "\\Qa|b\\E", "b", 0 },
		{ "(ab|cd)ef", "cdef", 1 },
		{ "ab(c|d)", "abd", 1 },
		{ "ab(c|d)", "acd", 0 },
		{ "^(4625|4740)$", "4740", 1 },
		{ "^(4625|4740)$", "47400", 0 },
		{ "^(4625|4740)$", "4740\n", 1 },
		{ "^(svc.*.ngid|firedesk)$", "svc.x.ngid", 1 },
		{ "^(svc.*.ngid|firedesk)$", "firedesks", 0 },
		{ "caf.", "caf\xc3\xa9", 1 },
		{ "caf.$", "caf\xc3\xa9", 0 },	/* bytes, not characters: no UTF mode */
		{ "\\xff", "a\xff", 1 },	/* invalid UTF-8 subjects are searched */
		{ "", "anything", 1 },
		{ "^$", "", 1 },
		{ "stopped", "", 0 },
		/* the prefilters: an anchored prefix, and a longer literal further in */
		{ "^sshd(-session)?$", "sshd-session", 1 },
		{ "^sshd(-session)?$", "xsshd", 0 },
		{ "^job \\d+ failed: volume vol0013 ", "job 12 failed: volume vol0013 gone", 1 },
		{ "^job \\d+ failed: volume vol0013 ", "job 12 started: volume vol0013 ", 0 },
		{ "^job \\d+ failed: volume vol0013 ", "xjob 1 failed: volume vol0013 ", 0 },
		{ "a\\.b+c\\.dd", "a.bbbc.dd", 1 },
		{ "a\\.b+c\\.dd", "a.bc.d", 0 },
		{ "(foo)?bar baz", "bar baz", 1 },
		{ "x+yz+ w", "xxyzzz w", 1 },
		{ "ab\\d{2}cdef", "ab12cdef", 1 },
		{ "[ab]cdef?g", "acdeg", 1 },
		{ "[ab]cdef?g", "acdfg", 0 },
		{ "(?i)abcdef", "xABCDEF", 1 },
		{ "q(?:abc)+def", "qabcabcdef", 1 },
		{ "\\b(fail|failed)\\b error code \\d+", "it failed error code 7", 1 },
		{ "\\b(fail|failed)\\b error code \\d+", "it failed error cod 7", 0 },
		{ "\\Qa.b\\E.c+", "a.bxc", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		char what[160];

		mk("V", r[i].value, NULL);
		snprintf(what, sizeof(what), "regex '%s' on '%s'", r[i].pattern, esc(r[i].value));
		is_int(run(regex("V", "MatchesRegularExpression", r[i].pattern)), r[i].want, what);
		is_int(run(regex("V", "DoesNotMatchRegularExpression", r[i].pattern)),
		       !r[i].want, "  DoesNotMatch");
		is_int(run(regex("V", "MatchesMOM2005BooleanRegularExpression", r[i].pattern)),
		       r[i].want, "  MOM2005 reads it the same");
		is_int(run(regex("V", "DoesNotMatchMOM2005BooleanRegularExpression",
				 r[i].pattern)), !r[i].want, "  MOM2005 negation");
	}

	/* Catastrophic backtracking hits the limit, counts, and is false. */
	{
		static char value[64];
		uint64_t before = expr_match_limit_hits();
		struct expr *x, *nx;
		clock_t t0;

		memset(value, 'a', 40);
		value[40] = 'b';
		mk("V", value, NULL);
		x = cx(regex("V", "MatchesRegularExpression", "^(a+)+$"));
		nx = cx(regex("V", "DoesNotMatchRegularExpression", "^(a+)+$"));
		t0 = clock();
		ok(x && !expr_eval(x, &ev), "ReDoS pattern: no match");
		/* The match is what is false, so its negation holds. */
		ok(nx && expr_eval(nx, &ev), "ReDoS pattern under DoesNotMatch: true");
		ok(clock() - t0 < 5 * CLOCKS_PER_SEC, "and no hang");
		is_int((int64_t)(expr_match_limit_hits() - before), 2, "two limit hits counted");
		expr_free(x);
		expr_free(nx);
	}
	/* A constant subject works too. */
	mk("V", "x", NULL);
	is_int(run("<RegExExpression><ValueExpression><Value>abc</Value></ValueExpression>"
		   "<Operator>MatchesRegularExpression</Operator><Pattern>b</Pattern>"
		   "</RegExExpression>"), 1, "regex on a constant");
}

/*
 * A regex is interpreted for its first REGEX_JIT_AFTER runs and JIT-compiled
 * then: the answers, the captures and the limit must not change across that.
 */
static void test_regex_jit_switch(void)
{
	static const char line[] = "job 4711 failed: volume vol0013 unavailable";
	static const char other[] = "job 4711 completed: volume vol0013 available";
	static char redos[64];
	char err[REGEX_ERR_LEN];
	struct regex *re = NULL, *bad = NULL;
	struct str g[3];
	unsigned i, wrong = 0, hits_wrong = 0;
	uint64_t before;

	if (regex_compile("^job (\\d+) (failed): volume", strlen("^job (\\d+) (failed): volume"),
			  &re, err) < 0) {
		ok(0, "jit switch: compiles (%s)", err);
		return;
	}
	for (i = 0; i < 3 * REGEX_JIT_AFTER; i++) {
		bool m = regex_match(re, str_of(i % 2 ? other : line), g, 3);

		if (i % 2 ? m : !m || g[1].len != 4 || memcmp(g[1].p, "4711", 4) != 0 ||
				    g[2].p != line + 9 || g[2].len != 6)
			wrong++;
	}
	is_int(wrong, 0, "jit switch: the same matches and captures before and after");
	regex_free(re);

	memset(redos, 'a', 30);
	redos[30] = 'b';
	if (regex_compile("^(a+)+$", 7, &bad, err) < 0) {
		ok(0, "jit switch: ReDoS pattern compiles (%s)", err);
		return;
	}
	/* the backtracking subject only before and after the switch: each hit is slow */
	for (i = 0; i < REGEX_JIT_AFTER + 2; i++) {
		bool slow = i == 0 || i >= REGEX_JIT_AFTER;

		before = regex_limit_hits();
		if (regex_search(bad, str_of(slow ? redos : "aab")) ||
		    regex_limit_hits() - before != slow)
			hits_wrong++;
	}
	is_int(hits_wrong, 0, "jit switch: a backtracking pattern hits the limit before and after");
	regex_free(bad);
}

/* ---- nested quantifiers, near-miss field names ---- */

static void test_nested_quantifier(void)
{
	static const struct {
		const char *pattern;
		long at;	/* the outer group's offset, -1: none */
	} cases[] = {
		{ "(a+)+", 0 }, { "^(a*)*$", 1 }, { "x(?:\\d+\\s?)+y", 1 }, { "(a{2,})*", 0 },
		{ "((ab+))+", 0 }, { "(a+?)+", 0 }, { "(?<n>\\w+)+", 0 }, { "(a|b+)*c", 0 },
		{ "(a+)?", -1 }, { "(a+){3}", -1 }, { "(a{2,5})+", -1 }, { "(a++)+", -1 },
		{ "(?>a+)+", -1 }, { "(a|b)+", -1 }, { "[(a+)]+", -1 }, { "\\(a+\\)+", -1 },
		{ "\\Q(a+)+\\E", -1 }, { "(?#(a+)+)x", -1 }, { "^job (\\d+) failed$", -1 },
		{ "a{,2}+", -1 }, { "(a\\p{L}+)+", 0 }, { "", -1 }, { "((", -1 },
	};
	size_t i, at;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = regex_nested_quantifier(cases[i].pattern, strlen(cases[i].pattern), &at);

		ok(got == (cases[i].at >= 0) && (!got || (long)at == cases[i].at),
		   "nested quantifier: '%s' %s (got %s at %ld)", cases[i].pattern,
		   cases[i].at >= 0 ? "repeats a repeat" : "does not",
		   got ? "yes" : "no", got ? (long)at : -1L);
	}
}

/* The warnings expr_lint gives for inner, "line: message" joined by " | ". */
static const char *lint(const char *inner)
{
	static char out[1024];
	const char *why;
	struct mp_elem *root;
	size_t i, len = 0;
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "<Expression>%s</Expression>", inner);
	root = xml_parse(&arena, "t.xml", b.data, b.len, &why);
	buf_release(&b);
	diag_release(&diag);
	if (!root)
		return "test XML refused";
	expr_lint(root, "monitor", "M", &diag);
	out[0] = '\0';
	for (i = 0; i < diag.n && len < sizeof(out); i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s%s", i ? " | " : "",
					diag.v[i].severity == DIAG_WARNING ? "" : "not a warning: ",
					diag.v[i].message);
	return out;
}

#define FIELD_EQ(f) \
	"<SimpleExpression><ValueExpression><XPathQuery>" f "</XPathQuery></ValueExpression>" \
	"<Operator>Equal</Operator><ValueExpression><Value>x</Value></ValueExpression>" \
	"</SimpleExpression>"
#define REGEX(op, p) \
	"<RegExExpression><ValueExpression><XPathQuery>EventDescription</XPathQuery>" \
	"</ValueExpression><Operator>" op "</Operator><Pattern>" p "</Pattern></RegExExpression>"

static void test_lint(void)
{
	is_str(lint(FIELD_EQ("EventDescripton")), "monitor 'M': no input format gives a field "
	       "'EventDescripton'; did you mean 'EventDescription'?", "lint: a misspelt field");
	is_str(lint("<And><Expression>" FIELD_EQ("_SYSTEMD_UNTI") "</Expression><Expression>"
		    FIELD_EQ(" PublisherNmae ") "</Expression></And>"),
	       "monitor 'M': no input format gives a field '_SYSTEMD_UNTI'; did you mean "
	       "'_SYSTEMD_UNIT'? | monitor 'M': no input format gives a field 'PublisherNmae'; "
	       "did you mean 'PublisherName'?", "lint: journal and SCOM names, inside And");
	is_str(lint(FIELD_EQ("SyslogSeverty")), "monitor 'M': no input format gives a field "
	       "'SyslogSeverty'; did you mean 'SyslogSeverity'?", "lint: a syslog format field");
	is_str(lint("<Or><Expression>" FIELD_EQ("EventDescription") "</Expression><Expression>"
		    FIELD_EQ("Params/Param[2]") "</Expression></Or>"), "",
	       "lint: known fields and parameters are quiet");
	is_str(lint("<And><Expression>" FIELD_EQ("device") "</Expression><Expression>"
		    FIELD_EQ("EventData/Data") "</Expression></And>"), "",
	       "lint: a name near none is a json, kv or regex field: quiet");
	is_str(lint(REGEX("MatchesRegularExpression", "^(\\w+\\s?)+$")),
	       "monitor 'M': regular expression '^(\\w+\\s?)+$' repeats a group that repeats "
	       "(at offset 1): a line that nearly matches makes it backtrack exponentially, up "
	       "to the match limit", "lint: a nested quantifier");
	ok(strstr(lint(REGEX("DoesNotMatchMOM2005BooleanRegularExpression", "(a*)*")),
		  "repeats a group") != NULL, "lint: every regular-expression operator");
	is_str(lint(REGEX("ContainsSubstring", "(a+)+")), "",
	       "lint: a substring is no regular expression");
	is_str(lint(REGEX("MatchesRegularExpression", "^(\\d+)$")), "",
	       "lint: a plain group is quiet");
}

/*
 * A regex that stops at a limit tells which one: expr_eval_limit names its
 * pattern whatever the whole expression answers, and leaves it unset for
 * expressions that ran to their end. The limits are the caller's to set.
 */
static void test_regex_limit_status(void)
{
	static char value[64], abab[201];
	char or_xml[2200], err[REGEX_ERR_LEN];
	struct str lim = { NULL, 0 };
	struct regex *re = NULL;
	struct expr *x, *o;
	int i;

	memset(value, 'a', 40);
	value[40] = 'b';
	mk("V", value, "W", "aaa", NULL);
	x = cx(regex("V", "MatchesRegularExpression", "^(a+)+$"));
	snprintf(or_xml, sizeof(or_xml), "<Or><Expression>%s</Expression><Expression>",
		 regex("V", "MatchesRegularExpression", "^(a+)+$"));
	snprintf(or_xml + strlen(or_xml), sizeof(or_xml) - strlen(or_xml), "%s</Expression></Or>",
		 regex("W", "ContainsSubstring", "aa"));
	o = cx(or_xml);
	if (!x || !o)
		goto out;
	ok(!expr_eval_limit(x, &ev, &lim) && lim.p && str_eq_cstr(lim, "^(a+)+$"),
	   "limit: no match, and the pattern that stopped is named ('%.*s')", (int)lim.len,
	   lim.p ? lim.p : "");
	lim = (struct str){ NULL, 0 };
	ok(expr_eval_limit(o, &ev, &lim) && lim.p && str_eq_cstr(lim, "^(a+)+$"),
	   "limit: an Or that passes on its other side still names it");
	mk("V", "aaaa", "W", "aaa", NULL);
	lim = (struct str){ NULL, 0 };
	ok(expr_eval_limit(x, &ev, &lim) && !lim.p, "limit: a match that ran to its end names none");

	/* the limits apply to what is compiled after they are set */
	for (i = 0; i < 200; i++)
		abab[i] = i % 2 ? 'b' : 'a';
	regex_set_limits(20, 0);
	if (regex_compile("^(a|b)*$", 8, &re, err) < 0)
		goto out;
	ok(!regex_search(re, str_of(abab)) && regex_limited(re),
	   "limit: match_limit 20 stops a 200-byte alternation");
	regex_free(re);
	re = NULL;
	regex_set_limits(0, 0);
	if (regex_compile("^(a|b)*$", 8, &re, err) < 0)
		goto out;
	ok(regex_search(re, str_of(abab)) && !regex_limited(re),
	   "limit: the default (%u) lets it match", REGEX_DEFAULT_MATCH_LIMIT);
out:
	regex_set_limits(0, 0);
	regex_free(re);
	expr_free(x);
	expr_free(o);
}

/* ---- dispatch numbers ---- */

/* expr_numbers of inner as "1,2,3", or "-" when unconstrained. */
static const char *numbers(const char *inner, size_t max)
{
	static char out[512];
	uint64_t v[64];
	size_t n = 99, i, len = 0;
	struct expr *x = cx(inner);

	if (!x)
		return "no compile";
	if (!expr_numbers(x, v, max, &n)) {
		expr_free(x);
		return "-";
	}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%llu", i ? "," : "",
					(unsigned long long)v[i]);
	expr_free(x);
	return out;
}

/* <op><Expression>a</Expression><Expression>b</Expression></op>, valid until the next call. */
static struct buf wrapped;

static const char *wrap(const char *op, const char *a, const char *b)
{
	buf_reset(&wrapped);
	buf_printf(&wrapped, "<%s><Expression>%s</Expression><Expression>%s</Expression></%s>",
		   op, a, b, op);
	return wrapped.data;
}

static void test_numbers(void)
{
	char a[1024], b[1024], *c;
	const char *pub = "<SimpleExpression><ValueExpression><XPathQuery>PublisherName"
			  "</XPathQuery></ValueExpression><Operator>Equal</Operator>"
			  "<ValueExpression><Value>X</Value></ValueExpression></SimpleExpression>";

	is_str(numbers(simple("EventDisplayNumber", "UnsignedInteger", "Equal", "1004",
			      "UnsignedInteger"), 64), "1004", "UnsignedInteger Equal");
	is_str(numbers(simple("EventDisplayNumber", NULL, "Equal", "1004", NULL), 64), "1004",
	       "String Equal");
	is_str(numbers(simple("EventDisplayNumber", NULL, "Equal", "01004", NULL), 64), "1004",
	       "String Equal with a leading zero: the number the event will carry");
	is_str(numbers(simple("EventDisplayNumber", "Integer", "Equal", "7", NULL), 64), "7",
	       "Integer Equal");
	is_str(numbers(simple("EventDisplayNumber", "Integer", "Equal", "0", NULL), 64), "-",
	       "Integer Equal 0 (\"-0\" passes and has no number)");
	is_str(numbers(simple("EventDisplayNumber", "Integer", "Equal", "-4", NULL), 64), "-",
	       "Integer Equal negative");
	is_str(numbers(simple("EventDisplayNumber", "Double", "Equal", "5", NULL), 64), "-",
	       "Double Equal (\"5.0\" passes)");
	is_str(numbers(simple("EventDisplayNumber", "Boolean", "Equal", "1", NULL), 64), "-",
	       "Boolean Equal");
	is_str(numbers(simple("EventDisplayNumber", NULL, "Equal", "abc", NULL), 64), "-",
	       "String Equal a non-number");
	is_str(numbers(simple("EventDisplayNumber", NULL, "NotEqual", "5", NULL), 64), "-",
	       "NotEqual");
	is_str(numbers(simple("EventDisplayNumber", "UnsignedInteger", "Greater", "5", NULL), 64),
	       "-", "Greater");
	is_str(numbers(simple("EventLevel", "UnsignedInteger", "Equal", "5", NULL), 64), "-",
	       "another field");
	is_str(numbers("<SimpleExpression><ValueExpression><Value Type=\"UnsignedInteger\">9"
		       "</Value></ValueExpression><Operator>Equal</Operator><ValueExpression>"
		       "<XPathQuery>EventDisplayNumber</XPathQuery></ValueExpression>"
		       "</SimpleExpression>", 64), "9", "constant on the left");
	is_str(numbers(simple("EventDisplayNumber", NULL, "Equal", "1", NULL), 0), "-",
	       "max 0");

	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^1004$"), 64),
	       "1004", "^N$");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression",
			     "^(20165|20166|20167|20169)$"), 64), "20165,20166,20167,20169",
	       "^(N|N|N|N)$ from the VPN server pack");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^(?:3|1|2|1)$"),
		       64), "1,2,3", "^(?:N|...)$, sorted and unique");
	is_str(numbers(regex("EventDisplayNumber", "MatchesMOM2005BooleanRegularExpression",
			     "^(4625|4740)$"), 64), "4625,4740", "MOM2005 form from ADInsights");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^(1|2|3)$"), 2),
	       "-", "more than max");
	is_str(numbers(regex("EventDisplayNumber", "DoesNotMatchRegularExpression", "^1$"), 64),
	       "-", "DoesNotMatch");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^1|2$"), 64),
	       "-", "^1|2$ is (^1)|(2$)");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "1004"), 64),
	       "-", "unanchored");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^1004"), 64),
	       "-", "anchored at the start only");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^(1|x)$"), 64),
	       "-", "a non-number branch");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^(1)(2)$"), 64),
	       "-", "two groups");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^(?i:1)$"), 64),
	       "-", "other group kinds");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^()$"), 64),
	       "-", "empty group");
	is_str(numbers(regex("EventDisplayNumber", "MatchesRegularExpression", "^1[0-9]$"), 64),
	       "-", "a class");
	is_str(numbers(regex("EventDisplayNumber", "ContainsSubstring", "1004"), 64), "-",
	       "substring");
	is_str(numbers(regex("EventDisplayNumber", "MatchesWildcard", "1004"), 64), "-",
	       "wildcard");

	snprintf(a, sizeof(a), "%s", simple("EventDisplayNumber", NULL, "Equal", "1004", NULL));
	snprintf(b, sizeof(b), "%s", simple("EventDisplayNumber", NULL, "Equal", "1003", NULL));
	is_str(numbers(wrap("Or", a, b), 64), "1003,1004", "Or of two Equals");
	is_str(numbers(wrap("Or", a, a), 64), "1004", "Or dedupes");
	is_str(numbers(wrap("Or", a, b), 1), "-", "Or over max");
	is_str(numbers(wrap("Or", a, pub), 64), "-", "Or with an unconstrained branch");
	is_str(numbers(wrap("And", pub, a), 64), "1004", "And with one constrained child");
	is_str(numbers(wrap("And", pub, pub), 64), "-", "And with none");
	c = strdup(wrap("Or", a, b));
	is_str(numbers(wrap("And", c, a), 64), "1004", "And takes the smallest child");
	is_str(numbers(wrap("And", a, c), 64), "1004", "whichever its position");
	is_str(numbers(wrap("And", c, a), 1), "1004", "And skips a child over max");
	free(c);
	buf_reset(&wrapped);
	buf_printf(&wrapped, "<Not><Expression>%s</Expression></Not>", a);
	c = strdup(wrapped.data);
	is_str(numbers(c, 64), "-", "Not");
	free(c);
	is_str(numbers("<Exists><ValueExpression><XPathQuery>EventDisplayNumber</XPathQuery>"
		       "</ValueExpression></Exists>", 64), "-", "Exists");
}

/*
 * Soundness: for expressions that claim numbers, every event that passes must
 * carry one of them, over a spread of event texts.
 */
static void test_numbers_sound(void)
{
	static const char *const texts[] = {
		"1004", "01004", " 1004", "1004 ", "+1004", "1004\n", "-0", "0", "1003", "1005",
		"4625", "4740", "20166", "abc", "", "1004.0", "true", "18446744073709551615",
		"-1004", "1e3", "7", "07",
	};
	static const char *const exprs[] = {
		"<SimpleExpression><ValueExpression><XPathQuery>EventDisplayNumber</XPathQuery>"
		"</ValueExpression><Operator>Equal</Operator><ValueExpression><Value>1004</Value>"
		"</ValueExpression></SimpleExpression>",
		"<SimpleExpression><ValueExpression><XPathQuery Type=\"UnsignedInteger\">"
		"EventDisplayNumber</XPathQuery></ValueExpression><Operator>Equal</Operator>"
		"<ValueExpression><Value>1004</Value></ValueExpression></SimpleExpression>",
		"<SimpleExpression><ValueExpression><XPathQuery Type=\"Integer\">"
		"EventDisplayNumber</XPathQuery></ValueExpression><Operator>Equal</Operator>"
		"<ValueExpression><Value>7</Value></ValueExpression></SimpleExpression>",
		"<SimpleExpression><ValueExpression><XPathQuery Type=\"Integer\">"
		"EventDisplayNumber</XPathQuery></ValueExpression><Operator>Equal</Operator>"
		"<ValueExpression><Value>0</Value></ValueExpression></SimpleExpression>",
		"<SimpleExpression><ValueExpression><XPathQuery Type=\"Double\">"
		"EventDisplayNumber</XPathQuery></ValueExpression><Operator>Equal</Operator>"
		"<ValueExpression><Value>1004</Value></ValueExpression></SimpleExpression>",
		"<RegExExpression><ValueExpression><XPathQuery>EventDisplayNumber</XPathQuery>"
		"</ValueExpression><Operator>MatchesRegularExpression</Operator>"
		"<Pattern>^(4625|4740|1004)$</Pattern></RegExExpression>",
		"<RegExExpression><ValueExpression><XPathQuery>EventDisplayNumber</XPathQuery>"
		"</ValueExpression><Operator>MatchesRegularExpression</Operator>"
		"<Pattern>^(?:07|20166)$</Pattern></RegExExpression>",
	};
	size_t i, j, k, claimed = 0;
	bool sound = true;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct expr *x = cx(exprs[i]);
		uint64_t v[64];
		size_t n;

		if (!x)
			continue;
		if (expr_numbers(x, v, 64, &n)) {
			claimed++;
			for (j = 0; j < sizeof(texts) / sizeof(texts[0]); j++) {
				bool in = false;

				mk("EventDisplayNumber", texts[j], NULL);
				if (!expr_eval(x, &ev))
					continue;
				for (k = 0; k < n; k++)
					in = in || (ev.has_number && ev.number == v[k]);
				if (!in) {
					sound = false;
					tap_diag("expression %zu passes '%s' outside its numbers", i,
						 texts[j]);
				}
			}
		}
		expr_free(x);
	}
	ok(sound, "every passing event carries a claimed number (%zu claims)", claimed);
}

/* ---- trees from the SCOM corpus ---- */

static void test_corpus_trees(void)
{
	/* AP.Remote.Access__Monitors.VPNServer.xml, lines 109-130 */
	const char *vpn =
		"<And>\n"
		"  <Expression>\n"
		"    <RegExExpression>\n"
		"      <ValueExpression>\n"
		"        <XPathQuery Type=\"UnsignedInteger\">EventDisplayNumber</XPathQuery>\n"
		"      </ValueExpression>\n"
		"      <Operator>MatchesRegularExpression</Operator>\n"
		"      <Pattern>^(30003|31004|32002|34002)$</Pattern>\n"
		"    </RegExExpression>\n"
		"  </Expression>\n"
		"  <Expression>\n"
		"    <RegExExpression>\n"
		"      <ValueExpression>\n"
		"        <XPathQuery Type=\"String\">PublisherName</XPathQuery>\n"
		"      </ValueExpression>\n"
		"      <Operator>MatchesRegularExpression</Operator>\n"
		"      <Pattern>SharedAccess_NAT|ipnathlp</Pattern>\n"
		"    </RegExExpression>\n"
		"  </Expression>\n"
		"</And>\n";
	/* OMS-ManagementPack__QND.OMS.Workspace.xml, around line 230 */
	const char *oms =
		"<And>\n"
		"  <Expression>\n"
		"    <SimpleExpression>\n"
		"      <ValueExpression><XPathQuery Type=\"UnsignedInteger\">EventDisplayNumber"
		"</XPathQuery></ValueExpression>\n"
		"      <Operator>Equal</Operator>\n"
		"      <ValueExpression><Value Type=\"UnsignedInteger\">1212</Value>"
		"</ValueExpression>\n"
		"    </SimpleExpression>\n"
		"  </Expression>\n"
		"  <Expression>\n"
		"    <RegExExpression>\n"
		"      <ValueExpression><XPathQuery Type=\"String\">Params/Param[1]</XPathQuery>"
		"</ValueExpression>\n"
		"      <Operator>MatchesWildcard</Operator>\n"
		"      <Pattern>Get-OMSSysHeartbeat*</Pattern>\n"
		"    </RegExExpression>\n"
		"  </Expression>\n"
		"  <Expression>\n"
		"    <SimpleExpression>\n"
		"      <ValueExpression><XPathQuery Type=\"String\">Params/Param[2]</XPathQuery>"
		"</ValueExpression>\n"
		"      <Operator>Equal</Operator>\n"
		"      <ValueExpression><Value Type=\"String\">Failure</Value></ValueExpression>\n"
		"    </SimpleExpression>\n"
		"  </Expression>\n"
		"</And>\n";
	/* ADInsights: MOM2005 regex on the number and the account name */
	const char *ad =
		"<And><Expression><RegExExpression><ValueExpression>"
		"<XPathQuery Type=\"UnsignedInteger\">EventDisplayNumber</XPathQuery>"
		"</ValueExpression><Operator>MatchesMOM2005BooleanRegularExpression</Operator>"
		"<Pattern>^(4625|4740)$</Pattern></RegExExpression></Expression>"
		"<Expression><RegExExpression><ValueExpression>"
		"<XPathQuery Type=\"String\">EventDescription</XPathQuery></ValueExpression>"
		"<Operator>MatchesMOM2005BooleanRegularExpression</Operator>"
		"<Pattern>^(svc.ng0.scom|svc.cmnaa[1-4].ngng|svc.nge[ew].sccmsqlng)$</Pattern>"
		"</RegExExpression></Expression></And>";

	mk("EventDisplayNumber", "31004", "PublisherName", "SharedAccess_NAT", NULL);
	is_int(run(vpn), 1, "VPN server: 31004 from SharedAccess_NAT");
	mk("EventDisplayNumber", "32002", "PublisherName", "ipnathlp", NULL);
	is_int(run(vpn), 1, "VPN server: 32002 from ipnathlp");
	mk("EventDisplayNumber", "32003", "PublisherName", "ipnathlp", NULL);
	is_int(run(vpn), 0, "VPN server: other number");
	mk("EventDisplayNumber", "30003", "PublisherName", "RemoteAccess", NULL);
	is_int(run(vpn), 0, "VPN server: other publisher");
	mk("EventDisplayNumber", "30003", NULL);
	is_int(run(vpn), 0, "VPN server: no publisher");
	is_str(numbers(vpn, 64), "30003,31004,32002,34002", "VPN server: dispatch numbers");

	mk("EventDisplayNumber", "1212", "Params/Param[1]", "Get-OMSSysHeartbeat.ps1",
	   "Params/Param[2]", "Failure", NULL);
	is_int(run(oms), 1, "OMS workspace: heartbeat failure");
	mk("EventDisplayNumber", "1212", "Params/Param[1]", "Get-OMSSysHeartbeat.ps1",
	   "Params/Param[2]", "Success", NULL);
	is_int(run(oms), 0, "OMS workspace: success is not failure");
	mk("EventDisplayNumber", "1212", "Params/Param[2]", "Failure", NULL);
	is_int(run(oms), 0, "OMS workspace: Param[1] missing");
	is_str(numbers(oms, 64), "1212", "OMS workspace: dispatch number");

	mk("EventDisplayNumber", "4740", "EventDescription", "svc.cmnaa3.ngng", NULL);
	is_int(run(ad), 1, "ADInsights: lockout of a service account");
	mk("EventDisplayNumber", "4740", "EventDescription", "svc.cmnaa5.ngng", NULL);
	is_int(run(ad), 0, "ADInsights: other account");
	mk("EventDisplayNumber", "4624", "EventDescription", "svc.ng0.scom", NULL);
	is_int(run(ad), 0, "ADInsights: other event");

	/* The line of an error inside a multi-line tree is the element's own. */
	is_str(cerr("<And>\n<Expression>\n<RegExExpression>\n<ValueExpression>\n"
		    "<XPathQuery>PublisherName</XPathQuery>\n</ValueExpression>\n"
		    "<Operator>MatchesRegularExpression</Operator>\n<Pattern>(RemoteAccess</Pattern>\n"
		    "</RegExExpression>\n</Expression>\n</And>"),
	       "t.xml:8: bad regular expression '(RemoteAccess': missing closing parenthesis "
	       "at offset 13", "bad pattern at the Pattern line");
}

/* UTF-16LE with BOM to UTF-8, as some corpus packs are stored. */
static char *utf16_to_utf8(const unsigned char *s, size_t n, size_t *out_len)
{
	char *out = malloc(n * 2 + 1), *w = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 2; i + 1 < n; i += 2) {
		unsigned cp = s[i] | (unsigned)s[i + 1] << 8;

		if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < n) {
			unsigned lo = s[i + 2] | (unsigned)s[i + 3] << 8;

			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (cp < 0x80) {
			*w++ = (char)cp;
		} else if (cp < 0x800) {
			*w++ = (char)(0xc0 | cp >> 6);
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*w++ = (char)(0xe0 | cp >> 12);
			*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*w++ = (char)(0xf0 | cp >> 18);
			*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
			*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*out_len = (size_t)(w - out);
	return out;
}

static bool is_expression_element(const struct mp_elem *e)
{
	static const char *const names[] = { "And", "Or", "Not", "SimpleExpression",
					     "RegExExpression", "Exists" };
	size_t i;

	for (i = 0; e && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(e->name, names[i]) == 0)
			return true;
	return false;
}

struct corpus_count {
	size_t monitors, exprs, failed, templates, passed_empty, claims;
};

/* Compile every expression in each UnitMonitor's Configuration under e. */
static void corpus_walk(const struct mp_elem *e, struct corpus_count *cc)
{
	const struct mp_elem *c, *cfg;

	if (strcmp(e->name, "UnitMonitor") == 0 &&
	    (cfg = mp_elem_child(e, "Configuration")) != NULL) {
		cc->monitors++;
		for (c = cfg->child; c; c = c->next) {
			struct expr *x = NULL;
			uint64_t v[64];
			size_t n;

			if (!is_expression_element(c->child))
				continue;
			cc->exprs++;
			diag_release(&diag);
			if (expr_compile(c, &x, &diag) < 0) {
				/* VSAE fragment templates hold ##Token## until instantiated. */
				if (diag.n == 1 && strstr(diag.v[0].message, "'##")) {
					cc->templates++;
					continue;
				}
				cc->failed++;
				tap_diag("%s:%ld: %s", diag.n ? diag.v[0].file : c->file,
					 diag.n ? diag.v[0].line : c->line,
					 diag.n ? diag.v[0].message : "no diagnostic");
				continue;
			}
			event_reset(&ev);
			cc->passed_empty += expr_eval(x, &ev);
			cc->claims += expr_numbers(x, v, 64, &n);
			expr_free(x);
		}
		return;
	}
	for (c = e->child; c; c = c->next)
		corpus_walk(c, cc);
}

static void test_corpus(void)
{
	const char *dir = tap_corpus("every unit monitor expression of the corpus compiles");
	struct corpus_count cc = { 0 };
	struct dirent *de;
	size_t files = 0, refused = 0;
	DIR *d = dir ? opendir(dir) : NULL;

	if (!dir)
		return;
	ok(d != NULL, "corpus: open %s", dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096], *data, *text;
		struct arena a;
		const char *why;
		struct mp_elem *root;
		size_t n, len;
		FILE *f;

		n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".xml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		len = (size_t)ftell(f);
		rewind(f);
		data = malloc(len + 1);
		if (!data || fread(data, 1, len, f) != len) {
			free(data);
			fclose(f);
			continue;
		}
		fclose(f);
		text = data;
		if (len >= 2 && (unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xfe) {
			text = utf16_to_utf8((unsigned char *)data, len, &len);
			free(data);
			data = text;
			if (!text)
				continue;
		}
		arena_init(&a);
		root = xml_parse(&a, de->d_name, text, len, &why);
		files++;
		if (root)
			corpus_walk(root, &cc);
		else {
			refused++;
			tap_diag("%s: test XML reader refused it: %s", de->d_name, why);
		}
		arena_release(&a);
		free(data);
	}
	closedir(d);
	ok(files >= 15 && refused == 0, "corpus: read %zu packs", files);
	ok(cc.exprs >= 70, "corpus: %zu expressions in %zu unit monitors (%zu templates)",
	   cc.exprs, cc.monitors, cc.templates);
	is_int((int64_t)cc.failed, 0, "corpus: every unit monitor expression compiles");
	tap_diag("corpus: %zu claim dispatch numbers, %zu pass an empty event", cc.claims,
		 cc.passed_empty);
}


/* ---- dispatch publishers ---- */

/* expr_publishers of inner as "a,b", or "-" when unconstrained. */
static const char *publishers(const char *inner, size_t max)
{
	static char out[512];
	struct str v[64];
	size_t n = 99, i, len = 0;
	struct expr *x = cx(inner);

	if (!x)
		return "no compile";
	if (!expr_publishers(x, v, max, &n)) {
		expr_free(x);
		return "-";
	}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%.*s", i ? "," : "",
					(int)v[i].len, v[i].p);
	expr_free(x);
	return out;
}

static void test_publishers(void)
{
	char a[1024], b[1024];
	const char *desc = regex("EventDescription", "ContainsSubstring", "lost");

	is_str(publishers(simple("PublisherName", NULL, "Equal", "sshd", NULL), 64), "sshd",
	       "publishers: Equal");
	is_str(publishers(simple("PublisherName", NULL, "NotEqual", "sshd", NULL), 64), "-",
	       "publishers: NotEqual");
	is_str(publishers(simple("PublisherName", "Integer", "Equal", "5", NULL), 64), "-",
	       "publishers: typed comparison");
	is_str(publishers(simple("LoggingComputer", NULL, "Equal", "web01", NULL), 64), "-",
	       "publishers: another field");
	is_str(publishers(regex("PublisherName", "MatchesRegularExpression", "^sshd$"), 64), "-",
	       "publishers: a regex does not constrain");
	is_str(publishers(simple("PublisherName", NULL, "Equal", "a", NULL), 0), "-",
	       "publishers: max 0");
	snprintf(a, sizeof(a), "%s", simple("PublisherName", NULL, "Equal", "app01", NULL));
	snprintf(b, sizeof(b), "%s", simple("PublisherName", NULL, "Equal", "app02", NULL));
	is_str(publishers(wrap("Or", a, b), 64), "app01,app02", "publishers: Or of two");
	is_str(publishers(wrap("Or", a, desc), 64), "-", "publishers: Or with a free branch");
	is_str(publishers(wrap("And", desc, a), 64), "app01", "publishers: And with one");
	is_str(publishers(wrap("Or", a, b), 1), "-", "publishers: Or over max");
	is_str(publishers("<Not><Expression><SimpleExpression><ValueExpression><XPathQuery>"
			  "PublisherName</XPathQuery></ValueExpression><Operator>Equal</Operator>"
			  "<ValueExpression><Value>x</Value></ValueExpression></SimpleExpression>"
			  "</Expression></Not>", 64), "-", "publishers: Not");
}

/* expr_required_field of inner as its name, or "-". */
static const char *required(const char *inner)
{
	static char out[128];
	struct field_ref f;
	struct expr *x = cx(inner);

	if (!x)
		return "no compile";
	if (!expr_required_field(x, &f))
		snprintf(out, sizeof(out), "-");
	else if (f.kind == FIELD_PARAM)
		snprintf(out, sizeof(out), "param %u", f.index + 1);
	else
		snprintf(out, sizeof(out), "%.*s", (int)f.name.len, f.name.p);
	expr_free(x);
	return out;
}

static void test_required_field(void)
{
	char a[1024];

	is_str(required(regex("_SYSTEMD_UNIT", "MatchesRegularExpression", "^a")), "_SYSTEMD_UNIT",
	       "required: a regex on a named field");
	is_str(required(regex("_SYSTEMD_UNIT", "DoesNotMatchRegularExpression", "^a")),
	       "_SYSTEMD_UNIT", "required: DoesNotMatch fails on a missing value too");
	is_str(required(simple("UNIT", NULL, "NotEqual", "x", NULL)), "UNIT",
	       "required: NotEqual fails on a missing value too");
	is_str(required(simple("Params/Param[2]", "Integer", "Greater", "1", NULL)), "param 2",
	       "required: a typed comparison on a parameter");
	is_str(required(simple("PublisherName", NULL, "Equal", "x", NULL)), "-",
	       "required: slots are not asked for");
	snprintf(a, sizeof(a), "%s", regex("UNIT", "ContainsSubstring", "x"));
	is_str(required(wrap("And", simple("PublisherName", NULL, "Equal", "x", NULL), a)), "UNIT",
	       "required: And with one");
	snprintf(a, sizeof(a), "%s", regex("UNIT", "ContainsSubstring", "x"));
	is_str(required(wrap("Or", a, simple("EventLevel", NULL, "Equal", "2", NULL))), "-",
	       "required: Or needs none");
	is_str(required("<Not><Expression><Exists><ValueExpression><XPathQuery>UNIT</XPathQuery>"
			"</ValueExpression></Exists></Expression></Not>"), "-",
	       "required: Not needs none");
	is_str(required("<Exists><ValueExpression><XPathQuery>UNIT</XPathQuery>"
			"</ValueExpression></Exists>"), "UNIT", "required: Exists");
}

/* str_find, the substring search behind ContainsSubstring and the regex prefilters. */
static void test_str_find(void)
{
	static const struct {
		const char *hay, *needle;
		long at;
	} f[] = {
		{ "connection to backend db0540 lost", "backend db0540 lost", 14 },
		{ "connection to backend db0540 lost", "backend db0541 lost", -1 },
		{ "job 1 started: volume v", " failed: volume v", -1 },
		{ "job 1 failed: volume v", " failed: volume v", 5 },
		{ "a:b:c:d", "c:d", 4 },
		{ "a:b:c:d", "a:b", 0 },
		{ "abc", "abcd", -1 },
		{ "abc", "", 0 },
		{ "", "", 0 },
		{ "x::", "::", 1 },
		{ "ab", "b", 1 },
		{ "aaab", "aab", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		size_t m = strlen(f[i].needle);
		const char *r = str_find(f[i].hay, strlen(f[i].hay), f[i].needle, m,
					 str_rare_index(f[i].needle, m));

		char what[128];

		snprintf(what, sizeof(what), "str_find '%s' in '%s'", f[i].needle, f[i].hay);
		is_int(r ? (long)(r - f[i].hay) : -1, f[i].at, what);
	}
}

int main(void)
{
	arena_init(&arena);
	diag_init(&diag);
	test_string_equal();
	test_typed();
	test_logic();
	test_errors();
	test_substring_wildcard();
	test_regex();
	test_regex_jit_switch();
	test_nested_quantifier();
	test_lint();
	test_regex_limit_status();
	test_numbers();
	test_numbers_sound();
	test_publishers();
	test_required_field();
	test_str_find();
	test_corpus_trees();
	test_corpus();
	diag_release(&diag);
	arena_release(&arena);
	buf_release(&wrapped);
	return tap_done();
}
