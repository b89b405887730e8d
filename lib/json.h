/*
 * Writing JSON text: the replay contract and the state file are JSON, and their
 * strings come from logs, so every string goes through one escaper.
 */
#ifndef MPMON_LIB_JSON_H
#define MPMON_LIB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Append s (n bytes) as a quoted JSON string. Control characters are escaped and
 * bytes that are not valid UTF-8 become U+FFFD, so the output is always valid
 * JSON. s may be NULL (written as ""). Return 0 or -ENOMEM.
 */
int json_string(struct buf *b, const char *s, size_t n);
int json_cstring(struct buf *b, const char *s);

/*
 * Object writing: json_key() writes the separator when needed, the quoted key
 * and the colon; *first tracks whether a member was written yet.
 */
int json_key(struct buf *b, bool *first, const char *key);
int json_member_str(struct buf *b, bool *first, const char *key, const char *s, size_t n);
int json_member_cstr(struct buf *b, bool *first, const char *key, const char *s);
int json_member_i64(struct buf *b, bool *first, const char *key, int64_t v);
int json_member_u64(struct buf *b, bool *first, const char *key, uint64_t v);
int json_member_bool(struct buf *b, bool *first, const char *key, bool v);
int json_member_double(struct buf *b, bool *first, const char *key, double v);

#endif
