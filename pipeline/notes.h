/*
 * The texts of each monitor instance's last change (message, diagnosis,
 * resolution), which the engine does not keep: mpmond's state file and
 * check_mpmon's standalone runs show them beside the health. Kept in memory
 * and saved as lines of a checkpoint or seek file:
 *
 *	note MONITOR\tCOMPUTER\tINSTANCE\tMESSAGE\tDIAGNOSIS\tRESOLUTION
 *
 * with \\, \t and \n escaped; lines written before computers lack COMPUTER.
 */
#ifndef MPMON_PIPELINE_NOTES_H
#define MPMON_PIPELINE_NOTES_H

#include "lib/hmap.h"

#include <stddef.h>

struct buf;
struct state_change;

#define NOTES_MAX 100000	/* instances whose texts are kept; health needs none */
#define NOTE_KEY_MAX 4096	/* monitor, computer and instance, NUL between them */

struct note {
	struct hmap_node node;	/* in notes, under key */
	char *message, *diagnosis, *resolution;	/* one allocation, message's */
	char key[];		/* monitor ID, '\0', computer, '\0', instance (node.len bytes) */
};

/* Zeroed it is empty. */
struct notes {
	struct hmap map;
};

/*
 * Keep c's texts for its (monitor, computer, instance), copied. 0; -E2BIG (key
 * too long) or -ENOSPC (NOTES_MAX reached): the texts are not kept; -ENOMEM.
 */
int notes_record(struct notes *n, const struct state_change *c);

/* The note of an instance, or NULL. */
const struct note *notes_find(const struct notes *n, const char *monitor, const char *computer,
			      size_t computer_len, const char *instance, size_t instance_len);

void notes_release(struct notes *n);

/* Append a "note ..." line per note to out: 0 or -ENOMEM. */
int notes_save(const struct notes *n, struct buf *out);

/* Restore one note line, given after "note ": 0, -EINVAL (not one), -ENOMEM. */
int notes_restore(struct notes *n, const char *line);

#endif
