/*
 * This file implements storm control (storm.h). Flapping is judged per monitor
 * instance from the times of its last flap_max changes, kept in a small ring
 * per key in a hash table bounded by max_keys (when it fills, keys quiet for a
 * whole flap window are swept; new keys beyond the bound go unchecked and are
 * counted). The rate limit is a token bucket: rate_max tokens, refilled at
 * rate_max per window, so a burst up to rate_max passes and a steady flow is
 * held to the rate.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "collector/storm.h"
#include "lib/buf.h"

struct flap_key {
	char *key;		/* monitor ID, NUL, instance; NULL: empty slot */
	size_t klen;
	int64_t *times;		/* ring of the last flap_max change times */
	unsigned pos, n;
	int64_t last;
};

struct held_key {
	char *key;		/* "ID" or "ID [INSTANCE]" */
	uint32_t count;
	int to;
};

struct tally {
	struct storm_summary s;
	struct held_key keys[STORM_SUMMARY_KEYS];
	size_t nkeys;
	uint32_t others;	/* held changes of monitors beyond STORM_SUMMARY_KEYS */
};

struct storm {
	struct storm_config cfg;
	struct flap_key *slots;
	size_t nslots, nkeys;
	double tokens;
	int64_t tokens_at;
	bool tokens_init;
	struct tally tally[STORM_NCAUSES];
	uint64_t untracked;
};

static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

struct storm *storm_new(const struct storm_config *cfg)
{
	struct storm *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->cfg = *cfg;
	if (!st->cfg.max_keys)
		st->cfg.max_keys = STORM_DEFAULT_MAX_KEYS;
	if (!st->cfg.summary_delay_us) {
		int64_t w = st->cfg.flap_window_us > st->cfg.rate_window_us ?
				    st->cfg.flap_window_us : st->cfg.rate_window_us;
		st->cfg.summary_delay_us = w > 0 ? w : 60 * INT64_C(1000000);
	}
	if (st->cfg.flap_max) {
		st->nslots = 16;
		while (st->nslots < st->cfg.max_keys * 2)
			st->nslots *= 2;
		if (!(st->slots = calloc(st->nslots, sizeof(*st->slots)))) {
			free(st);
			return NULL;
		}
	}
	return st;
}

static void tally_clear(struct tally *t)
{
	for (size_t i = 0; i < t->nkeys; i++)
		free(t->keys[i].key);
	memset(t, 0, sizeof(*t));
}

void storm_free(struct storm *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nslots; i++) {
		free(st->slots[i].key);
		free(st->slots[i].times);
	}
	free(st->slots);
	for (int c = 0; c < STORM_NCAUSES; c++)
		tally_clear(&st->tally[c]);
	free(st);
}

static struct flap_key *slot_find(struct storm *st, const char *key, size_t klen, bool *found)
{
	size_t mask = st->nslots - 1;
	for (size_t i = hash(key, klen) & mask;; i = (i + 1) & mask) {
		struct flap_key *f = &st->slots[i];
		if (!f->key) {
			*found = false;
			return f;
		}
		if (f->klen == klen && memcmp(f->key, key, klen) == 0) {
			*found = true;
			return f;
		}
	}
}

/* Drop keys quiet for a whole flap window, rebuilding the table. */
static void sweep(struct storm *st, int64_t now)
{
	struct flap_key *old = st->slots;
	size_t n = st->nslots;
	struct flap_key *slots = calloc(n, sizeof(*slots));
	if (!slots)
		return;
	st->slots = slots;
	st->nkeys = 0;
	for (size_t i = 0; i < n; i++) {
		if (!old[i].key)
			continue;
		if (old[i].last < now - st->cfg.flap_window_us) {
			free(old[i].key);
			free(old[i].times);
			continue;
		}
		bool found;
		*slot_find(st, old[i].key, old[i].klen, &found) = old[i];
		st->nkeys++;
	}
	free(old);
}

/* Record a change of key at now; true when it is over the flap limit. */
static bool flapping(struct storm *st, const char *key, size_t klen, int64_t now)
{
	bool found;
	struct flap_key *f = slot_find(st, key, klen, &found);
	if (!found) {
		if (st->nkeys >= st->cfg.max_keys) {
			sweep(st, now);
			f = slot_find(st, key, klen, &found);
		}
		if (st->nkeys >= st->cfg.max_keys) {
			st->untracked++;
			return false;
		}
		f->key = malloc(klen);
		f->times = calloc(st->cfg.flap_max, sizeof(*f->times));
		if (!f->key || !f->times) {
			free(f->key);
			free(f->times);
			f->key = NULL;
			f->times = NULL;
			st->untracked++;
			return false;
		}
		memcpy(f->key, key, klen);
		f->klen = klen;
		f->pos = f->n = 0;
		st->nkeys++;
	}
	/* Over the limit when flap_max changes already fell within the window. */
	bool over = f->n == st->cfg.flap_max &&
		    f->times[f->pos] > now - st->cfg.flap_window_us;
	f->times[f->pos] = now;
	f->pos = (f->pos + 1) % st->cfg.flap_max;
	if (f->n < st->cfg.flap_max)
		f->n++;
	f->last = now;
	return over;
}

static bool rate_ok(struct storm *st, int64_t now)
{
	double max = st->cfg.rate_max;
	if (!st->tokens_init) {
		st->tokens = max;
		st->tokens_at = now;
		st->tokens_init = true;
	}
	if (now > st->tokens_at) {
		st->tokens += max * (double)(now - st->tokens_at) / (double)st->cfg.rate_window_us;
		if (st->tokens > max)
			st->tokens = max;
		st->tokens_at = now;
	}
	if (st->tokens < 1.0)
		return false;
	st->tokens -= 1.0;
	return true;
}

void storm_hold(struct storm *st, enum storm_cause cause, const char *monitor_id,
		const char *instance, size_t ilen, int to, uint64_t seq, int64_t now)
{
	struct tally *t = &st->tally[cause];
	if (t->s.count == 0) {
		t->s.cause = cause;
		t->s.first_seq = seq;
		t->s.first_time = now;
	}
	if (t->s.count < UINT32_MAX)
		t->s.count++;
	t->s.last_seq = seq;

	struct buf k;
	buf_init(&k);
	if (buf_puts(&k, monitor_id) < 0 ||
	    (ilen && (buf_puts(&k, " [") < 0 || buf_append(&k, instance, ilen) < 0 ||
		      buf_putc(&k, ']') < 0))) {
		buf_release(&k);
		t->others++;
		return;
	}
	for (size_t i = 0; i < t->nkeys; i++) {
		if (strcmp(t->keys[i].key, k.data) == 0) {
			t->keys[i].count++;
			t->keys[i].to = to;
			buf_release(&k);
			return;
		}
	}
	if (t->nkeys == STORM_SUMMARY_KEYS || !(t->keys[t->nkeys].key = buf_detach(&k))) {
		buf_release(&k);
		t->others++;
		return;
	}
	t->keys[t->nkeys].count = 1;
	t->keys[t->nkeys].to = to;
	t->nkeys++;
}

enum storm_cause storm_check(struct storm *st, const char *monitor_id, const char *instance,
			     size_t ilen, int to, uint64_t seq, int64_t now)
{
	enum storm_cause cause = STORM_PASS;
	if (st->cfg.flap_max && st->cfg.flap_window_us > 0) {
		struct buf k;
		buf_init(&k);
		if (buf_puts(&k, monitor_id) == 0 && buf_putc(&k, '\0') == 0 &&
		    buf_append(&k, instance, ilen) == 0 && flapping(st, k.data, k.len, now))
			cause = STORM_FLAPPING;
		buf_release(&k);
	}
	if (cause == STORM_PASS && st->cfg.rate_max && st->cfg.rate_window_us > 0 &&
	    !rate_ok(st, now))
		cause = STORM_RATE;
	if (cause != STORM_PASS)
		storm_hold(st, cause, monitor_id, instance, ilen, to, seq, now);
	return cause;
}

int64_t storm_next_deadline(const struct storm *st)
{
	int64_t next = INT64_MAX;
	for (int c = 1; c < STORM_NCAUSES; c++) {
		const struct tally *t = &st->tally[c];
		if (t->s.count && t->s.first_time + st->cfg.summary_delay_us < next)
			next = t->s.first_time + st->cfg.summary_delay_us;
	}
	return next;
}

static int by_count(const void *a, const void *b)
{
	const struct held_key *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

bool storm_take_summary(struct storm *st, int64_t now, struct storm_summary *out,
			struct buf *text, const char *(*health_name)(int))
{
	for (int c = 1; c < STORM_NCAUSES; c++) {
		struct tally *t = &st->tally[c];
		if (!t->s.count || now < t->s.first_time + st->cfg.summary_delay_us)
			continue;
		*out = t->s;
		qsort(t->keys, t->nkeys, sizeof(t->keys[0]), by_count);
		for (size_t i = 0; i < t->nkeys; i++)
			buf_printf(text, "%s%s x%" PRIu32 " %s", i ? "; " : "", t->keys[i].key,
				   t->keys[i].count, health_name(t->keys[i].to));
		if (t->others)
			buf_printf(text, "%sand %" PRIu32 " more", t->nkeys ? "; " : "", t->others);
		tally_clear(t);
		return true;
	}
	return false;
}

uint64_t storm_untracked(const struct storm *st)
{
	return st->untracked;
}
