/*
 * `mpmon replay --timeline FILE`: the health of every monitor and instance over
 * the replayed period as one self-contained HTML page with an SVG chart (a row
 * per monitor and instance, coloured by health, alerts marked), so a pack
 * author sees at a glance what a log did to the pack.
 */
#ifndef MPMON_CLI_TIMELINE_H
#define MPMON_CLI_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "monitors/engine.h"

struct buf;
struct timeline;

#define TIMELINE_MAX_ROWS 500		/* monitor instances shown */
#define TIMELINE_MAX_SEGMENTS 50000	/* changes of health kept, all rows together */
#define TIMELINE_MAX_ALERTS 20000	/* alert marks kept, all rows together */
#define TIMELINE_MESSAGE_MAX 400	/* bytes of a message kept for hover titles */

/* A new, empty timeline, or NULL when out of memory. Free with timeline_free. */
struct timeline *timeline_new(void);

/* Free t and everything it copied; NULL does nothing. */
void timeline_free(struct timeline *t);

/*
 * Record one engine record (copied: c need not outlive the call). Beyond the
 * bounds above further rows, changes or alerts are counted, not kept, and the
 * page says so. Returns 0 or -ENOMEM.
 */
int timeline_add(struct timeline *t, const struct state_change *c);

/* Widen the period to include now (µs), e.g. the time of every event read. */
void timeline_note_time(struct timeline *t, int64_t now);

/* Append the HTML page to out. Returns 0 or -ENOMEM. */
int timeline_render(const struct timeline *t, struct buf *out);

#endif
