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
			fuzz_check_event(&ev);
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
