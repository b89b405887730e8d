#include "pipeline/notes.h"

#include "lib/buf.h"
#include "monitors/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The key of (monitor, computer, instance) in key: -E2BIG when it does not fit. */
static int note_key(char key[NOTE_KEY_MAX], const char *mon, const char *comp, size_t comp_len,
		    const char *inst, size_t inst_len, size_t *kl)
{
	size_t ml = strlen(mon);

	*kl = ml + 1 + comp_len + 1 + inst_len;
	if (*kl > NOTE_KEY_MAX)
		return -E2BIG;
	memcpy(key, mon, ml + 1);
	memcpy(key + ml + 1, comp, comp_len);
	key[ml + 1 + comp_len] = '\0';
	memcpy(key + ml + 2 + comp_len, inst, inst_len);
	return 0;
}

const struct note *notes_find(const struct notes *n, const char *monitor, const char *computer,
			      size_t computer_len, const char *instance, size_t instance_len)
{
	char key[NOTE_KEY_MAX];
	struct hmap_node *e;
	size_t kl;

	if (note_key(key, monitor, computer, computer_len, instance, instance_len, &kl) < 0)
		return NULL;
	e = hmap_get(&n->map, key, kl);
	return e ? HMAP_ENTRY(e, struct note, node) : NULL;
}

/* The note of key (kl bytes), added when missing; NULL: -ENOSPC or -ENOMEM in *r. */
static struct note *note_get(struct notes *n, const char *key, size_t kl, int *r)
{
	struct hmap_node *h = hmap_get(&n->map, key, kl);
	struct note *e;

	if (h)
		return HMAP_ENTRY(h, struct note, node);
	*r = -ENOSPC;
	if (n->map.count >= NOTES_MAX)
		return NULL;
	*r = -ENOMEM;
	e = calloc(1, sizeof(*e) + kl);
	if (!e)
		return NULL;
	memcpy(e->key, key, kl);
	if (hmap_insert(&n->map, &e->node, e->key, kl) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

int notes_record(struct notes *n, const struct state_change *c)
{
	size_t a = strlen(c->message) + 1, b = strlen(c->diagnosis) + 1;
	size_t rl = strlen(c->resolution) + 1, kl;
	char key[NOTE_KEY_MAX];
	struct note *e;
	char *p;
	int r;

	if (note_key(key, c->monitor_id, c->computer, c->computer_len, c->instance,
		     c->instance_len, &kl) < 0)
		return -E2BIG;
	p = malloc(a + b + rl);
	if (!p)
		return -ENOMEM;
	e = note_get(n, key, kl, &r);
	if (!e) {
		free(p);
		return r;
	}
	free(e->message);
	e->message = p;
	memcpy(e->message, c->message, a);
	e->diagnosis = e->message + a;
	memcpy(e->diagnosis, c->diagnosis, b);
	e->resolution = e->diagnosis + b;
	memcpy(e->resolution, c->resolution, rl);
	return 0;
}

void notes_release(struct notes *n)
{
	struct hmap_iter it;
	struct hmap_node *e;

	hmap_iter_init(&it, &n->map);
	while ((e = hmap_next(&it))) {
		free(HMAP_ENTRY(e, struct note, node)->message);
		free(HMAP_ENTRY(e, struct note, node));
	}
	hmap_release(&n->map);
}

/* Escape \, tab and newline so a field stays on its line; then sep. */
static int put_field(struct buf *b, const char *s, size_t n, char sep)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		if (s[i] == '\\')
			r = buf_puts(b, "\\\\");
		else if (s[i] == '\t')
			r = buf_puts(b, "\\t");
		else if (s[i] == '\n')
			r = buf_puts(b, "\\n");
		else
			r = buf_putc(b, s[i]);
	}
	return r ? r : buf_putc(b, sep);
}

int notes_save(const struct notes *n, struct buf *out)
{
	struct hmap_iter it;
	struct hmap_node *h;
	int r = 0;

	hmap_iter_init(&it, &n->map);
	while (r == 0 && (h = hmap_next(&it))) {
		const struct note *e = HMAP_ENTRY(h, struct note, node);
		size_t ml = strlen(e->key), cl = strlen(e->key + ml + 1);

		r = buf_puts(out, "note ");
		r = r ? r : put_field(out, e->key, ml, '\t');
		r = r ? r : put_field(out, e->key + ml + 1, cl, '\t');
		r = r ? r : put_field(out, e->key + ml + cl + 2, e->node.len - ml - cl - 2, '\t');
		r = r ? r : put_field(out, e->message, strlen(e->message), '\t');
		r = r ? r : put_field(out, e->diagnosis, strlen(e->diagnosis), '\t');
		r = r ? r : put_field(out, e->resolution, strlen(e->resolution), '\n');
	}
	return r;
}

/*
 * Unescape s in place into its tab-separated fields: six (monitor, computer,
 * instance, texts) or five (without computer). The count, or -EINVAL.
 */
static int split_fields(char *s, char *f[6], size_t len[6])
{
	char *w = s, *p;
	size_t k = 0;

	f[0] = s;
	for (p = s; *p; p++) {
		if (*p == '\t') {
			if (k == 5)
				return -EINVAL;
			len[k] = w - f[k];
			*w++ = '\0';
			f[++k] = w;
		} else if (*p == '\\' && (p[1] == '\\' || p[1] == 't' || p[1] == 'n')) {
			p++;
			*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : '\\';
		} else {
			*w++ = *p;
		}
	}
	len[k] = w - f[k];
	*w = '\0';
	return k < 4 ? -EINVAL : (int)k + 1;
}

int notes_restore(struct notes *n, const char *line)
{
	char *copy = strdup(line), *f[6];
	size_t len[6];
	struct state_change c;
	int k, r;

	if (!copy)
		return -ENOMEM;
	k = split_fields(copy, f, len);
	if (k < 0) {
		free(copy);
		return k;
	}
	memset(&c, 0, sizeof(c));
	c.monitor_id = f[0];
	c.computer = k == 6 ? f[1] : "";
	c.computer_len = k == 6 ? len[1] : 0;
	c.instance = f[k - 4];
	c.instance_len = len[k - 4];
	c.message = f[k - 3];
	c.diagnosis = f[k - 2];
	c.resolution = f[k - 1];
	r = notes_record(n, &c);
	free(copy);
	return r == -ENOMEM ? r : 0;
}
