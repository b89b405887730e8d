/*
 * Seeds for the checkpoint fuzz target: replay each JSON events file given on
 * the command line through the engine of the test packs and write the
 * checkpoint after it to DIR/<n>, so the fuzzer starts from real checkpoints of
 * every monitor type. Usage: checkpoint_seeds DIR EVENTS.jsonl...
 */
#include "tests/fuzz/fuzz.h"

#include "lib/buf.h"
#include "lib/file.h"
#include "monitors/engine.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct engine *e;
	struct buf b;
	char path[4096];
	size_t len;
	char *text;
	FILE *f;
	int i;

	for (i = 2; i < argc; i++) {
		if (file_read_all(argv[i], 1 << 20, &text, &len) < 0)
			continue;
		e = fuzz_test_engine(NULL, NULL);
		buf_init(&b);
		fuzz_feed_json(e, text, len);
		if (e && engine_save(e, &b) == 0) {
			snprintf(path, sizeof(path), "%s/seed-%d", argv[1], i - 1);
			f = fopen(path, "w");
			if (f) {
				fwrite(b.data, 1, b.len, f);
				fclose(f);
			}
		}
		buf_release(&b);
		engine_free(e);
		free(text);
	}
	return 0;
}
