#!/bin/sh
# The journal source over the system journal (no path) of a real
# systemd-journald: in a private mount namespace with tmpfs on /run and
# /var/log/journal (systemd is not PID 1 here, so nothing else runs journald),
# entries written with systemd-cat (its stdout stream) and logger (the native
# socket and /dev/log's syslog socket) become state changes of the test pack
# (backupd at priority err is bad, at info good; one state per _HOSTNAME), and
# a restart resumes after the saved cursor: records and checksum of the
# source equal those of every entry in the journal (journald's own included).
if [ -z "$MPMON_JD_NS" ] && [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
	MPMON_JD_NS=1 exec unshare --mount sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

jd=/lib/systemd/systemd-journald
skip() {
	echo "1..0 # SKIP $1"
	exit 0
}
[ -x $jd ] || skip "systemd-journald not installed"
command -v systemd-cat >/dev/null && command -v logger >/dev/null || skip "systemd-cat or logger missing"
# Only in the namespace made above, never over the caller's /run.
[ -n "$MPMON_JD_NS" ] && [ "$(readlink /proc/$$/ns/mnt)" != "$(readlink /proc/$PPID/ns/mnt)" ] ||
	skip "needs root and unshare --mount for a journald of its own"
mount -t tmpfs tmpfs /run && mkdir -p /var/log/journal && mount -t tmpfs tmpfs /var/log/journal ||
	skip "cannot mount tmpfs on /run and /var/log/journal"
# Only what the test writes and journald's own lines: no kernel log, no forwarding.
mkdir -p /run/systemd/journald.conf.d
printf '[Journal]\nReadKMsg=no\nForwardToSyslog=no\nForwardToWall=no\nForwardToConsole=no\n' \
	>/run/systemd/journald.conf.d/test.conf
# The journal's folders as systemd-tmpfiles makes them (tmpfiles.d/systemd.conf):
# group systemd-journal, setgid, so its files are readable by that group, and
# mpmond, unprivileged, reads them with it as under its unit.
for d in /run/log/journal /var/log/journal; do
	mkdir -p $d && chgrp systemd-journal $d && chmod 2755 $d || skip "cannot prepare $d"
done
$jd 2>"$T/journald.err" &
JPID=$!
trap 'kill $JPID 2>/dev/null; wait $JPID 2>/dev/null; cleanup' EXIT
wait_for 10 test -S /run/systemd/journal/stdout || skip "systemd-journald did not start: $(head -n 1 "$T/journald.err")"

host=$(hostname)
MPMOND_GROUPS=systemd-journal
export MPMOND_GROUPS
conf "[source system]
type = journal
start = beginning
log_name = System"

start
ok $? "mpmond starts over the system journal"
echo "backup of /srv failed" | systemd-cat -t backupd -p err
ok $? "systemd-cat writes an err entry"
wait_health Test.Backup "$host" Error
ok $? "it is a state change: $host Error"

logger --journald <<EOF
MESSAGE=backup of /srv done
SYSLOG_IDENTIFIER=backupd
PRIORITY=6
EOF
wait_health Test.Backup "$host" Success
ok $? "logger --journald at info: $host Success"

logger -u /run/systemd/journal/dev-log -t backupd -p daemon.err "backup of /home failed"
wait_health Test.Backup "$host" Error
ok $? "logger through the syslog socket at err: $host Error"
counted() {	# the journal's entries (MESSAGE of each), as the source counts them
	journalctl --no-pager -q -o cat | fnv_sum
}
check() {	# check WHAT: records and checksum of the source equal the journal's
	sleep 0.3
	want=$(counted)
	got=$(state_get '$s->{sources}[1]{records} . " " . $s->{sources}[1]{checksum}')
	[ "$got" = "$want" ]
	ok $? "$1 (want $want, got $got)"
}
check "every entry of the journal once"
stop
ok $? "SIGTERM exits 0"

echo "backup of /home done" | systemd-cat -t backupd -p info
start
wait_health Test.Backup "$host" Success
ok $? "an entry written while mpmond was stopped counts after the restart: $host Success"
check "no entry read twice across the restart"
stop
ok $? "SIGTERM exits 0"
done_testing
