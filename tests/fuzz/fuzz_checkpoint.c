/*
 * Fuzz target: the checkpoint reader. engine_restore runs on an engine with the
 * test packs of every monitor type. A checkpoint ends in a checksum line that a
 * mutation would almost never get right, so the target writes it: the input's
 * last "end ..." line is replaced by the right one and the parser behind the
 * checksum is what gets fuzzed. An input that starts with "R" is given as is
 * (after the "R"), to fuzz the framing and the checksum check too.
 * Properties: a refused checkpoint leaves the engine as it was (its own
 * checkpoint is the same before and after); a restored engine runs events and
 * timers and saves a checkpoint that restores again.
 */
#include "tests/fuzz/fuzz.h"

#include "lib/buf.h"
#include "lib/str.h"
#include "monitors/engine.h"
#include "rules/event.h"
#include "rules/format.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char events[] =
	"{\"TimeGenerated\":\"2026-11-20T08:00:00Z\",\"EventDisplayNumber\":1000,\"LogName\":\"Application\",\"PublisherName\":\"Contoso\",\"Params\":[\"a\",\"b\"]}\n"
	"{\"TimeGenerated\":\"2026-11-20T08:00:10Z\",\"EventDisplayNumber\":1001,\"LogName\":\"Application\",\"PublisherName\":\"Contoso\",\"Params\":[\"a\",\"b\"]}\n"
	"{\"TimeGenerated\":\"2026-11-20T09:00:00Z\",\"EventDisplayNumber\":2,\"LogName\":\"System\",\"Params\":[\"x\"]}\n";

/* The checkpoint text to restore: data with its checksum line made right. */
static int frame(const uint8_t *data, size_t size, struct buf *out)
{
	const char *s = (const char *)data, *last;
	size_t n = size;

	if (n && s[0] == 'R')
		return buf_append(out, s + 1, n - 1);
	if (n && s[n - 1] == '\n')
		n--;
	last = memrchr(s, '\n', n);
	last = last ? last + 1 : s;
	if ((size_t)(s + n - last) >= 4 && memcmp(last, "end ", 4) == 0)
		n = (size_t)(last - s);
	if (buf_append(out, s, n) < 0 || (n && s[n - 1] != '\n' && buf_putc(out, '\n') < 0))
		return -ENOMEM;
	return buf_printf(out, "end %016" PRIx64 "\n",
			  str_hash((struct str){ out->data ? out->data : "", out->len }));
}

#define DAY (86400 * (int64_t)1000000)

/* The engine's clock, read from its checkpoint. */
static int64_t clock_of(const struct engine *e)
{
	struct buf b;
	const char *p;
	long long now = 0;

	buf_init(&b);
	if (engine_save(e, &b) == 0 && (p = strstr(b.data, "\nnow ")))
		now = strtoll(p + 5, NULL, 10);
	buf_release(&b);
	return now > INT64_MIN / 2 && now < INT64_MAX / 2 ? now : 0;
}

/*
 * Feed the fixtures' events, one second apart from now on (their own times
 * would be far from a fuzzed clock), so every monitor type's restored state
 * meets events of its own.
 */
static void feed_at(struct engine *e, int64_t now)
{
	struct format_ctx ctx = { 0, 0 };
	char line[4096], err[FORMAT_ERR_LEN];
	size_t n;
	const char *p = fuzz_fixture_events(&n), *end = p + n, *nl;
	struct event ev;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		if ((size_t)(nl - p) >= sizeof(line))
			continue;
		memcpy(line, p, (size_t)(nl - p));
		event_reset(&ev);
		if (format_json.parse(&format_json, &ctx, line, (size_t)(nl - p), &ev, err) == 0)
			engine_feed(e, &ev, now);
		if (now < INT64_MAX - 1000000)
			now += 1000000;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text, before, after;
	struct engine *e, *f;
	size_t skipped = 0;
	int64_t deadline;
	int r;

	buf_init(&text);
	buf_init(&before);
	buf_init(&after);
	e = fuzz_test_engine(NULL, NULL);
	if (!e || frame(data, size, &text) < 0)
		goto out;
	fuzz_feed_json(e, events, (size_t)(strchr(events, '\n') - events));	/* some state to keep */
	FUZZ_CHECK(engine_save(e, &before) == 0, "save before");
	r = engine_restore(e, text.data ? text.data : "", text.len, &skipped);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "restore returns 0, -EINVAL or -ENOMEM");
	if (r < 0) {
		FUZZ_CHECK(engine_save(e, &after) == 0, "save after");
		FUZZ_CHECK(before.len == after.len && memcmp(before.data, after.data, before.len) == 0,
			   "a refused checkpoint leaves the engine unchanged");
		goto out;
	}
	/*
	 * Run on as a restarted collector does: the checkpoint restored into a
	 * fresh engine. (In the engine fed above, a fuzzed clock decades past
	 * its running timers makes them step through every period between:
	 * linear in the jump, see the report of issue 9.)
	 */
	engine_free(e);
	e = fuzz_test_engine(NULL, NULL);
	if (!e)
		goto out;
	FUZZ_CHECK(engine_restore(e, text.data ? text.data : "", text.len, NULL) == 0,
		   "a checkpoint one engine took restores into a fresh one");
	/* a day of timers after the restored ones, then events on that clock */
	deadline = engine_next_deadline(e);
	if (deadline < INT64_MAX - DAY)
		engine_advance(e, deadline + DAY);
	feed_at(e, clock_of(e) + 1000000);
	FUZZ_CHECK(engine_save(e, &after) == 0, "save after");
	f = fuzz_test_engine(NULL, NULL);
	if (f) {
		FUZZ_CHECK(engine_restore(f, after.data, after.len, NULL) == 0,
			   "what the engine saves restores");
		engine_free(f);
	}
out:
	engine_free(e);
	buf_release(&text);
	buf_release(&before);
	buf_release(&after);
	return 0;
}
