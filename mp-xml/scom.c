/*
 * What SCOM's import would refuse in a pack that mpmon runs: mpmon's own
 * extensions. `mpmon validate --scom` reports them, so that a pack meant for
 * both stays importable.
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"

#include <string.h>

/* Configuration elements the engine adds to every type, which no SCOM schema has. */
static const char *const engine_elements[] = { "InstanceField", "MaxInstances" };

static void check_monitor(const struct mp_pack *p, const struct mp_monitor *m, struct diag *d)
{
	const struct mp_elem *c;
	size_t i;

	if (m->type_origin == MP_TYPE_LIBRARY && m->type_pack &&
	    strcmp(m->type_pack, "Mpmon.Library") == 0)
		diag_error(d, p->file, m->line, "SCOM would refuse monitor '%s': type '%s' is "
			   "mpmon's own, which no SCOM pack defines", m->id, m->type_id_raw);
	for (c = m->config ? mp_elem_child(m->config, NULL) : NULL; c; c = mp_elem_next(c, NULL))
		for (i = 0; i < sizeof(engine_elements) / sizeof(engine_elements[0]); i++)
			if (strcmp(c->name, engine_elements[i]) == 0)
				diag_error(d, c->file, c->line, "SCOM would refuse monitor '%s': "
					   "'%s' is mpmon's, not in the configuration schema of type "
					   "'%s'", m->id, c->name, m->type_id_raw);
}

void mp_scom_check(const struct mp_pack *p, struct diag *d)
{
	const struct mp_monitor *m;

	if (p->fragment)
		diag_add(d, DIAG_NOTE, p->file, 1, "a VSAE ManagementPackFragment: SCOM imports the "
			 "pack its project builds, not the fragment");
	for (m = p->monitors; m; m = m->next)
		check_monitor(p, m, d);
}
