/*
 * The JSON reader the JSON-based input formats share (format_json.c,
 * format_applelog.c): RFC 8259's grammar, strictly, over one writable line.
 * It never allocates: strings are unescaped in place (the unescaped text is
 * never longer than the escaped one) and values are slices into the line. The
 * formats differ only in what they make of each member, so the reader walks
 * objects and arrays and hands every member or element to a callback.
 *
 * Bytes of 0x80 and above pass through unchecked: logs carry invalid UTF-8 and
 * everything downstream treats values as bytes. Escapes, which we decode
 * ourselves, must form valid code points (no lone surrogates).
 *
 * Errors are -EINVAL with "MESSAGE at column N" in err (FORMAT_ERR_LEN bytes;
 * err may be NULL).
 */
#ifndef MPMON_RULES_JSON_SCAN_H
#define MPMON_RULES_JSON_SCAN_H

#include <stddef.h>

#include "lib/str.h"

struct json_scan {
	char *s;
	size_t len;
	size_t i;		/* read position */
	char *err;		/* FORMAT_ERR_LEN bytes, or NULL */
	unsigned depth;		/* of json_scan_skip's nesting */
};

/* Longest key quoted in a message, so the column still fits in it. */
#define JSON_SCAN_KEY_SHOWN 48

/* How deep json_scan_skip follows nested values before calling the line bad. */
#define JSON_SCAN_MAX_DEPTH 32

enum json_scalar { JSON_SCALAR_VALUE, JSON_SCALAR_NULL, JSON_SCALAR_NESTED };

/* Record "MESSAGE at column at+1" in js->err; returns -EINVAL. */
int json_scan_fail(struct json_scan *js, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A whole line holding one object: white space, the object, white space.
 * "empty line" (no column) when there is nothing but white space, "expected an
 * object", "trailing characters after object".
 *
 * member is called for each member of the object with js->i at the start of its
 * value (white space skipped). It must read the value (json_scan_scalar,
 * json_scan_array, json_scan_skip) and return 0 or a negative errno, which
 * stops the walk. key is unescaped; key_at is the column of its quote, from 0.
 */
int json_scan_line(struct json_scan *js,
		   int (*member)(struct json_scan *js, struct str key, size_t key_at, void *arg),
		   void *arg);

/*
 * The string, number, true, false or null at js->i as *out (true and false as
 * their text, null as JSON_SCALAR_NULL). An array or object is left unread as
 * JSON_SCALAR_NESTED for the caller to judge.
 */
int json_scan_scalar(struct json_scan *js, struct str *out, enum json_scalar *kind);

/*
 * The array whose '[' is at js->i, one call of element per element, with js->i
 * at the element, which element must read as member does its value.
 */
int json_scan_array(struct json_scan *js, int (*element)(struct json_scan *js, void *arg),
		    void *arg);

/*
 * The object whose '{' is at js->i, one call of member per member, as for
 * json_scan_line's object.
 */
int json_scan_object(struct json_scan *js,
		     int (*member)(struct json_scan *js, struct str key, size_t key_at, void *arg),
		     void *arg);

/*
 * Read over the value at js->i, nested or not, checking its grammar; deeper than
 * JSON_SCAN_MAX_DEPTH is an error ("nesting too deep").
 */
int json_scan_skip(struct json_scan *js);

#endif
