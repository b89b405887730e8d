/*
 * mpmond's log: its messages go to stderr ("mpmond: ..."), or to the journal
 * when systemd runs it with stderr there. checkpoint.c, control.c,
 * daemon_action.c and mpmond.c log through it; the sources through
 * source_logger, which main points at daemon_logger.
 */
#ifndef MPMON_COLLECTOR_LOG_H
#define MPMON_COLLECTOR_LOG_H

#include <stdbool.h>

/*
 * Log to the journal (to_journal) or stderr, messages of priority level
 * (LOG_INFO, LOG_DEBUG) or more urgent. Until called: stderr, LOG_INFO.
 */
void daemon_log_setup(bool to_journal, int level);

/* Log msg at priority (LOG_ERR ...), escaped: text from logs cannot forge a line. */
void daemon_logger(int priority, const char *msg);

/* daemon_logger of the formatted text, cut at 2047 bytes. */
void daemon_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
