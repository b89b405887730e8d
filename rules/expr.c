/*
 * SCOM expression filters: compiled once from a pack's <Expression> element
 * tree into a small tree of nodes, then evaluated for every event that reaches a
 * monitor. Compilation does all the work that does not depend on the event
 * (field paths resolved to slots, constants converted to their type, operands
 * put field-first, patterns compiled), so evaluation is a walk with a length
 * check and memcmp for the common "field Equal string" leaf. Errors name the
 * element's file and line, so `mpmon validate` can point at them.
 */
#include "rules/expr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/diag.h"
#include "lib/iso8601.h"
#include "lib/str.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "rules/regex.h"

enum expr_kind {
	EXPR_AND,
	EXPR_OR,
	EXPR_NOT,
	EXPR_EXISTS,
	EXPR_STR_EQ,	/* field Equal/NotEqual string constant: the fast path */
	EXPR_CMP,	/* any other SimpleExpression */
	EXPR_SUBSTR,
	EXPR_WILDCARD,
	EXPR_REGEX,
};

enum vtype { VT_STRING, VT_INTEGER, VT_UNSIGNED, VT_DOUBLE, VT_BOOLEAN, VT_DATETIME, VT_N };

static const char *const vtype_names[VT_N] = {
	"String", "Integer", "UnsignedInteger", "Double", "Boolean", "DateTime",
};

enum cmp_op { OP_EQ, OP_NE, OP_GT, OP_LT, OP_GE, OP_LE, OP_N };

static const char *const cmp_op_names[OP_N] = {
	"Equal", "NotEqual", "Greater", "Less", "GreaterEqual", "LessEqual",
};

static const struct {
	const char *name;
	enum expr_kind kind;
	bool negate;
} regex_ops[] = {
	{ "ContainsSubstring", EXPR_SUBSTR, false },
	{ "DoesNotContainSubstring", EXPR_SUBSTR, true },
	{ "MatchesWildcard", EXPR_WILDCARD, false },
	{ "DoesNotMatchWildcard", EXPR_WILDCARD, true },
	{ "MatchesRegularExpression", EXPR_REGEX, false },
	{ "DoesNotMatchRegularExpression", EXPR_REGEX, true },
	/*
	 * An approximation: MOM 2005 had its own "boolean regular expression"
	 * dialect, which SCOM kept for converted packs. We read the pattern as an
	 * ordinary (PCRE2) regular expression; the patterns real packs use with
	 * these operators (^(4625|4740)$ and the like) mean the same in both.
	 */
	{ "MatchesMOM2005BooleanRegularExpression", EXPR_REGEX, false },
	{ "DoesNotMatchMOM2005BooleanRegularExpression", EXPR_REGEX, true },
};

#define NREGEX_OPS (sizeof(regex_ops) / sizeof(regex_ops[0]))

/* A converted value; DateTime is µs since the epoch in i. */
union value {
	struct str s;
	int64_t i;
	uint64_t u;
	double d;
	bool b;
};

/* One side of a comparison: an event field, or a constant converted at compile time. */
struct operand {
	bool is_field;
	struct field_ref ref;
	union value v;
	struct str text;	/* the constant as written */
};

struct expr {
	enum expr_kind kind;
	bool negate;		/* NotEqual on the fast path; the DoesNot... operators */
	union {
		struct {
			struct expr **v;
			size_t n;
		} list;		/* And, Or */
		struct expr *sub;	/* Not */
		struct field_ref ref;	/* Exists */
		struct {
			struct field_ref ref;
			struct str value;
		} eq;		/* EXPR_STR_EQ */
		struct {
			enum cmp_op op;
			enum vtype type;
			struct operand a, b;	/* a is a field whenever either is */
		} cmp;
		struct {
			struct operand subject;
			struct str pattern;
			size_t rare;		/* EXPR_SUBSTR: str_rare_index of the pattern */
			struct regex *re;	/* EXPR_REGEX only */
		} rx;
	} u;
};

/* What one ValueExpression says, before the comparison type is known. */
struct side {
	const struct mp_elem *elem;	/* the XPathQuery or Value */
	bool is_field;
	struct field_ref ref;
	struct str text;
	enum vtype type;
	bool typed;			/* a Type attribute was given */
};

uint64_t expr_match_limit_hits(void)
{
	return regex_limit_hits();
}

/* ---- evaluation ---- */

static inline struct str get(const struct event *ev, const struct field_ref *ref)
{
	if (ref->kind == FIELD_SLOT)
		return ev->slot[ref->index];
	return event_get(ev, ref);
}

static bool parse_bool(struct str s, bool *out)
{
	s = str_trim(s);
	if ((s.len == 4 && strncasecmp(s.p, "true", 4) == 0) ||
	    (s.len == 1 && s.p[0] == '1')) {
		*out = true;
		return true;
	}
	if ((s.len == 5 && strncasecmp(s.p, "false", 5) == 0) ||
	    (s.len == 1 && s.p[0] == '0')) {
		*out = false;
		return true;
	}
	return false;
}

/* Convert text to type t; false when it is not a value of that type. */
static bool convert(enum vtype t, struct str s, union value *out)
{
	switch (t) {
	case VT_STRING:
		out->s = s;
		return true;
	case VT_INTEGER:
		return str_to_i64(s, &out->i);
	case VT_UNSIGNED:
		return str_to_u64(s, &out->u);
	case VT_DOUBLE:
		return str_to_double(s, &out->d);
	case VT_BOOLEAN:
		return parse_bool(s, &out->b);
	case VT_DATETIME:
		s = str_trim(s);
		return s.p && iso8601_parse(s.p, s.len, &out->i);
	case VT_N:
		break;
	}
	return false;
}

static bool operand_value(const struct operand *o, const struct event *ev, enum vtype t,
			  union value *out)
{
	struct str s;

	if (!o->is_field) {
		*out = o->v;
		return true;
	}
	/* The event already holds these two converted, by the same parsers. */
	if (o->ref.kind == FIELD_SLOT) {
		if (t == VT_UNSIGNED && o->ref.index == EVENT_NUMBER && ev->has_number) {
			out->u = ev->number;
			return true;
		}
		if (t == VT_DATETIME && o->ref.index == EVENT_TIME && ev->has_time) {
			out->i = ev->time;
			return true;
		}
	}
	s = get(ev, &o->ref);
	return s.p && convert(t, s, out);
}

static int compare(enum vtype t, const union value *a, const union value *b)
{
	size_t n;
	int c;

	switch (t) {
	case VT_STRING:
		/* Ordinal: bytes, then the shorter first. */
		n = a->s.len < b->s.len ? a->s.len : b->s.len;
		c = n ? memcmp(a->s.p, b->s.p, n) : 0;
		if (c)
			return c;
		return (a->s.len > b->s.len) - (a->s.len < b->s.len);
	case VT_INTEGER:
	case VT_DATETIME:
		return (a->i > b->i) - (a->i < b->i);
	case VT_UNSIGNED:
		return (a->u > b->u) - (a->u < b->u);
	case VT_DOUBLE:
		return (a->d > b->d) - (a->d < b->d);
	case VT_BOOLEAN:
		return (int)a->b - (int)b->b;
	case VT_N:
		break;
	}
	return 0;
}

static bool eval_cmp(const struct expr *x, const struct event *ev)
{
	union value a, b;
	int c;

	/* A missing or unconvertible value fails every operator, NotEqual too. */
	if (!operand_value(&x->u.cmp.a, ev, x->u.cmp.type, &a) ||
	    !operand_value(&x->u.cmp.b, ev, x->u.cmp.type, &b))
		return false;
	c = compare(x->u.cmp.type, &a, &b);
	switch (x->u.cmp.op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_GT: return c > 0;
	case OP_LT: return c < 0;
	case OP_GE: return c >= 0;
	case OP_LE: return c <= 0;
	case OP_N: break;
	}
	return false;
}

/* Length of the character at s (UTF-8 aware, one byte when not valid). */
static size_t char_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t want = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf8 ? 4 : 1, k;

	for (k = 1; k < want; k++)
		if (k >= n || ((unsigned char)s[k] & 0xc0) != 0x80)
			return 1;
	return want;
}

/*
 * Whole-value wildcard match: '*' any run, '?' one character, '#' one digit.
 * Greedy with a single backtrack point (the last '*'), so the cost is at most
 * pattern length times value length, never exponential.
 */
static bool wildcard_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = 0, star_s = 0;
	bool star = false;

	while (si < sn) {
		if (pi < pn) {
			char c = p[pi];

			if (c == '*') {
				star = true;
				star_p = ++pi;
				star_s = si;
				continue;
			}
			if (c == '?') {
				si += char_len(s + si, sn - si);
				pi++;
				continue;
			}
			if (c == '#' ? (s[si] >= '0' && s[si] <= '9') : c == s[si]) {
				pi++;
				si++;
				continue;
			}
		}
		if (!star)
			return false;
		/* Let the last '*' take one more character and retry from there. */
		star_s += char_len(s + star_s, sn - star_s);
		si = star_s;
		pi = star_p;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* *limit: the pattern of the first regex that stopped at a limit, if any did. */
static bool eval(const struct expr *x, const struct event *ev, struct str *limit)
{
	struct str s;
	size_t i;
	bool m;

	switch (x->kind) {
	case EXPR_AND:
		for (i = 0; i < x->u.list.n; i++)
			if (!eval(x->u.list.v[i], ev, limit))
				return false;
		return true;
	case EXPR_OR:
		for (i = 0; i < x->u.list.n; i++)
			if (eval(x->u.list.v[i], ev, limit))
				return true;
		return false;
	case EXPR_NOT:
		return !eval(x->u.sub, ev, limit);
	case EXPR_EXISTS:
		return get(ev, &x->u.ref).p != NULL;
	case EXPR_STR_EQ:
		s = get(ev, &x->u.eq.ref);
		if (!s.p)
			return false;
		return (s.len == x->u.eq.value.len &&
			memcmp(s.p, x->u.eq.value.p, s.len) == 0) != x->negate;
	case EXPR_CMP:
		return eval_cmp(x, ev);
	case EXPR_SUBSTR:
	case EXPR_WILDCARD:
	case EXPR_REGEX:
		break;
	}
	/* The RegExExpression operators; a missing value fails them all. */
	s = x->u.rx.subject.is_field ? get(ev, &x->u.rx.subject.ref) : x->u.rx.subject.text;
	if (!s.p)
		return false;
	switch (x->kind) {
	case EXPR_SUBSTR:
		return (x->u.rx.pattern.len == 0 ||
			str_find(s.p, s.len, x->u.rx.pattern.p, x->u.rx.pattern.len,
				 x->u.rx.rare)) != x->negate;
	case EXPR_WILDCARD:
		return wildcard_match(x->u.rx.pattern.p, x->u.rx.pattern.len, s.p, s.len) !=
		       x->negate;
	default:
		/* A match that hit its limit is no match, so DoesNotMatch holds. */
		m = regex_search(x->u.rx.re, s);
		if (!m && !limit->p && regex_limited(x->u.rx.re))
			*limit = x->u.rx.pattern;
		return m != x->negate;
	}
}

bool expr_eval(const struct expr *x, const struct event *ev)
{
	struct str limit = { NULL, 0 };

	return expr_eval_limit(x, ev, &limit);
}

bool expr_eval_limit(const struct expr *x, const struct event *ev, struct str *limit)
{
	return x && eval(x, ev, limit);
}

void expr_free(struct expr *x)
{
	size_t i;

	if (!x)
		return;
	switch (x->kind) {
	case EXPR_AND:
	case EXPR_OR:
		for (i = 0; i < x->u.list.n; i++)
			expr_free(x->u.list.v[i]);
		free(x->u.list.v);
		break;
	case EXPR_NOT:
		expr_free(x->u.sub);
		break;
	case EXPR_REGEX:
		regex_free(x->u.rx.re);
		break;
	default:
		break;
	}
	free(x);
}

/* ---- compilation ---- */

static bool name_is(const struct mp_elem *e, const char *name)
{
	return strcmp(e->name, name) == 0;
}

static struct str trimmed(const char *s)
{
	return str_trim(str_of(s ? s : ""));
}

static struct expr *node_new(enum expr_kind kind)
{
	struct expr *x = calloc(1, sizeof(*x));

	if (x)
		x->kind = kind;
	return x;
}

static int compile_expr(const struct mp_elem *e, int depth, struct expr **out,
			struct diag *d);

/*
 * The expression held by holder (an <Expression> or the element given to
 * expr_compile): its one element child.
 */
static int compile_holder(const struct mp_elem *holder, int depth, struct expr **out,
			  struct diag *d)
{
	const struct mp_elem *c = holder->child;

	*out = NULL;
	if (!c) {
		diag_error(d, holder->file, holder->line, "missing expression in '%s'",
			   holder->name);
		return -EINVAL;
	}
	if (c->next) {
		diag_error(d, c->next->file, c->next->line,
			   "unexpected element '%s' after the expression in '%s'",
			   c->next->name, holder->name);
		return -EINVAL;
	}
	return compile_expr(c, depth, out, d);
}

/* And, Or: one or more <Expression> children. */
static int compile_list(const struct mp_elem *e, int depth, struct expr **out,
			struct diag *d)
{
	const struct mp_elem *c;
	struct expr *x;
	size_t n = 0;
	int rc = 0, r;

	for (c = e->child; c; c = c->next) {
		if (!name_is(c, "Expression")) {
			diag_error(d, c->file, c->line,
				   "unexpected element '%s' in '%s', expected 'Expression'",
				   c->name, e->name);
			rc = -EINVAL;
		}
		n++;
	}
	if (n == 0) {
		diag_error(d, e->file, e->line, "'%s' holds no 'Expression'", e->name);
		return -EINVAL;
	}
	if (rc)
		return rc;
	x = node_new(name_is(e, "And") ? EXPR_AND : EXPR_OR);
	if (!x || !(x->u.list.v = calloc(n, sizeof(*x->u.list.v)))) {
		free(x);
		return -ENOMEM;
	}
	/* Compile every branch, so one run reports all their errors. */
	for (c = e->child; c; c = c->next) {
		r = compile_holder(c, depth + 1, &x->u.list.v[x->u.list.n], d);
		if (r == -ENOMEM) {
			rc = r;
			break;
		}
		if (r < 0)
			rc = r;
		else
			x->u.list.n++;
	}
	if (rc) {
		expr_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

static int compile_not(const struct mp_elem *e, int depth, struct expr **out,
		       struct diag *d)
{
	const struct mp_elem *c = e->child;
	struct expr *x;
	int rc;

	if (!c || !name_is(c, "Expression")) {
		if (c)
			diag_error(d, c->file, c->line,
				   "unexpected element '%s' in 'Not', expected 'Expression'",
				   c->name);
		else
			diag_error(d, e->file, e->line, "'Not' holds no 'Expression'");
		return -EINVAL;
	}
	if (c->next) {
		diag_error(d, c->next->file, c->next->line,
			   "'Not' holds more than one 'Expression'");
		return -EINVAL;
	}
	x = node_new(EXPR_NOT);
	if (!x)
		return -ENOMEM;
	rc = compile_holder(c, depth + 1, &x->u.sub, d);
	if (rc) {
		free(x);
		return rc;
	}
	*out = x;
	return 0;
}

static int parse_type(const struct mp_elem *e, struct side *s, struct diag *d)
{
	const char *t = mp_elem_attr(e, "Type");
	size_t i;

	s->type = VT_STRING;
	s->typed = false;
	if (!t)
		return 0;
	for (i = 0; i < VT_N; i++)
		if (strcmp(t, vtype_names[i]) == 0) {
			s->type = (enum vtype)i;
			s->typed = true;
			return 0;
		}
	diag_error(d, e->file, e->line,
		   "unknown type '%s', expected String, Integer, UnsignedInteger, Double, "
		   "Boolean or DateTime", t);
	return -EINVAL;
}

/* A <ValueExpression>: one XPathQuery (a field) or Value (a constant). */
static int parse_side(const struct mp_elem *ve, struct side *s, struct diag *d)
{
	const struct mp_elem *c = ve->child;

	memset(s, 0, sizeof(*s));
	if (!c) {
		diag_error(d, ve->file, ve->line,
			   "missing 'XPathQuery' or 'Value' in 'ValueExpression'");
		return -EINVAL;
	}
	if (c->next) {
		diag_error(d, c->next->file, c->next->line,
			   "unexpected element '%s' in 'ValueExpression'", c->next->name);
		return -EINVAL;
	}
	s->elem = c;
	if (name_is(c, "XPathQuery")) {
		s->is_field = true;
		s->text = trimmed(c->text);
		if (field_ref_parse(s->text.p, s->text.len, &s->ref) < 0) {
			if (s->text.len == 0)
				diag_error(d, c->file, c->line, "empty 'XPathQuery'");
			else
				diag_error(d, c->file, c->line, "invalid field path '%s'",
					   c->text);
			return -EINVAL;
		}
	} else if (name_is(c, "Value")) {
		/* As written: white space may be part of a string constant. */
		s->text = str_of(c->text ? c->text : "");
	} else {
		diag_error(d, c->file, c->line,
			   "unknown element '%s' in 'ValueExpression', expected 'XPathQuery' "
			   "or 'Value'", c->name);
		return -EINVAL;
	}
	return parse_type(c, s, d);
}

static int side_operand(const struct side *s, enum vtype t, struct operand *o,
			struct diag *d)
{
	o->is_field = s->is_field;
	o->ref = s->ref;
	o->text = s->text;
	if (s->is_field)
		return 0;
	if (!convert(t, s->text, &o->v)) {
		diag_error(d, s->elem->file, s->elem->line, "value '%s' is not a valid %s",
			   s->elem->text, vtype_names[t]);
		return -EINVAL;
	}
	return 0;
}

/*
 * The children of a SimpleExpression or RegExExpression, which come in a fixed
 * order: ValueExpression, Operator, then third (ValueExpression or Pattern).
 */
static int three_parts(const struct mp_elem *e, const char *third,
		       const struct mp_elem *part[3], struct diag *d)
{
	const char *want[3] = { "ValueExpression", "Operator", third };
	const struct mp_elem *c = e->child;
	int i;

	for (i = 0; i < 3; i++, c = c->next) {
		if (!c) {
			diag_error(d, e->file, e->line, "missing '%s' in '%s'", want[i],
				   e->name);
			return -EINVAL;
		}
		if (!name_is(c, want[i])) {
			diag_error(d, c->file, c->line,
				   "unexpected element '%s' in '%s', expected '%s'", c->name,
				   e->name, want[i]);
			return -EINVAL;
		}
		part[i] = c;
	}
	if (c) {
		diag_error(d, c->file, c->line, "unexpected element '%s' in '%s'", c->name,
			   e->name);
		return -EINVAL;
	}
	return 0;
}

static int compile_simple(const struct mp_elem *e, struct expr **out, struct diag *d)
{
	static const enum cmp_op mirror[OP_N] = {
		[OP_EQ] = OP_EQ, [OP_NE] = OP_NE, [OP_GT] = OP_LT,
		[OP_LT] = OP_GT, [OP_GE] = OP_LE, [OP_LE] = OP_GE,
	};
	const struct mp_elem *part[3];
	struct side l, r;
	struct operand a, b;
	struct str optext;
	enum vtype t;
	enum cmp_op op = OP_N;
	struct expr *x;
	int rc;
	size_t i;

	rc = three_parts(e, "ValueExpression", part, d);
	if (rc)
		return rc;
	rc = parse_side(part[0], &l, d);
	if (parse_side(part[2], &r, d) < 0)
		rc = -EINVAL;
	optext = trimmed(part[1]->text);
	for (i = 0; i < OP_N; i++)
		if (str_eq_cstr(optext, cmp_op_names[i]))
			op = (enum cmp_op)i;
	if (op == OP_N) {
		diag_error(d, part[1]->file, part[1]->line,
			   "unknown operator '%s', expected Equal, NotEqual, Greater, Less, "
			   "GreaterEqual or LessEqual", part[1]->text);
		rc = -EINVAL;
	}
	if (rc)
		return rc;

	/* SCOM compares as the first type other than String that either side names. */
	t = l.typed && l.type != VT_STRING ? l.type : r.typed ? r.type : VT_STRING;
	rc = side_operand(&l, t, &a, d);
	if (side_operand(&r, t, &b, d) < 0)
		rc = -EINVAL;
	if (rc)
		return rc;

	/* Field first, so the evaluator and expr_numbers see one shape. */
	if (!a.is_field && b.is_field) {
		struct operand tmp = a;

		a = b;
		b = tmp;
		op = mirror[op];
	}
	if (t == VT_STRING && (op == OP_EQ || op == OP_NE) && a.is_field && !b.is_field) {
		x = node_new(EXPR_STR_EQ);
		if (!x)
			return -ENOMEM;
		x->negate = op == OP_NE;
		x->u.eq.ref = a.ref;
		x->u.eq.value = b.v.s;
	} else {
		x = node_new(EXPR_CMP);
		if (!x)
			return -ENOMEM;
		x->u.cmp.op = op;
		x->u.cmp.type = t;
		x->u.cmp.a = a;
		x->u.cmp.b = b;
	}
	*out = x;
	return 0;
}

static int compile_regex(const struct mp_elem *e, struct expr **out, struct diag *d)
{
	const struct mp_elem *part[3];
	char err[REGEX_ERR_LEN];
	struct side s;
	struct str optext;
	struct expr *x;
	size_t i, op = NREGEX_OPS;
	int rc;

	rc = three_parts(e, "Pattern", part, d);
	if (rc)
		return rc;
	rc = parse_side(part[0], &s, d);
	optext = trimmed(part[1]->text);
	for (i = 0; i < NREGEX_OPS; i++)
		if (str_eq_cstr(optext, regex_ops[i].name))
			op = i;
	if (op == NREGEX_OPS) {
		diag_error(d, part[1]->file, part[1]->line,
			   "unknown operator '%s', expected ContainsSubstring, "
			   "DoesNotContainSubstring, MatchesWildcard, DoesNotMatchWildcard, "
			   "MatchesRegularExpression, DoesNotMatchRegularExpression, "
			   "MatchesMOM2005BooleanRegularExpression or "
			   "DoesNotMatchMOM2005BooleanRegularExpression", part[1]->text);
		rc = -EINVAL;
	}
	if (rc)
		return rc;
	x = node_new(regex_ops[op].kind);
	if (!x)
		return -ENOMEM;
	x->negate = regex_ops[op].negate;
	/* Patterns match the text; a Type attribute does not change it. */
	x->u.rx.subject = (struct operand){ .is_field = s.is_field, .ref = s.ref,
					    .text = s.text };
	x->u.rx.pattern = str_of(part[2]->text ? part[2]->text : "");
	x->u.rx.rare = str_rare_index(x->u.rx.pattern.p, x->u.rx.pattern.len);
	if (x->kind == EXPR_REGEX) {
		rc = regex_compile(x->u.rx.pattern.p, x->u.rx.pattern.len, &x->u.rx.re, err);
		if (rc == -EINVAL)
			diag_error(d, part[2]->file, part[2]->line,
				   "bad regular expression '%s': %s", part[2]->text, err);
		if (rc) {
			free(x);
			return rc;
		}
	}
	*out = x;
	return 0;
}

static int compile_exists(const struct mp_elem *e, struct expr **out, struct diag *d)
{
	const struct mp_elem *c = e->child;
	struct side s;
	struct expr *x;
	int rc;

	if (!c || !name_is(c, "ValueExpression") || c->next) {
		const struct mp_elem *at = c && name_is(c, "ValueExpression") ? c->next : c;

		if (at)
			diag_error(d, at->file, at->line,
				   "unexpected element '%s' in 'Exists', expected one "
				   "'ValueExpression'", at->name);
		else
			diag_error(d, e->file, e->line, "missing 'ValueExpression' in 'Exists'");
		return -EINVAL;
	}
	rc = parse_side(c, &s, d);
	if (rc)
		return rc;
	if (!s.is_field) {
		diag_error(d, s.elem->file, s.elem->line,
			   "'Exists' needs an 'XPathQuery', not a 'Value'");
		return -EINVAL;
	}
	x = node_new(EXPR_EXISTS);
	if (!x)
		return -ENOMEM;
	x->u.ref = s.ref;
	*out = x;
	return 0;
}

static int compile_expr(const struct mp_elem *e, int depth, struct expr **out,
			struct diag *d)
{
	*out = NULL;
	if (depth > EXPR_MAX_DEPTH) {
		diag_error(d, e->file, e->line, "expression nested deeper than %d levels",
			   EXPR_MAX_DEPTH);
		return -EINVAL;
	}
	if (name_is(e, "And") || name_is(e, "Or"))
		return compile_list(e, depth, out, d);
	if (name_is(e, "Not"))
		return compile_not(e, depth, out, d);
	if (name_is(e, "SimpleExpression"))
		return compile_simple(e, out, d);
	if (name_is(e, "RegExExpression"))
		return compile_regex(e, out, d);
	if (name_is(e, "Exists"))
		return compile_exists(e, out, d);
	diag_error(d, e->file, e->line, "unknown expression element '%s'", e->name);
	return -EINVAL;
}

int expr_compile(const struct mp_elem *e, struct expr **out, struct diag *d)
{
	return compile_holder(e, 1, out, d);
}

/* ---- dispatch numbers ---- */

static bool is_number_field(const struct operand *o)
{
	return o->is_field && o->ref.kind == FIELD_SLOT && o->ref.index == EVENT_NUMBER;
}

/*
 * The numbers a pattern of the form ^N$, ^(N|N...)$ or ^(?:N|N...)$ admits. The
 * text such a pattern matches is N, or N and a final newline ($ allows one),
 * which str_to_u64 reads as N: the event's number is then one of them.
 */
static bool pattern_numbers(struct str pat, uint64_t *out, size_t max, size_t *n)
{
	const char *p = pat.p, *end;
	bool group = false;

	if (pat.len < 3 || p[0] != '^' || p[pat.len - 1] != '$')
		return false;
	end = p + pat.len - 1;
	p++;
	if (p[0] == '(') {
		if (end[-1] != ')')
			return false;
		group = true;
		end--;
		p += p[1] == '?' && p[2] == ':' ? 3 : 1;
		if (p[0] == '?')
			return false;
	}
	*n = 0;
	for (;;) {
		const char *q = p;

		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q == p || *n == max ||
		    !str_to_u64((struct str){ p, (size_t)(q - p) }, &out[*n]))
			return false;
		(*n)++;
		if (q == end)
			return true;
		if (*q != '|' || !group)
			return false;
		p = q + 1;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * What a leaf of the expression allows of a key (the event's number, its
 * publisher): up to max values in out and their count in *n, or false when it
 * does not constrain the key.
 */
typedef bool leaf_values(const struct expr *x, void *out, size_t max, size_t *n);

/*
 * The values of a key an event must have to pass x: an Or allows what its
 * branches allow (every one must be constrained), an And what its narrowest
 * constrained child allows. tidy, when given, sorts and dedupes what an Or
 * gathered.
 */
static bool key_values(const struct expr *x, char *out, size_t size, size_t max, size_t *n,
		       leaf_values *leaf, void (*tidy)(void *out, size_t *n))
{
	size_t i, k, total, best;

	*n = 0;
	if (!x)
		return false;
	switch (x->kind) {
	case EXPR_OR:
		for (i = 0, total = 0; i < x->u.list.n; i++) {
			if (!key_values(x->u.list.v[i], out + total * size, size, max - total, &k,
					leaf, tidy)) {
				*n = 0;
				return false;
			}
			total += k;
		}
		*n = total;
		if (tidy)
			tidy(out, n);
		return true;
	case EXPR_AND:
		best = x->u.list.n;
		total = 0;
		for (i = 0; i < x->u.list.n; i++)
			if (key_values(x->u.list.v[i], out, size, max, &k, leaf, tidy) &&
			    (best == x->u.list.n || k < total)) {
				best = i;
				total = k;
			}
		if (best == x->u.list.n) {
			*n = 0;
			return false;
		}
		return key_values(x->u.list.v[best], out, size, max, n, leaf, tidy);
	default:
		return leaf(x, out, max, n);
	}
}

static void sort_numbers(void *out, size_t *n)
{
	uint64_t *v = out;
	size_t i, k;

	qsort(v, *n, sizeof(*v), cmp_u64);
	for (i = 0, k = 0; i < *n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	*n = k;
}

static bool number_leaf(const struct expr *x, void *vout, size_t max, size_t *n)
{
	uint64_t *out = vout;
	uint64_t v;

	switch (x->kind) {
	case EXPR_STR_EQ:
		/*
		 * The text equals the constant, so the event's number is what
		 * str_to_u64 makes of the constant; a constant that is no number
		 * leaves the event without one, which the index cannot express.
		 */
		if (x->negate || x->u.eq.ref.kind != FIELD_SLOT ||
		    x->u.eq.ref.index != EVENT_NUMBER || max < 1 ||
		    !str_to_u64(x->u.eq.value, &v))
			return false;
		break;
	case EXPR_CMP:
		if (x->u.cmp.op != OP_EQ || !is_number_field(&x->u.cmp.a) ||
		    x->u.cmp.b.is_field || max < 1)
			return false;
		/*
		 * UnsignedInteger reads the text as the event's number does. Integer
		 * does too for N >= 1; for 0 it also accepts "-0". Double and Boolean
		 * accept texts ("5.0", "true") that are no event number at all.
		 */
		if (x->u.cmp.type == VT_UNSIGNED)
			v = x->u.cmp.b.v.u;
		else if (x->u.cmp.type == VT_INTEGER && x->u.cmp.b.v.i >= 1)
			v = (uint64_t)x->u.cmp.b.v.i;
		else
			return false;
		break;
	case EXPR_REGEX:
		if (x->negate || !is_number_field(&x->u.rx.subject) ||
		    !pattern_numbers(x->u.rx.pattern, out, max, n)) {
			*n = 0;
			return false;
		}
		sort_numbers(out, n);
		return true;
	default:
		return false;
	}
	out[0] = v;
	*n = 1;
	return true;
}

bool expr_numbers(const struct expr *x, uint64_t *out, size_t max, size_t *n)
{
	return key_values(x, (char *)out, sizeof(*out), max, n, number_leaf, sort_numbers);
}

static bool publisher_leaf(const struct expr *x, void *vout, size_t max, size_t *n)
{
	struct str *out = vout;

	/* Equal compares the bytes: the event's publisher is this text. */
	if (x->kind != EXPR_STR_EQ || x->negate || x->u.eq.ref.kind != FIELD_SLOT ||
	    x->u.eq.ref.index != EVENT_PUBLISHER || max < 1)
		return false;
	out[0] = x->u.eq.value;
	*n = 1;
	return true;
}

bool expr_publishers(const struct expr *x, struct str *out, size_t max, size_t *n)
{
	return key_values(x, (char *)out, sizeof(*out), max, n, publisher_leaf, NULL);
}

bool expr_required_field(const struct expr *x, struct field_ref *out)
{
	const struct field_ref *r = NULL;
	size_t i;

	if (!x)
		return false;
	switch (x->kind) {
	case EXPR_AND:
		for (i = 0; i < x->u.list.n; i++)
			if (expr_required_field(x->u.list.v[i], out))
				return true;
		return false;
	case EXPR_EXISTS:
		r = &x->u.ref;
		break;
	case EXPR_STR_EQ:
		r = &x->u.eq.ref;
		break;
	case EXPR_CMP:
		/* a missing value fails every operator, NotEqual too */
		if (x->u.cmp.a.is_field)
			r = &x->u.cmp.a.ref;
		break;
	case EXPR_SUBSTR:
	case EXPR_WILDCARD:
	case EXPR_REGEX:
		/* a missing value fails them all, the DoesNot... ones too */
		if (x->u.rx.subject.is_field)
			r = &x->u.rx.subject.ref;
		break;
	default:
		return false;
	}
	if (!r || r->kind == FIELD_SLOT)
		return false;
	*out = *r;
	return true;
}

bool expr_required_text(const struct expr *x, unsigned slot, struct str *out)
{
	struct str best = { NULL, 0 }, t;
	size_t i;

	if (!x)
		return false;
	switch (x->kind) {
	case EXPR_AND:
		for (i = 0; i < x->u.list.n; i++)
			if (expr_required_text(x->u.list.v[i], slot, &t) && t.len > best.len)
				best = t;
		break;
	case EXPR_SUBSTR:
	case EXPR_REGEX:
		if (x->negate || !x->u.rx.subject.is_field ||
		    x->u.rx.subject.ref.kind != FIELD_SLOT || x->u.rx.subject.ref.index != slot)
			return false;
		best = x->kind == EXPR_SUBSTR ? x->u.rx.pattern : regex_literal(x->u.rx.re);
		break;
	default:
		return false;
	}
	if (!best.len)
		return false;
	*out = best;
	return true;
}
