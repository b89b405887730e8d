#!/bin/sh
# make bench: notifications per second the real sender sustains to a real
# snmptrapd on loopback (figures to read, not a test). Four runs: SNMPv2c
# traps, SNMPv2c informs, SNMPv3 authPriv informs (SHA-256/AES), and SNMPv2c
# informs through the fsync'd spool on disk. Traps are fire-and-forget: sent
# unpaced they outrun snmptrapd, which drops what its socket buffer cannot
# hold, so they are also paced at fixed rates to find what arrives whole. Informs are one in flight per
# destination, so their rate is one round trip plus the receiver's logging.
# BENCH_COUNT sets the number of notifications per run (default 5000).
# Latency from a log line's append to its trap: bench/daemon-latency.sh.
B=${1:-build}
MPMON_BUILD=$(cd "$B" && pwd)
export MPMON_BUILD
count=${BENCH_COUNT:-5000}
top=$(cd "$(dirname "$0")/.." && pwd)
set -- # snmp-lib.sh takes no arguments
run_mpmond=$top/build-aux/run-mpmond
. "$top/tests/e2e/snmp-lib.sh"
# snmp-lib.sh moves to the checkout of a test two folders down: come back
cd "$top" || exit 1
export MIBDIRS="$top/mibs"
start_trapd || exit 1
echo "mpmon trap sender -> snmptrapd on 127.0.0.1:$port, $count notifications per run"
for case in "v2c traps, unpaced:$V2C" "v2c traps, 5000/s:$V2C:rate=5000" \
	"v2c traps, 10000/s:$V2C:rate=10000" "v2c traps, 20000/s:$V2C:rate=20000" \
	"v2c informs:$V2C,inform=1" \
	"v3 authPriv informs:$V3SHA256,engine-id=$TRAPD_ENGINE_ID" \
	"v2c informs, spool on disk:$V2C,inform=1:spool"; do
	label=${case%%:*}
	rest=${case#*:}
	spec=${rest%%:*}
	extra=
	case $rest in
	*:spool) extra="--spool $tmp/spool" ;;
	*:rate=*) extra="--rate ${rest##*:rate=}" ;;
	esac
	before=$(grep -c '^TRAP ' "$tmp/trapd.log")
	# shellcheck disable=SC2086
	out=$("$trapsend" --dest "name=bench,peer=udp:127.0.0.1:$port,$spec" $extra \
		--synthetic "$count" --stats --drain-ms 120000 2>&1 | tail -1)
	secs=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
	wait_records $((before + count)) || sleep 2
	got=$(( $(grep -c '^TRAP ' "$tmp/trapd.log") - before ))
	rate=$(awk -v n="$count" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }')
	printf '%-28s %8s notifications/s  (%s s; snmptrapd logged %s of %s)\n' \
		"$label" "$rate" "$secs" "$got" "$count"
done
stop_trapd
