/*
 * A journal datum as event fields: see journal_field.h. No sd-journal here,
 * and nothing allocated: the event borrows the datum.
 */
#include "collector/journal_field.h"

#include "rules/event.h"

#include <errno.h>
#include <string.h>

#define FIELD_NAME_MAX 64	/* journald's limit */

static const char *const scom_level[8] = { "1", "1", "1", "2", "3", "4", "4", "5" };

/* As journald's journal_field_valid, protected names (leading '_') allowed. */
static bool journal_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > FIELD_NAME_MAX || (p[0] >= '0' && p[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

int journal_field_event(struct event *ev, const void *data, size_t len)
{
	const char *p = data, *eq = memchr(p, '=', len);
	struct str v;
	size_t n;
	int r;

	if (!eq || !journal_name(p, (size_t)(eq - p)))
		return -EINVAL;
	n = (size_t)(eq - p);
	v.p = eq + 1;
	v.len = len - n - 1;
	r = event_set(ev, p, n, v);	/* -ENOSPC: more fields than an event holds */
	if (n == 7 && memcmp(p, "MESSAGE", 7) == 0)
		event_set(ev, "EventDescription", 16, v);
	else if (n == 17 && memcmp(p, "SYSLOG_IDENTIFIER", 17) == 0)
		event_set(ev, "PublisherName", 13, v);
	else if (n == 9 && memcmp(p, "_HOSTNAME", 9) == 0)
		event_set(ev, "LoggingComputer", 15, v);
	else if (n == 8 && memcmp(p, "PRIORITY", 8) == 0 && v.len == 1 && v.p[0] >= '0' &&
		 v.p[0] <= '7')
		event_set(ev, "EventLevel", 10, str_of(scom_level[v.p[0] - '0']));
	return r;
}
