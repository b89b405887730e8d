/*
 * The state sink: the last texts (message, diagnosis, resolution) of every
 * monitor instance, which state.json shows beside the engine's health and the
 * checkpoint keeps across restarts. The state file itself is written with the
 * checkpoint (checkpoint.c, state_file.c): one consistent instant for both.
 */
#include "collector/sink.h"

#include "collector/daemon.h"
#include "pipeline/notes.h"

#include <errno.h>
#include <stdlib.h>

struct state_sink {
	struct notes notes;
};

static int state_open(struct daemon *d, void **sink)
{
	(void)d;
	*sink = calloc(1, sizeof(struct state_sink));
	return *sink ? 0 : -ENOMEM;
}

static void state_deliver(void *sink, struct daemon *d, const struct state_change *c)
{
	struct state_sink *s = sink;

	(void)d;
	(void)notes_record(&s->notes, c);	/* texts not kept: the health still is */
}

static void state_close(void *sink, struct daemon *d)
{
	struct state_sink *s = sink;

	(void)d;
	notes_release(&s->notes);
	free(s);
}

struct notes *daemon_notes(const struct daemon *d)
{
	struct state_sink *s = sinks_find(d, "state");

	return s ? &s->notes : NULL;
}

const struct sink_type sink_state = {
	.name = "state",
	.open = state_open,
	.deliver = state_deliver,
	.close = state_close,
};
