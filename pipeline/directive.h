/*
 * Replay's directives: a line of the replay input that is not an event but an
 * operator's action. {"mpmon":"reset","monitor":"ID","computer":"C","instance":"X",
 * "TimeGenerated":"..."} resets the monitor (at every computer, or every
 * instance, when "computer" or "instance" is absent or "") at that time, as `mpmon reset` would on a live collector,
 * so that fixtures can test manual-reset monitors.
 */
#ifndef MPMON_PIPELINE_DIRECTIVE_H
#define MPMON_PIPELINE_DIRECTIVE_H

#include <stdint.h>

#include "rules/format.h"

struct engine;
struct event;

/*
 * Returns 1 when ev was a directive and was done, 0 when ev is an ordinary
 * event, -EINVAL with err set for a bad directive, -ENOMEM.
 */
int directive_run(struct engine *e, const struct event *ev, int64_t now, char err[FORMAT_ERR_LEN]);

#endif
