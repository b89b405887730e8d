#!/bin/sh
# make bench: every benchmark, each printing its figures beside their
# baselines, the ratio and the target. Figures, not tests: the exit status is
# 0 even when a target is missed; the summary at the end lists what was.
#   text-log.sh   syslog replay vs SEC and grep; 1000 monitors vs 10
#   json.sh       JSON lines vs a bare json-c parse loop
#   memory.sh     peak RSS with 10,000 instances; allocations per event
#   trap-rate.sh  traps and informs per second to snmptrapd on loopback
#   daemon-latency.sh  mpmond: line appended -> trap logged by snmptrapd
#   actions.sh    mpmond reading logs while a diagnostic floods its pipe
# Usage: run.sh BUILD_DIR     (BENCH_LINES, BENCH_RUNS, BENCH_SEC_LINES,
#                              BENCH_COUNT, BENCH_DIR tune them)
B=${1:-build}
here=$(dirname "$0")
BENCH_DIR=${BENCH_DIR:-$B/bench-data}
export BENCH_DIR
mkdir -p "$BENCH_DIR"
rm -f "$BENCH_DIR/missed"
start=$(date +%s)
echo "mpmon bench on $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
sh "$here/text-log.sh" "$B"
sh "$here/json.sh" "$B"
sh "$here/journal.sh" "$B"
sh "$here/memory.sh" "$B"
printf '\n== SNMP notifications\n'
sh "$here/trap-rate.sh" "$B"
printf '\n== mpmond: append -> trap latency\n'
sh "$here/daemon-latency.sh" "$B"
sh "$here/actions.sh" "$B"
printf '\nbench: %s s in all; ' "$(($(date +%s) - start))"
if [ -s "$BENCH_DIR/missed" ]; then
	echo "targets missed:"
	sed 's/^/  /' "$BENCH_DIR/missed"
else
	echo "every target met"
fi
