#!/bin/sh
# Every monitor of every shipped pack is walked by at least one replay fixture
# (its ID appears in some tests/data/*/expected.jsonl), and mpmon doc renders
# a page for it. So is every rule (a "rule" record in a fixture, both a new
# alert and a repeat when it has a Suppression); every rule runs, and the
# shipped packs hold at least one alert rule with a Suppression, so pack
# authors have one to start from.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
for pack in mp-xml/packs/*.xml; do
	"$bin/mpmon" validate --list "$pack" 2>/dev/null | awk -F '\t' 'NF >= 3 {print $2}' >"$tmp/ids"
	"$bin/mpmon" doc "$pack" >"$tmp/doc.md" 2>/dev/null
	while read -r id; do
		n=$((n + 1))
		if grep -qF "\"monitor\":\"$id\"" tests/data/*/expected.jsonl; then
			echo "ok $n - $(basename "$pack"): $id has a replay fixture"
		else
			echo "not ok $n - $(basename "$pack"): $id has a replay fixture"
			fail=$((fail + 1))
		fi
		n=$((n + 1))
		if grep -qF "$id" "$tmp/doc.md"; then
			echo "ok $n - $(basename "$pack"): mpmon doc documents $id"
		else
			echo "not ok $n - $(basename "$pack"): mpmon doc documents $id"
			fail=$((fail + 1))
		fi
	done <"$tmp/ids"
done

# ok STATUS DESCRIPTION
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=$((fail + 1)); fi
}
suppressed=0
for pack in mp-xml/packs/*.xml; do
	name=$(basename "$pack")
	rules=$(sed -n 's/.*<Rule ID="\([^"]*\)".*/\1/p' "$pack")
	[ -n "$rules" ] || continue
	"$bin/mpmon" validate "$pack" >"$tmp/summary" 2>/dev/null
	total=$(echo "$rules" | wc -l)
	grep -q "; $total rules: $total run," "$tmp/summary"
	ok $? "$name: all $total rules run ($(sed 's/.*aggregate monitors; //;s/; [0-9]* diag.*//' "$tmp/summary"))"
	"$bin/mpmon" doc "$pack" >"$tmp/doc.md" 2>/dev/null
	for id in $rules; do
		grep -F "\"rule\":\"$id\"," tests/data/*/expected.jsonl | grep -q '"alert":true'
		ok $? "$name: rule $id raises an alert in a replay fixture"
		grep -qF "$id" "$tmp/doc.md"
		ok $? "$name: mpmon doc documents rule $id"
		# the rule's own element, from its ID to its end
		if awk -v id="$id" 'index($0, "<Rule ID=\"" id "\"") { on = 1 } on && /<Suppression>/ { found = 1 }
			on && /<\/Rule>/ { exit } END { exit !found }' "$pack"; then
			suppressed=$((suppressed + 1))
			grep -F "\"rule\":\"$id\"," tests/data/*/expected.jsonl | grep '"alert":false' | grep -q '"repeat_count":[1-9]'
			ok $? "$name: rule $id has a Suppression, and a fixture shows a repeat with its count"
		fi
	done
done
[ "$suppressed" -gt 0 ]
ok $? "the shipped packs hold an alert rule with a Suppression ($suppressed)"

# docs/pack-authors.md shows the shipped rule as the pack has it
id=Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule
awk -v id="$id" 'index($0, "<Rule ID=\"" id "\"") { on = 1 } on { sub(/^[ \t]+/, ""); print } on && /<\/Rule>/ { exit }' \
	mp-xml/packs/Mpmon.Linux.Essentials.xml >"$tmp/rule.pack"
awk -v id="$id" 'index($0, "<Rule ID=\"" id "\"") { on = 1 } on { sub(/^[ \t]+/, ""); print } on && /<\/Rule>/ { exit }' \
	docs/pack-authors.md >"$tmp/rule.doc"
[ -s "$tmp/rule.pack" ] && cmp -s "$tmp/rule.pack" "$tmp/rule.doc"
ok $? "docs/pack-authors.md shows $id as the pack has it"
echo "1..$n"
[ "$fail" = 0 ]
