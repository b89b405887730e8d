/*
 * Helpers the fuzz targets share: property checks that abort, a strict JSON
 * validator for what the JSON writer produced, and reading the test packs the
 * targets load at start (from the source tree, whose path the build passes in).
 */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

void fuzz_check(bool cond, const char *what, const char *file, int line)
{
	if (cond)
		return;
	fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
	abort();
}

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

struct jp {
	const unsigned char *s;
	size_t n, i;
	int depth;
};

static void ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static bool jstring(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		size_t k;

		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++p->i >= p->n)
				return false;
			c = p->s[p->i];
			if (c == 'u') {
				for (k = 1; k <= 4; k++)
					if (p->i + k >= p->n || !strchr("0123456789abcdefABCDEF", p->s[p->i + k]) ||
					    !p->s[p->i + k])
						return false;
				p->i += 5;
			} else if (c && strchr("\"\\/bfnrt", c)) {
				p->i++;
			} else {
				return false;
			}
			continue;
		}
		k = utf8_seq(p->s + p->i, p->n - p->i);
		if (!k)
			return false;
		p->i += k;
	}
	return false;
}

static bool jvalue(struct jp *p);

static bool jcontainer(struct jp *p, char close)
{
	bool first = true;

	if (++p->depth > 64)
		return false;
	p->i++;
	for (;;) {
		ws(p);
		if (p->i < p->n && p->s[p->i] == close && first) {
			p->i++;
			break;
		}
		if (close == '}') {
			if (!jstring(p))
				return false;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return false;
			p->i++;
		}
		if (!jvalue(p))
			return false;
		ws(p);
		first = false;
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			break;
		}
		return false;
	}
	p->depth--;
	return true;
}

static bool jvalue(struct jp *p)
{
	size_t start;

	ws(p);
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '"':
		return jstring(p);
	case '{':
		return jcontainer(p, '}');
	case '[':
		return jcontainer(p, ']');
	case 't':
		return p->n - p->i >= 4 && !memcmp(p->s + p->i, "true", 4) && (p->i += 4);
	case 'f':
		return p->n - p->i >= 5 && !memcmp(p->s + p->i, "false", 5) && (p->i += 5);
	case 'n':
		return p->n - p->i >= 4 && !memcmp(p->s + p->i, "null", 4) && (p->i += 4);
	}
	start = p->i;
	if (p->s[p->i] == '-')
		p->i++;
	while (p->i < p->n && ((p->s[p->i] >= '0' && p->s[p->i] <= '9') || p->s[p->i] == '.' ||
			       p->s[p->i] == 'e' || p->s[p->i] == 'E' || p->s[p->i] == '+' ||
			       p->s[p->i] == '-'))
		p->i++;
	return p->i > start;
}

bool fuzz_json_valid(const char *s, size_t n)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0 };

	if (!jvalue(&p))
		return false;
	ws(&p);
	return p.i == n;
}

char *fuzz_read_source(const char *path, size_t *len)
{
	char full[4096];
	FILE *f;
	char *p = NULL;
	long n;

	snprintf(full, sizeof(full), "%s/%s", FUZZ_SRCDIR, path);
	f = fopen(full, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n + 1)) && fread(p, 1, (size_t)n, f) == (size_t)n) {
		p[n] = '\0';
		*len = (size_t)n;
	} else {
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

/* ---- events and the engine of the test packs ----------------------------- */

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/file.h"
#include "lib/json.h"
#include "monitors/engine.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "rules/format.h"

void fuzz_check_event(const struct event *ev)
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

/* Fixtures whose packs between them use every monitor type. */
static const char *const test_packs[] = {
	"tests/data/scom-correlated/pack.xml",
	"tests/data/scom-repeated-missing/pack.xml",
	"tests/data/correlated-missing/pack.xml",
	"tests/data/event-ratio/pack.xml",
	"tests/data/missing-event/pack.xml",
	"tests/data/repeated-event/pack.xml",
	"tests/data/timer-reset/pack.xml",
	"tests/data/two-event-manual-reset/pack.xml",
	"tests/data/rollup-web/pack.xml",
};
#define NPACKS (sizeof(test_packs) / sizeof(test_packs[0]))

static struct mp_pack *packs[NPACKS];

/* Load a pack of the source tree (path relative to it); it must be valid. */
static struct mp_pack *load_pack(const char *path, struct diag *d)
{
	struct mp_pack *p = NULL;
	size_t len;
	char *text = fuzz_read_source(path, &len);

	fuzz_check(text && mp_load(path, text, len, &p, d) == 0 && !d->errors, path, __FILE__,
		   __LINE__);
	free(text);
	return p;
}

struct engine *fuzz_test_engine(void (*emit)(void *, const struct state_change *), void *arg)
{
	struct engine *e;
	struct diag d;
	size_t i;

	diag_init(&d);
	for (i = 0; i < NPACKS && !packs[NPACKS - 1]; i++)
		packs[i] = load_pack(test_packs[i], &d);
	e = engine_new(emit, arg);
	if (e) {
		engine_enable_rollup(e);
		for (i = 0; i < NPACKS; i++)
			engine_add_pack(e, packs[i], &d);
	}
	diag_release(&d);
	return e;
}

struct engine *fuzz_shipped_engine(void)
{
	static struct mp_pack **shipped;
	static int nshipped;
	struct engine *e;
	struct diag d;
	char **names;
	int i;

	diag_init(&d);
	if (!shipped) {
		nshipped = file_list(FUZZ_SRCDIR "/mp-xml/packs", ".xml", &names);
		fuzz_check(nshipped > 0, "the shipped packs are there", __FILE__, __LINE__);
		shipped = calloc((size_t)nshipped, sizeof(*shipped));
		fuzz_check(shipped != NULL, "memory for the packs", __FILE__, __LINE__);
		for (i = 0; i < nshipped; i++)
			shipped[i] = load_pack(names[i] + strlen(FUZZ_SRCDIR "/"), &d);
		file_list_free(names);
	}
	e = engine_new(NULL, NULL);
	for (i = 0; e && i < nshipped; i++)
		engine_add_pack(e, shipped[i], &d);
	diag_release(&d);
	return e;
}

const char *fuzz_fixture_events(size_t *len)
{
	static struct buf all;
	static bool loaded;
	size_t i, k, flen;
	char path[256], *text;
	const char *p;

	for (i = 0; i < NPACKS && !loaded; i++) {
		snprintf(path, sizeof(path), "%.*s/events.jsonl",
			 (int)(strrchr(test_packs[i], '/') - test_packs[i]), test_packs[i]);
		text = fuzz_read_source(path, &flen);
		if (!text)
			continue;
		for (p = text, k = 0; p && k < 8 && (p = strchr(p, '\n')); k++)
			p++;
		buf_append(&all, text, p ? (size_t)(p - text) : flen);
		free(text);
	}
	loaded = true;
	*len = all.len;
	return all.len ? all.data : "";
}

void fuzz_feed_json(struct engine *e, const char *text, size_t n)
{
	struct format_ctx ctx = { 1795651200000000LL, 0 };
	const char *p = text, *end = text + n;
	int64_t now = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char err[FORMAT_ERR_LEN];
		char *line = malloc(len ? len : 1);
		struct event ev;

		if (!line)
			return;
		memcpy(line, p, len);
		event_reset(&ev);
		if (format_json.parse(&format_json, &ctx, line, len, &ev, err) == 0) {
			if (ev.has_time)
				now = ev.time;
			engine_feed(e, &ev, now);
		}
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
}
