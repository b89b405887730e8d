#!/bin/sh
# The NOC's path: snmptrapd hands each notification to snmptt (traphandle, as
# contrib/snmptrapd/snmptrapd.conf does), and snmptt formats it with the
# shipped contrib/snmptt/mpmon.conf: a problem logged as Critical with the
# monitor, both states, the message and the knowledge ID; its clear as a
# Normal RESOLVED line with the same monitor and instance; the results of a
# diagnostic (Normal) and of a recovery that timed out (Warning) with the seq
# of their change, their output and why; a rule's alert at its severity, new
# and repeated with the repeat count, its message and knowledge; a roll-up's
# change at its new health, raising and resolving the aggregate's alert.
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
{"seq":41,"time":"2026-11-20T09:14:55Z","monitor":"Mpmon.Test.Disk.Monitor","computer":"web01","instance":"sda","from":"Success","to":"Error","state":"Full","alert":true,"alert_resolved":false,"severity":"Error","priority":"High","message":"Disk sda is full","diagnosis":"The disk has no free space left.","resolution":"Free some space."}
{"seq":42,"time":"2026-11-20T09:20:00Z","monitor":"Mpmon.Test.Disk.Monitor","computer":"web01","instance":"sda","from":"Error","to":"Success","state":"Ok","alert":false,"alert_resolved":true,"severity":"Error","priority":"High","message":"Disk sda has free space again","diagnosis":"","resolution":""}
{"kind":"action","seq":41,"monitor":"Mpmon.Test.Disk.Monitor","computer":"web01","instance":"sda","action_kind":"diagnostic","id":"Mpmon.Test.Disk.Usage","status":"succeeded","code":0,"reason":"","stdout":"/dev/sda1 100%","stderr":"","ended":"2026-11-20T09:14:56Z"}
{"kind":"action","seq":41,"monitor":"Mpmon.Test.Disk.Monitor","computer":"web01","instance":"sda","action_kind":"recovery","id":"Mpmon.Test.Disk.Clean","status":"timeout","code":9,"reason":"timed out after 60 s","stdout":"cleaning","stdout_bytes":9000,"stderr":"","ended":"2026-11-20T09:15:57Z"}
{"seq":43,"time":"2026-11-20T09:30:00Z","kind":"rule","rule":"Mpmon.Test.Ssh.Rule","computer":"web01","alert":true,"repeat_count":0,"severity":"Warning","priority":"High","alert_name":"SSH login as root failed","message":"Root login failed from 203.0.113.9","diagnosis":"Password guessing.","resolution":"Block the address."}
{"seq":44,"time":"2026-11-20T09:30:10Z","kind":"rule","rule":"Mpmon.Test.Ssh.Rule","computer":"web01","alert":false,"repeat_count":2,"severity":"Warning","priority":"High","alert_name":"SSH login as root failed","message":"Root login failed from 203.0.113.9 again","diagnosis":"Password guessing.","resolution":"Block the address."}
{"seq":45,"time":"2026-11-20T09:31:00Z","kind":"rule","rule":"Mpmon.Test.Kernel.Rule","computer":"web01","alert":true,"repeat_count":0,"severity":"Error","priority":"Normal","alert_name":"Kernel oops","message":"Oops on cpu 3","diagnosis":"","resolution":""}
{"seq":46,"time":"2026-11-20T09:32:00Z","kind":"rollup","monitor":"Web.Health","target":"Web.Server","computer":"web01","instance":"","from":"Success","to":"Error","cause":"event","alert":true,"alert_resolved":false,"severity":"Error","priority":"Normal","alert_name":"Web server unhealthy","message":"One or more web checks failed"}
{"seq":47,"time":"2026-11-20T09:32:00Z","kind":"rollup","monitor":"System.Health.EntityState","target":"Web.Server","computer":"web01","instance":"sda","from":"Success","to":"Warning","cause":"event","alert":false,"alert_resolved":false,"severity":"Warning","priority":"Normal","alert_name":"","message":""}
{"seq":48,"time":"2026-11-20T09:40:00Z","kind":"rollup","monitor":"Web.Health","target":"Web.Server","computer":"web01","instance":"","from":"Error","to":"Success","cause":"event","alert":false,"alert_resolved":true,"severity":"Information","priority":"Normal","alert_name":"Web server unhealthy","message":"alert resolved: Web server unhealthy"}
JSON
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --host web01 "$tmp/changes.jsonl" \
	>/dev/null 2>"$tmp/err"
check "trapsend exits 0" $?
for i in $(seq 1 100); do
	[ "$(cat "$tmp/snmptt.log" 2>/dev/null | grep -c .)" -ge 10 ] && break
	sleep 0.1
done
sed 's/^/#   snmptt.log: /' "$tmp/snmptt.log" 2>/dev/null
problem=$(grep ' .1.3.6.1.4.1.32473.0.1 ' "$tmp/snmptt.log")
case $problem in
*" Critical "*"mpmon web01: Mpmon.Test.Disk.Monitor on web01 [sda] success -> error (Full): Disk sda is full | diagnosis: The disk has no free space left. | resolution: Free some space. | knowledge Mpmon.Test.Disk.Monitor, seq 41, at 2026-11-20T09:14:55Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs the problem as Critical, formatted with every field" $s
[ "$(grep -c ' .1.3.6.1.4.1.32473.0.1 ' "$tmp/snmptt.log")" = 1 ]
check "exactly one EVENT of the MATCH variants applies" $?
clear=$(grep ' .1.3.6.1.4.1.32473.0.2 ' "$tmp/snmptt.log")
case $clear in
*" Normal "*"mpmon web01: RESOLVED Mpmon.Test.Disk.Monitor on web01 [sda] error -> success: Disk sda has free space again | knowledge Mpmon.Test.Disk.Monitor, seq 42"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs the clear as Normal with the same monitor and instance" $s
diagnostic=$(grep ' .1.3.6.1.4.1.32473.0.6 .*Usage' "$tmp/snmptt.log")
case $diagnostic in
*" Normal "*"mpmon web01: diagnostic Mpmon.Test.Disk.Usage of Mpmon.Test.Disk.Monitor on web01 [sda]: succeeded (code 0) | output: /dev/sda1 100% | errors: "*" | change seq 41, at 2026-11-20T09:14:56Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a diagnostic's result as Normal, with its output and its change's seq" $s
recovery=$(grep ' .1.3.6.1.4.1.32473.0.6 .*Clean' "$tmp/snmptt.log")
case $recovery in
*" Warning "*"mpmon web01: recovery Mpmon.Test.Disk.Clean of Mpmon.Test.Disk.Monitor on web01 [sda]: timeout (code 9): timed out after 60 s | output: cleaning"*"cut: 8 of 9000 bytes kept"*" | change seq 41, at 2026-11-20T09:15:57Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a recovery that timed out as Warning, with why and its output cut" $s
[ "$(grep -c ' .1.3.6.1.4.1.32473.0.6 ' "$tmp/snmptt.log")" = 2 ]
check "exactly one EVENT of the action MATCH variants applies to each" $?
rule() {	# rule SEQ: the line of that rule alert
	grep ' .1.3.6.1.4.1.32473.0.7 .*, seq '"$1"', ' "$tmp/snmptt.log"
}
case $(rule 43) in
*" Warning "*"mpmon web01: rule Mpmon.Test.Ssh.Rule on web01: SSH login as root failed: Root login failed from 203.0.113.9 (raised, repeat count 0) | diagnosis: Password guessing. | resolution: Block the address. | knowledge Mpmon.Test.Ssh.Rule, seq 43, at 2026-11-20T09:30:00Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a rule's new warning alert as Warning, with its name, message and knowledge" $s
case $(rule 44) in
*" Warning "*"mpmon web01: rule Mpmon.Test.Ssh.Rule on web01: SSH login as root failed: Root login failed from 203.0.113.9 again (repeated, repeat count 2) |"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs its repeat at the same severity, as repeated, with the repeat count" $s
case $(rule 45) in
*" Critical "*"mpmon web01: rule Mpmon.Test.Kernel.Rule on web01: Kernel oops: Oops on cpu 3 (raised, repeat count 0) |"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a rule's error alert as Critical" $s
[ "$(grep -c ' .1.3.6.1.4.1.32473.0.7 ' "$tmp/snmptt.log")" = 3 ]
check "exactly one EVENT of the rule alert's MATCH variants applies to each" $?
# snmptt shows an empty varbind (no instance, no message) as "(null)".
rollup() {	# rollup SEQ: the line of that roll-up change
	grep ' .1.3.6.1.4.1.32473.0.8 .*, seq '"$1"', ' "$tmp/snmptt.log"
}
case $(rollup 46) in
*" Critical "*"mpmon web01: roll-up Web.Health of Web.Server on web01 [(null)] success -> error (alert raised): One or more web checks failed | knowledge Web.Health, seq 46, at 2026-11-20T09:32:00Z"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a roll-up to error that raises the aggregate's alert as Critical" $s
case $(rollup 47) in
*" Warning "*"mpmon web01: roll-up System.Health.EntityState of Web.Server on web01 [sda] success -> warning (alert none): (null) | knowledge System.Health.EntityState, seq 47"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs a standard parent's change to warning as Warning, with target and instance" $s
case $(rollup 48) in
*" Normal "*"mpmon web01: roll-up Web.Health of Web.Server on web01 [(null)] error -> success (alert resolved): alert resolved: Web server unhealthy | knowledge Web.Health, seq 48"*) s=0 ;;
*) s=1 ;;
esac
check "snmptt logs the roll-up's clear as Normal, resolving the alert" $s
[ "$(grep -c ' .1.3.6.1.4.1.32473.0.8 ' "$tmp/snmptt.log")" = 3 ]
check "exactly one EVENT of the roll-up's MATCH variants applies to each" $?
[ ! -s "$tmp/snmptt-unknown.log" ]
check "no notification is unknown to snmptt" $?

stop_trapd
finish
