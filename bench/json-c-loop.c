/*
 * make bench's JSON baseline: a bare parse loop with json-c over a file of JSON
 * lines: read in 64 KiB blocks, split at newlines with memchr, parse each line
 * with json_tokener_parse_ex (one tokener, reset per line), free the object.
 * Prints the number of objects parsed. Compiled by bench/json.sh only.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t start = 0, end = 0;
	long objects = 0, bad = 0;
	struct json_tokener *tok = json_tokener_new();
	int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;
	ssize_t n;

	if (fd < 0 || !tok) {
		fprintf(stderr, "usage: json-c-loop FILE\n");
		return 2;
	}
	for (;;) {
		char *nl;

		while ((nl = memchr(buf + start, '\n', end - start))) {
			struct json_object *o;

			json_tokener_reset(tok);
			o = json_tokener_parse_ex(tok, buf + start, (int)(nl - buf - start));
			if (o && json_object_is_type(o, json_type_object))
				objects++;
			else
				bad++;
			json_object_put(o);
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, end - start);
		end -= start;
		start = 0;
		n = read(fd, buf + end, sizeof(buf) - end);
		if (n <= 0)
			break;
		end += (size_t)n;
	}
	json_tokener_free(tok);
	printf("%ld objects, %ld bad\n", objects, bad);
	return 0;
}
