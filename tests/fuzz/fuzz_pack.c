/*
 * Fuzz target: the pack loader and the engine set-up on its result. The input is
 * a pack document; whatever mp_load accepts goes through engine_add_pack (every
 * monitor enabled, roll-up on), then a few fixed events and a timer sweep, so
 * that configurations the loader let through are also run. Properties: no crash,
 * no leak, and every problem reported has a message.
 */
#include "tests/fuzz/fuzz.h"

#include "lib/diag.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "rules/event.h"

#include <stdlib.h>
#include <string.h>

static void feed(struct engine *e, int64_t t, const char *number, const char *log,
		 const char *param)
{
	struct event ev;

	event_reset(&ev);
	event_set(&ev, "EventDisplayNumber", strlen("EventDisplayNumber"), str_of(number));
	event_set(&ev, "LogName", strlen("LogName"), str_of(log));
	event_set(&ev, "EventDescription", strlen("EventDescription"), str_of(param));
	event_add_param(&ev, str_of(param));
	ev.time = t;
	ev.has_time = true;
	engine_feed(e, &ev, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const logs[] = { "Application", "System", "syslog", "journal" };
	struct mp_pack *p = NULL;
	struct engine *e;
	struct diag d;
	size_t i;
	int r;

	diag_init(&d);
	r = mp_load("fuzz.xml", data, size, &p, &d);
	FUZZ_CHECK(r == 0 || r == -22 || r == -12, "mp_load returns 0, -EINVAL or -ENOMEM");
	FUZZ_CHECK((r == 0) == (p != NULL), "a pack exactly when mp_load returns 0");
	FUZZ_CHECK(r == 0 || d.errors > 0, "a refused pack says why");
	if (p) {
		e = engine_new(NULL, NULL);
		if (e) {
			engine_enable_all(e);
			engine_enable_rollup(e);
			engine_add_pack(e, p, &d);
			for (i = 0; i < 8; i++)
				feed(e, 1000000 * (int64_t)(i * 97), i % 2 ? "1000" : "2",
				     logs[i % 4], i % 3 ? "host-a" : "");
			engine_advance(e, 1000000 * (int64_t)(8 * 97 + 2 * 86400));	/* two days of timers */
			engine_free(e);
		}
	}
	for (i = 0; i < d.n; i++)
		FUZZ_CHECK(d.v[i].message && d.v[i].line >= 0, "a diagnostic has a message and a line");
	mp_pack_free(p);
	diag_release(&d);
	return 0;
}
