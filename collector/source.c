/*
 * The table of source types and what they share: construction by type name,
 * logging through the collector's logger, the monotonic clock.
 */
#include "collector/source.h"

#include "collector/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const struct {
	const char *type;
	int (*make)(struct source *s);
} source_types[] = {
	{ "file", source_file_new },
	{ "journal", source_journal_new },
};

static void default_logger(int priority, const char *msg)
{
	(void)priority;
	fprintf(stderr, "mpmond: %s\n", msg);
}

void (*source_logger)(int priority, const char *msg) = default_logger;

int source_new(const struct config_source *conf, const struct source_handler *h,
	       struct source **out)
{
	struct source *s;
	size_t i;
	int r;

	for (i = 0; i < sizeof(source_types) / sizeof(source_types[0]); i++)
		if (strcmp(source_types[i].type, conf->type) == 0)
			break;
	if (i == sizeof(source_types) / sizeof(source_types[0]))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = strdup(conf->name);
	s->conf = conf;
	s->fd = -1;
	s->h = *h;
	if (!s->name) {
		free(s);
		return -ENOMEM;
	}
	r = source_types[i].make(s);
	if (r < 0) {
		source_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void source_free(struct source *s)
{
	if (!s)
		return;
	if (s->ops && s->impl)
		s->ops->free(s);
	free(s->name);
	free(s);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool source_same_input(const struct config_source *a, const struct config_source *b)
{
	size_t i;

	if (!same_str(a->name, b->name) || !same_str(a->type, b->type) ||
	    !same_str(a->path, b->path) || a->nmatches != b->nmatches)
		return false;
	for (i = 0; i < a->nmatches; i++)
		if (!same_str(a->matches[i], b->matches[i]))
			return false;
	return true;
}

void source_log(const struct source *s, int priority, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "source %s: ", s->name);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	source_logger(priority, msg);
}

int64_t source_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
