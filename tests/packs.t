#!/bin/sh
# Every monitor of every shipped pack is walked by at least one replay fixture
# (its ID appears in some tests/data/*/expected.jsonl), and mpmon doc renders
# a page for it.
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
echo "1..$n"
[ "$fail" = 0 ]
