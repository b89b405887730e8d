/*
 * This file looks at an expression filter that compiles for what may still
 * not do what its author meant: an XPathQuery whose field is a slip of the
 * keyboard for a field the input formats give (EventDescripton), and a regular
 * expression that repeats a repeated group, which a line that nearly matches
 * makes backtrack exponentially. Both are warnings: the expression runs as
 * written.
 */
#include "rules/expr.h"

#include "lib/diag.h"
#include "lib/str.h"
#include "mp-xml/mp.h"
#include "rules/format.h"
#include "rules/regex.h"

#include <string.h>

static void lint_field(const struct mp_elem *q, const char *what, const char *id,
		       struct diag *d)
{
	struct str f = str_trim(str_of(q->text));
	const char *near;

	if (!f.len || (f.len > 7 && memcmp(f.p, "Params/", 7) == 0))
		return;
	near = format_field_nearest(f.p, f.len);
	if (near)
		diag_warn(d, q->file, q->line, "%s '%s': no input format gives a field '%.*s'; "
			  "did you mean '%s'?", what, id, (int)f.len, f.p, near);
}

static void lint_pattern(const struct mp_elem *rx, const char *what, const char *id,
			 struct diag *d)
{
	const struct mp_elem *pat = mp_elem_child(rx, "Pattern");
	const char *op = mp_elem_child_text(rx, "Operator");
	size_t at;

	if (!pat || !op || !strstr(op, "RegularExpression"))
		return;
	if (regex_nested_quantifier(pat->text, strlen(pat->text), &at))
		diag_warn(d, pat->file, pat->line, "%s '%s': regular expression '%s' repeats a "
			  "group that repeats (at offset %zu): a line that nearly matches makes "
			  "it backtrack exponentially, up to the match limit", what, id, pat->text,
			  at);
}

void expr_lint(const struct mp_elem *e, const char *what, const char *id, struct diag *d)
{
	const struct mp_elem *c;

	for (c = mp_elem_child(e, NULL); c; c = mp_elem_next(c, NULL)) {
		if (strcmp(c->name, "XPathQuery") == 0)
			lint_field(c, what, id, d);
		else if (strcmp(c->name, "RegExExpression") == 0)
			lint_pattern(c, what, id, d);
		expr_lint(c, what, id, d);
	}
}
