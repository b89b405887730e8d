/*
 * The hash map every layer uses: byte-string keys (pointer and length, NUL
 * bytes allowed), chained buckets, and nodes embedded in the caller's own
 * structs, so that a lookup never allocates and an entry costs no allocation
 * of the map's. Keys are hashed with SipHash-1-3 under a 128-bit key drawn
 * from getrandom() once per process: map keys come from log content, and an
 * attacker who cannot predict the hash cannot fill one bucket.
 *
 *	struct item { struct hmap_node node; ... char name[]; };
 *	struct hmap_node *n = hmap_get(&m, "x", 1);
 *	struct item *it = n ? HMAP_ENTRY(n, struct item, node) : NULL;
 */
#ifndef MPMON_LIB_HMAP_H
#define MPMON_LIB_HMAP_H

#include <stddef.h>
#include <stdint.h>

/* The largest key: a node keeps its key's length in 32 bits. */
#define HMAP_MAX_KEY UINT32_MAX

/* Embedded in an entry; hmap_insert fills it in, the caller reads only key and len. */
struct hmap_node {
	struct hmap_node *next;		/* in its bucket */
	const void *key;		/* borrowed: must stay put while the node is in a map */
	uint32_t len;
	uint32_t hash;
};

/* Zeroed (hmap_init, or `= { 0 }`) it is empty and holds no memory. */
struct hmap {
	struct hmap_node **buckets;	/* nbuckets of them, a power of two, or none */
	size_t nbuckets, count;
};

/* The entry of type whose member node is. */
#define HMAP_ENTRY(node, type, member) ((type *)(void *)((char *)(node) - offsetof(type, member)))

void hmap_init(struct hmap *m);

/* Free the buckets; the nodes are the caller's. m is empty afterwards. */
void hmap_release(struct hmap *m);

/* The node whose key is the len bytes at key, or NULL. Never allocates. */
struct hmap_node *hmap_get(const struct hmap *m, const void *key, size_t len);

/*
 * Put node n in m under the len bytes at key, which n borrows until it is
 * removed. The buckets double when the map would hold more entries than
 * buckets. Returns 0; -EEXIST when the key is there already, -ENOMEM when
 * the buckets cannot grow, -E2BIG when len passes HMAP_MAX_KEY (in each case
 * m is unchanged).
 */
int hmap_insert(struct hmap *m, struct hmap_node *n, const void *key, size_t len);

/* Take node n, which is in m, out of it (the caller may then free n). */
void hmap_remove(struct hmap *m, struct hmap_node *n);

/*
 * A walk of every node in no particular order (it differs between
 * processes). The node hmap_next returned may be removed and freed before
 * the next call; any other change to the map ends the walk's validity.
 */
struct hmap_iter {
	const struct hmap *m;
	size_t bucket;
	struct hmap_node *next;
};

void hmap_iter_init(struct hmap_iter *it, const struct hmap *m);

/* The walk's next node, or NULL when there is none left. */
struct hmap_node *hmap_next(struct hmap_iter *it);

/*
 * SipHash-1-3 of the len bytes at p under key k (k[0] from the key's first
 * eight bytes, little-endian): the map's hash, here so that tests can check
 * it against the published values.
 */
uint64_t hmap_siphash(const uint64_t k[2], const void *p, size_t len);

#endif
