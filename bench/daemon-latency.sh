#!/bin/sh
# make bench: how long a log line takes to become an SNMP notification through
# the real mpmond, and how many notifications per second mpmond sustains
# (figures to read, not a test). bench/latency.pl appends BENCH_EVENTS JSON
# lines (10000 by default) to a watched log, each one a state change, and
# follows the log of a real snmptrapd on loopback: the latency of line i is
# from its append to snmptrapd logging the record with mpmonSeq i, so it
# includes snmptrapd's decoding and logging. mpmonEventTime says when mpmond
# processed the line, which splits the p99 into append->mpmond (reading, the
# engine) and mpmond->snmptrapd (sender, loopback, snmptrapd). Runs:
#   latency, paced at BENCH_RATE lines/s (1000): SNMPv2c traps; SNMPv2c
#     informs (spool without fsync); SNMPv3 authPriv informs (spool without
#     fsync)
#   sustained, all lines appended at once: the same three, and SNMPv2c informs
#     with the fsync'd spool (mpmond's default; BENCH_FSYNC_EVENTS lines, 1000)
# Goal: p99 <= 20 ms for paced traps, with none missing: a row against it,
# and a miss in $BENCH_DIR/missed (bench/lib.sh) when it is not met.
B=${1:-build}
MPMON_BUILD=$(cd "$B" && pwd)
export MPMON_BUILD
events=${BENCH_EVENTS:-10000}
rate=${BENCH_RATE:-1000}
fsync_events=${BENCH_FSYNC_EVENTS:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
set -- # snmp-lib.sh takes no arguments
run_mpmond=$top/build-aux/run-mpmond
. "$top/tests/e2e/snmp-lib.sh"
# snmp-lib.sh moves to the checkout of a test two folders down: come back
cd "$top" || exit 1
. "$top/bench/lib.sh"
export MIBDIRS="$top/mibs"
mpmond=$MPMON_BUILD/bin/mpmond
need "$mpmond" perl
mpid=
trap '[ -n "$mpid" ] && kill -9 "$mpid" 2>/dev/null; cleanup' EXIT
start_trapd || exit 1

run() {	# run LABEL SINK-LINES FSYNC EVENTS RATE
	rm -rf "$tmp/state" "$tmp/logs"
	mkdir -p "$tmp/logs"
	: >"$tmp/logs/bench.log"
	cat >"$tmp/c.conf" <<EOC
[mpmond]
state_dir = $tmp/state
[packs]
path = $PWD/tests/e2e/data/snmp-pack.xml
[source bench]
type = file
path = $tmp/logs/*.log
log_name = System
[snmp]
heartbeat_s = 0
spool_fsync = $3
[sink bench]
type = snmp
peer = udp:127.0.0.1:$port
$2
EOC
	chmod 600 "$tmp/c.conf"
	"$run_mpmond" --give "$tmp/c.conf"
	"$run_mpmond" "$mpmond" --config "$tmp/c.conf" --foreground 2>"$tmp/mpmond.log" &
	mpid=$!
	for i in $(seq 1 100); do
		[ -f "$tmp/state/state.json" ] && break
		sleep 0.05
	done
	sleep 0.3	# the start notification is out of the way
	# snmptrapd truncates its log only when it starts: read from here on
	cp /dev/null "$tmp/trapd.log"
	out=$(perl bench/latency.pl "$tmp/logs/bench.log" "$tmp/trapd.log" "$4" "$5" 60)
	kill -TERM "$mpid"
	wait "$mpid"
	mpid=
	# what mpmond put on the wire (traps snmptrapd could not take are lost there)
	sent=$(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1; print decode_json(<$f>)->{snmp}{sent}' \
		"$tmp/state/state.json")
	printf '%-44s %s mpmond_sent=%s\n' "$1" "$out" "$sent"
	last=$out
}

# field NAME: NAME=VALUE of the last run's figures
field() { echo "$last" | sed -n "s/.*[ (]$1=\([^ ]*\).*/\1/p"; }

V2C_TRAPS="version = 2c
community = public
inform = false"
V2C_INFORMS="version = 2c
community = public
inform = true"
V3_INFORMS="version = 3
user = mpmon256
auth = sha256
auth_pass = sha256pass1
priv_pass = aespass256
engine_id = $TRAPD_ENGINE_ID"

echo "mpmond: log line appended -> record logged by snmptrapd on 127.0.0.1:$port"
echo "latency over $events events at $rate lines/s (goal: p99 <= 20 ms for traps):"
run "  v2c traps" "$V2C_TRAPS" false "$events" "$rate"
p50=$(field p50_ms) p90=$(field p90_ms) p99=$(field p99_ms) missing=$(field missing)
run "  v2c informs (spool, no fsync)" "$V2C_INFORMS" false "$events" "$rate"
run "  v3 authPriv informs (spool, no fsync)" "$V3_INFORMS" false "$events" "$rate"
echo "sustained: $events lines appended at once (rate = records/s from first append to last record):"
run "  v2c traps" "$V2C_TRAPS" false "$events" 0
run "  v2c informs (spool, no fsync)" "$V2C_INFORMS" false "$events" 0
run "  v3 authPriv informs (spool, no fsync)" "$V3_INFORMS" false "$events" 0
run "  v2c informs (spool fsync'd, $fsync_events lines)" "$V2C_INFORMS" true "$fsync_events" 0
stop_trapd
header "mpmond latency, v2c traps at $rate lines/s (p50 $p50, p90 $p90 ms)"
row "p99 append -> trap logged, $events events (ms)" "$p99" 20 "$(ratio "$p99" 20)" "<=1"
# a trap that never came has no latency: the percentiles would flatter
if [ "${missing:-1}" != 0 ]; then
	echo "  ${missing:-all} of $events traps missing: the figures are of those that came"
	echo "mpmond latency: ${missing:-all} of $events traps missing" >>"$BENCH_DIR/missed"
fi
