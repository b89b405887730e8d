/*
 * SCOM expression filters (System.ExpressionFilter's <Expression>): And, Or, Not,
 * Exists, SimpleExpression with its six operators and typed comparison, and
 * RegExExpression with substring, wildcard and regular-expression operators.
 * Compiled once from the pack model, evaluated per event without allocating.
 */
#ifndef MPMON_RULES_EXPR_H
#define MPMON_RULES_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/str.h"

struct diag;
struct event;
struct field_ref;
struct mp_elem;

struct expr;

#define EXPR_MAX_DEPTH 64	/* nesting deeper than this is a load error */

/*
 * Compile the expression held by e: e is an element whose single element child is
 * the expression (SCOM's <Expression>, <FirstExpression>, ...). Errors go to d at
 * the offending element's line: unknown elements or operators, a missing
 * operand, a Value that does not parse as its Type, a pattern PCRE2 refuses.
 * Returns 0 with *out set (owned by the caller), or -EINVAL / -ENOMEM.
 * The compiled expression borrows strings from the pack that holds e.
 */
int expr_compile(const struct mp_elem *e, struct expr **out, struct diag *d);

/*
 * Warn about what the expression held by e may not mean as written: an
 * XPathQuery field that is a near miss of a field the input formats give
 * (format_field_nearest), and a regular expression that repeats a repeated
 * group (regex_nested_quantifier). what and id name the monitor or rule in the
 * warnings, which go to d at the element's line. Call it on an expression that
 * compiled: its nesting is then bounded.
 */
void expr_lint(const struct mp_elem *e, const char *what, const char *id, struct diag *d);

/* Whether ev passes the filter. */
bool expr_eval(const struct expr *x, const struct event *ev);

/*
 * As expr_eval, and when a regular expression of x stopped at PCRE2's match or
 * depth limit (rules/regex.h), which counts as not matching, set *limit to its
 * pattern (borrowed from x) unless *limit is set already. The answer is the
 * same as expr_eval's; *limit is how the caller tells a search that could not
 * finish from one that found nothing, to say so.
 */
bool expr_eval_limit(const struct expr *x, const struct event *ev, struct str *limit);

/* Free a compiled expression; NULL does nothing. */
void expr_free(struct expr *x);

/*
 * The event numbers an event must have to pass, when the expression says so
 * (EventDisplayNumber Equal N, Or of such, And with one of them, a regular
 * expression like ^(1|2)$). Stores up to max numbers in out and their count in
 * *n and returns true; returns false when any number may pass or there are more
 * than max. Used to build the engine's dispatch index.
 */
bool expr_numbers(const struct expr *x, uint64_t *out, size_t max, size_t *n);

/*
 * The PublisherName values an event must have to pass, when the expression says
 * so (PublisherName Equal "X", Or of such, And with one of them), as
 * expr_numbers does for event numbers: up to max values in out (slices of the
 * pack's text, valid as long as the expression) and their count in *n, and
 * true; false when any publisher may pass or there are more than max.
 */
bool expr_publishers(const struct expr *x, struct str *out, size_t max, size_t *n);

/*
 * A field other than the well-known slots (a named field or a parameter)
 * without which the expression cannot pass: every leaf fails on a missing
 * value, negated ones too, so a leaf on the field, or an And with one, needs
 * it. Sets *out (borrowing from the expression) and returns true; false when
 * there is none (Or, Not, slots only). The engine then skips the expression
 * for events that lack the field without walking it.
 */
bool expr_required_field(const struct expr *x, struct field_ref *out);

/*
 * Text the value of slot must contain for the expression to pass: the
 * pattern of a ContainsSubstring, or a literal every match of a regular
 * expression holds, on that slot; for an And the longest of its children's.
 * Sets *out (borrowing from the expression) and returns true; false when
 * there is none. The engine uses it to turn events away before the walk.
 */
bool expr_required_text(const struct expr *x, unsigned slot, struct str *out);

/* Regex match-limit hits since start (a ReDoS pattern counts, it never hangs). */
uint64_t expr_match_limit_hits(void);

#endif
