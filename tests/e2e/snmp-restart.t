#!/bin/sh
# The spool survives the sender: with the receiver down, informs are queued to
# disk; the sender is killed (SIGKILL, no chance to clean up) with the spool
# full of them; a new sender started on the same spool after the receiver
# returns delivers them all, once, in order, and empties the spool.
. "$(dirname "$0")/snmp-lib.sh"
need seq

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
stop_trapd

dest="name=noc,peer=udp:127.0.0.1:$port,$V2C,inform=1,timeout-ms=300,backoff-max-ms=600"
"$trapsend" --dest "$dest" --spool "$tmp/spool" --synthetic 6 --drain-ms 60000 \
	>/dev/null 2>"$tmp/err" &
sender=$!
for i in $(seq 1 50); do
	[ "$(ls "$tmp/spool/noc" 2>/dev/null | wc -l)" -ge 6 ] && break
	sleep 0.1
done
sleep 0.5
kill -9 "$sender"
wait "$sender" 2>/dev/null
spooled=$(ls "$tmp/spool/noc" | grep -c '\.ntf$')
[ "$spooled" = 6 ]
check "6 informs are in the spool when the sender is killed (got $spooled)" $?

start_trapd "$port"
check "snmptrapd back on 127.0.0.1:$port" $?
"$trapsend" --dest "$dest" --spool "$tmp/spool" --synthetic 0 --stats --drain-ms 20000 \
	>"$tmp/stats" 2>>"$tmp/err"
check "the restarted sender delivers the spool ($(cat "$tmp/stats"))" $?
log_all | sed -n 's/.*mpmonSeq\.0 = \([0-9]*\)$/\1/p' >"$tmp/seqs"
seq 1 6 >"$tmp/want"
cmp -s "$tmp/seqs" "$tmp/want"
check "seq 1..6 arrived once each, in order ($(tr '\n' ' ' <"$tmp/seqs"))" $?
left=$(ls "$tmp/spool/noc" | wc -l)
[ "$left" = 0 ]
check "the spool is empty afterwards ($left files)" $?

stop_trapd
finish
