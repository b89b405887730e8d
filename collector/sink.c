/*
 * The sink table and the fan-out over it. The state sink comes first so that
 * the state file's notes hold a change's texts before anything else acts on
 * it; actions come after the senders, whose notification of the change goes
 * out before the result of what the change set off.
 */
#include "collector/sink.h"

#include "collector/daemon.h"
#include "lib/buf.h"
#include "lib/diag.h"

#include <string.h>

extern const struct sink_type sink_state, sink_snmp, sink_actions, sink_jsonl;

static const struct sink_type *const types[] = {
	&sink_state,
	&sink_snmp,
	&sink_jsonl,
	&sink_actions,
};
_Static_assert(sizeof(types) / sizeof(types[0]) == SINK_TYPES, "SINK_TYPES counts the table");

const struct sink_type *sink_type_at(size_t i)
{
	return i < SINK_TYPES ? types[i] : NULL;
}

void *sinks_find(const struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if (strcmp(types[i]->name, name) == 0)
			return d->sinks.sink[i];
	return NULL;
}

static const struct sink_type *section_type(const char *name)
{
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if (types[i]->check && strcmp(types[i]->name, name) == 0)
			return types[i];
	return NULL;
}

void sinks_check(const struct config *c, struct diag *d)
{
	const struct sink_type *t;
	struct buf names;
	size_t i, j;

	buf_init(&names);
	for (j = 0; j < SINK_TYPES; j++)
		if (types[j]->check)
			buf_printf(&names, "%s%s", names.len ? ", " : "", types[j]->name);
	for (i = 0; i < c->nsinks; i++) {
		const struct config_sink *k = &c->sinks[i];

		if (!k->type)
			continue;	/* config.c said so */
		if (!(t = section_type(k->type)))
			diag_error(d, c->file, k->type_line, "sink type takes %s, not '%s'",
				   names.len ? names.data : "?", k->type);
		else
			t->check(c, k, d);
	}
	buf_release(&names);
}

int sinks_open(struct daemon *d)
{
	int r = 0, x;
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if ((x = types[i]->open(d, &d->sinks.sink[i])) < 0 && r == 0)
			r = x;
	return r;
}

void sinks_deliver(struct daemon *d, const struct state_change *c)
{
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if (d->sinks.sink[i] && types[i]->deliver)
			types[i]->deliver(d->sinks.sink[i], d, c);
}

void sinks_result(struct daemon *d, const struct action_result *res)
{
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if (d->sinks.sink[i] && types[i]->result)
			types[i]->result(d->sinks.sink[i], d, res);
}

size_t sinks_fds(const struct daemon *d, size_t i, int *fds, size_t max)
{
	if (i >= SINK_TYPES || !d->sinks.sink[i] || !types[i]->fds)
		return 0;
	return types[i]->fds(d->sinks.sink[i], fds, max);
}

int64_t sinks_due(struct daemon *d, int64_t now)
{
	int64_t t = INT64_MAX, x;
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if (d->sinks.sink[i] && types[i]->due &&
		    (x = types[i]->due(d->sinks.sink[i], d, now)) < t)
			t = x;
	return t;
}

unsigned sinks_process(struct daemon *d, int64_t now)
{
	unsigned changed = 0;
	size_t i;

	for (i = 0; i < SINK_TYPES; i++) {
		void *s = d->sinks.sink[i];
		bool ready = d->sinks.ready[i];

		if (!s || !types[i]->process)
			continue;
		if (!ready && (!types[i]->due || types[i]->due(s, d, now) > now))
			continue;
		d->sinks.ready[i] = false;
		if (types[i]->process(s, d, ready, now))
			changed |= 1u << i;
	}
	return changed;
}

int sinks_reload(struct daemon *d, const struct config *old)
{
	int r = 0, x;
	size_t i;

	for (i = 0; i < SINK_TYPES; i++) {
		if (types[i]->reload)
			x = types[i]->reload(&d->sinks.sink[i], d, old);
		else if (!d->sinks.sink[i])
			x = types[i]->open(d, &d->sinks.sink[i]);
		else
			x = 0;
		if (x < 0 && r == 0)
			r = x;
	}
	return r;
}

void sinks_reopen(struct daemon *d)
{
	size_t i;

	for (i = 0; i < SINK_TYPES; i++)
		if (d->sinks.sink[i] && types[i]->reopen)
			types[i]->reopen(d->sinks.sink[i], d);
}

int sinks_json(const struct daemon *d, struct buf *b, bool *first)
{
	int r = 0;
	size_t i;

	for (i = 0; r == 0 && i < SINK_TYPES; i++)
		if (types[i]->json)
			r = types[i]->json(d->sinks.sink[i], d, b, first);
	return r;
}

void sinks_close(struct daemon *d)
{
	size_t i;

	for (i = SINK_TYPES; i-- > 0;) {
		if (d->sinks.sink[i])
			types[i]->close(d->sinks.sink[i], d);
		d->sinks.sink[i] = NULL;
	}
}
