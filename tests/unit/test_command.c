/*
 * Unit tests for the commands of diagnostics and recoveries (mp-xml/command.c):
 * CommandLine split into arguments by the documented rule, with no shell and
 * references kept whole; System.CommandExecuterProbe and System.CommandExecuter
 * read through the pack's References; a ConditionDetection's expression; the
 * modules mpmon does not run noted, and mistakes in a command reported at
 * their FILE:LINE.
 */
#include "mp-xml/mp.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The arguments of s joined with '|', or "ERR@N: message". */
static const char *split(const char *s, struct buf *show)
{
	const char *err = NULL, *a;
	size_t n = 0, at = 0, i;
	struct buf b;
	int r;

	buf_init(&b);
	buf_reset(show);
	r = mp_command_split(s, &b, &n, &err, &at);
	if (r < 0) {
		buf_printf(show, "ERR@%zu: %s", at, err ? err : "?");
	} else {
		for (i = 0, a = b.data; i < n; i++, a += strlen(a) + 1)
			buf_printf(show, "%s[%s]", i ? "|" : "", a);
		if (!n)
			buf_puts(show, "(none)");
	}
	buf_release(&b);
	return show->data;
}

static void test_split(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
		{ "", "(none)", "empty: no arguments" },
		{ "  \t\n ", "(none)", "blanks only: no arguments" },
		{ "start \"ADSync\"", "[start]|[ADSync]", "a SCOM pack's CommandLine" },
		{ "-c  'sleep 100'", "[-c]|[sleep 100]", "single quotes keep blanks" },
		{ "a\tb\nc\r\nd", "[a]|[b]|[c]|[d]", "tabs and newlines separate too" },
		{ "'it''s'", "[its]", "adjacent single-quoted pieces join" },
		{ "'a \\ \" $x'", "[a \\ \" $x]", "single quotes: everything as it is" },
		{ "\"say \\\"hi\\\" \\\\ \\n\"", "[say \"hi\" \\ \\n]",
		  "double quotes: \\\" and \\\\ are escapes, other backslashes stay" },
		{ "a\\ b c\\'d", "[a b]|[c'd]", "outside quotes a backslash takes the next character" },
		{ "x\"y z\"'w'", "[xy zw]", "quoted and unquoted pieces make one argument" },
		{ "\"\" ''", "[]|[]", "empty quotes are empty arguments" },
		{ "; rm -rf / | cat > /tmp/x & $(id) `id` *.log ~ $HOME",
		  "[;]|[rm]|[-rf]|[/]|[|]|[cat]|[>]|[/tmp/x]|[&]|[$(id)]|[`id`]|[*.log]|[~]|[$HOME]",
		  "shell syntax is plain text" },
		{ "--unit=$Data/Context/Params/Param[1]$ $Target/Host/Property[Type=\"W!C\"]/NetworkName$",
		  "[--unit=$Data/Context/Params/Param[1]$]|"
		  "[$Target/Host/Property[Type=\"W!C\"]/NetworkName$]",
		  "references stay whole, their quotes included" },
		{ "\"host $Target/Property[Type=\"X\"]/PrincipalName$ up\"",
		  "[host $Target/Property[Type=\"X\"]/PrincipalName$ up]",
		  "a reference inside double quotes stays whole" },
		{ "cost$ 5$", "[cost$]|[5$]", "a $ that starts no reference is text" },
		{ "a 'b", "ERR@2: single quote without its end", "unterminated single quote" },
		{ "\"a\\\"", "ERR@0: double quote without its end", "unterminated double quote" },
		{ "a b\\", "ERR@3: backslash at the end", "final backslash" },
	};
	struct buf show;
	size_t i;

	buf_init(&show);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(split(cases[i].in, &show), cases[i].want, cases[i].what);
	buf_release(&show);
}

#define REFS "<References><Reference Alias=\"Sys\"><ID>System.Library</ID></Reference>" \
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference></References>"

/* Line numbers matter: each element stands on its own line. */
static const char pack[] =
	"<ManagementPack>\n"						/* 1 */
	"<Manifest><Identity><ID>T</ID><Version>1.0</Version></Identity>" REFS "</Manifest>\n"
	"<Monitoring><Monitors><UnitMonitor ID=\"M\" TypeID=\"Windows!X\"/></Monitors>\n"
	"<Diagnostics>\n"
	"<Diagnostic ID=\"D.Cmd\" Monitor=\"M\" ExecuteOnState=\"Error\" Timeout=\"30\">\n"	/* 5 */
	"<ProbeAction ID=\"PA\" TypeID=\"Sys!System.CommandExecuterProbe\">\n"
	"<ApplicationName> /bin/sh </ApplicationName>\n"
	"<WorkingDirectory>/tmp</WorkingDirectory>\n"
	"<CommandLine>-c 'echo \"$1\"' x $Data/Context/EventDescription$</CommandLine>\n"
	"<TimeoutSeconds>15</TimeoutSeconds>\n"				/* 10 */
	"<RequireOutput>true</RequireOutput>\n"
	"</ProbeAction></Diagnostic>\n"
	"<Diagnostic ID=\"D.PS\" Monitor=\"M\" ExecuteOnState=\"Error\">\n"
	"<ProbeAction ID=\"PA\" TypeID=\"Windows!Microsoft.Windows.PowerShellPropertyBagProbe\">"
	"<ScriptBody>Get-Item</ScriptBody></ProbeAction></Diagnostic>\n"	/* 14 */
	"<Diagnostic ID=\"D.Win\" Monitor=\"M\" ExecuteOnState=\"Error\">\n"	/* 15 */
	"<ProbeAction ID=\"PA\" TypeID=\"Sys!System.Secure.CommandExecuterProbe\">\n"
	"<ApplicationName>%windir%\\system32\\tasklist.exe</ApplicationName>\n"
	"<WorkingDirectory>C:\\Temp</WorkingDirectory>\n"
	"</ProbeAction></Diagnostic>\n"
	"<Diagnostic ID=\"D.Quote\" Monitor=\"M\" ExecuteOnState=\"Warning\">\n"	/* 20 */
	"<ProbeAction ID=\"PA\" TypeID=\"Sys!System.CommandExecuterProbe\">\n"
	"<ApplicationName>/bin/echo</ApplicationName>\n"
	"<CommandLine>\"unfinished</CommandLine>\n"
	"<TimeoutSeconds>soon</TimeoutSeconds>\n"
	"<RequireOutput>maybe</RequireOutput>\n"				/* 25 */
	"</ProbeAction></Diagnostic>\n"
	"<Diagnostic ID=\"D.Empty\" Monitor=\"M\" ExecuteOnState=\"Warning\">\n"
	"<ProbeAction ID=\"PA\" TypeID=\"Sys!System.CommandExecuterProbe\">\n"
	"<ApplicationName/>\n"
	"</ProbeAction></Diagnostic>\n"					/* 30 */
	"<Diagnostic ID=\"D.Write\" Monitor=\"M\" ExecuteOnState=\"Warning\">\n"
	"<ProbeAction ID=\"PA\" TypeID=\"Sys!System.CommandExecuter\">\n"
	"<ApplicationName>/bin/true</ApplicationName></ProbeAction></Diagnostic>\n"
	"<Diagnostic ID=\"D.Alias\" Monitor=\"M\" ExecuteOnState=\"Warning\">\n"
	"<ProbeAction ID=\"PA\" TypeID=\"Nope!System.CommandExecuterProbe\">\n"	/* 35 */
	"<ApplicationName>/bin/true</ApplicationName></ProbeAction></Diagnostic>\n"
	"<Diagnostic ID=\"D.Secure\" Monitor=\"M\" ExecuteOnState=\"Warning\">\n"
	"<ProbeAction ID=\"PA\" TypeID=\"Sys!System.CommandExecuterProbe\">\n"
	"<ApplicationName>/bin/cat</ApplicationName>\n"
	"<SecureInput>secret</SecureInput>\n"				/* 40 */
	"<Files><File><Name>a.sh</Name><Contents>echo</Contents></File></Files>\n"
	"</ProbeAction></Diagnostic>\n"
	"</Diagnostics>\n"
	"<Recoveries>\n"
	"<Recovery ID=\"R.After\" Monitor=\"M\" ExecuteOnDiagnostic=\"D.Cmd\" ResetMonitor=\"true\">\n"
	"<ConditionDetection ID=\"CD\" TypeID=\"Sys!System.ExpressionFilter\">\n"	/* 46 */
	"<Expression><SimpleExpression><ValueExpression><XPathQuery>Diagnostic/DataItem/ExitCode"
	"</XPathQuery></ValueExpression><Operator>Equal</Operator><ValueExpression><Value>0</Value>"
	"</ValueExpression></SimpleExpression></Expression>\n"
	"</ConditionDetection>\n"
	"<WriteAction ID=\"WA\" TypeID=\"Sys!System.CommandExecuter\">\n"
	"<ApplicationName>/usr/bin/systemctl</ApplicationName>\n"		/* 50 */
	"<CommandLine>restart -- \"$Data/Context/UNIT$\"</CommandLine>\n"
	"</WriteAction></Recovery>\n"
	"<Recovery ID=\"R.CD\" Monitor=\"M\" ExecuteOnState=\"Error\">\n"
	"<ConditionDetection ID=\"CD\" TypeID=\"Sys!System.ExpressionFilter2\"/>\n"
	"<WriteAction ID=\"WA\" TypeID=\"Sys!System.CommandExecuter\">\n"	/* 55 */
	"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"
	"<Recovery ID=\"R.Probe\" Monitor=\"M\" ExecuteOnState=\"Error\" Timeout=\"x\">\n"
	"<WriteAction ID=\"WA\" TypeID=\"Sys!System.CommandExecuterProbe\">\n"
	"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"
	"</Recoveries>\n"							/* 60 */
	"</Monitoring>\n"
	"</ManagementPack>\n";

static const struct mp_diagnostic *diagnostic(const struct mp_pack *p, const char *id)
{
	const struct mp_diagnostic *g;

	for (g = p ? p->diagnostics : NULL; g; g = g->next)
		if (strcmp(g->id, id) == 0)
			return g;
	return NULL;
}

static const struct mp_recovery *recovery(const struct mp_pack *p, const char *id)
{
	const struct mp_recovery *r;

	for (r = p ? p->recoveries : NULL; r; r = r->next)
		if (strcmp(r->id, id) == 0)
			return r;
	return NULL;
}

/* Whether d holds an entry of severity sev at line whose message contains text. */
static bool has(const struct diag *d, enum diag_severity sev, long line, const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == sev && d->v[i].line == line &&
		    strstr(d->v[i].message, text))
			return true;
	return false;
}

static void show(const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		tap_diag("  %ld: %s", d->v[i].line, d->v[i].message);
}

static void test_load(void)
{
	const struct mp_diagnostic *g;
	const struct mp_recovery *r;
	struct mp_pack *p = NULL;
	struct diag d;
	int rc;

	diag_init(&d);
	rc = mp_load("t.xml", pack, strlen(pack), &p, &d);
	is_int(rc, 0, "pack loads");

	g = diagnostic(p, "D.Cmd");
	ok(g && g->command && !g->why_not, "System.CommandExecuterProbe through alias Sys runs");
	if (g && g->command) {
		const struct mp_command *c = g->command;

		is_str(c->application, "/bin/sh", "ApplicationName, trimmed");
		is_str(c->working_dir, "/tmp", "WorkingDirectory");
		is_int((int64_t)c->nargs, 4, "CommandLine: four arguments");
		is_str(c->args[1], "echo \"$1\"", "CommandLine: single quotes kept the script whole");
		is_str(c->args[3], "$Data/Context/EventDescription$", "CommandLine: reference kept");
		ok(c->args[4] == NULL, "arguments end with NULL");
		is_int(c->timeout_s, 15, "TimeoutSeconds");
		ok(c->require_output, "RequireOutput");
		is_int(c->line, 6, "command line: the ProbeAction");
		is_int(g->timeout_s, 30, "the diagnostic's Timeout attribute");
	}
	g = diagnostic(p, "D.PS");
	ok(g && !g->command && g->why_not && strstr(g->why_not, "PowerShellPropertyBagProbe"),
	   "a PowerShell probe loads, will not run (%s)", g && g->why_not ? g->why_not : "");
	ok(has(&d, DIAG_NOTE, 14, "diagnostic 'D.PS' will not run: mpmon runs "
	       "System.CommandExecuterProbe probes only, not "
	       "'Windows!Microsoft.Windows.PowerShellPropertyBagProbe'"), "... noted at its line");
	g = diagnostic(p, "D.Win");
	ok(g && !g->command, "a Windows path does not run");
	ok(has(&d, DIAG_NOTE, 17, "ApplicationName '%windir%\\system32\\tasklist.exe' is not an "
	       "absolute path") && has(&d, DIAG_NOTE, 18, "WorkingDirectory 'C:\\Temp' is not an "
				       "absolute path"), "... noted: program and folder");
	ok(has(&d, DIAG_ERROR, 23, "diagnostic 'D.Quote': CommandLine: double quote without "
	       "its end at character 1"), "a stray quote is an error at CommandLine's line");
	ok(has(&d, DIAG_ERROR, 24, "TimeoutSeconds takes 1 to 86400 seconds, not 'soon'"),
	   "a bad TimeoutSeconds is an error at its line");
	ok(has(&d, DIAG_ERROR, 25, "RequireOutput takes true or false, not 'maybe'"),
	   "a bad RequireOutput is an error at its line");
	g = diagnostic(p, "D.Quote");
	ok(g && !g->command && g->why_not && strcmp(g->why_not, "its command has errors") == 0,
	   "a command with errors does not run");
	ok(has(&d, DIAG_ERROR, 29, "diagnostic 'D.Empty': ApplicationName is empty"),
	   "an empty ApplicationName is an error");
	ok(has(&d, DIAG_NOTE, 32, "mpmon runs System.CommandExecuterProbe probes only, not "
	       "'Sys!System.CommandExecuter'"), "a write action type as a probe will not run");
	ok(has(&d, DIAG_ERROR, 35, "diagnostic 'D.Alias': probe action "
	       "'Nope!System.CommandExecuterProbe' resolves nowhere: alias 'Nope' is not declared "
	       "in References") &&
	   !has(&d, DIAG_NOTE, 35, "will not run"),
	   "an undeclared alias is an error, as for a monitor's type (and no note besides)");
	ok(has(&d, DIAG_NOTE, 40, "SecureInput is not supported") &&
	   has(&d, DIAG_NOTE, 41, "Files (scripts written out for the command) are not supported"),
	   "SecureInput and Files are noted");

	r = recovery(p, "R.After");
	ok(r && r->command && r->condition && strcmp(r->condition->name, "Expression") == 0,
	   "System.CommandExecuter with an ExpressionFilter condition runs");
	if (r && r->command) {
		is_str(r->execute_on_diagnostic, "D.Cmd", "ExecuteOnDiagnostic");
		is_int((int64_t)r->command->nargs, 3, "recovery: three arguments");
		is_str(r->command->args[2], "$Data/Context/UNIT$", "recovery: quoted reference");
		ok(!r->command->working_dir && r->command->timeout_s == 0 &&
		   !r->command->require_output, "recovery: defaults (no folder, timeout, output)");
	}
	r = recovery(p, "R.CD");
	ok(r && !r->command && !r->condition &&
	   has(&d, DIAG_NOTE, 54, "mpmon evaluates System.ExpressionFilter conditions only, not "
	       "'Sys!System.ExpressionFilter2'"), "another ConditionDetection type will not run");
	r = recovery(p, "R.Probe");
	ok(r && !r->command && has(&d, DIAG_NOTE, 58, "mpmon runs System.CommandExecuter "
				   "write actions only"), "a probe type as a write action will not run");
	ok(has(&d, DIAG_ERROR, 57, "recovery 'R.Probe': invalid Timeout 'x'"),
	   "a bad Timeout attribute is an error");
	is_int((int64_t)d.errors, 6, "six errors in all");
	if (d.errors != 6)
		show(&d);
	mp_pack_free(p);
	diag_release(&d);
}

/* A fragment has no References: System is System.Library by convention. */
static void test_fragment(void)
{
	static const char frag[] =
		"<ManagementPackFragment><Monitoring><Recoveries>\n"
		"<Recovery ID=\"R\" Monitor=\"M\" ExecuteOnState=\"Error\">\n"
		"<WriteAction ID=\"WA\" TypeID=\"System!System.CommandExecuter\">"
		"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"
		"<Recovery ID=\"R2\" Monitor=\"M\" ExecuteOnState=\"Error\">\n"
		"<WriteAction ID=\"WA\" TypeID=\"Other!System.CommandExecuter\">"
		"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery>\n"
		"</Recoveries></Monitoring></ManagementPackFragment>\n";
	struct mp_pack *p = NULL;
	struct diag d;

	diag_init(&d);
	is_int(mp_load("f.xml", frag, strlen(frag), &p, &d), 0, "fragment loads");
	ok(recovery(p, "R") && recovery(p, "R")->command, "fragment: System! is System.Library");
	ok(recovery(p, "R2") && !recovery(p, "R2")->command && d.errors == 0,
	   "fragment: another alias is another project's type, noted, not an error");
	mp_pack_free(p);
	diag_release(&d);
}

int main(void)
{
	test_split();
	test_load();
	test_fragment();
	return tap_done();
}
