#!/bin/sh
# net-snmp inside mpmond writes nothing of its own and says nothing: a fresh
# state folder, a v2c trap sink and an SNMPv3 authPriv inform sink to a real
# snmptrapd; both deliver, mpmond's stderr has no net-snmp line ("Created
# directory: ..."), and no persistent file or folder of net-snmp's appears,
# neither in the state folder nor in $SNMP_PERSISTENT_DIR.

. "$(dirname "$0")/snmp-lib.sh"
mpmond=${MPMON_BIN:-$bin/bin}/mpmond
need "$mpmond"
mpid=
trap '[ -n "$mpid" ] && kill -9 "$mpid" 2>/dev/null; cleanup' EXIT
mkdir -p "$tmp/logs"
log=$tmp/logs/app.log
: >"$log"
state=$tmp/state

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
# roll-ups would interleave with the seq this test follows
cat >"$tmp/c.conf" <<EOC
[mpmond]
rollup = false
state_dir = $state
checkpoint_interval_ms = 50

[packs]
path = $PWD/tests/e2e/data/snmp-pack.xml

[source app]
type = file
path = $tmp/logs/*.log
log_name = System

[snmp]
heartbeat_s = 0

[sink v2c]
type = snmp
peer = udp:127.0.0.1:$port
community = public
inform = false

; no engine_id: mpmond discovers the receiver's
[sink v3]
type = snmp
peer = udp:127.0.0.1:$port
version = 3
user = mpmonsha
auth = sha
auth_pass = shapass123
priv_pass = aespass123
timeout_ms = 500
EOC
chmod 600 "$tmp/c.conf"
"$run_mpmond" --give "$tmp/c.conf"
# net-snmp would use this folder when nothing else names one
export SNMP_PERSISTENT_DIR="$tmp/mpmond-persist"
start_mpmond
check "mpmond starts with a v2c and a v3 sink" $?
wait_records 2
printf '{"TimeGenerated":"%s","EventDisplayNumber":1003,"LoggingComputer":"web1","EventDescription":"stopped"}\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$log"
wait_records 4
[ "$(log_all | grep '^TRAP .*mpmonHealthStateChange|' | grep -c 'mpmonSeq.0 = 1$')" = 2 ]
check "the change arrives twice: as a v2c trap and as a v3 inform" $?
wait_state '$s->{snmp}{acknowledged}' 2
check "the v3 sink's informs (start, change) are acknowledged ($(sget '$s->{snmp}{acknowledged}'))" $?
stop_mpmond
check "mpmond exits 0 on SIGTERM" $?

sed 's/^/#   stderr: /' "$tmp/mpmond.log"
! grep -v "^mpmond: \|^$tmp/c.conf:" "$tmp/mpmond.log" | grep -q .
check "mpmond's stderr holds its own lines only (the config's warning, its log)" $?
! grep -q 'Created directory' "$tmp/mpmond.log"
check "no 'Created directory' from net-snmp" $?
extra=$(cd "$state" && find . -mindepth 1 ! -path './spool' ! -path './spool/*' \
	! -name state.json ! -name checkpoint ! -name control | sort | tr '\n' ' ')
[ -z "$extra" ]
check "the state folder holds state.json, checkpoint, control and spool/ only (${extra:-nothing else})" $?
[ ! -e "$tmp/mpmond-persist" ]
check "nor in the folder \$SNMP_PERSISTENT_DIR names" $?
finish
