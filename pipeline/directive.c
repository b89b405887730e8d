/*
 * Replay's directives (see directive.h): most events have no named field at
 * all, so an ordinary event costs one test.
 */
#include "pipeline/directive.h"

#include "monitors/engine.h"
#include "rules/event.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * The value of a named field of ev as a C string in out: 1, or 0 when absent
 * (out is then ""), -ENAMETOOLONG when it does not fit.
 */
static int field_text(const struct event *ev, const char *name, char *out, size_t size)
{
	struct field_ref ref;
	struct str v;

	out[0] = '\0';
	if (field_ref_parse(name, strlen(name), &ref) < 0)
		return 0;
	v = event_get(ev, &ref);
	if (!v.p)
		return 0;
	if (v.len >= size)
		return -ENAMETOOLONG;
	memcpy(out, v.p, v.len);
	out[v.len] = '\0';
	return 1;
}

int directive_run(struct engine *e, const struct event *ev, int64_t now, char err[FORMAT_ERR_LEN])
{
	static const struct field_ref ref = { FIELD_NAMED, 0, { "mpmon", 5 } };
	char what[16], monitor[512], computer[512], instance[512];
	int r;

	/* most events have no named field at all: no lookup then */
	if (!ev->nfields || !event_get(ev, &ref).p)
		return 0;
	if (field_text(ev, "mpmon", what, sizeof(what)) < 0 || strcmp(what, "reset") != 0) {
		snprintf(err, FORMAT_ERR_LEN, "unknown \"mpmon\" action (only \"reset\" is known)");
		return -EINVAL;
	}
	if (field_text(ev, "monitor", monitor, sizeof(monitor)) < 0 ||
	    field_text(ev, "computer", computer, sizeof(computer)) < 0 ||
	    field_text(ev, "instance", instance, sizeof(instance)) < 0) {
		snprintf(err, FORMAT_ERR_LEN, "reset: \"monitor\", \"computer\" or \"instance\" longer than "
			 "%zu bytes", sizeof(monitor) - 1);
		return -EINVAL;
	}
	if (!*monitor) {
		snprintf(err, FORMAT_ERR_LEN, "reset names no \"monitor\"");
		return -EINVAL;
	}
	r = engine_reset(e, monitor, computer, instance, now);
	if (r == -ENOENT) {
		snprintf(err, FORMAT_ERR_LEN, "reset names unknown monitor '%.80s' (not in the "
			 "packs, or not running)", monitor);
		return -EINVAL;
	}
	return r < 0 ? r : 1;
}
