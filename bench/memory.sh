#!/bin/sh
# make bench, memory: peak RSS of mpmon replay with the shipped packs holding
# 10,000 instances of one per-host monitor (gen-instances.pl; /usr/bin/time
# %M), and allocations per event on the hot path, counted by an LD_PRELOAD
# counter (alloc-count.c) over the text log: the allocations of a replay of the
# log twice less those of one replay, per event of the second pass; and,
# stricter, of the whole log less its first tenth, per event of the rest.
# Usage: memory.sh BUILD_DIR
B=${1:-build}
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
lines=${BENCH_LINES:-1000000}
log="$BENCH_DIR/syslog-$lines.log"
warm=$((lines / 10))
CC=${CC:-cc}

[ -s "$log" ] || perl "$here/gen-syslog.pl" "$lines" >"$log" || exit 1
perl "$here/gen-instances.pl" 10000 >"$BENCH_DIR/instances.log" || exit 1
head -n "$warm" "$log" >"$BENCH_DIR/syslog-warm.log"
$CC -O2 -shared -fPIC -o "$BENCH_DIR/alloc-count.so" "$here/alloc-count.c" || exit 1

header "memory"
/usr/bin/time -f %M -o "$BENCH_DIR/rss" "$MPMON" replay --mp mp-xml/packs --format syslog \
	--log-name journal --now "$BENCH_NOW" --input "$BENCH_DIR/instances.log" \
	>"$BENCH_DIR/instances.out" 2>&1
rss=$(tail -1 "$BENCH_DIR/rss")
/usr/bin/time -f %M -o "$BENCH_DIR/rss0" "$MPMON" replay --mp mp-xml/packs --format syslog \
	--log-name journal --now "$BENCH_NOW" --input /dev/null >/dev/null 2>&1
rss0=$(tail -1 "$BENCH_DIR/rss0")
row "RSS, shipped packs + 10000 instances (KiB)" "$rss" 8192 "$(ratio "$rss" 8192)" "<=1"
echo "  $(grep -c '"to":"Error"' "$BENCH_DIR/instances.out") instances went to Error;" \
	"RSS with the packs and no input: $rss0 KiB"

count() { # count FILE: allocations of a replay of FILE ("-": stdin) with the text figure's packs
	rm -f "$BENCH_DIR/allocs"
	ALLOC_COUNT_FILE="$BENCH_DIR/allocs" LD_PRELOAD="$BENCH_DIR/alloc-count.so" \
		"$MPMON" replay --mp mp-xml/packs --mp "$BENCH_DIR/pack-100.xml" --format syslog \
		--log-name journal --now "$BENCH_NOW" --input "$1" >/dev/null 2>&1
	sed -n 's/^ALLOCS //p' "$BENCH_DIR/allocs" | tail -1
}
[ -s "$BENCH_DIR/pack-100.xml" ] || perl "$here/gen-monitors.pl" pack 100 >"$BENCH_DIR/pack-100.xml"
# Warm-up, two ways: the log's first tenth (later lines still bring hosts and
# units not seen before, each a new instance: one allocation by design); and
# a whole pass over the log, after which every instance exists.
a_warm=$(count "$BENCH_DIR/syslog-warm.log")
a_all=$(count "$log")
# both passes through stdin, so the two runs read the same way
a_one=$(cat "$log" | count -)
a_two=$(cat "$log" "$log" | count -)
per=$(awk -v a="$a_two" -v w="$a_one" -v n="$lines" 'BEGIN { printf "%.6f", (a - w) / n }')
row "allocations per event, 2nd pass over the log" "$per" 0 "$per" "<=0"
per=$(awk -v a="$a_all" -v w="$a_warm" -v n="$((lines - warm))" 'BEGIN { printf "%.4f", (a - w) / n }')
row "allocations per event after the first tenth" "$per" 0 "$per" "<=0.001"
echo "  allocations: $a_warm for the first $warm lines, $a_all for all $lines lines," \
	"$a_one and $a_two for the log once and twice through stdin ($((a_all - a_warm))" \
	"after the first tenth): each one a new monitor instance, its hash table or the" \
	"timer heap growing, or a regular expression's first match by PCRE2's interpreter" \
	"(its backtracking frames) or its JIT compilation at its 64th; none per event"
