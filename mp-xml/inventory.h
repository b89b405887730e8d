/*
 * The inventory: what SCOM's discovery would know and mpmon cannot see in the
 * logs. Which computers there are (so that one that never reports is noticed
 * by its heartbeat), their properties, and the heartbeat's settings. An XML
 * document, read as safely as a pack (docs/pack-authors.md, "Inventory"):
 *
 *	<Inventory HeartbeatIntervalSeconds="60" MissedHeartbeats="3">
 *	  <Computer Name="mdm01.contoso.com" Instance="GUID">
 *	    <Property Name="NetworkName">mdm01.contoso.com</Property>	($Target/...NetworkName$)
 *	    <Object Class="Contoso.MDM.EnrollmentServer" Instance="GUID" />	(hosted on it)
 *	  </Computer>
 *	  <Group ID="Contoso.MDM.Servers" Instance="GUID">	(a group class, its instance)
 *	    <Member Computer="mdm01.contoso.com" />
 *	  </Group>
 *	</Inventory>
 *
 * Groups and GUIDs are what overrides name: a Context that is a group class,
 * a ContextInstance that is a group's or a computer's GUID.
 */
#ifndef MPMON_MP_XML_INVENTORY_H
#define MPMON_MP_XML_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct diag;
struct mp_pack;

#define INVENTORY_MAX_BYTES (64u << 20)
#define INVENTORY_NAME_MAX 255		/* a computer's name, as the engine keys it */

struct inventory_property {
	const char *name, *value;
	struct inventory_property *next;
};

/* An object a computer hosts: an instance of a class on it (a role, a service). */
struct inventory_object {
	const char *class_id;		/* without an alias */
	const char *instance;		/* its GUID, or NULL */
	struct inventory_object *next;
};

struct inventory_computer {
	const char *name;
	const char *instance;		/* its GUID, or NULL */
	long line;
	struct inventory_property *properties;
	struct inventory_object *objects;
	struct inventory_computer *next;
};

struct inventory_group {
	const char *id;			/* the group's class ID, without an alias */
	const char *instance;		/* its GUID, or NULL */
	long line;
	const struct inventory_computer **members;
	size_t nmembers;
	struct inventory_group *next;
};

struct inventory {
	const char *file;
	unsigned interval;		/* HeartbeatIntervalSeconds */
	unsigned missed;		/* MissedHeartbeats */
	struct inventory_computer *computers;	/* in document order */
	size_t ncomputers;
	struct inventory_group *groups;		/* in document order */
	struct mp_pack *doc;		/* holds the strings */
};

/*
 * Read an inventory from len bytes of XML. Problems go to d as "name:line"
 * entries. Returns 0 and sets *out when it could be read without errors,
 * -EINVAL (malformed, wrong elements or values: see d) or -ENOMEM with *out
 * NULL. The caller frees *out with inventory_free.
 */
int inventory_load(const char *name, const void *data, size_t len, struct inventory **out,
		   struct diag *d);

void inventory_free(struct inventory *inv);

/*
 * Add group id (borrowed; a populator's) with the n members, or give them to
 * the inventory's group id when it lists none of its own. 0; 1 when the
 * inventory's own members stand; -ENOMEM.
 */
int inventory_set_members(struct inventory *inv, const char *id,
			  const struct inventory_computer *const *members, size_t n);

/* The computer called name (len bytes), or NULL. */
const struct inventory_computer *inventory_computer(const struct inventory *inv, const char *name,
						    size_t len);

/* The group of class id, or NULL. */
const struct inventory_group *inventory_group(const struct inventory *inv, const char *id);

/*
 * What a GUID (with or without braces, any case) names: a group (*group set)
 * or a computer, or an object on one (*computer set). False when the
 * inventory has neither.
 */
bool inventory_instance(const struct inventory *inv, const char *guid,
			const struct inventory_group **group,
			const struct inventory_computer **computer);

/* The property of computer c called name (len bytes), or NULL. */
const char *inventory_property(const struct inventory_computer *c, const char *name, size_t len);

/*
 * The pack that watches inv's computers: Mpmon.Inventory.Heartbeat, a
 * Mpmon.HeartbeatMonitorType on System.Computer with inv's interval and
 * missed heartbeats, raising "Health Service Heartbeat Failure". Its XML is
 * appended to out: 0 or -ENOMEM.
 */
int inventory_heartbeat_pack(const struct inventory *inv, struct buf *out);

#endif
