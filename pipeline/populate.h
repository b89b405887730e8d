/*
 * Groups whose members SCOM computes: a pack's GroupPopulator discoveries,
 * evaluated over the inventory's computers and the objects they host.
 */
#ifndef MPMON_PIPELINE_POPULATE_H
#define MPMON_PIPELINE_POPULATE_H

#include <stddef.h>

struct diag;
struct inventory;
struct mp_pack;

/*
 * Set the members of every group a GroupPopulator of the n packs defines,
 * in inv (NULL: nothing to do), unless the inventory lists them itself. Each
 * group is noted in d; what mpmon cannot evaluate is a warning at its line.
 * 0 or -ENOMEM.
 */
int populate_groups(struct inventory *inv, struct mp_pack *const *packs, size_t n, struct diag *d);

#endif
