/*
 * The OIDs of MPMON-MIB (mibs/MPMON-MIB.txt) the trap sender puts on the wire.
 * The enterprise root is defined here once, as in the MIB: moving mpmon under a
 * real IANA Private Enterprise Number changes TRAP_OID_ROOT and
 * TRAP_OID_ROOT_TEXT here and the mpmonMIB line of the MIB (README, "SNMP").
 * 32473 is the number RFC 5612 reserves for documentation: a placeholder.
 * Plain integers, no net-snmp type, so tests and tools can include it.
 */
#ifndef MPMON_COLLECTOR_TRAP_OID_H
#define MPMON_COLLECTOR_TRAP_OID_H

/* mpmonMIB: enterprises.32473 */
#define TRAP_OID_ROOT		1, 3, 6, 1, 4, 1, 32473
#define TRAP_OID_ROOT_LEN	7
#define TRAP_OID_ROOT_TEXT	"1.3.6.1.4.1.32473"

/* Arcs under the root: notifications under .0, objects under .1. */
#define TRAP_ARC_NOTIFICATIONS	0
#define TRAP_ARC_OBJECTS	1

/* mpmonNotifications.N */
enum trap_notification_id {
	TRAP_N_HEALTH_STATE_CHANGE = 1,
	TRAP_N_ALERT_RESOLVED = 2,
	TRAP_N_AGENT_START = 3,
	TRAP_N_AGENT_HEARTBEAT = 4,
	TRAP_N_STORM_SUMMARY = 5,
	TRAP_N_ACTION_RESULT = 6,
	TRAP_N_RULE_ALERT = 7,
	TRAP_N_ROLLUP_CHANGE = 8,
};

/* mpmonObjects.N */
enum trap_object_id {
	TRAP_O_MONITOR_ID = 1,
	TRAP_O_DISPLAY_NAME = 2,
	TRAP_O_TARGET = 3,
	TRAP_O_INSTANCE = 4,
	TRAP_O_HOST = 5,
	TRAP_O_PREVIOUS_STATE = 6,
	TRAP_O_NEW_STATE = 7,
	TRAP_O_SEVERITY = 8,
	TRAP_O_PRIORITY = 9,
	TRAP_O_ALERT_MESSAGE = 10,
	TRAP_O_DIAGNOSIS = 11,
	TRAP_O_RESOLUTION = 12,
	TRAP_O_KNOWLEDGE_ID = 13,
	TRAP_O_EVENT_TIME = 14,
	TRAP_O_SEQ = 15,
	TRAP_O_AGENT_VERSION = 16,
	TRAP_O_HELD_COUNT = 17,
	TRAP_O_HELD_FIRST_SEQ = 18,
	TRAP_O_HELD_LAST_SEQ = 19,
	TRAP_O_HELD_MONITORS = 20,
	TRAP_O_STORM_CAUSE = 21,
	TRAP_O_OPERATIONAL_STATE = 22,
	TRAP_O_ACTION_KIND = 23,
	TRAP_O_ACTION_ID = 24,
	TRAP_O_ACTION_STATUS = 25,
	TRAP_O_ACTION_EXIT_CODE = 26,
	TRAP_O_ACTION_REASON = 27,
	TRAP_O_ACTION_OUTPUT = 28,
	TRAP_O_ACTION_ERROR_OUTPUT = 29,
	TRAP_O_ACTION_CHANGE_SEQ = 30,
	TRAP_O_RULE_ID = 31,
	TRAP_O_REPEAT_COUNT = 32,
	TRAP_O_ROLLUP_MONITOR_ID = 33,
	TRAP_O_ALERT_CHANGE = 34,
	TRAP_O_ALERT_NAME = 35,
	TRAP_O_COMPUTER = 36,
};

/* MpmonAlertTransition, the values of mpmonAlertChange */
enum trap_alert_change {
	TRAP_ALERT_NONE = 1,
	TRAP_ALERT_RAISED = 2,
	TRAP_ALERT_REPEATED = 3,
	TRAP_ALERT_RESOLVED = 4,
};

#endif
