/*
 * Per-computer settings of monitors and rules (mp_computer_setting, from group
 * and object overrides): indexed by computer, since a monitor on a large group
 * is asked at each of its events.
 */
#include "monitors/engine_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct setting_node {
	struct hmap_node node;		/* under the computer's name */
	const struct mp_computer_setting *s;
};

int engine_settings_index(struct hmap *m, const struct mp_computer_setting *list)
{
	const struct mp_computer_setting *s;

	for (s = list; s; s = s->next) {
		struct setting_node *n = calloc(1, sizeof(*n));

		if (!n)
			return -ENOMEM;
		n->s = s;
		if (hmap_insert(m, &n->node, s->computer, strlen(s->computer)) < 0) {
			free(n);
			return -ENOMEM;
		}
	}
	return 0;
}

const struct mp_computer_setting *engine_setting_at(const struct hmap *m, struct str computer)
{
	struct hmap_node *n;

	if (!m->count || !computer.p)
		return NULL;
	n = hmap_get(m, computer.p, computer.len);
	return n ? HMAP_ENTRY(n, struct setting_node, node)->s : NULL;
}

bool engine_enabled_somewhere(bool enabled, const struct mp_computer_setting *list)
{
	for (; !enabled && list; list = list->next)
		enabled = list->enabled;
	return enabled;
}

bool engine_mon_on_at(const struct engine *e, const struct mon *mo, struct str computer)
{
	const struct mp_computer_setting *s = engine_setting_at(&mo->settings, computer);

	return s ? s->enabled || e->enable_all : mo->on_elsewhere;
}

void engine_settings_free(struct hmap *m)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, m);
	while ((n = hmap_next(&it)))
		free(HMAP_ENTRY(n, struct setting_node, node));
	hmap_release(m);
}
