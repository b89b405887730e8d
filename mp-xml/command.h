/*
 * Inside the loader: reading a diagnostic's ProbeAction or a recovery's
 * WriteAction and ConditionDetection, once mp.c has copied them into the
 * model, as the commands of mp.h's struct mp_command. Not an interface for
 * other folders.
 */
#ifndef MPMON_MP_XML_COMMAND_H
#define MPMON_MP_XML_COMMAND_H

#include <stdbool.h>

#include "mp-xml/mp.h"

struct arena;
struct diag;

/*
 * Read module (the copy of a ProbeAction when probe, else of a WriteAction;
 * NULL when the element has none) of the diagnostic or recovery what 'id' at
 * line.
 * Sets *cmd (in arena a) when mpmon can run it, else *why_not. A malformed
 * command (no ApplicationName, a quote without its end, a bad TimeoutSeconds)
 * is an error in d at its line; a module mpmon does not run is a note there.
 * Returns 0, or -ENOMEM.
 */
int mp_command_read(struct arena *a, const struct mp_pack *p, const struct mp_elem *module,
		    bool probe, const char *what, const char *id, long line,
		    const struct mp_command **cmd, const char **why_not, struct diag *d);

/*
 * The expression of a recovery's ConditionDetection cd (its copy): the
 * <Expression> of a System.ExpressionFilter, in *expr. Any other type leaves
 * *expr NULL and sets *why_not, with a note in d. Returns 0, or -ENOMEM.
 */
int mp_condition_read(struct arena *a, const struct mp_pack *p, const struct mp_elem *cd,
		      const char *id, const struct mp_elem **expr, const char **why_not,
		      struct diag *d);

#endif
