/*
 * This file contains the SNMP sink (trap.h), the only place mpmon uses
 * net-snmp. A notification is first encoded as a list of varbinds in a small
 * text format of our own (the bytes that go into a spool entry, so a spooled
 * inform survives a restart without any net-snmp state), and turned into a PDU
 * only when it is put on the wire. The format names the notification and each
 * object by its number under the root, with a type and a length: every kind
 * spools and decodes alike, and a new one needs no change to it. Each
 * destination is one net-snmp session of the single-session API (snmp_sess_*),
 * whose socket the daemon's event loop watches; acknowledgements, timeouts and
 * retries are handled in trap_sender_process(). net-snmp's own retransmission
 * is off (retries 0): after a timeout the inform waits out a back-off that
 * doubles up to backoff_max_ms, so a receiver that is down for long is not
 * flooded.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "collector/action.h"
#include "collector/spool.h"
#include "collector/storm.h"
#include "collector/trap.h"
#include "collector/trap_oid.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/diag.h"
#include "lib/iso8601.h"
#include "lib/version.h"
#include "monitors/engine.h"
#include "monitors/monitor.h"

#define NOTIF_MAGIC "mpmon-notif 1"
#define NOTIF_MAX_VARBINDS 32

struct dest {
	struct trap_sender *s;
	char *name;
	struct trap_destination cfg;	/* strings owned by the copies below */
	char *peer, *community, *user, *auth_pass, *priv_pass;
	u_char engine_id[32];
	size_t engine_id_len;
	void *ss;			/* net-snmp session handle, NULL while closed */
	struct spool *q;
	bool in_flight;
	uint64_t flight_id;
	unsigned attempts;		/* failed attempts in a row */
	int64_t next_try;		/* no send before this (back-off) */
	int64_t reopen_at;
	bool down_logged;
	bool ack_seen;			/* an acknowledgement came during the last read */
	double tokens;			/* traps that may go now (pacing), as of tokens_at */
	int64_t tokens_at;
};

struct trap_sender {
	struct dest d[TRAP_MAX_DESTINATIONS];
	size_t nd;
	struct diag *diag;
	size_t text_max;
	char *host, *agent_version;
	struct storm *storm;
	struct trap_stats st;
	int64_t now;
	struct timespec started;	/* for sysUpTime */
	struct buf enc, tmp;
	struct buf key;			/* a roll-up's storm control key */
	bool untracked_logged, held_logged;
	bool snmp_ready;		/* counted in snmp_users */
};

static int snmp_users;	/* senders alive: net-snmp is set up once per process */

static const oid sys_uptime_oid[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
static const oid snmp_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
static const oid root_oid[] = { TRAP_OID_ROOT };

/* --- encoding ------------------------------------------------------------ */

static int enc_begin(struct buf *b, enum trap_notification_id id)
{
	buf_reset(b);
	return buf_printf(b, NOTIF_MAGIC " %d\n", (int)id);
}

static int enc_bytes(struct buf *b, enum trap_object_id obj, char type, const char *p, size_t n)
{
	if (buf_printf(b, "%d %c %zu\n", (int)obj, type, n) < 0 || buf_append(b, p, n) < 0)
		return -ENOMEM;
	return buf_putc(b, '\n');
}

static int enc_u64(struct buf *b, enum trap_object_id obj, char type, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);
	return enc_bytes(b, obj, type, num, (size_t)n);
}

/* Length of the longest prefix of s, at most max bytes, that ends on a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * A text varbind, cut when longer than the limit: the marker and the knowledge
 * ID tell the operator where the whole text is.
 */
static int enc_text(struct trap_sender *s, enum trap_object_id obj, const char *text, size_t n,
		    const char *knowledge_id)
{
	if (!text)
		text = "", n = 0;
	if (n <= s->text_max)
		return enc_bytes(&s->enc, obj, 's', text, n);
	buf_reset(&s->tmp);
	if (buf_printf(&s->tmp, " [cut, see knowledge %s]", knowledge_id) < 0)
		return -ENOMEM;
	size_t room = s->tmp.len < s->text_max ? s->text_max - s->tmp.len : 0;
	size_t keep = utf8_cut(text, room);
	size_t marker = s->tmp.len;
	if (buf_append(&s->tmp, text, keep) < 0)
		return -ENOMEM;
	/* tmp holds marker then text: write them in the other order */
	if (buf_printf(&s->enc, "%d s %zu\n", (int)obj, keep + marker) < 0 ||
	    buf_append(&s->enc, s->tmp.data + marker, keep) < 0 ||
	    buf_append(&s->enc, s->tmp.data, marker) < 0)
		return -ENOMEM;
	return buf_putc(&s->enc, '\n');
}

static int enc_cstr(struct trap_sender *s, enum trap_object_id obj, const char *text,
		    const char *knowledge_id)
{
	return enc_text(s, obj, text, text ? strlen(text) : 0, knowledge_id);
}

static int enc_time(struct trap_sender *s, int64_t us)
{
	char t[ISO8601_LEN];
	return enc_cstr(s, TRAP_O_EVENT_TIME, iso8601_format(us, t), "");
}

static int severity_value(enum mp_severity v)
{
	switch (v) {
	case MP_SEVERITY_WARNING: return 2;
	case MP_SEVERITY_ERROR: return 3;
	default: return 1;
	}
}

/*
 * The varbinds every change of health and every alert opens with: the ID of
 * what changed (as obj), its display name and target, the instance when
 * with_instance, the host and the computer.
 */
static int enc_head(struct trap_sender *s, enum trap_notification_id nid, enum trap_object_id obj,
		    const struct state_change *c, const char *display, const char *target,
		    bool with_instance, const char *kid)
{
	int r = enc_begin(&s->enc, nid);

	r |= enc_cstr(s, obj, c->monitor_id, kid);
	r |= enc_cstr(s, TRAP_O_DISPLAY_NAME, display, kid);
	r |= enc_cstr(s, TRAP_O_TARGET, target, kid);
	if (with_instance)
		r |= enc_text(s, TRAP_O_INSTANCE, c->instance, c->instance_len, kid);
	r |= enc_cstr(s, TRAP_O_HOST, s->host, kid);
	r |= enc_text(s, TRAP_O_COMPUTER, c->computer, c->computer_len, kid);
	return r;
}

/* ... and they end with the knowledge ID, the time and the seq. */
static int enc_tail(struct trap_sender *s, const struct state_change *c, const char *kid)
{
	int r = enc_cstr(s, TRAP_O_KNOWLEDGE_ID, kid, kid);

	r |= enc_time(s, c->time);
	r |= enc_u64(&s->enc, TRAP_O_SEQ, 'C', c->seq);
	return r;
}

static int enc_severity(struct trap_sender *s, const struct state_change *c)
{
	int r = enc_u64(&s->enc, TRAP_O_SEVERITY, 'i', (uint64_t)severity_value(c->severity));

	return r | enc_u64(&s->enc, TRAP_O_PRIORITY, 'i', (uint64_t)c->priority + 1);
}

/* The knowledge ID of an element: its article's element ID, else its own ID. */
static const char *knowledge_id(const struct mp_article *a, const char *id)
{
	return a && a->element_id ? a->element_id : id;
}

/* CHANGE_MONITOR: mpmonHealthStateChange, or mpmonAlertResolved. */
static int encode_monitor(struct trap_sender *s, const struct state_change *c)
{
	const struct mp_monitor *def = c->monitor ? c->monitor->def : NULL;
	const char *display = def && def->display_name ? def->display_name : c->monitor_id;
	const char *target = def && def->target ? def->target : "";
	const char *kid = knowledge_id(def ? def->knowledge : NULL, c->monitor_id);
	bool resolved = c->alert_resolved;
	struct buf *b = &s->enc;
	int r;

	r = enc_head(s, resolved ? TRAP_N_ALERT_RESOLVED : TRAP_N_HEALTH_STATE_CHANGE,
		     TRAP_O_MONITOR_ID, c, display, target, true, kid);
	r |= enc_u64(b, TRAP_O_PREVIOUS_STATE, 'i', (uint64_t)c->from);
	r |= enc_u64(b, TRAP_O_NEW_STATE, 'i', (uint64_t)c->to);
	if (!resolved)
		r |= enc_cstr(s, TRAP_O_OPERATIONAL_STATE, c->state ? c->state : "", kid);
	r |= enc_severity(s, c);
	r |= enc_cstr(s, TRAP_O_ALERT_MESSAGE, c->message, kid);
	if (!resolved) {
		r |= enc_cstr(s, TRAP_O_DIAGNOSIS, c->diagnosis, kid);
		r |= enc_cstr(s, TRAP_O_RESOLUTION, c->resolution, kid);
	}
	r |= enc_tail(s, c, kid);
	return r < 0 ? -ENOMEM : 0;
}

/*
 * CHANGE_RULE: mpmonRuleAlert. The repeat count is an Unsigned32 that stops
 * at its largest value, as the MIB says.
 */
static int encode_rule(struct trap_sender *s, const struct state_change *c)
{
	const struct mp_rule *def = c->rule;
	const char *display = def && def->display_name ? def->display_name : c->monitor_id;
	const char *target = def && def->target ? def->target : "";
	const char *kid = knowledge_id(def ? def->knowledge : NULL, c->monitor_id);
	uint64_t repeats = c->repeat_count < UINT32_MAX ? c->repeat_count : UINT32_MAX;
	struct buf *b = &s->enc;
	int r;

	r = enc_head(s, TRAP_N_RULE_ALERT, TRAP_O_RULE_ID, c, display, target, false, kid);
	r |= enc_u64(b, TRAP_O_ALERT_CHANGE, 'i', c->alert ? TRAP_ALERT_RAISED : TRAP_ALERT_REPEATED);
	r |= enc_u64(b, TRAP_O_REPEAT_COUNT, 'u', repeats);
	r |= enc_severity(s, c);
	r |= enc_cstr(s, TRAP_O_ALERT_NAME, c->alert_name, kid);
	r |= enc_cstr(s, TRAP_O_ALERT_MESSAGE, c->message, kid);
	r |= enc_cstr(s, TRAP_O_DIAGNOSIS, c->diagnosis, kid);
	r |= enc_cstr(s, TRAP_O_RESOLUTION, c->resolution, kid);
	r |= enc_tail(s, c, kid);
	return r < 0 ? -ENOMEM : 0;
}

/* CHANGE_ROLLUP: mpmonRollupChange; a standard parent has no aggregate. */
static int encode_rollup(struct trap_sender *s, const struct state_change *c)
{
	const struct mp_aggregate *g = c->aggregate;
	const char *display = g && g->display_name ? g->display_name : c->monitor_id;
	const char *kid = knowledge_id(g ? g->knowledge : NULL, c->monitor_id);
	enum trap_alert_change alert = c->alert ? TRAP_ALERT_RAISED :
				       c->alert_resolved ? TRAP_ALERT_RESOLVED : TRAP_ALERT_NONE;
	struct buf *b = &s->enc;
	int r;

	r = enc_head(s, TRAP_N_ROLLUP_CHANGE, TRAP_O_ROLLUP_MONITOR_ID, c, display,
		     c->target ? c->target : "", true, kid);
	r |= enc_u64(b, TRAP_O_PREVIOUS_STATE, 'i', (uint64_t)c->from);
	r |= enc_u64(b, TRAP_O_NEW_STATE, 'i', (uint64_t)c->to);
	r |= enc_u64(b, TRAP_O_ALERT_CHANGE, 'i', (uint64_t)alert);
	r |= enc_severity(s, c);
	r |= enc_cstr(s, TRAP_O_ALERT_NAME, c->alert_name, kid);
	r |= enc_cstr(s, TRAP_O_ALERT_MESSAGE, c->message, kid);
	r |= enc_tail(s, c, kid);
	return r < 0 ? -ENOMEM : 0;
}

static int encode_change(struct trap_sender *s, const struct state_change *c)
{
	switch (c->kind) {
	case CHANGE_RULE:
		return encode_rule(s, c);
	case CHANGE_ROLLUP:
		return encode_rollup(s, c);
	case CHANGE_MONITOR:
		break;
	}
	return encode_monitor(s, c);
}

/*
 * Decode an encoded notification into a PDU of the given command. Returns the
 * PDU, or NULL when the bytes are not a notification (a damaged spool entry).
 */
static netsnmp_pdu *decode(struct trap_sender *s, const char *p, size_t len, int command)
{
	const char *end = p + len;
	const char *nl = memchr(p, '\n', len);
	size_t ml = strlen(NOTIF_MAGIC);
	if (!nl || (size_t)(nl - p) <= ml + 1 || memcmp(p, NOTIF_MAGIC " ", ml + 1) != 0)
		return NULL;
	int nid = atoi(p + ml + 1);
	if (nid <= 0 || nid > 1000)
		return NULL;

	netsnmp_pdu *pdu = snmp_pdu_create(command);
	if (!pdu)
		return NULL;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	u_long ticks = (u_long)((ts.tv_sec - s->started.tv_sec) * 100 +
				(ts.tv_nsec - s->started.tv_nsec) / 10000000);
	ticks &= 0xffffffffUL;
	snmp_pdu_add_variable(pdu, sys_uptime_oid, OID_LENGTH(sys_uptime_oid), ASN_TIMETICKS, &ticks,
			      sizeof(ticks));
	oid name[MAX_OID_LEN];
	size_t rl = OID_LENGTH(root_oid);
	memcpy(name, root_oid, sizeof(root_oid));
	name[rl] = TRAP_ARC_NOTIFICATIONS;
	name[rl + 1] = (oid)nid;
	snmp_pdu_add_variable(pdu, snmp_trap_oid, OID_LENGTH(snmp_trap_oid), ASN_OBJECT_ID, name,
			      (rl + 2) * sizeof(oid));

	p = nl + 1;
	for (int count = 0; p < end; count++) {
		int obj;
		char type;
		size_t n;
		int used;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (count == NOTIF_MAX_VARBINDS || !nl ||
		    sscanf(p, "%d %c %zu%n", &obj, &type, &n, &used) != 3 || p + used != nl ||
		    obj <= 0 || obj > 1000 || n > (size_t)(end - nl - 1) || nl[1 + n] != '\n')
			goto bad;
		const char *v = nl + 1;
		name[rl] = TRAP_ARC_OBJECTS;
		name[rl + 1] = (oid)obj;
		name[rl + 2] = 0;	/* a scalar's instance */
		char num[24];
		if (type != 's') {
			if (n >= sizeof(num))
				goto bad;
			memcpy(num, v, n);
			num[n] = '\0';
		}
		switch (type) {
		case 's':
			snmp_pdu_add_variable(pdu, name, rl + 3, ASN_OCTET_STR, v, n);
			break;
		case 'i': {
			long iv = strtol(num, NULL, 10);
			snmp_pdu_add_variable(pdu, name, rl + 3, ASN_INTEGER, &iv, sizeof(iv));
			break;
		}
		case 'u': {
			u_long uv = strtoul(num, NULL, 10);
			snmp_pdu_add_variable(pdu, name, rl + 3, ASN_UNSIGNED, &uv, sizeof(uv));
			break;
		}
		case 'C': {
			uint64_t x = strtoull(num, NULL, 10);
			struct counter64 c64 = { .high = (u_long)(x >> 32), .low = (u_long)(x & 0xffffffffu) };
			snmp_pdu_add_variable(pdu, name, rl + 3, ASN_COUNTER64, &c64, sizeof(c64));
			break;
		}
		default:
			goto bad;
		}
		p = nl + 1 + n + 1;
	}
	return pdu;
bad:
	snmp_free_pdu(pdu);
	return NULL;
}

/* --- destinations -------------------------------------------------------- */

static int64_t backoff_us(const struct dest *d)
{
	int64_t ms = d->cfg.timeout_ms;
	for (unsigned i = 1; i < d->attempts && ms < d->cfg.backoff_max_ms; i++)
		ms *= 2;
	if (ms > d->cfg.backoff_max_ms)
		ms = d->cfg.backoff_max_ms;
	return ms * 1000;
}

static const char *snmp_err(int code)
{
	return snmp_api_errstring(code);
}

static void attempt_failed(struct dest *d, const char *why)
{
	struct trap_sender *s = d->s;
	d->in_flight = false;
	d->attempts++;
	s->st.retries++;
	d->next_try = s->now + backoff_us(d);
	if (!d->down_logged) {
		diag_warn(s->diag, NULL, 0,
			  "trap %s: %s from %s, %zu informs kept, retrying with back-off", d->name, why,
			  d->peer, spool_count(d->q));
		d->down_logged = true;
	}
}

static int on_response(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct dest *d = magic;
	struct trap_sender *s = d->s;
	(void)sess;
	(void)reqid;
	if (!d->in_flight)
		return 1;
	switch (op) {
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
		if (pdu->command == SNMP_MSG_RESPONSE && pdu->errstat == SNMP_ERR_NOERROR) {
			spool_remove(d->q, d->flight_id);	/* -ENOENT: dropped at the bound meanwhile */
			d->in_flight = false;
			d->ack_seen = true;
			s->st.acked++;
			if (d->down_logged) {
				diag_add(s->diag, DIAG_NOTE, NULL, 0,
					 "trap %s: %s acknowledges again after %u failed attempts",
					 d->name, d->peer, d->attempts);
				d->down_logged = false;
			}
			d->attempts = 0;
		} else if (pdu->command == SNMP_MSG_REPORT) {
			attempt_failed(d, snmp_err(snmpv3_get_report_type(pdu)));
		} else {
			attempt_failed(d, snmp_errstring((int)pdu->errstat));
		}
		break;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		attempt_failed(d, "no acknowledgement");
		break;
	case NETSNMP_CALLBACK_OP_RESEND:
		/* net-snmp sends again by itself (notInTimeWindow report): still in flight */
		break;
	case NETSNMP_CALLBACK_OP_SEC_ERROR:
		attempt_failed(d, "security error (user, keys or engine ID)");
		break;
	default:
		attempt_failed(d, "send failed");
		break;
	}
	return 1;
}

static bool valid_name(const char *n)
{
	if (!n || !*n || strlen(n) > 64)
		return false;
	for (; *n; n++)
		if (!(*n >= 'a' && *n <= 'z') && !(*n >= 'A' && *n <= 'Z') &&
		    !(*n >= '0' && *n <= '9') && *n != '.' && *n != '_' && *n != '-')
			return false;
	return *n == '\0';
}

static int hex_decode(const char *hex, u_char *out, size_t max, size_t *len)
{
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	size_t n = strlen(hex);
	if (n == 0 || n % 2 || n / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (u_char)v;
	}
	*len = n / 2;
	return 0;
}

/* Open the destination's session. Returns 0 or -EIO (reported). */
static int dest_open(struct dest *d)
{
	struct trap_sender *s = d->s;
	netsnmp_session tmpl;
	snmp_sess_init(&tmpl);
	tmpl.peername = d->peer;
	tmpl.retries = 0;
	tmpl.timeout = (long)d->cfg.timeout_ms * 1000;
	tmpl.callback = on_response;
	tmpl.callback_magic = d;
	if (d->cfg.version == TRAP_V2C) {
		tmpl.version = SNMP_VERSION_2c;
		tmpl.community = (u_char *)d->community;
		tmpl.community_len = strlen(d->community);
	} else {
		tmpl.version = SNMP_VERSION_3;
		tmpl.securityName = d->user;
		tmpl.securityNameLen = strlen(d->user);
		tmpl.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
		if (d->cfg.auth == TRAP_AUTH_SHA256) {
			tmpl.securityAuthProto = usmHMAC192SHA256AuthProtocol;
			tmpl.securityAuthProtoLen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
		} else {
			tmpl.securityAuthProto = usmHMACSHA1AuthProtocol;
			tmpl.securityAuthProtoLen = OID_LENGTH(usmHMACSHA1AuthProtocol);
		}
		tmpl.securityAuthKeyLen = USM_AUTH_KU_LEN;
		tmpl.securityPrivProto = usmAESPrivProtocol;
		tmpl.securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
		tmpl.securityPrivKeyLen = USM_PRIV_KU_LEN;
		if (generate_Ku(tmpl.securityAuthProto, (u_int)tmpl.securityAuthProtoLen,
				(const u_char *)d->auth_pass, strlen(d->auth_pass),
				tmpl.securityAuthKey, &tmpl.securityAuthKeyLen) != SNMPERR_SUCCESS ||
		    generate_Ku(tmpl.securityAuthProto, (u_int)tmpl.securityAuthProtoLen,
				(const u_char *)d->priv_pass, strlen(d->priv_pass),
				tmpl.securityPrivKey, &tmpl.securityPrivKeyLen) != SNMPERR_SUCCESS) {
			diag_error(s->diag, NULL, 0, "trap %s: cannot derive the SNMPv3 keys", d->name);
			return -EINVAL;
		}
		if (d->engine_id_len) {
			/* Known engine ID: no discovery round trip, which would block. */
			tmpl.securityEngineID = d->engine_id;
			tmpl.securityEngineIDLen = d->engine_id_len;
			tmpl.contextEngineID = d->engine_id;
			tmpl.contextEngineIDLen = d->engine_id_len;
			tmpl.flags |= SNMP_FLAGS_DONT_PROBE;
		}
	}
	d->ss = snmp_sess_open(&tmpl);
	if (!d->ss) {
		d->attempts++;
		d->reopen_at = s->now + backoff_us(d);
		if (!d->down_logged) {
			diag_warn(s->diag, NULL, 0, "trap %s: cannot open session to %s: %s, retrying",
				  d->name, d->peer, snmp_err(tmpl.s_snmp_errno));
			d->down_logged = true;
		}
		return -EIO;
	}
	if (d->cfg.version == TRAP_V3 && d->engine_id_len) {
		/* Without the probe net-snmp does not create the USM user: do it here. */
		netsnmp_session *ss = snmp_sess_session(d->ss);
		if (create_user_from_session(ss) != SNMPERR_SUCCESS) {
			diag_error(s->diag, NULL, 0, "trap %s: cannot set up SNMPv3 user %s", d->name,
				   d->user);
			snmp_sess_close(d->ss);
			d->ss = NULL;
			return -EINVAL;
		}
	}
	return 0;
}

static void dest_release(struct dest *d)
{
	if (d->ss)
		snmp_sess_close(d->ss);
	spool_free(d->q);
	free(d->name);
	free(d->peer);
	free(d->community);
	free(d->user);
	free(d->auth_pass);
	free(d->priv_pass);
}

static char *dup_or_null(const char *p, bool *oom)
{
	if (!p)
		return NULL;
	char *c = strdup(p);
	if (!c)
		*oom = true;
	return c;
}

static int dest_init(struct trap_sender *s, struct dest *d, const struct trap_destination *c,
		     const struct trap_config *cfg)
{
	struct diag *dg = s->diag;
	const char *n = c->name ? c->name : "?";
	d->s = s;
	d->cfg = *c;
	if (!valid_name(c->name)) {
		diag_error(dg, NULL, 0, "trap '%s': name must be 1-64 of [A-Za-z0-9._-]", n);
		return -EINVAL;
	}
	if (!c->peer || !*c->peer) {
		diag_error(dg, NULL, 0, "trap %s: no peer address", n);
		return -EINVAL;
	}
	if (c->version == TRAP_V2C && (!c->community || !*c->community)) {
		diag_error(dg, NULL, 0, "trap %s: SNMPv2c needs a community", n);
		return -EINVAL;
	}
	if (c->version == TRAP_V3) {
		if (!c->inform) {
			diag_error(dg, NULL, 0, "trap %s: SNMPv3 is sent as informs only", n);
			return -EINVAL;
		}
		if (!c->user || !*c->user || !c->auth_pass || strlen(c->auth_pass) < 8 ||
		    !c->priv_pass || strlen(c->priv_pass) < 8) {
			diag_error(dg, NULL, 0,
				   "trap %s: SNMPv3 needs a user and auth and priv passphrases of at least 8 characters",
				   n);
			return -EINVAL;
		}
		if (c->engine_id && hex_decode(c->engine_id, d->engine_id, sizeof(d->engine_id),
					       &d->engine_id_len) < 0) {
			diag_error(dg, NULL, 0, "trap %s: engine ID '%s' is not 1-32 bytes of hex", n,
				   c->engine_id);
			return -EINVAL;
		}
	}
	if (!d->cfg.timeout_ms)
		d->cfg.timeout_ms = TRAP_DEFAULT_TIMEOUT_MS;
	if (!d->cfg.backoff_max_ms)
		d->cfg.backoff_max_ms = TRAP_DEFAULT_BACKOFF_MAX_MS;
	if (d->cfg.backoff_max_ms < d->cfg.timeout_ms)
		d->cfg.backoff_max_ms = d->cfg.timeout_ms;
	bool oom = false;
	d->name = dup_or_null(c->name, &oom);
	d->peer = dup_or_null(c->peer, &oom);
	d->community = dup_or_null(c->community, &oom);
	d->user = dup_or_null(c->user, &oom);
	d->auth_pass = dup_or_null(c->auth_pass, &oom);
	d->priv_pass = dup_or_null(c->priv_pass, &oom);
	if (oom)
		return -ENOMEM;

	struct spool_limits lim = {
		.max_entries = cfg->spool_max_entries,
		.max_bytes = cfg->spool_max_bytes,
		.fsync = cfg->spool_fsync,
	};
	char *dir = NULL;
	if (c->inform && cfg->spool_dir) {
		struct buf p;
		buf_init(&p);
		if (buf_printf(&p, "%s/%s", cfg->spool_dir, c->name) < 0)
			return -ENOMEM;
		dir = buf_detach(&p);
		if (!dir)
			return -ENOMEM;
	}
	int r = spool_open(&d->q, dir, &lim, dg);
	free(dir);
	if (r < 0)
		return r;
	dest_open(d);	/* failure: retried from trap_sender_process() */
	return 0;
}

/* --- the sender ---------------------------------------------------------- */

struct trap_sender *trap_sender_new(const struct trap_config *cfg, struct diag *d)
{
	if (cfg->ndests == 0 || cfg->ndests > TRAP_MAX_DESTINATIONS) {
		diag_error(d, NULL, 0, "trap: %zu destinations, 1 to %d are supported", cfg->ndests,
			   TRAP_MAX_DESTINATIONS);
		return NULL;
	}
	if (cfg->text_max && (cfg->text_max < TRAP_TEXT_MAX_MIN || cfg->text_max > TRAP_TEXT_MAX_LIMIT)) {
		diag_error(d, NULL, 0, "trap: text limit %zu not within %d..%d", cfg->text_max,
			   TRAP_TEXT_MAX_MIN, TRAP_TEXT_MAX_LIMIT);
		return NULL;
	}
	struct trap_sender *s = calloc(1, sizeof(*s));
	if (!s) {
		diag_error(d, NULL, 0, "trap: out of memory");
		return NULL;
	}
	s->diag = d;
	s->text_max = cfg->text_max ? cfg->text_max : TRAP_TEXT_MAX_DEFAULT;
	buf_init(&s->enc);
	buf_init(&s->tmp);
	buf_init(&s->key);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->now = clock_realtime_us();

	char hn[256] = "";
	if (!cfg->host && gethostname(hn, sizeof(hn) - 1) < 0)
		strcpy(hn, "localhost");
	s->host = strdup(cfg->host ? cfg->host : hn);
	s->agent_version = strdup(cfg->agent_version ? cfg->agent_version : MPMON_VERSION);
	if (!s->host || !s->agent_version)
		goto oom;
	/* Always there, limits or not: spool drops are summarised through it too. */
	if (!(s->storm = storm_new(&cfg->storm)))
		goto oom;

	if (cfg->spool_dir && mkdir(cfg->spool_dir, 0700) < 0 && errno != EEXIST) {
		diag_error(d, cfg->spool_dir, 0, "cannot create spool directory: %s", strerror(errno));
		goto fail;
	}
	s->snmp_ready = true;
	if (snmp_users++ == 0) {
		/*
		 * Only what mpmon configures: no snmp.conf, no MIB loading (the
		 * sender uses numeric OIDs), no persistent files written.
		 */
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
		/*
		 * Its TLS code still makes PERSISTENT_DIR/cert_indexes at init, with a
		 * "Created directory" line on stderr, whatever the flags say. mpmond
		 * keeps no state of net-snmp's: no engineBoots (for informs the
		 * receiver is the authoritative engine), no certificates (no TLS
		 * transport). A folder that cannot exist makes that mkdir fail, which
		 * net-snmp takes silently, so nothing is written, as root too.
		 */
		netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, "/dev/null");
		netsnmp_set_mib_directory("");
		setenv("MIBS", "", 0);
		init_snmp("mpmon");
	}
	for (size_t i = 0; i < cfg->ndests; i++) {
		s->nd = i + 1;
		int r = dest_init(s, &s->d[i], &cfg->dests[i], cfg);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto fail;
		for (size_t k = 0; k < i; k++) {
			if (strcmp(s->d[k].name, s->d[i].name) == 0) {
				diag_error(d, NULL, 0, "trap %s: destination name used twice",
					   s->d[i].name);
				goto fail;
			}
		}
	}
	return s;
oom:
	diag_error(d, NULL, 0, "trap: out of memory");
fail:
	trap_sender_free(s);
	return NULL;
}

void trap_sender_free(struct trap_sender *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nd; i++)
		dest_release(&s->d[i]);
	storm_free(s->storm);
	buf_release(&s->enc);
	buf_release(&s->tmp);
	buf_release(&s->key);
	free(s->host);
	free(s->agent_version);
	bool ready = s->snmp_ready;
	free(s);
	if (ready && --snmp_users == 0)
		snmp_shutdown("mpmon");
}

/* Queue s->enc to every destination. */
static int queue_encoded(struct trap_sender *s, uint64_t seq, int64_t now)
{
	int queued = 0, err = 0;
	for (size_t i = 0; i < s->nd; i++) {
		struct dest *d = &s->d[i];
		uint64_t id;
		size_t dropped = 0;
		int r = spool_append(d->q, s->enc.data, s->enc.len, &id, &dropped);
		if (dropped) {
			s->st.dropped += dropped;
			diag_warn(s->diag, NULL, 0,
				  "trap %s: spool full, %zu oldest notifications dropped (counted in a storm summary)",
				  d->name, dropped);
			for (size_t k = 0; k < dropped; k++)
				storm_hold(s->storm, STORM_SPOOL_FULL, "(spooled)", "", 0, 0, seq, now);
		}
		if (r < 0) {
			s->st.errors++;
			err = r;
			continue;
		}
		s->st.queued++;
		queued++;
	}
	return queued ? 0 : err;
}

/* The state a storm summary names for a rule's held alerts, beside the healths. */
#define HELD_ALERT (-1)

static const char *health_name(int h)
{
	return h == HELD_ALERT ? "alert" : mp_health_name((enum mp_health)h);
}

/*
 * What storm control counts a record under (*id and the instance), and the
 * state the summary names (*to):
 * - a unit monitor's change: its ID and instance, its new health;
 * - a roll-up's: the node's ID with its target in parentheses, and the
 *   instance, with the new health. A standard parent such as
 *   System.Health.EntityState stands for every class below it, so its ID alone
 *   would lump their flapping together; the target goes with an aggregate's
 *   ID too, one rule for every node. No pack ID holds a space, so such a key
 *   is never a monitor's or a rule's;
 * - any of these on a computer: " on " and the computer after it, as each
 *   computer's object is an object of its own;
 * - a rule's alert: the rule's ID alone, new alerts and repeats alike, as
 *   "alert". Every firing is a notification on the wire, and a rule that fires
 *   on each line of a burst is what the flap limit is for. Keying on the
 *   repeat count as well would make each repeat a key of its own, which never
 *   flaps and fills the table of keys; a held repeat loses little, as the
 *   next one that passes carries the count and the summary counts those held.
 *   The record does not carry the alert's suppression key, so the open alerts
 *   of one rule share its limit.
 * *id is valid until the next call. Returns 0 or -ENOMEM.
 */
static int storm_key(struct trap_sender *s, const struct state_change *c, const char **id, int *to)
{
	bool target = c->kind == CHANGE_ROLLUP && c->target && *c->target;
	int r = 0;

	*id = c->monitor_id;
	*to = c->kind == CHANGE_RULE ? HELD_ALERT : (int)c->to;
	if (!target && !c->computer_len)
		return 0;
	buf_reset(&s->key);
	r |= buf_puts(&s->key, c->monitor_id);
	if (target)
		r |= buf_printf(&s->key, " (%s)", c->target);
	if (c->computer_len)
		r |= buf_printf(&s->key, " on %.*s", (int)c->computer_len, c->computer);
	if (r < 0)
		return -ENOMEM;
	*id = s->key.data;
	return 0;
}

int trap_send_change(struct trap_sender *s, const struct state_change *c, int64_t now)
{
	const char *id;
	int to;

	if (storm_key(s, c, &id, &to) < 0)
		return -ENOMEM;
	{
		enum storm_cause why = storm_check(s->storm, id, c->instance, c->instance_len, to,
						   c->seq, now);
		if (storm_untracked(s->storm) && !s->untracked_logged) {
			diag_warn(s->diag, NULL, 0,
				  "trap: more monitor instances than storm control tracks, new ones are not flap-limited");
			s->untracked_logged = true;
		}
		if (why != STORM_PASS) {
			s->st.held++;
			if (!s->held_logged) {
				diag_warn(s->diag, NULL, 0,
					  "trap: storm control holds notifications back (%s), a summary follows",
					  why == STORM_FLAPPING ? "flapping" : "rate limit");
				s->held_logged = true;
			}
			return 0;
		}
	}
	if (encode_change(s, c) < 0)
		return -ENOMEM;
	return queue_encoded(s, c->seq, now);
}

int trap_send_start(struct trap_sender *s, int64_t now)
{
	int r = enc_begin(&s->enc, TRAP_N_AGENT_START);
	r |= enc_cstr(s, TRAP_O_HOST, s->host, "");
	r |= enc_cstr(s, TRAP_O_AGENT_VERSION, s->agent_version, "");
	r |= enc_time(s, now);
	return r < 0 ? -ENOMEM : queue_encoded(s, 0, now);
}

int trap_send_heartbeat(struct trap_sender *s, uint64_t seq, int64_t now)
{
	int r = enc_begin(&s->enc, TRAP_N_AGENT_HEARTBEAT);
	r |= enc_cstr(s, TRAP_O_HOST, s->host, "");
	r |= enc_cstr(s, TRAP_O_AGENT_VERSION, s->agent_version, "");
	r |= enc_time(s, now);
	r |= enc_u64(&s->enc, TRAP_O_SEQ, 'C', seq);
	return r < 0 ? -ENOMEM : queue_encoded(s, seq, now);
}

/*
 * An action's output as a text varbind: what the runner kept, and when it cut,
 * how much there was (the trap's own cut to text_max may follow).
 */
static int enc_output(struct trap_sender *s, enum trap_object_id obj, const struct action_output *o)
{
	struct buf t;
	int r;

	if (o->bytes <= o->len)
		return enc_text(s, obj, o->text, o->len, "(mpmon state)");
	buf_init(&t);
	r = buf_append(&t, o->text, o->len);
	r = r ? r : buf_printf(&t, " [cut: %zu of %" PRIu64 " bytes kept]", o->len, o->bytes);
	r = r ? r : enc_text(s, obj, t.data, t.len, "(mpmon state)");
	buf_release(&t);
	return r;
}

int trap_send_action(struct trap_sender *s, const struct action_result *res, int64_t now)
{
	const char *kid = "(mpmon state)";
	int r;

	r = enc_begin(&s->enc, TRAP_N_ACTION_RESULT);
	r |= enc_cstr(s, TRAP_O_MONITOR_ID, res->monitor_id, kid);
	r |= enc_cstr(s, TRAP_O_INSTANCE, res->instance, kid);
	r |= enc_cstr(s, TRAP_O_HOST, s->host, kid);
	r |= enc_cstr(s, TRAP_O_COMPUTER, res->computer, kid);
	r |= enc_u64(&s->enc, TRAP_O_ACTION_KIND, 'i', (uint64_t)res->kind);
	r |= enc_cstr(s, TRAP_O_ACTION_ID, res->id, kid);
	r |= enc_u64(&s->enc, TRAP_O_ACTION_STATUS, 'i', (uint64_t)res->status);
	r |= enc_u64(&s->enc, TRAP_O_ACTION_EXIT_CODE, 'u', (uint64_t)(res->code > 0 ? res->code : 0));
	r |= enc_cstr(s, TRAP_O_ACTION_REASON, res->reason, kid);
	r |= enc_output(s, TRAP_O_ACTION_OUTPUT, &res->out);
	r |= enc_output(s, TRAP_O_ACTION_ERROR_OUTPUT, &res->err);
	r |= enc_time(s, res->ended);
	r |= enc_u64(&s->enc, TRAP_O_ACTION_CHANGE_SEQ, 'C', res->seq);
	return r < 0 ? -ENOMEM : queue_encoded(s, res->seq, now);
}

static int queue_summary(struct trap_sender *s, const struct storm_summary *sum, const char *held,
			 int64_t now)
{
	int r = enc_begin(&s->enc, TRAP_N_STORM_SUMMARY);
	r |= enc_cstr(s, TRAP_O_HOST, s->host, "");
	r |= enc_u64(&s->enc, TRAP_O_STORM_CAUSE, 'i', (uint64_t)sum->cause);
	r |= enc_u64(&s->enc, TRAP_O_HELD_COUNT, 'u', sum->count);
	r |= enc_u64(&s->enc, TRAP_O_HELD_FIRST_SEQ, 'C', sum->first_seq);
	r |= enc_u64(&s->enc, TRAP_O_HELD_LAST_SEQ, 'C', sum->last_seq);
	r |= enc_cstr(s, TRAP_O_HELD_MONITORS, held, "(mpmon state)");
	r |= enc_time(s, now);
	return r < 0 ? -ENOMEM : queue_encoded(s, sum->last_seq, now);
}

/* Traps a paced destination may send at now: a bucket that holds 20 ms' worth. */
static double trap_tokens(const struct dest *d, int64_t now)
{
	double burst = d->cfg.trap_rate / 50.0, t;

	if (burst < 1)
		burst = 1;
	t = d->tokens + (double)(now - d->tokens_at) * d->cfg.trap_rate / 1e6;
	return t < burst ? t : burst;
}

/* When a destination with traps queued may send the next one. */
static int64_t trap_due(const struct dest *d, int64_t now)
{
	double t;

	if (d->cfg.inform || !d->cfg.trap_rate || (t = trap_tokens(d, now)) >= 1)
		return now;
	return now + (int64_t)((1 - t) * 1e6 / d->cfg.trap_rate) + 1;
}

size_t trap_sender_fds(const struct trap_sender *s, int *fds, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nd && n < max; i++) {
		netsnmp_transport *t = s->d[i].ss ? snmp_sess_transport(s->d[i].ss) : NULL;
		if (t && t->sock >= 0)
			fds[n++] = t->sock;
	}
	return n;
}

int64_t trap_sender_next_timeout(const struct trap_sender *s, int64_t now)
{
	int64_t next = storm_next_deadline(s->storm);
	for (size_t i = 0; i < s->nd; i++) {
		const struct dest *d = &s->d[i];
		int64_t t = INT64_MAX;
		if (!d->ss) {
			t = d->reopen_at;
		} else if (d->in_flight) {
			netsnmp_large_fd_set fds;
			struct timeval tv = { 0, 0 };
			int nfds = 0, block = 1;
			netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
			snmp_sess_select_info2(d->ss, &nfds, &fds, &tv, &block);
			netsnmp_large_fd_set_cleanup(&fds);
			if (!block)
				t = now + (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
		} else if (spool_count(d->q) > 0) {
			int64_t due = trap_due(d, now);

			t = d->next_try > due ? d->next_try : due;
		}
		if (t < next)
			next = t;
	}
	return next;
}

/* Send what the destination may send now: queued traps (paced), or the oldest inform. */
static void pump(struct dest *d)
{
	struct trap_sender *s = d->s;
	bool paced = !d->cfg.inform && d->cfg.trap_rate;

	if (paced) {
		d->tokens = trap_tokens(d, s->now);
		d->tokens_at = s->now;
	}
	while (d->ss && !d->in_flight && spool_count(d->q) > 0 &&
	       (!d->cfg.inform || s->now >= d->next_try) && (!paced || d->tokens >= 1)) {
		uint64_t id = spool_id_at(d->q, 0);
		int r = spool_read(d->q, id, &s->tmp);
		netsnmp_pdu *pdu = r < 0 ? NULL :
				   decode(s, s->tmp.data, s->tmp.len,
					  d->cfg.inform ? SNMP_MSG_INFORM : SNMP_MSG_TRAP2);
		if (!pdu) {
			diag_error(s->diag, NULL, 0, "trap %s: spooled notification %" PRIu64 " %s, dropped",
				   d->name, id, r < 0 ? strerror(-r) : "is damaged");
			spool_remove(d->q, id);
			s->st.errors++;
			continue;
		}
		if (d->cfg.inform) {
			d->in_flight = true;
			d->flight_id = id;
		}
		if (!snmp_sess_async_send(d->ss, pdu, on_response, d)) {
			netsnmp_session *ss = snmp_sess_session(d->ss);
			int code = ss ? ss->s_snmp_errno : SNMPERR_GENERR;
			snmp_free_pdu(pdu);
			s->st.errors++;
			if (d->cfg.inform) {
				attempt_failed(d, snmp_err(code));
			} else {
				diag_warn(s->diag, NULL, 0, "trap %s: cannot send to %s: %s", d->name,
					  d->peer, snmp_err(code));
				spool_remove(d->q, id);
			}
			return;
		}
		s->st.sent++;
		if (paced)
			d->tokens -= 1;
		if (!d->cfg.inform)
			spool_remove(d->q, id);
	}
}

int trap_sender_process(struct trap_sender *s, int64_t now)
{
	int changed = 0;
	s->now = now;
	for (size_t i = 0; i < s->nd; i++) {
		struct dest *d = &s->d[i];
		if (!d->ss) {
			if (now >= d->reopen_at && dest_open(d) == 0)
				changed = 1;
			if (!d->ss)
				continue;
		}
		netsnmp_transport *t = snmp_sess_transport(d->ss);
		if (t && t->sock >= 0) {
			struct pollfd pfd = { .fd = t->sock, .events = POLLIN };
			/* Read everything that is there; each read handles one datagram. */
			for (int k = 0; k < 64 && poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN); k++) {
				netsnmp_large_fd_set fds;
				netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
				NETSNMP_LARGE_FD_SET(t->sock, &fds);
				snmp_sess_read2(d->ss, &fds);
				netsnmp_large_fd_set_cleanup(&fds);
			}
		}
		snmp_sess_timeout(d->ss);
	}
	{
		struct storm_summary sum;
		struct buf text;
		buf_init(&text);
		while (storm_take_summary(s->storm, now, &sum, &text, health_name)) {
			queue_summary(s, &sum, text.data, now);
			buf_reset(&text);
			s->held_logged = false;
		}
		buf_release(&text);
	}
	for (size_t i = 0; i < s->nd; i++)
		pump(&s->d[i]);
	return changed;
}

void trap_sender_get_stats(const struct trap_sender *s, struct trap_stats *st)
{
	*st = s->st;
	st->pending = 0;
	for (size_t i = 0; i < s->nd; i++)
		st->pending += spool_count(s->d[i].q);
}
