/*
 * mpmon's own monitor types (Mpmon.*) through the engine, with synthetic events
 * and explicit times: the ratio window's buckets, MinSamples and hysteresis,
 * timers that expire samples and notice silence, the engine's start step,
 * pending correlations and their bound, repeated events, instances, resets and
 * checkpoints of type state.
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
#define T0 (1000000 * SEC)	/* a multiple of every bucket width used here */

struct rec {
	char monitor[64];
	char instance[64];
	enum mp_health from, to;
	enum state_cause cause;
	bool alert;
	int64_t time;
	char message[256];
};

static struct rec recs[128];
static int nrecs;

static void collect(void *arg, const struct state_change *c)
{
	struct rec *r = &recs[nrecs < 127 ? nrecs++ : 127];

	(void)arg;
	snprintf(r->monitor, sizeof(r->monitor), "%s", c->monitor_id);
	snprintf(r->instance, sizeof(r->instance), "%.*s", (int)c->instance_len, c->instance);
	r->from = c->from;
	r->to = c->to;
	r->cause = c->cause;
	r->alert = c->alert;
	r->time = c->time;
	snprintf(r->message, sizeof(r->message), "%s", c->message);
}

static const char *pack_head =
	"<ManagementPack SchemaVersion=\"2.0\">\n"
	"<Manifest><Identity><ID>Test.Mpmon</ID><Version>1.0.0.0</Version></Identity>\n"
	"<References>\n"
	"<Reference Alias=\"SC\"><ID>Microsoft.SystemCenter.Library</ID><Version>7.5.8501.0</Version></Reference>"
	"<Reference Alias=\"Windows\"><ID>Microsoft.Windows.Library</ID>"
	"<Version>7.5.8501.0</Version></Reference>\n"
	"<Reference Alias=\"Health\"><ID>System.Health.Library</ID>"
	"<Version>7.5.8501.0</Version></Reference>\n"
	"</References></Manifest>\n"
	"<Monitoring><Monitors>\n";

static const char *pack_tail =
	"</Monitors></Monitoring><Presentation><StringResources><StringResource ID=\"T.Msg\"/>"
	"</StringResources></Presentation>\n"
	"<LanguagePacks><LanguagePack ID=\"ENU\" IsDefault=\"true\"><DisplayStrings>\n"
	"<DisplayString ElementID=\"T.Msg\"><Name>Test Alert</Name>"
	"<Description>[{0}] on [{1}]</Description></DisplayString>\n"
	"</DisplayStrings></LanguagePack></LanguagePacks>\n"
	"</ManagementPack>\n";

#define EXPR_NUM(n) \
	"<SimpleExpression><ValueExpression><XPathQuery Type=\"UnsignedInteger\">" \
	"EventDisplayNumber" \
	"</XPathQuery></ValueExpression><Operator>Equal</Operator><ValueExpression>" \
	"<Value Type=\"UnsignedInteger\">" n "</Value></ValueExpression></SimpleExpression>"

/* {0} a field of the event, {1} the logging computer */
#define ALERT(field) \
	"<AlertSettings AlertMessage=\"T.Msg\"><AlertOnState>Error</AlertOnState>" \
	"<AutoResolve>true</AutoResolve><AlertPriority>Normal</AlertPriority>" \
	"<AlertSeverity>MatchMonitorHealth</AlertSeverity><AlertParameters>" \
	"<AlertParameter1>$Data/Context/" field "$</AlertParameter1>" \
	"<AlertParameter2>$Target/Host/Property[Type=\"Windows!Microsoft.Windows.Computer\"]" \
	"/NetworkName$" \
	"</AlertParameter2></AlertParameters></AlertSettings>"

#define MON(id, type, field, good, bad, config) \
	"<UnitMonitor ID=\"" id "\" Accessibility=\"Public\" Enabled=\"true\" " \
	"Target=\"SC!Microsoft.SystemCenter.AllManagementServersPool\" " \
	"ParentMonitorID=\"Health!System.Health.AvailabilityState\" Remotable=\"true\" " \
	"Priority=\"Normal\" TypeID=\"" type "\" ConfirmDelivery=\"false\">\n" \
	"<Category>AvailabilityHealth</Category>" ALERT(field) "\n" \
	"<OperationalStates><OperationalState ID=\"Good\" MonitorTypeStateID=\"" good "\" " \
	"HealthState=\"Success\"/><OperationalState ID=\"Bad\" MonitorTypeStateID=\"" bad "\" " \
	"HealthState=\"Error\"/></OperationalStates>\n" \
	"<Configuration>" config "</Configuration>\n</UnitMonitor>\n"

#define RATIO "Mpmon.EventRatio2StateMonitorType"
#define MISSING "Mpmon.MissingEvent2StateMonitorType"
#define CORR "Mpmon.CorrelatedMissingEvent2StateMonitorType"
#define REPEAT "Mpmon.RepeatedEvent2StateMonitorType"

static void print_diags(const struct diag *d)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < d->n; i++)
		tap_diag("%s", diag_format(&d->v[i], &b));
	buf_release(&b);
}

/* Warnings about monitors without a display string: these tests need no names. */
static size_t unnamed(const struct diag *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->v[i].severity == DIAG_WARNING &&
		     strstr(d->v[i].message, "has no display string; it is shown by its ID") != NULL;
	return n;
}

/* A pack of these monitors and an engine running it; NULL when it has errors. */
static struct engine *start(const char *monitors, struct mp_pack **pack)
{
	struct engine *e = NULL;
	struct diag d;
	struct buf b;

	diag_init(&d);
	buf_init(&b);
	buf_puts(&b, pack_head);
	buf_puts(&b, monitors);
	buf_puts(&b, pack_tail);
	*pack = NULL;
	mp_load("types.xml", b.data, b.len, pack, &d);
	if (*pack) {
		e = engine_new(collect, NULL);
		engine_add_pack(e, *pack, &d);
	}
	if (d.errors || d.warnings > unnamed(&d)) {
		print_diags(&d);
		engine_free(e);
		e = NULL;
	}
	ok(e != NULL, "pack loads without errors or warnings");
	buf_release(&b);
	diag_release(&d);
	nrecs = 0;
	return e;
}

static void stop(struct engine *e, struct mp_pack *p)
{
	engine_free(e);
	mp_pack_free(p);
}

/* Feed an event numbered num on log at T0 + secs; param, when given, is Param[1]. */
static void feed(struct engine *e, const char *log, const char *num, const char *host,
		 const char *param, double secs)
{
	struct event ev;

	event_reset(&ev);
	event_set(&ev, "LogName", 7, str_of(log));
	event_set(&ev, "EventDisplayNumber", 18, str_of(num));
	event_set(&ev, "EventDescription", 16, str_of("desc"));
	if (host)
		event_set(&ev, "LoggingComputer", 15, str_of(host));
	if (param)
		event_add_param(&ev, str_of(param));
	engine_feed(e, &ev, T0 + (int64_t)(secs * SEC));
}

static void is_rec(int i, const char *instance, enum mp_health to, enum state_cause cause,
		   double secs, const char *what)
{
	char name[160];

	snprintf(name, sizeof(name), "%s: record %d", what, i);
	ok(i < nrecs, "%s exists", name);
	if (i >= nrecs)
		return;
	snprintf(name, sizeof(name), "%s: record %d instance", what, i);
	is_str(recs[i].instance, instance, name);
	snprintf(name, sizeof(name), "%s: record %d health", what, i);
	is_int(recs[i].to, to, name);
	snprintf(name, sizeof(name), "%s: record %d cause", what, i);
	is_int(recs[i].cause, cause, name);
	snprintf(name, sizeof(name), "%s: record %d time", what, i);
	is_int(recs[i].time, T0 + (int64_t)(secs * SEC), name);
}

/* ---- Mpmon.EventRatio2StateMonitorType ---- */

#define RATIO_CONFIG(window, min, unhealthy, healthy) \
	"<LogName>Gw</LogName><GoodExpression>" EXPR_NUM("5506") "</GoodExpression>" \
	"<BadExpression>" EXPR_NUM("5507") "</BadExpression><WindowSeconds>" window \
	"</WindowSeconds><MinSamples>" min "</MinSamples><UnhealthyRatio>" unhealthy \
	"</UnhealthyRatio>" healthy

static const char *ratio_monitors =
	MON("T.Ratio", RATIO, "EventDescription", "UnderThreshold", "OverThreshold",
	    RATIO_CONFIG("640", "4", "0.75", "<HealthyRatio>0.5</HealthyRatio>")
	    "<InstanceField>LoggingComputer</InstanceField>")
	MON("T.Ratio3", RATIO, "EventDescription", "UnderThreshold", "OverThreshold",
	    "<LogName>Gw3</LogName><GoodExpression>" EXPR_NUM("5506") "</GoodExpression>"
	    "<BadExpression>" EXPR_NUM("5507") "</BadExpression><WindowSeconds>60</WindowSeconds>"
	    "<MinSamples>10</MinSamples><UnhealthyRatio>.3</UnhealthyRatio>");

static void test_ratio_thresholds(void)
{
	struct mp_pack *p;
	struct engine *e = start(ratio_monitors, &p);
	int i;

	if (!e)
		return;
	/* host a: MinSamples, the threshold itself, hysteresis both ways */
	feed(e, "Gw", "5507", "a", NULL, 0);
	feed(e, "Gw", "5507", "a", NULL, 1);
	feed(e, "Gw", "5507", "a", NULL, 2);
	is_int(nrecs, 0, "ratio: 3 bad of 3 is not judged below MinSamples 4");
	feed(e, "Gw", "5506", "a", NULL, 3);
	is_rec(0, "a", MP_HEALTH_ERROR, CAUSE_EVENT, 3, "ratio: 3/4 = UnhealthyRatio is over");
	ok(recs[0].alert, "ratio: over raises the alert");
	is_str(recs[0].message, "[desc] on [a]", "ratio: message parameters from the event");
	feed(e, "Gw", "5506", "a", NULL, 4);	/* 3/5 */
	feed(e, "Gw", "5506", "a", NULL, 5);	/* 3/6 = HealthyRatio: not below it */
	is_int(nrecs, 1, "ratio: between the ratios the state holds (hysteresis)");
	feed(e, "Gw", "5506", "a", NULL, 6);	/* 3/7 */
	is_rec(1, "a", MP_HEALTH_SUCCESS, CAUSE_EVENT, 6, "ratio: below HealthyRatio is under");
	for (i = 7; i <= 14; i++)		/* up to 11/15, below 0.75 */
		feed(e, "Gw", "5507", "a", NULL, i);
	is_int(nrecs, 2, "ratio: rising through the band keeps UnderThreshold");
	feed(e, "Gw", "5507", "a", NULL, 15);	/* 12/16 */
	is_rec(2, "a", MP_HEALTH_ERROR, CAUSE_EVENT, 15, "ratio: back over at 12/16");

	/* host b: a first judgement inside the band is not over */
	feed(e, "Gw", "5507", "b", NULL, 20);
	feed(e, "Gw", "5507", "b", NULL, 20);
	feed(e, "Gw", "5506", "b", NULL, 20);
	feed(e, "Gw", "5506", "b", NULL, 20);
	is_rec(3, "b", MP_HEALTH_SUCCESS, CAUSE_EVENT, 20,
	       "ratio: 2/4, inside the band, starts UnderThreshold");
	is_int(nrecs, 4, "ratio: instances are judged apart");

	/* Ratio3: 0.3 compares exactly; HealthyRatio defaults to UnhealthyRatio */
	for (i = 0; i < 7; i++)
		feed(e, "Gw3", "5506", "h", NULL, 30);
	feed(e, "Gw3", "5507", "h", NULL, 30);
	feed(e, "Gw3", "5507", "h", NULL, 30);
	is_int(nrecs, 4, "ratio3: 9 samples are below MinSamples 10");
	feed(e, "Gw3", "5507", "h", NULL, 31);
	ok(nrecs == 5 && recs[4].to == MP_HEALTH_ERROR, "ratio3: 3/10 is at 0.3: over");
	feed(e, "Gw3", "5506", "h", NULL, 32);
	ok(nrecs == 6 && recs[5].to == MP_HEALTH_SUCCESS,
	   "ratio3: 3/11 is below the default HealthyRatio 0.3: under");
	stop(e, p);
}

static void test_ratio_window(void)
{
	struct mp_pack *p;
	struct engine *e = start(ratio_monitors, &p);
	struct engine *b;
	struct buf saved;
	struct diag d;
	int i;

	if (!e)
		return;
	/* host c: bad samples age out during a quiet period: the timer moves it */
	for (i = 0; i < 5; i++)
		feed(e, "Gw", "5507", "c", NULL, i);
	feed(e, "Gw", "5507", "c", NULL, 9.999);	/* last µs of bucket 0 */
	is_rec(0, "c", MP_HEALTH_ERROR, CAUSE_EVENT, 3, "window: over at 4 bad");
	for (i = 20; i < 26; i++)			/* 6/12 at the end: held by hysteresis */
		feed(e, "Gw", "5506", "c", NULL, i);
	is_int(nrecs, 1, "window: 6 bad, 6 good hold OverThreshold");
	is_int(engine_next_deadline(e), T0 + 640 * SEC,
	       "window: timer at the end of the oldest bucket (64 buckets of 10 s)");

	/* a checkpoint carries the buckets */
	diag_init(&d);
	buf_init(&saved);
	b = engine_new(collect, NULL);
	engine_add_pack(b, p, &d);
	engine_save(e, &saved);
	is_int(engine_restore(b, saved.data, saved.len, NULL), 0, "window: checkpoint restores");

	engine_advance(e, T0 + 639 * SEC + 999999);
	is_int(nrecs, 1, "window: nothing before the bucket leaves");
	engine_advance(e, T0 + 640 * SEC);
	is_rec(1, "c", MP_HEALTH_SUCCESS, CAUSE_TIMER, 640,
	       "window: bucket 0 left at 640 s (the 9.999 s sample after 630.001 s): 0/6 under");
	is_int(engine_next_deadline(e), T0 + 660 * SEC, "window: next timer when bucket 2 leaves");
	engine_advance(e, T0 + 700 * SEC);
	is_int(nrecs, 2, "window: an empty window is not judged: the state holds");
	is_int(engine_next_deadline(e), INT64_MAX, "window: no timer once below MinSamples");

	engine_advance(b, T0 + 640 * SEC);
	ok(nrecs == 3 && recs[2].to == MP_HEALTH_SUCCESS && recs[2].time == T0 + 640 * SEC,
	   "window: the restored engine expires the same samples at the same time");
	engine_free(b);
	buf_release(&saved);
	diag_release(&d);

	/* host d: good samples age out first and the ratio rises on the timer */
	for (i = 1000; i < 1004; i++)
		feed(e, "Gw", "5506", "d", NULL, i);
	for (i = 1020; i < 1026; i++)		/* 6/10 at the end: inside the band */
		feed(e, "Gw", "5507", "d", NULL, i);
	ok(nrecs == 4 && recs[3].to == MP_HEALTH_SUCCESS, "window: d starts under");
	engine_advance(e, T0 + 1640 * SEC);
	is_rec(4, "d", MP_HEALTH_ERROR, CAUSE_TIMER, 1640, "window: good ones left: 6/6 over");
	ok(recs[4].alert, "window: a timer can raise the alert");
	is_str(recs[4].message, "[] on [d]",
	       "window: without an event, the InstanceField (LoggingComputer) still fills {1}");

	/* a later event expires a long-gone window before counting */
	feed(e, "Gw", "5506", "d", NULL, 5000);
	feed(e, "Gw", "5506", "d", NULL, 5000);
	feed(e, "Gw", "5506", "d", NULL, 5000);
	feed(e, "Gw", "5507", "d", NULL, 5000);
	is_rec(5, "d", MP_HEALTH_SUCCESS, CAUSE_EVENT, 5000, "window: old samples are gone: 1/4");
	stop(e, p);
}

/* ---- Mpmon.MissingEvent2StateMonitorType and the engine's start step ---- */

static const char *missing_monitors =
	MON("T.Missing", MISSING, "EventDescription", "EventRaised", "EventMissing",
	    "<LogName>Hb</LogName><Expression>" EXPR_NUM("2011") "</Expression>"
	    "<IntervalSeconds>100</IntervalSeconds>")
	MON("T.MissingPer", MISSING, "EventDescription", "EventRaised", "EventMissing",
	    "<LogName>Hb</LogName><Expression>" EXPR_NUM("2012") "</Expression>"
	    "<IntervalSeconds>100</IntervalSeconds><InstanceField>LoggingComputer</InstanceField>");

static void test_missing(void)
{
	struct mp_pack *p;
	struct engine *e = start(missing_monitors, &p), *b;
	struct buf saved;
	struct diag d;

	if (!e)
		return;
	is_int(engine_next_deadline(e), INT64_MAX, "missing: no timer before the clock is known");
	feed(e, "Other", "1", "x", NULL, 0);	/* an unrelated event: the clock starts */
	is_int(nrecs, 0, "missing: the start step records nothing");
	is_int(engine_next_deadline(e), T0 + 100 * SEC,
	       "missing: start arms IntervalSeconds from the first clock, before any event");
	engine_advance(e, T0 + 100 * SEC);
	is_rec(0, "", MP_HEALTH_ERROR, CAUSE_TIMER, 100, "missing: silence from the start");
	ok(recs[0].alert, "missing: alert");
	is_int(engine_next_deadline(e), INT64_MAX, "missing: missing stays missing, no new timer");
	feed(e, "Hb", "2011", "x", NULL, 150);
	is_rec(1, "", MP_HEALTH_SUCCESS, CAUSE_EVENT, 150, "missing: the heartbeat returns");
	feed(e, "Hb", "2011", "x", NULL, 200);
	engine_advance(e, T0 + 299 * SEC);
	is_int(nrecs, 2, "missing: each heartbeat restarts the interval");
	engine_advance(e, T0 + 300 * SEC);
	is_rec(2, "", MP_HEALTH_ERROR, CAUSE_TIMER, 300, "missing: IntervalSeconds after the last");

	/* a reset clears it and the start step waits again from the reset */
	is_int(engine_reset(e, "T.Missing", NULL, NULL, T0 + 400 * SEC), 0, "missing: reset");
	is_rec(3, "", MP_HEALTH_SUCCESS, CAUSE_RESET, 400, "missing: reset to EventRaised");
	is_int(engine_next_deadline(e), T0 + 500 * SEC, "missing: the reset re-arms the wait");
	engine_advance(e, T0 + 500 * SEC);
	is_rec(4, "", MP_HEALTH_ERROR, CAUSE_TIMER, 500, "missing: still silent after the reset");

	/* with an InstanceField, each instance waits from its own last event */
	feed(e, "Hb", "2012", "h1", NULL, 600);
	feed(e, "Hb", "2012", "h2", NULL, 650);
	engine_advance(e, T0 + 700 * SEC);
	is_rec(7, "h1", MP_HEALTH_ERROR, CAUSE_TIMER, 700, "missing: h1 silent");
	is_str(recs[7].message, "[] on [h1]", "missing: the message names the instance");
	is_int(nrecs, 8, "missing: h2 still within its interval");

	/* restored instances keep their timers; start does not run again */
	diag_init(&d);
	buf_init(&saved);
	engine_save(e, &saved);
	b = engine_new(collect, NULL);
	engine_add_pack(b, p, &d);
	engine_restore(b, saved.data, saved.len, NULL);
	nrecs = 0;
	engine_advance(b, T0 + 720 * SEC);
	is_int(engine_next_deadline(b), T0 + 750 * SEC,
	       "missing: after a restore only h2's timer is pending");
	engine_advance(b, T0 + 750 * SEC);
	is_rec(0, "h2", MP_HEALTH_ERROR, CAUSE_TIMER, 750, "missing: restored h2 times out");
	is_int(nrecs, 1, "missing: T.Missing restored as missing, not restarted");
	engine_free(b);
	buf_release(&saved);
	diag_release(&d);
	stop(e, p);

	/* a fresh engine whose first call is a reset also starts the heartbeat */
	e = start(missing_monitors, &p);
	if (!e)
		return;
	engine_reset(e, "T.MissingPer", NULL, "h9", T0);
	is_int(engine_next_deadline(e), T0 + 100 * SEC,
	       "missing: a reset as the first call starts the clock (and T.Missing)");
	stop(e, p);
}

/* ---- Mpmon.CorrelatedMissingEvent2StateMonitorType ---- */

#define CORR_CONFIG \
	"<LogName>Wipe</LogName><FirstExpression>" EXPR_NUM("7001") "</FirstExpression>" \
	"<SecondExpression>" EXPR_NUM("7002") "</SecondExpression>" \
	"<CorrelationField>Params/Param[1]</CorrelationField><WindowSeconds>900</WindowSeconds>"

static const char *corr_monitors =
	MON("T.Corr", CORR, "Params/Param[1]", "Correlated", "CorrelationMissing", CORR_CONFIG)
	MON("T.CorrPer", CORR, "Params/Param[1]", "Correlated", "CorrelationMissing",
	    "<LogName>WipePer</LogName><FirstExpression>" EXPR_NUM("7001") "</FirstExpression>"
	    "<SecondExpression>" EXPR_NUM("7002") "</SecondExpression>"
	    "<CorrelationField>Params/Param[1]</CorrelationField><WindowSeconds>900</WindowSeconds>"
	    "<InstanceField>Params/Param[1]</InstanceField>");

static void test_correlated(void)
{
	struct engine_stats st;
	struct mp_pack *p;
	struct engine *e = start(corr_monitors, &p);
	char dev[16];
	int i;

	if (!e)
		return;
	feed(e, "Wipe", "7001", NULL, "dev1", 0);
	feed(e, "Wipe", "7001", NULL, "dev2", 100);
	is_int(nrecs, 0, "corr: a first event alone says nothing");
	feed(e, "Wipe", "7002", NULL, "dev1", 200);
	is_rec(0, "", MP_HEALTH_SUCCESS, CAUSE_EVENT, 200, "corr: dev1 answered");
	feed(e, "Wipe", "7001", NULL, "dev1", 300);
	is_int(engine_next_deadline(e), T0 + 1000 * SEC, "corr: timer at dev2's window end");
	engine_advance(e, T0 + 999 * SEC);
	is_int(nrecs, 1, "corr: nothing within the window");
	engine_advance(e, T0 + 1000 * SEC);
	is_rec(1, "", MP_HEALTH_ERROR, CAUSE_TIMER, 1000, "corr: dev2 unanswered for 900 s");
	feed(e, "Wipe", "7002", NULL, "dev1", 1100);
	is_int(nrecs, 2, "corr: another device's answer does not clear dev2's miss");
	feed(e, "Wipe", "7002", NULL, "dev2", 1300);
	is_rec(2, "", MP_HEALTH_SUCCESS, CAUSE_EVENT, 1300, "corr: a late answer clears it");
	feed(e, "Wipe", "7001", NULL, NULL, 1400);
	is_int(engine_next_deadline(e), INT64_MAX, "corr: an event without the field is ignored");

	/* a repeated request keeps the first one's deadline */
	feed(e, "Wipe", "7001", NULL, "dev3", 2000);
	feed(e, "Wipe", "7001", NULL, "dev3", 2500);
	engine_advance(e, T0 + 2900 * SEC);
	is_rec(3, "", MP_HEALTH_ERROR, CAUSE_TIMER, 2900, "corr: the wait runs from the first");

	/* the bound: 16 pending; dev3, missed, is forgotten first, then new ones drop */
	for (i = 0; i < 17; i++) {
		snprintf(dev, sizeof(dev), "x%d", i);
		feed(e, "Wipe", "7001", NULL, dev, 5000);
	}
	engine_get_stats(e, &st);
	is_int((int64_t)st.dropped, 2, "corr: dev3 forgotten and x16 not watched: 2 dropped");
	feed(e, "Wipe", "7002", NULL, "x16", 5100);
	is_rec(4, "", MP_HEALTH_SUCCESS, CAUSE_EVENT, 5100, "corr: no missed one is left");
	engine_advance(e, T0 + 5900 * SEC);
	is_rec(5, "", MP_HEALTH_ERROR, CAUSE_TIMER, 5900, "corr: x0..x15 all miss at once");
	is_int(nrecs, 6, "corr: one record for many misses");
	is_int(engine_reset(e, "T.Corr", NULL, NULL, T0 + 6000 * SEC), 0, "corr: reset");
	is_rec(6, "", MP_HEALTH_SUCCESS, CAUSE_RESET, 6000, "corr: reset to Correlated");
	feed(e, "Wipe", "7002", NULL, "x1", 6100);
	is_int(nrecs, 7, "corr: the reset forgot the pending table");

	/* per device */
	feed(e, "WipePer", "7001", NULL, "devA", 7000);
	feed(e, "WipePer", "7001", NULL, "devB", 7000);
	feed(e, "WipePer", "7002", NULL, "devA", 7060);
	is_rec(7, "devA", MP_HEALTH_SUCCESS, CAUSE_EVENT, 7060, "corr per device: devA");
	engine_advance(e, T0 + 7900 * SEC);
	is_rec(8, "devB", MP_HEALTH_ERROR, CAUSE_TIMER, 7900, "corr per device: devB missing");
	is_str(recs[8].message, "[devB] on []",
	       "corr per device: the InstanceField parameter names the device without an event");
	is_int(nrecs, 9, "corr per device: devA unaffected");
	stop(e, p);
}

/* ---- Mpmon.RepeatedEvent2StateMonitorType ---- */

static const char *repeat_monitors =
	MON("T.Rep", REPEAT, "EventDescription", "HealthyEventRaised", "RepeatedEventRaised",
	    "<LogName>Rep</LogName><Expression>" EXPR_NUM("50") "</Expression>"
	    "<HealthyExpression>" EXPR_NUM("51") "</HealthyExpression>"
	    "<Count>3</Count><IntervalSeconds>60</IntervalSeconds>")
	MON("T.RepPer", REPEAT, "EventDescription", "HealthyEventRaised", "RepeatedEventRaised",
	    "<LogName>RepPer</LogName><Expression>" EXPR_NUM("50") "</Expression>"
	    "<Count>2</Count><IntervalSeconds>10</IntervalSeconds>"
	    "<InstanceField>Params/Param[1]</InstanceField>");

static void test_repeated(void)
{
	struct mp_pack *p;
	struct engine *e = start(repeat_monitors, &p);

	if (!e)
		return;
	feed(e, "Rep", "50", NULL, NULL, 0);
	feed(e, "Rep", "50", NULL, NULL, 30);
	feed(e, "Rep", "50", NULL, NULL, 61);
	is_int(nrecs, 0, "repeat: 3 events spread over 61 s are not 3 within 60 s");
	feed(e, "Rep", "50", NULL, NULL, 90);
	is_rec(0, "", MP_HEALTH_ERROR, CAUSE_EVENT, 90, "repeat: 30, 61, 90 are within 60 s");
	feed(e, "Rep", "50", NULL, NULL, 100);
	is_int(engine_next_deadline(e), T0 + 160 * SEC,
	       "repeat: each event restarts the quiet wait");
	engine_advance(e, T0 + 160 * SEC);
	is_rec(1, "", MP_HEALTH_SUCCESS, CAUSE_TIMER, 160, "repeat: a quiet interval clears it");
	feed(e, "Rep", "50", NULL, NULL, 170);
	feed(e, "Rep", "50", NULL, NULL, 171);
	is_int(nrecs, 2, "repeat: events before the quiet interval no longer count");
	feed(e, "Rep", "50", NULL, NULL, 172);
	is_rec(2, "", MP_HEALTH_ERROR, CAUSE_EVENT, 172, "repeat: raised again");
	feed(e, "Rep", "51", NULL, NULL, 180);
	is_rec(3, "", MP_HEALTH_SUCCESS, CAUSE_EVENT, 180, "repeat: the healthy expression");
	is_int(engine_next_deadline(e), INT64_MAX, "repeat: no quiet wait once healthy");
	feed(e, "Rep", "50", NULL, NULL, 181);
	feed(e, "Rep", "50", NULL, NULL, 182);
	is_int(nrecs, 4, "repeat: the healthy event started the count afresh");
	feed(e, "Rep", "50", NULL, NULL, 183);
	is_rec(4, "", MP_HEALTH_ERROR, CAUSE_EVENT, 183, "repeat: 3 more");

	feed(e, "RepPer", "50", NULL, "a", 200);
	feed(e, "RepPer", "50", NULL, "b", 201);
	feed(e, "RepPer", "50", NULL, "a", 210);
	is_rec(5, "a", MP_HEALTH_ERROR, CAUSE_EVENT, 210, "repeat per instance: a twice in 10 s");
	is_int(nrecs, 6, "repeat per instance: b once");
	stop(e, p);
}

/* ---- configuration errors at their lines ---- */

static void expect_error(const char *monitors, const char *want, const char *what)
{
	struct engine *e = engine_new(NULL, NULL);
	struct mp_pack *p = NULL;
	struct diag d;
	struct buf b;
	size_t i;
	bool seen = false;

	diag_init(&d);
	buf_init(&b);
	buf_puts(&b, pack_head);
	buf_puts(&b, monitors);
	buf_puts(&b, pack_tail);
	mp_load("types.xml", b.data, b.len, &p, &d);
	if (p)
		engine_add_pack(e, p, &d);
	for (i = 0; i < d.n; i++)
		seen |= strstr(diag_format(&d.v[i], &b), want) != NULL;
	ok(seen, "%s", what);
	if (!seen) {
		tap_diag("want: %s", want);
		print_diags(&d);
	}
	engine_free(e);
	mp_pack_free(p);
	buf_release(&b);
	diag_release(&d);
}

static void test_errors(void)
{
	/* line 11: the monitor's Configuration follows its states */
	expect_error(MON("T.E", RATIO, "EventDescription", "UnderThreshold", "OverThreshold",
			 RATIO_CONFIG("60", "4", "0.5", "\n<HealthyRatio>0.6</HealthyRatio>")),
		     "types.xml:12: monitor 'T.E': 'HealthyRatio' (0.6) must not be above "
		     "'UnhealthyRatio'", "ratio: HealthyRatio above UnhealthyRatio");
	expect_error(MON("T.E", RATIO, "EventDescription", "UnderThreshold", "OverThreshold",
			 RATIO_CONFIG("60", "4", "1.5", "")),
		     "types.xml:11: monitor 'T.E': 'UnhealthyRatio' must be a ratio above 0 and "
		     "at most 1", "ratio: UnhealthyRatio above 1");
	expect_error(MON("T.E", RATIO, "EventDescription", "UnderThreshold", "OverThreshold",
			 RATIO_CONFIG("60", "4", "0.1234567", "")),
		     "'UnhealthyRatio' must be a ratio", "ratio: more than six decimals");
	expect_error(MON("T.E", RATIO, "EventDescription", "UnderThreshold", "OverThreshold",
			 RATIO_CONFIG("0", "4", "0.5", "")),
		     "'WindowSeconds' must be a whole number", "ratio: WindowSeconds 0");
	expect_error(MON("T.E", CORR, "EventDescription", "Correlated", "CorrelationMissing",
			 "<LogName>W</LogName><FirstExpression>" EXPR_NUM("1") "</FirstExpression>"
			 "<SecondExpression>" EXPR_NUM("2") "</SecondExpression>"
			 "<WindowSeconds>9</WindowSeconds>"),
		     "types.xml:11: monitor 'T.E': configuration lacks 'CorrelationField'",
		     "corr: CorrelationField is required");
	expect_error(MON("T.E", REPEAT, "EventDescription", "HealthyEventRaised",
			 "RepeatedEventRaised",
			 "<LogName>W</LogName><Expression>" EXPR_NUM("1") "</Expression>"
			 "<Count>65</Count><IntervalSeconds>9</IntervalSeconds>"),
		     "'Count' must be a whole number from 1 to 64, not '65'",
		     "repeat: Count is bounded");
	expect_error(MON("T.E", MISSING, "EventDescription", "EventRaised", "Missing",
			 "<LogName>W</LogName><Expression>" EXPR_NUM("1") "</Expression>"
			 "<IntervalSeconds>9</IntervalSeconds>"),
		     "MonitorTypeStateID 'Missing', which type "
		     "'Mpmon.MissingEvent2StateMonitorType'",
		     "missing: the states are EventRaised and EventMissing");
}

int main(void)
{
	test_ratio_thresholds();
	test_ratio_window();
	test_missing();
	test_correlated();
	test_repeated();
	test_errors();
	return tap_done();
}
