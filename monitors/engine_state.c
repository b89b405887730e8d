/*
 * The engine's state for other processes and for restarts: iteration over every
 * instance (the state file, `mpmon state`) and the checkpoint text that
 * engine_save writes and engine_restore reads back.
 */
#include "monitors/engine_int.h"

#include "lib/array.h"
#include "lib/diag.h"
#include "monitors/rollup.h"
#include "rules/expr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int engine_foreach(const struct engine *e,
		   int (*fn)(void *arg, const struct engine_instance_info *info), void *arg)
{
	struct engine_instance_info info;
	const struct inst *in;
	size_t i;
	int r;

	for (i = 0; i < e->nmons; i++) {
		const struct mon *mo = e->mons[i];

		if (mo->off)
			continue;
		for (in = mo->lru_head; in; in = in->next) {
			struct str computer, instance;

			info.monitor = &mo->m;
			info.monitor_id = mo->m.def->id;
			engine_key_split(engine_inst_key(in), &computer, &instance);
			info.computer = computer.p;
			info.computer_len = computer.len;
			info.instance = instance.p;
			info.instance_len = instance.len;
			info.health = in->health;
			info.state = in->state >= 0 ? mo->m.opstate_of[in->state] : NULL;
			info.since = in->since;
			info.alert_open = in->alert_open;
			info.monitored = mo->m.type->hears_every_event ||
					 engine_computer_monitored(e, computer);
			r = fn(arg, &info);
			if (r)
				return r;
		}
	}
	return 0;
}

void engine_on_limit(struct engine *e, engine_limit_fn *fn, void *arg)
{
	e->limit_fn = fn;
	e->limit_arg = arg;
}

int engine_foreach_limit(const struct engine *e,
			 int (*fn)(void *arg, const struct engine_limit_info *info), void *arg)
{
	struct engine_limit_info info;
	size_t i;
	int r;

	for (i = 0; i < e->nmons + e->nrules; i++) {
		const struct limit_count *lc;

		if (i < e->nmons) {
			lc = &e->mons[i]->limits;
			info.id = e->mons[i]->m.def->id;
		} else {
			lc = &e->rules[i - e->nmons]->limits;
			info.id = e->rules[i - e->nmons]->def->id;
		}
		if (!lc->hits)
			continue;
		info.rule = i >= e->nmons;
		info.pattern = lc->pattern;
		info.hits = lc->hits;
		r = fn(arg, &info);
		if (r)
			return r;
	}
	return 0;
}

/* 2: instance keys name the computer (engine_key_make); 1 is read and converted */
#define STATE_MAGIC "mpmon-state 2\n"
#define STATE_MAGIC_1 "mpmon-state 1\n"

/* Percent-encode a token so it holds no white space; "" is a lone "%". */
static int put_token(struct buf *b, const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return buf_putc(b, '%');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int r = c <= 0x20 || c == '%' || c == 0x7f ? buf_printf(b, "%%%02X", c)
							   : buf_putc(b, (char)c);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char hexdig[] = "0123456789abcdef";

int engine_save(const struct engine *e, struct buf *out)
{
	size_t start = out->len, i, k;
	const struct inst *in;
	int r = 0;

	r |= buf_puts(out, STATE_MAGIC);
	r |= buf_printf(out, "seq %" PRIu64 "\nnow %" PRId64 "\n", e->seq, e->now);
	for (i = 0; i < e->nmons && r == 0; i++) {
		const struct mon *mo = e->mons[i];
		const struct monitor_type *t = mo->m.type;

		if (mo->off)
			continue;
		for (in = mo->lru_head; in && r == 0; in = in->next) {
			r |= buf_puts(out, "i ");
			r |= put_token(out, mo->m.def->id, strlen(mo->m.def->id));
			r |= buf_putc(out, ' ');
			r |= put_token(out, t->id, strlen(t->id));
			r |= buf_putc(out, ' ');
			r |= put_token(out, engine_inst_key(in).p, in->node.len);
			r |= buf_printf(out, " %s %s %d %" PRId64 " %" PRId64 " %zu ",
					in->state >= 0 ? t->states[in->state] : "-",
					mp_health_name(in->health), in->alert_open ? 1 : 0,
					in->deadline, in->since, t->state_size);
			for (k = 0; k < t->state_size && r == 0; k++) {
				r |= buf_putc(out, hexdig[in->tstate[k] >> 4]);
				r |= buf_putc(out, hexdig[in->tstate[k] & 15]);
			}
			if (t->state_size == 0)
				r |= buf_putc(out, '-');
			r |= buf_putc(out, '\n');
		}
	}
	if (r == 0)
		r = buf_printf(out, "end %016" PRIx64 "\n",
			       str_hash((struct str){ out->data + start, out->len - start }));
	return r < 0 ? -ENOMEM : 0;
}

/* Split the next space-separated token off *p (up to end). */
static bool next_token(const char **p, const char *end, struct str *tok)
{
	const char *s = *p, *t;

	if (s >= end)
		return false;
	t = memchr(s, ' ', (size_t)(end - s));
	if (!t)
		t = end;
	tok->p = s;
	tok->len = (size_t)(t - s);
	*p = t < end ? t + 1 : end;
	return tok->len > 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a percent-encoded token into b; false when malformed. */
static bool get_token(struct str tok, struct buf *b)
{
	size_t i;

	buf_reset(b);
	if (tok.len == 1 && tok.p[0] == '%')
		return true;
	for (i = 0; i < tok.len; i++) {
		char c = tok.p[i];

		if (c == '%') {
			int hi = i + 2 < tok.len ? hexval(tok.p[i + 1]) : -1;
			int lo = i + 2 < tok.len ? hexval(tok.p[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return false;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (buf_putc(b, c) < 0)
			return false;
	}
	return true;
}

struct saved_inst {
	struct mon *mon;
	char *key;
	size_t key_len;
	int state;
	enum mp_health health;
	bool alert_open;
	int64_t deadline, since;
	unsigned char *bytes;	/* NULL: keep the type state zeroed */
};

static void saved_free(struct saved_inst *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].bytes);
	}
	free(v);
}

static bool tok_eq(struct str tok, const char *s)
{
	return tok.len == strlen(s) && memcmp(tok.p, s, tok.len) == 0;
}

static struct mon *find_running(const struct engine *e, const char *id)
{
	struct mon *mo = engine_mon_find(e, id);

	return mo && !mo->off ? mo : NULL;
}

/*
 * A version 1 key (the InstanceField's value alone) as version 2 has it;
 * false when the monitor now keeps a state per computer that the key does
 * not name.
 */
static bool key_from_v1(const struct mon *mo, struct buf *b, struct buf *tmp)
{
	static const struct field_ref host = { FIELD_SLOT, EVENT_COMPUTER, { NULL, 0 } };
	const struct field_ref *f = &mo->m.instance_field;
	struct str old = { b->data, b->len };
	bool by_host = mo->m.has_instance_field && f->kind == host.kind && f->index == host.index;

	if (mo->m.per_computer && !by_host)
		return false;
	if (engine_key_make(tmp, mo->m.per_computer ? old : (struct str){ "", 0 }, old) < 0)
		return false;
	buf_reset(b);
	return buf_append(b, tmp->data, tmp->len) == 0;
}

/*
 * Parse one "i" line. Returns 1 when si was filled, 0 when the line is well
 * formed but its monitor is gone or changed (skipped), -EINVAL when malformed.
 */
static int parse_inst(const struct engine *e, const char *p, const char *end,
		      struct saved_inst *si, struct buf *b, int version)
{
	const struct monitor_type *t;
	struct str tok[10];
	char num[32];
	uint64_t size;
	unsigned k;

	memset(si, 0, sizeof(*si));
	for (k = 0; k < 10; k++)
		if (!next_token(&p, end, &tok[k]))
			return -EINVAL;
	if (p != end || !get_token(tok[0], b))
		return -EINVAL;
	si->mon = find_running(e, b->data);
	if (!get_token(tok[1], b))
		return -EINVAL;
	if (!si->mon || strcmp(si->mon->m.type->id, b->data) != 0)
		return 0;
	t = si->mon->m.type;
	if (!get_token(tok[2], b))
		return -EINVAL;
	if (version == 1) {
		struct buf tmp;
		bool ok;

		buf_init(&tmp);
		ok = key_from_v1(si->mon, b, &tmp);
		buf_release(&tmp);
		if (!ok)
			return 0;
	}
	si->key = malloc(b->len + 1);
	if (!si->key)
		return -ENOMEM;
	memcpy(si->key, b->data, b->len + 1);
	si->key_len = b->len;
	si->state = -1;
	for (k = 0; k < t->nstates; k++)
		if (tok_eq(tok[3], t->states[k]))
			si->state = (int)k;
	if (si->state < 0 && !tok_eq(tok[3], "-"))
		return 0;
	if (tok[4].len >= sizeof(num))
		return -EINVAL;
	memcpy(num, tok[4].p, tok[4].len);
	num[tok[4].len] = '\0';
	if (!mp_health_parse(num, &si->health) || !tok_eq(tok[5], "0") == !tok_eq(tok[5], "1"))
		return -EINVAL;
	si->alert_open = tok_eq(tok[5], "1");
	if (!str_to_i64(tok[6], &si->deadline) || !str_to_i64(tok[7], &si->since) ||
	    !str_to_u64(tok[8], &size))
		return -EINVAL;
	/* a type whose state changed size starts afresh; the caller decodes the bytes */
	if (size != 0 && tok[9].len != 2 * size)
		return -EINVAL;
	return 1;
}

int engine_restore(struct engine *e, const char *data, size_t len, size_t *skipped)
{
	const char *p = data, *end = data + len, *endline;
	struct saved_inst *v = NULL;
	size_t n = 0, cap = 0, nskip = 0, i;
	uint64_t seq = 1, want;
	int64_t now = INT64_MIN;
	struct buf b;
	int r = -EINVAL, version = 2;

	buf_init(&b);
	if (len >= strlen(STATE_MAGIC_1) && memcmp(data, STATE_MAGIC_1, strlen(STATE_MAGIC_1)) == 0)
		version = 1;
	endline = len >= 2 ? memrchr(data, '\n', len - 1) : NULL;
	endline = endline ? endline + 1 : data;
	if (len < strlen(STATE_MAGIC) ||
	    (version == 2 && memcmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) ||
	    strncmp(endline, "end ", 4) != 0 || data[len - 1] != '\n' ||
	    sscanf(endline + 4, "%" SCNx64, &want) != 1 ||
	    want != str_hash((struct str){ data, (size_t)(endline - data) }))
		goto out;
	p = data + strlen(STATE_MAGIC);
	end = endline;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct saved_inst si;
		int k;

		if (!nl)
			goto out;
		if (nl - p > 4 && strncmp(p, "seq ", 4) == 0) {
			if (!str_to_u64((struct str){ p + 4, (size_t)(nl - p - 4) }, &seq))
				goto out;
		} else if (nl - p > 4 && strncmp(p, "now ", 4) == 0) {
			if (!str_to_i64((struct str){ p + 4, (size_t)(nl - p - 4) }, &now))
				goto out;
		} else if (nl - p > 2 && strncmp(p, "i ", 2) == 0) {
			k = parse_inst(e, p + 2, nl, &si, &b, version);
			if (k == 1) {
				const char *hex = nl;
				size_t size = si.mon->m.type->state_size, j;

				/* the hex bytes are the line's last token */
				while (hex > p && hex[-1] != ' ')
					hex--;
				if ((size_t)(nl - hex) == 2 * size && size) {
					si.bytes = malloc(size);
					for (j = 0; si.bytes && j < size; j++) {
						int hi = hexval(hex[2 * j]), lo = hexval(hex[2 * j + 1]);

						if (hi < 0 || lo < 0) {
							free(si.bytes);
							free(si.key);
							goto out;
						}
						si.bytes[j] = (unsigned char)(hi << 4 | lo);
					}
				}
				if (array_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
					free(si.key);
					free(si.bytes);
					r = -ENOMEM;
					goto out;
				}
				v[n++] = si;
			} else if (k == 0) {
				free(si.key);
				nskip++;
			} else {
				free(si.key);
				r = k;
				goto out;
			}
		} else {
			goto out;
		}
		p = nl + 1;
	}
	/*
	 * All parsed; check before anything is applied. engine_save runs the
	 * timers due first, so no deadline it writes lies before its clock, and a
	 * type's own bytes must make sense to it (state_ok).
	 */
	for (i = 0; i < n; i++) {
		const struct monitor_type *t = v[i].mon->m.type;

		if (v[i].deadline < now ||
		    (v[i].bytes && t->state_ok && !t->state_ok(&v[i].mon->m, v[i].bytes, now)))
			goto out;
	}
	/* all parsed: now apply; the roll-up follows without records */
	e->quiet = true;
	for (i = 0; i < n; i++) {
		struct str key = { v[i].key, v[i].key_len };
		struct inst *in = engine_inst_get(e, v[i].mon, key, NULL);

		if (!in) {
			r = -ENOMEM;
			goto out;
		}
		in->state = v[i].state;
		in->health = v[i].health;
		if (engine_rollup_leaf_set(e, v[i].mon, in, in->health, e->now, CAUSE_EVENT, NULL) < 0) {
			r = -ENOMEM;
			goto out;
		}
		in->alert_open = v[i].alert_open;
		in->since = v[i].since;
		if (v[i].bytes)
			memcpy(in->tstate, v[i].bytes, v[i].mon->m.type->state_size);
		if (engine_set_deadline(e, in, v[i].deadline) < 0) {
			r = -ENOMEM;
			goto out;
		}
	}
	e->seq = seq;
	if (now > e->now)
		e->now = now;
	if (skipped)
		*skipped = nskip;
	r = 0;
out:
	e->quiet = false;
	saved_free(v, n);
	buf_release(&b);
	return r;
}
