/*
 * The table of input formats. A new format is one format_<name>.c defining
 * format_<name>, one declaration in format.h and one line here; --format and
 * the help text find it through this table.
 */
#include "rules/format.h"

#include "lib/str.h"
#include "rules/event.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct format *const formats[] = {
	&format_json,
	&format_syslog,
	&format_kv,
	&format_applelog,
	&format_regex,
	NULL,
};

/* Room for the names format_field_nearest weighs. */
#define FIELD_NAMES_MAX 128

static size_t add_names(const char **v, size_t n, const char *const *names)
{
	for (; names && *names && n < FIELD_NAMES_MAX; names++)
		v[n++] = *names;
	return n;
}

const char *format_field_nearest(const char *s, size_t len)
{
	const char *v[FIELD_NAMES_MAX + 1];
	struct str name = { s, len };
	size_t n = 0, i;

	n = add_names(v, n, event_names);
	n = add_names(v, n, event_journal_fields);
	for (i = 0; formats[i]; i++)
		n = add_names(v, n, formats[i]->fields);
	v[n] = NULL;
	for (i = 0; i < n; i++)
		if (str_eq_cstr(name, v[i]))
			return NULL;
	return str_nearest(name, v);
}

const struct format *format_find(const char *name)
{
	size_t i;

	for (i = 0; name && formats[i]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

int format_fail(char err[FORMAT_ERR_LEN], size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(err, FORMAT_ERR_LEN, fmt, ap);
	va_end(ap);
	if (n >= 0 && n < FORMAT_ERR_LEN)
		snprintf(err + n, FORMAT_ERR_LEN - (size_t)n, " at column %zu", at + 1);
	return -EINVAL;
}

void format_free(struct format *fmt)
{
	if (fmt && fmt->release)
		fmt->release(fmt);
}

const char *format_names(void)
{
	/*
	 * Built from the table so the list cannot drift from it. Every call writes
	 * the same bytes, and callers only need it for help and error messages.
	 */
	static char names[256];
	size_t i, len = 0;

	if (names[0])
		return names;
	for (i = 0; formats[i]; i++) {
		size_t n = strlen(formats[i]->name);

		if (len + n + 3 > sizeof(names))
			break;
		if (i) {
			memcpy(names + len, ", ", 2);
			len += 2;
		}
		memcpy(names + len, formats[i]->name, n);
		len += n;
	}
	names[len] = '\0';
	return names;
}
