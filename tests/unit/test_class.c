/*
 * Unit tests for the class model (mp-xml/class.c): a target's scope from its
 * Base chain and hosting, through the library classes, a pack's own classes
 * and relationships, and classes of another loaded pack; and the warning for
 * a class nobody defines; where an override's Context stands to a target.
 */
#include "mp-xml/mp.h"

#include "lib/diag.h"
#include "tests/unit/tap.h"

#include <string.h>

#define HEAD(id)                                                                       \
	"<ManagementPack SchemaVersion=\"2.0\"><Manifest><Identity><ID>" id "</ID>"    \
	"<Version>1.0.0.0</Version></Identity><References>"                           \
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID>"              \
	"<Version>7.5.8501.0</Version></Reference>"                                    \
	"<Reference Alias=\"System\"><ID>System.Library</ID>"                          \
	"<Version>7.5.8501.0</Version></Reference>"                                    \
	"<Reference Alias=\"SC\"><ID>Microsoft.SystemCenter.Library</ID>"              \
	"<Version>7.5.8501.0</Version></Reference>"                                    \
	"<Reference Alias=\"IG\"><ID>Microsoft.SystemCenter.InstanceGroup.Library</ID>" \
	"<Version>7.5.8501.0</Version></Reference>"                                    \
	"<Reference Alias=\"Lib\"><ID>Test.Lib</ID><Version>1.0.0.0</Version></Reference>" \
	"</References></Manifest>"

#define RULE(id, target)                                                              \
	"<Rule ID=\"" id "\" Enabled=\"true\" Target=\"" target "\"><Category>Alert</Category>" \
	"<DataSources/><WriteActions/></Rule>"

static const char *lib_xml =
	HEAD("Test.Lib")
	"<TypeDefinitions><EntityTypes><ClassTypes>"
	"<ClassType ID=\"Lib.App\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"Windows!Microsoft.Windows.LocalApplication\" Hosted=\"true\" Singleton=\"false\"/>"
	"</ClassTypes></EntityTypes></TypeDefinitions></ManagementPack>";

static const char *app_xml =
	HEAD("Test.App")
	"<TypeDefinitions><EntityTypes><ClassTypes>"
	"<ClassType ID=\"App.Role\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"Lib!Lib.App\" Hosted=\"true\" Singleton=\"false\"/>"
	"<ClassType ID=\"App.Group\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"IG!Microsoft.SystemCenter.InstanceGroup\" Hosted=\"false\" Singleton=\"true\"/>"
	"<ClassType ID=\"App.Farm\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"System!System.Service\" Hosted=\"false\" Singleton=\"false\"/>"
	"<ClassType ID=\"App.FarmNode\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"System!System.LogicalEntity\" Hosted=\"true\" Singleton=\"false\"/>"
	"</ClassTypes><RelationshipTypes>"
	"<RelationshipType ID=\"App.FarmHostsNode\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"System!System.Hosting\"><Source ID=\"Farm\" Type=\"App.Farm\"/>"
	"<Target ID=\"Node\" Type=\"App.FarmNode\"/></RelationshipType>"
	"</RelationshipTypes></EntityTypes></TypeDefinitions>"
	"<Monitoring><Rules>"
	RULE("R.Role", "App.Role")
	RULE("R.Lib", "Lib!Lib.App")
	RULE("R.Computer", "Windows!Microsoft.Windows.Computer")
	RULE("R.OS", "Windows!Microsoft.Windows.Server.OperatingSystem")
	RULE("R.Pool", "SC!Microsoft.SystemCenter.AllManagementServersPool")
	RULE("R.Group", "App.Group")
	RULE("R.Farm", "App.Farm")
	RULE("R.Node", "App.FarmNode")
	RULE("R.Unknown", "Other!Other.Class")
	RULE("R.Unknown2", "Other!Other.Class")
	"</Rules></Monitoring></ManagementPack>";

static struct mp_pack *load(const char *name, const char *xml)
{
	struct mp_pack *p = NULL;
	struct diag d;

	diag_init(&d);
	if (mp_load(name, xml, strlen(xml), &p, &d) < 0 || !p)
		tap_diag("%s does not load", name);
	diag_release(&d);
	return p;
}

static enum mp_scope scope_of(const struct mp_pack *p, const char *rule)
{
	const struct mp_rule *r = mp_pack_rule(p, rule);

	return r ? r->scope : (enum mp_scope)-1;
}

static void test_scopes(void)
{
	struct mp_pack *lib = load("lib.xml", lib_xml), *app = load("app.xml", app_xml);
	struct mp_pack *both[2] = { lib, app };
	struct diag d;
	size_t i, unknown = 0;

	if (!lib || !app)
		goto out;
	/* alone, the pack does not know Lib.App: taken as on a computer */
	is_int(scope_of(app, "R.Role"), MP_SCOPE_COMPUTER, "alone: a class of a pack not loaded");
	diag_init(&d);
	mp_scopes_resolve(both, 2, &d);
	is_int(scope_of(app, "R.Role"), MP_SCOPE_COMPUTER,
	       "a class based on another pack's LocalApplication is on a computer");
	is_int(scope_of(app, "R.Lib"), MP_SCOPE_COMPUTER, "another pack's class");
	is_int(scope_of(app, "R.Computer"), MP_SCOPE_COMPUTER, "a computer class itself");
	is_int(scope_of(app, "R.OS"), MP_SCOPE_COMPUTER, "the library's operating system");
	is_int(scope_of(app, "R.Pool"), MP_SCOPE_ONE, "the management servers pool: one");
	is_int(scope_of(app, "R.Group"), MP_SCOPE_ONE, "a singleton instance group: one");
	is_int(scope_of(app, "R.Farm"), MP_SCOPE_ONE, "an unhosted service class: one");
	is_int(scope_of(app, "R.Node"), MP_SCOPE_ONE,
	       "hosted through a pack's System.Hosting relationship by an unhosted class: one");
	is_int(scope_of(app, "R.Unknown"), MP_SCOPE_COMPUTER, "an unknown class: on a computer");
	for (i = 0; i < d.n; i++)
		if (strstr(d.v[i].message, "'Other!Other.Class' is a class no loaded pack defines"))
			unknown++;
	is_int((int64_t)unknown, 1, "an unknown class is warned about once per pack");
	is_int((int64_t)d.errors, 0, "no errors");
	diag_release(&d);
out:
	mp_pack_free(lib);
	mp_pack_free(app);
}

/* Where an override's Context stands to a target, and how far up its Base chain. */
static void test_contexts(void)
{
	struct mp_pack *lib = load("lib.xml", lib_xml), *app = load("app.xml", app_xml);
	struct mp_pack *both[2] = { lib, app };
	int depth = -1;

	if (!lib || !app)
		goto out;
	is_int(mp_context_of(both, 2, app, "Test.App", "App.Role", app, "App.Role", &depth),
	       MP_CONTEXT_TARGET, "context: the target itself");
	is_int(depth, 0, "context: the target is 0 steps up");
	is_int(mp_context_of(both, 2, app, "Test.Lib", "Lib.App", app, "App.Role", &depth),
	       MP_CONTEXT_BASE, "context: another pack's base class");
	is_int(depth, 1, "context: the direct base is 1 step up");
	is_int(mp_context_of(both, 2, app, "System.Library", "System.Entity", app, "App.Role",
			     &depth), MP_CONTEXT_BASE, "context: System.Entity, through the library");
	is_int(depth, 6, "context: System.Entity is 6 steps above App.Role");
	is_int(mp_context_of(both, 2, app, "Test.App", "App.Role", app, "Lib!Lib.App", &depth),
	       MP_CONTEXT_DERIVED, "context: a class derived from the target");
	is_int(mp_context_of(both, 2, app, "Test.App", "App.Group", app, "App.Role", &depth),
	       MP_CONTEXT_GROUP, "context: an instance group");
	is_int(mp_context_of(both, 2, app, "Test.App", "App.Farm", app, "App.Role", &depth),
	       MP_CONTEXT_OTHER, "context: an unrelated class");
	is_int(mp_context_of(both, 2, app, "Other", "Other.Class", app, "App.Role", &depth),
	       MP_CONTEXT_UNKNOWN, "context: a class defined nowhere");
out:
	mp_pack_free(lib);
	mp_pack_free(app);
}

int main(void)
{
	test_scopes();
	test_contexts();
	return tap_done();
}
