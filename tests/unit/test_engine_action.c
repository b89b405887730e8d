/*
 * The engine's diagnostics and recoveries (monitors/engine_action.c) with
 * synthetic events: which actions a state change sets off and in which order,
 * their arguments filled from the event (hostile text stays one argument;
 * without an event the instance stands in), a recovery's condition on its
 * diagnostic's output, and the notes and counts for those that do not run.
 */
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SEC 1000000LL

#define EXPR_NUM(n) \
	"<SimpleExpression><ValueExpression><XPathQuery Type=\"UnsignedInteger\">EventDisplayNumber" \
	"</XPathQuery></ValueExpression><Operator>Equal</Operator><ValueExpression>" \
	"<Value Type=\"UnsignedInteger\">" n "</Value></ValueExpression></SimpleExpression>"

/* Line numbers matter for the notes: each element that can be noted on its own line. */
static const char pack[] =
	"<ManagementPack>\n"									/* 1 */
	"<Manifest><Identity><ID>A</ID><Version>1.0</Version></Identity><References>"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"System\"><ID>System.Library</ID></Reference></References></Manifest>\n"
	"<Monitoring><Monitors>\n"
	"<UnitMonitor ID=\"T.Svc\" TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\">"
	"<OperationalStates><OperationalState ID=\"Up\" MonitorTypeStateID=\"FirstEventRaised\" "
	"HealthState=\"Success\"/><OperationalState ID=\"Down\" MonitorTypeStateID=\"SecondEventRaised\" "
	"HealthState=\"Error\"/></OperationalStates><Configuration><FirstLogName>App</FirstLogName>"
	"<FirstExpression>" EXPR_NUM("1004") "</FirstExpression><SecondLogName>App</SecondLogName>"
	"<SecondExpression>" EXPR_NUM("1003") "</SecondExpression>"
	"<InstanceField>LoggingComputer</InstanceField></Configuration></UnitMonitor>\n"	/* 4 */
	"</Monitors><Diagnostics>\n"
	"<Diagnostic ID=\"D.Echo\" Monitor=\"T.Svc\" ExecuteOnState=\"Error\" Timeout=\"40\">"
	"<ProbeAction ID=\"P\" TypeID=\"System!System.CommandExecuterProbe\">"
	"<ApplicationName>/bin/echo</ApplicationName><CommandLine>unit \"$Data/Context/EventDescription$\" "
	"host=$Target/Host/Property[Type=\"Windows!Microsoft.Windows.Computer\"]/NetworkName$ "
	"$Data/Context/Params/Param[1]$ cost$5$</CommandLine></ProbeAction></Diagnostic>\n"	/* 6 */
	"<Diagnostic ID=\"D.Ok\" Monitor=\"T.Svc\" ExecuteOnState=\"Success\">"
	"<ProbeAction ID=\"P\" TypeID=\"System!System.CommandExecuterProbe\">"
	"<ApplicationName>/bin/true</ApplicationName><CommandLine>"
	"$Target/Host/Property[Type=\"Windows!Microsoft.Windows.Computer\"]/PrincipalName$</CommandLine>"
	"<TimeoutSeconds>7</TimeoutSeconds></ProbeAction></Diagnostic>\n"
	"<Diagnostic ID=\"D.Off\" Monitor=\"T.Svc\" ExecuteOnState=\"Error\" Enabled=\"false\">"
	"<ProbeAction ID=\"P\" TypeID=\"System!System.CommandExecuterProbe\">"
	"<ApplicationName>/bin/true</ApplicationName></ProbeAction></Diagnostic>\n"		/* 8 */
	"<Diagnostic ID=\"D.Ref\" Monitor=\"T.Svc\" ExecuteOnState=\"Error\">"
	"<ProbeAction ID=\"P\" TypeID=\"System!System.CommandExecuterProbe\">"
	"<ApplicationName>/bin/true</ApplicationName><CommandLine>"
	"$Target/Property[Type=\"Windows!Microsoft.Windows.Computer\"]/Version$</CommandLine></ProbeAction></Diagnostic>\n"	/* 9 */
	"<Diagnostic ID=\"D.PS\" Monitor=\"T.Svc\" ExecuteOnState=\"Error\">"
	"<ProbeAction ID=\"P\" TypeID=\"Windows!Microsoft.Windows.PowerShellProbe\"/></Diagnostic>\n"
	"</Diagnostics><Recoveries>\n"
	"<Recovery ID=\"R.State\" Monitor=\"T.Svc\" ExecuteOnState=\"Error\" ResetMonitor=\"true\">"
	"<WriteAction ID=\"W\" TypeID=\"System!System.CommandExecuter\">"
	"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"		/* 12 */
	"<Recovery ID=\"R.After\" Monitor=\"T.Svc\" ExecuteOnDiagnostic=\"D.Echo\">"
	"<ConditionDetection ID=\"C\" TypeID=\"System!System.ExpressionFilter\"><Expression><And>"
	"<Expression><SimpleExpression><ValueExpression><XPathQuery Type=\"Integer\">"
	"Diagnostic/DataItem/ExitCode</XPathQuery></ValueExpression><Operator>Equal</Operator>"
	"<ValueExpression><Value Type=\"Integer\">0</Value></ValueExpression></SimpleExpression>"
	"</Expression><Expression><RegExExpression><ValueExpression><XPathQuery>"
	"Diagnostic/DataItem/StdOut</XPathQuery></ValueExpression><Operator>ContainsSubstring"
	"</Operator><Pattern>ok</Pattern></RegExExpression></Expression></And></Expression>"
	"</ConditionDetection><WriteAction ID=\"W\" TypeID=\"System!System.CommandExecuter\">"
	"<ApplicationName>/usr/bin/systemctl</ApplicationName><CommandLine>restart -- "
	"$Data/Context/Params/Param[2]$</CommandLine></WriteAction></Recovery>\n"		/* 13 */
	"<Recovery ID=\"R.Orphan\" Monitor=\"T.Svc\" ExecuteOnDiagnostic=\"D.PS\">"
	"<WriteAction ID=\"W\" TypeID=\"System!System.CommandExecuter\">"
	"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"		/* 14 */
	"<Recovery ID=\"R.BadCond\" Monitor=\"T.Svc\" ExecuteOnDiagnostic=\"D.Echo\">\n"
	"<ConditionDetection ID=\"C\" TypeID=\"System!System.ExpressionFilter\"><Expression>\n"
	"<Frobnicate/></Expression></ConditionDetection>"					/* 17 */
	"<WriteAction ID=\"W\" TypeID=\"System!System.CommandExecuter\">"
	"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"
	"</Recoveries></Monitoring>\n"
	"</ManagementPack>\n";

struct ctx {
	struct engine *e;
	struct buf got;		/* "ID(argv|...) " per action, in order */
	int argv_rc;		/* engine_action_argv's result for the last action */
	size_t max;		/* passed to engine_action_argv */
	const struct monitor *mon;	/* T.Svc, as its state changes name it */
};

/* Only the ID, for engine_actions_after. */
static int record(void *arg, const struct engine_action *a)
{
	struct ctx *x = arg;
	struct engine_action_info in;

	engine_action_get(a, &in);
	buf_printf(&x->got, "%s(", in.id);
	return 0;
}

static const struct state_change *last_change;

static int record_argv(void *arg, const struct engine_action *a)
{
	struct ctx *x = arg;
	struct engine_action_info in;
	struct buf argv;
	size_t argc = 0, i;
	const char *s;

	engine_action_get(a, &in);
	buf_init(&argv);
	x->argv_rc = engine_action_argv(a, last_change, x->max, &argv, &argc);
	buf_printf(&x->got, "%s(", in.id);
	for (i = 0, s = argv.data; x->argv_rc == 0 && i < argc; i++, s += strlen(s) + 1)
		buf_printf(&x->got, "[%s]", s);
	buf_puts(&x->got, ") ");
	buf_release(&argv);
	return 0;
}

static void emit(void *arg, const struct state_change *c)
{
	struct ctx *x = arg;

	last_change = c;
	x->mon = c->monitor;
	engine_actions_for(x->e, c, record_argv, x);
	last_change = NULL;
}

static void feed(struct engine *e, const char *num, const char *host, const char *desc,
		 size_t desc_len, const char *p1, const char *p2, int64_t t)
{
	struct event ev;

	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("App"));
	event_set(&ev, "EventDisplayNumber", 18, str_of(num));
	event_set(&ev, "LoggingComputer", 15, str_of(host));
	event_set(&ev, "EventDescription", 16, (struct str){ desc, desc_len });
	event_add_param(&ev, str_of(p1));
	event_add_param(&ev, str_of(p2));
	engine_feed(e, &ev, t);
}

static bool has(const struct diag *d, enum diag_severity sev, long line, const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == sev && d->v[i].line == line && strstr(d->v[i].message, text))
			return true;
	return false;
}

static const char *after_ids(const struct engine *e, const char *monitor, const char *id,
			     struct ctx *x)
{
	const struct engine_action *a = engine_action_find(e, monitor, id);

	buf_reset(&x->got);
	if (a)
		engine_actions_after(e, a, record, x);
	return x->got.data;
}

int main(void)
{
	static const char hostile[] = "it's down; rm -rf / $(reboot) \"q\" `id` * ~";
	struct ctx x = { .max = 65536 };
	const struct engine_action *a;
	struct engine_action_info in;
	struct engine_stats st;
	struct mp_pack *p = NULL;
	struct diag d;
	size_t i;

	diag_init(&d);
	buf_init(&x.got);
	is_int(mp_load("a.xml", pack, strlen(pack), &p, &d), 0, "pack loads");
	x.e = engine_new(emit, &x);
	is_int(engine_add_pack(x.e, p, &d), 0, "engine takes the pack");
	engine_get_stats(x.e, &st);
	is_int((int64_t)st.actions_run, 4, "4 actions run: D.Echo, D.Ok, R.State, R.After");
	is_int((int64_t)st.actions_off, 1, "1 off in the pack: D.Off");
	is_int((int64_t)st.actions_disabled, 4, "4 will not run: D.Ref, D.PS, R.Orphan, R.BadCond");
	ok(has(&d, DIAG_NOTE, 8, "diagnostic 'D.Off' is turned off in the pack"), "off: noted");
	ok(has(&d, DIAG_NOTE, 9, "diagnostic 'D.Ref' will not run: its reference "
	       "'$Target/Property[Type=\"Windows!Microsoft.Windows.Computer\"]/Version$' has no value on Linux"),
	   "a reference without a value: noted, the action does not run");
	ok(has(&d, DIAG_NOTE, 14, "recovery 'R.Orphan' will not run: it runs after diagnostic "
	       "'D.PS', which does not run"), "a recovery after a diagnostic that does not run");
	ok(d.errors == 1 && has(&d, DIAG_ERROR, 17, "Frobnicate"),
	   "a bad condition is an error at its line (%zu errors)", d.errors);
	if (d.errors != 1)
		for (i = 0; i < d.n; i++)
			tap_diag("  %ld: %s", d.v[i].line, d.v[i].message);

	a = engine_action_find(x.e, "T.Svc", "D.Echo");
	ok(a != NULL, "engine_action_find finds D.Echo");
	if (a) {
		engine_action_get(a, &in);
		ok(in.kind == ENGINE_DIAGNOSTIC && in.timeout_s == 40 && !in.has_condition,
		   "D.Echo: a diagnostic, the element's Timeout when TimeoutSeconds is absent");
	}
	a = engine_action_find(x.e, "T.Svc", "D.Ok");
	if (a) {
		engine_action_get(a, &in);
		is_int(in.timeout_s, 7, "D.Ok: TimeoutSeconds");
	}
	a = engine_action_find(x.e, "T.Svc", "R.State");
	if (a) {
		engine_action_get(a, &in);
		ok(in.kind == ENGINE_RECOVERY && in.reset_monitor, "R.State: a recovery that resets");
	}
	ok(!engine_action_find(x.e, "Other", "D.Echo") && !engine_action_find(x.e, "T.Svc", "D.Off"),
	   "engine_action_find: another monitor's or one that does not run: none");

	/* entering Error: the diagnostic, then the recovery on state; hostile text stays whole */
	feed(x.e, "1003", "web1", hostile, strlen(hostile), "a b", "nginx.service", 10 * SEC);
	is_str(x.got.data, "D.Echo([/bin/echo][unit][it's down; rm -rf / $(reboot) \"q\" `id` * ~]"
	       "[host=web1][a b][cost$5$]) R.State([/bin/true]) ",
	       "Error: D.Echo with its arguments filled in, then R.State; R.After waits for D.Echo");
	buf_reset(&x.got);
	feed(x.e, "1003", "web1", "again", 5, "", "", 11 * SEC);
	is_str(x.got.data, "", "no change of health: nothing runs");
	feed(x.e, "1004", "web1", "up", 2, "", "", 12 * SEC);
	is_str(x.got.data, "D.Ok([/bin/true][web1]) ", "back to Success: D.Ok");
	buf_reset(&x.got);
	feed(x.e, "1003", "web1", "down", 4, "", "", 13 * SEC);
	buf_reset(&x.got);
	engine_reset(x.e, "T.Svc", NULL, "web1", 14 * SEC);
	is_str(x.got.data, "D.Ok([/bin/true][web1]) ",
	       "a reset without an event: the instance stands in for the computer");

	is_str(after_ids(x.e, "T.Svc", "D.Echo", &x), "R.After(",
	       "engine_actions_after(D.Echo): R.After only");
	a = engine_action_find(x.e, "T.Svc", "R.After");
	ok(a && engine_action_condition(a, str_of("all ok"), str_of(""), 0),
	   "condition: exit 0 and 'ok' in the output passes");
	ok(a && !engine_action_condition(a, str_of("all ok"), str_of(""), 1),
	   "condition: exit 1 does not");
	ok(a && !engine_action_condition(a, str_of("failed"), str_of("ok"), 0),
	   "condition: 'ok' only in stderr does not");
	a = engine_action_find(x.e, "T.Svc", "R.State");
	ok(a && engine_action_condition(a, str_of(""), str_of(""), 3),
	   "no condition: always passes");

	/* a NUL byte from the event cannot be an argument; a bound on the size */
	buf_reset(&x.got);
	feed(x.e, "1003", "web2", "nul\0here", 8, "", "", 20 * SEC);
	is_int(x.argv_rc, 0, "R.State has no reference: its vector is fine");
	ok(strstr(x.got.data, "D.Echo() ") != NULL, "D.Echo's vector is refused (%s)", x.got.data);
	feed(x.e, "1004", "web2", "", 0, "", "", 21 * SEC);
	x.max = 12;
	buf_reset(&x.got);
	feed(x.e, "1003", "web2", "a long enough description", 25, "", "", 22 * SEC);
	ok(strstr(x.got.data, "D.Echo() ") != NULL, "a vector over the bound is refused");
	x.max = 65536;
	{
		struct state_change c = { .kind = CHANGE_MONITOR, .monitor_id = "T.Svc", .monitor = x.mon,
					  .instance = "web3", .instance_len = 4,
					  .from = MP_HEALTH_SUCCESS, .to = MP_HEALTH_ERROR };
		struct buf v;
		size_t argc;

		buf_init(&v);
		a = engine_action_find(x.e, "T.Svc", "D.Echo");
		is_int(a ? engine_action_argv(a, &c, 10, &v, &argc) : 1, -E2BIG,
		       "engine_action_argv: -E2BIG past max");
		buf_reset(&v);
		c.instance = "x\0y";
		c.instance_len = 3;
		is_int(a ? engine_action_argv(a, &c, 4096, &v, &argc) : 1, -EINVAL,
		       "engine_action_argv: -EINVAL for a NUL byte from the instance");
		buf_release(&v);
	}

	engine_free(x.e);
	mp_pack_free(p);
	buf_release(&x.got);
	diag_release(&d);
	return tap_done();
}
