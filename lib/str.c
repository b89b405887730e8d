/*
 * Slice helpers. Number parsing works on slices (no NUL terminator needed) and
 * accepts only whole, in-range numbers, as SCOM's typed comparisons do.
 */
#include "lib/str.h"

#include "lib/buf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct str str_of(const char *s)
{
	struct str r = { s, s ? strlen(s) : 0 };
	return r;
}

bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *s)
{
	return str_eq(a, str_of(s));
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

struct str str_trim(struct str s)
{
	while (s.len && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

static bool parse_u64(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool str_to_u64(struct str s, uint64_t *out)
{
	s = str_trim(s);
	if (s.len && s.p[0] == '+') {
		s.p++;
		s.len--;
	}
	return s.p && parse_u64(s.p, s.len, out);
}

bool str_to_i64(struct str s, int64_t *out)
{
	bool neg = false;
	uint64_t v;

	s = str_trim(s);
	if (!s.p)
		return false;
	if (s.len && (s.p[0] == '-' || s.p[0] == '+')) {
		neg = s.p[0] == '-';
		s.p++;
		s.len--;
	}
	if (!parse_u64(s.p, s.len, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

bool str_to_double(struct str s, double *out)
{
	char tmp[64], *end;
	double v;

	s = str_trim(s);
	if (!s.p || s.len == 0 || s.len >= sizeof(tmp))
		return false;
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (*end || errno == ERANGE || isnan(v))
		return false;
	*out = v;
	return true;
}

int str_commonness(unsigned char c)
{
	if (c == ' ')
		return 9;
	if (strchr("etaoinsrhl", c) && c)
		return 7;
	if (c >= 'a' && c <= 'z')
		return 5;
	if (c >= '0' && c <= '9')
		return 4;
	if (c >= 'A' && c <= 'Z')
		return 3;
	return 1;
}

size_t str_rare_index(const char *needle, size_t m)
{
	size_t i, best = 0;
	int least = m ? str_commonness((unsigned char)needle[0]) : 0;

	for (i = 1; i < m && least > 1; i++) {
		int c = str_commonness((unsigned char)needle[i]);

		if (c < least) {
			best = i;
			least = c;
		}
	}
	return best;
}

const char *str_find(const char *hay, size_t n, const char *needle, size_t m, size_t rare)
{
	const char *p, *end;

	if (m == 0)
		return hay;
	if (m > n)
		return NULL;
	/* the rare byte's place in a match lies in [rare, n - m + rare] */
	p = hay + rare;
	end = hay + (n - m) + rare + 1;
	while (p < end && (p = memchr(p, (unsigned char)needle[rare], (size_t)(end - p)))) {
		const char *at = p - rare;

		if (memcmp(at, needle, m) == 0)
			return at;
		p++;
	}
	return NULL;
}

uint64_t str_hash(struct str s)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < s.len; i++) {
		h ^= (unsigned char)s.p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

size_t str_utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * What str_escape and str_put_printable let through: the length of the
 * printable character at s (a UTF-8 sequence, tab included), or 0 for a byte
 * written as \xNN (another control character, DEL, a byte that is not UTF-8).
 */
static size_t printable_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	return (c < 0x20 && c != '\t') || c == 0x7f ? 0 : str_utf8_len(s, n);
}

size_t str_escape(char *out, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, o = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		k = printable_len(s + i, n - i);
		if (k == 0) {
			if (o + 4 >= cap)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
			i++;
			continue;
		}
		if (o + k >= cap)
			break;
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return i;
}

int str_put_printable(struct buf *b, const char *p, size_t n, size_t *width)
{
	size_t i = 0, k, w = 0;
	int r = 0;

	while (i < n && r == 0) {
		unsigned char c = (unsigned char)p[i];

		k = printable_len(p + i, n - i);
		if (k == 0) {
			r = buf_printf(b, "\\x%02x", c);
			w += 4;
			i++;
			continue;
		}
		r = buf_append(b, p + i, k);
		w++;
		i += k;
	}
	if (width)
		*width = w;
	return r;
}

size_t str_distance(struct str a, struct str b, size_t max)
{
	size_t row[3][STR_DISTANCE_MAX + 1], i, j, best;
	size_t *prev2 = row[0], *prev = row[1], *cur = row[2], *t;

	if (str_eq(a, b))
		return 0;
	if (a.len > STR_DISTANCE_MAX || b.len > STR_DISTANCE_MAX ||
	    (a.len > b.len ? a.len - b.len : b.len - a.len) > max)
		return max + 1;
	for (j = 0; j <= b.len; j++)
		prev[j] = j;
	for (i = 1; i <= a.len; i++) {
		cur[0] = best = i;
		for (j = 1; j <= b.len; j++) {
			size_t cost = a.p[i - 1] != b.p[j - 1], v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			/* two neighbours swapped */
			if (i > 1 && j > 1 && a.p[i - 1] == b.p[j - 2] &&
			    a.p[i - 2] == b.p[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		/* every later row is at least this row's least */
		if (best > max)
			return max + 1;
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[b.len] > max ? max + 1 : prev[b.len];
}

const char *str_nearest(struct str s, const char *const *names)
{
	size_t max = s.len / 4, best = max + 1, k, i;
	const char *found = NULL;

	for (i = 0; names && names[i] && max; i++) {
		k = str_distance(s, str_of(names[i]), best - 1 < max ? best - 1 : max);
		if (k > 0 && k < best) {
			best = k;
			found = names[i];
		}
	}
	return found;
}
