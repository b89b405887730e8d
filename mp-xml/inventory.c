/*
 * The inventory file (mp-xml/inventory.h): read with the pack loader's XML
 * reader (MP_LOAD_TREE), so it is as safe against hostile input as a pack,
 * and checked element by element, each problem at its line.
 */
#include "mp-xml/inventory.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "mp-xml/mp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	struct inventory *inv;
	struct diag *d;
	struct inventory_computer **tail;
	struct inventory_group **gtail;
	bool bad;
};

/* A GUID as SCOM writes them: 8-4-4-4-12 hex digits, in braces or not. */
static bool is_guid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t n = strlen(s), i, off = 0;

	if (n == 38 && s[0] == '{' && s[37] == '}')
		off = 1;
	else if (n != 36)
		return false;
	for (i = 0; i < 36; i++) {
		char c = s[off + i];

		if (shape[i] == '-' ? c != '-' : !((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
									   (c | 0x20) <= 'f')))
			return false;
	}
	return true;
}

/* Whether GUIDs a and b are the same, braces and case aside. */
static bool same_guid(const char *a, const char *b)
{
	size_t i;

	a += *a == '{';
	b += *b == '{';
	for (i = 0; i < 36; i++)
		if ((a[i] | 0x20) != (b[i] | 0x20))
			return false;
	return true;
}

/* An optional Instance GUID of e, checked; NULL when absent or bad (said). */
static const char *read_guid(struct reader *r, const struct mp_elem *e)
{
	const char *g = mp_elem_attr(e, "Instance");
	const struct inventory_group *og;
	const struct inventory_computer *oc;

	if (!g)
		return NULL;
	if (!is_guid(g)) {
		diag_error(r->d, e->file, e->line, "Instance '%s' is not a GUID "
			   "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", g);
		r->bad = true;
		return NULL;
	}
	if (inventory_instance(r->inv, g, &og, &oc)) {
		diag_error(r->d, e->file, e->line, "Instance '%s' is %s '%s' already", g,
			   og ? "group" : "computer", og ? og->id : oc->name);
		r->bad = true;
		return NULL;
	}
	return g;
}

/* An attribute that must be a whole number in [min, max]; def when absent. */
static unsigned attr_uint(struct reader *r, const struct mp_elem *e, const char *name,
			  unsigned min, unsigned max, unsigned def)
{
	const char *v = mp_elem_attr(e, name);
	int64_t n;

	if (!v)
		return def;
	if (!str_to_i64(str_trim(str_of(v)), &n) || n < min || n > max) {
		diag_error(r->d, e->file, e->line, "%s must be a whole number from %u to %u, not '%s'",
			   name, min, max, v);
		r->bad = true;
		return def;
	}
	return (unsigned)n;
}

static void read_property(struct reader *r, struct inventory_computer *c, const struct mp_elem *e)
{
	struct inventory_property *p;
	const char *name = mp_elem_attr(e, "Name");

	if (!name || !*name) {
		diag_error(r->d, e->file, e->line, "Property without a Name");
		r->bad = true;
		return;
	}
	p = arena_alloc(&r->inv->doc->arena, sizeof(*p));
	if (!p) {
		r->bad = true;
		return;
	}
	p->name = name;
	p->value = e->text;
	p->next = c->properties;
	c->properties = p;
}

static void read_object(struct reader *r, struct inventory_computer *c, const struct mp_elem *e)
{
	const char *cls = mp_elem_attr(e, "Class");
	struct inventory_object *o;

	if (!cls || !*cls || strchr(cls, '!')) {
		diag_error(r->d, e->file, e->line, "Object needs a Class: the class's ID, without "
			   "an alias");
		r->bad = true;
		return;
	}
	o = arena_alloc(&r->inv->doc->arena, sizeof(*o));
	if (!o) {
		r->bad = true;
		return;
	}
	o->class_id = cls;
	o->instance = read_guid(r, e);
	o->next = c->objects;
	c->objects = o;
}

static void read_computer(struct reader *r, const struct mp_elem *e)
{
	const char *name = mp_elem_attr(e, "Name");
	struct inventory_computer *c;
	const struct mp_elem *k;

	if (!name || !*name || strlen(name) > INVENTORY_NAME_MAX) {
		diag_error(r->d, e->file, e->line, "Computer needs a Name of 1 to %d bytes",
			   INVENTORY_NAME_MAX);
		r->bad = true;
		return;
	}
	if (inventory_computer(r->inv, name, strlen(name))) {
		diag_error(r->d, e->file, e->line, "computer '%s' is listed twice", name);
		r->bad = true;
		return;
	}
	c = arena_alloc(&r->inv->doc->arena, sizeof(*c));
	if (!c) {
		r->bad = true;
		return;
	}
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->instance = read_guid(r, e);
	c->line = e->line;
	for (k = mp_elem_child(e, NULL); k; k = mp_elem_next(k, NULL)) {
		if (strcmp(k->name, "Property") == 0) {
			read_property(r, c, k);
		} else if (strcmp(k->name, "Object") == 0) {
			read_object(r, c, k);
		} else {
			diag_error(r->d, k->file, k->line, "Computer holds Property and Object "
				   "elements, not '%s'", k->name);
			r->bad = true;
		}
	}
	*r->tail = c;
	r->tail = &c->next;
	r->inv->ncomputers++;
}

static void read_member(struct reader *r, struct inventory_group *g, const struct mp_elem *e)
{
	const char *name = mp_elem_attr(e, "Computer");
	const struct inventory_computer *c = name ? inventory_computer(r->inv, name, strlen(name)) : NULL;
	size_t i;

	if (!c) {
		diag_error(r->d, e->file, e->line, "Member needs Computer, a computer of the "
			   "inventory%s%s%s", name ? " ('" : "", name ? name : "", name ? "' is not)" : "");
		r->bad = true;
		return;
	}
	for (i = 0; i < g->nmembers; i++)
		if (g->members[i] == c)
			return;
	g->members[g->nmembers++] = c;
}

static void read_group(struct reader *r, const struct mp_elem *e)
{
	const char *id = mp_elem_attr(e, "ID");
	struct inventory_group *g;
	const struct mp_elem *k;
	size_t n = 0;

	if (!id || !*id || strchr(id, '!')) {
		diag_error(r->d, e->file, e->line, "Group needs an ID: the group's class ID, "
			   "without an alias");
		r->bad = true;
		return;
	}
	if (inventory_group(r->inv, id)) {
		diag_error(r->d, e->file, e->line, "group '%s' is listed twice", id);
		r->bad = true;
		return;
	}
	for (k = mp_elem_child(e, NULL); k; k = mp_elem_next(k, NULL))
		n++;
	g = arena_alloc(&r->inv->doc->arena, sizeof(*g));
	if (!g || !(g->members = arena_alloc(&r->inv->doc->arena, (n + 1) * sizeof(*g->members)))) {
		r->bad = true;
		return;
	}
	g->id = id;
	g->instance = read_guid(r, e);
	g->line = e->line;
	g->nmembers = 0;
	g->next = NULL;
	for (k = mp_elem_child(e, NULL); k; k = mp_elem_next(k, NULL)) {
		if (strcmp(k->name, "Member") == 0) {
			read_member(r, g, k);
		} else {
			diag_error(r->d, k->file, k->line, "Group holds Member elements, not '%s'",
				   k->name);
			r->bad = true;
		}
	}
	*r->gtail = g;
	r->gtail = &g->next;
}

/* Computers first: a group's members name them wherever they stand. */
static void read_root(struct reader *r, const struct mp_elem *root)
{
	const struct mp_elem *e;

	if (strcmp(root->name, "Inventory") != 0) {
		diag_error(r->d, root->file, root->line, "root element is '%s', not Inventory",
			   root->name);
		r->bad = true;
		return;
	}
	r->inv->interval = attr_uint(r, root, "HeartbeatIntervalSeconds", 1, 86400, 60);
	r->inv->missed = attr_uint(r, root, "MissedHeartbeats", 1, 1000, 3);
	for (e = mp_elem_child(root, NULL); e; e = mp_elem_next(e, NULL)) {
		if (strcmp(e->name, "Computer") == 0) {
			read_computer(r, e);
		} else if (strcmp(e->name, "Group") != 0) {
			diag_error(r->d, e->file, e->line, "Inventory holds Computer and Group "
				   "elements, not '%s'", e->name);
			r->bad = true;
		}
	}
	for (e = mp_elem_child(root, "Group"); e; e = mp_elem_next(e, "Group"))
		read_group(r, e);
}

int inventory_load(const char *name, const void *data, size_t len, struct inventory **out,
		   struct diag *d)
{
	struct inventory *inv = calloc(1, sizeof(*inv));
	struct reader r = { inv, d, NULL, NULL, false };
	int x;

	*out = NULL;
	if (!inv)
		return -ENOMEM;
	x = mp_load_flags(name, data, len, MP_LOAD_TREE, &inv->doc, d);
	if (x < 0) {
		free(inv);
		return x;
	}
	inv->file = inv->doc->file;
	r.tail = &inv->computers;
	r.gtail = &inv->groups;
	read_root(&r, inv->doc->tree);
	if (r.bad) {
		inventory_free(inv);
		return -EINVAL;
	}
	*out = inv;
	return 0;
}

void inventory_free(struct inventory *inv)
{
	if (!inv)
		return;
	mp_pack_free(inv->doc);
	free(inv);
}

static bool same(const char *s, const char *name, size_t len)
{
	return strlen(s) == len && memcmp(s, name, len) == 0;
}

/* A list: alerts and rule suppressions read it, not every event. */
const struct inventory_computer *inventory_computer(const struct inventory *inv, const char *name,
						    size_t len)
{
	const struct inventory_computer *c;

	for (c = inv->computers; c; c = c->next)
		if (same(c->name, name, len))
			return c;
	return NULL;
}

const struct inventory_group *inventory_group(const struct inventory *inv, const char *id)
{
	const struct inventory_group *g;

	for (g = inv->groups; g; g = g->next)
		if (strcmp(g->id, id) == 0)
			return g;
	return NULL;
}

bool inventory_instance(const struct inventory *inv, const char *guid,
			const struct inventory_group **group,
			const struct inventory_computer **computer)
{
	const struct inventory_group *g;
	const struct inventory_computer *c;

	*group = NULL;
	*computer = NULL;
	if (!is_guid(guid))
		return false;
	for (g = inv->groups; g; g = g->next)
		if (g->instance && same_guid(g->instance, guid)) {
			*group = g;
			return true;
		}
	for (c = inv->computers; c; c = c->next) {
		const struct inventory_object *o;

		if (c->instance && same_guid(c->instance, guid)) {
			*computer = c;
			return true;
		}
		for (o = c->objects; o; o = o->next)
			if (o->instance && same_guid(o->instance, guid)) {
				*computer = c;
				return true;
			}
	}
	return false;
}

int inventory_set_members(struct inventory *inv, const char *id,
			  const struct inventory_computer *const *members, size_t n)
{
	struct inventory_group *g = (struct inventory_group *)inventory_group(inv, id), **tail;

	if (g && g->nmembers)
		return 1;	/* the inventory's own list stands */
	if (!g) {
		g = arena_alloc(&inv->doc->arena, sizeof(*g));
		if (!g)
			return -ENOMEM;
		memset(g, 0, sizeof(*g));
		g->id = id;
		for (tail = &inv->groups; *tail; tail = &(*tail)->next)
			;
		*tail = g;
	}
	g->members = arena_alloc(&inv->doc->arena, (n + 1) * sizeof(*g->members));
	if (!g->members)
		return -ENOMEM;
	if (n)	/* memcpy may not be given NULL, even for none */
		memcpy(g->members, members, n * sizeof(*members));
	g->nmembers = n;
	return 0;
}

const char *inventory_property(const struct inventory_computer *c, const char *name, size_t len)
{
	const struct inventory_property *p;

	for (p = c->properties; p; p = p->next)
		if (same(p->name, name, len))
			return p->value;
	return NULL;
}

static const char heartbeat_pack[] =
	"<ManagementPack SchemaVersion=\"2.0\"><Manifest><Identity><ID>Mpmon.Inventory</ID>"
	"<Version>1.0.0.0</Version></Identity><References>"
	"<Reference Alias=\"System\"><ID>System.Library</ID><Version>7.5.8501.0</Version></Reference>"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID><Version>7.5.8501.0</Version>"
	"</Reference></References></Manifest><Monitoring><Monitors>"
	"<UnitMonitor ID=\"Mpmon.Inventory.Heartbeat\" Accessibility=\"Public\" Enabled=\"true\" "
	"Target=\"System!System.Computer\" ParentMonitorID=\"Health!System.Health.AvailabilityState\" "
	"Remotable=\"true\" Priority=\"Normal\" TypeID=\"Mpmon.HeartbeatMonitorType\" "
	"ConfirmDelivery=\"false\"><Category>AvailabilityHealth</Category>"
	"<AlertSettings AlertMessage=\"Mpmon.Inventory.Heartbeat.AlertMessage\">"
	"<AlertOnState>Error</AlertOnState><AutoResolve>true</AutoResolve>"
	"<AlertPriority>High</AlertPriority><AlertSeverity>Error</AlertSeverity>"
	"<AlertParameters><AlertParameter1>$Target/Property[Type=\"System!System.Computer\"]/"
	"NetworkName$</AlertParameter1></AlertParameters></AlertSettings>"
	"<OperationalStates>"
	"<OperationalState ID=\"Heartbeat\" MonitorTypeStateID=\"Heartbeat\" HealthState=\"Success\"/>"
	"<OperationalState ID=\"HeartbeatFailure\" MonitorTypeStateID=\"HeartbeatFailure\" "
	"HealthState=\"Error\"/></OperationalStates>"
	"<Configuration><IntervalSeconds>%u</IntervalSeconds>"
	"<MissedHeartbeats>%u</MissedHeartbeats></Configuration></UnitMonitor>"
	"</Monitors></Monitoring><Presentation><StringResources>"
	"<StringResource ID=\"Mpmon.Inventory.Heartbeat.AlertMessage\"/></StringResources>"
	"</Presentation><LanguagePacks><LanguagePack ID=\"ENU\" IsDefault=\"true\"><DisplayStrings>"
	"<DisplayString ElementID=\"Mpmon.Inventory\"><Name>mpmon inventory</Name></DisplayString>"
	"<DisplayString ElementID=\"Mpmon.Inventory.Heartbeat\"><Name>Health Service Heartbeat</Name>"
	"</DisplayString><DisplayString ElementID=\"Mpmon.Inventory.Heartbeat.AlertMessage\">"
	"<Name>Health Service Heartbeat Failure</Name><Description>Nothing arrived from {0} for "
	"%u s (%u heartbeats of %u s missed): what runs on it is not monitored until "
	"it reports again.</Description></DisplayString></DisplayStrings><KnowledgeArticles>"
	"<KnowledgeArticle ElementID=\"Mpmon.Inventory.Heartbeat\" Visible=\"true\"><MamlContent>"
	"<maml:section xmlns:maml=\"http://schemas.microsoft.com/maml/2004/10\">"
	"<maml:title>Summary</maml:title><maml:para>The inventory lists this computer, and none of "
	"its logs or journal entries has reached mpmon for the heartbeat interval times the "
	"missed heartbeats allowed. Its monitors keep their last health, shown as not monitored: "
	"mpmon cannot tell how it is.</maml:para></maml:section>"
	"<maml:section xmlns:maml=\"http://schemas.microsoft.com/maml/2004/10\">"
	"<maml:title>Causes</maml:title><maml:list>"
	"<maml:listItem><maml:para>The computer is down, or cut off from the network (a firewall "
	"or filter rule, such as a System Defense filter, a switch port, a route).</maml:para>"
	"</maml:listItem><maml:listItem><maml:para>What forwards its logs stopped: rsyslog, "
	"systemd-journal-upload or the shipper, or the disk it writes to is full.</maml:para>"
	"</maml:listItem><maml:listItem><maml:para>The computer was renamed, and its events now "
	"carry another LoggingComputer than the inventory's.</maml:para></maml:listItem>"
	"</maml:list></maml:section>"
	"<maml:section xmlns:maml=\"http://schemas.microsoft.com/maml/2004/10\">"
	"<maml:title>Resolutions</maml:title><maml:list class=\"ordered\">"
	"<maml:listItem><maml:para>Check that the computer is up and reachable (ping, ssh) from "
	"where mpmon runs.</maml:para></maml:listItem>"
	"<maml:listItem><maml:para>On the computer, check the log forwarder (systemctl status "
	"rsyslog systemd-journal-upload) and the free space of its log disk.</maml:para>"
	"</maml:listItem><maml:listItem><maml:para>If it was renamed or retired, update the "
	"inventory.</maml:para></maml:listItem></maml:list></maml:section>"
	"</MamlContent></KnowledgeArticle></KnowledgeArticles></LanguagePack></LanguagePacks>"
	"</ManagementPack>";

int inventory_heartbeat_pack(const struct inventory *inv, struct buf *out)
{
	return buf_printf(out, heartbeat_pack, inv->interval, inv->missed, inv->interval * inv->missed,
			  inv->missed, inv->interval);
}
