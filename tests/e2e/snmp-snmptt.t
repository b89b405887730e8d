#!/bin/sh
# The NOC's path: snmptrapd hands each notification to snmptt (traphandle, as
# contrib/snmptrapd/snmptrapd.conf does), and snmptt formats it with the
# shipped contrib/snmptt/mpmon.conf: a problem logged as Critical with the
# monitor, both states, the message and the knowledge ID; its clear as a
# Normal RESOLVED line with the same monitor and instance; the results of a
# diagnostic (Normal) and of a recovery that timed out (Warning) with the seq
# of their change, their output and why.
. "$(dirname "$0")/snmp-lib.sh"
need snmptt

mkdir -p "$tmp/snmptt"
cat >"$tmp/snmptt.ini" <<INI
[General]
snmptt_system_name = mpmon-test
mode = standalone
multiple_event = 1
dns_enable = 0
net_snmp_perl_enable = 0
translate_log_trap_oid = 0
translate_integers = 0
description_mode = 0
[DaemonMode]
spool_directory = $tmp/snmptt
[Logging]
stdout_enable = 0
log_enable = 1
log_file = $tmp/snmptt.log
log_system_enable = 0
unknown_trap_log_enable = 1
unknown_trap_log_file = $tmp/snmptt-unknown.log
syslog_enable = 0
syslog_system_enable = 0
[SQL]
[Exec]
[Debugging]
DEBUGGING = 0
[TrapFiles]
snmptt_conf_files = <<END
$PWD/contrib/snmptt/mpmon.conf
END
INI
echo "traphandle default $(command -v snmptt) --ini=$tmp/snmptt.ini" >>"$tmp/snmptrapd.conf"

# snmptt reads numeric OIDs and typed values, as snmptrapd gives them with -On.
TRAPD_OPTS=-On
start_trapd
check "snmptrapd with snmptt as traphandle listens on 127.0.0.1:$port" $?

cat >"$tmp/changes.jsonl" <<'JSON'
{"seq":41,"time":"2026-11-20T09:14:55Z","monitor":"Mpmon.Test.Disk.Monitor","instance":"sda","from":"Success","to":"Error","state":"Full","alert":true,"alert_resolved":false,"severity":"Error","priority":"High","message":"Disk sda is full","diagnosis":"The disk has no free space left.","resolution":"Free some space."}
{"seq":42,"time":"2026-11-20T09:20:00Z","monitor":"Mpmon.Test.Disk.Monitor","instance":"sda","from":"Error","to":"Success","state":"Ok","alert":false,"alert_resolved":true,"severity":"Error","priority":"High","message":"Disk sda has free space again","diagnosis":"","resolution":""}
{"kind":"action","seq":41,"monitor":"Mpmon.Test.Disk.Monitor","instance":"sda","action_kind":"diagnostic","id":"Mpmon.Test.Disk.Usage","status":"succeeded","code":0,"reason":"","stdout":"/dev/sda1 100%","stderr":"","ended":"2026-11-20T09:14:56Z"}
{"kind":"action","seq":41,"monitor":"Mpmon.Test.Disk.Monitor","instance":"sda","action_kind":"recovery","id":"Mpmon.Test.Disk.Clean","status":"timeout","code":9,"reason":"timed out after 60 s","stdout":"cleaning","stdout_bytes":9000,"stderr":"","ended":"2026-11-20T09:15:57Z"}
JSON
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --host web01 "$tmp/changes.jsonl" \
	>/dev/null 2>"$tmp/err"
check "trapsend exits 0" $?
for i in $(seq 1 100); do
	[ "$(cat "$tmp/snmptt.log" 2>/dev/null | grep -c .)" -ge 4 ] && break
	sleep 0.1
done
sed 's/^/#   snmptt.log: /' "$tmp/snmptt.log" 2>/dev/null
problem=$(grep ' .1.3.6.1.4.1.32473.0.1 ' "$tmp/snmptt.log")
case $problem in
*" Critical "*"mpmon web01: Mpmon.Test.Disk.Monitor [sda] success -> error (Full): Disk sda is full | diagnosis: The disk has no free space left. | resolution: Free some space. | knowledge Mpmon.Test.Disk.Monitor, seq 41, at 2026-11-20T09:14:55Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs the problem as Critical, formatted with every field" $s
[ "$(grep -c ' .1.3.6.1.4.1.32473.0.1 ' "$tmp/snmptt.log")" = 1 ]
check "exactly one EVENT of the MATCH variants applies" $?
clear=$(grep ' .1.3.6.1.4.1.32473.0.2 ' "$tmp/snmptt.log")
case $clear in
*" Normal "*"mpmon web01: RESOLVED Mpmon.Test.Disk.Monitor [sda] error -> success: Disk sda has free space again | knowledge Mpmon.Test.Disk.Monitor, seq 42"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs the clear as Normal with the same monitor and instance" $s
diagnostic=$(grep ' .1.3.6.1.4.1.32473.0.6 .*Usage' "$tmp/snmptt.log")
case $diagnostic in
*" Normal "*"mpmon web01: diagnostic Mpmon.Test.Disk.Usage of Mpmon.Test.Disk.Monitor [sda]: succeeded (code 0) | output: /dev/sda1 100% | errors: "*" | change seq 41, at 2026-11-20T09:14:56Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a diagnostic's result as Normal, with its output and its change's seq" $s
recovery=$(grep ' .1.3.6.1.4.1.32473.0.6 .*Clean' "$tmp/snmptt.log")
case $recovery in
*" Warning "*"mpmon web01: recovery Mpmon.Test.Disk.Clean of Mpmon.Test.Disk.Monitor [sda]: timeout (code 9): timed out after 60 s | output: cleaning"*"cut: 8 of 9000 bytes kept"*" | change seq 41, at 2026-11-20T09:15:57Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a recovery that timed out as Warning, with why and its output cut" $s
[ "$(grep -c ' .1.3.6.1.4.1.32473.0.6 ' "$tmp/snmptt.log")" = 2 ]
check "exactly one EVENT of the action MATCH variants applies to each" $?
[ ! -s "$tmp/snmptt-unknown.log" ]
check "no notification is unknown to snmptt" $?

stop_trapd
finish
