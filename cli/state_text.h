/*
 * `mpmon state --output text`: mpmond's state.json (docs/state-file.md) as a
 * table for people, one row per monitor instance.
 */
#ifndef MPMON_CLI_STATE_TEXT_H
#define MPMON_CLI_STATE_TEXT_H

#include <stddef.h>

struct buf;

/*
 * Render the state file's JSON text (len bytes at json, which is changed: its
 * strings are unescaped in place) as a table appended to out: a heading, then
 * per instance the monitor's display name (its ID when the pack gives none),
 * the instance ("-" for none), the health, since when, and whether an alert
 * is open. Text from the logs is shown with control characters as \xNN.
 * Returns 0; -EINVAL with "MESSAGE at column N" in err (FORMAT_ERR_LEN bytes)
 * when the text is not a state file; -ENOMEM.
 */
int state_text(char *json, size_t len, struct buf *out, char *err);

#endif
