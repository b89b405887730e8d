/*
 * Unit tests for the management-pack loader (mp-xml/mp.c, mp-xml/maml.c): every
 * pack of the shared corpus loads cleanly with the values it really holds, the
 * seed UnitMonitor loads verbatim, knowledge renders to the documented text,
 * and hostile or broken input gives a file:line diagnostic, quickly, without
 * reading anything outside the buffer. The corpus folder comes from MP_CORPUS
 * (default ../shared/mp-corpus, relative to the repository root); without it
 * the corpus checks skip (tap_corpus).
 */
#include "mp-xml/mp.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The corpus folder (tap_corpus), set by main before the corpus checks run. */
static const char *corpus_dir;

/* The whole file, malloc'd; NULL (and a diagnostic) when it cannot be read. */
static char *read_corpus(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *data = NULL;
	long n;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	f = fopen(path, "rb");
	if (!f) {
		tap_diag("cannot open %s", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n + 1);
		if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return data;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load a corpus file; *rc gets mp_load's result (-ENOENT when unreadable). */
static struct mp_pack *load_corpus(const char *name, struct diag *d, int *rc)
{
	struct mp_pack *p = NULL;
	size_t len = 0;
	char *data = read_corpus(name, &len);

	*rc = -ENOENT;
	if (data)
		*rc = mp_load(name, data, len, &p, d);
	free(data);
	return p;
}

static struct mp_pack *load_text(const char *name, const char *xml, struct diag *d, int *rc)
{
	struct mp_pack *p = NULL;

	*rc = mp_load(name, xml, strlen(xml), &p, d);
	return p;
}

/* Print every diagnostic, so a failing check shows what the loader said. */
static void show_diags(const struct diag *d)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < d->n; i++)
		tap_diag("  %s", diag_format(&d->v[i], &b));
	buf_release(&b);
}

/* The first entry of severity sev, or NULL. */
static const struct diag_entry *entry(const struct diag *d, enum diag_severity sev)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == sev)
			return &d->v[i];
	return NULL;
}

static const char *formatted(const struct diag_entry *e, struct buf *b)
{
	return e ? diag_format(e, b) : NULL;
}

/* Whether d holds an entry that formats as want. */
static bool has_entry(const struct diag *d, const char *want)
{
	struct buf b;
	bool found = false;
	size_t i;

	buf_init(&b);
	for (i = 0; i < d->n && !found; i++)
		found = diag_format(&d->v[i], &b) && strcmp(b.data, want) == 0;
	buf_release(&b);
	return found;
}

/* A path of child names from e, e.g. walk(cfg, "FirstExpression", "And", NULL). */
static const struct mp_elem *walk(const struct mp_elem *e, ...)
	__attribute__((sentinel));

static const struct mp_elem *walk(const struct mp_elem *e, ...)
{
	va_list ap;
	const char *name;

	va_start(ap, e);
	while (e && (name = va_arg(ap, const char *)))
		e = mp_elem_child(e, name);
	va_end(ap);
	return e;
}

static size_t count_articles(const struct mp_pack *p)
{
	const struct mp_article *a;
	size_t n = 0;

	for (a = p->articles; a; a = a->next)
		n++;
	return n;
}

/* ---- the corpus ----------------------------------------------------------- */

static const struct {
	const char *file;
	bool fragment;
	int monitors;		/* SOURCES.md, checked against the files */
} corpus[] = {
	{ "2016ServerAgnostic__Microsoft.Windows.Server.Operating.System.2016.Monitoring."
	  "Addendum.xml", false, 8 },
	{ "ADCS2016-Addendum__Microsoft.Windows.Active.Directory.Certificate.Services.2016."
	  "Monitoring.Addendum.xml", false, 3 },
	{ "ADInsights__Proactive.Microsoft.Windows.Server.AD.Account.Password."
	  "Customizations.xml", false, 6 },
	{ "AP.Remote.Access__Monitors.VPNServer.xml", true, 14 },
	{ "DNSAddendumAgnostic__Microsoft.Windows.Server.DNS.Monitoring.Addendum.xml", false, 12 },
	{ "FragmentLibrary__Monitor.EventLog.RepeatedEvent.Alert.EventReset.xml", true, 1 },
	{ "OMS-Administration-Packs__MP_Unit_Monitors.xml", true, 3 },
	{ "OMS-ManagementPack__QND.OMS.Workspace.xml", true, 4 },
	{ "Oracle-Database-Management-Pack__Monitoring.xml", true, 4 },
	{ "SCOMMPTraining__DiagnosticsAndRecoveries.xml", false, 3 },
	{ "teamwallride-Management-Packs__AADC.Monitoring.xml", false, 2 },
	{ "teamwallride-Management-Packs__Citrix.Monitoring.xml", false, 30 },
	{ "teamwallride-Management-Packs__MECM.xml", false, 168 },
	{ "teamwallride-Management-Packs__SCOM.UpdateRollup.xml", false, 3 },
	{ "teamwallride-Management-Packs__Sample.RepeatEventCloseWithEvent.xml", false, 1 },
};

static void test_corpus_loads(void)
{
	const struct mp_monitor *m;
	struct mp_pack *p;
	struct diag d;
	char what[512];
	size_t i;
	int rc, bad;

	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		const char *f = corpus[i].file;

		diag_init(&d);
		p = load_corpus(f, &d, &rc);
		snprintf(what, sizeof(what), "%s: mp_load returns 0", f);
		is_int(rc, 0, what);
		snprintf(what, sizeof(what), "%s: no errors", f);
		is_int((int64_t)d.errors, 0, what);
		if (d.errors)
			show_diags(&d);
		snprintf(what, sizeof(what), "%s: fragment", f);
		is_int(p ? p->fragment : -1, corpus[i].fragment, what);
		snprintf(what, sizeof(what), "%s: UnitMonitor count", f);
		is_int(p ? (int64_t)p->nmonitors : -1, corpus[i].monitors, what);
		/* every monitor kept its line, its source and a resolved type */
		bad = 0;
		for (m = p ? p->monitors : NULL; m; m = m->next)
			if (m->line <= 0 || !m->source_xml ||
			    strncmp(m->source_xml, "<UnitMonitor ", 13) != 0 ||
			    m->type_origin == MP_TYPE_UNRESOLVED || !m->type_id)
				bad++;
		snprintf(what, sizeof(what), "%s: monitors with line, source and type", f);
		is_int(bad, 0, what);
		snprintf(what, sizeof(what), "%s: pack file name kept", f);
		is_str(p ? p->file : NULL, f, what);
		mp_pack_free(p);
		diag_release(&d);
	}
}

/* The 2.4 MB MECM pack: size and speed. */
static void test_corpus_mecm(void)
{
	struct mp_pack *p;
	struct diag d;
	double t0, dt;
	size_t len = 0;
	char *data = read_corpus("teamwallride-Management-Packs__MECM.xml", &len);
	int rc = -ENOENT;

	diag_init(&d);
	p = NULL;
	t0 = now_seconds();
	if (data)
		rc = mp_load("MECM.xml", data, len, &p, &d);
	dt = now_seconds() - t0;
	is_int(rc, 0, "MECM: loads");
	ok(dt < 1.0 * tap_time_factor(), "MECM: loads in under a second (%.3f s)", dt);
	is_int(p ? (int64_t)count_articles(p) : -1, 221, "MECM: knowledge articles");
	is_str(p ? p->id : NULL, "MECM", "MECM: pack ID");
	free(data);
	mp_pack_free(p);
	diag_release(&d);
}

/* The one UTF-16LE file (with BOM). */
static void test_corpus_utf16(void)
{
	const struct mp_monitor *m;
	struct mp_pack *p;
	struct diag d;
	int rc;

	diag_init(&d);
	p = load_corpus("teamwallride-Management-Packs__Sample.RepeatEventCloseWithEvent.xml",
			&d, &rc);
	is_int(rc, 0, "UTF-16: loads");
	m = p ? p->monitors : NULL;
	is_str(m ? m->id : NULL, "Sample.Monitor.RepeatEventCloseWithEvent", "UTF-16: monitor ID");
	is_str(m ? m->type_id_raw : NULL,
	       "Windows!Microsoft.Windows.RepeatedEventLogSingleEventLog2StateMonitorType",
	       "UTF-16: TypeID as written");
	is_str(m ? m->type_id : NULL, "Microsoft.Windows.RepeatedEventLogSingleEventLog2StateMonitorType",
	       "UTF-16: TypeID without alias");
	is_str(m ? m->type_pack : NULL, "Microsoft.Windows.Library", "UTF-16: type pack");
	is_int(m ? m->line : -1, 38, "UTF-16: monitor line");
	is_str(p ? p->id : NULL, "Sample.RepeatEventCloseWithEvent", "UTF-16: pack ID");
	is_str(p ? p->display_name : NULL, "Sample Repeat Event Close With Event",
	       "UTF-16: pack display name");
	is_str(m ? m->display_name : NULL, "Sample Repeated Event With Event Reset",
	       "UTF-16: monitor display name");
	mp_pack_free(p);
	diag_release(&d);
}

/* A fragment has no References: conventional aliases, the rest is external. */
static void test_corpus_fragment_aliases(void)
{
	const struct mp_monitor *m;
	struct mp_pack *p;
	struct diag d;
	int rc;

	diag_init(&d);
	p = load_corpus("AP.Remote.Access__Monitors.VPNServer.xml", &d, &rc);
	is_int(rc, 0, "AP.Remote.Access: loads");
	ok(p && p->fragment && !p->id && !p->references, "AP.Remote.Access: fragment, no manifest");
	m = p ? mp_pack_monitor(p, "AP.Remote.Access.MemoryAllocationFailureMonitor") : NULL;
	ok(m != NULL, "AP.Remote.Access: monitor found by ID");
	is_str(m ? m->type_id_raw : NULL,
	       "Windows!Microsoft.Windows.SingleEventLogManualReset2StateMonitorType",
	       "AP.Remote.Access: TypeID as written");
	is_str(m ? m->type_pack : NULL, "Microsoft.Windows.Library",
	       "AP.Remote.Access: Windows! resolves to Microsoft.Windows.Library");
	is_int(m ? (int64_t)m->type_origin : -1, MP_TYPE_LIBRARY, "AP.Remote.Access: type origin LIBRARY");
	is_int(m ? m->line : -1, 6, "AP.Remote.Access: monitor line");
	is_str(m ? m->display_name : NULL, "Memory Allocation Monitor",
	       "AP.Remote.Access: display name");
	ok(m && m->knowledge && m->knowledge->sections, "AP.Remote.Access: monitor has knowledge");
	is_int(p ? (int64_t)count_articles(p) : -1, 14, "AP.Remote.Access: articles");
	mp_pack_free(p);
	diag_release(&d);

	/* bare TypeIDs defined by another fragment of the same project */
	diag_init(&d);
	p = load_corpus("OMS-ManagementPack__QND.OMS.Workspace.xml", &d, &rc);
	m = p ? mp_pack_monitor(p, "QND.OMS.WorkspaceLastData.Monitor") : NULL;
	is_str(m ? m->type_id : NULL, "QND.OMS.Workspace.LastData.MT", "QND fragment: bare TypeID");
	is_int(m ? (int64_t)m->type_origin : -1, MP_TYPE_EXTERNAL, "QND fragment: bare TypeID is EXTERNAL");
	ok(m && !m->type_pack, "QND fragment: external type has no pack");
	is_int((int64_t)d.errors, 0, "QND fragment: no errors");
	mp_pack_free(p);
	diag_release(&d);

	/* the placeholder template loads without complaint */
	diag_init(&d);
	p = load_corpus("FragmentLibrary__Monitor.EventLog.RepeatedEvent.Alert.EventReset.xml", &d,
			&rc);
	m = p ? p->monitors : NULL;
	is_str(m ? m->id : NULL, "##CompanyID##.##AppName##.RepeatedEvent.##EventID##.Alert.Monitor",
	       "FragmentLibrary: placeholder ID kept");
	is_str(m ? mp_elem_child_text(m->config, "LogName") : NULL, "##ResetLogName##",
	       "FragmentLibrary: placeholder configuration kept");
	is_str(m ? m->alert.message_name : NULL,
	       "##CompanyID## ##AppName## Alert On Repeated Event ##EventID## Monitor Alert",
	       "FragmentLibrary: alert message name");
	is_str(m ? m->alert.message_text : NULL,
	       "Repeated event was detected.\n\nEvent ID:  {0}\nEvent Source:  {1}\n"
	       "Event Description: {2}", "FragmentLibrary: alert text keeps its lines (CRLF read as LF)");
	mp_pack_free(p);
	diag_release(&d);
}

/* A full pack: References, classes, in-pack types, alert settings, opstates. */
static void test_corpus_full_pack(void)
{
	const struct mp_monitor *m;
	const struct mp_reference *r;
	struct mp_pack *p;
	struct diag d;
	int rc;

	diag_init(&d);
	p = load_corpus("teamwallride-Management-Packs__AADC.Monitoring.xml", &d, &rc);
	is_int(rc, 0, "AADC: loads");
	is_str(p ? p->id : NULL, "AADC.Monitoring", "AADC: pack ID");
	is_str(p ? p->version : NULL, "2023.6.15.0", "AADC: pack version");
	is_str(p ? p->name : NULL, "AADC.Monitoring", "AADC: manifest name");
	is_str(p ? p->display_name : NULL, "Azure AD Connect Monitoring", "AADC: display name");
	is_str(p ? p->description : NULL, "Custom monitoring for Azure AD Connect.",
	       "AADC: description");
	r = p ? p->references : NULL;
	is_str(r ? r->alias : NULL, "Windows", "AADC: first reference alias");
	is_str(r ? r->id : NULL, "Microsoft.Windows.Library", "AADC: first reference ID");
	is_str(r ? r->version : NULL, "7.5.8501.0", "AADC: first reference version");
	is_int(r ? r->line : -1, 16, "AADC: first reference line");
	for (; r && r->next; r = r->next)
		;
	is_str(r ? r->alias : NULL, "Health", "AADC: last reference alias");

	ok(p && p->classes && !p->classes->next, "AADC: one class");
	if (p && p->classes) {
		const struct mp_class *c = p->classes;

		is_str(c->id, "AADC.Class.AADCServer", "AADC: class ID");
		is_str(c->base, "Windows!Microsoft.Windows.LocalApplication", "AADC: class base");
		ok(!c->abstract && c->hosted && !c->singleton, "AADC: Abstract/Hosted/Singleton");
		is_str(c->display_name, "Azure AD Connect Server", "AADC: class display name");
		is_int(c->line, 41, "AADC: class line");
	}

	m = p ? mp_pack_monitor(p, "AADC.Monitor.DirectorySync") : NULL;
	ok(m != NULL, "AADC: DirectorySync found");
	if (m) {
		is_int(m->line, 149, "AADC: monitor line");
		is_str(m->type_pack, "Microsoft.Windows.Library", "AADC: Windows! via References");
		is_int(m->type_origin, MP_TYPE_LIBRARY, "AADC: type origin LIBRARY");
		is_str(m->type_id, "Microsoft.Windows.SingleEventLogManualReset2StateMonitorType",
		       "AADC: type ID");
		is_str(m->target, "AADC.Class.AADCServer", "AADC: target");
		is_str(m->parent_monitor, "Health!System.Health.AvailabilityState", "AADC: parent");
		is_str(m->accessibility, "Public", "AADC: accessibility");
		is_str(m->priority, "Normal", "AADC: priority attribute");
		is_str(m->category, "AvailabilityHealth", "AADC: category");
		ok(m->enabled && m->remotable && m->confirm_delivery, "AADC: enabled, remotable, confirmed");
		is_str(m->display_name, "Directory Synchronization Failed", "AADC: monitor display name");
		is_str(m->description, "", "AADC: empty <Description /> is empty text");

		is_int(m->alert.present, 1, "AADC: alert present");
		is_int(m->alert.line, 151, "AADC: AlertSettings line");
		is_str(m->alert.message_id, "AADC.Monitor.DirectorySync.AlertMessage", "AADC: AlertMessage");
		is_int(m->alert.on_state, MP_HEALTH_ERROR, "AADC: AlertOnState");
		is_int(m->alert.auto_resolve, 1, "AADC: AutoResolve");
		is_int(m->alert.priority, MP_PRIORITY_NORMAL, "AADC: AlertPriority");
		is_int(m->alert.severity, MP_SEVERITY_ERROR, "AADC: AlertSeverity");
		is_str(m->alert.params[0], "$Data/Context/EventDisplayNumber$", "AADC: AlertParameter1");
		is_str(m->alert.params[2],
		       "$Target/Host/Property[Type=\"Windows!Microsoft.Windows.Computer\"]/PrincipalName$",
		       "AADC: AlertParameter3");
		ok(!m->alert.params[3], "AADC: AlertParameter4 absent");
		is_str(m->alert.message_name, "Directory Synchronization Failed", "AADC: alert name");
		ok(m->alert.message_text &&
		   strncmp(m->alert.message_text, "{1}\n", 4) == 0 &&
		   strstr(m->alert.message_text, "To learn how this monitor works"),
		   "AADC: alert text from the display string");

		is_int((int64_t)m->nstates, 2, "AADC: two operational states");
		if (m->nstates == 2) {
			is_str(m->states[0].id, "Healthy", "AADC: opstate 1 ID");
			is_str(m->states[0].type_state_id, "ManualResetEventRaised", "AADC: opstate 1 type state");
			is_int(m->states[0].health, MP_HEALTH_SUCCESS, "AADC: opstate 1 Success");
			is_str(m->states[0].display_name, "Manual Reset", "AADC: opstate 1 display name");
			is_int(m->states[0].line, 163, "AADC: opstate 1 line");
			is_str(m->states[1].type_state_id, "EventRaised", "AADC: opstate 2 type state");
			is_int(m->states[1].health, MP_HEALTH_ERROR, "AADC: opstate 2 Error");
			is_str(m->states[1].display_name, "Event Raised", "AADC: opstate 2 display name");
		}
		is_str(mp_elem_child_text(m->config, "LogName"), "Application", "AADC: LogName");
		is_str(mp_elem_attr(walk(m->config, "Expression", "And", "Expression", "SimpleExpression",
					 "ValueExpression", "XPathQuery", (char *)NULL), "Type"),
		       "String", "AADC: XPathQuery Type attribute");
	}
	if (p && p->recoveries) {
		const struct mp_recovery *rc2 = p->recoveries;

		is_str(rc2->id, "AADC.Recovery.StartWindowsService", "AADC: recovery ID");
		is_str(rc2->monitor_id, "AADC.Monitor.ADSyncService", "AADC: recovery monitor");
		is_int(rc2->execute_on_state, MP_HEALTH_ERROR, "AADC: recovery ExecuteOnState");
		ok(rc2->reset_monitor && rc2->enabled && !rc2->execute_on_diagnostic,
		   "AADC: recovery ResetMonitor, Enabled, no diagnostic");
		is_str(rc2->write_type_id, "System!System.CommandExecuter", "AADC: recovery write action");
		is_str(rc2->display_name, "AADC Start Windows Service Recovery", "AADC: recovery name");
		is_int(rc2->line, 225, "AADC: recovery line");
	} else {
		ok(0, "AADC: recovery loaded");
	}
	mp_pack_free(p);
	diag_release(&d);

	/* a bare TypeID naming a UnitMonitorType of the pack itself */
	diag_init(&d);
	p = load_corpus("2016ServerAgnostic__Microsoft.Windows.Server.Operating.System.2016."
			"Monitoring.Addendum.xml", &d, &rc);
	m = p ? mp_pack_monitor(p, "Proactive.Microsoft.Windows.Server.10.0.StorportMiniportDriver."
				"Timedout.153.Monitor") : NULL;
	is_int(m ? (int64_t)m->type_origin : -1, MP_TYPE_PACK, "2016: in-pack type is PACK");
	is_str(m ? m->type_pack : NULL,
	       "Microsoft.Windows.Server.Operating.System.2016.Monitoring.Addendum",
	       "2016: in-pack type's pack is the pack itself");
	is_int(m ? m->line : -1, 5859, "2016: monitor line");
	mp_pack_free(p);
	diag_release(&d);
}

/* Knowledge rendered from MAML, as an operator reads it in a trap. */
static void test_corpus_knowledge(void)
{
	const struct mp_monitor *m;
	const struct mp_article *a;
	struct mp_pack *p;
	struct diag d;
	int rc;

	diag_init(&d);
	p = load_corpus("teamwallride-Management-Packs__AADC.Monitoring.xml", &d, &rc);
	m = p ? mp_pack_monitor(p, "AADC.Monitor.DirectorySync") : NULL;
	a = m ? m->knowledge : NULL;
	ok(a != NULL, "AADC: DirectorySync has a knowledge article");
	is_str(a ? a->element_id : NULL, "AADC.Monitor.DirectorySync", "AADC: article ElementID");
	is_int(a ? a->line : -1, 322, "AADC: article line");
	is_str(mp_article_section(a, "Summary"),
	       "This monitor checks the application log for events matching the following criteria:\n"
	       "\n"
	       "- Source: Directory Synchronization\n"
	       "- Event ID: 106 or 109\n"
	       "- Level: Error", "AADC: Summary with a list");
	is_str(mp_article_section(a, "Causes"),
	       "If an event is detected matching the criteria an alert is generated.",
	       "AADC: Causes");
	is_str(mp_article_section(a, "resolutions"),
	       "There is no healthy event for this monitor. Confirm directory synchronization is "
	       "working then reset the monitor manually.", "AADC: Resolutions (any case)");
	is_str(a && a->sections ? a->sections->title : NULL, "Summary", "AADC: first section title");
	is_int(p ? (int64_t)count_articles(p) : -1, 2, "AADC: all articles on the pack");
	mp_pack_free(p);
	diag_release(&d);
}

/* Diagnostics and a recovery chained by ExecuteOnDiagnostic. */
static void test_corpus_diagnostics(void)
{
	const struct mp_diagnostic *g;
	const struct mp_recovery *r;
	struct mp_pack *p;
	struct diag d;
	int rc, n = 0;

	diag_init(&d);
	p = load_corpus("SCOMMPTraining__DiagnosticsAndRecoveries.xml", &d, &rc);
	for (g = p ? p->diagnostics : NULL; g; g = g->next)
		n++;
	is_int(n, 3, "SCOMMPTraining: three diagnostics");
	g = p ? p->diagnostics : NULL;
	if (g) {
		is_str(g->id, "F12.HR.Diagnostic.ReadRegistry", "SCOMMPTraining: diagnostic ID");
		is_str(g->target, "F12.HR.AppServer", "SCOMMPTraining: diagnostic target");
		is_str(g->monitor_id, "F12.HR.Monitor.NTEvent.2State.380", "SCOMMPTraining: diagnostic monitor");
		is_int(g->execute_on_state, MP_HEALTH_ERROR, "SCOMMPTraining: ExecuteOnState");
		ok(g->enabled, "SCOMMPTraining: diagnostic enabled");
		is_str(g->probe_type_id, "Windows!Microsoft.Windows.PowerShellPropertyBagProbe",
		       "SCOMMPTraining: probe action type");
		is_str(g->display_name, "Diagnostic Diagnostic", "SCOMMPTraining: diagnostic name");
	}
	r = p ? p->recoveries : NULL;
	if (r) {
		is_str(r->execute_on_diagnostic, "F12.HR.Diagnostic.ReadRegistry",
		       "SCOMMPTraining: recovery runs on the diagnostic");
		is_int(r->execute_on_state, MP_HEALTH_UNINITIALIZED,
		       "SCOMMPTraining: no ExecuteOnState is Uninitialized");
		ok(!r->reset_monitor, "SCOMMPTraining: ResetMonitor false");
		is_str(r->write_type_id, "Windows!Microsoft.Windows.PowerShellWriteAction",
		       "SCOMMPTraining: write action type");
		is_str(r->display_name, "Recovery In Response To Diagnostic",
		       "SCOMMPTraining: recovery name");
	} else {
		ok(0, "SCOMMPTraining: recovery loaded");
	}
	mp_pack_free(p);
	diag_release(&d);
}

/* ---- the seed UnitMonitor, verbatim ----------------------------------------- */

/* From seeds/001: a SCOM UnitMonitor exactly as a pack documentation page shows it. */
static const char seed_monitor[] =
	"<UnitMonitor ID=\"Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDrive"
	"r.EnrollmentConnection.MobileDeviceManager.EnrollmentConnection.EventBased.UnitMonitor"
	"\" "
	"Accessibility=\"Public\" "
	"Enabled=\"onEssentialMonitoring\" "
	"Target=\"Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.ClassType\" "
	"ParentMonitorID=\"SystemHealth!System.Health.AvailabilityState\" "
	"Remotable=\"true\" "
	"Priority=\"Normal\" "
	"TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\" "
	"ConfirmDelivery=\"true\">\n"
	"<Category>StateCollection</Category>\n"
	"<AlertSettings AlertMessage=\"Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.Wipe"
	"ServiceDriver.EnrollmentConnection.MobileDeviceManager.EnrollmentConnection.EventBased"
	".UnitMonitor.AlertMessage\">\n"
	"<AlertOnState>Error</AlertOnState>\n"
	"<AutoResolve>true</AutoResolve>\n"
	"<AlertPriority>Normal</AlertPriority>\n"
	"<AlertSeverity>MatchMonitorHealth</AlertSeverity>\n"
	"<AlertParameters>\n"
	"<AlertParameter1>$Data/Context/EventDescription$</AlertParameter1>\n"
	"</AlertParameters>\n"
	"</AlertSettings>\n"
	"<OperationalStates>\n"
	"<OperationalState ID=\"Success\" "
	"MonitorTypeStateID=\"FirstEventRaised\" "
	"HealthState=\"Success\"/>\n"
	"<OperationalState ID=\"Negative\" "
	"MonitorTypeStateID=\"SecondEventRaised\" "
	"HealthState=\"Error\"/>\n"
	"</OperationalStates>\n"
	"<Configuration>\n"
	"<FirstComputerName>$Target/Host/Host/Host/Host/Property[Type=\"Windows!Microsoft.Windo"
	"ws.Computer\"]/NetworkName$</FirstComputerName>\n"
	"<FirstLogName>Mobile Device Manager</FirstLogName>\n"
	"<FirstExpression>\n"
	"<And>\n"
	"<Expression>\n"
	"<SimpleExpression>\n"
	"<ValueExpression>\n"
	"<XPathQuery>PublisherName</XPathQuery>\n"
	"</ValueExpression>\n"
	"<Operator>Equal</Operator>\n"
	"<ValueExpression>\n"
	"<Value>Device Manager</Value>\n"
	"</ValueExpression>\n"
	"</SimpleExpression>\n"
	"</Expression>\n"
	"<Expression>\n"
	"<SimpleExpression>\n"
	"<ValueExpression>\n"
	"<XPathQuery>EventDisplayNumber</XPathQuery>\n"
	"</ValueExpression>\n"
	"<Operator>Equal</Operator>\n"
	"<ValueExpression>\n"
	"<Value>1004</Value>\n"
	"</ValueExpression>\n"
	"</SimpleExpression>\n"
	"</Expression>\n"
	"</And>\n"
	"</FirstExpression>\n"
	"<SecondComputerName>$Target/Host/Host/Host/Host/Property[Type=\"Windows!Microsoft.Wind"
	"ows.Computer\"]/NetworkName$</SecondComputerName>\n"
	"<SecondLogName>Mobile Device Manager</SecondLogName>\n"
	"<SecondExpression>\n"
	"<And>\n"
	"<Expression>\n"
	"<SimpleExpression>\n"
	"<ValueExpression>\n"
	"<XPathQuery>PublisherName</XPathQuery>\n"
	"</ValueExpression>\n"
	"<Operator>Equal</Operator>\n"
	"<ValueExpression>\n"
	"<Value>Device Manager</Value>\n"
	"</ValueExpression>\n"
	"</SimpleExpression>\n"
	"</Expression>\n"
	"<Expression>\n"
	"<SimpleExpression>\n"
	"<ValueExpression>\n"
	"<XPathQuery>EventDisplayNumber</XPathQuery>\n"
	"</ValueExpression>\n"
	"<Operator>Equal</Operator>\n"
	"<ValueExpression>\n"
	"<Value>1003</Value>\n"
	"</ValueExpression>\n"
	"</SimpleExpression>\n"
	"</Expression>\n"
	"</And>\n"
	"</SecondExpression>\n"
	"</Configuration>\n"
	"</UnitMonitor>";

/*
 * The seed wrapped in the smallest ManagementPack that declares its aliases and
 * defines the class it targets and the StringResource of its alert message.
 */
static const char seed_head[] =
	"<ManagementPack ContentReadable=\"true\" SchemaVersion=\"2.0\">\n"
	"<Manifest>\n"
	"<Identity><ID>Mpmon.Test.Seed</ID><Version>1.0.0.0</Version></Identity>\n"
	"<Name>Seed</Name>\n"
	"<References>\n"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>\n"
	"<Reference Alias=\"SystemHealth\"><ID>System.Health.Library</ID></Reference>\n"
	"</References>\n"
	"</Manifest><TypeDefinitions><EntityTypes><ClassTypes><ClassType ID=\"Microsoft."
	"SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.ClassType\" "
	"Accessibility=\"Public\" Abstract=\"false\" Base=\"Windows!Microsoft.Windows."
	"LocalApplication\" Hosted=\"true\" Singleton=\"false\"/></ClassTypes></EntityTypes>"
	"</TypeDefinitions>\n"
	"<Monitoring>\n"
	"<Monitors>\n";	/* the UnitMonitor starts on line 12 */
static const char seed_tail[] =
	"\n</Monitors>\n</Monitoring>\n<Presentation><StringResources><StringResource ID=\""
	"Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.EnrollmentConnection."
	"MobileDeviceManager.EnrollmentConnection.EventBased.UnitMonitor.AlertMessage\"/>"
	"</StringResources></Presentation>\n</ManagementPack>\n";

static void test_seed(void)
{
	const struct mp_elem *cfg, *e, *expr;
	const struct mp_monitor *m;
	const struct diag_entry *w;
	struct mp_pack *p = NULL;
	struct diag d;
	struct buf doc, fb;
	int rc;

	buf_init(&doc);
	buf_init(&fb);
	buf_puts(&doc, seed_head);
	buf_puts(&doc, seed_monitor);
	buf_puts(&doc, seed_tail);
	diag_init(&d);
	rc = mp_load("seed.xml", doc.data, doc.len, &p, &d);
	is_int(rc, 0, "seed: loads");
	is_int((int64_t)d.errors, 0, "seed: no errors");
	if (d.errors)
		show_diags(&d);
	/* the wrapper has no language pack: no display strings, the warnings in line order */
	w = entry(&d, DIAG_WARNING);
	is_str(formatted(w, &fb),
	       "seed.xml:12: warning: monitor 'Microsoft.SystemCenter.MobileDeviceManager.2008.1_0."
	       "WipeServiceDriver.EnrollmentConnection.MobileDeviceManager.EnrollmentConnection."
	       "EventBased.UnitMonitor' has no display string; it is shown by its ID",
	       "seed: warning for the monitor without a display string");
	w = w ? w + 1 : NULL;
	is_str(formatted(w && w < d.v + d.n ? w : NULL, &fb),
	       "seed.xml:14: warning: monitor 'Microsoft.SystemCenter.MobileDeviceManager.2008.1_0."
	       "WipeServiceDriver.EnrollmentConnection.MobileDeviceManager.EnrollmentConnection."
	       "EventBased.UnitMonitor': alert message 'Microsoft.SystemCenter.MobileDeviceManager."
	       "2008.1_0.WipeServiceDriver.EnrollmentConnection.MobileDeviceManager."
	       "EnrollmentConnection.EventBased.UnitMonitor.AlertMessage' has no display string; "
	       "its alerts have an empty name and text",
	       "seed: warning for the alert message without a display string");
	m = p ? p->monitors : NULL;
	ok(m != NULL, "seed: one monitor");
	if (!m)
		goto out;
	is_str(m->source_xml, seed_monitor, "seed: source_xml is the UnitMonitor verbatim");
	is_int(m->line, 12, "seed: monitor line");
	is_str(m->enabled_raw, "onEssentialMonitoring", "seed: Enabled as written");
	is_int(m->enabled, 1, "seed: onEssentialMonitoring counts as enabled");
	is_str(m->type_id, "Microsoft.Windows.2SingleEventLog2StateMonitorType", "seed: type ID");
	is_str(m->type_pack, "Microsoft.Windows.Library", "seed: type pack via References");
	is_str(m->parent_monitor, "SystemHealth!System.Health.AvailabilityState", "seed: parent");
	is_str(m->category, "StateCollection", "seed: category");
	ok(m->remotable && m->confirm_delivery, "seed: Remotable and ConfirmDelivery");
	is_int(m->alert.severity, MP_SEVERITY_MATCH_MONITOR_HEALTH, "seed: MatchMonitorHealth");
	is_int(m->alert.on_state, MP_HEALTH_ERROR, "seed: AlertOnState Error");
	ok(m->alert.auto_resolve, "seed: AutoResolve");
	is_str(m->alert.params[0], "$Data/Context/EventDescription$", "seed: AlertParameter1");
	ok(!m->alert.message_name && !m->alert.message_text, "seed: no alert display string");
	is_int((int64_t)m->nstates, 2, "seed: two operational states");
	if (m->nstates == 2) {
		is_str(m->states[0].type_state_id, "FirstEventRaised", "seed: opstate Success type state");
		is_int(m->states[0].health, MP_HEALTH_SUCCESS, "seed: Success is healthy");
		is_str(m->states[1].id, "Negative", "seed: second opstate ID");
		is_int(m->states[1].health, MP_HEALTH_ERROR, "seed: Negative is Error");
		is_int(m->states[1].line, 25, "seed: second opstate line");
	}

	cfg = m->config;
	is_str(cfg ? cfg->name : NULL, "Configuration", "seed: configuration root");
	is_int(cfg ? cfg->line : -1, 27, "seed: Configuration line");
	is_str(mp_elem_child_text(cfg, "FirstComputerName"),
	       "$Target/Host/Host/Host/Host/Property[Type=\"Windows!Microsoft.Windows.Computer\"]"
	       "/NetworkName$", "seed: FirstComputerName text");
	e = mp_elem_child(cfg, "FirstLogName");
	is_str(e ? e->text : NULL, "Mobile Device Manager", "seed: FirstLogName text");
	is_int(e ? e->line : -1, 29, "seed: FirstLogName line");
	is_str(e ? e->file : NULL, "seed.xml", "seed: element file");
	ok(e && e->parent == cfg, "seed: parent link");
	/* white space between children is the element's own text, kept exactly */
	is_str(mp_elem_child_text(cfg, "FirstExpression"), "\n\n", "seed: FirstExpression own text");
	expr = walk(cfg, "FirstExpression", "And", "Expression", (char *)NULL);
	is_str(mp_elem_child_text(walk(expr, "SimpleExpression", "ValueExpression", (char *)NULL),
				  "XPathQuery"), "PublisherName", "seed: first XPathQuery");
	is_str(mp_elem_child_text(walk(expr, "SimpleExpression", (char *)NULL), "Operator"), "Equal",
	       "seed: Operator");
	e = mp_elem_next(walk(expr, "SimpleExpression", "ValueExpression", (char *)NULL),
			 "ValueExpression");
	is_str(mp_elem_child_text(e, "Value"), "Device Manager", "seed: first Value");
	expr = mp_elem_next(expr, "Expression");
	e = mp_elem_next(walk(expr, "SimpleExpression", "ValueExpression", (char *)NULL),
			 "ValueExpression");
	is_str(mp_elem_child_text(e, "Value"), "1004", "seed: FirstExpression event 1004");
	ok(!mp_elem_next(expr, "Expression"), "seed: And has two operands");
	expr = walk(cfg, "SecondExpression", "And", "Expression", (char *)NULL);
	e = mp_elem_next(walk(mp_elem_next(expr, "Expression"), "SimpleExpression",
			      "ValueExpression", (char *)NULL), "ValueExpression");
	is_str(mp_elem_child_text(e, "Value"), "1003", "seed: SecondExpression event 1003");
	is_str(mp_elem_child_text(cfg, "SecondLogName"), "Mobile Device Manager", "seed: SecondLogName");

	/* loaded to run, not to document: the same model without the source text */
	mp_pack_free(p);
	p = NULL;
	diag_release(&d);
	diag_init(&d);
	rc = mp_load_flags("seed.xml", doc.data, doc.len, 0, &p, &d);
	is_int(rc, 0, "seed without source: loads");
	m = p ? p->monitors : NULL;
	ok(m && !m->source_xml, "seed without source: source_xml is NULL");
	is_str(m ? m->type_id : NULL, "Microsoft.Windows.2SingleEventLog2StateMonitorType",
	       "seed without source: type ID");
	is_str(m ? mp_elem_child_text(m->config, "SecondLogName") : NULL, "Mobile Device Manager",
	       "seed without source: configuration");
	is_int((int64_t)d.warnings, 2, "seed without source: the same two warnings");
out:
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&doc);
	buf_release(&fb);
}

/* ---- model rules on small packs ------------------------------------------- */

/* A ManagementPack whose monitors start on line 5. */
static void full_pack(struct buf *b, const char *monitors)
{
	buf_reset(b);
	buf_puts(b, "<ManagementPack>\n"
		    "<Manifest><Identity><ID>T.Pack</ID><Version>1.0.0.0</Version></Identity>\n"
		    "<References><Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID>"
		    "</Reference><Reference Alias=\"Mp\"><ID>Mpmon.Library</ID></Reference>"
		    "</References></Manifest>\n"
		    "<TypeDefinitions><EntityTypes><ClassTypes><ClassType ID=\"T\"/></ClassTypes>"
		    "</EntityTypes><MonitorTypes><UnitMonitorType ID=\"T.Type\"/></MonitorTypes>"
		    "</TypeDefinitions><Monitoring><Monitors>\n");
	buf_puts(b, monitors);
	buf_puts(b, "\n</Monitors></Monitoring>\n<Presentation><StringResources>"
		    "<StringResource ID=\"Known.Msg\"/></StringResources></Presentation>\n"
		    "</ManagementPack>\n");
}

/* A fragment whose monitors start on line 3. */
static void fragment(struct buf *b, const char *monitors)
{
	buf_reset(b);
	buf_puts(b, "<ManagementPackFragment SchemaVersion=\"2.0\">\n<Monitoring><Monitors>\n");
	buf_puts(b, monitors);
	buf_puts(b, "\n</Monitors></Monitoring>\n</ManagementPackFragment>\n");
}

struct type_case {
	const char *what;
	bool fragment;
	const char *type_id;
	enum mp_type_origin origin;
	const char *type_pack;
	const char *error;	/* the one error expected at line 5 (pack) / 3 (fragment) */
};

static void test_type_resolution(void)
{
	static const struct type_case cases[] = {
		{ "pack: alias via References", false, "Windows!Microsoft.Windows.X",
		  MP_TYPE_LIBRARY, "Microsoft.Windows.Library", NULL },
		{ "pack: undeclared alias", false, "Nope!X.Type", MP_TYPE_UNRESOLVED, NULL,
		  "t.xml:5: monitor 'M': type 'Nope!X.Type' resolves nowhere: alias 'Nope' is "
		  "not declared in References" },
		{ "pack: conventional alias is not enough", false, "System!System.X",
		  MP_TYPE_UNRESOLVED, NULL,
		  "t.xml:5: monitor 'M': type 'System!System.X' resolves nowhere: alias 'System' "
		  "is not declared in References" },
		{ "pack: bare in-pack type", false, "T.Type", MP_TYPE_PACK, "T.Pack", NULL },
		{ "pack: bare unresolved type", false, "X.Type", MP_TYPE_UNRESOLVED, NULL,
		  "t.xml:5: monitor 'M': type 'X.Type' resolves nowhere: no UnitMonitorType "
		  "'X.Type' in this pack and no alias" },
		{ "pack: bare Mpmon. type", false, "Mpmon.EventRatio2StateMonitorType",
		  MP_TYPE_LIBRARY, "Mpmon.Library", NULL },
		{ "pack: alias of Mpmon.Library", false, "Mp!Mpmon.MissingEvent2StateMonitorType",
		  MP_TYPE_LIBRARY, "Mpmon.Library", NULL },
		{ "fragment: Windows", true, "Windows!Microsoft.Windows.X", MP_TYPE_LIBRARY,
		  "Microsoft.Windows.Library", NULL },
		{ "fragment: System", true, "System!System.X", MP_TYPE_LIBRARY, "System.Library", NULL },
		{ "fragment: Health", true, "Health!X", MP_TYPE_LIBRARY, "System.Health.Library", NULL },
		{ "fragment: SystemHealth", true, "SystemHealth!X", MP_TYPE_LIBRARY,
		  "System.Health.Library", NULL },
		{ "fragment: SC", true, "SC!X", MP_TYPE_LIBRARY, "Microsoft.SystemCenter.Library", NULL },
		{ "fragment: other alias", true, "Other!X", MP_TYPE_EXTERNAL, NULL, NULL },
		{ "fragment: bare type", true, "X.Type", MP_TYPE_EXTERNAL, NULL, NULL },
		{ "fragment: bare Mpmon. type", true, "Mpmon.X", MP_TYPE_LIBRARY, "Mpmon.Library", NULL },
		{ "pack: no TypeID", false, "", MP_TYPE_UNRESOLVED, NULL,
		  "t.xml:5: monitor 'M' has no TypeID" },
	};
	const struct mp_monitor *m;
	struct mp_pack *p;
	struct buf doc, mon, fb;
	struct diag d;
	char what[256];
	size_t i;
	int rc;

	buf_init(&doc);
	buf_init(&mon);
	buf_init(&fb);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct type_case *c = &cases[i];

		buf_reset(&mon);
		buf_printf(&mon, "<UnitMonitor ID=\"M\" TypeID=\"%s\"/>", c->type_id);
		if (c->fragment)
			fragment(&doc, mon.data);
		else
			full_pack(&doc, mon.data);
		diag_init(&d);
		p = NULL;
		rc = mp_load("t.xml", doc.data, doc.len, &p, &d);
		snprintf(what, sizeof(what), "%s: loads (errors are in d)", c->what);
		is_int(rc, 0, what);
		m = p ? p->monitors : NULL;
		snprintf(what, sizeof(what), "%s: origin", c->what);
		is_int(m ? (int64_t)m->type_origin : -1, c->origin, what);
		snprintf(what, sizeof(what), "%s: type pack", c->what);
		is_str(m ? m->type_pack : NULL, c->type_pack, what);
		snprintf(what, sizeof(what), "%s: errors", c->what);
		is_int((int64_t)d.errors, c->error ? 1 : 0, what);
		snprintf(what, sizeof(what), "%s: message", c->what);
		if (c->error)
			is_str(formatted(entry(&d, DIAG_ERROR), &fb), c->error, what);
		else if (d.errors)
			show_diags(&d);
		mp_pack_free(p);
		diag_release(&d);
	}
	buf_release(&doc);
	buf_release(&mon);
	buf_release(&fb);
}

struct value_case {
	const char *what;
	const char *monitors;
	const char *error;	/* the one error expected, formatted */
};

static void test_bad_values(void)
{
	static const struct value_case cases[] = {
		{ "bad HealthState",
		  "<UnitMonitor ID=\"M\" TypeID=\"Windows!X\">\n<OperationalStates>\n"
		  "<OperationalState ID=\"S\" MonitorTypeStateID=\"X\" HealthState=\"Bad\"/>\n"
		  "</OperationalStates></UnitMonitor>",
		  "t.xml:7: monitor 'M': operational state 'S': invalid HealthState 'Bad' "
		  "(expected Success, Warning, Error or Uninitialized)" },
		{ "missing HealthState",
		  "<UnitMonitor ID=\"M\" TypeID=\"Windows!X\"><OperationalStates>\n"
		  "<OperationalState ID=\"S\" MonitorTypeStateID=\"X\"/>\n"
		  "</OperationalStates></UnitMonitor>",
		  "t.xml:6: monitor 'M': operational state 'S' has no HealthState" },
		{ "bad AlertSeverity",
		  "<UnitMonitor ID=\"M\" TypeID=\"Windows!X\">\n<AlertSettings AlertMessage=\"Known.Msg\">\n"
		  "<AlertSeverity>Loud</AlertSeverity>\n</AlertSettings></UnitMonitor>",
		  "t.xml:7: monitor 'M': invalid AlertSeverity 'Loud' (expected Information, Warning, "
		  "Error or MatchMonitorHealth)" },
		{ "bad AlertPriority",
		  "<UnitMonitor ID=\"M\" TypeID=\"Windows!X\"><AlertSettings AlertMessage=\"Known.Msg\">\n"
		  "<AlertPriority>Urgent</AlertPriority></AlertSettings></UnitMonitor>",
		  "t.xml:6: monitor 'M': invalid AlertPriority 'Urgent' (expected Low, Normal or High)" },
		{ "bad AlertOnState",
		  "<UnitMonitor ID=\"M\" TypeID=\"Windows!X\"><AlertSettings AlertMessage=\"Known.Msg\">\n"
		  "<AlertOnState>Red</AlertOnState></AlertSettings></UnitMonitor>",
		  "t.xml:6: monitor 'M': invalid AlertOnState 'Red' (expected Success, Warning, Error "
		  "or Uninitialized)" },
		{ "bad AutoResolve",
		  "<UnitMonitor ID=\"M\" TypeID=\"Windows!X\"><AlertSettings AlertMessage=\"Known.Msg\">\n"
		  "\n<AutoResolve>maybe</AutoResolve></AlertSettings></UnitMonitor>",
		  "t.xml:7: monitor 'M': invalid AutoResolve 'maybe' (expected true or false)" },
		{ "bad Remotable",
		  "\n<UnitMonitor ID=\"M\" TypeID=\"Windows!X\" Remotable=\"yes\"/>",
		  "t.xml:6: monitor 'M': invalid Remotable 'yes' (expected true or false)" },
		{ "duplicate monitor ID",
		  "<UnitMonitor ID=\"D\" TypeID=\"Windows!X\"/>\n<UnitMonitor ID=\"D\" TypeID=\"Windows!Y\"/>",
		  "t.xml:6: duplicate monitor ID 'D' (first at line 5)" },
		{ "monitor without ID", "\n\n<UnitMonitor TypeID=\"Windows!X\"/>",
		  "t.xml:7: UnitMonitor without an ID" },
	};
	struct mp_pack *p;
	struct buf doc, fb;
	struct diag d;
	char what[256];
	size_t i;
	int rc;

	buf_init(&doc);
	buf_init(&fb);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		full_pack(&doc, cases[i].monitors);
		diag_init(&d);
		p = NULL;
		rc = mp_load("t.xml", doc.data, doc.len, &p, &d);
		snprintf(what, sizeof(what), "%s: still a pack", cases[i].what);
		is_int(rc, 0, what);
		snprintf(what, sizeof(what), "%s: one error", cases[i].what);
		is_int((int64_t)d.errors, 1, what);
		snprintf(what, sizeof(what), "%s: message at the element's line", cases[i].what);
		is_str(formatted(entry(&d, DIAG_ERROR), &fb), cases[i].error, what);
		if (i == 7)
			is_int(p ? (int64_t)p->nmonitors : -1, 1, "duplicate monitor ID: first one kept");
		mp_pack_free(p);
		diag_release(&d);
	}
	buf_release(&doc);
	buf_release(&fb);
}

static void test_defaults(void)
{
	const struct mp_monitor *m;
	struct mp_pack *p = NULL;
	struct buf doc, fb;
	struct diag d;
	int rc;

	buf_init(&doc);
	buf_init(&fb);
	full_pack(&doc, "<UnitMonitor ID=\"A\" TypeID=\"Windows!X\" Enabled=\"false\">\n"
			"<AlertSettings AlertMessage=\"Unknown.Msg\"/></UnitMonitor>\n"
			"<UnitMonitor ID=\"B\" TypeID=\"Windows!X\"><AlertSettings AlertMessage=\"Known.Msg\">"
			"<AlertParameters><AlertParameter2> $Data/x$ </AlertParameter2>"
			"<AlertParameter10>ten</AlertParameter10></AlertParameters></AlertSettings>"
			"</UnitMonitor>\n"
			"<UnitMonitor ID=\"C\" TypeID=\"Windows!X\" Enabled=\"onStandardMonitoring\"/>\n"
			"<AggregateMonitor ID=\"Agg\"/>"
			"<DependencyMonitor ID=\"Dep\"/>");
	diag_init(&d);
	rc = mp_load("t.xml", doc.data, doc.len, &p, &d);
	is_int(rc, 0, "defaults: loads");
	is_int((int64_t)d.errors, 1, "defaults: one error (the unknown alert message)");
	ok(has_entry(&d, "t.xml:6: monitor 'A': alert message 'Unknown.Msg' resolves nowhere: "
			 "this pack defines no 'Unknown.Msg' and it has no alias"),
	   "defaults: an alert message the pack does not define is an error");
	is_int(p ? (int64_t)p->nmonitors : -1, 3, "defaults: aggregate and dependency monitors skipped");
	m = p ? mp_pack_monitor(p, "A") : NULL;
	if (m) {
		is_int(m->enabled, 0, "defaults: Enabled=\"false\" disables");
		is_int(m->alert.present, 1, "defaults: AlertSettings present");
		is_int(m->alert.on_state, MP_HEALTH_ERROR, "defaults: AlertOnState Error");
		is_int(m->alert.priority, MP_PRIORITY_NORMAL, "defaults: AlertPriority Normal");
		is_int(m->alert.severity, MP_SEVERITY_MATCH_MONITOR_HEALTH,
		       "defaults: AlertSeverity MatchMonitorHealth");
		is_int(m->alert.auto_resolve, 0, "defaults: AutoResolve false");
		ok(m->remotable && !m->confirm_delivery, "defaults: Remotable true, ConfirmDelivery false");
		ok(!m->config && !m->states && !m->knowledge && !m->category,
		   "defaults: nothing invented");
	} else {
		ok(0, "defaults: monitor A");
	}
	ok(has_entry(&d, "t.xml:7: warning: monitor 'B': alert message 'Known.Msg' has no display "
			 "string; its alerts have an empty name and text"),
	   "defaults: a StringResource message without a display string warns");
	ok(has_entry(&d, "t.xml:5: warning: monitor 'A' has no display string; it is shown by its "
			 "ID") &&
	   has_entry(&d, "t.xml:8: warning: monitor 'C' has no display string; it is shown by its "
			 "ID"), "defaults: a monitor without a display string warns");
	is_int((int64_t)d.warnings, 5, "defaults: five warnings (a message, four monitors)");
	m = p ? mp_pack_monitor(p, "B") : NULL;
	is_str(m ? m->alert.params[1] : NULL, " $Data/x$ ", "defaults: AlertParameter2 raw");
	is_str(m ? m->alert.params[9] : NULL, "ten", "defaults: AlertParameter10");
	ok(m && !m->alert.params[0], "defaults: AlertParameter1 absent");
	m = p ? mp_pack_monitor(p, "C") : NULL;
	ok(m && m->enabled && !m->alert.present, "defaults: onStandardMonitoring enabled, no alert");
	ok(p && !mp_pack_monitor(p, "Agg") && !mp_pack_monitor(p, "nope"),
	   "defaults: unknown IDs are not found");
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&doc);
	buf_release(&fb);
}

/* ---- knowledge and languages ---------------------------------------------- */

#define MAML_SECTION "<maml:section xmlns:maml=\"http://schemas.microsoft.com/maml/2004/10\">"

static const char knowledge_pack[] =
	"<ManagementPack>\n"
	"<Manifest><Identity><ID>K.Pack</ID><Version>1.0</Version></Identity>"
	"<References><Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"System\"><ID>System.Library</ID></Reference>"
	"</References></Manifest>\n"
	"<Monitoring><Monitors><UnitMonitor ID=\"K\" TypeID=\"Windows!X\"/></Monitors>\n"
	"<Diagnostics><Diagnostic ID=\"G\" Monitor=\"K\" ExecuteOnState=\"Warning\" Enabled=\"false\">"
	"<ProbeAction ID=\"PA\" TypeID=\"System!System.CommandExecuterProbe\">"
	"<ApplicationName>/bin/true</ApplicationName></ProbeAction></Diagnostic>"
	"</Diagnostics>\n"
	"<Recoveries><Recovery ID=\"R\" Monitor=\"K\" ExecuteOnState=\"Error\" ResetMonitor=\"true\">"
	"<WriteAction ID=\"WA\" TypeID=\"System!System.CommandExecuter\">"
	"<ApplicationName>/bin/true</ApplicationName></WriteAction></Recovery></Recoveries>"
	"</Monitoring>\n"
	"<LanguagePacks>\n"
	"<LanguagePack ID=\"DEU\" IsDefault=\"true\"><DisplayStrings>"
	"<DisplayString ElementID=\"K\"><Name>Deutsch</Name></DisplayString></DisplayStrings>"
	"<KnowledgeArticles><KnowledgeArticle ElementID=\"K\"><MamlContent>" MAML_SECTION
	"<maml:title>Zusammenfassung</maml:title></maml:section></MamlContent></KnowledgeArticle>"
	"</KnowledgeArticles></LanguagePack>\n"
	"<LanguagePack ID=\"ENU\" IsDefault=\"false\"><DisplayStrings>\n"
	"<DisplayString ElementID=\"K\"><Name>English</Name><Description>About K</Description>"
	"</DisplayString>\n"
	"<DisplayString ElementID=\"G\"><Name>Diag G</Name></DisplayString>\n"
	"<DisplayString ElementID=\"K.Pack\"><Name>Knowledge pack</Name></DisplayString>\n"
	"</DisplayStrings><KnowledgeArticles>\n"
	"<KnowledgeArticle ElementID=\"K\" Visible=\"true\"><MamlContent>\n"
	MAML_SECTION "\n"
	"<maml:title>Summary</maml:title>\n"
	"<maml:para>First   paragraph\n   spans lines with <maml:ui>Services</maml:ui> and a "
	"<maml:navigationLink><maml:linkText>link</maml:linkText><maml:uri>http://x</maml:uri>"
	"</maml:navigationLink>.</maml:para>\n"
	"<maml:para>Second paragraph.</maml:para>\n"
	"<maml:para/>\n"
	"<maml:list class=\"ordered\">\n"
	"<maml:listItem><maml:para>One</maml:para></maml:listItem>\n"
	"<maml:listItem><maml:para>Two</maml:para><maml:para>More about two</maml:para>\n"
	"<maml:list><maml:listItem><maml:para>Nested a</maml:para></maml:listItem>"
	"<maml:listItem><maml:para>Nested b</maml:para></maml:listItem></maml:list>\n"
	"</maml:listItem>\n"
	"<maml:listItem><maml:para>Three with <maml:code>code</maml:code></maml:para></maml:listItem>\n"
	"</maml:list>\n"
	"<maml:table>\n<maml:title>Events</maml:title>\n"
	"<maml:tableHeader><maml:row><maml:entry><maml:para>ID</maml:para></maml:entry>"
	"<maml:entry><maml:para>Meaning</maml:para></maml:entry></maml:row></maml:tableHeader>\n"
	"<maml:row><maml:entry><maml:para>1004</maml:para></maml:entry>"
	"<maml:entry><maml:para>connected</maml:para></maml:entry></maml:row>\n"
	"</maml:table>\n"
	"<maml:sections><maml:section><maml:title>Details</maml:title>"
	"<maml:para>Nested content.</maml:para></maml:section></maml:sections>\n"
	"</maml:section>\n"
	MAML_SECTION "<maml:title>Causes</maml:title></maml:section>\n"
	"</MamlContent></KnowledgeArticle>\n"
	"<KnowledgeArticle ElementID=\"G\"><HtmlContent><html><body><h1>Title</h1>"
	"<p>Some <b>bold</b>\n text.</p><p>Second &amp; last</p></body></html></HtmlContent>"
	"</KnowledgeArticle>\n"
	"<KnowledgeArticle ElementID=\"R\"><HtmlContent>&lt;p&gt;Escaped &amp;amp; text&lt;/p&gt;"
	"&lt;p&gt;Two&lt;/p&gt;</HtmlContent></KnowledgeArticle>\n"
	"<KnowledgeArticle ElementID=\"K.Pack\"><MamlContent/></KnowledgeArticle>\n"
	"</KnowledgeArticles></LanguagePack>\n"
	"</LanguagePacks>\n"
	"</ManagementPack>\n";

static void test_knowledge(void)
{
	const struct mp_monitor *m;
	const struct mp_article *a;
	struct mp_pack *p = NULL;
	struct diag d;
	int rc;

	diag_init(&d);
	rc = mp_load("k.xml", knowledge_pack, strlen(knowledge_pack), &p, &d);
	is_int(rc, 0, "knowledge: loads");
	is_int((int64_t)d.errors, 0, "knowledge: no errors");
	if (d.errors)
		show_diags(&d);
	m = p ? p->monitors : NULL;
	is_str(m ? m->display_name : NULL, "English", "language: ENU wins over IsDefault");
	is_str(m ? m->description : NULL, "About K", "language: description");
	is_str(p ? p->display_name : NULL, "Knowledge pack", "language: the pack's display string");
	a = m ? m->knowledge : NULL;
	is_str(mp_article_section(a, "Summary"),
	       "First paragraph spans lines with Services and a link.\n"
	       "\n"
	       "Second paragraph.\n"
	       "\n"
	       "1. One\n"
	       "2. Two\n"
	       "   More about two\n"
	       "  - Nested a\n"
	       "  - Nested b\n"
	       "3. Three with code\n"
	       "\n"
	       "Events\n"
	       "ID | Meaning\n"
	       "1004 | connected\n"
	       "\n"
	       "Details\n"
	       "\n"
	       "Nested content.", "maml: paragraphs, ordered and nested lists, table, sub-section");
	is_str(mp_article_section(a, "Causes"), "", "maml: a section with a title only");
	ok(!mp_article_section(a, "Zusammenfassung"), "maml: the other language is not loaded");
	ok(p && p->diagnostics && p->diagnostics->knowledge, "knowledge: linked to the diagnostic");
	if (p && p->diagnostics) {
		const struct mp_diagnostic *g = p->diagnostics;

		is_str(mp_article_section(g->knowledge, "Summary"),
		       "Title\n\nSome bold text.\n\nSecond & last", "html: tags stripped, one Summary");
		is_int(g->execute_on_state, MP_HEALTH_WARNING, "diagnostic: ExecuteOnState");
		is_int(g->enabled, 0, "diagnostic: Enabled=\"false\"");
		is_str(g->display_name, "Diag G", "diagnostic: display name");
		is_str(g->probe_type_id, "System!System.CommandExecuterProbe", "diagnostic: probe type");
	}
	if (p && p->recoveries) {
		const struct mp_recovery *r = p->recoveries;

		is_str(mp_article_section(r->knowledge, "summary"), "Escaped & text\n\nTwo",
		       "html: escaped markup stripped too");
		ok(r->reset_monitor && r->enabled, "recovery: ResetMonitor, enabled by default");
	} else {
		ok(0, "knowledge: recovery loaded");
	}
	is_int(p ? (int64_t)count_articles(p) : -1, 4, "knowledge: every ENU article on the pack");
	for (a = p ? p->articles : NULL; a && strcmp(a->element_id, "K.Pack") != 0; a = a->next)
		;
	ok(a && !a->sections, "knowledge: an empty article has no sections");
	mp_pack_free(p);
	diag_release(&d);
}

/* Without ENU: the IsDefault one; without that: the first. */
static void test_language_choice(void)
{
	static const char *const docs[] = {
		"<ManagementPackFragment><LanguagePacks>"
		"<LanguagePack ID=\"FRA\"><DisplayStrings><DisplayString ElementID=\"K.Pack\">"
		"<Name>fra</Name></DisplayString></DisplayStrings></LanguagePack>"
		"<LanguagePack ID=\"DEU\" IsDefault=\"true\"><DisplayStrings>"
		"<DisplayString ElementID=\"M\"><Name>deu</Name></DisplayString></DisplayStrings>"
		"</LanguagePack></LanguagePacks><Monitoring><Monitors>"
		"<UnitMonitor ID=\"M\" TypeID=\"Windows!X\"/></Monitors></Monitoring>"
		"</ManagementPackFragment>",
		"<ManagementPackFragment><Monitoring><Monitors>"
		"<UnitMonitor ID=\"M\" TypeID=\"Windows!X\"/></Monitors></Monitoring><LanguagePacks>"
		"<LanguagePack ID=\"FRA\"><DisplayStrings><DisplayString ElementID=\"M\">"
		"<Name>fra</Name></DisplayString></DisplayStrings></LanguagePack>"
		"<LanguagePack ID=\"DEU\" IsDefault=\"false\"><DisplayStrings>"
		"<DisplayString ElementID=\"M\"><Name>deu</Name></DisplayString></DisplayStrings>"
		"</LanguagePack></LanguagePacks></ManagementPackFragment>",
	};
	static const char *const want[] = { "deu", "fra" };
	struct mp_pack *p;
	struct diag d;
	int rc, i;

	for (i = 0; i < 2; i++) {
		diag_init(&d);
		p = load_text("l.xml", docs[i], &d, &rc);
		is_str(p && p->monitors ? p->monitors->display_name : NULL, want[i],
		       i ? "language: the first when none is default (strings after monitors)"
			 : "language: IsDefault without ENU");
		mp_pack_free(p);
		diag_release(&d);
	}
}

/* ---- broken and hostile input ------------------------------------------- */

struct xml_case {
	const char *what;
	const char *xml;
	const char *error;	/* the first error, formatted */
};

static void test_malformed(void)
{
	static const struct xml_case cases[] = {
		{ "mismatched tag",
		  "<ManagementPack>\n<Manifest>\n<Foo>\n</Bar>\n</Manifest>\n</ManagementPack>\n",
		  "bad.xml:4: malformed xml: opening and ending tag mismatch: Foo line 3 and Bar" },
		{ "wrong root", "<?xml version=\"1.0\"?>\n<Pack>\n</Pack>\n",
		  "bad.xml:2: root element is 'Pack', not ManagementPack or ManagementPackFragment" },
		{ "not xml", "hello", "bad.xml:1: malformed xml: start tag expected, '<' not found" },
		{ "empty", "", "bad.xml:1: malformed xml: document is empty" },
		{ "truncated", "<ManagementPack>\n<Manifest>",
		  "bad.xml:2: malformed xml: premature end of data in tag Manifest line 2" },
		{ "undefined entity", "<ManagementPack>\n\n&nope;</ManagementPack>",
		  "bad.xml:3: malformed xml: entity 'nope' not defined" },
	};
	struct mp_pack *p;
	struct buf fb;
	struct diag d;
	char what[128];
	size_t i;
	int rc;

	buf_init(&fb);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_init(&d);
		p = (struct mp_pack *)&d;	/* must be reset to NULL */
		rc = mp_load("bad.xml", cases[i].xml, strlen(cases[i].xml), &p, &d);
		snprintf(what, sizeof(what), "%s: -EINVAL", cases[i].what);
		is_int(rc, -EINVAL, what);
		snprintf(what, sizeof(what), "%s: no pack", cases[i].what);
		ok(p == NULL, "%s", what);
		snprintf(what, sizeof(what), "%s: message", cases[i].what);
		is_str(formatted(entry(&d, DIAG_ERROR), &fb), cases[i].error, what);
		snprintf(what, sizeof(what), "%s: one error", cases[i].what);
		is_int((int64_t)d.errors, 1, what);
		diag_release(&d);
	}
	buf_release(&fb);
}

static const char billion_laughs[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE ManagementPack [\n"
	" <!ENTITY lol \"lol\">\n"
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	"]>\n"
	"<ManagementPack><Manifest><Name>&lol9;</Name></Manifest></ManagementPack>\n";

/* Load xml, expecting exactly the DOCTYPE refusal at line; returns the seconds taken. */
static double expect_doctype_refused(const char *what, const char *xml, long line)
{
	struct mp_pack *p = NULL;
	struct buf fb, want;
	struct diag d;
	double t0, dt;
	size_t i;
	int rc, leaked = 0;
	char label[160];

	buf_init(&fb);
	buf_init(&want);
	diag_init(&d);
	t0 = now_seconds();
	rc = mp_load("evil.xml", xml, strlen(xml), &p, &d);
	dt = now_seconds() - t0;
	snprintf(label, sizeof(label), "%s: -EINVAL", what);
	is_int(rc, -EINVAL, label);
	snprintf(label, sizeof(label), "%s: no pack", what);
	ok(p == NULL, "%s", label);
	buf_printf(&want, "evil.xml:%ld: document type declarations are not allowed", line);
	snprintf(label, sizeof(label), "%s: refused at the DOCTYPE line", what);
	is_str(formatted(entry(&d, DIAG_ERROR), &fb), want.data, label);
	snprintf(label, sizeof(label), "%s: that is the only error", what);
	is_int((int64_t)d.errors, 1, label);
	/* nothing of /etc/passwd may reach the messages */
	for (i = 0; i < d.n; i++)
		if (strstr(d.v[i].message, "root:") || strstr(d.v[i].message, "lollol"))
			leaked++;
	snprintf(label, sizeof(label), "%s: nothing expanded or read into messages", what);
	is_int(leaked, 0, label);
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&fb);
	buf_release(&want);
	return dt;
}

/*
 * XInclude is not processed: an xi:include naming the FIFO (which would block
 * on open) and /etc/passwd stays an element the loader passes over.
 */
static void test_xinclude(const char *fifo)
{
	struct mp_pack *p = NULL;
	struct diag d;
	char xml[1024];
	size_t i;
	int rc, leaked = 0;

	snprintf(xml, sizeof(xml),
		 "<ManagementPack xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		 "<Manifest><Identity><ID>X</ID><Version>1.0.0.0</Version></Identity>"
		 "<Name><xi:include href=\"file://%s\" parse=\"text\"/>"
		 "<xi:include href=\"/etc/passwd\" parse=\"text\"/></Name></Manifest>"
		 "</ManagementPack>\n", fifo);
	diag_init(&d);
	alarm(10);
	rc = mp_load("xinclude.xml", xml, strlen(xml), &p, &d);
	alarm(0);
	is_int(rc, 0, "xinclude: loads, the include not followed");
	is_int((int64_t)d.errors, 0, "xinclude: no error");
	ok(p && (!p->name || !strstr(p->name, "root:")), "xinclude: nothing of /etc/passwd read");
	for (i = 0; i < d.n; i++)
		if (strstr(d.v[i].message, "root:"))
			leaked++;
	is_int(leaked, 0, "xinclude: nothing read into messages");
	mp_pack_free(p);
	diag_release(&d);
}

/* A DOCTYPE in UTF-16 (with BOM) is refused as one in UTF-8 is. */
static void test_doctype_utf16(void)
{
	static const char text[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
				   "<!DOCTYPE ManagementPack [<!ENTITY a \"lollollol\">]>\n"
				   "<ManagementPack><Manifest><Name>&a;</Name></Manifest></ManagementPack>\n";
	char utf16[2 * sizeof(text) + 2];
	struct mp_pack *p = NULL;
	struct diag d;
	size_t i, n = 0;
	int rc;

	utf16[n++] = (char)0xff;	/* little-endian BOM */
	utf16[n++] = (char)0xfe;
	for (i = 0; text[i]; i++) {
		utf16[n++] = text[i];
		utf16[n++] = 0;
	}
	diag_init(&d);
	rc = mp_load("utf16.xml", utf16, n, &p, &d);
	is_int(rc, -EINVAL, "UTF-16 DOCTYPE: refused");
	ok(d.n > 0 && strcmp(d.v[0].message, "document type declarations are not allowed") == 0 &&
	   d.v[0].line == 2, "UTF-16 DOCTYPE: 'document type declarations are not allowed' at line 2 "
	   "(got %ld: %s)", d.n ? d.v[0].line : -1, d.n ? d.v[0].message : "");
	mp_pack_free(p);
	diag_release(&d);
}

static void test_hostile(void)
{
	char dir[] = "/tmp/test_mp.XXXXXX", fifo[64], xml[512];
	double dt;

	dt = expect_doctype_refused("billion laughs", billion_laughs, 2);
	ok(dt < 1.0 * tap_time_factor(), "billion laughs: refused in under a second (%.6f s)", dt);

	expect_doctype_refused("external entity",
			       "<!DOCTYPE ManagementPack [\n"
			       "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
			       "<ManagementPack><Manifest><Name>&xxe;</Name></Manifest></ManagementPack>\n",
			       1);
	expect_doctype_refused("external DTD",
			       "<?xml version=\"1.0\"?>\n\n"
			       "<!DOCTYPE ManagementPack SYSTEM \"file:///etc/passwd\">\n"
			       "<ManagementPack/>\n", 3);
	expect_doctype_refused("parameter entity",
			       "<!DOCTYPE ManagementPack [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x\"> %p;]>"
			       "<ManagementPack/>", 1);
	expect_doctype_refused("internal parameter entity",
			       "<!DOCTYPE ManagementPack [\n<!ENTITY % p \"<!ENTITY e 'lollol'>\">\n"
			       "%p;\n]>\n<ManagementPack><Manifest><Name>&e;</Name></Manifest>"
			       "</ManagementPack>", 1);
	test_doctype_utf16();

	/*
	 * A FIFO with no writer: opening it for reading blocks, so if the loader
	 * tried to read the external subset the alarm would end this test.
	 */
	if (!mkdtemp(dir)) {
		ok(0, "external FIFO: mkdtemp");
		return;
	}
	snprintf(fifo, sizeof(fifo), "%s/dtd", dir);
	if (mkfifo(fifo, 0600) < 0) {
		ok(0, "external FIFO: mkfifo");
		rmdir(dir);
		return;
	}
	snprintf(xml, sizeof(xml),
		 "<!DOCTYPE ManagementPack SYSTEM \"file://%s\" [\n"
		 "<!ENTITY e SYSTEM \"file://%s\">\n]>\n<ManagementPack>&e;</ManagementPack>\n",
		 fifo, fifo);
	alarm(10);
	expect_doctype_refused("external FIFO", xml, 1);
	alarm(0);
	test_xinclude(fifo);
	unlink(fifo);
	rmdir(dir);
}

/* Lines beyond 65535 keep their real numbers (XML_PARSE_BIG_LINES). */
static void test_big_lines(void)
{
	const struct mp_monitor *m;
	struct mp_pack *p = NULL;
	struct buf doc, fb;
	struct diag d;
	int rc, i;

	buf_init(&doc);
	buf_init(&fb);
	buf_puts(&doc, "<ManagementPackFragment>\n");
	for (i = 0; i < 70000; i++)
		buf_putc(&doc, '\n');
	/* line 70002 */
	buf_puts(&doc, "<Monitoring><Monitors><UnitMonitor ID=\"M\" TypeID=\"Windows!X\">\n"
		       "<Configuration>\n<LogName>System</LogName></Configuration>\n"
		       "<OperationalStates><OperationalState ID=\"S\" HealthState=\"Bad\"/>"
		       "</OperationalStates></UnitMonitor></Monitors></Monitoring>\n"
		       "</ManagementPackFragment>\n");
	diag_init(&d);
	rc = mp_load("big.xml", doc.data, doc.len, &p, &d);
	is_int(rc, 0, "big lines: loads");
	m = p ? p->monitors : NULL;
	is_int(m ? m->line : -1, 70002, "big lines: monitor line");
	is_int(m ? walk(m->config, "LogName", (char *)NULL)->line : -1, 70004,
	       "big lines: configuration element line");
	is_str(formatted(entry(&d, DIAG_ERROR), &fb),
	       "big.xml:70005: monitor 'M': operational state 'S': invalid HealthState 'Bad' "
	       "(expected Success, Warning, Error or Uninitialized)", "big lines: error line");
	mp_pack_free(p);
	diag_release(&d);

	/* and libxml2's own errors there */
	buf_truncate(&doc, 0);
	buf_puts(&doc, "<ManagementPack>\n");
	for (i = 0; i < 70000; i++)
		buf_putc(&doc, '\n');
	buf_puts(&doc, "<Foo></Bar></ManagementPack>\n");
	diag_init(&d);
	p = NULL;
	rc = mp_load("big.xml", doc.data, doc.len, &p, &d);
	is_int(rc, -EINVAL, "big lines: malformed");
	is_int(d.n ? d.v[0].line : -1, 70002, "big lines: libxml2 error line");
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&doc);
	buf_release(&fb);
}

/* ---- the API's edges -------------------------------------------------------- */

static void test_api(void)
{
	static const char good[] = "<ManagementPackFragment><Monitoring><Monitors>"
				   "<UnitMonitor ID=\"M\" TypeID=\"X\"/></Monitors></Monitoring>"
				   "</ManagementPackFragment>";
	struct mp_pack *p = NULL, *half;
	int rc;

	mp_pack_free(NULL);
	ok(1, "mp_pack_free(NULL) does nothing");
	ok(mp_pack_monitor(NULL, "M") == NULL, "mp_pack_monitor(NULL) is NULL");

	/* a pack as an error path leaves it: arena in use, lists half filled */
	half = calloc(1, sizeof(*half));
	if (half) {
		arena_init(&half->arena);
		half->id = arena_strdup(&half->arena, "Half");
		half->monitors = arena_alloc(&half->arena, sizeof(*half->monitors));
	}
	mp_pack_free(half);
	ok(1, "mp_pack_free of a half-built pack");

	/* diagnostics are optional */
	rc = mp_load("g.xml", good, strlen(good), &p, NULL);
	is_int(rc, 0, "no diag list: loads");
	ok(p && mp_pack_monitor(p, "M") && !mp_pack_monitor(p, "N"), "no diag list: lookup by ID");
	mp_pack_free(p);
	rc = mp_load("g.xml", "<x", 2, &p, NULL);
	is_int(rc, -EINVAL, "no diag list: malformed still -EINVAL");
	ok(p == NULL, "no diag list: no pack");
}

/* ---- aggregate monitors and rules ------------------------------------------ */

/* Line numbers matter: the checks name them. */
static const char rollup_pack[] =
	"<ManagementPack>\n"						/* 1 */
	"<Manifest><Identity><ID>R.Pack</ID><Version>1.0.0.0</Version></Identity>\n"
	"<References><Reference Alias=\"Health\"><ID>System.Health.Library</ID></Reference>"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"System\"><ID>System.Library</ID></Reference>"
	"<Reference Alias=\"SC\"><ID>Microsoft.SystemCenter.Library</ID></Reference></References>"
	"</Manifest><TypeDefinitions><EntityTypes><ClassTypes><ClassType ID=\"R.Class\"/>"
	"</ClassTypes></EntityTypes></TypeDefinitions>\n"			/* 3 */
	"<Monitoring><Monitors>\n"					/* 4 */
	"<AggregateMonitor ID=\"R.Agg\" Accessibility=\"Public\" Enabled=\"true\" Target=\"R.Class\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\">\n" /* 5 */
	"<Category>AvailabilityHealth</Category>\n"			/* 6 */
	"<AlertSettings AlertMessage=\"R.Agg.Msg\"><AlertOnState>Warning</AlertOnState>"
	"<AutoResolve>true</AutoResolve><AlertPriority>High</AlertPriority>"
	"<AlertSeverity>Error</AlertSeverity></AlertSettings>\n"	/* 7 */
	"<Algorithm>BestOf</Algorithm>\n"				/* 8 */
	"</AggregateMonitor>\n"						/* 9 */
	"<AggregateMonitor ID=\"R.Pct\" Enabled=\"false\" Target=\"R.Class\" ParentMonitorID=\"R.Agg\">\n" /* 10 */
	"<Category>AvailabilityHealth</Category><Algorithm>Percentage</Algorithm>\n" /* 11 */
	"<AlgorithmParameter>60</AlgorithmParameter></AggregateMonitor>\n" /* 12 */
	"<AggregateMonitor ID=\"R.Plain\" Target=\"R.Class\" ParentMonitorID=\"R.Agg\"/>\n" /* 13 */
	"</Monitors>\n"							/* 14 */
	"<Rules>\n"							/* 15 */
	"<Rule ID=\"R.Rule\" Enabled=\"true\" Target=\"R.Class\" ConfirmDelivery=\"true\">\n" /* 16 */
	"<Category>Alert</Category>\n"					/* 17 */
	"<DataSources><DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.EventProvider\">\n" /* 18 */
	"<ComputerName>x</ComputerName><LogName>System</LogName>\n"	/* 19 */
	"<Expression><SimpleExpression><ValueExpression><XPathQuery>EventDisplayNumber</XPathQuery>"
	"</ValueExpression><Operator>Equal</Operator><ValueExpression><Value>7</Value>"
	"</ValueExpression></SimpleExpression></Expression>\n"		/* 20 */
	"</DataSource></DataSources>\n"					/* 21 */
	"<WriteActions><WriteAction ID=\"Alert\" TypeID=\"Health!System.Health.GenerateAlert\">\n" /* 22 */
	"<Priority>2</Priority><Severity>1</Severity><AlertName/>\n"	/* 23 */
	"<AlertMessageId>$MPElement[Name=\"R.Rule.Msg\"]$</AlertMessageId>\n" /* 24 */
	"<AlertParameters><AlertParameter1>$Data/EventDescription$</AlertParameter1>"
	"<AlertParameter3>$Data/Params/Param[1]$</AlertParameter3></AlertParameters>\n" /* 25 */
	"<Suppression><SuppressionValue>$Data/EventDescription$</SuppressionValue>"
	"<SuppressionValue>$Data/LoggingComputer$</SuppressionValue></Suppression>\n" /* 26 */
	"</WriteAction></WriteActions>\n"				/* 27 */
	"</Rule>\n"							/* 28 */
	"<Rule ID=\"R.Collect\" Enabled=\"false\" Target=\"R.Class\">\n"	/* 29 */
	"<Category>EventCollection</Category><DataSources>"
	"<DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.EventCollector\"/></DataSources>\n" /* 30 */
	"<ConditionDetection ID=\"F\" TypeID=\"System!System.ExpressionFilter\"/>\n" /* 31 */
	"<WriteActions><WriteAction ID=\"DB\" TypeID=\"SC!Microsoft.SystemCenter.CollectEvent\"/>\n" /* 32 */
	"<WriteAction ID=\"A\" TypeID=\"Health!System.Health.GenerateAlert\"><Priority>3</Priority>"
	"</WriteAction></WriteActions>\n"				/* 33 */
	"</Rule>\n"							/* 34 */
	"</Rules></Monitoring><Presentation><StringResources><StringResource ID=\"R.Agg.Msg\"/>"
	"<StringResource ID=\"R.Rule.Msg\"/></StringResources></Presentation>\n" /* 35 */
	"<LanguagePacks><LanguagePack ID=\"ENU\"><DisplayStrings>\n"
	"<DisplayString ElementID=\"R.Rule.Msg\"><Name>Rule alert</Name>"
	"<Description>Saw {0}</Description></DisplayString>\n"
	"<DisplayString ElementID=\"R.Agg.Msg\"><Name>Aggregate alert</Name></DisplayString>\n"
	"<DisplayString ElementID=\"R.Agg\"><Name>The aggregate</Name></DisplayString>\n"
	"</DisplayStrings></LanguagePack></LanguagePacks>\n"
	"</ManagementPack>\n";

static void test_aggregates_and_rules(void)
{
	const struct mp_aggregate *g;
	const struct mp_rule *r;
	struct mp_pack *p;
	struct diag d;
	struct buf b;
	int rc;

	diag_init(&d);
	buf_init(&b);
	p = load_text("r.xml", rollup_pack, &d, &rc);
	is_int(rc, 0, "aggregates and rules: the pack loads");
	is_int((int64_t)d.errors, 1, "aggregates and rules: one error (Priority 3)");
	is_str(formatted(entry(&d, DIAG_ERROR), &b),
	       "r.xml:33: rule 'R.Collect': invalid Priority '3' (expected 0, 1 or 2)",
	       "a GenerateAlert Priority out of 0..2 is an error at its line");
	show_diags(&d);
	if (!p)
		goto out;
	is_int((int64_t)p->naggregates, 3, "three aggregate monitors");
	is_int((int64_t)p->nmonitors, 0, "aggregates are not unit monitors");
	g = mp_pack_aggregate(p, "R.Agg");
	ok(g != NULL, "R.Agg found");
	if (g) {
		is_int(g->line, 5, "aggregate: line of its element");
		is_str(g->target, "R.Class", "aggregate: Target");
		is_str(g->parent_monitor, "Health!System.Health.AvailabilityState",
		       "aggregate: ParentMonitorID as written");
		is_str(g->category, "AvailabilityHealth", "aggregate: Category");
		is_int(g->algorithm, MP_ALGORITHM_BEST_OF, "aggregate: Algorithm BestOf");
		is_int(g->algorithm_line, 8, "aggregate: Algorithm line");
		ok(g->enabled, "aggregate: enabled");
		ok(g->alert.present && g->alert.on_state == MP_HEALTH_WARNING &&
		   g->alert.auto_resolve && g->alert.priority == MP_PRIORITY_HIGH &&
		   g->alert.severity == MP_SEVERITY_ERROR, "aggregate: AlertSettings read");
		is_int(g->alert.line, 7, "aggregate: AlertSettings line");
		is_str(g->alert.message_name, "Aggregate alert", "aggregate: alert message name");
		is_str(g->display_name, "The aggregate", "aggregate: display name");
	}
	g = mp_pack_aggregate(p, "R.Pct");
	ok(g && g->algorithm == MP_ALGORITHM_PERCENTAGE && g->percentage == 60 && !g->enabled &&
	   g->line == 10, "aggregate: Percentage with AlgorithmParameter, Enabled=false");
	g = mp_pack_aggregate(p, "R.Plain");
	ok(g && g->algorithm == MP_ALGORITHM_WORST_OF && g->algorithm_line == 0 &&
	   !g->alert.present, "aggregate: WorstOf by default, no AlertSettings");
	is_str(mp_algorithm_name(MP_ALGORITHM_BEST_OF), "BestOf", "mp_algorithm_name");

	is_int((int64_t)p->nrules, 2, "two rules");
	r = mp_pack_rule(p, "R.Rule");
	ok(r != NULL, "R.Rule found");
	if (r) {
		is_int(r->line, 16, "rule: line of its element");
		is_str(r->ds_type_raw, "Windows!Microsoft.Windows.EventProvider", "rule: data source as written");
		is_str(r->ds_type_id, "Microsoft.Windows.EventProvider", "rule: data source without alias");
		is_int(r->ds_config ? r->ds_config->line : 0, 18, "rule: data source copied with its line");
		is_str(mp_elem_child_text(r->ds_config, "LogName"), "System", "rule: LogName");
		is_int((int64_t)r->ndata_sources, 1, "rule: one data source");
		is_int((int64_t)r->nconditions, 0, "rule: no condition detection");
		ok(r->alert.present && !r->other_wa_raw, "rule: GenerateAlert only");
		is_int(r->alert.line, 22, "rule: write action line");
		is_int(r->alert.priority, MP_PRIORITY_HIGH, "rule: Priority 2 is High");
		is_int(r->alert.severity, MP_SEVERITY_WARNING, "rule: Severity 1 is Warning");
		is_str(r->alert.message_id, "R.Rule.Msg", "rule: AlertMessageId's $MPElement$ name");
		is_str(r->alert.message_text, "Saw {0}", "rule: alert message text");
		ok(r->alert.name == NULL, "rule: an empty AlertName is absent");
		is_str(r->alert.params[0], "$Data/EventDescription$", "rule: AlertParameter1");
		ok(r->alert.params[1] == NULL, "rule: AlertParameter2 absent");
		is_str(r->alert.params[2], "$Data/Params/Param[1]$", "rule: AlertParameter3");
		ok(r->alert.has_suppression && r->alert.nsuppression == 2, "rule: two suppression values");
		is_str(r->alert.suppression[1], "$Data/LoggingComputer$", "rule: second suppression value");
	}
	r = mp_pack_rule(p, "R.Collect");
	ok(r && !r->enabled && r->nconditions == 1 && r->nwrite_actions == 2 &&
	   r->other_wa_raw && strcmp(r->other_wa_raw, "SC!Microsoft.SystemCenter.CollectEvent") == 0 &&
	   r->other_wa_line == 32 && r->cd_type_raw &&
	   strcmp(r->cd_type_raw, "System!System.ExpressionFilter") == 0,
	   "rule: other modules are recorded with their lines");
out:
	mp_pack_free(p);
	buf_release(&b);
	diag_release(&d);
}

static void test_aggregate_errors(void)
{
	static const struct {
		const char *what, *xml, *error;
	} cases[] = {
		{ "bad Algorithm",
		  "<AggregateMonitor ID=\"A\" Target=\"T\">\n<Algorithm>Median</Algorithm></AggregateMonitor>",
		  "t.xml:6: aggregate monitor 'A': invalid Algorithm 'Median' (expected WorstOf, BestOf or Percentage)" },
		{ "Percentage without parameter",
		  "<AggregateMonitor ID=\"A\" Target=\"T\"><Algorithm>Percentage</Algorithm></AggregateMonitor>",
		  "t.xml:5: aggregate monitor 'A': Percentage needs an AlgorithmParameter from 0 to 100" },
		{ "aggregate with a unit monitor's ID",
		  "<UnitMonitor ID=\"A\" TypeID=\"T.Type\" Target=\"T\"/>\n<AggregateMonitor ID=\"A\" Target=\"T\"/>",
		  "t.xml:6: duplicate monitor ID 'A' (first at line 5)" },
	};
	struct buf doc, b;
	size_t i;

	buf_init(&doc);
	buf_init(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_pack *p = NULL;
		struct diag d;
		int rc;

		diag_init(&d);
		full_pack(&doc, cases[i].xml);
		rc = mp_load("t.xml", doc.data, doc.len, &p, &d);
		(void)rc;
		is_str(formatted(entry(&d, DIAG_ERROR), &b), cases[i].error, cases[i].what);
		mp_pack_free(p);
		diag_release(&d);
	}
	buf_release(&doc);
	buf_release(&b);
}

/* Corpus packs: MECM's three aggregates and an ADInsights event alert rule. */
static void test_corpus_rollup_rules(void)
{
	const struct mp_aggregate *g;
	const struct mp_rule *r;
	struct mp_pack *p;
	struct diag d;
	int rc;

	diag_init(&d);
	p = load_corpus("teamwallride-Management-Packs__MECM.xml", &d, &rc);
	is_int((int64_t)(p ? p->naggregates : 0), 3, "MECM: three aggregate monitors");
	g = p ? mp_pack_aggregate(p, "MECM.SiteRole.AggregateRollup.Monitor") : NULL;
	ok(g && g->line == 11706 && g->algorithm == MP_ALGORITHM_WORST_OF && g->alert.present &&
	   g->alert.on_state == MP_HEALTH_WARNING, "MECM: SiteRole aggregate at line 11706, WorstOf");
	is_int((int64_t)(p ? p->nrules : 0), 221, "MECM: all 221 rules read");
	mp_pack_free(p);
	diag_release(&d);

	diag_init(&d);
	p = load_corpus("ADInsights__Proactive.Microsoft.Windows.Server.AD.Account.Password.Customizations.xml",
			&d, &rc);
	r = p ? mp_pack_rule(p, "Microsoft.Windows.Server.AD.Auth.Failed.EventID40961.Alert.Rule") : NULL;
	ok(r != NULL, "ADInsights: the 40961 alert rule");
	if (r) {
		is_int(r->line, 2951, "ADInsights rule: line");
		is_str(r->ds_type_id, "Microsoft.Windows.EventProvider", "ADInsights rule: data source");
		is_int(r->alert.priority, MP_PRIORITY_NORMAL, "ADInsights rule: Priority 1");
		is_int(r->alert.severity, MP_SEVERITY_WARNING, "ADInsights rule: Severity 1");
		is_str(r->alert.message_id,
		       "Microsoft.Windows.Server.AD.Auth.Failed.EventID40961.Alert.Rule.AlertMessage",
		       "ADInsights rule: message id");
		is_str(r->alert.message_text, "{0}", "ADInsights rule: message text");
		ok(r->alert.nsuppression == 1 &&
		   strcmp(r->alert.suppression[0], "$Data/EventDescription$") == 0,
		   "ADInsights rule: suppressed on the description");
	}
	mp_pack_free(p);
	diag_release(&d);
}

/* ---- references: every alias and element reference resolves ---------------- */

/* Line numbers matter: each reference stands on its own line. */
static const char refs_pack[] =
	"<ManagementPack>\n"							/* 1 */
	"<Manifest><Identity><ID>Refs.Pack</ID><Version>1.0</Version></Identity><References>"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID></Reference>"
	"<Reference Alias=\"Other\"><ID>Other.Library</ID></Reference>"
	"</References></Manifest>\n"						/* 2 */
	"<TypeDefinitions><EntityTypes><ClassTypes>\n"				/* 3 */
	"<ClassType ID=\"Refs.Class\" Base=\"Windows!Microsoft.Windows.LocalApplication\"/>\n" /* 4 */
	"<ClassType ID=\"Refs.Bad\" Base=\"Win!Microsoft.Windows.LocalApplication\"/>\n" /* 5 */
	"</ClassTypes></EntityTypes><ModuleTypes>\n"				/* 6 */
	"<DataSourceModuleType ID=\"Refs.DS\"><Configuration>"
	"<xsd:element xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" name=\"Interval\"/>"
	"</Configuration><OutputType>Sys!System.PropertyBagData</OutputType>\n" /* 7 */
	"</DataSourceModuleType></ModuleTypes></TypeDefinitions>\n"		/* 8 */
	"<Monitoring><Monitors>\n"						/* 9 */
	"<UnitMonitor ID=\"Refs.Mon\" Target=\"Refs.Class\" TypeID=\"Windows!Microsoft.Windows."
	"2SingleEventLog2StateMonitorType\"\n"	/* 10; libxml2 dates the tag at its end, 11 */
	" ParentMonitorID=\"Hlth!System.Health.AvailabilityState\">\n"	/* 11 */
	"<AlertSettings AlertMessage=\"Refs.Msg\"><AlertParameters><AlertParameter1>"
	"$Target/Property[Type=\"Nope!Some.Class\"]/Name$</AlertParameter1>\n"	/* 12 */
	"</AlertParameters></AlertSettings></UnitMonitor>\n"			/* 13 */
	"<UnitMonitor ID=\"Refs.Orphan\" Target=\"Refs.Class\" ParentMonitorID=\"No.Such.Aggregate\" "
	"TypeID=\"Other!Other.MonitorType\"/>\n"				/* 14 */
	"<UnitMonitor ID=\"Refs.Health\" Target=\"Other!Other.Class\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" "
	"TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\"/>\n" /* 15 */
	"</Monitors><Rules>\n"							/* 16 */
	"<Rule ID=\"Refs.Rule\" Target=\"Refs.Class\"><DataSources>\n"		/* 17 */
	"<DataSource ID=\"DS\" TypeID=\"Win!Microsoft.Windows.EventProvider\"/>\n" /* 18 */
	"</DataSources><WriteActions>\n"					/* 19 */
	"<WriteAction ID=\"A\" TypeID=\"Sys!System.Health.GenerateAlert\">\n"	/* 20 */
	"<AlertMessageId>$MPElement[Name=\"Refs.Missing\"]$</AlertMessageId>\n" /* 21 */
	"<AlertDescription>$MPElement[Name=\"Nope!X\"]$ and $MPElement[Name='Refs.Class']$"
	"</AlertDescription>\n"							/* 22 */
	"</WriteAction></WriteActions></Rule>\n"				/* 23 */
	"</Rules></Monitoring>\n"						/* 24 */
	"<Presentation><StringResources><StringResource ID=\"Refs.Msg\"/>"
	"<StringResource ID=\"Refs.Unnamed\"/></StringResources></Presentation>\n" /* 25 */
	"<LanguagePacks><LanguagePack ID=\"ENU\"><DisplayStrings>"
	"<DisplayString ElementID=\"Refs.Mon\"><Name>Mon</Name></DisplayString>"
	"<DisplayString ElementID=\"Refs.Msg\"><Name>Msg</Name></DisplayString>"
	"<DisplayString ElementID=\"Refs.OnlyAString\"><Name>Only</Name></DisplayString>"
	"</DisplayStrings></LanguagePack></LanguagePacks>\n"
	"</ManagementPack>\n";

static void test_references(void)
{
	static const char *const errors[] = {
		"r.xml:5: class 'Refs.Bad': base class 'Win!Microsoft.Windows.LocalApplication' "
		"resolves nowhere: alias 'Win' is not declared in References",
		"r.xml:7: DataSourceModuleType 'Refs.DS': OutputType 'Sys!System.PropertyBagData' "
		"resolves nowhere: alias 'Sys' is not declared in References",
		"r.xml:11: monitor 'Refs.Mon': parent monitor 'Hlth!System.Health.AvailabilityState' "
		"resolves nowhere: alias 'Hlth' is not declared in References",
		"r.xml:12: monitor 'Refs.Mon': property type 'Nope!Some.Class' resolves nowhere: "
		"alias 'Nope' is not declared in References",
		"r.xml:14: monitor 'Refs.Orphan': parent monitor 'No.Such.Aggregate' resolves "
		"nowhere: this pack defines no 'No.Such.Aggregate' and it has no alias",
		"r.xml:18: rule 'Refs.Rule': data source 'Win!Microsoft.Windows.EventProvider' "
		"resolves nowhere: alias 'Win' is not declared in References",
		"r.xml:20: rule 'Refs.Rule': write action 'Sys!System.Health.GenerateAlert' resolves "
		"nowhere: alias 'Sys' is not declared in References",
		"r.xml:21: rule 'Refs.Rule': $MPElement name 'Refs.Missing' resolves nowhere: this "
		"pack defines no 'Refs.Missing' and it has no alias",
		"r.xml:22: rule 'Refs.Rule': $MPElement name 'Nope!X' resolves nowhere: alias 'Nope' "
		"is not declared in References",
	};
	const struct mp_xref *x;
	struct mp_pack *p;
	struct diag d;
	size_t i, n;
	int rc;

	diag_init(&d);
	p = load_text("r.xml", refs_pack, &d, &rc);
	is_int(rc, 0, "references: the pack loads (errors are in d)");
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		ok(has_entry(&d, errors[i]), "references: %.*s", 60, errors[i] + 6);
	is_int((int64_t)d.errors, (int64_t)(sizeof(errors) / sizeof(errors[0])),
	       "references: no other errors");
	if (d.errors != sizeof(errors) / sizeof(errors[0]))
		show_diags(&d);
	ok(has_entry(&d, "r.xml:14: warning: monitor 'Refs.Orphan' has no display string; it is "
			 "shown by its ID"), "a monitor without a display string warns");
	ok(!has_entry(&d, "r.xml:10: warning: monitor 'Refs.Mon' has no display string; it is "
			  "shown by its ID"), "... one with a display string does not");
	for (i = 1; i < d.n; i++)
		if (d.v[i].line < d.v[i - 1].line)
			break;
	is_int((int64_t)i, (int64_t)d.n, "references: problems listed in line order");
	if (!p)
		goto out;
	ok(mp_pack_defines(p, "Refs.Class") && mp_pack_defines(p, "Refs.DS") &&
	   mp_pack_defines(p, "Refs.Mon") && mp_pack_defines(p, "Refs.Rule") &&
	   mp_pack_defines(p, "Refs.Unnamed"), "defines: classes, types, monitors, rules, strings");
	ok(!mp_pack_defines(p, "Refs.OnlyAString") && !mp_pack_defines(p, "DS") &&
	   !mp_pack_defines(p, "Refs.Pack") && !mp_pack_defines(p, NULL),
	   "defines: not a display string alone, a member module or the manifest");
	ok(mp_pack_type(p, "Refs.DS") && mp_pack_type(p, "Refs.DS")->kind == MP_KIND_DATA_SOURCE &&
	   mp_pack_type(p, "Refs.DS")->config[0] &&
	   strcmp(mp_pack_type(p, "Refs.DS")->config[0], "Interval") == 0 &&
	   !mp_pack_type(p, "Refs.DS")->config[1] && !mp_pack_type(p, "Refs.DS")->config_open,
	   "type: a module type with its configuration schema");
	for (n = 0, x = p->xrefs; x; x = x->next, n++)
		if (strcmp(x->pack, "Microsoft.Windows.Library") == 0 &&
		    strcmp(x->id, "Microsoft.Windows.LocalApplication") == 0)
			ok(x->line == 4 && x->count == 1 && strcmp(x->what, "base class") == 0,
			   "xref: first use and count (%ld, %zu)", x->line, x->count);
		else if (strcmp(x->id, "Microsoft.Windows.2SingleEventLog2StateMonitorType") == 0)
			ok(x->line == 11 && x->count == 2 && strcmp(x->owner_id, "Refs.Mon") == 0,
			   "xref: a type used twice is one entry (%ld, %zu)", x->line, x->count);
	is_int((int64_t)n, 5, "xrefs: one per distinct element of another pack");
out:
	mp_pack_free(p);
	diag_release(&d);
}

/* A fragment's aliases come from its project: nothing of it resolves nowhere. */
static void test_fragment_references(void)
{
	struct mp_pack *p;
	struct diag d;
	struct buf b;
	int rc;

	buf_init(&b);
	fragment(&b, "<UnitMonitor ID=\"F.Mon\" Target=\"F.Elsewhere\" ParentMonitorID=\"Nope!X\" "
		     "TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\"/>");
	diag_init(&d);
	p = load_text("f.xml", b.data, &d, &rc);
	is_int((int64_t)d.errors, 0, "fragment: unknown aliases and bare IDs are no errors");
	ok(p && p->xrefs && strcmp(p->xrefs->pack, "Microsoft.Windows.Library") == 0,
	   "fragment: a conventional alias is a reference into its library");
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&b);
}

/* References into another loaded pack must name what it defines. */
static void test_link(void)
{
	static const char lib[] =
		"<ManagementPack><Manifest><Identity><ID>Other.Library</ID><Version>1.0</Version>"
		"</Identity></Manifest><TypeDefinitions><EntityTypes><ClassTypes>"
		"<ClassType ID=\"Other.Class\"/></ClassTypes></EntityTypes></TypeDefinitions>"
		"</ManagementPack>\n";
	struct mp_pack *p, *o;
	struct diag d;
	int rc;

	diag_init(&d);
	p = load_text("r.xml", refs_pack, &d, &rc);
	o = load_text("other.xml", lib, &d, &rc);
	diag_release(&d);
	diag_init(&d);
	is_int((int64_t)mp_pack_link(p, o, &d), 1, "link: one reference resolves nowhere");
	ok(has_entry(&d, "r.xml:14: monitor 'Refs.Orphan': type 'Other!Other.MonitorType' "
			 "resolves nowhere: pack 'Other.Library' (other.xml) defines no "
			 "'Other.MonitorType'"), "link: named at the referring line");
	is_int((int64_t)mp_pack_link(o, p, &d), 0, "link: nothing to check the other way");
	ok(mp_library_known("System.Library") && mp_library_known("Microsoft.Windows.Library") &&
	   !mp_library_known("Other.Library") && !mp_library_known(NULL),
	   "the standard libraries are known");
	mp_pack_free(p);
	mp_pack_free(o);
	diag_release(&d);
}

int main(void)
{
	corpus_dir = tap_corpus("the corpus packs load with the values they hold");
	if (corpus_dir) {
		test_corpus_loads();
		test_corpus_mecm();
		test_corpus_utf16();
		test_corpus_fragment_aliases();
		test_corpus_full_pack();
		test_corpus_knowledge();
		test_corpus_diagnostics();
		test_corpus_rollup_rules();
	}
	test_seed();
	test_type_resolution();
	test_bad_values();
	test_defaults();
	test_knowledge();
	test_language_choice();
	test_malformed();
	test_hostile();
	test_big_lines();
	test_api();
	test_aggregates_and_rules();
	test_aggregate_errors();
	test_references();
	test_fragment_references();
	test_link();
	return tap_done();
}
