/*
 * Unit tests of the monitor types the engine decides on across its packs
 * (monitors/engine_type.c): a type defined nowhere is an error, a type that
 * exists but cannot run a warning, in whichever order the packs come; a
 * Configuration element a type does not take is an error at its own line,
 * with the name it is a slip for; the reason a monitor stays out is kept.
 */
#include "monitors/engine.h"
#include "mp-xml/mp.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "tests/unit/tap.h"

#include <stdio.h>
#include <string.h>

#define EXPR_NUM(n) \
	"<SimpleExpression><ValueExpression><XPathQuery>EventDisplayNumber</XPathQuery>" \
	"</ValueExpression><Operator>Equal</Operator><ValueExpression><Value>" n "</Value>" \
	"</ValueExpression></SimpleExpression>"

/* A timer monitor of type; its Configuration on lines 5 to 8 ends with extra. */
#define TIMER(id, type, extra) \
	"<UnitMonitor ID=\"" id "\" Target=\"Windows!Microsoft.Windows.Computer\" " \
	"TypeID=\"" type "\"><OperationalStates>" \
	"<OperationalState ID=\"Up\" MonitorTypeStateID=\"TimerEventRaised\" HealthState=\"Success\"/>" \
	"<OperationalState ID=\"Down\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Error\"/>" \
	"</OperationalStates><Configuration>\n" \
	"<ComputerName>.</ComputerName><LogName>App</LogName>\n" \
	"<Expression>" EXPR_NUM("1") "</Expression>\n" \
	extra "</Configuration></UnitMonitor>\n"

/* A pack with id, its References and TypeDefinitions on line 2, its monitors from line 4. */
static void pack_text(struct buf *b, const char *id, const char *refs, const char *types,
		      const char *monitors)
{
	buf_reset(b);
	buf_printf(b, "<ManagementPack>\n<Manifest><Identity><ID>%s</ID><Version>1.0</Version>"
		   "</Identity><References><Reference Alias=\"Windows\"><ID>Microsoft.Windows."
		   "Library</ID></Reference>%s</References></Manifest><TypeDefinitions>%s"
		   "</TypeDefinitions>\n<Monitoring><Monitors>\n%s</Monitors></Monitoring>\n"
		   "</ManagementPack>\n", id, refs, types, monitors);
}

static struct mp_pack *load(const char *name, const char *id, const char *refs,
			    const char *types, const char *monitors, struct diag *d)
{
	struct mp_pack *p = NULL;
	struct buf b;

	buf_init(&b);
	pack_text(&b, id, refs, types, monitors);
	mp_load(name, b.data, b.len, &p, d);
	buf_release(&b);
	return p;
}

/* Whether d holds an entry that formats as want; if not, what it holds is shown. */
static bool has(const struct diag *d, const char *want)
{
	struct buf b;
	bool found = false;
	size_t i;

	buf_init(&b);
	for (i = 0; i < d->n && !found; i++)
		found = diag_format(&d->v[i], &b) && strcmp(b.data, want) == 0;
	for (i = 0; i < d->n && !found; i++)
		tap_diag("  %s", diag_format(&d->v[i], &b));
	buf_release(&b);
	return found;
}

static void test_misspelt_element(void)
{
	struct engine *e = engine_new(NULL, NULL);
	struct engine_stats st;
	struct mp_pack *p;
	struct diag d;

	diag_init(&d);
	p = load("t.xml", "T.Pack", "", "",
		 TIMER("T.Typo", "Windows!Microsoft.Windows.SingleEventLogTimer2StateMonitorType",
		       "<TimerWaitInSecond>60</TimerWaitInSecond>\n")
		 TIMER("T.Good", "Windows!Microsoft.Windows.SingleEventLogTimer2StateMonitorType",
		       "<TimerWaitInSeconds>60</TimerWaitInSeconds><InstanceField>LoggingComputer"
		       "</InstanceField>\n")
		 TIMER("T.Odd", "Windows!Microsoft.Windows.SingleEventLogManualReset2StateMonitorType",
		       "<Frequency>60</Frequency>\n"), &d);
	ok(p && engine_add_pack(e, p, &d) == 0, "misspelt: the engine takes the pack");
	ok(has(&d, "t.xml:7: monitor 'T.Typo': type 'Windows!Microsoft.Windows."
		   "SingleEventLogTimer2StateMonitorType' takes no configuration element "
		   "'TimerWaitInSecond'; did you mean 'TimerWaitInSeconds'?"),
	   "a misspelt element is named at its own line, with the name it is a slip for");
	ok(has(&d, "t.xml:4: monitor 'T.Typo': configuration lacks 'TimerWaitInSeconds'"),
	   "... and the element the type needs is still missing");
	ok(has(&d, "t.xml:17: monitor 'T.Odd': type 'Windows!Microsoft.Windows."
		   "SingleEventLogManualReset2StateMonitorType' takes no configuration element "
		   "'Frequency' (it takes InstanceField, MaxInstances, LogName, ComputerName, "
		   "Expression)"), "an element far from any: the names the type takes");
	is_int((int64_t)d.errors, 3, "misspelt: three errors (ComputerName, InstanceField are taken)");
	engine_get_stats(e, &st);
	ok(st.monitors_run == 1 && st.monitors_disabled == 2 &&
	   engine_monitor_status(e, "T.Good") == ENGINE_RUN, "only the right monitor runs");
	is_str(engine_monitor_why(e, "T.Typo"),
	       "type 'Windows!Microsoft.Windows.SingleEventLogTimer2StateMonitorType' takes no "
	       "configuration element 'TimerWaitInSecond'; did you mean 'TimerWaitInSeconds'?",
	       "why: the first problem, without the monitor's name");
	ok(engine_monitor_why(e, "T.Good") == NULL && engine_monitor_why(e, "T.None") == NULL,
	   "why: nothing for a monitor that runs or is not there");
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

/* A UnitMonitorType composed in a pack: its Configuration schema names its elements. */
#define COMPOSED_TYPE \
	"<MonitorTypes><UnitMonitorType ID=\"Lib.Composed\"><MonitorTypeStates>" \
	"<MonitorTypeState ID=\"Up\"/></MonitorTypeStates><Configuration>" \
	"<xsd:element xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" name=\"IntervalSeconds\" " \
	"type=\"xsd:integer\"/></Configuration></UnitMonitorType></MonitorTypes>"

static const char user_monitors[] =
	"<UnitMonitor ID=\"U.Composed\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"TypeID=\"Lib!Lib.Composed\"><Configuration>\n"		/* 4 */
	"<IntervalSecond>60</IntervalSecond></Configuration></UnitMonitor>\n" /* 5 */
	"<UnitMonitor ID=\"U.Nowhere\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"TypeID=\"Lib!Lib.NoSuchType\"><Configuration/></UnitMonitor>\n"	/* 6 */
	"<UnitMonitor ID=\"U.Mpmon\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"TypeID=\"Mpmon.NoSuch2StateMonitorType\"><Configuration/></UnitMonitor>\n" /* 7 */
	"<UnitMonitor ID=\"U.Windows\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"TypeID=\"Windows!Microsoft.Windows.WmiEventProvider2StateMonitorType\">"
	"<Configuration/></UnitMonitor>\n";				/* 8 */

#define LIB_REF "<Reference Alias=\"Lib\"><ID>Lib.Pack</ID></Reference>"

/*
 * The types of user.xml: Lib!Lib.Composed is composed in lib.xml, Lib!Lib.NoSuchType
 * is defined nowhere once lib.xml is loaded (whichever comes first), an unknown
 * Mpmon. type is defined nowhere, a Windows type mpmon does not run is real.
 */
static void test_across_packs(bool lib_first)
{
	const char *order = lib_first ? "library first" : "library last";
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *user, *lib;
	struct diag d;

	diag_init(&d);
	user = load("user.xml", "User.Pack", LIB_REF, "", user_monitors, &d);
	lib = load("lib.xml", "Lib.Pack", "", COMPOSED_TYPE, "", &d);
	is_int((int64_t)d.errors, 0, "across packs: each pack alone loads without errors");
	ok(engine_add_pack(e, lib_first ? lib : user, &d) == 0 &&
	   engine_add_pack(e, lib_first ? user : lib, &d) == 0, "across packs: %s: added", order);
	ok(has(&d, "user.xml:6: monitor 'U.Nowhere': type 'Lib!Lib.NoSuchType' resolves nowhere: "
		   "pack 'Lib.Pack' (lib.xml) defines no 'Lib.NoSuchType'"),
	   "%s: a type the referenced pack lacks is an error", order);
	ok(has(&d, "user.xml:7: monitor 'U.Mpmon': type 'Mpmon.NoSuch2StateMonitorType' resolves "
		   "nowhere: mpmon's own library has no type 'Mpmon.NoSuch2StateMonitorType'"),
	   "%s: an Mpmon. type mpmon does not have is an error", order);
	ok(has(&d, "user.xml:8: warning: monitor 'U.Windows': type 'Windows!Microsoft.Windows."
		   "WmiEventProvider2StateMonitorType' is not supported by mpmon yet; the monitor "
		   "stays disabled"), "%s: a real SCOM type mpmon does not run is a warning", order);
	if (lib_first) {
		ok(has(&d, "user.xml:4: warning: monitor 'U.Composed': type 'Lib!Lib.Composed' is "
			   "composed in pack 'Lib.Pack' (lib.xml); mpmon does not run composed "
			   "types yet, the monitor stays disabled"),
		   "library first: a type composed in it is a warning");
		ok(has(&d, "user.xml:5: monitor 'U.Composed': type 'Lib!Lib.Composed' takes no "
			   "configuration element 'IntervalSecond'; did you mean 'IntervalSeconds'?"),
		   "library first: its Configuration is checked against the type's schema");
		is_int((int64_t)d.errors, 3, "library first: three errors");
	} else {
		ok(has(&d, "user.xml:4: warning: monitor 'U.Composed': type 'Lib!Lib.Composed' is "
			   "defined in pack 'Lib.Pack', which is not loaded; the monitor stays "
			   "disabled"), "library last: a pack not loaded yet cannot be told");
		is_int((int64_t)d.errors, 2, "library last: two errors");
	}
	is_str(engine_monitor_why(e, "U.Mpmon"),
	       "type 'Mpmon.NoSuch2StateMonitorType' resolves nowhere: mpmon's own library has no "
	       "type 'Mpmon.NoSuch2StateMonitorType'", "why: the error that kept it out");
	engine_free(e);
	mp_pack_free(user);
	mp_pack_free(lib);
	diag_release(&d);
}

/* A pack referenced but never loaded: mpmon cannot tell, and says so. */
static void test_pack_not_loaded(void)
{
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p;
	struct diag d;

	diag_init(&d);
	p = load("user.xml", "User.Pack", LIB_REF, "", user_monitors, &d);
	ok(p && engine_add_pack(e, p, &d) == 0, "not loaded: added");
	ok(has(&d, "user.xml:6: warning: monitor 'U.Nowhere': type 'Lib!Lib.NoSuchType' is "
		   "defined in pack 'Lib.Pack', which is not loaded; the monitor stays disabled"),
	   "not loaded: a warning names the pack");
	is_int((int64_t)d.errors, 1, "not loaded: only the Mpmon. type is an error");
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

/* A monitor the pack turns off says so; one that does not run says why. */
static void test_why(void)
{
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p;
	struct diag d;

	diag_init(&d);
	p = load("w.xml", "W.Pack", "", "",
		 "<UnitMonitor ID=\"W.Off\" Enabled=\"false\" Target=\"Windows!Microsoft.Windows."
		 "Computer\" TypeID=\"Windows!Microsoft.Windows.SingleEventLogManualReset2State"
		 "MonitorType\"><OperationalStates><OperationalState ID=\"R\" MonitorTypeStateID="
		 "\"EventRaised\" HealthState=\"Error\"/><OperationalState ID=\"M\" "
		 "MonitorTypeStateID=\"ManualResetEventRaised\" HealthState=\"Success\"/>"
		 "</OperationalStates><Configuration><LogName>App</LogName><Expression>"
		 EXPR_NUM("1") "</Expression></Configuration></UnitMonitor>\n"
		 "<UnitMonitor ID=\"W.Bare\" Target=\"Windows!Microsoft.Windows.Computer\" "
		 "TypeID=\"Windows!Microsoft.Windows.SingleEventLogManualReset2StateMonitorType\"/>\n",
		 &d);
	ok(p && engine_add_pack(e, p, &d) == 0, "why: added");
	is_str(engine_monitor_why(e, "W.Off"), "it is turned off in the pack (Enabled=\"false\")",
	       "why: off in the pack");
	is_str(engine_monitor_why(e, "W.Bare"), "has no Configuration", "why: no Configuration");
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

int main(void)
{
	test_misspelt_element();
	test_across_packs(true);
	test_across_packs(false);
	test_pack_not_loaded();
	test_why();
	return tap_done();
}
