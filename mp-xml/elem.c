/*
 * Accessors for the pack model that need no XML parser: walking copied element
 * trees and naming the enumerations.
 */
#include "mp-xml/mp.h"

#include <string.h>
#include <strings.h>

const struct mp_elem *mp_elem_child(const struct mp_elem *e, const char *name)
{
	const struct mp_elem *c;

	if (!e)
		return NULL;
	for (c = e->child; c; c = c->next)
		if (!name || strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const struct mp_elem *mp_elem_next(const struct mp_elem *e, const char *name)
{
	const struct mp_elem *c;

	if (!e)
		return NULL;
	for (c = e->next; c; c = c->next)
		if (!name || strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const char *mp_elem_attr(const struct mp_elem *e, const char *name)
{
	const struct mp_attr *a;

	for (a = e ? e->attrs : NULL; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

const char *mp_elem_child_text(const struct mp_elem *e, const char *name)
{
	const struct mp_elem *c = mp_elem_child(e, name);

	return c ? c->text : NULL;
}

const char *mp_article_section(const struct mp_article *a, const char *title)
{
	const struct mp_section *s;

	for (s = a ? a->sections : NULL; s; s = s->next)
		if (s->title && strcasecmp(s->title, title) == 0)
			return s->text;
	return NULL;
}

const char *mp_health_name(enum mp_health h)
{
	static const char *const names[] = { "Uninitialized", "Success", "Warning", "Error" };

	return (unsigned)h < sizeof(names) / sizeof(names[0]) ? names[h] : "Uninitialized";
}

bool mp_health_parse(const char *s, enum mp_health *out)
{
	static const struct { const char *name; enum mp_health h; } map[] = {
		{ "Success", MP_HEALTH_SUCCESS },
		{ "Warning", MP_HEALTH_WARNING },
		{ "Error", MP_HEALTH_ERROR },
		{ "Uninitialized", MP_HEALTH_UNINITIALIZED },
	};
	size_t i;

	for (i = 0; s && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i].name) == 0) {
			*out = map[i].h;
			return true;
		}
	return false;
}

const char *mp_severity_name(enum mp_severity s)
{
	static const char *const names[] = { "Information", "Warning", "Error",
					      "MatchMonitorHealth" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "Information";
}

const char *mp_priority_name(enum mp_priority p)
{
	static const char *const names[] = { "Low", "Normal", "High" };

	return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "Normal";
}

const char *mp_algorithm_name(enum mp_algorithm a)
{
	static const char *const names[] = { "WorstOf", "BestOf", "Percentage" };

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "WorstOf";
}
