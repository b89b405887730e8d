#!/bin/sh
# No notification lost when the receiver blinks: informs to two destinations
# (SNMPv2c, and SNMPv3 authPriv with the engine ID given) keep being queued
# while snmptrapd is stopped for MPMON_OUTAGE_SECONDS (10 s by default; the
# issue's 60 s is MPMON_OUTAGE_SECONDS=60). After it returns every change
# arrives, once, in order of seq, at each destination, and the sender ends with
# nothing pending.
. "$(dirname "$0")/snmp-lib.sh"
outage=${MPMON_OUTAGE_SECONDS:-10}
count=${MPMON_OUTAGE_CHANGES:-20}
# Changes flow from before the outage until after it.
interval_ms=$(( (outage + 3) * 1000 / count ))

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?

"$trapsend" --dest "name=v2c,peer=udp:127.0.0.1:$port,$V2C,inform=1,timeout-ms=500,backoff-max-ms=2000" \
	--dest "name=v3,peer=udp:127.0.0.1:$port,$V3SHA,engine-id=$TRAPD_ENGINE_ID,timeout-ms=500,backoff-max-ms=2000" \
	--spool "$tmp/spool" --synthetic "$count" --interval-ms "$interval_ms" \
	--drain-ms $(( (outage + 30) * 1000 )) --stats >"$tmp/stats" 2>"$tmp/err" &
sender=$!

sleep 1
stop_trapd
echo "# snmptrapd stopped for $outage s"
sleep "$outage"
mid=$(ls "$tmp/spool/v2c" 2>/dev/null | wc -l)
[ "$mid" -gt 0 ]
check "informs wait in the spool during the outage ($mid in spool/v2c)" $?
start_trapd "$port"
check "snmptrapd back on the same port" $?

wait "$sender"
status=$?
check "the sender delivered everything ($(cat "$tmp/stats"))" $status
sed 's/^/#   /' "$tmp/err"

for dest in "SNMP v2c" "SNMP v3"; do
	log_all | grep "^TRAP INFORM, $dest" | sed -n 's/.*mpmonSeq\.0 = \([0-9]*\)$/\1/p' \
		>"$tmp/seqs"
	seq 1 "$count" >"$tmp/want"
	if cmp -s "$tmp/seqs" "$tmp/want"; then s=0; else s=1; fi
	check "$dest: seq 1..$count arrived once each, in order" $s
	[ "$s" = 0 ] || diff "$tmp/want" "$tmp/seqs" | sed 's/^/#   /' | head -20
done
left=$(find "$tmp/spool" -type f | wc -l)
[ "$left" = 0 ]
check "the spool is empty afterwards ($left files)" $?

stop_trapd
finish
