/*
 * This file is mpmond's logger (log.h). It is the one place the daemon's
 * messages leave by, so escaping them and choosing between stderr and the
 * journal happen once; it lives outside mpmond.c so that the daemon's other
 * files need nothing of the event loop's to log.
 */
#include "collector/log.h"

#include "lib/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

static bool log_to_journal;
static int log_level = LOG_INFO;

void daemon_log_setup(bool to_journal, int level)
{
	log_to_journal = to_journal;
	log_level = level;
}

void daemon_logger(int priority, const char *msg)
{
	char text[4 * 2048 + 1];

	if (priority > log_level)
		return;
	/*
	 * Messages carry file names and text from the logs: escaped, a log line
	 * can neither forge a line of ours (a newline, a terminal escape) nor
	 * turn the message into binary for the journal.
	 */
	str_escape(text, sizeof(text), msg, strlen(msg));
	if (log_to_journal)
		sd_journal_print(priority, "%s", text);
	else
		fprintf(stderr, "mpmond: %s\n", text);
}

void daemon_log(int priority, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	daemon_logger(priority, msg);
}
