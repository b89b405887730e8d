/*
 * This file holds hmap.h's map and its keyed hash. SipHash-1-3 (Aumasson and
 * Bernstein; the variant Python and Rust use for their tables) is a PRF: without
 * the key, which getrandom() gives once per process, nobody can choose log text
 * whose keys share a bucket. Chaining keeps every lookup to one bucket's nodes,
 * and removal is a plain unlink, so a walk may free the node it is at.
 */
#include "lib/hmap.h"

#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static uint64_t sip_key[2];
static pthread_once_t sip_once = PTHREAD_ONCE_INIT;
static bool sip_ready;

/*
 * The key, once. getrandom() blocks only before the kernel's pool is ready
 * at boot; where it fails (no such call, a seccomp filter) the process ID
 * and the addresses ASLR picked still differ from one run to the next:
 * weaker, but the map works, and no clock is read (monitors/ reads none).
 */
static void sip_key_init(void)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(sip_key)) {
		n = getrandom((char *)sip_key + got, sizeof(sip_key) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(sip_key)) {
		sip_key[0] ^= (uint64_t)(uintptr_t)&got * 0x9e3779b97f4a7c15ULL;
		sip_key[0] ^= (uint64_t)getpid();
		sip_key[1] ^= (uint64_t)(uintptr_t)sip_key_init * 0xc2b2ae3d27d4eb4fULL;
	}
	__atomic_store_n(&sip_ready, true, __ATOMIC_RELEASE);
}

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

/* The len bytes at p (fewer than 8) as a little-endian number: a jump, not a loop. */
static inline uint64_t load_tail(const unsigned char *p, size_t len)
{
	uint64_t w = 0;

	switch (len) {
	case 7: w |= (uint64_t)p[6] << 48;	/* fall through */
	case 6: w |= (uint64_t)p[5] << 40;	/* fall through */
	case 5: w |= (uint64_t)p[4] << 32;	/* fall through */
	case 4: w |= (uint64_t)p[3] << 24;	/* fall through */
	case 3: w |= (uint64_t)p[2] << 16;	/* fall through */
	case 2: w |= (uint64_t)p[1] << 8;	/* fall through */
	case 1: w |= p[0];
	}
	return w;
}

/* SipHash-1-3: one round per word, three at the end. Inline: every lookup runs it. */
static inline uint64_t siphash13(const uint64_t k[2], const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t v[4] = { k[0] ^ 0x736f6d6570736575ULL, k[1] ^ 0x646f72616e646f6dULL,
			  k[0] ^ 0x6c7967656e657261ULL, k[1] ^ 0x7465646279746573ULL };
	uint64_t m;
	size_t left = len;

	for (; left >= 8; p += 8, left -= 8) {
		memcpy(&m, p, 8);
		m = le64toh(m);
		v[3] ^= m;
		sip_round(v);
		v[0] ^= m;
	}
	m = load_tail(p, left) | (uint64_t)len << 56;
	v[3] ^= m;
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t hmap_siphash(const uint64_t k[2], const void *key, size_t len)
{
	return siphash13(k, key, len);
}

static inline uint32_t hash_of(const void *key, size_t len)
{
	/* the flag spares each lookup pthread_once's call once the key is there */
	if (!__atomic_load_n(&sip_ready, __ATOMIC_ACQUIRE))
		pthread_once(&sip_once, sip_key_init);
	return (uint32_t)siphash13(sip_key, key, len);
}

void hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof(*m));
}

void hmap_release(struct hmap *m)
{
	free(m->buckets);
	hmap_init(m);
}

static struct hmap_node *find(const struct hmap *m, const void *key, size_t len, uint32_t h)
{
	struct hmap_node *n;

	if (!m->nbuckets)
		return NULL;
	for (n = m->buckets[h & (m->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && n->len == len && (len == 0 || memcmp(n->key, key, len) == 0))
			return n;
	return NULL;
}

struct hmap_node *hmap_get(const struct hmap *m, const void *key, size_t len)
{
	if (!m->count || len > HMAP_MAX_KEY)
		return NULL;
	return find(m, key, len, hash_of(key, len));
}

static int grow(struct hmap *m)
{
	size_t nb = m->nbuckets ? m->nbuckets * 2 : 8, i;
	struct hmap_node **b, *n, *next;

	if (nb < m->nbuckets || nb > SIZE_MAX / sizeof(*b))
		return -ENOMEM;
	b = calloc(nb, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (i = 0; i < m->nbuckets; i++)
		for (n = m->buckets[i]; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = nb;
	return 0;
}

int hmap_insert(struct hmap *m, struct hmap_node *n, const void *key, size_t len)
{
	struct hmap_node **b;
	uint32_t h;

	if (len > HMAP_MAX_KEY)
		return -E2BIG;
	h = hash_of(key, len);
	if (find(m, key, len, h))
		return -EEXIST;
	if (m->count + 1 > m->nbuckets && grow(m) < 0)
		return -ENOMEM;
	b = &m->buckets[h & (m->nbuckets - 1)];
	n->key = key;
	n->len = (uint32_t)len;
	n->hash = h;
	n->next = *b;
	*b = n;
	m->count++;
	return 0;
}

void hmap_remove(struct hmap *m, struct hmap_node *n)
{
	struct hmap_node **pp = &m->buckets[n->hash & (m->nbuckets - 1)];

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	m->count--;
}

void hmap_iter_init(struct hmap_iter *it, const struct hmap *m)
{
	it->m = m;
	it->bucket = 0;
	it->next = NULL;
}

struct hmap_node *hmap_next(struct hmap_iter *it)
{
	struct hmap_node *n = it->next;

	while (!n && it->bucket < it->m->nbuckets)
		n = it->m->buckets[it->bucket++];
	if (n)
		it->next = n->next;
	return n;
}
