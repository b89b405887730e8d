/*
 * make bench's journal baseline: the bare sd-journal loop over a folder of
 * journal files, reading per entry what mpmon's journal source needs for the
 * shipped packs: sd_journal_next, then sd_journal_get_data of MESSAGE,
 * SYSLOG_IDENTIFIER, _HOSTNAME and PRIORITY, and sd_journal_get_realtime_usec.
 * No event, no matching: the floor of reading those fields. Prints the number
 * of entries and the bytes of the fields it read. Compiled by bench/journal.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-journal.h>

static const char *const fields[] = { "MESSAGE", "SYSLOG_IDENTIFIER", "_HOSTNAME", "PRIORITY" };

int main(int argc, char **argv)
{
	sd_journal *j;
	uint64_t entries = 0, bytes = 0, us, t = 0;
	size_t i;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: journal-loop FOLDER\n");
		return 2;
	}
	r = sd_journal_open_directory(&j, argv[1], 0);
	if (r < 0) {
		fprintf(stderr, "journal-loop: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	while ((r = sd_journal_next(j)) > 0) {
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			const void *data;
			size_t len;

			if (sd_journal_get_data(j, fields[i], &data, &len) >= 0)
				bytes += len;
		}
		if (sd_journal_get_realtime_usec(j, &us) >= 0)
			t += us;
		entries++;
	}
	sd_journal_close(j);
	if (r < 0) {
		fprintf(stderr, "journal-loop: %s\n", strerror(-r));
		return 1;
	}
	printf("%ju entries, %ju bytes (%jx)\n", (uintmax_t)entries, (uintmax_t)bytes, (uintmax_t)t);
	return 0;
}
