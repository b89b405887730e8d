#!/bin/sh
# make bench, text log: mpmon replay over 1,000,000 generated syslog lines
# (gen-syslog.pl; about 1% for the monitors) with the shipped packs and 100
# generated monitors (gen-monitors.pl) on the log name "journal", against
#   - SEC 2.9 running the same monitors as rules (gen-monitors.pl sec), on the
#     first BENCH_SEC_LINES lines of the same file (SEC needs minutes for all);
#   - grep -cE with one of the monitors' patterns, the floor of reading the file;
# and the cost of 1,000 monitors against 10 on the same file.
# Usage: text-log.sh BUILD_DIR
B=${1:-build}
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
lines=${BENCH_LINES:-1000000}
sec_lines=${BENCH_SEC_LINES:-20000}
log="$BENCH_DIR/syslog-$lines.log"

if [ ! -s "$log" ]; then
	perl "$here/gen-syslog.pl" "$lines" >"$log.tmp" && mv "$log.tmp" "$log" || exit 1
fi
head -n "$sec_lines" "$log" >"$BENCH_DIR/syslog-sec.log"
for n in 10 100 1000; do
	[ -s "$BENCH_DIR/pack-$n.xml" ] ||
		perl "$here/gen-monitors.pl" pack "$n" >"$BENCH_DIR/pack-$n.xml" || exit 1
done
perl "$here/gen-monitors.pl" sec 100 >"$BENCH_DIR/rules-100.sec" || exit 1

replay() { # replay PACK... : over $log, output through a pipe
	_mp=
	for _p; do _mp="$_mp --mp $_p"; done
	# shellcheck disable=SC2086
	"$MPMON" replay $_mp --format syslog --log-name journal --now "$BENCH_NOW" \
		--input "$log" | cat >"$BENCH_DIR/replay.out"
}

header "text log: $lines syslog lines ($(($(wc -c <"$log") / 1048576)) MiB), log name 'journal'"
t_mp=$(time_best replay mp-xml/packs "$BENCH_DIR/pack-100.xml") || exit 1
changes=$(wc -l <"$BENCH_DIR/replay.out")
mp_rate=$(rate "$lines" "$t_mp")

t_sec=$(time_once sh -c "sec --conf='$BENCH_DIR/rules-100.sec' --input='$BENCH_DIR/syslog-sec.log' \
	--notail --nointcontexts --log=/dev/null | cat >'$BENCH_DIR/sec.out'") || exit 1
sec_rate=$(rate "$sec_lines" "$t_sec")
nrules=$(grep -c '^type=' "$BENCH_DIR/rules-100.sec")

pattern='I/O error, dev \S+, sector [0-9]+'
t_grep=$(time_best sh -c "grep -cE '$pattern' '$log' | cat >/dev/null") || exit 1
grep_rate=$(rate "$lines" "$t_grep")

row "shipped packs + 100 monitors vs SEC (lines/s)" "$mp_rate" "$sec_rate" \
	"$(ratio "$mp_rate" "$sec_rate")" ">=30"
row "shipped packs + 100 monitors vs grep -cE (lines/s)" "$mp_rate" "$grep_rate" \
	"$(ratio "$mp_rate" "$grep_rate")" ">=0.25"
echo "  mpmon: $t_mp s for $lines lines, $changes records; SEC 2.9: $t_sec s for the first" \
	"$sec_lines lines with $nrules rules, $(wc -l <"$BENCH_DIR/sec.out") actions;" \
	"grep -cE '$pattern': $t_grep s"

t10=$(time_best replay "$BENCH_DIR/pack-10.xml") || exit 1
t1000=$(time_best replay "$BENCH_DIR/pack-1000.xml") || exit 1
row "1000 monitors vs 10 (seconds; cost ratio)" "$t1000" "$t10" "$(ratio "$t1000" "$t10")" "<=2"
