/*
 * The Windows library's correlated-event and missing-correlated-event monitor
 * types (correlator.c and its six type files) with synthetic events and explicit
 * times: CorrelationOrder, Count, the window's edges exactly at Interval,
 * CorrelationItemPolicy (Microsoft's "Correlated Missing Events" example for
 * both), the CorrelationExpression with its Item0Context/Item1Context paths,
 * missing second events on the event clock across quiet periods, the event,
 * manual and timer resets, the bounded table, checkpoints, and configuration
 * errors at their line.
 */
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "tests/unit/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL

struct rec {
	char monitor[64];
	char state[48];
	enum state_cause cause;
	int64_t time;
};

static struct rec recs[64];
static int nrecs;

static void collect(void *arg, const struct state_change *c)
{
	struct rec *r = &recs[nrecs < 63 ? nrecs++ : 63];

	(void)arg;
	snprintf(r->monitor, sizeof(r->monitor), "%s", c->monitor_id);
	snprintf(r->state, sizeof(r->state), "%s", c->state);
	r->cause = c->cause;
	r->time = c->time;
}

#define NUM(n) \
	"<SimpleExpression><ValueExpression><XPathQuery Type=\"UnsignedInteger\">EventDisplayNumber" \
	"</XPathQuery></ValueExpression><Operator>Equal</Operator><ValueExpression>" \
	"<Value Type=\"UnsignedInteger\">" n "</Value></ValueExpression></SimpleExpression>"

#define HEAD(id, type) \
	"<UnitMonitor ID=\"" id "\" Accessibility=\"Public\" Enabled=\"true\" " \
	"Target=\"SC!Microsoft.SystemCenter.AllManagementServersPool\" " \
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" " \
	"Priority=\"Normal\" TypeID=\"Windows!Microsoft.Windows." type "\" ConfirmDelivery=\"false\">\n" \
	"<Category>AvailabilityHealth</Category>\n"

#define STATES(good, bad) \
	"<OperationalStates><OperationalState ID=\"Good\" MonitorTypeStateID=\"" good "\" " \
	"HealthState=\"Success\"/><OperationalState ID=\"Bad\" MonitorTypeStateID=\"" bad "\" " \
	"HealthState=\"Error\"/></OperationalStates>\n"

#define MCEL "MissingCorrelatedEventLog"

/* the first event is number f, the second number s, both in log App */
#define PAIR(f, s) \
	"<FirstComputerName>.</FirstComputerName><FirstLogName>App</FirstLogName>" \
	"<FirstExpression>" NUM(f) "</FirstExpression>" \
	"<SecondComputerName>.</SecondComputerName><SecondLogName>App</SecondLogName>" \
	"<SecondExpression>" NUM(s) "</SecondExpression>"

#define HEALTHY(n) \
	"<ComputerName>.</ComputerName><LogName>App</LogName><Expression>" NUM(n) "</Expression>"

#define EQ(a, b) \
	"<SimpleExpression><ValueExpression><XPathQuery>" a "</XPathQuery></ValueExpression>" \
	"<Operator>Equal</Operator><ValueExpression><XPathQuery>" b "</XPathQuery>" \
	"</ValueExpression></SimpleExpression>"

/* a Correlator on the events' first parameter */
#define CORR(interval, count, order, policy) \
	"<Correlator><CorrelationExpression><Expression>" \
	EQ("Item0Context/DataItem/Params/Param[1]", "Item1Context/DataItem/Params/Param[1]") \
	"</Expression></CorrelationExpression><Count>" count "</Count><Interval>" interval \
	"</Interval><CorrelationOrder>" order "</CorrelationOrder><CorrelationItemPolicy>" policy \
	"</CorrelationItemPolicy></Correlator>"

static const char *pack_head =
	"<ManagementPack SchemaVersion=\"2.0\">\n"
	"<Manifest><Identity><ID>Test.Correlated</ID><Version>1.0.0.0</Version></Identity>\n"
	"<References>\n"
	"<Reference Alias=\"SC\"><ID>Microsoft.SystemCenter.Library</ID><Version>7.5.8501.0</Version></Reference>"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID><Version>7.5.8501.0</Version></Reference>\n"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID><Version>7.5.8501.0</Version></Reference>\n"
	"</References></Manifest>\n"
	"<Monitoring><Monitors>\n";

static const char *pack_tail = "</Monitors></Monitoring>\n</ManagementPack>\n";

static struct mp_pack *load(const char *monitors, struct diag *d)
{
	struct mp_pack *p = NULL;
	struct buf b;

	buf_init(&b);
	buf_puts(&b, pack_head);
	buf_puts(&b, monitors);
	buf_puts(&b, pack_tail);
	mp_load("corr.xml", b.data, b.len, &p, d);
	buf_release(&b);
	return p;
}

/* A pack and an engine over it; the pack must load without errors. */
static struct engine *setup(const char *monitors, struct mp_pack **p)
{
	struct engine *e;
	struct diag d;
	size_t i;

	diag_init(&d);
	*p = load(monitors, &d);
	e = engine_new(collect, NULL);
	if (*p)
		engine_add_pack(e, *p, &d);
	for (i = 0; i < d.n; i++) {
		struct buf b;

		buf_init(&b);
		tap_diag("%s", diag_format(&d.v[i], &b));
		buf_release(&b);
	}
	ok(*p && d.errors == 0, "pack loads without errors");
	diag_release(&d);
	nrecs = 0;
	return e;
}

static void teardown(struct engine *e, struct mp_pack *p)
{
	engine_free(e);
	mp_pack_free(p);
}

/* Event number num in log App with up to two parameters, at secs. */
static void feed2(struct engine *e, const char *num, const char *p1, const char *p2,
		  int64_t secs)
{
	struct event ev;

	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("App"));
	event_set(&ev, "EventDisplayNumber", 18, str_of(num));
	if (p1)
		event_add_param(&ev, str_of(p1));
	if (p2)
		event_add_param(&ev, str_of(p2));
	engine_feed(e, &ev, secs * SEC);
}

static void feed(struct engine *e, const char *num, const char *p1, int64_t secs)
{
	feed2(e, num, p1, NULL, secs);
}

/*
 * InSequence, Count 1 in 60 s: a second event before the first does not count;
 * the correlation values must be equal (case folded); a second event exactly
 * Interval after the first still correlates, one a second later does not. The
 * healthy event brings the state back.
 */
static void test_in_sequence(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Seq", "CorrelatedEventLogSingleEventLog2StateMonitorType")
				 STATES("EventRaised", "CorrelatedEventRaised")
				 "<Configuration>" HEALTHY("9") PAIR("1", "2")
				 CORR("60", "1", "InSequence", "First")
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "9", NULL, 1);
	is_int(nrecs, 1, "in sequence: the healthy event initialises");
	is_str(recs[0].state, "Good", "in sequence: EventRaised");
	feed(e, "2", "web", 10);
	feed(e, "1", "web", 20);
	is_int(nrecs, 1, "in sequence: a second event before the first does not count");
	is_int(engine_next_deadline(e), 80 * SEC + 1, "in sequence: the window ends after 60 s");
	feed(e, "2", "db", 30);
	is_int(nrecs, 1, "in sequence: another value does not correlate");
	feed(e, "2", "WEB", 80);
	is_int(nrecs, 2, "in sequence: exactly Interval later, case folded, it correlates");
	is_str(recs[1].state, "Bad", "in sequence: CorrelatedEventRaised");
	is_int(recs[1].time, 80 * SEC, "in sequence: at the second event");
	is_int(recs[1].cause, CAUSE_EVENT, "in sequence: cause event");
	is_int(engine_next_deadline(e), INT64_MAX, "in sequence: the matched window is closed");
	feed(e, "9", NULL, 90);
	is_int(nrecs, 3, "in sequence: the healthy event");
	is_str(recs[2].state, "Good", "in sequence: back to EventRaised");
	feed(e, "1", "web", 100);
	feed(e, "2", "web", 161);
	is_int(nrecs, 3, "in sequence: 61 s later the window has closed");
	is_int(engine_next_deadline(e), INT64_MAX, "in sequence: and was freed");
	feed(e, "2", "web", 162);
	feed(e, "2", NULL, 163);
	is_int(nrecs, 3, "in sequence: no first event, no correlation");
	teardown(e, p);
}

/*
 * Count 2, CorrelationItemPolicy First: each first event has its own window and
 * a second event counts in every open one. Then Last (ManualReset): a new first
 * event restarts the window and forgets its count; an operator's reset drops
 * the open windows.
 */
static void test_count_policy(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.First", "CorrelatedEventLogManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "CorrelatedEventRaised")
				 "<Configuration>" PAIR("1", "2")
				 CORR("60", "2", "InSequence", "First")
				 "</Configuration>\n</UnitMonitor>\n"
				 HEAD("T.Last", "CorrelatedEventLogManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "CorrelatedEventRaised")
				 "<Configuration>" PAIR("1", "2")
				 CORR("60", "2", "InSequence", "MostRecentItem")
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "1", "a", 0);
	feed(e, "2", "a", 20);
	feed(e, "1", "a", 30);
	feed(e, "2", "a", 50);
	is_int(nrecs, 1, "policy: one detection at 50");
	is_str(recs[0].monitor, "T.First", "policy: First: 20 and 50 fill the window of 0");
	is_int(recs[0].time, 50 * SEC, "policy: First: at the second event that completes Count");
	feed(e, "2", "a", 70);
	is_int(nrecs, 2, "policy: Last: 50 and 70 in the window restarted at 30");
	is_str(recs[1].monitor, "T.Last", "policy: the Last monitor");
	is_int(recs[1].time, 70 * SEC, "policy: Last: at 70");
	/* T.First: the window of 30 saw 50 and 70 too, but the state is raised */
	is_int(engine_reset(e, "T.First", NULL, NULL, 75 * SEC), 0, "policy: reset");
	is_int(engine_reset(e, "T.Last", NULL, NULL, 76 * SEC), 0, "policy: reset the other");
	is_int(nrecs, 4, "policy: reset records");
	is_int(recs[2].cause, CAUSE_RESET, "policy: cause reset");
	feed(e, "1", "b", 80);
	is_int(engine_reset(e, "T.First", NULL, NULL, 85 * SEC), 0, "policy: reset with a window open");
	is_int(nrecs, 4, "policy: a reset of a healthy monitor records nothing");
	feed(e, "2", "b", 90);
	feed(e, "2", "b", 95);
	is_int(nrecs, 5, "policy: the reset dropped T.First's window; T.Last counts on");
	is_str(recs[4].monitor, "T.Last", "policy: T.Last raised");
	is_int(recs[4].time, 95 * SEC, "policy: at 95");
	teardown(e, p);
}

/*
 * AnyOrder: a second event up to Interval before the first counts too. An event
 * matching both expressions counts for earlier windows, then opens its own, and
 * does not correlate with itself.
 */
static void test_any_order(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Any", "CorrelatedEventLogTimer2StateMonitorType")
				 STATES("TimerEventRaised", "CorrelatedEventRaised")
				 "<Configuration>" PAIR("1", "2")
				 CORR("60", "1", "AnyOrder", "First")
				 "<TimerWaitInSeconds>30</TimerWaitInSeconds></Configuration>\n"
				 "</UnitMonitor>\n"
				 HEAD("T.Self", "CorrelatedEventLogTimer2StateMonitorType")
				 STATES("TimerEventRaised", "CorrelatedEventRaised")
				 "<Configuration>" PAIR("5", "5")
				 CORR("60", "1", "AnyOrder", "First")
				 "<TimerWaitInSeconds>30</TimerWaitInSeconds></Configuration>\n"
				 "</UnitMonitor>\n", &p);

	feed(e, "2", "a", 0);
	feed(e, "1", "a", 60);
	is_int(nrecs, 1, "any order: a second event exactly Interval before the first counts");
	is_int(recs[0].time, 60 * SEC, "any order: at the first event");
	engine_advance(e, 200 * SEC);
	is_int(nrecs, 2, "any order: the timer reset");
	is_int(recs[1].time, 90 * SEC, "any order: TimerWaitInSeconds after the detection");
	feed(e, "2", "b", 200);
	feed(e, "1", "b", 261);
	is_int(nrecs, 2, "any order: 61 s apart they do not correlate");
	feed(e, "2", "b", 270);
	is_int(nrecs, 3, "any order: a later second event still does");
	engine_advance(e, 400 * SEC);
	nrecs = 0;
	feed(e, "5", "x", 500);
	is_int(nrecs, 0, "self: an event matching both does not correlate with itself");
	feed(e, "5", "x", 530);
	is_int(nrecs, 1, "self: the next one correlates with it");
	is_str(recs[0].monitor, "T.Self", "self: the monitor");
	teardown(e, p);
}

/*
 * The Correlator written flat in the Configuration, an And of two equalities
 * with paths in either order and $Data/ prefixes, CaseSensitive, and no
 * CorrelationExpression at all (every second event correlates).
 */
static void test_expression(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.And", "CorrelatedEventLogManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "CorrelatedEventRaised")
				 "<Configuration>" PAIR("1", "2")
				 "<CorrelationExpression><Expression><And><Expression>"
				 EQ("$Data/Item1Context/DataItem/Params/Param[1]$",
				    "$Data/Item0Context/DataItem/Params/Param[2]$")
				 "</Expression><Expression><SimpleExpression><ValueExpression>"
				 "<XPathQuery>Params/Param[1]</XPathQuery></ValueExpression>"
				 "<Operator CaseSensitive=\"true\">Equal</Operator>"
				 "<ValueExpression>"
				 "<XPathQuery>Params/Param[2]</XPathQuery></ValueExpression>"
				 "</SimpleExpression></Expression></And></Expression>"
				 "</CorrelationExpression><Count>1</Count><Interval>100</Interval>"
				 "<CorrelationOrder>InSequence</CorrelationOrder>"
				 "<CorrelationItemPolicy>First</CorrelationItemPolicy>"
				 "</Configuration>\n</UnitMonitor>\n"
				 HEAD("T.All", "CorrelatedEventLogManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "CorrelatedEventRaised")
				 "<Configuration>" PAIR("3", "4")
				 "<Correlator><CorrelationExpression/><Count>2</Count>"
				 "<Interval>100</Interval></Correlator>"
				 "</Configuration>\n</UnitMonitor>\n", &p);

	/* first: Param[1] "Job", Param[2] "x"; the second needs Param[1] "x" and
	 * Param[2] "Job" exactly */
	feed2(e, "1", "Job", "x", 0);
	feed2(e, "2", "x", "job", 10);
	is_int(nrecs, 0, "and: CaseSensitive: 'job' is not 'Job'");
	feed2(e, "2", "X", "Job", 11);
	is_int(nrecs, 1, "and: Item0Context's Param[2] equals Item1Context's Param[1], folded");
	is_str(recs[0].monitor, "T.And", "and: the monitor");
	feed(e, "3", "a", 20);
	feed(e, "4", "b", 30);
	feed(e, "4", NULL, 40);
	is_int(nrecs, 2, "no expression: any two second events complete Count 2");
	is_str(recs[1].monitor, "T.All", "no expression: the monitor");
	teardown(e, p);
}

/*
 * Microsoft's "Correlated Missing Events" example: Interval 2 minutes, Count 3,
 * event 1 at 1:00 and 2:30, event 2 at 1:30, 2:00, 3:30 and 4:00, event 3 (the
 * healthy event) at 5:00. The first occurrence raises the state at 3:00, the
 * last (the window restarted at 2:30, its earlier events forgotten) at 4:30;
 * event 3 clears both.
 */
static void test_missing_example(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.MFirst", MCEL "SingleEventLog2StateMonitorType")
				 STATES("EventRaised", "MissingCorrelatedEventRaised")
				 "<Configuration>" HEALTHY("3") PAIR("1", "2")
				 CORR("120", "3", "InSequence", "First")
				 "</Configuration>\n</UnitMonitor>\n"
				 HEAD("T.MLast", MCEL "SingleEventLog2StateMonitorType")
				 STATES("EventRaised", "MissingCorrelatedEventRaised")
				 "<Configuration>" HEALTHY("3") PAIR("1", "2")
				 CORR("120", "3", "InSequence", "Last")
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "1", "j", 60);
	feed(e, "2", "j", 90);
	feed(e, "2", "j", 120);
	feed(e, "1", "j", 150);
	is_int(nrecs, 0, "example: nothing before 3:00");
	feed(e, "2", "j", 210);
	is_int(nrecs, 1, "example: first occurrence: critical at 3:00");
	is_str(recs[0].monitor, "T.MFirst", "example: the first-occurrence monitor");
	is_str(recs[0].state, "Bad", "example: MissingCorrelatedEventRaised");
	is_int(recs[0].time, 180 * SEC, "example: exactly at 3:00, before the 3:30 event");
	is_int(recs[0].cause, CAUSE_TIMER, "example: cause timer");
	feed(e, "2", "j", 240);
	engine_advance(e, 269 * SEC);
	is_int(nrecs, 1, "example: last occurrence: healthy until 4:30");
	feed(e, "3", NULL, 300);
	is_int(nrecs, 4, "example: critical at 4:30, then event 3 clears both");
	is_str(recs[1].monitor, "T.MLast", "example: the last-occurrence monitor");
	is_int(recs[1].time, 270 * SEC, "example: at 4:30");
	is_str(recs[2].state, "Good", "example: event 3: EventRaised");
	is_str(recs[3].state, "Good", "example: event 3: EventRaised for both");
	is_int(engine_next_deadline(e), INT64_MAX, "example: no window left open");
	teardown(e, p);
}

/*
 * A missing second event on the event clock: the window of a first event ends
 * while the log is quiet, and the next event, an hour later, first fires it at
 * its own time. A second event exactly at the window's end is too late (the
 * timer fires first, as the missing-event periods do). TimerWaitInSeconds.
 */
static void test_missing_timer(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.MTimer", MCEL "Timer2StateMonitorType")
				 STATES("TimerEventRaised", "MissingCorrelatedEventRaised")
				 "<Configuration>" PAIR("1", "2")
				 CORR("300", "1", "InSequence", "First")
				 "<TimerWaitInSeconds>60</TimerWaitInSeconds></Configuration>\n"
				 "</UnitMonitor>\n", &p);

	feed(e, "1", "backup", 1000);
	feed(e, "2", "backup", 1299);
	is_int(nrecs, 0, "missing: the second event 299 s later: content");
	is_int(engine_next_deadline(e), INT64_MAX, "missing: the window is closed by it");
	feed(e, "1", "backup", 2000);
	is_int(engine_next_deadline(e), 2300 * SEC, "missing: the window ends at 2300");
	feed(e, "7", NULL, 5600);
	is_int(nrecs, 2, "missing: an hour of quiet: raised, then cleared by the timer");
	is_str(recs[0].state, "Bad", "missing: MissingCorrelatedEventRaised");
	is_int(recs[0].time, 2300 * SEC, "missing: at the window's end on the event clock");
	is_str(recs[1].state, "Good", "missing: TimerEventRaised");
	is_int(recs[1].time, 2360 * SEC, "missing: TimerWaitInSeconds later");
	feed(e, "1", "backup", 6000);
	feed(e, "2", "backup", 6300);
	is_int(nrecs, 3, "missing: a second event exactly at the end is too late");
	is_int(recs[2].time, 6300 * SEC, "missing: raised at the end");
	teardown(e, p);
}

/*
 * ManualReset: a reset clears the state and keeps the windows still open: they
 * are checks to come, and the next one that ends short raises the state again.
 */
static void test_missing_manual(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.MManual", MCEL "ManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "MissingCorrelatedEventRaised")
				 "<Configuration>" PAIR("1", "2")
				 CORR("60", "1", "InSequence", "First")
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "1", "a", 0);
	feed(e, "1", "b", 30);
	engine_advance(e, 60 * SEC);
	is_int(nrecs, 1, "missing manual: a's window ends short");
	is_int(engine_reset(e, "T.MManual", NULL, NULL, 70 * SEC), 0, "missing manual: reset");
	is_int(nrecs, 2, "missing manual: reset record");
	is_str(recs[1].state, "Good", "missing manual: ManualResetEventRaised");
	engine_advance(e, 100 * SEC);
	is_int(nrecs, 3, "missing manual: b's window survives the reset and raises again");
	is_int(recs[2].time, 90 * SEC, "missing manual: at 90");
	teardown(e, p);
}

/*
 * The table holds 16 first events: a 17th is not tracked while it is full; the
 * ones in it still correlate. A checkpoint keeps the open windows.
 */
static void test_table_checkpoint(void)
{
	struct mp_pack *p;
	const char *xml = HEAD("T.Full", "CorrelatedEventLogManualReset2StateMonitorType")
		STATES("ManualResetEventRaised", "CorrelatedEventRaised")
		"<Configuration>" PAIR("1", "2") CORR("600", "1", "InSequence", "First")
		"</Configuration>\n</UnitMonitor>\n";
	struct engine *a = setup(xml, &p), *b = engine_new(collect, NULL);
	struct buf saved;
	struct diag d;
	char name[16];
	int i;

	for (i = 0; i < 17; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		feed(a, "1", name, i);
	}
	feed(a, "2", "k16", 20);
	is_int(nrecs, 0, "table: the 17th first event was not tracked");
	diag_init(&d);
	buf_init(&saved);
	engine_add_pack(b, p, &d);
	is_int(engine_save(a, &saved), 0, "checkpoint: save");
	is_int(engine_restore(b, saved.data, saved.len, NULL), 0, "checkpoint: restore");
	feed(b, "2", "k15", 30);
	is_int(nrecs, 1, "table: the 16th correlates, after a checkpoint");
	is_int(engine_next_deadline(b), 600 * SEC + 1, "checkpoint: k0's window still ends at 600");
	buf_release(&saved);
	diag_release(&d);
	engine_free(b);
	teardown(a, p);
}

static void expect_error(const char *xml, const char *want, const char *what)
{
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p;
	struct diag d;
	struct buf b;
	size_t i;
	bool saw = false;

	diag_init(&d);
	buf_init(&b);
	p = load(xml, &d);
	if (p)
		engine_add_pack(e, p, &d);
	for (i = 0; i < d.n; i++) {
		const char *s = diag_format(&d.v[i], &b);

		saw |= strstr(s, want) != NULL;
		if (!saw)
			tap_diag("%s", s);
	}
	ok(saw, "%s", what);
	buf_release(&b);
	engine_free(e);
	mp_pack_free(p);
	diag_release(&d);
}

#define MAN HEAD("T.E", "CorrelatedEventLogManualReset2StateMonitorType") \
	STATES("ManualResetEventRaised", "CorrelatedEventRaised")

static void test_errors(void)
{
	expect_error(MAN "<Configuration>" PAIR("1", "2") "\n<Correlator><CorrelationExpression>"
		     "<Expression><SimpleExpression><ValueExpression><XPathQuery>Params/Param[1]"
		     "</XPathQuery></ValueExpression>\n<Operator>NotEqual</Operator>"
		     "<ValueExpression><XPathQuery>Params/Param[1]</XPathQuery></ValueExpression>"
		     "</SimpleExpression></Expression></CorrelationExpression><Interval>60"
		     "</Interval></Correlator></Configuration>\n</UnitMonitor>\n",
		     "corr.xml:13: monitor 'T.E': the correlation Operator can only be 'Equal'",
		     "an Operator other than Equal: error at its line");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "\n<Correlator><CorrelationExpression>"
		     "<Expression><SimpleExpression><ValueExpression><XPathQuery>Params/Param[1]"
		     "</XPathQuery></ValueExpression><Operator>Equal</Operator>\n<ValueExpression>"
		     "<Value>x</Value></ValueExpression></SimpleExpression></Expression>"
		     "</CorrelationExpression><Interval>60</Interval></Correlator>"
		     "</Configuration>\n</UnitMonitor>\n",
		     "corr.xml:13: monitor 'T.E': a correlation ValueExpression must be an "
		     "'XPathQuery'",
		     "a constant in the correlation: error at its line");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "<Correlator><CorrelationExpression>"
		     "<Expression>\n"
		     EQ("Item0Context/DataItem/Params/Param[1]", "Item0Context/Params/Param[2]")
		     "</Expression></CorrelationExpression><Interval>60</Interval></Correlator>"
		     "</Configuration>\n</UnitMonitor>\n",
		     "corr.xml:12: monitor 'T.E': both sides of a correlation SimpleExpression "
		     "name the same event",
		     "two paths into the first event: error at the SimpleExpression");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "\n<Correlator><Count>2</Count>"
		     "</Correlator></Configuration>\n</UnitMonitor>\n",
		     "corr.xml:12: monitor 'T.E': configuration lacks 'Interval'",
		     "no Interval: error at the Correlator");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "<Correlator><Interval>60</Interval>\n"
		     "<CorrelationOrder>Any</CorrelationOrder></Correlator></Configuration>\n"
		     "</UnitMonitor>\n",
		     "corr.xml:12: monitor 'T.E': 'CorrelationOrder' cannot be 'Any' (one of: "
		     "InSequence, AnyOrder)",
		     "an unknown CorrelationOrder: error at its line");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "<Correlator><Interval>60</Interval>\n"
		     "<CorrelationItemPolicy>Newest</CorrelationItemPolicy></Correlator>"
		     "</Configuration>\n</UnitMonitor>\n",
		     "corr.xml:12: monitor 'T.E': 'CorrelationItemPolicy' cannot be 'Newest'",
		     "an unknown CorrelationItemPolicy: error at its line");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "<Correlator><Interval>60</Interval>\n"
		     "<Count>0</Count></Correlator></Configuration>\n</UnitMonitor>\n",
		     "corr.xml:12: monitor 'T.E': 'Count' must be a whole number from 1",
		     "Count 0: error at its line");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "</Configuration>\n</UnitMonitor>\n",
		     "corr.xml:11: monitor 'T.E': configuration lacks 'Correlator'",
		     "no Correlator: error at the Configuration");
	expect_error(MAN "<Configuration><SecondLogName>App</SecondLogName><SecondExpression>"
		     NUM("2") "</SecondExpression>" CORR("60", "1", "InSequence", "First")
		     "</Configuration>\n</UnitMonitor>\n",
		     "corr.xml:11: monitor 'T.E': configuration lacks 'FirstLogName'",
		     "no first event: error at the Configuration");
	expect_error(HEAD("T.E", "MissingCorrelatedEventLogTimer2StateMonitorType")
		     STATES("TimerEventRaised", "MissingCorrelatedEventRaised")
		     "<Configuration>" PAIR("1", "2") CORR("60", "1", "InSequence", "First")
		     "</Configuration>\n</UnitMonitor>\n",
		     "monitor 'T.E': configuration lacks 'TimerWaitInSeconds'",
		     "the timer type needs TimerWaitInSeconds");
	expect_error(MAN "<Configuration>" PAIR("1", "2") "<Correlator><CorrelationExpression>"
		     "<Expression><And><Expression>" EQ("Params/Param[1]", "Params/Param[1]")
		     "</Expression><Expression>" EQ("Params/Param[2]", "Params/Param[2]")
		     "</Expression><Expression>" EQ("Params/Param[3]", "Params/Param[3]")
		     "</Expression><Expression>" EQ("Params/Param[4]", "Params/Param[4]")
		     "</Expression><Expression>\n" EQ("Params/Param[5]", "Params/Param[5]")
		     "</Expression></And></Expression></CorrelationExpression><Interval>60"
		     "</Interval></Correlator></Configuration>\n</UnitMonitor>\n",
		     "corr.xml:12: monitor 'T.E': more than 4 equalities",
		     "a fifth equality: error at its line");
}

int main(void)
{
	test_in_sequence();
	test_count_policy();
	test_any_order();
	test_expression();
	test_missing_example();
	test_missing_timer();
	test_missing_manual();
	test_table_checkpoint();
	test_errors();
	return tap_done();
}
