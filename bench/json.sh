#!/bin/sh
# make bench, JSON lines: the generated syslog lines as JSON events
# (gen-json.pl), read by mpmon replay --format json with the shipped packs,
# and by mpmon's JSON reader alone (json-scan.c: line reader + format_json, no
# engine), against a bare json-c parse loop over the same file (json-c-loop.c).
# Usage: json.sh BUILD_DIR
B=${1:-build}
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
lines=${BENCH_LINES:-1000000}
log="$BENCH_DIR/syslog-$lines.log"
json="$BENCH_DIR/events-$lines.jsonl"
CC=${CC:-cc}

[ -s "$log" ] || perl "$here/gen-syslog.pl" "$lines" >"$log" || exit 1
if [ ! -s "$json" ]; then
	perl "$here/gen-json.pl" <"$log" >"$json.tmp" && mv "$json.tmp" "$json" || exit 1
fi
$CC -O2 -o "$BENCH_DIR/json-c-loop" "$here/json-c-loop.c" \
	$(pkg-config --cflags --libs json-c) || exit 1
$CC -O2 -std=gnu11 -I. -o "$BENCH_DIR/json-scan" "$here/json-scan.c" "$B/libmpmon.a" \
	$(pkg-config --libs libxml-2.0 libpcre2-8) -lm || exit 1
n=$(wc -l <"$json")

header "JSON lines: $n events ($(($(wc -c <"$json") / 1048576)) MiB)"
t_c=$(time_best sh -c "'$BENCH_DIR/json-c-loop' '$json' | cat >'$BENCH_DIR/json-c.out'") || exit 1
t_scan=$(time_best sh -c "'$BENCH_DIR/json-scan' '$json' | cat >'$BENCH_DIR/json-scan.out'") || exit 1
t_mp=$(time_best sh -c "'$MPMON' replay --mp mp-xml/packs --format json --input '$json' \
	2>'$BENCH_DIR/json-replay.err' | cat >'$BENCH_DIR/json-replay.out'") || exit 1
c_rate=$(rate "$n" "$t_c")
row "replay --format json + shipped packs vs json-c" "$(rate "$n" "$t_mp")" "$c_rate" \
	"$(ratio "$t_c" "$t_mp")" ">=0.5"
row "json format alone (json_scan) vs json-c" "$(rate "$n" "$t_scan")" "$c_rate" \
	"$(ratio "$t_c" "$t_scan")" ">=0.5"
echo "  lines/s; json-c: $(cat "$BENCH_DIR/json-c.out") in $t_c s; json_scan: $(cat "$BENCH_DIR/json-scan.out") in $t_scan s;" \
	"replay: $(wc -l <"$BENCH_DIR/json-replay.out") records in $t_mp s"
