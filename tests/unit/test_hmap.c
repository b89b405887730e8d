/*
 * Unit tests of lib/hmap.c: the keyed hash against SipHash-1-3's published
 * values, and the map's insert, lookup, removal, growth and walk, with keys
 * that hold NUL bytes and the empty key.
 */
#include "lib/hmap.h"

#include "tests/unit/tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	struct hmap_node node;
	int value;
	bool seen;
	char key[16];
	size_t len;
};

static struct item *get(const struct hmap *m, const void *key, size_t len)
{
	struct hmap_node *n = hmap_get(m, key, len);

	return n ? HMAP_ENTRY(n, struct item, node) : NULL;
}

static void test_siphash(void)
{
	const uint64_t zero[2] = { 0, 0 };
	uint64_t k[2];
	unsigned char kb[16], msg[15];
	int i;

	for (i = 0; i < 16; i++)
		kb[i] = (unsigned char)i;
	for (i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	memcpy(k, kb, sizeof(k));
	ok(hmap_siphash(zero, "", 0) == 0xd1fba762150c532cULL, "siphash-1-3: empty, zero key");
	ok(hmap_siphash(zero, "siphash", 7) == 0x8264ceeccb16bcbeULL,
	   "siphash-1-3: 7 bytes, zero key");
	ok(hmap_siphash(zero, "digest-sip_hash", 15) == 0xce31007e34130c0aULL,
	   "siphash-1-3: 15 bytes, zero key");
	ok(hmap_siphash(k, msg, 15) != hmap_siphash(zero, msg, 15), "siphash-1-3: the key counts");
}

static void test_basic(void)
{
	struct hmap m = { 0 };
	struct item a = { .value = 1 }, b = { .value = 2 }, c = { .value = 3 }, dup = { 0 };
	static const char nul1[] = { 'a', '\0', 'b' }, nul2[] = { 'a', '\0', 'c' };

	ok(hmap_get(&m, "x", 1) == NULL, "empty map: nothing found");
	is_int(hmap_insert(&m, &a.node, nul1, sizeof(nul1)), 0, "insert a\\0b");
	is_int(hmap_insert(&m, &b.node, nul2, sizeof(nul2)), 0, "insert a\\0c");
	is_int(hmap_insert(&m, &c.node, "", 0), 0, "insert the empty key");
	is_int(hmap_insert(&m, &dup.node, "a\0b", 3), -EEXIST, "a key already there");
	is_int((int64_t)m.count, 3, "three entries");
	ok(get(&m, "a\0b", 3) == &a, "a\\0b found past its NUL");
	ok(get(&m, "a\0c", 3) == &b, "a\\0c is another key");
	ok(get(&m, "a", 1) == NULL, "a prefix up to the NUL is not the key");
	ok(get(&m, "", 0) == &c, "the empty key");
	ok(get(&m, NULL, 0) == &c, "the empty key by a NULL pointer");
	hmap_remove(&m, &a.node);
	ok(get(&m, "a\0b", 3) == NULL, "removed: gone");
	ok(get(&m, "a\0c", 3) == &b, "removed: the others stay");
	is_int(hmap_insert(&m, &a.node, nul1, sizeof(nul1)), 0, "removed: may come back");
	is_int((int64_t)m.count, 3, "three again");
	hmap_release(&m);
	ok(m.buckets == NULL && m.count == 0, "released: empty");
}

/* Many keys: the buckets grow, every key stays found, a walk sees each once. */
static void test_growth(void)
{
	enum { N = 5000 };
	struct item *v = calloc(N, sizeof(*v));
	struct hmap m;
	struct hmap_iter it;
	struct hmap_node *n;
	size_t i, found = 0, seen = 0, twice = 0, removed = 0;

	hmap_init(&m);
	for (i = 0; i < N; i++) {
		v[i].len = (size_t)snprintf(v[i].key, sizeof(v[i].key), "k%zu", i);
		v[i].key[0] = i % 2 ? '\0' : 'k';	/* half of them start with NUL */
		v[i].value = (int)i;
		if (hmap_insert(&m, &v[i].node, v[i].key, v[i].len) < 0)
			break;
	}
	is_int((int64_t)i, N, "5000 inserted");
	ok(m.nbuckets >= N && (m.nbuckets & (m.nbuckets - 1)) == 0,
	   "buckets: a power of two at least the count (%zu)", m.nbuckets);
	for (i = 0; i < N; i++)
		found += get(&m, v[i].key, v[i].len) == &v[i];
	is_int((int64_t)found, N, "every key found after growing");
	hmap_iter_init(&it, &m);
	while ((n = hmap_next(&it))) {
		struct item *x = HMAP_ENTRY(n, struct item, node);

		twice += x->seen;
		x->seen = true;
		seen++;
	}
	is_int((int64_t)seen, N, "walk: every node");
	is_int((int64_t)twice, 0, "walk: each once");
	/* removing the node a walk is at is allowed */
	hmap_iter_init(&it, &m);
	while ((n = hmap_next(&it)))
		if (HMAP_ENTRY(n, struct item, node)->value % 3 == 0) {
			hmap_remove(&m, n);
			memset(n, 0xa5, sizeof(*n));	/* as if freed */
			removed++;
		}
	is_int((int64_t)m.count, (int64_t)(N - removed), "walk: removed as it went");
	for (found = 0, i = 0; i < N; i++)
		found += get(&m, v[i].key, v[i].len) == (i % 3 ? &v[i] : NULL);
	is_int((int64_t)found, N, "walk: the removed gone, the rest there");
	hmap_release(&m);
	free(v);
}

int main(void)
{
	test_siphash();
	test_basic();
	test_growth();
	return tap_done();
}
