#!/bin/sh
# Storm control on the wire: a burst over the rate limit lets rate_max
# notifications through and holds the rest back; one mpmonStormSummary then
# says how many were held, their seq range and the monitors, so nothing
# disappears silently. The agent's start and heartbeat notifications are never held.
. "$(dirname "$0")/snmp-lib.sh"

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --synthetic 30 --start --heartbeat \
	--rate-max 5 --rate-window-ms 60000 --summary-delay-ms 500 --drain-ms 5000 --stats \
	>"$tmp/stats" 2>"$tmp/err"
check "trapsend exits 0 ($(cat "$tmp/stats"))" $?
wait_records 8
hb=$(log_all | grep 'mpmonAgentHeartbeat|')
case $hb in *"mpmonSeq.0 = 30") s=0 ;; *) s=1 ;; esac
check "one mpmonAgentHeartbeat carrying the last seq, not held by the rate limit" $s
starts=$(log_all | grep -c 'mpmonAgentStart|')
[ "$starts" = 1 ] && varbind mpmonAgentVersion | grep -q '^[0-9]'
check "one mpmonAgentStart with the agent version (got $starts)" $?
changes=$(log_all | grep -c 'mpmonHealthStateChange|')
[ "$changes" = 5 ]
check "5 state changes pass the rate limit (got $changes)" $?
summaries=$(log_all | grep -c 'mpmonStormSummary|')
[ "$summaries" = 1 ]
check "one storm summary (got $summaries)" $?
[ "$(varbind mpmonHeldCount)" = 25 ] && [ "$(varbind mpmonStormCause)" = rateLimit ]
check "it holds 25 changes for rateLimit (got $(varbind mpmonHeldCount) $(varbind mpmonStormCause))" $?
[ "$(varbind mpmonHeldFirstSeq)" = 6 ] && [ "$(varbind mpmonHeldLastSeq)" = 30 ]
check "seq 6 to 30 held ($(varbind mpmonHeldFirstSeq)..$(varbind mpmonHeldLastSeq))" $?
case $(varbind mpmonHeldMonitors) in "Mpmon.Test.Synthetic.Monitor [dev"*" x"*) s=0 ;; *) s=1 ;; esac
check "the summary names the held monitors ($(varbind mpmonHeldMonitors | cut -c1-80)...)" $s

stop_trapd
finish
