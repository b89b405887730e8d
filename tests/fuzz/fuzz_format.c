/*
 * Fuzz target of one input format, chosen at build time with -DFUZZ_FORMAT="json"
 * (syslog, kv, applelog, or regex with the fixed pattern below). The input is
 * split into lines as the replay and the collector split a log; each line is
 * parsed from a buffer of its exact size, so reading one byte past it is caught.
 * Properties: the result is 0, -EINVAL with a message or -ENOENT; the event
 * written as JSON (as the replay writes fields) is valid UTF-8 JSON, and no
 * field reads outside the line (ASan: the line's buffer has its exact size).
 */
#include "tests/fuzz/fuzz.h"

#include "lib/buf.h"
#include "lib/json.h"
#include "rules/event.h"
#include "rules/format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT=\"json\" (or syslog, kv, applelog, regex)"
#endif

/* The pattern of the tests/data/regex-enrollment fixture. */
#define FUZZ_PATTERN "^(?<TimeGenerated>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) " \
	"(?<LoggingComputer>\\S+) \\[(?<PublisherName>[^\\]]+)\\] " \
	"(?<EventDisplayNumber>\\d+) (?<Severity>\\w+): (?<EventDescription>.*)$"

static const struct format *fmt;
static struct format *configured;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[FORMAT_ERR_LEN];

	(void)argc;
	(void)argv;
	fmt = format_find(FUZZ_FORMAT);
	FUZZ_CHECK(fmt != NULL, "the format exists");
	if (fmt->needs_pattern) {
		FUZZ_CHECK(format_regex_new(FUZZ_PATTERN, strlen(FUZZ_PATTERN), &configured, err) == 0,
			   "the fixed pattern compiles");
		fmt = configured;
	}
	return 0;
}

/* Write every field as the replay would: a slice past the line shows under ASan. */
static void check_event(const struct event *ev)
{
	struct buf b;
	bool first = true;
	unsigned i;

	FUZZ_CHECK(ev->nparams <= EVENT_MAX_PARAMS && ev->nfields <= EVENT_MAX_FIELDS,
		   "counts within the event's bounds");
	FUZZ_CHECK(ev->names_len <= sizeof(ev->names), "names within their buffer");
	buf_init(&b);
	buf_putc(&b, '{');
	for (i = 0; i < EVENT_NSLOTS; i++) {
		if (ev->slot[i].p)
			json_member_str(&b, &first, event_slot_name(i), ev->slot[i].p,
					ev->slot[i].len);
	}
	json_key(&b, &first, "Params");
	buf_putc(&b, '[');
	for (i = 0; i < ev->nparams; i++) {
		if (i)
			buf_putc(&b, ',');
		json_string(&b, ev->params[i].p, ev->params[i].len);
	}
	buf_putc(&b, ']');
	for (i = 0; i < ev->nfields; i++) {
		const struct event_field *f = &ev->fields[i];

		buf_putc(&b, ',');
		json_string(&b, f->name.p, f->name.len);
		buf_putc(&b, ':');
		json_string(&b, f->value.p, f->value.len);
	}
	buf_putc(&b, '}');
	FUZZ_CHECK(b.data && fuzz_json_valid(b.data, b.len), "the event as JSON is valid UTF-8 JSON");
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct format_ctx ctx = { 1795651200000000LL /* 2026-11-20 */, 3600 };
	const char *p = (const char *)data, *end = p + size;

	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char err[FORMAT_ERR_LEN];
		char *line = malloc(len ? len : 1);
		struct event ev;
		int r;

		if (!line)
			return 0;
		memcpy(line, p, len);
		event_reset(&ev);
		memset(err, 0x55, sizeof(err));
		err[0] = '\0';
		r = fmt->parse(fmt, &ctx, line, len, &ev, err);
		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOENT, "parse returns 0, -EINVAL or -ENOENT");
		if (r == -EINVAL)
			FUZZ_CHECK(err[0] && memchr(err, '\0', sizeof(err)), "a bad line has a message");
		if (r == 0)
			check_event(&ev);
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
