#!/bin/sh
# The public SCOM packs in the shared corpus: every file validates, every
# UnitMonitor of a type mpmon runs is configured (with --all, as an override
# enabling the ones a pack turns off would), and the number of monitors that
# run never falls below the recorded floor (tests/corpus-floor; raise it when
# more run, never lower it, unless monitors counted as running are found never
# to match and are disabled with a warning, as those that compare with a
# $Target value are). The same for event alert rules (tests/corpus-rules-floor).
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=$((fail + 1)); }
. tests/corpus-lib.sh
if corpus_missing "the corpus packs validate and their monitors run"; then
	echo "1..$n"
	[ "$fail" = 0 ]
	exit
fi

# the stock types mpmon runs, as TypeID suffixes; a fragment template's monitor
# (an ID with ##placeholders##) cannot run until its tokens are filled in
types='(^|!)Microsoft\.Windows\.(2SingleEventLog2State|SingleEventLogManualReset2State|SingleEventLogTimer2State|(Repeated|Missing)EventLog(SingleEventLog|ManualReset|Timer)2State|3SingleEventLog3StateUnit)MonitorType$'

files=$(ls "$corpus"/*.xml 2>/dev/null | wc -l)
if [ "$files" -ge 15 ]; then ok "corpus has $files packs"; else not_ok "corpus has $files packs, want 15"; fi

run_total=0
rules_total=0
target_total=0
for f in "$corpus"/*.xml; do
	name=$(basename "$f")
	timeout 20 "$bin/mpmon" validate --list "$f" >"$tmp/list" 2>"$tmp/err"
	status=$?
	if [ "$status" = 0 ] && ! grep -q -v ': warning: ' "$tmp/err"; then
		ok "$name validates"
	else
		not_ok "$name validates (exit $status)"
		grep -v ': warning: ' "$tmp/err" | sed 's/^/#   /' | head -5
	fi
	run=$(grep -c '^run	' "$tmp/list")
	run_total=$((run_total + run))
	rules=$(sed -n 's/.*; [0-9]* rules: \([0-9]*\) run,.*/\1/p' "$tmp/list")
	rules_total=$((rules_total + ${rules:-0}))
	timeout 20 "$bin/mpmon" validate --list --all "$f" >"$tmp/all" 2>"$tmp/allerr"
	# an expression comparing with a $Target value would never match: disabled, and said
	sed -n "s/.*: warning: monitor '\([^']*\)' compares with '\\\$Target\/.*/\1/p" "$tmp/allerr" >"$tmp/target"
	bad=$(awk -F '\t' -v re="$types" 'NR == FNR { t[$0] = 1; next }
		$3 ~ re && $2 !~ /##/ && $1 != "run" && !($2 in t)' "$tmp/target" "$tmp/all")
	want=$(awk -F '\t' -v re="$types" 'NR == FNR { t[$0] = 1; next }
		$3 ~ re && $2 !~ /##/ && !($2 in t)' "$tmp/target" "$tmp/all" | wc -l)
	target_total=$((target_total + $(wc -l <"$tmp/target")))
	if [ -z "$bad" ]; then
		ok "$name: all $want monitors of the stock event types run"
	else
		not_ok "$name: monitors of the stock event types that do not run"
		echo "$bad" | sed 's/^/#   /'
	fi
done

echo "# monitors whose expression compares with a \$Target value (disabled, said): $target_total"
floor=$(cat tests/corpus-floor)
echo "# monitors that run across the corpus: $run_total (floor $floor)"
if [ "$run_total" -ge "$floor" ]; then
	ok "monitors run: $run_total >= floor $floor"
else
	not_ok "monitors run: $run_total < floor $floor"
fi
# event alert rules (EventProvider + GenerateAlert) that run, same rule as above
rules_floor=$(cat tests/corpus-rules-floor)
echo "# rules that run across the corpus: $rules_total (floor $rules_floor)"
if [ "$rules_total" -ge "$rules_floor" ]; then
	ok "rules run: $rules_total >= floor $rules_floor"
else
	not_ok "rules run: $rules_total < floor $rules_floor"
fi
echo "1..$n"
[ "$fail" = 0 ]
