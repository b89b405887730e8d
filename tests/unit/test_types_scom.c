/*
 * The Windows library's repeated-event and missing-event monitor types
 * (consolidator.c and its six type files) with synthetic events and explicit
 * times: each CountMode with its window edges, ConsolidationProperties groups and
 * their bound, timer and manual resets, missing-event schedules armed before any
 * event, checkpoints of the type state, and configuration errors at their line.
 */
#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/str.h"
#include "monitors/consolidator.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL

struct rec {
	char monitor[64];
	char instance[32];
	char state[48];
	enum mp_health to;
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
	snprintf(r->instance, sizeof(r->instance), "%.*s", (int)c->instance_len, c->instance);
	snprintf(r->state, sizeof(r->state), "%s", c->state);
	r->to = c->to;
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

#define WITHIN(secs, count, mode) \
	"<Consolidator><ConsolidationProperties/><TimeControl><WithinTimeSchedule><Interval>" secs \
	"</Interval></WithinTimeSchedule></TimeControl><CountingCondition><Count>" count \
	"</Count><CountMode>" mode "</CountMode></CountingCondition></Consolidator>"

#define SLIDE "OnNewItemTestOutputRestart_OnTimerSlideByOne"
#define RESTART "OnNewItemTestOutputRestart_OnTimerRestart"
#define ONTIMER "OnNewItemNOP_OnTimerOutputRestart"

static const char *pack_head =
	"<ManagementPack SchemaVersion=\"2.0\">\n"
	"<Manifest><Identity><ID>Test.Scom</ID><Version>1.0.0.0</Version></Identity>\n"
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
	mp_load("scom.xml", b.data, b.len, &p, d);
	buf_release(&b);
	return p;
}

/* A pack and an engine over it; NULL when either fails (reported). */
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

static void feed(struct engine *e, const char *num, const char *param, int64_t secs)
{
	struct event ev;

	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of("App"));
	event_set(&ev, "EventDisplayNumber", 18, str_of(num));
	if (param)
		event_add_param(&ev, str_of(param));
	engine_feed(e, &ev, secs * SEC);
}

/*
 * OnTimerSlideByOne, Count 3 in 120 s: Microsoft's "Repeating Events" example
 * (events at 1:00, 4:00, 5:00, 6:30, 7:00 raise the state at 7:00), which puts
 * an event exactly Interval after the oldest inside the window. Then the
 * TimerWaitInSeconds reset.
 */
static void test_slide_timer(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Slide", "RepeatedEventLogTimer2StateMonitorType")
				 STATES("TimerEventRaised", "RepeatedEventRaised")
				 "<Configuration><RepeatedComputerName>.</RepeatedComputerName>"
				 "<RepeatedLogName>App</RepeatedLogName><RepeatedExpression>" NUM("1")
				 "</RepeatedExpression>" WITHIN("120", "3", SLIDE)
				 "<TimerWaitInSeconds>600</TimerWaitInSeconds></Configuration>\n"
				 "</UnitMonitor>\n", &p);

	feed(e, "1", NULL, 60);
	feed(e, "1", NULL, 240);
	feed(e, "1", NULL, 300);
	feed(e, "1", NULL, 390);
	is_int(nrecs, 0, "slide: 4:00, 5:00, 6:30 span more than 120 s: nothing");
	is_int(engine_next_deadline(e), (300 + 120) * SEC + 1,
	       "slide: the oldest item leaves just after Interval");
	feed(e, "1", NULL, 420);
	is_int(nrecs, 1, "slide: 5:00, 6:30, 7:00 (exactly 120 s) raise the state");
	is_str(recs[0].state, "Bad", "slide: RepeatedEventRaised");
	is_int(recs[0].time, 420 * SEC, "slide: at the third event");
	is_int(engine_next_deadline(e), 1020 * SEC, "slide: the reset wait starts");
	feed(e, "1", NULL, 500);
	feed(e, "1", NULL, 621);	/* 500 is 121 s old: it slid out, count stays 1 */
	is_int(nrecs, 1, "slide: the window restarted after the detection");
	engine_advance(e, 2000 * SEC);
	is_int(nrecs, 2, "slide: the reset timer fires on a quiet log");
	is_str(recs[1].state, "Good", "slide: TimerEventRaised");
	is_int(recs[1].time, 1020 * SEC, "slide: at TimerWaitInSeconds after the detection");
	is_int(recs[1].cause, CAUSE_TIMER, "slide: cause timer");
	is_int(engine_next_deadline(e), INT64_MAX, "slide: nothing pending on a quiet log");
	teardown(e, p);
}

/*
 * OnTimerRestart, Count 2 in 60 s: the window opens at the first event and
 * closes at both ends; its timer discards the count. The healthy expression
 * brings the state back without touching the count.
 */
static void test_restart_event(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Restart", "RepeatedEventLogSingleEventLog2StateMonitorType")
				 STATES("EventRaised", "RepeatedEventRaised")
				 "<Configuration><ComputerName>.</ComputerName><LogName>App</LogName>"
				 "<Expression>" NUM("9") "</Expression>"
				 "<RepeatedComputerName>.</RepeatedComputerName>"
				 "<RepeatedLogName>App</RepeatedLogName><RepeatedExpression>" NUM("1")
				 "</RepeatedExpression>" WITHIN("60", "2", RESTART)
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "9", NULL, 10);
	is_int(nrecs, 1, "restart: the healthy event initialises");
	is_str(recs[0].state, "Good", "restart: EventRaised");
	feed(e, "1", NULL, 100);
	feed(e, "1", NULL, 160);
	is_int(nrecs, 2, "restart: the second event exactly 60 s later completes the count");
	is_str(recs[1].state, "Bad", "restart: RepeatedEventRaised");
	feed(e, "9", NULL, 170);
	is_int(nrecs, 3, "restart: the healthy event");
	is_str(recs[2].state, "Good", "restart: back to EventRaised");
	feed(e, "1", NULL, 200);
	feed(e, "1", NULL, 261);
	is_int(nrecs, 3, "restart: 61 s apart: the timer discarded the first");
	feed(e, "1", NULL, 262);
	is_int(nrecs, 4, "restart: the new window counts two");
	is_int(recs[3].time, 262 * SEC, "restart: raised at the completing event");
	teardown(e, p);
}

/*
 * OnNewItemNOP_OnTimerOutputRestart ("trigger on timer"): the period opens at
 * the first event and the state moves when it ends; Count is not tested. An
 * event exactly at the period end belongs to the next period; a period without
 * events stops the timer. Manual reset through engine_reset.
 */
static void test_on_timer_manual(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.OnTimer", "RepeatedEventLogManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "RepeatedEventRaised")
				 "<Configuration><RepeatedComputerName>.</RepeatedComputerName>"
				 "<RepeatedLogName>App</RepeatedLogName><RepeatedExpression>" NUM("1")
				 "</RepeatedExpression>" WITHIN("120", "5", ONTIMER)
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "1", NULL, 60);
	is_int(nrecs, 0, "on timer: an event alone changes nothing yet");
	engine_advance(e, 179 * SEC);
	is_int(nrecs, 0, "on timer: nothing before the period ends");
	engine_advance(e, 180 * SEC);
	is_int(nrecs, 1, "on timer: the period's end raises the state (Count not tested)");
	is_int(recs[0].time, 180 * SEC, "on timer: at the period end");
	is_int(engine_reset(e, "T.OnTimer", NULL, NULL, 190 * SEC), 0, "on timer: reset");
	is_int(nrecs, 2, "on timer: reset record");
	is_str(recs[1].state, "Good", "on timer: ManualResetEventRaised");
	is_int(recs[1].cause, CAUSE_RESET, "on timer: cause reset");
	is_int(engine_next_deadline(e), INT64_MAX, "on timer: the reset restarts the count");
	feed(e, "1", NULL, 200);
	feed(e, "1", NULL, 320);	/* exactly at the period end: the timer fires first */
	is_int(nrecs, 3, "on timer: the period [200, 320) raises it at 320");
	is_int(recs[2].time, 320 * SEC, "on timer: at 320");
	is_int(engine_next_deadline(e), 440 * SEC, "on timer: the 320 event opened the next period");
	engine_reset(e, "T.OnTimer", NULL, NULL, 330 * SEC);
	engine_advance(e, 440 * SEC);
	is_int(nrecs, 4, "on timer: the reset dropped the 320 event");
	engine_advance(e, 1000 * SEC);
	is_int(nrecs, 4, "on timer: a quiet log stays quiet");
	teardown(e, p);
}

/* ConsolidationProperties: one count per value; the table holds 8 groups. */
static void test_groups(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Groups", "RepeatedEventLogTimer2StateMonitorType")
				 STATES("TimerEventRaised", "RepeatedEventRaised")
				 "<Configuration><RepeatedComputerName>.</RepeatedComputerName>"
				 "<RepeatedLogName>App</RepeatedLogName><RepeatedExpression>" NUM("1")
				 "</RepeatedExpression><Consolidator><ConsolidationProperties>"
				 "<PropertyXPathQuery>Params/Param[1]</PropertyXPathQuery>"
				 "</ConsolidationProperties><TimeControl><Latency>30</Latency>"
				 "<DrainWait>60</DrainWait><WithinTimeSchedule><Interval>600</Interval>"
				 "</WithinTimeSchedule></TimeControl><CountingCondition><Count>2</Count>"
				 "<CountMode>" SLIDE "</CountMode></CountingCondition></Consolidator>"
				 "<TimerWaitInSeconds>60</TimerWaitInSeconds></Configuration>\n"
				 "</UnitMonitor>\n", &p);
	char name[16];
	int i;

	feed(e, "1", "a", 10);
	feed(e, "1", "b", 11);
	is_int(nrecs, 0, "groups: a and b count apart");
	feed(e, "1", "a", 12);
	is_int(nrecs, 1, "groups: a twice raises the state");
	engine_advance(e, 100 * SEC);
	is_int(nrecs, 2, "groups: timer reset");
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		feed(e, "1", name, 110 + i);
	}
	/* b and k0..k6 fill the 8 slots: z is not counted */
	feed(e, "1", "z", 120);
	feed(e, "1", "z", 121);
	is_int(nrecs, 2, "groups: a ninth value is not counted while the table is full");
	feed(e, "1", "k3", 122);
	is_int(nrecs, 3, "groups: the values in the table still count");
	teardown(e, p);
}

/*
 * MissingEventLogSingleEventLog2State as QND.OMS writes it: a SimpleReccuringSchedule
 * in minutes, the same heartbeat as healthy and counted event. The schedule is
 * armed when the clock is first known, before any heartbeat.
 */
static void test_missing_event(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Missing", "MissingEventLogSingleEventLog2StateMonitorType")
				 STATES("EventRaised", "MissingEventRaised")
				 "<Configuration><ComputerName>.</ComputerName><LogName>App</LogName>"
				 "<Expression>" NUM("11") "</Expression>"
				 "<MissingComputerName>.</MissingComputerName>"
				 "<MissingLogName>App</MissingLogName><MissingExpression>" NUM("11")
				 "</MissingExpression><Consolidator><ConsolidationProperties/>"
				 "<TimeControl><GenericSchedule><SimpleReccuringSchedule>"
				 "<Interval Unit=\"Minutes\">2</Interval></SimpleReccuringSchedule>"
				 "<ExcludeDates/></GenericSchedule></TimeControl><CountingCondition>"
				 "<CountMode>" ONTIMER "</CountMode></CountingCondition></Consolidator>"
				 "</Configuration>\n</UnitMonitor>\n", &p);

	feed(e, "5", NULL, 1000);	/* any event: the clock is known */
	is_int(engine_next_deadline(e), 1120 * SEC, "missing: the period runs before any heartbeat");
	engine_advance(e, 1120 * SEC);
	is_int(nrecs, 1, "missing: a first period without heartbeat");
	is_str(recs[0].state, "Bad", "missing: MissingEventRaised");
	is_int(recs[0].time, 1120 * SEC, "missing: at the period end");
	feed(e, "11", NULL, 1130);
	is_int(nrecs, 2, "missing: the heartbeat is healthy at once");
	is_str(recs[1].state, "Good", "missing: EventRaised");
	feed(e, "11", NULL, 1360);	/* exactly at the end of [1240, 1360): next period */
	is_int(nrecs, 4, "missing: [1240, 1360) had none, the heartbeat at 1360 heals");
	is_int(recs[2].time, 1360 * SEC, "missing: raised at 1360 by the timer first");
	is_str(recs[3].state, "Good", "missing: then healthy by the heartbeat");
	engine_advance(e, 1480 * SEC);
	is_int(nrecs, 4, "missing: [1360, 1480) counted the 1360 heartbeat");
	engine_advance(e, 1600 * SEC);
	is_int(nrecs, 5, "missing: a quiet period raises it again");
	teardown(e, p);
}

/* The timer reset of the missing family: each empty period raises it again. */
static void test_missing_timer(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.MissTimer", "MissingEventLogTimer2StateMonitorType")
				 STATES("TimerEventRaised", "MissingEventRaised")
				 "<Configuration><MissingComputerName>.</MissingComputerName>"
				 "<MissingLogName>App</MissingLogName><MissingExpression>" NUM("11")
				 "</MissingExpression>" WITHIN("60", "1", ONTIMER)
				 "<TimerWaitInSeconds>30</TimerWaitInSeconds></Configuration>\n"
				 "</UnitMonitor>\n", &p);

	engine_advance(e, 10 * SEC);	/* the clock is known: the schedule starts */
	feed(e, "11", NULL, 40);
	engine_advance(e, 70 * SEC);
	is_int(nrecs, 0, "missing timer: a heartbeat in [10, 70)");
	engine_advance(e, 130 * SEC);
	is_int(nrecs, 1, "missing timer: none in [70, 130)");
	is_str(recs[0].state, "Bad", "missing timer: MissingEventRaised");
	is_int(recs[0].time, 130 * SEC, "missing timer: at the period end");
	engine_advance(e, 160 * SEC);
	is_int(nrecs, 2, "missing timer: TimerWaitInSeconds heals");
	is_str(recs[1].state, "Good", "missing timer: TimerEventRaised");
	is_int(recs[1].time, 160 * SEC, "missing timer: 30 s after the detection");
	feed(e, "11", NULL, 170);
	engine_advance(e, 190 * SEC);
	is_int(nrecs, 2, "missing timer: a heartbeat in [130, 190)");
	engine_advance(e, 250 * SEC);
	is_int(nrecs, 3, "missing timer: [190, 250) is empty again");
	is_int(recs[2].time, 250 * SEC, "missing timer: at 250");
	teardown(e, p);
}

/* The manual reset of the missing family keeps the schedule running. */
static void test_missing_manual(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.MissManual", "MissingEventLogManualReset2StateMonitorType")
				 STATES("ManualResetEventRaised", "MissingEventRaised")
				 "<Configuration><ComputerName>.</ComputerName><LogName>App</LogName>"
				 "<Expression>" NUM("12") "</Expression>" WITHIN("100", "1", ONTIMER)
				 "</Configuration>\n</UnitMonitor>\n", &p);

	engine_advance(e, 10 * SEC);
	feed(e, "12", NULL, 50);	/* unprefixed LogName/Expression are read too */
	engine_advance(e, 110 * SEC);
	is_int(nrecs, 0, "missing manual: a heartbeat in [10, 110)");
	engine_advance(e, 210 * SEC);
	is_int(nrecs, 1, "missing manual: none in [110, 210)");
	is_int(recs[0].time, 210 * SEC, "missing manual: at the period end");
	is_int(engine_reset(e, "T.MissManual", NULL, NULL, 215 * SEC), 0, "missing manual: reset");
	is_int(nrecs, 2, "missing manual: the operator's reset");
	is_str(recs[1].state, "Good", "missing manual: ManualResetEventRaised");
	is_int(engine_next_deadline(e), 310 * SEC, "missing manual: the schedule survives the reset");
	engine_advance(e, 310 * SEC);
	is_int(nrecs, 3, "missing manual: [210, 310) is empty");
	is_str(recs[2].state, "Bad", "missing manual: raised again");
	teardown(e, p);
}

/* Give a checkpoint whose text was edited the right "end" line again. */
static void reseal(struct buf *b)
{
	char *end = memrchr(b->data, '\n', b->len - 1);

	buf_truncate(b, (size_t)(end + 1 - b->data));
	buf_printf(b, "end %016" PRIx64 "\n", str_hash((struct str){ b->data, b->len }));
}

/*
 * Found by the checkpoint fuzz target: bytes of a consolidator state that no
 * engine could have saved, under a right checksum, were restored as they came.
 * A sliding window's ring index past its 32 times then read and wrote out of
 * bounds, and a period that ended long before the clock made the timers step
 * through every period since. engine_restore refuses both now.
 */
static void test_checkpoint_damaged(const struct mp_pack *p, const struct buf *good)
{
	struct engine *c = engine_new(collect, NULL);
	size_t at = offsetof(struct cons_state, groups[0].first);
	struct buf bad;
	struct diag d;
	char *line, *hex, *nl;

	diag_init(&d);
	buf_init(&bad);
	engine_add_pack(c, p, &d);

	buf_append(&bad, good->data, good->len);
	line = strstr(bad.data, "\ni T.Slide ");
	nl = line ? strchr(line + 1, '\n') : NULL;
	for (hex = nl; hex && hex[-1] != ' '; hex--)
		;
	ok(hex && (size_t)(nl - hex) >= 2 * (at + 4), "damaged checkpoint: the sliding window's bytes");
	if (hex && (size_t)(nl - hex) >= 2 * (at + 4))
		memcpy(hex + 2 * at, "28000000", 8);	/* first = 40, past CONS_MAX_TIMES */
	reseal(&bad);
	is_int(engine_restore(c, bad.data, bad.len, NULL), -EINVAL,
	       "damaged checkpoint: a ring index past the window's times is refused");

	buf_reset(&bad);
	buf_append(&bad, good->data, good->len);
	line = strstr(bad.data, "\nnow ");
	nl = line ? strchr(line + 1, '\n') : NULL;
	if (nl) {
		/* the clock a day on: the missing period's end (1010 s) lies before it */
		struct buf t;

		buf_init(&t);
		buf_append(&t, bad.data, (size_t)(line - bad.data));
		buf_printf(&t, "\nnow %lld", (long long)(86400 * SEC));
		buf_puts(&t, nl);
		buf_reset(&bad);
		buf_append(&bad, t.data, t.len);
		buf_release(&t);
	}
	reseal(&bad);
	is_int(engine_restore(c, bad.data, bad.len, NULL), -EINVAL,
	       "damaged checkpoint: timers due before the checkpoint's clock are refused");
	engine_advance(c, 2 * 86400 * SEC);	/* and nothing was restored to spin on */
	is_int(engine_next_deadline(c) > 2 * 86400 * SEC, 1, "damaged checkpoint: engine unchanged");
	buf_release(&bad);
	diag_release(&d);
	engine_free(c);
}

/* A checkpoint in the middle of a sliding window continues the same count. */
static void test_checkpoint(void)
{
	struct mp_pack *p;
	const char *xml = HEAD("T.Slide", "RepeatedEventLogTimer2StateMonitorType")
		STATES("TimerEventRaised", "RepeatedEventRaised")
		"<Configuration><RepeatedComputerName>.</RepeatedComputerName>"
		"<RepeatedLogName>App</RepeatedLogName><RepeatedExpression>" NUM("1")
		"</RepeatedExpression>" WITHIN("120", "3", SLIDE)
		"<TimerWaitInSeconds>600</TimerWaitInSeconds></Configuration>\n</UnitMonitor>\n"
		HEAD("T.Miss", "MissingEventLogTimer2StateMonitorType")
		STATES("TimerEventRaised", "MissingEventRaised")
		"<Configuration><MissingComputerName>.</MissingComputerName>"
		"<MissingLogName>App</MissingLogName><MissingExpression>" NUM("11")
		"</MissingExpression>" WITHIN("1000", "1", ONTIMER)
		"<TimerWaitInSeconds>30</TimerWaitInSeconds></Configuration>\n</UnitMonitor>\n";
	struct engine *a = setup(xml, &p), *b = engine_new(collect, NULL);
	struct diag d;
	struct buf saved;

	diag_init(&d);
	buf_init(&saved);
	engine_add_pack(b, p, &d);
	feed(a, "1", NULL, 10);
	feed(a, "1", NULL, 20);
	is_int(engine_save(a, &saved), 0, "checkpoint: save");
	is_int(engine_restore(b, saved.data, saved.len, NULL), 0, "checkpoint: restore");
	nrecs = 0;
	feed(b, "1", NULL, 130);
	is_int(nrecs, 1, "checkpoint: the restored window holds the two earlier events");
	is_str(recs[0].monitor, "T.Slide", "checkpoint: the sliding monitor");
	engine_advance(b, 1010 * SEC);
	is_int(nrecs, 3, "checkpoint: then the slide's reset at 730 and the missing period");
	is_str(recs[2].monitor, "T.Miss", "checkpoint: the restored schedule is not restarted");
	is_int(recs[2].time, 1010 * SEC, "checkpoint: its period still ends at 1010");
	test_checkpoint_damaged(p, &saved);
	buf_release(&saved);
	diag_release(&d);
	engine_free(b);
	teardown(a, p);
}

/* InstanceField: a missing-event schedule starts with each instance. */
static void test_instances(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.PerHost", "MissingEventLogSingleEventLog2StateMonitorType")
				 STATES("EventRaised", "MissingEventRaised")
				 "<Configuration><ComputerName>.</ComputerName><LogName>App</LogName>"
				 "<Expression>" NUM("11") "</Expression><MissingComputerName>.</MissingComputerName>"
				 "<MissingLogName>App</MissingLogName><MissingExpression>" NUM("11")
				 "</MissingExpression>" WITHIN("60", "1", ONTIMER)
				 "<InstanceField>Params/Param[1]</InstanceField></Configuration>\n"
				 "</UnitMonitor>\n", &p);

	engine_advance(e, 0);
	is_int(engine_next_deadline(e), INT64_MAX, "instances: none before its first event");
	feed(e, "11", "h1", 10);
	is_int(engine_next_deadline(e), 70 * SEC, "instances: h1's schedule starts with it");
	engine_advance(e, 130 * SEC);
	is_int(nrecs, 2, "instances: h1 healthy, then missing in [70, 130)");
	is_str(recs[1].instance, "h1", "instances: the instance");
	teardown(e, p);
}

/* Three expressions, three states; a reset goes to the one mapped to Success. */
static void test_three_state(void)
{
	struct mp_pack *p;
	struct engine *e = setup(HEAD("T.Three", "3SingleEventLog3StateUnitMonitorType")
				 "<OperationalStates>"
				 "<OperationalState ID=\"Up\" MonitorTypeStateID=\"FirstEventRaised\" HealthState=\"Success\"/>"
				 "<OperationalState ID=\"Slow\" MonitorTypeStateID=\"SecondEventRaised\" HealthState=\"Warning\"/>"
				 "<OperationalState ID=\"Down\" MonitorTypeStateID=\"ThirdEventRaised\" HealthState=\"Error\"/>"
				 "</OperationalStates>\n"
				 "<Configuration><FirstComputerName>.</FirstComputerName><FirstLogName>App</FirstLogName>"
				 "<FirstExpression>" NUM("1") "</FirstExpression>"
				 "<SecondComputerName>.</SecondComputerName><SecondLogName>App</SecondLogName>"
				 "<SecondExpression>" NUM("2") "</SecondExpression>"
				 "<ThirdComputerName>.</ThirdComputerName><ThirdLogName>App</ThirdLogName>"
				 "<ThirdExpression>" NUM("3") "</ThirdExpression></Configuration>\n"
				 "</UnitMonitor>\n", &p);

	feed(e, "2", NULL, 10);
	feed(e, "3", NULL, 20);
	feed(e, "3", NULL, 25);
	feed(e, "1", NULL, 30);
	is_int(nrecs, 3, "three state: one record per change");
	is_str(recs[0].state, "Slow", "three state: SecondEventRaised");
	is_int(recs[0].to, MP_HEALTH_WARNING, "three state: Warning");
	is_str(recs[1].state, "Down", "three state: ThirdEventRaised");
	is_int(recs[1].to, MP_HEALTH_ERROR, "three state: Error");
	is_str(recs[2].state, "Up", "three state: FirstEventRaised");
	feed(e, "3", NULL, 40);
	engine_reset(e, "T.Three", NULL, NULL, 50 * SEC);
	is_int(nrecs, 5, "three state: reset");
	is_str(recs[4].state, "Up", "three state: the reset goes to the Success state");
	teardown(e, p);
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

static void test_errors(void)
{
	expect_error(HEAD("T.E1", "RepeatedEventLogTimer2StateMonitorType")
		     STATES("TimerEventRaised", "RepeatedEventRaised")
		     "<Configuration><RepeatedLogName>App</RepeatedLogName><RepeatedExpression>"
		     NUM("1") "</RepeatedExpression>\n<Consolidator><TimeControl><WithinTimeSchedule>"
		     "<Interval>60</Interval></WithinTimeSchedule></TimeControl><CountingCondition>\n"
		     "<CountMode>OnNewItemNOP_OnTimerRestart</CountMode></CountingCondition>"
		     "</Consolidator><TimerWaitInSeconds>5</TimerWaitInSeconds></Configuration>\n"
		     "</UnitMonitor>\n",
		     "scom.xml:13: monitor 'T.E1': 'CountMode' cannot be 'OnNewItemNOP_OnTimerRestart'",
		     "unknown CountMode: error at its line");
	expect_error(HEAD("T.E2", "RepeatedEventLogTimer2StateMonitorType")
		     STATES("TimerEventRaised", "RepeatedEventRaised")
		     "<Configuration><RepeatedLogName>App</RepeatedLogName><RepeatedExpression>"
		     NUM("1") "</RepeatedExpression>\n" WITHIN("60", "33", SLIDE)
		     "<TimerWaitInSeconds>5</TimerWaitInSeconds></Configuration>\n</UnitMonitor>\n",
		     "scom.xml:12: monitor 'T.E2': 'Count' must be a whole number from 1 to 32",
		     "a sliding Count above the bound: error at the line");
	expect_error(HEAD("T.E3", "MissingEventLogTimer2StateMonitorType")
		     STATES("TimerEventRaised", "MissingEventRaised")
		     "<Configuration><MissingLogName>App</MissingLogName><MissingExpression>"
		     NUM("1") "</MissingExpression>\n" WITHIN("60", "1", RESTART)
		     "<TimerWaitInSeconds>5</TimerWaitInSeconds></Configuration>\n</UnitMonitor>\n",
		     "monitor 'T.E3': a missing event is judged when the period ends",
		     "a missing type with a counting CountMode is refused");
	expect_error(HEAD("T.E4", "RepeatedEventLogManualReset2StateMonitorType")
		     STATES("ManualResetEventRaised", "RepeatedEventRaised")
		     "<Configuration><RepeatedLogName>App</RepeatedLogName><RepeatedExpression>"
		     NUM("1") "</RepeatedExpression>\n</Configuration>\n</UnitMonitor>\n",
		     "scom.xml:11: monitor 'T.E4': configuration lacks 'Consolidator'",
		     "no Consolidator: error at the Configuration");
	expect_error(HEAD("T.E5", "RepeatedEventLogTimer2StateMonitorType")
		     STATES("TimerEventRaised", "RepeatedEventRaised")
		     "<Configuration><RepeatedLogName>App</RepeatedLogName><RepeatedExpression>"
		     NUM("1") "</RepeatedExpression>\n" WITHIN("60", "2", SLIDE)
		     "</Configuration>\n</UnitMonitor>\n",
		     "monitor 'T.E5': configuration lacks 'TimerWaitInSeconds'",
		     "the timer type needs TimerWaitInSeconds");
	expect_error(HEAD("T.E6", "RepeatedEventLogManualReset2StateMonitorType")
		     STATES("ManualResetEventRaised", "RepeatedEventRaised")
		     "<Configuration><RepeatedLogName>App</RepeatedLogName><RepeatedExpression>"
		     NUM("1") "</RepeatedExpression>\n<Consolidator><TimeControl>\n<GenericSchedule>"
		     "<SimpleReccuringSchedule><Interval>60</Interval></SimpleReccuringSchedule>"
		     "</GenericSchedule></TimeControl><CountingCondition><CountMode>" SLIDE
		     "</CountMode></CountingCondition></Consolidator></Configuration>\n</UnitMonitor>\n",
		     "scom.xml:13: monitor 'T.E6': GenericSchedule is run for missing-event types only",
		     "a repeated type with a GenericSchedule: error at its line");
	expect_error(HEAD("T.E7", "MissingEventLogManualReset2StateMonitorType")
		     STATES("ManualResetEventRaised", "MissingEventRaised")
		     "<Configuration><MissingLogName>App</MissingLogName><MissingExpression>"
		     NUM("1") "</MissingExpression>\n<Consolidator><TimeControl><GenericSchedule>"
		     "<SimpleReccuringSchedule><Interval Unit=\"Minutes\">5</Interval>\n"
		     "<SyncTime>00:00</SyncTime></SimpleReccuringSchedule></GenericSchedule>"
		     "</TimeControl><CountingCondition><CountMode>" ONTIMER "</CountMode>"
		     "</CountingCondition></Consolidator></Configuration>\n</UnitMonitor>\n",
		     "scom.xml:13: monitor 'T.E7': SimpleReccuringSchedule: only Interval is supported",
		     "a schedule with SyncTime: error at its line");
	expect_error(HEAD("T.E8", "MissingEventLogManualReset2StateMonitorType")
		     STATES("ManualResetEventRaised", "MissingEventRaised")
		     "<Configuration><MissingLogName>App</MissingLogName><MissingExpression>"
		     NUM("1") "</MissingExpression>\n<Consolidator><ConsolidationProperties>"
		     "<PropertyXPathQuery>LoggingComputer</PropertyXPathQuery>"
		     "</ConsolidationProperties>" "<TimeControl><WithinTimeSchedule><Interval>60"
		     "</Interval></WithinTimeSchedule></TimeControl><CountingCondition><CountMode>"
		     ONTIMER "</CountMode></CountingCondition></Consolidator></Configuration>\n"
		     "</UnitMonitor>\n",
		     "scom.xml:12: warning: monitor 'T.E8': ConsolidationProperties do not split",
		     "ConsolidationProperties of a missing type: a warning at their line");
}

int main(void)
{
	test_slide_timer();
	test_restart_event();
	test_on_timer_manual();
	test_groups();
	test_missing_event();
	test_missing_timer();
	test_missing_manual();
	test_checkpoint();
	test_instances();
	test_three_state();
	test_errors();
	return tap_done();
}
