/*
 * Group membership from the packs' GroupPopulator discoveries, over the
 * inventory's computers, as SCOM's group calculation would give it: a
 * MembershipRule takes the computers of its class, or those hosting an object
 * of it, that its Expression holds for (a property's regular expression,
 * wildcard or value; hosting an object of a class; And, Or). What mpmon
 * cannot evaluate is a warning at its line, and that rule takes no one.
 */
#include "pipeline/populate.h"

#include "lib/array.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "mp-xml/inventory.h"
#include "mp-xml/mp.h"
#include "rules/regex.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct eval {
	struct mp_pack *const *packs;
	size_t n;
	const struct mp_pack *p;		/* the populator's pack */
	const struct mp_populator *g;
	const struct inventory_computer *c;	/* the candidate */
	struct diag *d;
	bool said;				/* an unsupported part was warned about */
};

static void unsupported(struct eval *x, const struct mp_elem *e, const char *what)
{
	if (!x->said)
		diag_warn(x->d, e ? e->file : x->p->file, e ? e->line : x->g->line,
			  "discovery '%s': mpmon does not evaluate %s in "
			  "a membership rule of group '%s': the rule takes no members",
			  x->g->discovery ? x->g->discovery : "", what, x->g->group ? x->g->group : "");
	x->said = true;
}

/* $MPElement[Name="Class"]/Prop$ -> Prop. */
static struct str prop_name(const char *ref)
{
	const char *s = strstr(ref, "]/"), *end;

	if (!s)
		return (struct str){ NULL, 0 };
	s += 2;
	end = strchr(s, '$');
	return (struct str){ s, end ? (size_t)(end - s) : strlen(s) };
}

/* A computer's property: the inventory's, else its name for the names SCOM derives from it. */
static struct str property(const struct inventory_computer *c, struct str name)
{
	static const char *const names[] = { "PrincipalName", "DNSName", "NetworkName",
					      "DisplayName", "ComputerName" };
	const char *v = inventory_property(c, name.p, name.len);
	const char *dot;
	size_t i;

	if (v)
		return str_of(v);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (str_eq_cstr(name, names[i]))
			return str_of(c->name);
	if (str_eq_cstr(name, "NetbiosComputerName")) {
		dot = strchr(c->name, '.');
		return (struct str){ c->name, dot ? (size_t)(dot - c->name) : strlen(c->name) };
	}
	return (struct str){ "", 0 };
}

/* The value a ValueExpression gives for the candidate; false when mpmon cannot say. */
static bool value_of(struct eval *x, const struct mp_elem *ve, struct str *out)
{
	const struct mp_elem *v = ve ? mp_elem_child(ve, NULL) : NULL;

	if (v && strcmp(v->name, "HostProperty") == 0)
		v = mp_elem_child(v, "Property");	/* the host is the computer */
	if (v && strcmp(v->name, "Property") == 0 && prop_name(v->text).len) {
		*out = property(x->c, prop_name(v->text));
		return true;
	}
	if (v && strcmp(v->name, "Value") == 0) {
		*out = str_of(v->text);
		return true;
	}
	unsupported(x, ve, "this value");
	return false;
}

/* SCOM's wildcard: * any run, ? one character; case aside. */
static bool wildcard(const char *p, const char *s, size_t n)
{
	if (!*p)
		return n == 0;
	if (*p == '*')
		return wildcard(p + 1, s, n) || (n && wildcard(p, s + 1, n - 1));
	return n && (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*s)) &&
	       wildcard(p + 1, s + 1, n - 1);
}

static bool regex_holds(struct eval *x, const struct mp_elem *e)
{
	const char *op = mp_elem_child_text(e, "Operator"), *pat = mp_elem_child_text(e, "Pattern");
	char err[REGEX_ERR_LEN];
	struct regex *re;
	struct str v;
	bool m, neg = op && strncmp(op, "DoesNot", 7) == 0;

	if (!op || !pat || !value_of(x, mp_elem_child(e, "ValueExpression"), &v))
		return false;
	if (strstr(op, "RegularExpression")) {
		if (regex_compile(pat, strlen(pat), &re, err) < 0) {
			diag_warn(x->d, e->file, e->line, "discovery '%s': pattern '%s': %s",
				  x->g->discovery ? x->g->discovery : "", pat, err);
			return false;
		}
		m = regex_search(re, v);
		regex_free(re);
	} else if (strstr(op, "Substring")) {
		m = memmem(v.p, v.len, pat, strlen(pat)) != NULL;
	} else if (strstr(op, "Wildcard")) {
		m = wildcard(pat, v.p, v.len);
	} else {
		unsupported(x, e, "this operator");
		return false;
	}
	return neg ? !m : m;
}

static bool simple_holds(struct eval *x, const struct mp_elem *e)
{
	const struct mp_elem *a = mp_elem_child(e, "ValueExpression");
	const struct mp_elem *b = a ? mp_elem_next(a, "ValueExpression") : NULL;
	const char *op = mp_elem_child_text(e, "Operator");
	struct str l, r;
	int c;

	if (!op || !b || !value_of(x, a, &l) || !value_of(x, b, &r))
		return false;
	c = strncasecmp(l.p, r.p, l.len < r.len ? l.len : r.len);
	if (c == 0 && l.len != r.len)
		c = l.len < r.len ? -1 : 1;
	if (strcmp(op, "Equal") == 0)
		return c == 0;
	if (strcmp(op, "NotEqual") == 0)
		return c != 0;
	unsupported(x, e, "this operator");
	return false;
}

/* Whether the candidate hosts an object of class raw (as written in the pack). */
static bool hosts(const struct eval *x, const char *raw)
{
	const struct inventory_object *o;
	const char *bang = strchr(raw, '!');

	for (o = x->c->objects; o; o = o->next)
		if (strcmp(o->class_id, bang ? bang + 1 : raw) == 0 ||
		    mp_class_derives_id(x->packs, x->n, o->class_id, x->p, raw))
			return true;
	return false;
}

static bool holds(struct eval *x, const struct mp_elem *e);

static bool contains_holds(struct eval *x, const struct mp_elem *e)
{
	const char *cls = mp_elem_child_text(e, "MonitoringClass");
	const char *head = "$MPElement[Name=\"";
	char name[512];
	size_t n;

	if (!cls || strncmp(cls, head, strlen(head)) != 0 || mp_elem_child(e, "Expression")) {
		unsupported(x, e, "this Contains");
		return false;
	}
	n = strcspn(cls + strlen(head), "\"");
	if (n >= sizeof(name))
		return false;
	memcpy(name, cls + strlen(head), n);
	name[n] = '\0';
	return (strcmp(e->name, "Contains") == 0) == hosts(x, name);
}

/* An And or Or: its Expression children. */
static bool logic_holds(struct eval *x, const struct mp_elem *e)
{
	bool and = strcmp(e->name, "And") == 0, any = false;
	const struct mp_elem *k;

	for (k = mp_elem_child(e, "Expression"); k; k = mp_elem_next(k, "Expression")) {
		bool h = holds(x, k);

		if (and && !h)
			return false;
		any |= h;
	}
	return and || any;
}

/* An <Expression> (or a part of one) for the candidate. */
static bool holds(struct eval *x, const struct mp_elem *e)
{
	if (strcmp(e->name, "Expression") == 0) {
		const struct mp_elem *k = mp_elem_child(e, NULL);

		return k ? holds(x, k) : true;
	}
	if (strcmp(e->name, "And") == 0 || strcmp(e->name, "Or") == 0)
		return logic_holds(x, e);
	if (strcmp(e->name, "RegExExpression") == 0)
		return regex_holds(x, e);
	if (strcmp(e->name, "SimpleExpression") == 0)
		return simple_holds(x, e);
	if (strcmp(e->name, "Contains") == 0 || strcmp(e->name, "NotContains") == 0)
		return contains_holds(x, e);
	unsupported(x, e, e->name);
	return false;
}

/* Whether rule m takes computer c: it is of its class, or hosts one, and the expression holds. */
static bool rule_takes(struct eval *x, const struct mp_membership_rule *m)
{
	int kind = m->monitoring_class ? mp_class_kind(x->packs, x->n, x->p, m->monitoring_class) : -1;

	if (!m->monitoring_class || (kind != 1 && !hosts(x, m->monitoring_class)))
		return false;
	return !m->expression || holds(x, m->expression);
}

/* One populator's members, set in the inventory. 0 or -ENOMEM. */
static int populate_one(struct inventory *inv, struct eval *x)
{
	const struct inventory_computer **v = NULL, *c;
	const struct mp_membership_rule *m;
	const char *bang = strchr(x->g->group, '!'), *id = bang ? bang + 1 : x->g->group;
	size_t n = 0, cap = 0;
	int r;

	for (c = inv->computers; c; c = c->next) {
		x->c = c;
		for (m = x->g->rules; m; m = m->next)
			if (rule_takes(x, m))
				break;
		if (!m)
			continue;
		if (array_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
			free(v);
			return -ENOMEM;
		}
		v[n++] = c;
	}
	r = inventory_set_members(inv, id, v, n);
	if (r == 0)
		diag_add(x->d, DIAG_NOTE, x->p->file, x->g->line, "discovery '%s' puts %zu computer%s "
			 "of the inventory in group '%s'", x->g->discovery ? x->g->discovery : "", n,
			 n == 1 ? "" : "s", id);
	else if (r > 0)
		diag_add(x->d, DIAG_NOTE, x->p->file, x->g->line, "discovery '%s': group '%s' has "
			 "the members the inventory lists, not the ones it would compute",
			 x->g->discovery ? x->g->discovery : "", id);
	free(v);
	return r < 0 ? r : 0;
}

int populate_groups(struct inventory *inv, struct mp_pack *const *packs, size_t n, struct diag *d)
{
	const struct mp_populator *g;
	size_t i;

	for (i = 0; inv && i < n; i++)
		for (g = packs[i]->populators; g; g = g->next) {
			struct eval x = { packs, n, packs[i], g, NULL, d, false };

			if (g->group && populate_one(inv, &x) < 0)
				return -ENOMEM;
		}
	return 0;
}
