/*
 * A record (state change, rule alert, roll-up change) as the one JSON object
 * per line that `mpmon replay` prints and the jsonl sink writes: the contract
 * in DESIGN.md. One writer, so the two cannot drift apart.
 */
#ifndef MPMON_PIPELINE_RECORD_JSON_H
#define MPMON_PIPELINE_RECORD_JSON_H

struct buf;
struct state_change;

/* The name of c's cause: "event", "timer" or "reset". Static storage. */
const char *record_cause_name(const struct state_change *c);

/*
 * Append c as one JSON object and a newline to b. Returns 0 or -ENOMEM (b may
 * then hold part of the object).
 */
int record_json(struct buf *b, const struct state_change *c);

#endif
