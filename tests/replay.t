#!/bin/sh
# Replay fixtures: every tests/data/<case>/ holds the packs (pack.xml, or a file
# "mp" naming packs relative to the repository), the events, and the exact
# expected.jsonl; optional "status" (exit code, default 0) and "stderr" (lines
# that must appear on stderr, one per line). In "mp", @MP_CORPUS@ stands for the
# shared corpus folder (tests/corpus-lib.sh); without it those cases skip.
#
# The events are events.jsonl, or else the one file events.<ext> (events.log,
# events.ndjson, ...). An optional "args" file gives more replay arguments, one
# per line taken as is (no shell splitting or quoting), such as "--health", or
# "--format" and "syslog" on two lines, or "--pattern" and a pattern with blanks.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
. tests/corpus-lib.sh
skipped=
for dir in tests/data/*/; do
	dir=${dir%/}
	case=$(basename "$dir")
	events=
	for f in "$dir/events.jsonl" "$dir"/events.*; do
		if [ -f "$f" ]; then
			events=$f
			break
		fi
	done
	[ -n "$events" ] || continue
	set --
	if [ -f "$dir/mp" ]; then
		if grep -q @MP_CORPUS@ "$dir/mp" && [ ! -d "$corpus" ]; then
			skipped="$skipped $case"
			continue
		fi
		while read -r p; do
			[ -n "$p" ] && set -- "$@" --mp "$(echo "$p" | sed "s|@MP_CORPUS@|$corpus|")"
		done < "$dir/mp"
	else
		set -- --mp "$dir/pack.xml"
	fi
	if [ -f "$dir/args" ]; then
		while IFS= read -r a || [ -n "$a" ]; do
			set -- "$@" "$a"
		done < "$dir/args"
	fi
	want_status=0
	[ -f "$dir/status" ] && want_status=$(cat "$dir/status")
	"$bin/mpmon" replay "$@" --input "$events" >"$tmp/out" 2>"$tmp/err"
	status=$?
	n=$((n + 1))
	if [ "$status" = "$want_status" ] && cmp -s "$tmp/out" "$dir/expected.jsonl"; then
		echo "ok $n - replay $case"
	else
		echo "not ok $n - replay $case"
		echo "#   exit status: want $want_status, got $status"
		diff -u "$dir/expected.jsonl" "$tmp/out" | sed 's/^/#   /' | head -40
		sed 's/^/#   stderr: /' "$tmp/err" | head -10
		fail=$((fail + 1))
	fi
	if [ -f "$dir/stderr" ]; then
		n=$((n + 1))
		missing=$(grep -vxF -f "$tmp/err" "$dir/stderr")
		if [ -z "$missing" ]; then
			echo "ok $n - replay $case: stderr"
		else
			echo "not ok $n - replay $case: stderr"
			echo "$missing" | sed 's/^/#   missing: /'
			sed 's/^/#   got: /' "$tmp/err" | head -10
			fail=$((fail + 1))
		fi
	fi
done
[ -n "$skipped" ] && corpus_missing "replay of the fixtures over corpus packs:$skipped"
echo "1..$n"
[ "$fail" = 0 ]
