/*
 * The INI configuration of mpmond, parsed with inih (Debian's libinih): a small,
 * well-tested parser is safer than another hand-written one, and INI is what
 * administrators expect for a daemon of this size. inih does not report line
 * numbers to the handler in Debian's build, so a counting reader feeds it and
 * every message names the line it concerns. The reader also stands between
 * inih's fixed line buffer (200 bytes in Debian's build) and the file: a longer
 * line is an error of its own, not a tail inih would read as another line, and
 * a long value is written on continuation lines, whose pieces are joined here
 * before the key is checked.
 */
#include "collector/config.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "rules/format.h"

#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * The key being read: inih hands a value continued on the lines after it that
 * begin with a blank as the same key again, once per line. The pieces are
 * joined here and the key is checked once, whole, when the next line that is
 * not a continuation (or the end) shows it complete.
 */
struct pending {
	char *section, *name;	/* owned; NULL: no key pending */
	struct buf value;
	long line;		/* where the key starts: messages name it */
	bool cut;		/* a line of it was over inih's limit: already an error */
};

struct parse {
	struct config *c;
	struct diag *d;
	FILE *f;
	long line;
	long section_line;		/* where the last [section] header was */
	struct config_source *cur;	/* the [source NAME] being read */
	bool in_source;
	struct config_sink *sink;	/* the [sink NAME] being read; NULL: a bad one */
	long sink_line;			/* the header line of that section */
	struct pending key;
	bool cont;			/* the line inih has is a continuation of key */
	bool cut;			/* the line inih has was over its limit */
	bool oom;
};

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

static int parse_bool(struct parse *p, const char *key, const char *value, bool *out)
{
	if (strcmp(value, "true") && strcmp(value, "false")) {
		diag_error(p->d, p->c->file, p->line, "%s takes true or false, not '%s'", key, value);
		return 0;
	}
	*out = strcmp(value, "true") == 0;
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
	if (strcmp(name, "rollup") == 0) {
		bool on = true;
		int r = parse_bool(p, name, value, &on);

		c->no_rollup = !on;
		return r;
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
	if (strcmp(name, "computer") == 0) {
		if (!*value || strlen(value) > 255)
			diag_error(p->d, file, p->line, "computer takes a name of 1 to 255 bytes");
		return set_str(&s->computer, value);
	}
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


/* A key taking lo..hi: 0 when parsed or reported (the value stays). */
static bool parse_range(struct parse *p, const char *key, const char *value, uint64_t lo,
			uint64_t hi, const char *unit, uint64_t *out)
{
	uint64_t n;

	if (!parse_uint(value, hi, &n) || n < lo) {
		diag_error(p->d, p->c->file, p->line, "%s takes %llu to %llu%s, not '%s'", key,
			   (unsigned long long)lo, (unsigned long long)hi, unit, value);
		return false;
	}
	*out = n;
	return true;
}

static int snmp_key(struct parse *p, const char *name, const char *value)
{
	struct config_snmp *g = &p->c->snmp;
	uint64_t n;

	if (strcmp(name, "text_max") == 0) {
		if (parse_range(p, name, value, TRAP_TEXT_MAX_MIN, TRAP_TEXT_MAX_LIMIT, " bytes", &n))
			g->text_max = n;
	} else if (strcmp(name, "heartbeat_s") == 0) {
		if (parse_range(p, name, value, 0, 86400, " seconds", &n))
			g->heartbeat_s = (unsigned)n;
	} else if (strcmp(name, "storm.flap_max") == 0) {
		if (parse_range(p, name, value, 0, 1000000, "", &n))
			g->storm.flap_max = (unsigned)n;
	} else if (strcmp(name, "storm.flap_window_s") == 0) {
		if (parse_range(p, name, value, 1, 86400, " seconds", &n))
			g->storm.flap_window_us = (int64_t)n * 1000000;
	} else if (strcmp(name, "storm.rate_max") == 0) {
		if (parse_range(p, name, value, 0, 10000000, "", &n))
			g->storm.rate_max = (unsigned)n;
	} else if (strcmp(name, "storm.rate_window_s") == 0) {
		if (parse_range(p, name, value, 1, 86400, " seconds", &n))
			g->storm.rate_window_us = (int64_t)n * 1000000;
	} else if (strcmp(name, "storm.summary_delay_s") == 0) {
		if (parse_range(p, name, value, 1, 86400, " seconds", &n))
			g->storm.summary_delay_us = (int64_t)n * 1000000;
	} else if (strcmp(name, "storm.max_keys") == 0) {
		if (parse_range(p, name, value, 1, 10000000, "", &n))
			g->storm.max_keys = n;
	} else if (strcmp(name, "spool_max_entries") == 0) {
		if (parse_range(p, name, value, 1, 100000000, "", &n))
			g->spool_max_entries = n;
	} else if (strcmp(name, "spool_max_bytes") == 0) {
		if (parse_range(p, name, value, 65536, (uint64_t)1 << 40, " bytes", &n))
			g->spool_max_bytes = n;
	} else if (strcmp(name, "spool_fsync") == 0) {
		return parse_bool(p, name, value, &g->spool_fsync);
	} else {
		diag_error(p->d, p->c->file, p->line, "unknown key '%s' in [snmp]", name);
	}
	return 0;
}

static int actions_key(struct parse *p, const char *name, const char *value)
{
	struct action_config *a = &p->c->actions;
	uint64_t n;

	if (strcmp(name, "enabled") == 0) {
		p->c->actions_line = p->line;
		return parse_bool(p, name, value, &a->enabled);
	}
	if (strcmp(name, "max_running") == 0) {
		if (parse_range(p, name, value, 1, 64, "", &n))
			a->max_running = (unsigned)n;
	} else if (strcmp(name, "max_queued") == 0) {
		if (parse_range(p, name, value, 0, 10000, "", &n))
			a->max_queued = (unsigned)n;
	} else if (strcmp(name, "timeout_max_s") == 0) {
		if (parse_range(p, name, value, 1, 86400, " seconds", &n))
			a->timeout_max_s = (unsigned)n;
	} else if (strcmp(name, "output_max") == 0) {
		if (parse_range(p, name, value, 64, 1u << 20, " bytes", &n))
			a->output_max = n;
	} else if (strcmp(name, "results_max") == 0) {
		if (parse_range(p, name, value, 1, 10000, "", &n))
			a->results_max = n;
	} else {
		diag_error(p->d, p->c->file, p->line, "unknown key '%s' in [actions]", name);
	}
	return 0;
}

/* A group by name, or by number when all digits. */
static int control_key(struct parse *p, const char *name, const char *value)
{
	struct config_control *k = &p->c->control;
	struct group *g;
	uint64_t n;

	if (strcmp(name, "operators") != 0) {
		diag_error(p->d, p->c->file, p->line, "unknown key '%s' in [control]", name);
		return 0;
	}
	errno = 0;
	g = getgrnam(value);
	if (g)
		k->operators_gid = g->gr_gid;
	else if (parse_uint(value, UINT32_MAX - 1, &n))
		k->operators_gid = (gid_t)n;
	else
		diag_error(p->d, p->c->file, p->line, "operators: no group '%s'%s%s", value,
			   errno ? ": " : "", errno ? strerror(errno) : "");
	return set_str(&k->operators, value);
}

static int regex_key(struct parse *p, const char *name, const char *value)
{
	struct config_regex *x = &p->c->regex;
	uint64_t n;

	/* up to 100 times the defaults: a runaway pattern must still stop */
	if (strcmp(name, "match_limit") == 0) {
		if (parse_range(p, name, value, 1, 100000000, "", &n))
			x->match_limit = (uint32_t)n;
	} else if (strcmp(name, "depth_limit") == 0) {
		if (parse_range(p, name, value, 1, 10000000, "", &n))
			x->depth_limit = (uint32_t)n;
	} else {
		diag_error(p->d, p->c->file, p->line, "unknown key '%s' in [regex]", name);
	}
	return 0;
}

static bool is_hex(const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2, n -= 2;
	return n >= 10 && n <= 64 && n % 2 == 0 && strspn(v, "0123456789abcdefABCDEF") == n;
}

/* A key of an snmp sink: 0, -ENOMEM, or 1 when name is none. */
static int snmp_sink_key(struct parse *p, struct config_sink *k, const char *name, const char *value)
{
	const char *file = p->c->file;
	uint64_t n;

	if (strcmp(name, "peer") == 0) {
		if (!*value || strpbrk(value, " \t"))
			diag_error(p->d, file, p->line, "peer takes an address such as udp:192.0.2.7:162, not '%s'", value);
		return set_str(&k->peer, value);
	}
	if (strcmp(name, "version") == 0) {
		if (strcmp(value, "2c") && strcmp(value, "3"))
			diag_error(p->d, file, p->line, "version takes 2c or 3, not '%s'", value);
		k->version = strcmp(value, "3") == 0 ? TRAP_V3 : TRAP_V2C;
		return 0;
	}
	if (strcmp(name, "inform") == 0) {
		k->inform_set = true;
		return parse_bool(p, name, value, &k->inform);
	}
	if (strcmp(name, "community") == 0)
		return set_str(&k->community, value);
	if (strcmp(name, "user") == 0)
		return set_str(&k->user, value);
	if (strcmp(name, "auth") == 0) {
		if (strcmp(value, "sha") && strcmp(value, "sha256"))
			diag_error(p->d, file, p->line, "auth takes sha or sha256, not '%s'", value);
		k->auth = strcmp(value, "sha256") == 0 ? TRAP_AUTH_SHA256 : TRAP_AUTH_SHA;
		return 0;
	}
	if (strcmp(name, "auth_pass") == 0 || strcmp(name, "priv_pass") == 0) {
		if (strlen(value) < 8)
			diag_error(p->d, file, p->line, "%s must have at least 8 characters", name);
		return set_str(name[0] == 'a' ? &k->auth_pass : &k->priv_pass, value);
	}
	if (strcmp(name, "engine_id") == 0) {
		if (!is_hex(value))
			diag_error(p->d, file, p->line, "engine_id takes 5 to 32 bytes in hex, not '%s'", value);
		return set_str(&k->engine_id, value);
	}
	if (strcmp(name, "timeout_ms") == 0) {
		if (parse_range(p, name, value, 10, 600000, " ms", &n))
			k->timeout_ms = (unsigned)n;
		return 0;
	}
	if (strcmp(name, "backoff_max_ms") == 0) {
		if (parse_range(p, name, value, 10, 3600000, " ms", &n))
			k->backoff_max_ms = (unsigned)n;
		return 0;
	}
	if (strcmp(name, "trap_rate") == 0) {
		if (parse_range(p, name, value, 0, TRAP_RATE_MAX, " per second", &n))
			k->trap_rate = (unsigned)n;
		return 0;
	}
	return 1;
}

/* A key its sink type checks: kept as given. */
static int sink_kv(struct parse *p, struct config_sink *k, const char *name, const char *value)
{
	struct config_kv *kv;

	if (k->nkv == CONFIG_SINK_KEYS) {
		diag_error(p->d, p->c->file, p->line, "more than %d keys in [sink %s]", CONFIG_SINK_KEYS,
			   k->name);
		return 0;
	}
	kv = &k->kv[k->nkv++];
	kv->line = p->line;
	kv->key = strdup(name);
	kv->value = strdup(value);
	return kv->key && kv->value ? 0 : -ENOMEM;
}

static int sink_key(struct parse *p, const char *name, const char *value)
{
	struct config_sink *k = p->sink;
	int r;

	if (strcmp(name, "type") == 0) {
		k->type_line = p->line;
		return set_str(&k->type, value);
	}
	r = snmp_sink_key(p, k, name, value);
	if (r == 1)
		return sink_kv(p, k, name, value);
	if (!k->snmp_line)
		k->snmp_line = p->line;
	return r;
}

static int begin_sink(struct parse *p, const char *name)
{
	struct config *c = p->c;
	struct config_sink *k;
	size_t i;

	p->sink = NULL;
	if (!*name || strlen(name) > 64 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
			      strlen(name)) {
		diag_error(p->d, c->file, p->line, "sink name '%s' takes 1 to 64 letters, digits, '.', '_' and '-'", name);
		return 0;
	}
	for (i = 0; i < c->nsinks; i++)
		if (strcmp(c->sinks[i].name, name) == 0) {
			diag_error(p->d, c->file, p->line, "sink '%s' defined twice (first at line %ld)",
				   name, c->sinks[i].line);
			break;
		}
	if (c->nsinks == CONFIG_MAX_SINKS) {
		diag_error(p->d, c->file, p->line, "more than %d sinks", CONFIG_MAX_SINKS);
		return 0;
	}
	k = &c->sinks[c->nsinks++];
	memset(k, 0, sizeof(*k));
	k->trap_rate = TRAP_DEFAULT_RATE;
	k->name = strdup(name);
	k->line = p->section_line;
	p->sink = k;
	return k->name ? 0 : -ENOMEM;
}

/*
 * One key with its section and whole value (flush, below, calls it once inih
 * has handed every piece); as Debian's inih does not report a section header
 * alone, a new [source NAME] is recognised by the section name changing.
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
	if (strncmp(section, "sink ", 5) == 0) {
		if (p->sink_line != p->section_line) {
			p->sink_line = p->section_line;
			r = begin_sink(p, section + 5);
		}
		if (p->sink && name)
			r = r ? r : sink_key(p, name, value);
		return r == 0;
	}
	if (!name)
		return 1;
	if (strcmp(section, "snmp") == 0)
		r = snmp_key(p, name, value);
	else if (strcmp(section, "actions") == 0)
		r = actions_key(p, name, value);
	else if (strcmp(section, "control") == 0)
		r = control_key(p, name, value);
	else if (strcmp(section, "regex") == 0)
		r = regex_key(p, name, value);
	else if (strcmp(section, "mpmond") == 0)
		r = main_key(p, name, value);
	else if (strcmp(section, "packs") == 0 && strcmp(name, "path") == 0) {
		if (p->c->npacks == CONFIG_MAX_PACKS)
			diag_error(p->d, file, p->line, "more than %d packs", CONFIG_MAX_PACKS);
		else if (!(p->c->packs[p->c->npacks++] = strdup(value)))
			r = -ENOMEM;
	} else if (strcmp(section, "packs") == 0 && strcmp(name, "inventory") == 0) {
		if (p->c->inventory)
			diag_error(p->d, file, p->line, "a second inventory: [packs] takes one");
		else if (!*value)
			diag_error(p->d, file, p->line, "inventory = FILE: the file is missing");
		else if (!(p->c->inventory = strdup(value)))
			r = -ENOMEM;
	} else if (strcmp(section, "packs") == 0)
		diag_error(p->d, file, p->line, "unknown key '%s' in [packs] (path = FILE or FOLDER, "
			   "inventory = FILE)", name);
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

static void check_snmp(const struct config *c, struct config_sink *k, struct diag *d)
{
	size_t i;

	for (i = 0; i < k->nkv; i++)
		diag_error(d, c->file, k->kv[i].line, "unknown key '%s' in [sink %s] (type snmp)",
			   k->kv[i].key, k->name);
	if (!k->peer)
		diag_error(d, c->file, k->line, "sink '%s' has no peer (e.g. udp:192.0.2.7:162)", k->name);
	if (k->version == TRAP_V3) {
		if (k->inform_set && !k->inform)
			diag_error(d, c->file, k->line, "sink '%s': SNMPv3 is sent as informs only (inform = true)", k->name);
		k->inform = true;
		if (!k->user || !k->auth_pass || !k->priv_pass)
			diag_error(d, c->file, k->line,
				   "sink '%s': version 3 needs user, auth_pass and priv_pass (authPriv)", k->name);
		if (k->community)
			diag_error(d, c->file, k->line, "sink '%s': community is for version 2c", k->name);
		if (!k->engine_id)
			diag_warn(d, c->file, k->line,
				  "sink '%s': no engine_id: mpmond waits up to timeout_ms to discover it each time the receiver is down", k->name);
	} else {
		if (!k->community)
			diag_error(d, c->file, k->line, "sink '%s': version 2c needs a community", k->name);
		if (k->user || k->auth_pass || k->priv_pass || k->engine_id)
			diag_error(d, c->file, k->line,
				   "sink '%s': user, auth_pass, priv_pass and engine_id are for version 3", k->name);
	}
}

static void check_sinks(struct config *c, struct diag *d, FILE *f)
{
	bool keys = false;
	struct stat st;
	size_t i;

	for (i = 0; i < c->nsinks; i++) {
		struct config_sink *k = &c->sinks[i];

		/* the other types are sink.c's to check (sinks_check) */
		if (!k->type)
			diag_error(d, c->file, k->line, "sink '%s' has no type", k->name);
		else if (config_sink_is(k, "snmp"))
			check_snmp(c, k, d);
		keys |= k->auth_pass || k->priv_pass;
	}
	/* Passphrases derive the keys that sign and encrypt: only mpmond may read them. */
	if (keys && fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		diag_error(d, c->file, 0, "holds SNMPv3 keys and is readable by others; chmod 600");
}

static void pending_release(struct pending *k)
{
	free(k->section);
	free(k->name);
	buf_release(&k->value);
	memset(k, 0, sizeof(*k));
}

/*
 * Check the pending key at the line where it starts. A key with a cut line
 * was reported already: it is still set, so that no check calls it missing,
 * but what the checks would say of the part of its value inih read is nobody's
 * mistake, and goes nowhere.
 */
static void flush(struct parse *p)
{
	struct pending *k = &p->key;
	struct diag *d = p->d, scratch;
	long line = p->line;

	if (!k->name)
		return;
	if (k->cut) {
		diag_init(&scratch);
		p->d = &scratch;
	}
	p->line = k->line;
	if (!handler(p, k->section, k->name, k->value.data))
		p->oom = true;
	p->line = line;
	if (k->cut) {
		p->d = d;
		diag_release(&scratch);
	}
	pending_release(k);
}

/* The rest of a line fgets did not take whole: true if it had more than the newline. */
static bool skip_rest(FILE *f)
{
	int c = getc(f);

	if (c == EOF || c == '\n')
		return false;
	while ((c = getc(f)) != EOF && c != '\n')
		;
	return true;
}

/*
 * inih's reader: one physical line per call, so that inih's line numbers and
 * ours agree. It sees what inih will make of the line (as inih does, a line
 * that begins with a blank continues the key before it, blank and comment
 * lines between them) and completes the pending key before any other.
 */
static char *counting_reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->f);
	size_t len;
	char *s;

	if (!r)
		return NULL;
	len = strlen(r);
	s = r + strspn(r, " \t\r\n\v\f");
	p->cont = false;
	if (*s && !strchr(";#", *s)) {
		p->cont = s > r && p->key.name;
		if (!p->cont)
			flush(p);
	}
	p->line++;
	if (r[strspn(r, " \t")] == '[')
		p->section_line = p->line;
	p->cut = len && r[len - 1] != '\n' && skip_rest(p->f);
	/* a long comment is harmless */
	if (!p->cut || !*s || strchr(";#", *s)) {
		p->cut = false;
		return r;
	}
	diag_error(p->d, p->c->file, p->line,
		   "line longer than %d bytes: continue a long value on lines that begin with a blank (mpmond.conf(5))",
		   num - 1);
	/*
	 * What inih gets of it stays what it was: a header (cut, it lacks its
	 * bracket), a key, a continuation; a line it would call a syntax error
	 * too is a comment.
	 */
	if (*s == '[')
		r[len - 1] = ']';
	else if (!p->cont && !strpbrk(s, "=:"))
		*r = ';';
	return r;
}

/* inih's handler: a key starts pending, a continuation line adds to it. */
static int collect(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct pending *k = &p->key;

	if (p->cont && k->name && strcmp(k->name, name) == 0) {
		size_t w = strspn(value, "abcdefghijklmnopqrstuvwxyz_."), e;

		/*
		 * An indented "key = value" was taken as a piece of the value
		 * before it. Without a blank at its '=' it may well be meant as
		 * a piece (a pattern's "et=(?<Target>"), and is not warned of.
		 */
		e = w + strspn(value + w, " \t");
		if (w && value[e] == '=' && (e > w || value[e + 1] == ' ' || value[e + 1] == '\t'))
			diag_warn(p->d, p->c->file, p->line,
				  "the line begins with a blank, so it continues the value of '%s' (line %ld): write a key at the start of its line",
				  k->name, k->line);
		k->cut |= p->cut;
		if (buf_puts(&k->value, value) < 0)
			goto oom;
		return 1;
	}
	flush(p);
	k->section = strdup(section);
	k->name = strdup(name);
	k->line = p->line;
	k->cut = p->cut;
	if (!k->section || !k->name || buf_puts(&k->value, value) < 0)
		goto oom;
	return 1;
oom:
	p->oom = true;
	pending_release(k);
	return 0;
}

int config_load(const char *path, struct config *c, struct diag *d)
{
	struct parse p = { .c = c, .d = d };
	size_t errors = d->errors;
	int r;

	memset(c, 0, sizeof(*c));
	c->checkpoint_us = 200000;
	c->snmp.heartbeat_s = CONFIG_DEFAULT_HEARTBEAT_S;
	c->snmp.spool_fsync = true;
	action_config_default(&c->actions);
	c->file = strdup(path);
	if (!c->file)
		return -ENOMEM;
	p.f = fopen(path, "re");
	if (!p.f) {
		r = -errno;
		diag_error(d, path, 0, "cannot read config: %s", strerror(-r));
		return r;
	}
	r = ini_parse_stream(counting_reader, &p, collect, &p);
	flush(&p);
	check_sinks(c, d, p.f);
	fclose(p.f);
	if (p.oom || r < 0)
		diag_error(d, path, 0, "out of memory");
	else if (r > 0)
		diag_error(d, path, r, "syntax error (expected [section] or key = value)");
	if (!c->state_dir)
		diag_error(d, path, 0, "no state_dir in [mpmond]");
	if (!c->npacks)
		diag_error(d, path, 0, "no packs: add [packs] path = FILE or FOLDER");
	check_sources(c, d);
	return d->errors > errors ? -EINVAL : 0;
}

int config_check_paths(const struct config *c, struct diag *d)
{
	size_t i, errors = d->errors;

	for (i = 0; i < c->nsources; i++) {
		const struct config_source *s = &c->sources[i];
		const char *slash = s->path ? strrchr(s->path, '/') : NULL;
		char dir[4096];
		struct stat st;
		int e;

		if (!s->type || strcmp(s->type, "file") != 0 || !slash ||
		    (size_t)(slash - s->path) >= sizeof(dir))
			continue;
		snprintf(dir, sizeof(dir), "%.*s", slash > s->path ? (int)(slash - s->path) : 1, s->path);
		e = stat(dir, &st) < 0 ? errno : 0;
		/* the daemon waits for a folder yet to come: not worth refusing a start */
		if (e == ENOENT)
			diag_warn(d, c->file, s->path_line, "source '%s': folder '%s' does not exist "
				  "(yet): mpmond will wait for it", s->name, dir);
		else if (e)
			diag_error(d, c->file, s->path_line, "source '%s': folder '%s': %s", s->name, dir,
				   strerror(e));
		else if (!S_ISDIR(st.st_mode))
			diag_error(d, c->file, s->path_line, "source '%s': '%s' is not a folder", s->name,
				   dir);
	}
	return d->errors > errors ? -ENOENT : 0;
}

void config_release(struct config *c)
{
	size_t i, j;

	free(c->file);
	free(c->state_dir);
	free(c->control.operators);
	for (i = 0; i < c->npacks; i++)
		free(c->packs[i]);
	free(c->inventory);
	for (i = 0; i < c->nsources; i++) {
		struct config_source *s = &c->sources[i];

		free(s->name);
		free(s->type);
		free(s->path);
		free(s->format);
		free(s->pattern);
		free(s->log_name);
		free(s->computer);
		for (j = 0; j < s->nmatches; j++)
			free(s->matches[j]);
	}
	for (i = 0; i < c->nsinks; i++) {
		struct config_sink *k = &c->sinks[i];

		free(k->name);
		free(k->type);
		for (j = 0; j < k->nkv; j++) {
			free(k->kv[j].key);
			free(k->kv[j].value);
		}
		free(k->peer);
		free(k->community);
		free(k->user);
		free(k->auth_pass);
		free(k->priv_pass);
		free(k->engine_id);
	}
	memset(c, 0, sizeof(*c));
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool config_sink_is(const struct config_sink *k, const char *type)
{
	return k->type && strcmp(k->type, type) == 0;
}

const char *config_sink_value(const struct config_sink *k, const char *key, long *line)
{
	size_t i;

	for (i = k->nkv; i-- > 0;)
		if (strcmp(k->kv[i].key, key) == 0) {
			if (line)
				*line = k->kv[i].line;
			return k->kv[i].value;
		}
	return NULL;
}

size_t config_sinks_of(const struct config *c, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < c->nsinks; i++)
		n += config_sink_is(&c->sinks[i], type);
	return n;
}

static bool snmp_sink_equal(const struct config_sink *x, const struct config_sink *y)
{
	return str_eq(x->name, y->name) && str_eq(x->peer, y->peer) && x->version == y->version &&
	       x->inform == y->inform && str_eq(x->community, y->community) &&
	       str_eq(x->user, y->user) && x->auth == y->auth && str_eq(x->auth_pass, y->auth_pass) &&
	       str_eq(x->priv_pass, y->priv_pass) && str_eq(x->engine_id, y->engine_id) &&
	       x->timeout_ms == y->timeout_ms && x->backoff_max_ms == y->backoff_max_ms &&
	       x->trap_rate == y->trap_rate;
}

bool config_snmp_equal(const struct config *a, const struct config *b)
{
	size_t i = 0, j = 0;

	if (memcmp(&a->snmp, &b->snmp, sizeof(a->snmp)) != 0)
		return false;
	for (;;) {
		while (i < a->nsinks && !config_sink_is(&a->sinks[i], "snmp"))
			i++;
		while (j < b->nsinks && !config_sink_is(&b->sinks[j], "snmp"))
			j++;
		if (i == a->nsinks || j == b->nsinks)
			return i == a->nsinks && j == b->nsinks;
		if (!snmp_sink_equal(&a->sinks[i++], &b->sinks[j++]))
			return false;
	}
}

bool config_trap(const struct config *c, const char *spool_dir, struct trap_destination *dests,
		 struct trap_config *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < c->nsinks; i++) {
		const struct config_sink *k = &c->sinks[i];

		if (!config_sink_is(k, "snmp"))
			continue;
		dests[out->ndests++] = (struct trap_destination){
			.name = k->name, .peer = k->peer, .version = k->version,
			.inform = k->inform, .community = k->community, .user = k->user,
			.auth = k->auth, .auth_pass = k->auth_pass, .priv_pass = k->priv_pass,
			.engine_id = k->engine_id, .timeout_ms = k->timeout_ms,
			.backoff_max_ms = k->backoff_max_ms, .trap_rate = k->trap_rate,
		};
	}
	if (!out->ndests)
		return false;
	out->dests = dests;
	out->spool_dir = spool_dir;
	out->spool_max_entries = c->snmp.spool_max_entries;
	out->spool_max_bytes = c->snmp.spool_max_bytes;
	out->spool_fsync = c->snmp.spool_fsync;
	out->text_max = c->snmp.text_max;
	out->storm = c->snmp.storm;
	return true;
}
