/*
 * The INI configuration of mpmond, parsed with inih (Debian's libinih): a small,
 * well-tested parser is safer than another hand-written one, and INI is what
 * administrators expect for a daemon of this size. inih does not report line
 * numbers to the handler in Debian's build, so a counting reader feeds it and
 * every message names the line it concerns.
 */
#include "collector/config.h"

#include "lib/diag.h"
#include "rules/format.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	struct config *c;
	struct diag *d;
	FILE *f;
	long line;
	long section_line;		/* where the last [section] header was */
	struct config_source *cur;	/* the [source NAME] being read */
	bool in_source;
};

static char *counting_reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->f);

	if (r) {
		p->line++;
		if (r[strspn(r, " \t")] == '[')
			p->section_line = p->line;
	}
	return r;
}

static bool parse_uint(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (!*v || *v == '-')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return false;
	*out = n;
	return true;
}

static int set_str(char **slot, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*slot);
	*slot = s;
	return 0;
}

static int main_key(struct parse *p, const char *name, const char *value)
{
	struct config *c = p->c;
	uint64_t n;

	if (strcmp(name, "state_dir") == 0)
		return set_str(&c->state_dir, value);
	if (strcmp(name, "checkpoint_interval_ms") == 0) {
		if (!parse_uint(value, 3600000, &n))
			diag_error(p->d, c->file, p->line, "checkpoint_interval_ms takes 0 to 3600000, not '%s'", value);
		else
			c->checkpoint_us = (int64_t)n * 1000;
		return 0;
	}
	if (strcmp(name, "clock") == 0) {
		if (strcmp(value, "wall") && strcmp(value, "event"))
			diag_error(p->d, c->file, p->line, "clock takes wall or event, not '%s'", value);
		c->clock_event = strcmp(value, "event") == 0;
		return 0;
	}
	if (strcmp(name, "run_all") == 0) {
		if (strcmp(value, "true") && strcmp(value, "false"))
			diag_error(p->d, c->file, p->line, "run_all takes true or false, not '%s'", value);
		c->run_all = strcmp(value, "true") == 0;
		return 0;
	}
	diag_error(p->d, c->file, p->line, "unknown key '%s' in [mpmond]", name);
	return 0;
}

static int source_key(struct parse *p, const char *name, const char *value)
{
	struct config_source *s = p->cur;
	const char *file = p->c->file;
	uint64_t n;

	if (strcmp(name, "type") == 0) {
		if (strcmp(value, "file") && strcmp(value, "journal"))
			diag_error(p->d, file, p->line, "source type takes file or journal, not '%s'", value);
		return set_str(&s->type, value);
	}
	if (strcmp(name, "path") == 0) {
		s->path_line = p->line;
		return set_str(&s->path, value);
	}
	if (strcmp(name, "format") == 0) {
		if (!format_find(value))
			diag_error(p->d, file, p->line, "unknown format '%s' (formats: %s)", value,
				   format_names());
		return set_str(&s->format, value);
	}
	if (strcmp(name, "pattern") == 0) {
		char err[FORMAT_ERR_LEN];
		struct format *f = NULL;

		if (format_regex_new(value, strlen(value), &f, err) == -EINVAL)
			diag_error(p->d, file, p->line, "pattern: %s", err);
		format_free(f);
		return set_str(&s->pattern, value);
	}
	if (strcmp(name, "log_name") == 0)
		return set_str(&s->log_name, value);
	if (strcmp(name, "match") == 0) {
		if (!strchr(value, '=') || value[0] == '=') {
			diag_error(p->d, file, p->line, "match takes FIELD=value, not '%s'", value);
			return 0;
		}
		if (s->nmatches == CONFIG_MAX_MATCHES) {
			diag_error(p->d, file, p->line, "more than %d matches", CONFIG_MAX_MATCHES);
			return 0;
		}
		s->matches[s->nmatches] = strdup(value);
		return s->matches[s->nmatches++] ? 0 : -ENOMEM;
	}
	if (strcmp(name, "start") == 0) {
		if (strcmp(value, "end") && strcmp(value, "beginning"))
			diag_error(p->d, file, p->line, "start takes end or beginning, not '%s'", value);
		s->start = strcmp(value, "beginning") == 0 ? START_BEGINNING : START_END;
		return 0;
	}
	if (strcmp(name, "max_line") == 0) {
		if (!parse_uint(value, 16u << 20, &n) || n < 64)
			diag_error(p->d, file, p->line, "max_line takes 64 to 16777216 bytes, not '%s'", value);
		else
			s->max_line = n;
		return 0;
	}
	if (strcmp(name, "rotate_wait_ms") == 0) {
		if (!parse_uint(value, 3600000, &n))
			diag_error(p->d, file, p->line, "rotate_wait_ms takes 0 to 3600000, not '%s'", value);
		else
			s->rotate_wait_us = (int64_t)n * 1000;
		return 0;
	}
	diag_error(p->d, file, p->line, "unknown key '%s' in [source %s]", name, s->name);
	return 0;
}

static int begin_source(struct parse *p, const char *name)
{
	struct config *c = p->c;
	struct config_source *s;
	size_t i;

	for (i = 0; i < c->nsources; i++)
		if (strcmp(c->sources[i].name, name) == 0) {
			diag_error(p->d, c->file, p->line, "source '%s' defined twice (first at line %ld)",
				   name, c->sources[i].line);
			break;
		}
	if (c->nsources == CONFIG_MAX_SOURCES) {
		diag_error(p->d, c->file, p->line, "more than %d sources", CONFIG_MAX_SOURCES);
		p->cur = NULL;
		return 0;
	}
	s = &c->sources[c->nsources++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->max_line = CONFIG_DEFAULT_MAX_LINE;
	s->rotate_wait_us = 5000000;
	s->line = p->section_line;
	p->cur = s;
	return s->name ? 0 : -ENOMEM;
}

/*
 * inih calls this once per key with its section; Debian's build does not call
 * it for a section header alone, so a new [source NAME] is recognised by the
 * section name changing.
 */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *file = p->c->file;
	int r = 0;

	if (strncmp(section, "source ", 7) == 0) {
		const char *n = section + 7;

		if (!p->in_source || !p->cur || strcmp(p->cur->name, n) != 0) {
			if (!*n || strpbrk(n, " \t\n")) {
				diag_error(p->d, file, p->line, "source name '%s' must be one word", n);
				p->cur = NULL;
			} else {
				r = begin_source(p, n);
			}
			p->in_source = true;
		}
		if (p->cur && name)
			r = r ? r : source_key(p, name, value);
		return r == 0;
	}
	p->in_source = false;
	if (!name)
		return 1;
	if (strcmp(section, "mpmond") == 0)
		r = main_key(p, name, value);
	else if (strcmp(section, "packs") == 0 && strcmp(name, "path") == 0) {
		if (p->c->npacks == CONFIG_MAX_PACKS)
			diag_error(p->d, file, p->line, "more than %d packs", CONFIG_MAX_PACKS);
		else if (!(p->c->packs[p->c->npacks++] = strdup(value)))
			r = -ENOMEM;
	} else if (strcmp(section, "packs") == 0)
		diag_error(p->d, file, p->line, "unknown key '%s' in [packs] (path = FILE or FOLDER)", name);
	else
		diag_error(p->d, file, p->line, "unknown section [%s]", section);
	return r == 0;
}

static void check_sources(struct config *c, struct diag *d)
{
	size_t i;

	for (i = 0; i < c->nsources; i++) {
		struct config_source *s = &c->sources[i];

		if (!s->type) {
			diag_error(d, c->file, s->line, "source '%s' has no type (file or journal)", s->name);
			continue;
		}
		if (strcmp(s->type, "file") == 0) {
			if (!s->path || !*s->path)
				diag_error(d, c->file, s->line, "file source '%s' has no path", s->name);
			else if (s->path[0] != '/')
				diag_error(d, c->file, s->path_line, "path of source '%s' must be absolute", s->name);
			else if (strpbrk(s->path, "*?[") && strpbrk(s->path, "*?[") < strrchr(s->path, '/'))
				diag_error(d, c->file, s->path_line,
					   "source '%s': wildcards only in the file name, not in folders", s->name);
			if (!s->format && !(s->format = strdup(s->pattern ? "regex" : "json")))
				diag_error(d, c->file, s->line, "out of memory");
			if (s->format && strcmp(s->format, "regex") == 0 && !s->pattern)
				diag_error(d, c->file, s->line,
					   "source '%s': format regex needs a pattern", s->name);
			if (s->pattern && s->format && strcmp(s->format, "regex") != 0)
				diag_error(d, c->file, s->line,
					   "source '%s': pattern is for format regex only", s->name);
			if (s->nmatches)
				diag_error(d, c->file, s->line, "match is for journal sources only");
		} else if (strcmp(s->type, "journal") == 0) {
			if (s->format)
				diag_error(d, c->file, s->line, "format is for file sources only");
			/* the shipped journal packs (Linux essentials, MDM server) read this log */
			if (!s->log_name && !(s->log_name = strdup("journal")))
				diag_error(d, c->file, s->line, "out of memory");
		}
	}
}

int config_load(const char *path, struct config *c, struct diag *d)
{
	struct parse p = { .c = c, .d = d };
	size_t errors = d->errors;
	int r;

	memset(c, 0, sizeof(*c));
	c->checkpoint_us = 200000;
	c->file = strdup(path);
	if (!c->file)
		return -ENOMEM;
	p.f = fopen(path, "re");
	if (!p.f) {
		r = -errno;
		diag_error(d, path, 0, "cannot read config: %s", strerror(-r));
		return r;
	}
	r = ini_parse_stream(counting_reader, &p, handler, &p);
	fclose(p.f);
	if (r > 0)
		diag_error(d, path, r, "syntax error (expected [section] or key = value)");
	else if (r < 0)
		diag_error(d, path, 0, "out of memory");
	if (!c->state_dir)
		diag_error(d, path, 0, "no state_dir in [mpmond]");
	if (!c->npacks)
		diag_error(d, path, 0, "no packs: add [packs] path = FILE or FOLDER");
	check_sources(c, d);
	return d->errors > errors ? -EINVAL : 0;
}

void config_release(struct config *c)
{
	size_t i, j;

	free(c->file);
	free(c->state_dir);
	for (i = 0; i < c->npacks; i++)
		free(c->packs[i]);
	for (i = 0; i < c->nsources; i++) {
		struct config_source *s = &c->sources[i];

		free(s->name);
		free(s->type);
		free(s->path);
		free(s->format);
		free(s->pattern);
		free(s->log_name);
		for (j = 0; j < s->nmatches; j++)
			free(s->matches[j]);
	}
	memset(c, 0, sizeof(*c));
}
