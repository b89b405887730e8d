/*
 * make bench: mpmon's JSON reader alone, the same work json-c-loop.c does: the
 * replay's line reader (lib/lines.c) and the json format's parse of each line
 * into an event (rules/format_json.c over rules/json_scan.c), no engine.
 * Prints the number of events. Compiled by bench/json.sh against libmpmon.a.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/lines.h"
#include "rules/event.h"
#include "rules/format.h"

int main(int argc, char **argv)
{
	const struct format *fmt = format_find("json");
	struct format_ctx ctx = { 0, 0 };
	long events = 0, bad = 0;
	struct lines lr;
	struct event ev;
	int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;
	char *line, err[FORMAT_ERR_LEN];
	size_t len;
	bool cut;

	if (fd < 0 || !fmt || lines_init(&lr, fd, 1 << 20) < 0) {
		fprintf(stderr, "usage: json-scan FILE\n");
		return 2;
	}
	while (lines_next(&lr, &line, &len, &cut) > 0) {
		event_reset(&ev);
		if (fmt->parse(fmt, &ctx, line, len, &ev, err) == 0)
			events++;
		else
			bad++;
	}
	lines_release(&lr);
	printf("%ld events, %ld bad\n", events, bad);
	return 0;
}
