/*
 * Fuzz target: journal entries as events (collector/journal_field.c, the
 * mapping collector/journal.c applies to each datum sd-journal returns). The
 * input is an entry, one FIELD=value datum per line, each given to the mapping
 * from a buffer of its exact size; the event then goes, as mpmond's journal
 * source sends it, through the shipped packs of mp-xml/packs.
 * Properties: a datum is skipped (-EINVAL) exactly when it has no '=' or its
 * name is not a journal field name; the event's fields are the datums' (the
 * last of a name wins), borrowed, not copied; EventDescription, PublisherName
 * and LoggingComputer are the last MESSAGE, SYSLOG_IDENTIFIER and _HOSTNAME,
 * EventLevel SCOM's level of the last PRIORITY that is 0 to 7, and no other
 * SCOM name (LogName, EventDisplayNumber, TimeGenerated, Params) is set by
 * the journal's data; the event written as JSON is valid UTF-8 JSON.
 */
#include "tests/fuzz/fuzz.h"

#include "collector/journal_field.h"
#include "lib/iso8601.h"
#include "monitors/engine.h"
#include "rules/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DATUMS 512

static struct engine *engine;
static int64_t now = 1795651200000000LL;	/* 2026-11-20, a second more per input */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	engine = fuzz_shipped_engine();
	FUZZ_CHECK(engine != NULL, "an engine with the shipped packs");
	return 0;
}

/* The test's own reading of journald's rule for field names. */
static bool valid_name(const char *p, size_t n)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
	size_t i;

	if (n < 1 || n > 64 || strchr("0123456789", p[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!p[i] || !strchr(ok, p[i]))
			return false;
	return true;
}

struct datum {
	char *p;
	size_t len, name_len;	/* name_len 0: skipped */
};

/* The value of the last valid datum named name, or an absent str. */
static struct str last_value(const struct datum *d, size_t n, const char *name)
{
	struct str v = { NULL, 0 };
	size_t i, nl = strlen(name);

	for (i = 0; i < n; i++)
		if (d[i].name_len == nl && memcmp(d[i].p, name, nl) == 0)
			v = (struct str){ d[i].p + nl + 1, d[i].len - nl - 1 };
	return v;
}

static bool same(struct str a, struct str b)
{
	return a.p == b.p && a.len == b.len;
}

static void check_mapping(const struct event *ev, const struct datum *d, size_t n)
{
	static const struct { const char *name; enum event_slot slot; } direct[] = {
		{ "MESSAGE", EVENT_DESCRIPTION },
		{ "SYSLOG_IDENTIFIER", EVENT_PUBLISHER },
		{ "_HOSTNAME", EVENT_COMPUTER },
	};
	static const char levels[] = "11123445";
	const char *level = NULL;
	size_t i, k, names = 0;

	for (i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		FUZZ_CHECK(same(ev->slot[direct[i].slot], last_value(d, n, direct[i].name)),
			   "a well-known field's SCOM name holds its last value, borrowed");
	for (i = 0; i < n; i++)
		if (d[i].name_len == 8 && memcmp(d[i].p, "PRIORITY", 8) == 0 && d[i].len == 10 &&
		    d[i].p[9] >= '0' && d[i].p[9] <= '7')
			level = &levels[d[i].p[9] - '0'];
	FUZZ_CHECK(level ? ev->slot[EVENT_LEVEL].len == 1 && ev->slot[EVENT_LEVEL].p[0] == *level
			 : ev->slot[EVENT_LEVEL].p == NULL,
		   "EventLevel is SCOM's level of the last PRIORITY 0 to 7");
	FUZZ_CHECK(!ev->slot[EVENT_LOG].p && !ev->slot[EVENT_NUMBER].p && !ev->slot[EVENT_TIME].p &&
			   !ev->nparams && !ev->has_time && !ev->has_number,
		   "no other SCOM name comes from the journal's data");
	for (i = 0; i < ev->nfields; i++)
		FUZZ_CHECK(valid_name(ev->fields[i].name.p, ev->fields[i].name.len),
			   "every field has a journal field name");
	/* Each name, the last time it occurs, is a field with that value (when there was room). */
	for (i = 0; i < n; i++) {
		const struct event_field *f = NULL;
		bool later = false;

		if (!d[i].name_len)
			continue;
		for (k = i + 1; k < n && !later; k++)
			later = d[k].name_len == d[i].name_len && !memcmp(d[k].p, d[i].p, d[i].name_len);
		if (later)
			continue;
		names++;
		for (k = 0; k < ev->nfields && !f; k++)
			if (ev->fields[k].name.len == d[i].name_len &&
			    !memcmp(ev->fields[k].name.p, d[i].p, d[i].name_len))
				f = &ev->fields[k];
		FUZZ_CHECK(f ? same(f->value, (struct str){ d[i].p + d[i].name_len + 1,
							 d[i].len - d[i].name_len - 1 })
			     : ev->nfields == EVENT_MAX_FIELDS,
			   "every journal field is a field of its name with its last value");
	}
	FUZZ_CHECK(ev->nfields == (names < EVENT_MAX_FIELDS ? names : EVENT_MAX_FIELDS),
		   "one field per distinct name, up to the event's bound");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	static struct datum d[MAX_DATUMS];
	char tbuf[ISO8601_LEN];
	struct event ev;
	size_t n = 0, i;

	event_reset(&ev);
	while (p < end && n < MAX_DATUMS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		const char *eq = memchr(p, '=', len);
		int r;

		d[n].p = malloc(len ? len : 1);
		if (!d[n].p)
			break;
		memcpy(d[n].p, p, len);
		d[n].len = len;
		d[n].name_len = eq && valid_name(p, (size_t)(eq - p)) ? (size_t)(eq - p) : 0;
		r = journal_field_event(&ev, d[n].p, len);
		FUZZ_CHECK(d[n].name_len ? r == 0 || r == -ENOSPC : r == -EINVAL,
			   "a datum is skipped exactly when it is not FIELD=value with a journal name");
		n++;
		p = nl ? nl + 1 : end;
	}
	check_mapping(&ev, d, n);
	fuzz_check_event(&ev);
	/* What the journal source and mpmond add before the engine sees it. */
	now += 1000000;
	iso8601_format(now, tbuf);
	event_set(&ev, "TimeGenerated", 13, str_of(tbuf));
	ev.time = now;
	ev.has_time = true;
	event_set(&ev, "LogName", 7, str_of("journal"));
	FUZZ_CHECK(engine_feed(engine, &ev, now) == 0, "the engine takes the event");
	for (i = 0; i < n; i++)
		free(d[i].p);
	return 0;
}
