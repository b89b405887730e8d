/*
 * This file answers questions about loaded packs that need no XML: whether a
 * pack defines an element or a type, which libraries every SCOM management
 * group holds, and whether a pack's references into another loaded pack name
 * elements that pack defines (SCOM checks the same when it imports a pack).
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"

#include <stdlib.h>
#include <string.h>

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool mp_pack_defines(const struct mp_pack *p, const char *id)
{
	return p && id && p->nids &&
	       bsearch(id, p->ids, p->nids, sizeof(*p->ids), cmp_key) != NULL;
}

const struct mp_type *mp_pack_type(const struct mp_pack *p, const char *id)
{
	const struct mp_type *t;

	for (t = p && id ? p->types : NULL; t; t = t->next)
		if (strcmp(t->id, id) == 0)
			return t;
	return NULL;
}

bool mp_library_known(const char *pack_id)
{
	/* the libraries of a management group, and those of the Windows and UNIX agents */
	static const char *const libraries[] = {
		"System.Library",
		"System.Health.Library",
		"System.Performance.Library",
		"System.ApplicationLog.Library",
		"System.Snmp.Library",
		"System.NetworkManagement.Library",
		"Microsoft.SystemCenter.Library",
		"Microsoft.SystemCenter.DataWarehouse.Library",
		"Microsoft.SystemCenter.InstanceGroup.Library",
		"Microsoft.SystemCenter.Internal",
		"Microsoft.Windows.Library",
		"Microsoft.Unix.Library",
		"Microsoft.Linux.Library",
		"Mpmon.Library",
		NULL,
	};
	size_t i;

	for (i = 0; pack_id && libraries[i]; i++)
		if (strcmp(pack_id, libraries[i]) == 0)
			return true;
	return false;
}

size_t mp_pack_link(const struct mp_pack *p, const struct mp_pack *other, struct diag *d)
{
	const struct mp_xref *x;
	size_t errors = 0;

	if (!p || !other || !other->id)
		return 0;
	for (x = p->xrefs; x; x = x->next) {
		if (strcmp(x->pack, other->id) != 0 || mp_pack_defines(other, x->id))
			continue;
		errors++;
		diag_error(d, p->file, x->line, "%s%s%s%s%s '%s' resolves nowhere: pack '%s' (%s) "
			   "defines no '%s'%s", x->owner_kind ? x->owner_kind : "",
			   x->owner_kind ? " '" : "", x->owner_kind ? x->owner_id : "",
			   x->owner_kind ? "': " : "", x->what, x->raw, other->id, other->file,
			   x->id, x->count > 1 ? " (its first use)" : "");
	}
	return errors;
}
