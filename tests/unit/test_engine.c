/*
 * Engine and monitor types with synthetic events and explicit times: the state
 * machines, the dispatch index, instances and their bound, timers on the event
 * clock, resets, alerts and message parameters.
 */
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "mp-xml/inventory.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL

struct rec {
	char monitor[128];
	char computer[64];
	char instance[64];
	enum mp_health from, to;
	enum state_cause cause;
	bool alert, resolved;
	enum mp_severity severity;
	int64_t time;
	uint64_t seq;
	char alert_name[64];
	char message[256];
	char diagnosis[256];
	char resolution[256];
	enum change_kind kind;
	char target[64];
	uint64_t repeat;
	bool has_event;
};

static struct rec recs[64];
static int nrecs;

static void collect(void *arg, const struct state_change *c)
{
	struct rec *r = &recs[nrecs < 63 ? nrecs++ : 63];

	(void)arg;
	snprintf(r->monitor, sizeof(r->monitor), "%s", c->monitor_id);
	snprintf(r->computer, sizeof(r->computer), "%.*s", (int)c->computer_len, c->computer);
	snprintf(r->instance, sizeof(r->instance), "%.*s", (int)c->instance_len, c->instance);
	r->from = c->from;
	r->to = c->to;
	r->cause = c->cause;
	r->alert = c->alert;
	r->resolved = c->alert_resolved;
	r->severity = c->severity;
	r->time = c->time;
	r->seq = c->seq;
	snprintf(r->alert_name, sizeof(r->alert_name), "%s", c->alert_name);
	snprintf(r->message, sizeof(r->message), "%s", c->message);
	snprintf(r->diagnosis, sizeof(r->diagnosis), "%s", c->diagnosis);
	snprintf(r->resolution, sizeof(r->resolution), "%s", c->resolution);
	r->kind = c->kind;
	snprintf(r->target, sizeof(r->target), "%s", c->target ? c->target : "(null)");
	r->repeat = c->repeat_count;
	r->has_event = c->event != NULL;
}

static const char *pack_head =
	"<ManagementPack SchemaVersion=\"2.0\">\n"
	"<Manifest><Identity><ID>Test.Pack</ID><Version>1.0.0.0</Version></Identity>\n"
	"<References>\n"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID><Version>7.5.8501.0</Version></Reference>\n"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID><Version>7.5.8501.0</Version></Reference>\n"
	"</References></Manifest>\n"
	"<Monitoring><Monitors>\n";

static const char *pack_tail =
	"</Monitors></Monitoring><Presentation><StringResources><StringResource ID=\"T.Msg\"/>"
	"</StringResources></Presentation>\n"
	"<LanguagePacks><LanguagePack ID=\"ENU\" IsDefault=\"true\"><DisplayStrings>\n"
	"<DisplayString ElementID=\"T.Msg\"><Name>Test Alert</Name>"
	"<Description>Seen: {0} on {1}</Description></DisplayString>\n"
	"</DisplayStrings><KnowledgeArticles>\n"
	"<KnowledgeArticle ElementID=\"T.Two\"><MamlContent>"
	"<maml:section xmlns:maml=\"http://schemas.microsoft.com/maml/2004/10\">"
	"<maml:title>Causes</maml:title><maml:para>The link broke.</maml:para></maml:section>"
	"<maml:section xmlns:maml=\"http://schemas.microsoft.com/maml/2004/10\">"
	"<maml:title>Resolutions</maml:title><maml:para>Mend the link.</maml:para></maml:section>"
	"</MamlContent></KnowledgeArticle>\n"
	"</KnowledgeArticles></LanguagePack></LanguagePacks>\n"
	"</ManagementPack>\n";

#define EXPR_NUM(n) \
	"<SimpleExpression><ValueExpression><XPathQuery Type=\"UnsignedInteger\">EventDisplayNumber" \
	"</XPathQuery></ValueExpression><Operator>Equal</Operator><ValueExpression>" \
	"<Value Type=\"UnsignedInteger\">" n "</Value></ValueExpression></SimpleExpression>"

#define ALERT(state) \
	"<AlertSettings AlertMessage=\"T.Msg\"><AlertOnState>" state "</AlertOnState>" \
	"<AutoResolve>true</AutoResolve><AlertPriority>High</AlertPriority>" \
	"<AlertSeverity>MatchMonitorHealth</AlertSeverity><AlertParameters>" \
	"<AlertParameter1>$Data/Context/EventDescription$</AlertParameter1>" \
	"<AlertParameter2>$Target/Host/Property[Type=\"Windows!Microsoft.Windows.Computer\"]/NetworkName$" \
	"</AlertParameter2></AlertParameters></AlertSettings>"

static const char *monitors_xml =
	"<UnitMonitor ID=\"T.Two\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
	"TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\" ConfirmDelivery=\"false\">\n"
	"<Category>AvailabilityHealth</Category>" ALERT("Error") "\n"
	"<OperationalStates><OperationalState ID=\"Up\" MonitorTypeStateID=\"FirstEventRaised\" HealthState=\"Success\"/>"
	"<OperationalState ID=\"Down\" MonitorTypeStateID=\"SecondEventRaised\" HealthState=\"Error\"/></OperationalStates>\n"
	"<Configuration><FirstComputerName>x</FirstComputerName><FirstLogName>App</FirstLogName>"
	"<FirstExpression>" EXPR_NUM("1004") "</FirstExpression>"
	"<SecondComputerName>x</SecondComputerName><SecondLogName>App</SecondLogName>"
	"<SecondExpression>" EXPR_NUM("1003") "</SecondExpression></Configuration>\n"
	"</UnitMonitor>\n"
	"<UnitMonitor ID=\"T.Manual\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
	"TypeID=\"Windows!Microsoft.Windows.SingleEventLogManualReset2StateMonitorType\" ConfirmDelivery=\"false\">\n"
	"<Category>AvailabilityHealth</Category>" ALERT("Warning") "\n"
	"<OperationalStates><OperationalState ID=\"Raised\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Warning\"/>"
	"<OperationalState ID=\"Reset\" MonitorTypeStateID=\"ManualResetEventRaised\" HealthState=\"Success\"/></OperationalStates>\n"
	"<Configuration><ComputerName>x</ComputerName><LogName>System</LogName>"
	"<Expression>" EXPR_NUM("7") "</Expression></Configuration>\n"
	"</UnitMonitor>\n"
	"<UnitMonitor ID=\"T.Timer\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
	"TypeID=\"Windows!Microsoft.Windows.SingleEventLogTimer2StateMonitorType\" ConfirmDelivery=\"false\">\n"
	"<Category>AvailabilityHealth</Category>\n"
	"<OperationalStates><OperationalState ID=\"Raised\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Error\"/>"
	"<OperationalState ID=\"Timer\" MonitorTypeStateID=\"TimerEventRaised\" HealthState=\"Success\"/></OperationalStates>\n"
	"<Configuration><ComputerName>x</ComputerName><LogName>System</LogName>"
	"<Expression>" EXPR_NUM("9") "</Expression><TimerWaitInSeconds>60</TimerWaitInSeconds></Configuration>\n"
	"</UnitMonitor>\n"
	"<UnitMonitor ID=\"T.PerDevice\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
	"TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\" ConfirmDelivery=\"false\">\n"
	"<Category>AvailabilityHealth</Category>\n"
	"<OperationalStates><OperationalState ID=\"Up\" MonitorTypeStateID=\"FirstEventRaised\" HealthState=\"Success\"/>"
	"<OperationalState ID=\"Down\" MonitorTypeStateID=\"SecondEventRaised\" HealthState=\"Error\"/></OperationalStates>\n"
	"<Configuration><FirstComputerName>x</FirstComputerName><FirstLogName>Dev</FirstLogName>"
	"<FirstExpression>" EXPR_NUM("1") "</FirstExpression>"
	"<SecondComputerName>x</SecondComputerName><SecondLogName>Dev</SecondLogName>"
	"<SecondExpression>" EXPR_NUM("2") "</SecondExpression>"
	"<InstanceField>Params/Param[1]</InstanceField><MaxInstances>2</MaxInstances></Configuration>\n"
	"</UnitMonitor>\n";

static struct mp_pack *load(const char *monitors, struct diag *d)
{
	struct mp_pack *p = NULL;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, pack_head);
	buf_puts(&b, monitors);
	buf_puts(&b, pack_tail);
	mp_load("test.xml", b.data, b.len, &p, d);
	buf_release(&b);
	return p;
}

/*
 * An engine running the monitors of xml (set *p and d first: the caller frees
 * them and the engine), or NULL with a failed check naming what did not load.
 */
static struct engine *engine_with(const char *xml, struct mp_pack **p, struct diag *d,
				  const char *what)
{
	struct engine *e;

	diag_init(d);
	*p = load(xml, d);
	e = engine_new(collect, NULL);
	if (!*p || !e || engine_add_pack(e, *p, d) < 0 || d->errors) {
		ok(false, "%s pack loads", what);
		engine_free(e);
		return NULL;
	}
	return e;
}

static void mkev(struct event *ev, const char *log, const char *num, const char *desc)
{
	event_reset(ev);
	event_set(ev, "LogName", 7, str_of(log));
	event_set(ev, "EventDisplayNumber", 18, str_of(num));
	if (desc)
		event_set(ev, "EventDescription", 16, str_of(desc));
	event_set(ev, "LoggingComputer", 15, str_of("host1"));
}

static void test_two_state(struct engine *e)
{
	struct engine_stats st;
	struct event ev;

	nrecs = 0;
	mkev(&ev, "App", "1004", "connected");
	engine_feed(e, &ev, 10 * SEC);
	is_int(nrecs, 1, "1004: one record");
	is_str(recs[0].monitor, "T.Two", "1004: monitor");
	is_int(recs[0].from, MP_HEALTH_UNINITIALIZED, "1004: from Uninitialized");
	is_int(recs[0].to, MP_HEALTH_SUCCESS, "1004: to Success");
	ok(!recs[0].alert, "1004: no alert");
	is_int(recs[0].seq, 1, "first seq is 1");
	is_str(recs[0].message, "", "1004: no alert, so no alert message");
	is_str(recs[0].alert_name, "", "1004: nor an alert name");
	is_str(recs[0].diagnosis, "", "1004: healthy: no diagnosis");
	is_str(recs[0].resolution, "", "1004: nor resolution");

	mkev(&ev, "app", "1003", "link down");	/* log names compare case-insensitively */
	engine_feed(e, &ev, 20 * SEC);
	is_int(nrecs, 2, "1003: one more record");
	is_int(recs[1].to, MP_HEALTH_ERROR, "1003: to Error");
	ok(recs[1].alert, "1003: raises an alert");
	is_int(recs[1].severity, MP_SEVERITY_ERROR, "MatchMonitorHealth gives Error");
	is_str(recs[1].message, "Seen: link down on host1", "message parameters filled");
	is_str(recs[1].alert_name, "Test Alert", "the alert's name");
	is_str(recs[1].diagnosis, "The link broke.", "diagnosis from Causes");
	is_str(recs[1].resolution, "Mend the link.", "resolution from Resolutions");
	is_int(recs[1].time, 20 * SEC, "record time is the event's");

	engine_feed(e, &ev, 21 * SEC);
	is_int(nrecs, 2, "a second 1003 changes nothing");
	mkev(&ev, "App", "1004", "ok again");
	engine_feed(e, &ev, 30 * SEC);
	is_int(nrecs, 3, "1004 again: a record");
	ok(recs[2].resolved && !recs[2].alert, "AutoResolve closes the alert");
	is_str(recs[2].message, "alert resolved: Test Alert", "the clear says so and names the alert");
	is_str(recs[2].alert_name, "Test Alert", "  its name");
	is_str(recs[2].diagnosis, "", "  no failure diagnosis as if current");
	is_str(recs[2].resolution, "", "  nor resolution");

	engine_get_stats(e, &st);
	mkev(&ev, "App", "5555", NULL);
	engine_feed(e, &ev, 31 * SEC);
	mkev(&ev, "OtherLog", "1003", NULL);
	engine_feed(e, &ev, 32 * SEC);
	{
		struct engine_stats st2;

		engine_get_stats(e, &st2);
		is_int((int64_t)(st2.evaluations - st.evaluations), 0,
		       "the dispatch index skips other numbers and other logs");
	}
	is_int(nrecs, 3, "no records for unrelated events");
}

static void test_manual_reset(struct engine *e)
{
	struct event ev;

	nrecs = 0;
	mkev(&ev, "System", "7", "disk full");
	engine_feed(e, &ev, 40 * SEC);
	is_int(nrecs, 1, "manual reset: event raises");
	is_int(recs[0].to, MP_HEALTH_WARNING, "manual reset: to Warning");
	ok(recs[0].alert, "AlertOnState Warning alerts on Warning");
	engine_feed(e, &ev, 41 * SEC);
	is_int(nrecs, 1, "manual reset: repeated event changes nothing");
	is_int(engine_reset(e, "T.Manual", NULL, NULL, 50 * SEC), 0, "reset succeeds");
	is_int(nrecs, 2, "reset: a record");
	is_int(recs[1].to, MP_HEALTH_SUCCESS, "reset: to Success");
	is_int(recs[1].cause, CAUSE_RESET, "reset: cause");
	ok(recs[1].resolved, "reset: resolves the alert");
	is_str(recs[1].message, "alert resolved: Test Alert", "reset: names the alert it resolves");
	is_int(engine_reset(e, "No.Such", NULL, NULL, 50 * SEC), -2, "reset of unknown monitor: -ENOENT");
}

static void test_timer(struct engine *e)
{
	struct event ev;

	nrecs = 0;
	mkev(&ev, "System", "9", NULL);
	engine_feed(e, &ev, 100 * SEC);
	is_int(nrecs, 1, "timer: event raises");
	engine_feed(e, &ev, 130 * SEC);	/* restarts the wait */
	is_int(engine_next_deadline(e), 190 * SEC, "timer: deadline restarts with each event");
	engine_advance(e, 189 * SEC);
	is_int(nrecs, 1, "timer: nothing before the deadline");
	mkev(&ev, "App", "5555", NULL);
	engine_feed(e, &ev, 500 * SEC);	/* a later event fires the timer first */
	is_int(nrecs, 2, "timer: fires when time passes it");
	is_int(recs[1].to, MP_HEALTH_SUCCESS, "timer: back to Success");
	is_int(recs[1].time, 190 * SEC, "timer: fires at its own deadline, not the event's time");
	is_int(recs[1].cause, CAUSE_TIMER, "timer: cause");
	ok(!recs[0].alert && !recs[1].resolved, "timer: no AlertSettings, no alert");
	is_str(recs[0].message, "", "timer: no alert message on the change to Error");
	is_str(recs[1].message, "", "timer: nor on the clear");
}

static void test_instances(struct engine *e)
{
	struct engine_stats st;
	struct event ev;

	nrecs = 0;
	mkev(&ev, "Dev", "2", NULL);
	event_add_param(&ev, str_of("dev-a"));
	engine_feed(e, &ev, 600 * SEC);
	mkev(&ev, "Dev", "1", NULL);
	event_add_param(&ev, str_of("dev-b"));
	engine_feed(e, &ev, 601 * SEC);
	is_int(nrecs, 2, "instances: one record each");
	is_str(recs[0].instance, "dev-a", "instances: first instance");
	is_int(recs[0].to, MP_HEALTH_ERROR, "instances: dev-a Error");
	is_str(recs[1].instance, "dev-b", "instances: second instance");
	is_int(recs[1].to, MP_HEALTH_SUCCESS, "instances: dev-b Success on its own");
	mkev(&ev, "Dev", "2", NULL);	/* no instance field: skipped */
	engine_feed(e, &ev, 602 * SEC);
	is_int(nrecs, 2, "instances: event without the field is not attributed");
	mkev(&ev, "Dev", "2", NULL);
	event_add_param(&ev, str_of("dev-c"));
	engine_feed(e, &ev, 603 * SEC);
	engine_get_stats(e, &st);
	is_int((int64_t)st.evictions, 1, "instances: the bound evicts the least recently used");
	mkev(&ev, "Dev", "2", NULL);
	event_add_param(&ev, str_of("dev-a"));
	engine_feed(e, &ev, 604 * SEC);
	is_int(nrecs, 4, "instances: an evicted instance starts over");
	is_int(recs[3].from, MP_HEALTH_UNINITIALIZED, "instances: evicted one restarts Uninitialized");
}

static void test_errors(void)
{
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p;
	struct diag d;
	const char *bad =
		"<UnitMonitor ID=\"T.Bad\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" "
		"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
		"TypeID=\"Windows!Microsoft.Windows.SingleEventLogTimer2StateMonitorType\" ConfirmDelivery=\"false\">\n"
		"<Category>AvailabilityHealth</Category>\n"
		"<OperationalStates><OperationalState ID=\"A\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Error\"/>\n"
		"<OperationalState ID=\"B\" MonitorTypeStateID=\"NoSuchState\" HealthState=\"Success\"/></OperationalStates>\n"
		"<Configuration><ComputerName>x</ComputerName><LogName>System</LogName>"
		"<Expression>" EXPR_NUM("9") "</Expression>\n<TimerWaitInSeconds>soon</TimerWaitInSeconds></Configuration>\n"
		"</UnitMonitor>\n";
	struct engine_stats st;
	struct buf b;
	size_t i;
	bool saw_timer = false;

	diag_init(&d);
	buf_init(&b);
	p = load(bad, &d);
	ok(p != NULL, "bad monitor: pack loads");
	engine_add_pack(e, p, &d);
	for (i = 0; i < d.n; i++) {
		const char *s = diag_format(&d.v[i], &b);

		tap_diag("%s", s);
		saw_timer |= strstr(s, "test.xml:13: monitor 'T.Bad': 'TimerWaitInSeconds' must be") != NULL;
	}
	ok(saw_timer, "bad TimerWaitInSeconds: error at its line");
	engine_get_stats(e, &st);
	is_int((int64_t)st.monitors_run, 0, "bad monitor does not run");
	is_int((int64_t)st.monitors_disabled, 1, "bad monitor counted as disabled");
	buf_release(&b);
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

static void test_state_mapping(void)
{
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p;
	struct diag d;
	struct buf b;
	size_t i;
	bool saw = false;
	const char *bad =
		"<UnitMonitor ID=\"T.Map\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" "
		"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
		"TypeID=\"Windows!Microsoft.Windows.SingleEventLogManualReset2StateMonitorType\" ConfirmDelivery=\"false\">\n"
		"<Category>AvailabilityHealth</Category>\n"
		"<OperationalStates><OperationalState ID=\"A\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Error\"/>\n"
		"<OperationalState ID=\"B\" MonitorTypeStateID=\"NoSuchState\" HealthState=\"Success\"/></OperationalStates>\n"
		"<Configuration><ComputerName>x</ComputerName><LogName>System</LogName>"
		"<Expression>" EXPR_NUM("9") "</Expression></Configuration>\n"
		"</UnitMonitor>\n";

	diag_init(&d);
	buf_init(&b);
	p = load(bad, &d);
	engine_add_pack(e, p, &d);
	for (i = 0; i < d.n; i++)
		saw |= strstr(diag_format(&d.v[i], &b),
			      "test.xml:11: monitor 'T.Map': operational state 'B' names "
			      "MonitorTypeStateID 'NoSuchState', which type") != NULL;
	ok(saw, "unknown MonitorTypeStateID: error at the OperationalState line");
	buf_release(&b);
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

static int dump_one(void *arg, const struct engine_instance_info *info)
{
	buf_printf(arg, "%s[%.*s]=%s/%s@%lld%s;", info->monitor_id, (int)info->instance_len,
		   info->instance, mp_health_name(info->health), info->state ? info->state : "-",
		   (long long)info->since, info->alert_open ? "!" : "");
	return 0;
}

static int count_one(void *arg, const struct engine_instance_info *info)
{
	(void)info;
	++*(size_t *)arg;
	return 0;
}

/* 100,000 distinct instances of one monitor stay within its bound. */
static void test_instance_bound(const struct mp_pack *p)
{
	struct engine *e = engine_new(NULL, NULL);
	struct engine_stats st;
	struct diag d;
	struct event ev;
	char key[32];
	size_t n = 0;
	int i;

	diag_init(&d);
	engine_add_pack(e, p, &d);
	for (i = 0; i < 100000; i++) {
		mkev(&ev, "Dev", "2", NULL);
		snprintf(key, sizeof(key), "device-%06d", i);
		event_add_param(&ev, str_of(key));
		engine_feed(e, &ev, 700 * SEC + i);
	}
	engine_foreach(e, count_one, &n);
	engine_get_stats(e, &st);
	is_int((int64_t)n, 2, "bound: T.PerDevice keeps MaxInstances (2) of 100,000");
	is_int((int64_t)st.evictions, 100000 - 2, "bound: every other instance was evicted");
	is_int((int64_t)st.changes, 100000, "bound: each new instance still reported its change");
	engine_free(e);
	diag_release(&d);
}

/* Close a checkpoint's text with its "end <str_hash of the text>" line. */
static void seal(struct buf *b)
{
	buf_printf(b, "end %016" PRIx64 "\n", str_hash((struct str){ b->data, b->len }));
}

/*
 * Corrupted checkpoints are refused as a whole: a flipped byte (checksum), a
 * cut, and a checkpoint whose checksum is right but whose last instance line is
 * malformed after good ones. Each time the engine's own checkpoint stays what
 * it was: nothing is half restored.
 */
static void refused_leaves_engine(struct engine *e, const struct buf *good)
{
	struct buf before, after, bad;
	size_t i;

	buf_init(&before);
	buf_init(&after);
	buf_init(&bad);
	engine_save(e, &before);
	for (i = 0; i < 3; i++) {
		static const char *const what[] = {
			"checkpoint: a flipped bit anywhere is refused, the engine unchanged",
			"checkpoint: a cut checkpoint is refused, the engine unchanged",
			"checkpoint: a malformed line under a good checksum is refused, the "
			"engine unchanged",
		};
		size_t k, refused = 0, tries = 0;

		for (k = 0; k < good->len; k += i == 0 ? 7 : good->len) {
			buf_reset(&bad);
			buf_append(&bad, good->data, good->len);
			if (i == 0) {
				bad.data[k] ^= 0x10;
			} else if (i == 1) {
				buf_truncate(&bad, good->len / 2);
			} else {
				/* drop the end line, add a bad instance line, seal again */
				buf_truncate(&bad, (size_t)((char *)memrchr(bad.data, '\n', bad.len - 1) -
							    bad.data) + 1);
				buf_puts(&bad, "i T.Two broken line\n");
				seal(&bad);
			}
			tries++;
			buf_reset(&after);
			if (engine_restore(e, bad.data, bad.len, NULL) == -EINVAL &&
			    engine_save(e, &after) == 0 && after.len == before.len &&
			    memcmp(after.data, before.data, before.len) == 0)
				refused++;
		}
		ok(refused == tries && tries > 0, "%s (%zu of %zu)", what[i], refused, tries);
	}
	buf_release(&before);
	buf_release(&after);
	buf_release(&bad);
}

/* A checkpoint restores the same health, alerts and pending timers. */
static void test_checkpoint(const struct mp_pack *p)
{
	struct engine *a = engine_new(collect, NULL), *b = engine_new(collect, NULL);
	struct buf saved, da, db;
	struct diag d;
	struct event ev;
	size_t skipped = 99;

	diag_init(&d);
	buf_init(&saved);
	buf_init(&da);
	buf_init(&db);
	engine_add_pack(a, p, &d);
	engine_add_pack(b, p, &d);
	nrecs = 0;
	mkev(&ev, "App", "1003", "down");
	engine_feed(a, &ev, 10 * SEC);
	mkev(&ev, "System", "9", NULL);
	engine_feed(a, &ev, 20 * SEC);		/* timer due at 80 s */
	mkev(&ev, "Dev", "2", NULL);
	event_add_param(&ev, str_of("dev a"));	/* a key with a space */
	engine_feed(a, &ev, 30 * SEC);
	is_int(engine_save(a, &saved), 0, "checkpoint: save");
	is_int(engine_restore(b, saved.data, saved.len, &skipped), 0, "checkpoint: restore");
	is_int((int64_t)skipped, 0, "checkpoint: nothing skipped");
	engine_foreach(a, dump_one, &da);
	engine_foreach(b, dump_one, &db);
	is_str(db.data, da.data, "checkpoint: same instances and health after restore");
	is_int(engine_next_deadline(b), 80 * SEC, "checkpoint: pending timer restored");
	nrecs = 0;
	engine_advance(a, 100 * SEC);
	engine_advance(b, 100 * SEC);
	is_int(nrecs, 2, "checkpoint: the timer fires in both");
	is_int((int64_t)recs[1].seq, (int64_t)recs[0].seq, "checkpoint: seq continues");
	mkev(&ev, "App", "1004", "up");
	nrecs = 0;
	engine_feed(b, &ev, 110 * SEC);
	ok(nrecs == 1 && recs[0].resolved, "checkpoint: the open alert is resolved after restore");

	refused_leaves_engine(b, &saved);
	saved.data[saved.len / 2] ^= 1;
	is_int(engine_restore(b, saved.data, saved.len, NULL), -22,
	       "checkpoint: a damaged checkpoint is refused");
	is_int(engine_restore(b, "mpmon-state 9\nend 0\n", 20, NULL), -22,
	       "checkpoint: an unknown version is refused");
	buf_release(&saved);
	buf_release(&da);
	buf_release(&db);
	engine_free(a);
	engine_free(b);
	diag_release(&d);
}

/* ---- roll-up and rules ---- */

#define UNIT(id, parent, good, bad, badhealth, extra) \
	"<UnitMonitor ID=\"" id "\" Enabled=\"true\" Target=\"T.Class\" ParentMonitorID=\"" parent "\" " \
	"TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\">" \
	"<Category>AvailabilityHealth</Category><OperationalStates>" \
	"<OperationalState ID=\"Up\" MonitorTypeStateID=\"FirstEventRaised\" HealthState=\"Success\"/>" \
	"<OperationalState ID=\"Down\" MonitorTypeStateID=\"SecondEventRaised\" HealthState=\"" badhealth "\"/>" \
	"</OperationalStates><Configuration><FirstLogName>L</FirstLogName><FirstExpression>" EXPR_NUM(good) \
	"</FirstExpression><SecondLogName>L</SecondLogName><SecondExpression>" EXPR_NUM(bad) \
	"</SecondExpression>" extra "</Configuration></UnitMonitor>\n"

/* Two levels: U1 and U2 under R.Best (BestOf) under R.Top (WorstOf) under Availability. */
static const char rollup_xml[] =
	"<ManagementPack>\n"								/* 1 */
	"<Manifest><Identity><ID>R.Pack</ID><Version>1.0.0.0</Version></Identity><References>"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"SystemHealth\"><ID>System.Health.Library</ID></Reference>"
	"<Reference Alias=\"Other\"><ID>Other.Pack</ID></Reference>"
	"</References></Manifest><TypeDefinitions><EntityTypes><ClassTypes>"
	"<ClassType ID=\"T.Class\" Accessibility=\"Public\" Abstract=\"false\" Base=\"Windows!Microsoft.Windows.LocalApplication\"/>"
	"</ClassTypes></EntityTypes></TypeDefinitions>\n"				/* 2 */
	"<Monitoring><Monitors>\n"							/* 3 */
	"<AggregateMonitor ID=\"R.Top\" Target=\"T.Class\" ParentMonitorID=\"SystemHealth!System.Health.AvailabilityState\">"
	"<Category>AvailabilityHealth</Category><AlertSettings AlertMessage=\"R.Top.Msg\">"
	"<AlertOnState>Error</AlertOnState><AutoResolve>true</AutoResolve><AlertPriority>High</AlertPriority>"
	"<AlertSeverity>MatchMonitorHealth</AlertSeverity></AlertSettings>"
	"<Algorithm>WorstOf</Algorithm></AggregateMonitor>\n"				/* 4 */
	"<AggregateMonitor ID=\"R.Best\" Target=\"T.Class\" ParentMonitorID=\"R.Top\">"
	"<Category>AvailabilityHealth</Category><Algorithm>BestOf</Algorithm></AggregateMonitor>\n" /* 5 */
	UNIT("U1", "R.Best", "1", "2", "Error", "")					/* 6 */
	UNIT("U2", "R.Best", "3", "4", "Error", "")					/* 7 */
	UNIT("U3", "R.Top", "5", "6", "Warning", "")					/* 8 */
	UNIT("U4", "R.Top", "7", "8", "Error", "<InstanceField>Params/Param[1]</InstanceField>"
	     "<MaxInstances>1</MaxInstances>")						/* 9 */
	UNIT("U5", "Other!No.Such.Parent", "9", "10", "Error", "")			/* 10 */
	"</Monitors><Rules>\n"								/* 11 */
	"<Rule ID=\"R.Sup\" Target=\"T.Class\"><Category>Alert</Category><DataSources>"
	"<DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.EventProvider\"><LogName>L</LogName>"
	"<Expression>" EXPR_NUM("100") "</Expression></DataSource></DataSources><WriteActions>"
	"<WriteAction ID=\"A\" TypeID=\"SystemHealth!System.Health.GenerateAlert\"><Priority>2</Priority>"
	"<Severity>1</Severity><AlertMessageId>$MPElement[Name=\"R.Sup.Msg\"]$</AlertMessageId>"
	"<AlertParameters><AlertParameter1>$Data/Params/Param[1]$</AlertParameter1></AlertParameters>"
	"<Suppression><SuppressionValue>$Data/Params/Param[1]$</SuppressionValue></Suppression>"
	"</WriteAction></WriteActions></Rule>\n"					/* 12 */
	"<Rule ID=\"R.Each\" Target=\"T.Class\"><Category>Alert</Category><DataSources>"
	"<DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.EventProvider\"><LogName>L</LogName>"
	"<Expression>" EXPR_NUM("101") "</Expression></DataSource></DataSources><WriteActions>"
	"<WriteAction ID=\"A\" TypeID=\"SystemHealth!System.Health.GenerateAlert\"><Priority>0</Priority>"
	"<Severity>2</Severity><AlertName>Each time</AlertName></WriteAction></WriteActions></Rule>\n" /* 13 */
	"<Rule ID=\"R.Script\" Target=\"T.Class\"><Category>Alert</Category><DataSources>"
	"<DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.TimedScript.EventProvider\"/></DataSources>"
	"<WriteActions><WriteAction ID=\"A\" TypeID=\"SystemHealth!System.Health.GenerateAlert\"/>"
	"</WriteActions></Rule>\n"							/* 14 */
	"</Rules></Monitoring><Presentation><StringResources><StringResource ID=\"R.Top.Msg\"/>"
	"<StringResource ID=\"R.Sup.Msg\"/></StringResources></Presentation>\n"
	"<LanguagePacks><LanguagePack ID=\"ENU\"><DisplayStrings>"
	"<DisplayString ElementID=\"R.Top.Msg\"><Name>Top down</Name></DisplayString>"
	"<DisplayString ElementID=\"R.Sup.Msg\"><Name>Sup</Name><Description>Device {0} failed</Description></DisplayString>"
	"</DisplayStrings></LanguagePack></LanguagePacks>\n"
	"</ManagementPack>\n";

static void feed_num(struct engine *e, const char *num, const char *param, int64_t t)
{
	struct event ev;

	mkev(&ev, "L", num, NULL);
	if (param)
		event_add_param(&ev, str_of(param));
	engine_feed(e, &ev, t);
}

static bool saw_diag(const struct diag *d, const char *want)
{
	struct buf b;
	size_t i;
	bool found = false;

	buf_init(&b);
	for (i = 0; i < d->n && !found; i++)
		found = strcmp(diag_format(&d->v[i], &b), want) == 0;
	if (!found)
		for (i = 0; i < d->n; i++)
			tap_diag("got: %s", diag_format(&d->v[i], &b));
	buf_release(&b);
	return found;
}

static void is_rollup(int i, const char *monitor, const char *instance, enum mp_health from,
		      enum mp_health to, const char *what)
{
	ok(i < nrecs && recs[i].kind == CHANGE_ROLLUP && strcmp(recs[i].monitor, monitor) == 0 &&
	   strcmp(recs[i].instance, instance) == 0 && recs[i].from == from && recs[i].to == to,
	   "%s: record %d is %s[%s] %s -> %s (got kind %d %s[%s] %s -> %s)", what, i, monitor,
	   instance, mp_health_name(from), mp_health_name(to), i < nrecs ? (int)recs[i].kind : -1,
	   i < nrecs ? recs[i].monitor : "", i < nrecs ? recs[i].instance : "",
	   i < nrecs ? mp_health_name(recs[i].from) : "", i < nrecs ? mp_health_name(recs[i].to) : "");
}

static void test_rollup(void)
{
	struct engine *e = engine_new(collect, NULL), *plain = engine_new(collect, NULL), *b;
	struct engine_stats st;
	struct mp_pack *p = NULL;
	struct buf saved;
	struct diag d;

	diag_init(&d);
	buf_init(&saved);
	mp_load("r.xml", rollup_xml, sizeof(rollup_xml) - 1, &p, &d);
	ok(p != NULL, "roll-up pack loads");
	if (!p)
		goto out;
	engine_enable_rollup(e);
	is_int(engine_add_pack(e, p, &d), 0, "roll-up: engine takes the pack");
	is_int((int64_t)d.errors, 0, "roll-up: no errors");
	ok(saw_diag(&d, "r.xml:10: warning: monitor 'U5': parent monitor 'Other!No.Such.Parent' is "
		    "not known; the monitor takes no part in the roll-up"),
	   "unknown ParentMonitorID: warning at the monitor's line");
	ok(saw_diag(&d, "r.xml:14: warning: rule 'R.Script': data source "
		    "'Windows!Microsoft.Windows.TimedScript.EventProvider' is not supported by mpmon "
		    "yet; the rule stays disabled"), "a rule with another data source: warning naming it");
	engine_get_stats(e, &st);
	is_int((int64_t)st.monitors_run, 5, "roll-up: five monitors run");
	is_int((int64_t)st.rules_run, 2, "rules: two run");
	is_int((int64_t)st.rules_disabled, 1, "rules: one disabled");
	is_int(engine_rule_status(e, "R.Sup"), ENGINE_RUN, "rules: R.Sup runs");
	is_int(engine_rule_status(e, "R.Script"), ENGINE_NOT_LOADED, "rules: R.Script is not loaded");

	nrecs = 0;
	feed_num(e, "1", NULL, 10 * SEC);		/* U1 Success */
	is_int(nrecs, 5, "U1 Success: its record and four roll-up records");
	ok(recs[0].kind == CHANGE_MONITOR && strcmp(recs[0].monitor, "U1") == 0,
	   "the unit monitor's record comes first");
	is_rollup(1, "R.Best", "", MP_HEALTH_UNINITIALIZED, MP_HEALTH_SUCCESS, "U1 Success");
	is_rollup(2, "R.Top", "", MP_HEALTH_UNINITIALIZED, MP_HEALTH_SUCCESS, "U1 Success");
	is_rollup(3, "System.Health.AvailabilityState", "", MP_HEALTH_UNINITIALIZED,
		  MP_HEALTH_SUCCESS, "U1 Success");
	is_rollup(4, "System.Health.EntityState", "", MP_HEALTH_UNINITIALIZED, MP_HEALTH_SUCCESS,
		  "U1 Success");
	is_str(recs[4].target, "T.Class", "a standard parent's record names the target");
	ok(recs[4].seq == recs[0].seq + 4, "roll-up records take the next seq numbers");

	nrecs = 0;
	feed_num(e, "4", NULL, 20 * SEC);		/* U2 Error: BestOf keeps Success */
	is_int(nrecs, 1, "U2 Error under BestOf with U1 Success: no roll-up change");

	nrecs = 0;
	feed_num(e, "2", NULL, 30 * SEC);		/* U1 Error: both members Error */
	is_int(nrecs, 5, "U1 Error too: BestOf turns Error, up to the entity");
	is_rollup(2, "R.Top", "", MP_HEALTH_SUCCESS, MP_HEALTH_ERROR, "U1 Error");
	ok(recs[2].alert && recs[2].severity == MP_SEVERITY_ERROR, "R.Top's AlertSettings raise an alert");
	is_str(recs[2].message, "Top down", "the aggregate's alert message");
	is_rollup(4, "System.Health.EntityState", "", MP_HEALTH_SUCCESS, MP_HEALTH_ERROR, "U1 Error");

	nrecs = 0;
	feed_num(e, "6", NULL, 40 * SEC);		/* U3 Warning under WorstOf R.Top */
	is_int(nrecs, 1, "U3 Warning: WorstOf stays Error");

	nrecs = 0;
	feed_num(e, "1", NULL, 50 * SEC);		/* U1 Success: BestOf Success, R.Top Warning */
	is_int(nrecs, 5, "U1 back to Success: the tree follows");
	is_rollup(1, "R.Best", "", MP_HEALTH_ERROR, MP_HEALTH_SUCCESS, "U1 Success again");
	is_rollup(2, "R.Top", "", MP_HEALTH_ERROR, MP_HEALTH_WARNING, "U1 Success again");
	ok(!recs[2].resolved && !recs[2].alert, "R.Top's alert stays open at Warning: AutoResolve "
	   "waits for healthy");
	is_str(recs[2].message, "", "  a change that neither raises nor resolves has no message");
	is_rollup(4, "System.Health.EntityState", "", MP_HEALTH_ERROR, MP_HEALTH_WARNING,
		  "U1 Success again");

	nrecs = 0;
	feed_num(e, "8", "dev-a", 60 * SEC);		/* U4 instance dev-a Error */
	is_int(nrecs, 4, "per instance: U4[dev-a] and its own roll-up");
	is_rollup(1, "R.Top", "dev-a", MP_HEALTH_UNINITIALIZED, MP_HEALTH_ERROR, "U4[dev-a]");
	is_rollup(3, "System.Health.EntityState", "dev-a", MP_HEALTH_UNINITIALIZED, MP_HEALTH_ERROR,
		  "U4[dev-a]");
	is_int(engine_rollup_health(e, "System.Health.EntityState", "T.Class", NULL, ""), MP_HEALTH_WARNING,
	       "per instance: the \"\" tree is untouched by dev-a");
	is_int(engine_rollup_health(e, "System.Health.EntityState", "T.Class", NULL, "dev-a"),
	       MP_HEALTH_ERROR, "per instance: dev-a's entity health");
	is_int(engine_rollup_health(e, "R.Best", NULL, NULL, NULL), MP_HEALTH_SUCCESS,
	       "engine_rollup_health of an aggregate");

	/* a checkpoint brings the roll-up back without records */
	b = engine_new(collect, NULL);
	engine_enable_rollup(b);
	engine_add_pack(b, p, &d);
	engine_save(e, &saved);
	nrecs = 0;
	is_int(engine_restore(b, saved.data, saved.len, NULL), 0, "roll-up: restore");
	is_int(nrecs, 0, "roll-up: restore makes no records");
	is_int(engine_rollup_health(b, "System.Health.EntityState", "T.Class", NULL, "dev-a"),
	       MP_HEALTH_ERROR, "roll-up: restored from the instances");
	is_int(engine_rollup_health(b, "R.Top", NULL, NULL, ""), MP_HEALTH_WARNING,
	       "roll-up: restored at every level");
	engine_free(b);

	/* U3 Success: R.Top is healthy again, which resolves its alert */
	nrecs = 0;
	feed_num(e, "5", NULL, 65 * SEC);
	is_rollup(1, "R.Top", "", MP_HEALTH_WARNING, MP_HEALTH_SUCCESS, "U3 Success");
	ok(recs[1].resolved && !recs[1].alert, "R.Top's alert is resolved back at Success");
	is_str(recs[1].message, "alert resolved: Top down", "  the record names the alert");

	/* rules */
	nrecs = 0;
	feed_num(e, "100", "disk1", 70 * SEC);
	feed_num(e, "100", "disk1", 71 * SEC);
	feed_num(e, "100", "disk2", 72 * SEC);
	feed_num(e, "100", "disk1", 73 * SEC);
	is_int(nrecs, 4, "rule: one record per matching event");
	ok(recs[0].kind == CHANGE_RULE && strcmp(recs[0].monitor, "R.Sup") == 0 && recs[0].alert &&
	   recs[0].repeat == 0, "rule: the first event raises an alert");
	is_str(recs[0].message, "Device disk1 failed", "rule: message parameters from the event");
	ok(recs[0].severity == MP_SEVERITY_WARNING, "rule: Severity 1 is Warning");
	ok(!recs[1].alert && recs[1].repeat == 1, "rule: same suppression value: a repeat");
	ok(recs[2].alert && recs[2].repeat == 0, "rule: another suppression value: a new alert");
	ok(!recs[3].alert && recs[3].repeat == 2, "rule: repeats are counted per open alert");
	nrecs = 0;
	feed_num(e, "101", NULL, 80 * SEC);
	feed_num(e, "101", NULL, 81 * SEC);
	ok(nrecs == 2 && recs[0].alert && recs[1].alert && recs[1].repeat == 0,
	   "rule without Suppression: every event is a new alert");
	is_str(recs[0].message, "Each time", "rule: AlertName stands in for a missing message");
	engine_get_stats(e, &st);
	is_int((int64_t)st.rule_alerts, 4, "rules: alerts counted");
	is_int((int64_t)st.rule_repeats, 2, "rules: repeats counted");

	/* an instance evicted at its bound leaves its tree as Uninitialized */
	nrecs = 0;
	feed_num(e, "8", "dev-b", 90 * SEC);
	is_int(nrecs, 7, "eviction: dev-a's tree empties, dev-b's fills");
	is_rollup(0, "R.Top", "dev-a", MP_HEALTH_ERROR, MP_HEALTH_UNINITIALIZED, "eviction");
	is_rollup(2, "System.Health.EntityState", "dev-a", MP_HEALTH_ERROR,
		  MP_HEALTH_UNINITIALIZED, "eviction");
	ok(recs[3].kind == CHANGE_MONITOR && strcmp(recs[3].instance, "dev-b") == 0,
	   "eviction: then the new instance's record");
	is_rollup(6, "System.Health.EntityState", "dev-b", MP_HEALTH_UNINITIALIZED,
		  MP_HEALTH_ERROR, "eviction");
	is_int(engine_rollup_health(e, "System.Health.EntityState", "T.Class", NULL, "dev-a"),
	       MP_HEALTH_UNINITIALIZED, "eviction: dev-a's entity health is gone");

	/* without engine_enable_rollup nothing changes for unit monitor records */
	engine_add_pack(plain, p, &d);
	nrecs = 0;
	feed_num(plain, "2", NULL, 10 * SEC);
	ok(nrecs == 1 && recs[0].kind == CHANGE_MONITOR && recs[0].seq == 1,
	   "roll-up off: only the unit monitor's record");
out:
	buf_release(&saved);
	engine_free(e);
	engine_free(plain);
	mp_pack_free(p);
	diag_release(&d);
}

static void test_rollup_cycle(void)
{
	static const char xml[] =
		"<ManagementPack>\n"
		"<Manifest><Identity><ID>C.Pack</ID><Version>1.0.0.0</Version></Identity></Manifest>"
		"<TypeDefinitions><EntityTypes><ClassTypes><ClassType ID=\"T\"/></ClassTypes>"
		"</EntityTypes></TypeDefinitions>\n"
		"<Monitoring><Monitors>\n"
		"<AggregateMonitor ID=\"C.A\" Target=\"T\" ParentMonitorID=\"C.B\"/>\n"	/* 4 */
		"<AggregateMonitor ID=\"C.B\" Target=\"T\" ParentMonitorID=\"C.A\"/>\n"	/* 5 */
		"<AggregateMonitor ID=\"C.Self\" Target=\"T\" ParentMonitorID=\"C.Self\"/>\n" /* 6 */
		"</Monitors></Monitoring>\n</ManagementPack>\n";
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p = NULL;
	struct diag d;

	diag_init(&d);
	mp_load("c.xml", xml, sizeof(xml) - 1, &p, &d);
	ok(p != NULL, "cycle pack loads");
	if (p)
		engine_add_pack(e, p, &d);
	is_int((int64_t)d.errors, 2, "cycles: two errors");
	ok(saw_diag(&d, "c.xml:5: aggregate monitor 'C.B': parent monitor 'C.A' makes a cycle in "
		    "the roll-up"), "a two-aggregate cycle: error at the aggregate that closes it");
	ok(saw_diag(&d, "c.xml:6: aggregate monitor 'C.Self': parent monitor 'C.Self' makes a "
		    "cycle in the roll-up"), "an aggregate that is its own parent: error");
	if (p)
		engine_add_pack(e, p, &d);
	ok(saw_diag(&d, "c.xml:4: aggregate monitor 'C.A' is already defined by another pack "
		    "(c.xml:4)"), "the same aggregate from a second pack: error");
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}


#define EXPR_PUB(v) \
	"<SimpleExpression><ValueExpression><XPathQuery>PublisherName</XPathQuery>" \
	"</ValueExpression><Operator>Equal</Operator><ValueExpression><Value>" v \
	"</Value></ValueExpression></SimpleExpression>"

/* A manual-reset monitor on log, with alert (AlertSettings or ""), raised by expr. */
#define MANUAL_ON(id, log, alert, expr) \
	"<UnitMonitor ID=\"" id "\" Accessibility=\"Public\" Enabled=\"true\" Target=\"Windows!Microsoft.Windows.Computer\" " \
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" " \
	"TypeID=\"Windows!Microsoft.Windows.SingleEventLogManualReset2StateMonitorType\" ConfirmDelivery=\"false\">\n" \
	"<Category>AvailabilityHealth</Category>\n" alert \
	"<OperationalStates><OperationalState ID=\"Raised\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Warning\"/>" \
	"<OperationalState ID=\"Reset\" MonitorTypeStateID=\"ManualResetEventRaised\" HealthState=\"Success\"/></OperationalStates>\n" \
	"<Configuration><ComputerName>x</ComputerName><LogName>" log "</LogName>" \
	"<Expression>" expr "</Expression></Configuration>\n" \
	"</UnitMonitor>\n"
#define MANUAL(id, expr) MANUAL_ON(id, "Pub", "", expr)

/*
 * Subscriptions indexed by PublisherName: an event reaches only those of its
 * publisher and the unconstrained ones, each once, in monitor order.
 */
static void test_publisher_index(void)
{
	static const char *xml =
		MANUAL("P.Free", "<RegExExpression><ValueExpression><XPathQuery>EventDescription"
		       "</XPathQuery></ValueExpression><Operator>ContainsSubstring</Operator>"
		       "<Pattern>x</Pattern></RegExExpression>")
		MANUAL("P.A", EXPR_PUB("a"))
		MANUAL("P.Twice", "<Or><Expression>" EXPR_PUB("a") "</Expression><Expression>"
		       EXPR_PUB("a") "</Expression><Expression>" EXPR_PUB("c") "</Expression></Or>")
		MANUAL("P.B", EXPR_PUB("b"))
		MANUAL("P.Case", EXPR_PUB("A"))
		MANUAL("P.Unit", "<RegExExpression><ValueExpression><XPathQuery>UNIT"
		       "</XPathQuery></ValueExpression><Operator>DoesNotMatchRegularExpression"
		       "</Operator><Pattern>zzz</Pattern></RegExExpression>");
	struct engine_stats st, st2;
	struct mp_pack *p;
	struct engine *e;
	struct event ev;
	struct diag d;

	e = engine_with(xml, &p, &d, "publisher");
	if (!e)
		goto out;
	nrecs = 0;
	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("Pub"));
	event_set(&ev, "PublisherName", 13, str_of("a"));
	event_set(&ev, "EventDescription", 16, str_of("x"));
	engine_get_stats(e, &st);
	engine_feed(e, &ev, 10 * SEC);
	engine_get_stats(e, &st2);
	is_int(nrecs, 3, "publisher a: three monitors change");
	is_str(recs[0].monitor, "P.Free", "publisher a: unconstrained first (monitor order)");
	is_str(recs[1].monitor, "P.A", "publisher a: then its own");
	is_str(recs[2].monitor, "P.Twice", "publisher a: an Or naming it twice, once");
	is_int((int64_t)(st2.evaluations - st.evaluations), 3,
	       "publisher a: b's and A's monitors are not evaluated");
	nrecs = 0;
	event_set(&ev, "PublisherName", 13, str_of("c"));
	engine_feed(e, &ev, 11 * SEC);
	engine_get_stats(e, &st);
	is_int((int64_t)(st.evaluations - st2.evaluations), 2, "publisher c: two evaluations");
	nrecs = 0;
	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("Pub"));
	event_set(&ev, "EventDescription", 16, str_of("y"));
	engine_feed(e, &ev, 12 * SEC);
	engine_get_stats(e, &st2);
	is_int((int64_t)(st2.evaluations - st.evaluations), 1,
	       "no publisher: only the unconstrained monitor");
	is_int(nrecs, 0, "no publisher: no record");
	event_set(&ev, "UNIT", 4, str_of("a.service"));
	engine_feed(e, &ev, 13 * SEC);
	engine_get_stats(e, &st);
	is_int((int64_t)(st.evaluations - st2.evaluations), 2,
	       "an event with the UNIT field reaches the monitor that needs it");
	is_int(nrecs, 1, "UNIT: its record");
	is_str(recs[0].monitor, "P.Unit", "UNIT: the monitor that needs it");
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

#define SUBSTR_DESC(t) \
	"<RegExExpression><ValueExpression><XPathQuery>EventDescription</XPathQuery>" \
	"</ValueExpression><Operator>ContainsSubstring</Operator><Pattern>" t "</Pattern>" \
	"</RegExExpression>"
#define REGEX_DESC(t) \
	"<RegExExpression><ValueExpression><XPathQuery>EventDescription</XPathQuery>" \
	"</ValueExpression><Operator>MatchesRegularExpression</Operator><Pattern>" t "</Pattern>" \
	"</RegExExpression>"
#define PUB_AND(t) "<And><Expression>" EXPR_PUB("q") "</Expression><Expression>" t "</Expression></And>"

/*
 * Many candidates with text their EventDescription must hold: the byte-pair
 * prefilter turns the others away, and the one whose text is there still passes.
 */
static void test_literal_prefilter(void)
{
	static const char *xml =
		MANUAL("L.0", PUB_AND(SUBSTR_DESC("needle 0")))
		MANUAL("L.1", PUB_AND(SUBSTR_DESC("needle 1")))
		MANUAL("L.2", PUB_AND(REGEX_DESC("^job \\d+ failed: disk 2$")))
		MANUAL("L.3", PUB_AND(SUBSTR_DESC("needle 3")))
		MANUAL("L.4", PUB_AND(REGEX_DESC("^job \\d+ failed: disk 4$")))
		MANUAL("L.5", PUB_AND(SUBSTR_DESC("needle 5")))
		MANUAL("L.6", PUB_AND(SUBSTR_DESC("needle 6")))
		MANUAL("L.7", PUB_AND(SUBSTR_DESC("needle 7")))
		MANUAL("L.8", PUB_AND(SUBSTR_DESC("needle 8")))
		MANUAL("L.Not", PUB_AND("<Not><Expression>" SUBSTR_DESC("needle") "</Expression></Not>"));
	struct mp_pack *p;
	struct engine *e;
	struct event ev;
	struct diag d;

	e = engine_with(xml, &p, &d, "prefilter");
	if (!e)
		goto out;
	nrecs = 0;
	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("Pub"));
	event_set(&ev, "PublisherName", 13, str_of("q"));
	event_set(&ev, "EventDescription", 16, str_of("has needle 3 in it"));
	engine_feed(e, &ev, 10 * SEC);
	is_int(nrecs, 1, "prefilter: one monitor's text is there");
	is_str(recs[0].monitor, "L.3", "prefilter: needle 3");
	nrecs = 0;
	event_set(&ev, "EventDescription", 16, str_of("job 12 failed: disk 4"));
	engine_feed(e, &ev, 11 * SEC);
	is_int(nrecs, 2, "prefilter: a regex's literal, and Not of a text absent");
	is_str(recs[0].monitor, "L.4", "prefilter: the regex");
	is_str(recs[1].monitor, "L.Not", "prefilter: Not is not filtered");
	nrecs = 0;
	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("Pub"));
	event_set(&ev, "PublisherName", 13, str_of("q"));
	engine_feed(e, &ev, 12 * SEC);
	is_int(nrecs, 0, "prefilter: no EventDescription, no text to find (Not already raised)");
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

/*
 * A regex that stops at PCRE2's limit counts as no match; the engine counts the
 * hits per monitor and rule and reports the first of each, with its pattern.
 */
static const char limit_xml[] =
	"<ManagementPack><Manifest><Identity><ID>L.Pack</ID><Version>1.0.0.0</Version></Identity>"
	"<References><Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID></Reference>"
	"</References></Manifest><Monitoring><Monitors>\n"
	MANUAL("M.Redos", REGEX_DESC("^(a+)+$"))
	MANUAL("M.Or", "<Or><Expression>" REGEX_DESC("^(a+)+$") "</Expression><Expression>"
	       SUBSTR_DESC("aaa") "</Expression></Or>")
	MANUAL("M.Fine", SUBSTR_DESC("aaa"))
	"</Monitors><Rules>\n"
	"<Rule ID=\"R.Redos\" Target=\"Windows!Microsoft.Windows.Computer\"><Category>Alert</Category><DataSources>"
	"<DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.EventProvider\"><LogName>Pub</LogName>"
	"<Expression>" REGEX_DESC("^(a|aa)+$") "</Expression></DataSource></DataSources><WriteActions>"
	"<WriteAction ID=\"A\" TypeID=\"Health!System.Health.GenerateAlert\"><Priority>0</Priority>"
	"<Severity>2</Severity><AlertName>Each time</AlertName></WriteAction></WriteActions></Rule>\n"
	"</Rules></Monitoring></ManagementPack>\n";

static char limit_seen[256];

static void on_limit(void *arg, const char *id, bool rule, struct str pattern)
{
	size_t n = strlen(limit_seen);

	(void)arg;
	snprintf(limit_seen + n, sizeof(limit_seen) - n, "%s%s %s '%.*s'", n ? "; " : "",
		 rule ? "rule" : "monitor", id, (int)pattern.len, pattern.p);
}

static int put_limit(void *arg, const struct engine_limit_info *in)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 256 - n, "%s%s %s %" PRIu64, n ? "; " : "", in->rule ? "rule" : "monitor",
		 in->id, in->hits);
	return 0;
}

static void test_regex_limits(void)
{
	static char desc[128];
	char counts[256] = "";
	struct engine_stats st;
	struct mp_pack *p = NULL;
	struct engine *e = engine_new(collect, NULL);
	struct event ev;
	struct diag d;
	int i;

	diag_init(&d);
	mp_load("l.xml", limit_xml, sizeof(limit_xml) - 1, &p, &d);
	if (!p || !e || engine_add_pack(e, p, &d) < 0 || d.errors) {
		ok(false, "limits: the pack loads");
		goto out;
	}
	engine_on_limit(e, on_limit, NULL);
	memset(desc, 'a', 40);
	desc[40] = 'b';
	nrecs = 0;
	limit_seen[0] = '\0';
	for (i = 0; i < 3; i++) {
		event_reset(&ev);
		event_set(&ev, "LogName", 7, str_of("Pub"));
		event_set(&ev, "EventDescription", 16, str_of(desc));
		engine_feed(e, &ev, (10 + i) * SEC);
	}
	ok(nrecs == 2 && strcmp(recs[0].monitor, "M.Or") == 0 && strcmp(recs[1].monitor, "M.Fine") == 0,
	   "limits: a hit is no match; an Or passes on its other side (%d changes, first %s)", nrecs,
	   nrecs ? recs[0].monitor : "-");
	is_str(limit_seen, "monitor M.Redos '^(a+)+$'; monitor M.Or '^(a+)+$'; rule R.Redos '^(a|aa)+$'",
	       "limits: the first hit of each monitor and rule is reported once, with its pattern");
	engine_foreach_limit(e, put_limit, counts);
	is_str(counts, "monitor M.Redos 3; monitor M.Or 3; rule R.Redos 3",
	       "limits: hits counted per monitor and rule");
	engine_get_stats(e, &st);
	is_int((int64_t)st.limit_hits, 9, "limits: and in all");
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

/*
 * An alert parameter of several references, literals between them, an empty
 * $$ and a lone $ at the end: each piece in its place (the parts are sized by
 * the $ signs, not by the text's length).
 */
static void test_param_parts(void)
{
	static const char *xml = MANUAL_ON("P.Parts", "Parts",
		"<AlertSettings AlertMessage=\"T.Msg\"><AlertOnState>Warning</AlertOnState>"
		"<AutoResolve>true</AutoResolve><AlertPriority>High</AlertPriority>"
		"<AlertSeverity>MatchMonitorHealth</AlertSeverity><AlertParameters>"
		"<AlertParameter1>[$Data/Context/EventDescription$|$$|"
		"$Data/Context/Params/Param[1]$]$Target/Host/Property[Type=\"Windows!Microsoft."
		"Windows.Computer\"]/NetworkName$ costs $5</AlertParameter1>"
		"<AlertParameter2>$Data/EventDisplayNumber$</AlertParameter2>"
		"</AlertParameters></AlertSettings>", EXPR_NUM("3"));
	struct mp_pack *p;
	struct engine *e;
	struct event ev;
	struct diag d;

	e = engine_with(xml, &p, &d, "parameter");
	if (!e)
		goto out;
	nrecs = 0;
	mkev(&ev, "Parts", "3", "disk full");
	event_set(&ev, "Params/Param[1]", 15, str_of("sdb"));
	engine_feed(e, &ev, 10 * SEC);
	is_int(nrecs, 1, "parameter parts: one change");
	is_str(recs[0].message, "Seen: [disk full||sdb]host1 costs $5 on 3",
	       "parameter parts: references, literals, $$ and a lone $ in place");
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

#define NUM_AND(n, t) "<And><Expression>" EXPR_NUM(n) "</Expression><Expression>" t "</Expression></And>"

/*
 * Candidates from the number, the publisher and the unconstrained runs, turned
 * away by their text's byte pairs or kept, still come out in monitor order; a
 * text whose pairs are all in the event but which is not is still refused.
 */
static void test_dispatch_merge(void)
{
	static const char *xml =
		MANUAL("M.0", NUM_AND("5", SUBSTR_DESC("alpha")))
		MANUAL("M.1", PUB_AND(SUBSTR_DESC("alpha")))
		MANUAL("M.2", SUBSTR_DESC("alpha"))
		MANUAL("M.3", NUM_AND("5", SUBSTR_DESC("beta")))
		MANUAL("M.4", PUB_AND(SUBSTR_DESC("beta")))
		MANUAL("M.5", SUBSTR_DESC("beta"))
		MANUAL("M.6", NUM_AND("5", SUBSTR_DESC("alpha")))
		MANUAL("M.7", PUB_AND(SUBSTR_DESC("alpha")))
		MANUAL("M.8", PUB_AND(SUBSTR_DESC("lpha alph")));
	static const char *const first[] = { "M.0", "M.1", "M.2", "M.6", "M.7" };
	static const char *const second[] = { "M.3", "M.4", "M.5" };
	struct engine_stats st, st2;
	struct mp_pack *p;
	struct engine *e;
	struct event ev;
	struct diag d;
	unsigned i, wrong;

	e = engine_with(xml, &p, &d, "merge");
	if (!e)
		goto out;
	nrecs = 0;
	mkev(&ev, "Pub", "5", "alpha here");
	event_set(&ev, "PublisherName", 13, str_of("q"));
	engine_feed(e, &ev, 10 * SEC);
	is_int(nrecs, 5, "merge: the five alpha monitors of three runs");
	for (i = 0; i < 5 && i < (unsigned)nrecs; i++)
		is_str(recs[i].monitor, first[i], "merge: in monitor order");
	nrecs = 0;
	mkev(&ev, "Pub", "5", "alpha and beta");
	event_set(&ev, "PublisherName", 13, str_of("q"));
	engine_get_stats(e, &st);
	engine_feed(e, &ev, 11 * SEC);
	engine_get_stats(e, &st2);
	is_int(nrecs, 3, "merge: the beta monitors, not 'lpha alph' whose pairs are all there");
	for (i = 0; i < 3 && i < (unsigned)nrecs; i++)
		is_str(recs[i].monitor, second[i], "merge: in monitor order");
	/* five alpha monitors (already raised) and three beta ones: M.8 is walked too */
	is_int((int64_t)(st2.evaluations - st.evaluations), 9,
	       "merge: every monitor whose text's pairs are there is evaluated");
	nrecs = 0;
	mkev(&ev, "Pub", "5", "gamma");
	event_set(&ev, "PublisherName", 13, str_of("q"));
	engine_get_stats(e, &st);
	engine_feed(e, &ev, 12 * SEC);
	engine_get_stats(e, &st2);
	is_int((int64_t)(st2.evaluations - st.evaluations), 0,
	       "merge: text in none of them, nothing evaluated");
	/* more events than the pair set has stamps: none of the old ones passes */
	for (i = 0, wrong = 0; i < 70000; i++) {
		mkev(&ev, "Pub", "5", i % 7 ? "gamma" : "alpha and beta");
		event_set(&ev, "PublisherName", 13, str_of("q"));
		engine_get_stats(e, &st);
		engine_feed(e, &ev, 13 * SEC);
		engine_get_stats(e, &st2);
		wrong += st2.evaluations - st.evaluations != (i % 7 ? 0 : 9);
	}
	is_int(wrong, 0, "merge: 70,000 events later, the same candidates evaluated");
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

/* Many publishers on one log: each event reaches its publisher's monitor only. */
static void test_many_publishers(void)
{
	struct engine_stats st, st2;
	struct mp_pack *p = NULL;
	struct engine *e = NULL;
	struct event ev;
	struct diag d;
	struct buf xml;
	char name[16], id[16];
	unsigned i, wrong = 0;

	buf_init(&xml);
	for (i = 0; i < 40; i++)
		buf_printf(&xml, MANUAL("Q.%u", EXPR_PUB("pub%u")), i, i);
	e = engine_with(xml.data, &p, &d, "publisher table");
	if (!e)
		goto out;
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "pub%u", (i * 7) % 40);
		snprintf(id, sizeof(id), "Q.%u", (i * 7) % 40);
		nrecs = 0;
		mkev(&ev, "Pub", "1", NULL);
		event_set(&ev, "PublisherName", 13, str_of(name));
		engine_get_stats(e, &st);
		engine_feed(e, &ev, (10 + i) * SEC);
		engine_get_stats(e, &st2);
		if (nrecs != 1 || strcmp(recs[0].monitor, id) != 0 ||
		    st2.evaluations - st.evaluations != 1)
			wrong++;
	}
	is_int(wrong, 0, "40 publishers: each event evaluates and changes its own monitor only");
	nrecs = 0;
	mkev(&ev, "Pub", "1", NULL);
	event_set(&ev, "PublisherName", 13, str_of("pub40"));
	engine_feed(e, &ev, 60 * SEC);
	is_int(nrecs, 0, "40 publishers: another publisher reaches none");
	for (i = 0, wrong = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "Q.%u", i);
		wrong += engine_monitor_status(e, id) != ENGINE_RUN;
	}
	is_int(wrong, 0, "40 monitors: each found by its ID");
	is_int(engine_monitor_status(e, "Q.40"), ENGINE_NOT_LOADED, "40 monitors: Q.40 is not");
	is_int(engine_reset(e, "Q.40", NULL, NULL, 70 * SEC), -ENOENT, "40 monitors: no Q.40 to reset");
	diag_release(&d);
	diag_init(&d);
	engine_add_pack(e, p, &d);
	is_int((int64_t)d.errors, 40, "40 monitors loaded again: each one a duplicate");
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&xml);
}

/*
 * A target on a computer (the seed's LocalApplication class): one state per
 * computer, so one computer's recovery never resolves another's failure; a
 * missing-event monitor watches every computer known, expected ones included;
 * a rule suppresses repeats per computer; resets and checkpoints name the
 * computer.
 */
static const char computers_xml[] =
	"<ManagementPack><Manifest><Identity><ID>C.Pack</ID><Version>1.0.0.0</Version></Identity>"
	"<References><Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID></Reference>"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID></Reference>"
	"</References></Manifest><TypeDefinitions><EntityTypes><ClassTypes>"
	"<ClassType ID=\"C.Service\" Accessibility=\"Public\" Abstract=\"false\" "
	"Base=\"Windows!Microsoft.Windows.LocalApplication\" Hosted=\"true\" Singleton=\"false\"/>"
	"</ClassTypes></EntityTypes></TypeDefinitions><Monitoring><Monitors>\n"
	"<UnitMonitor ID=\"C.Conn\" Accessibility=\"Public\" Enabled=\"true\" Target=\"C.Service\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
	"TypeID=\"Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType\" ConfirmDelivery=\"false\">"
	"<Category>AvailabilityHealth</Category>" ALERT("Error")
	"<OperationalStates><OperationalState ID=\"Up\" MonitorTypeStateID=\"FirstEventRaised\" HealthState=\"Success\"/>"
	"<OperationalState ID=\"Down\" MonitorTypeStateID=\"SecondEventRaised\" HealthState=\"Error\"/></OperationalStates>"
	"<Configuration><FirstComputerName>x</FirstComputerName><FirstLogName>App</FirstLogName>"
	"<FirstExpression>" EXPR_NUM("1004") "</FirstExpression>"
	"<SecondComputerName>x</SecondComputerName><SecondLogName>App</SecondLogName>"
	"<SecondExpression>" EXPR_NUM("1003") "</SecondExpression></Configuration></UnitMonitor>\n"
	"<UnitMonitor ID=\"C.Beat\" Accessibility=\"Public\" Enabled=\"true\" Target=\"C.Service\" "
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" Priority=\"Normal\" "
	"TypeID=\"Mpmon.MissingEvent2StateMonitorType\" ConfirmDelivery=\"false\">"
	"<Category>AvailabilityHealth</Category>" ALERT("Error")
	"<OperationalStates><OperationalState ID=\"Beating\" MonitorTypeStateID=\"EventRaised\" HealthState=\"Success\"/>"
	"<OperationalState ID=\"Silent\" MonitorTypeStateID=\"EventMissing\" HealthState=\"Error\"/></OperationalStates>"
	"<Configuration><LogName>Hb</LogName><Expression>" EXPR_NUM("2011") "</Expression>"
	"<IntervalSeconds>100</IntervalSeconds></Configuration></UnitMonitor>\n"
	"</Monitors><Rules>\n"
	"<Rule ID=\"C.Rule\" Target=\"C.Service\"><Category>Alert</Category><DataSources>"
	"<DataSource ID=\"DS\" TypeID=\"Windows!Microsoft.Windows.EventProvider\"><LogName>App</LogName>"
	"<Expression>" EXPR_NUM("5") "</Expression></DataSource></DataSources><WriteActions>"
	"<WriteAction ID=\"A\" TypeID=\"Health!System.Health.GenerateAlert\"><Priority>1</Priority>"
	"<Severity>2</Severity><AlertName>Fault</AlertName><Suppression/></WriteAction></WriteActions></Rule>\n"
	"</Rules></Monitoring><Presentation><StringResources><StringResource ID=\"T.Msg\"/>"
	"</StringResources></Presentation><LanguagePacks><LanguagePack ID=\"ENU\" IsDefault=\"true\">"
	"<DisplayStrings><DisplayString ElementID=\"T.Msg\"><Name>Test Alert</Name>"
	"<Description>Seen: {0} on {1}</Description></DisplayString></DisplayStrings>"
	"</LanguagePack></LanguagePacks></ManagementPack>\n";

static void feed_from(struct engine *e, const char *computer, const char *log, const char *num,
		      int64_t t)
{
	struct event ev;

	mkev(&ev, log, num, "x");
	event_set(&ev, "LoggingComputer", 15, str_of(computer));
	engine_feed(e, &ev, t);
}

static int count_error(void *arg, const struct engine_instance_info *in)
{
	char *out = arg;
	size_t n = strlen(out);

	if (in->health == MP_HEALTH_ERROR)
		snprintf(out + n, 256 - n, "%s%s@%.*s", n ? " " : "", in->monitor_id,
			 (int)in->computer_len, in->computer);
	return 0;
}

/* The records' "monitor@computer health" from index from on, space-separated. */
static void recs_text(int from, char *out, size_t size)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = from; i < nrecs && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s@%s %s", i > from ? " " : "",
				      recs[i].monitor, recs[i].computer, mp_health_name(recs[i].to));
}

static void test_per_computer(void)
{
	struct mp_pack *p = NULL;
	struct diag d;
	struct engine *e = engine_new(collect, NULL), *b;
	char got[512], errs[256] = "";
	struct buf saved;
	size_t skipped = 99;

	diag_init(&d);
	mp_load("c.xml", computers_xml, strlen(computers_xml), &p, &d);
	if (!p || engine_add_pack(e, p, &d) < 0 || d.errors) {
		ok(false, "per-computer pack loads");
		goto out;
	}
	nrecs = 0;
	is_int(engine_expect_computer(e, "mdm03"), 0, "per computer: expect mdm03");
	feed_from(e, "mdm01", "App", "1003", 10 * SEC);
	feed_from(e, "mdm02", "App", "1004", 20 * SEC);
	recs_text(0, got, sizeof(got));
	is_str(got, "C.Conn@mdm01 Error C.Conn@mdm02 Success",
	       "per computer: mdm02's recovery is its own, not mdm01's");
	is_str(recs[0].message, "Seen: x on mdm01", "per computer: the alert names the computer");
	engine_foreach(e, count_error, errs);
	is_str(errs, "C.Conn@mdm01", "per computer: mdm01 still failed");

	nrecs = 0;
	engine_advance(e, 110 * SEC);
	recs_text(0, got, sizeof(got));
	is_str(got, "C.Beat@mdm03 Error C.Beat@mdm01 Error",
	       "per computer: silence from the expected mdm03 (from the clock) and from mdm01");
	is_str(recs[0].message, "Seen:  on mdm03", "per computer: a timer's alert names the computer");
	engine_advance(e, 120 * SEC);
	is_int(nrecs, 3, "per computer: mdm02 silent 100 s after its first event");

	nrecs = 0;
	is_int(engine_reset(e, "C.Conn", "mdm01", NULL, 130 * SEC), 0, "per computer: reset mdm01");
	recs_text(0, got, sizeof(got));
	is_str(got, "C.Conn@mdm01 Success", "per computer: the reset moves mdm01 only");

	nrecs = 0;
	feed_from(e, "mdm01", "App", "5", 140 * SEC);
	feed_from(e, "mdm01", "App", "5", 141 * SEC);
	feed_from(e, "mdm02", "App", "5", 142 * SEC);
	is_int(nrecs, 3, "per computer: three rule records");
	ok(recs[0].alert && !recs[1].alert && recs[1].repeat == 1 && recs[2].alert,
	   "per computer: a repeat on mdm01 is suppressed, mdm02's is a new alert");
	is_str(recs[2].computer, "mdm02", "per computer: the rule's alert names its computer");

	buf_init(&saved);
	b = engine_new(collect, NULL);
	engine_add_pack(b, p, &d);
	engine_save(e, &saved);
	is_int(engine_restore(b, saved.data, saved.len, &skipped), 0, "per computer: restore");
	errs[0] = '\0';
	engine_foreach(b, count_error, errs);
	is_str(errs, "C.Beat@mdm03 C.Beat@mdm01 C.Beat@mdm02",
	       "per computer: the checkpoint keeps each computer's state");
	engine_free(b);

	/* a version 1 checkpoint's key is the InstanceField's alone: a per-computer state starts afresh */
	buf_reset(&saved);
	buf_puts(&saved, "mpmon-state 1\nseq 9\nnow 100000000\n"
		 "i C.Conn Microsoft.Windows.2SingleEventLog2StateMonitorType mdm01 "
		 "SecondEventRaised Error 1 9223372036854775807 10000000 0 -\n");
	buf_printf(&saved, "end %016llx\n",
		   (unsigned long long)str_hash((struct str){ saved.data, saved.len }));
	b = engine_new(collect, NULL);
	engine_add_pack(b, p, &d);
	is_int(engine_restore(b, saved.data, saved.len, &skipped), 0,
	       "per computer: a version 1 checkpoint is read");
	is_int((int64_t)skipped, 1, "per computer: its key names no computer: skipped");
	engine_free(b);
	buf_release(&saved);
out:
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

/* "monitor@computer" of every instance that is not monitored, space-separated. */
static int list_gray(void *arg, const struct engine_instance_info *in)
{
	char *out = arg;
	size_t n = strlen(out);

	if (!in->monitored)
		snprintf(out + n, 256 - n, "%s%s@%.*s", n ? " " : "", in->monitor_id,
			 (int)in->computer_len, in->computer);
	return 0;
}

/* The inventory's heartbeat pack: every event of an expected computer counts. */
static void test_heartbeat(void)
{
	struct inventory inv = { .file = "inv.xml", .interval = 10, .missed = 3 };
	struct mp_pack *packs[2] = { NULL, NULL };
	struct engine *e = engine_new(collect, NULL);
	char got[512], gray[256] = "";
	struct buf xml;
	struct diag d;

	diag_init(&d);
	buf_init(&xml);
	inventory_heartbeat_pack(&inv, &xml);
	mp_load("c.xml", computers_xml, strlen(computers_xml), &packs[0], &d);
	mp_load("inv.xml", xml.data, xml.len, &packs[1], &d);
	if (!packs[0] || !packs[1] || engine_add_pack(e, packs[0], &d) < 0 ||
	    engine_add_pack(e, packs[1], &d) < 0 || d.errors) {
		ok(false, "heartbeat: the packs load");
		goto out;
	}
	engine_expect_computer(e, "mdm01");
	engine_expect_computer(e, "mdm02");
	nrecs = 0;
	feed_from(e, "mdm01", "App", "1003", 10 * SEC);
	feed_from(e, "mdm02", "Other", "7", 10 * SEC);
	feed_from(e, "mdm09", "App", "1004", 10 * SEC);
	feed_from(e, "mdm01", "Other", "7", 35 * SEC);
	recs_text(0, got, sizeof(got));
	is_str(got, "Mpmon.Inventory.Heartbeat@mdm01 Success C.Conn@mdm01 Error "
	       "Mpmon.Inventory.Heartbeat@mdm02 Success C.Conn@mdm09 Success",
	       "heartbeat: any event of an expected computer is a heartbeat; mdm09 has none");
	nrecs = 0;
	engine_advance(e, 41 * SEC);
	recs_text(0, got, sizeof(got));
	is_str(got, "Mpmon.Inventory.Heartbeat@mdm02 Error",
	       "heartbeat: 10 s x 3 of silence from mdm02 is a failure; mdm01 spoke at 35 s");
	ok(recs[0].alert, "heartbeat: the failure raises an alert");
	ok(!engine_computer_monitored(e, str_of("mdm02")) &&
	   engine_computer_monitored(e, str_of("mdm01")) &&
	   engine_computer_monitored(e, str_of("mdm09")),
	   "heartbeat: what is on mdm02 is not monitored, on mdm01 and mdm09 it is");
	feed_from(e, "mdm02", "App", "1004", 42 * SEC);
	engine_foreach(e, list_gray, gray);
	is_str(gray, "", "heartbeat: mdm02's event makes it monitored again");
	nrecs = 0;
	engine_advance(e, 80 * SEC);
	engine_foreach(e, list_gray, gray);
	is_str(gray, "C.Conn@mdm01 C.Conn@mdm02 C.Beat@mdm01 C.Beat@mdm02",
	       "heartbeat: silent again, both computers' instances are not monitored, the "
	       "heartbeats themselves are");
out:
	engine_free(e);
	mp_pack_free(packs[0]);
	mp_pack_free(packs[1]);
	buf_release(&xml);
	diag_release(&d);
}

int main(void)
{
	struct engine_stats st;
	struct mp_pack *p;
	struct engine *e;
	struct diag d;
	size_t i;

	diag_init(&d);
	p = load(monitors_xml, &d);
	ok(p != NULL, "test pack loads");
	if (!p)
		return tap_done();
	e = engine_new(collect, NULL);
	is_int(engine_add_pack(e, p, &d), 0, "engine takes the pack");
	for (i = 0; i < d.n; i++) {
		struct buf b;

		buf_init(&b);
		tap_diag("%s", diag_format(&d.v[i], &b));
		buf_release(&b);
	}
	is_int((int64_t)d.errors, 0, "no errors");
	engine_get_stats(e, &st);
	is_int((int64_t)st.monitors_run, 4, "four monitors run");

	test_two_state(e);
	test_manual_reset(e);
	test_timer(e);
	test_instances(e);
	test_publisher_index();
	test_literal_prefilter();
	test_dispatch_merge();
	test_param_parts();
	test_many_publishers();
	test_regex_limits();
	test_per_computer();
	test_heartbeat();
	engine_free(e);
	test_checkpoint(p);
	test_instance_bound(p);
	mp_pack_free(p);
	diag_release(&d);

	test_errors();
	test_state_mapping();
	test_rollup();
	test_rollup_cycle();
	return tap_done();
}
