#!/bin/sh
# SNMPv2c traps on the wire: the state changes `mpmon replay` prints for the
# enrollment-connection fixture are sent by the real sender to a real
# snmptrapd, which decodes every varbind by name with MPMON-MIB: the monitor,
# both health states, the message, the knowledge texts, the time and the seq.
# A text longer than the limit arrives cut, with the marker and knowledge ID.
. "$(dirname "$0")/snmp-lib.sh"
need "${MPMON_BIN:-build/bin}/mpmon"

"${MPMON_BIN:-build/bin}/mpmon" replay --mp mp-xml/packs --input tests/data/enrollment-connection/events.jsonl \
	>"$tmp/changes.jsonl" 2>/dev/null
want=$(wc -l <"$tmp/changes.jsonl")
[ "$want" -ge 3 ]
check "the fixture gives at least 3 state changes (got $want)" $?

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?

"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --host testhost --stats \
	"$tmp/changes.jsonl" >"$tmp/stats" 2>"$tmp/err"
check "trapsend exits 0 ($(cat "$tmp/stats"))" $?
wait_records "$want"
got=$(grep -c '^TRAP ' "$tmp/trapd.log")
[ "$got" = "$want" ]
check "one notification per state change (want $want, got $got)" $?

# Every varbind is decoded by name (none left as a numeric OID).
! grep -q 'SNMPv2-SMI::enterprises\|iso\.3\.6\.1\.4\.1\.32473' "$tmp/trapd.log"
check "no varbind left undecoded" $?

# Field by field against the replay output, in order.
i=0
while IFS= read -r line; do
	i=$((i + 1))
	get() { printf '%s\n' "$line" | sed -n "s/.*\"$1\":\"\(\([^\"\\\\]\|\\\\.\)*\)\".*/\1/p"; }
	seq=$(printf '%s\n' "$line" | sed -n 's/^{"seq":\([0-9]*\).*/\1/p')
	rec=$(awk -v want="$seq" 'BEGIN{RS="\nTRAP "} index($0, "mpmonSeq.0 = " want) {print; exit}' "$tmp/trapd.log")
	from=$(get from | tr 'A-Z' 'a-z')
	to=$(get to | tr 'A-Z' 'a-z')
	resolved=$(printf '%s\n' "$line" | sed -n 's/.*"alert_resolved":\(true\|false\).*/\1/p')
	kind=mpmonHealthStateChange
	[ "$resolved" = true ] && kind=mpmonAlertResolved
	case $rec in *"= MPMON-MIB::$kind|"*) s=0 ;; *) s=1 ;; esac
	check "change $seq: arrives as $kind" $s
	case $rec in *"MPMON-MIB::mpmonMonitorId.0 = $(get monitor)|"*) s=0 ;; *) s=1 ;; esac
	check "change $seq: mpmonMonitorId is the monitor" $s
	case $rec in *"mpmonPreviousState.0 = $from|"*"mpmonNewState.0 = $to|"*) s=0 ;; *) s=1 ;; esac
	check "change $seq: mpmonPreviousState $from, mpmonNewState $to" $s
	msg=$(get message | sed 's/\\"/"/g')
	case $rec in *"mpmonAlertMessage.0 = $msg|"*) s=0 ;; *) s=1 ;; esac
	check "change $seq: mpmonAlertMessage is the message" $s
	case $rec in *"mpmonHost.0 = testhost|"*"mpmonEventTime.0 = $(get time)|"*) s=0 ;; *) s=1 ;; esac
	check "change $seq: mpmonHost and mpmonEventTime (ISO 8601)" $s
	if [ "$resolved" != true ] && [ "$to" = success ]; then
		# healthy: the knowledge about the failure is not current
		case $rec in *"mpmonDiagnosis.0 = |"*"mpmonResolution.0 = |"*) s=0 ;; *) s=1 ;; esac
		check "change $seq: healthy, so mpmonDiagnosis and mpmonResolution are empty" $s
	elif [ "$resolved" != true ]; then
		case $rec in *"mpmonDiagnosis.0 = The Device Management Server cannot talk to the Enrollment Server."*) s=0 ;; *) s=1 ;; esac
		check "change $seq: mpmonDiagnosis carries the knowledge text" $s
		case $rec in *"mpmonResolution.0 = Check network connectivity"*"DisableLoopbackCheck and set it to 1.|"*) s=0 ;; *) s=1 ;; esac
		check "change $seq: mpmonResolution carries the whole resolution" $s
	fi
	if [ "$resolved" != true ]; then
		case $rec in *"mpmonSeverity.0 = "*"|mpmonPriority.0 = "* | *"mpmonSeverity.0 = "*"|MPMON-MIB::mpmonPriority.0 = "*) s=0 ;; *) s=1 ;; esac
		check "change $seq: mpmonSeverity and mpmonPriority decoded" $s
	fi
done <"$tmp/changes.jsonl"

# A diagnosis longer than the limit: cut on a character boundary, with the marker.
before=$(grep -c '^TRAP ' "$tmp/trapd.log")
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --synthetic 1 --start-seq 900 \
	--text-len 10000 >/dev/null 2>"$tmp/err"
wait_records $((before + 1))
diag=$(varbind mpmonDiagnosis | tail -1)
len=$(printf %s "$diag" | wc -c)
[ "$len" -le 4000 ] && [ "$len" -ge 3900 ]
check "a 10000-byte diagnosis arrives cut to at most 4000 bytes (got $len)" $?
case $diag in *" [cut, see knowledge Mpmon.Test.Synthetic.Monitor]") s=0 ;; *) s=1 ;; esac
check "the cut text ends with the marker and the knowledge ID" $s

stop_trapd
finish
