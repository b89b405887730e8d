/*
 * PCRE2 behind regex.h: the one file of mpmon that includes pcre2.h. Each regex
 * owns its compiled code, a one-pair match data block and a match context with
 * limits, all made at compile time, so matching an event allocates nothing and
 * a catastrophic pattern costs a bounded amount of work. The JIT is put off
 * until a regex has been run REGEX_JIT_AFTER times, and then allocates once:
 * its code, and the first time any regex of the thread needs it, the JIT
 * stack that all of them share (a match uses it only while it runs).
 *
 * A pattern that starts with a plain literal ("Get-OMSSysHeartbeat.*") gets a
 * substring prefilter (str_find): most log lines lack the literal, and a substring search is much cheaper
 * than entering PCRE2; anchored ("^sshd"), the literal is compared at the start
 * only. A longer literal every match holds further in ("^job \d+ failed: volume
 * X" holds " failed: volume X") is looked for instead, so lines that share only
 * the prefix never reach PCRE2. Other patterns fall back to the one byte PCRE2
 * says every match contains (its last or first literal code unit), looked for
 * with memchr.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "rules/regex.h"

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A runaway pattern stops here; see regex.h for the limits that can be set. */
#define HEAP_LIMIT_KIB (64 * 1024)
#define JIT_STACK_MIN (32 * 1024)
#define JIT_STACK_MAX (512 * 1024)

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned runs;			/* PCRE2 runs, counted up to REGEX_JIT_AFTER */
	bool limited;			/* the last search stopped at a limit */
	bool literal;			/* the prefix is the whole pattern */
	bool anchored;			/* the prefix is at the subject's start ("^abc") */
	int required[2];		/* a byte every match holds, in either case; -1: none */
	size_t prefix_len, prefix_rare;	/* str_rare_index of each literal */
	size_t inner_rare;
	const char *inner;		/* a longer literal every match holds; in prefix[] */
	size_t inner_len;		/* 0: none */
	char prefix[];			/* a literal every match contains, then inner */
};

static uint64_t limit_hits;
static uint32_t match_limit = REGEX_DEFAULT_MATCH_LIMIT, depth_limit = REGEX_DEFAULT_DEPTH_LIMIT;

/* The JIT stack of this thread's regexes; made when the first JIT match needs it. */
static _Thread_local pcre2_jit_stack *jit_stack;

void regex_set_limits(uint32_t match, uint32_t depth)
{
	match_limit = match ? match : REGEX_DEFAULT_MATCH_LIMIT;
	depth_limit = depth ? depth : REGEX_DEFAULT_DEPTH_LIMIT;
}

uint64_t regex_limit_hits(void)
{
	return __atomic_load_n(&limit_hits, __ATOMIC_RELAXED);
}

/*
 * Whether the pattern has a '|' outside every group, which would make a prefix
 * optional. Anything this scan does not follow (POSIX classes) answers true, so
 * the prefilter is only ever dropped, never wrong.
 */
static bool top_level_alternation(const char *p, size_t n)
{
	size_t i = 0;
	int depth = 0;

	while (i < n) {
		char c = p[i];

		if (c == '\\') {
			if (i + 1 < n && p[i + 1] == 'Q') {
				/* \Q...\E quotes everything up to \E (or the end). */
				i += 2;
				while (i < n && !(p[i] == '\\' && i + 1 < n && p[i + 1] == 'E'))
					i++;
			}
			i += 2;
			continue;
		}
		if (c == '[') {
			i++;
			if (i < n && p[i] == '^')
				i++;
			if (i < n && p[i] == ']')
				i++;	/* a leading ']' is a member */
			while (i < n && p[i] != ']') {
				if (p[i] == '[' && i + 1 < n && p[i + 1] == ':')
					return true;
				i += p[i] == '\\' ? 2 : 1;
			}
			i++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == '|' && depth == 0)
			return true;
		i++;
	}
	return false;
}

/*
 * The plain literal every match of p must contain at its start, or an empty
 * run: the bytes after an optional leading '^' up to the first metacharacter,
 * less the last one when a quantifier that allows zero of it follows.
 */
static size_t literal_prefix(const char *p, size_t n, size_t *start)
{
	size_t i;

	*start = 0;
	if (top_level_alternation(p, n))
		return 0;
	if (n && p[0] == '^')
		*start = 1;
	for (i = *start; i < n && !strchr("\\^$.[]|()?*+{}", p[i]); i++)
		;
	if (i < n && i > *start && (p[i] == '?' || p[i] == '*' || p[i] == '{'))
		i--;
	return i - *start;
}

/*
 * The end of the class that starts at p[i] ('['): a leading ']' is a member,
 * escapes pair up.
 */
static size_t class_end(const char *p, size_t n, size_t i)
{
	i++;
	if (i < n && p[i] == '^')
		i++;
	if (i < n && p[i] == ']')
		i++;
	while (i < n && p[i] != ']')
		i += p[i] == '\\' ? 2 : 1;
	return i < n ? i + 1 : n;
}

/*
 * The longest run of plain characters every match of p must contain, outside
 * every group, copied to out (n bytes of room); its length, 0 when there is
 * none we can be sure of. A character with a quantifier that allows zero of it
 * ('?', '*', '{') ends a run and is left out; '+' keeps it and ends the run. An
 * escaped punctuation character is itself ("\\." is '.'); any other escape,
 * class, group or '.' ends a run. Patterns with inline options or verbs
 * ("(?i)", "(*UCP)") or \Q...\E get none: they could change what a
 * run means.
 */
static size_t inner_literal(const char *p, size_t n, char *out)
{
	size_t i, run = 0, run_at = 0, best = 0, best_at = 0, depth = 0, k;

	if (top_level_alternation(p, n))
		return 0;
	for (i = 0; i + 1 < n; i++) {
		if (p[i] == '\\' && p[i + 1] == 'Q')
			return 0;
		if (p[i] == '\\')
			i++;
		else if (p[i] == '(' && (p[i + 1] == '?' || p[i + 1] == '*'))
			return 0;
	}
	i = 0;
	while (i < n) {
		char c = p[i];
		size_t next;

		if (c == '[') {
			i = class_end(p, n, i);
			run = 0;
			continue;
		}
		if (c == '(' || c == ')') {
			if (c == '(')
				depth++;
			else if (depth)
				depth--;
			i++;
			run = 0;
			continue;
		}
		if (c == '\\') {
			unsigned char e = i + 1 < n ? (unsigned char)p[i + 1] : 0;

			/* \d, \b, \x41, \1 ...: not a plain character */
			if (!e || (e >= '0' && e <= '9') || ((e | 0x20) >= 'a' && (e | 0x20) <= 'z') ||
			    e >= 0x80) {
				i += 2;
				run = 0;
				continue;
			}
			next = i + 2;
		} else if (strchr("^$.|?*+{}]", c)) {
			i++;
			run = 0;
			continue;
		} else {
			next = i + 1;
		}
		if (depth > 0 ||
		    (next < n && (p[next] == '?' || p[next] == '*' || p[next] == '{'))) {
			/* inside a group, or optional: the quantifier then ends the run */
			i = next;
			run = 0;
			continue;
		}
		if (run == 0)
			run_at = i;
		run++;
		if (run > best) {
			best = run;
			best_at = run_at;
		}
		i = next;
		if (i < n && p[i] == '+')
			run = 0;	/* kept once; what follows may repeat it */
	}
	/* decode the best run: each unit is a character or '\\' and one */
	for (i = best_at, k = 0; k < best; k++) {
		if (p[i] == '\\')
			i++;
		out[k] = p[i++];
	}
	return best;
}

/*
 * The byte PCRE2 knows every match contains: the last literal code unit when
 * there is one, else the first. PCRE2 does not tell whether it was compiled
 * caseless, so a letter is looked for in both cases: the filter may pass a
 * line it could have dropped, never the reverse.
 */
static void set_required(struct regex *re)
{
	uint32_t type = 0, unit = 0;

	re->required[0] = re->required[1] = -1;
	if (pcre2_pattern_info(re->code, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1)
		pcre2_pattern_info(re->code, PCRE2_INFO_LASTCODEUNIT, &unit);
	else if (pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1)
		pcre2_pattern_info(re->code, PCRE2_INFO_FIRSTCODEUNIT, &unit);
	else
		return;
	if (unit > 0xff)
		return;
	re->required[0] = re->required[1] = (int)unit;
	if (unit >= 'a' && unit <= 'z')
		re->required[1] = (int)unit - 'a' + 'A';
	else if (unit >= 'A' && unit <= 'Z')
		re->required[1] = (int)unit - 'A' + 'a';
}

/* Whether s may match as far as the cheap tests can tell. */
static inline bool prefilter(const struct regex *re, const unsigned char *s, size_t len)
{
	if (re->anchored) {
		if (len < re->prefix_len || memcmp(s, re->prefix, re->prefix_len) != 0)
			return false;
	} else if (re->prefix_len && !re->inner_len) {
		return str_find((const char *)s, len, re->prefix, re->prefix_len, re->prefix_rare);
	}
	if (re->inner_len)
		return str_find((const char *)s, len, re->inner, re->inner_len, re->inner_rare);
	if (re->prefix_len)
		return true;
	if (re->required[0] < 0)
		return true;
	return memchr(s, re->required[0], len) ||
	       (re->required[1] != re->required[0] && memchr(s, re->required[1], len));
}

int regex_compile(const char *pattern, size_t n, struct regex **out,
		  char err[REGEX_ERR_LEN])
{
	PCRE2_UCHAR msg[REGEX_ERR_LEN];
	PCRE2_SIZE offset;
	struct regex *re;
	size_t start, plen;
	int code;

	*out = NULL;
	plen = literal_prefix(pattern, n, &start);
	re = calloc(1, sizeof(*re) + plen + 1 + n + 1);
	if (!re)
		return -ENOMEM;
	memcpy(re->prefix, pattern + start, plen);
	re->prefix_len = plen;
	re->literal = plen && start == 0 && plen == n;
	re->anchored = plen && start == 1;
	re->inner = re->prefix + plen + 1;
	re->inner_len = inner_literal(pattern, n, re->prefix + plen + 1);
	/* worth a second look only when longer than the prefix, which it then is not */
	if (re->inner_len <= plen || re->inner_len < 3)
		re->inner_len = 0;
	re->prefix_rare = str_rare_index(re->prefix, plen);
	re->inner_rare = str_rare_index(re->inner, re->inner_len);

	/*
	 * No UTF: log bytes may be invalid UTF-8, which PCRE2 would refuse to
	 * search in UTF mode. NEVER_UTF stops a (*UTF) in the pattern turning it
	 * on behind our back.
	 */
	re->code = pcre2_compile((PCRE2_SPTR)pattern, n, PCRE2_NEVER_UTF, &code, &offset,
				 NULL);
	if (!re->code) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		snprintf(err, REGEX_ERR_LEN, "%.120s at offset %zu", (const char *)msg,
			 (size_t)offset);
		regex_free(re);
		return -EINVAL;
	}
	/* Sized for every capture group, for regex_match; a few bytes per group. */
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->md || !re->mctx)
		goto nomem;
	pcre2_set_match_limit(re->mctx, match_limit);
	pcre2_set_depth_limit(re->mctx, depth_limit);
	pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
	set_required(re);
	*out = re;
	return 0;
nomem:
	regex_free(re);
	return -ENOMEM;
}

/*
 * PCRE2 asks for the JIT stack at each JIT match. Without one (no memory)
 * it uses 32 KiB of the machine stack, so a deep match hits the JIT stack
 * limit sooner and counts as a limit hit: a failure to allocate here is not
 * an error.
 */
static pcre2_jit_stack *thread_jit_stack(void *unused)
{
	(void)unused;
	if (!jit_stack)
		jit_stack = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
	return jit_stack;
}

/* pcre2_match on s, JIT-compiling re first when this is its REGEX_JIT_AFTER-th run. */
static int run(struct regex *re, PCRE2_SPTR s, size_t len)
{
	/* JIT is an optimisation: without it (no JIT on this CPU, no memory) we interpret. */
	if (re->runs < REGEX_JIT_AFTER && ++re->runs == REGEX_JIT_AFTER &&
	    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0)
		pcre2_jit_stack_assign(re->mctx, thread_jit_stack, NULL);
	return pcre2_match(re->code, s, len, 0, 0, re->md, re->mctx);
}

static void count_limit(struct regex *re, int rc)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		re->limited = true;
		__atomic_add_fetch(&limit_hits, 1, __ATOMIC_RELAXED);
		break;
	}
}

bool regex_limited(const struct regex *re)
{
	return re->limited;
}

bool regex_search(struct regex *re, struct str s)
{
	PCRE2_SPTR subject = (PCRE2_SPTR)(s.p ? s.p : "");
	int rc;

	re->limited = false;
	if (!prefilter(re, subject, s.len))
		return false;
	/* A pattern without metacharacters matches wherever the prefilter found it. */
	if (re->literal)
		return true;
	rc = run(re, subject, s.len);
	if (rc >= 0)
		return true;
	count_limit(re, rc);
	return false;
}

bool regex_match(struct regex *re, struct str s, struct str *groups, unsigned n)
{
	PCRE2_SPTR subject = (PCRE2_SPTR)(s.p ? s.p : "");
	PCRE2_SIZE *ov;
	unsigned k;
	int rc;

	re->limited = false;
	if (!prefilter(re, subject, s.len))
		return false;
	rc = run(re, subject, s.len);
	if (rc < 0) {
		count_limit(re, rc);
		return false;
	}
	/* rc is one more than the highest group set; 0 would mean too few pairs. */
	ov = pcre2_get_ovector_pointer(re->md);
	for (k = 0; k < n; k++) {
		if (k < (unsigned)rc && ov[2 * k] != PCRE2_UNSET)
			groups[k] = (struct str){ (const char *)subject + ov[2 * k],
						  ov[2 * k + 1] - ov[2 * k] };
		else
			groups[k] = (struct str){ NULL, 0 };
	}
	return true;
}

struct str regex_literal(const struct regex *re)
{
	if (re->inner_len)
		return (struct str){ re->inner, re->inner_len };
	return (struct str){ re->prefix, re->prefix_len };
}

unsigned regex_ngroups(const struct regex *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
	return n;
}

unsigned regex_nnames(const struct regex *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &n);
	return n;
}

const char *regex_name(const struct regex *re, unsigned i, unsigned *group)
{
	PCRE2_SPTR table = NULL;
	uint32_t size = 0;
	PCRE2_SPTR e;

	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	/* Each entry: the group number in two bytes, big-endian, then the name. */
	e = table + (size_t)i * size;
	*group = (unsigned)e[0] << 8 | e[1];
	return (const char *)e + 2;
}

void regex_free(struct regex *re)
{
	if (!re)
		return;
	pcre2_match_context_free(re->mctx);
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}

/*
 * The quantifier at p[i], if there is one: *len its length (0 for none), and
 * whether it repeats without bound and gives back what it took.
 */
static bool unbounded_repeat(const char *p, size_t n, size_t i, size_t *len)
{
	bool unbounded = false, digits = false, comma = false, max = false;
	size_t j = i + 1;

	*len = 0;
	if (i >= n)
		return false;
	if (p[i] == '*' || p[i] == '+') {
		unbounded = true;
	} else if (p[i] == '{') {
		for (; j < n && p[j] >= '0' && p[j] <= '9'; j++)
			digits = true;
		if (j < n && p[j] == ',')
			for (comma = true, j++; j < n && p[j] >= '0' && p[j] <= '9'; j++)
				max = true;
		if (!digits || j >= n || p[j] != '}')
			return false;	/* a '{' that is no quantifier is itself */
		unbounded = comma && !max;
		j++;
	} else if (p[i] != '?') {
		return false;
	}
	if (j < n && p[j] == '+') {
		unbounded = false;	/* possessive */
		j++;
	} else if (j < n && p[j] == '?') {
		j++;			/* lazy: backtracks all the same */
	}
	*len = j - i;
	return unbounded;
}

/* Past a group's "(?..." head at p[i] ('('): where its content starts; *atomic for "(?>". */
static size_t group_start(const char *p, size_t n, size_t i, bool *atomic)
{
	size_t j = i + 1;

	*atomic = false;
	if (j >= n || p[j] != '?')
		return j;
	j++;
	if (j < n && p[j] == '>')
		*atomic = true;
	if (j < n && strchr(":>=!|", p[j]))
		return j + 1;
	if (j + 1 < n && p[j] == '<' && (p[j + 1] == '=' || p[j + 1] == '!'))
		return j + 2;
	if (j < n && (p[j] == '<' || p[j] == '\'' || p[j] == 'P')) {
		char close = p[j] == '\'' ? '\'' : '>';

		for (j++; j < n && p[j] != close; j++)
			;
		return j < n ? j + 1 : n;
	}
	/* inline options, "(?i)" or "(?i-m:" */
	while (j < n && (((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z') || p[j] == '-'))
		j++;
	return j < n && p[j] == ':' ? j + 1 : j;
}

#define NEST_MAX 64	/* groups deeper than this are not followed */

bool regex_nested_quantifier(const char *p, size_t n, size_t *at)
{
	struct { size_t open; bool atomic, repeats; } st[NEST_MAX + 1];
	size_t top = 0, i = 0, q;
	bool unb;

	st[0].open = 0;
	st[0].atomic = st[0].repeats = false;
	while (i < n) {
		char c = p[i];

		if (c == '(' && i + 2 < n && p[i + 1] == '?' && p[i + 2] == '#') {
			while (i < n && p[i] != ')')
				i++;	/* a comment */
			i++;
			continue;
		}
		if (c == '(') {
			if (top == NEST_MAX)
				return false;
			top++;
			st[top].open = i;
			st[top].repeats = false;
			i = group_start(p, n, i, &st[top].atomic);
			continue;
		}
		if (c == ')' && top > 0) {
			bool inner = st[top].repeats && !st[top].atomic;

			unb = unbounded_repeat(p, n, i + 1, &q);
			if (unb && inner) {
				*at = st[top].open;
				return true;
			}
			top--;
			st[top].repeats |= inner || unb;
			i += 1 + q;
			continue;
		}
		if (c == '|' || c == '^' || c == '$' || c == ')') {
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < n && p[i + 1] == 'Q') {
			for (i += 2; i < n && !(p[i] == '\\' && i + 1 < n && p[i + 1] == 'E'); i++)
				;
			i = i < n ? i + 2 : n;
		} else if (c == '\\') {
			i += 2;
		} else if (c == '[') {
			i = class_end(p, n, i);
		} else {
			i++;
		}
		/* the atom just passed, and its quantifier */
		unb = unbounded_repeat(p, n, i, &q);
		st[top].repeats |= unb;
		i += q;
	}
	return false;
}
