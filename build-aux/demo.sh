#!/bin/sh
# make demo: validate the shipped packs, then replay the bundled sample events
# through them and show each state change with its message and knowledge.
set -e
bin=${1:-build/bin}
packs=mp-xml/packs
samples=$packs/samples

echo "== mpmon validate $packs/*.xml"
"$bin/mpmon" validate "$packs"/*.xml
echo
echo "== mpmon replay --mp $packs --input $samples/mdm-enrollment.jsonl --output text"
echo
"$bin/mpmon" replay --mp "$packs" --input "$samples/mdm-enrollment.jsonl" --output text
echo "== the same as JSON lines (the replay contract), first record:"
"$bin/mpmon" replay --mp "$packs" --input "$samples/mdm-enrollment.jsonl" | head -n 1

# The collector: mpmond follows a log in a temporary state folder while a small
# generator appends the sample events one by one; each state change shows as
# mpmond logs it, then `mpmon state` reads the health back and mpmond stops.
echo
echo "== mpmond: following a live log (the sample events, appended one by one)"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/logs"
cat >"$tmp/mpmond.conf" <<EOC
[mpmond]
state_dir = $tmp/state
clock = event

[packs]
path = $(pwd)/$packs

[source mdm]
type = file
path = $tmp/logs/*.jsonl
start = beginning
EOC
"$bin/mpmond" --config "$tmp/mpmond.conf" --check-config
"$bin/mpmond" --config "$tmp/mpmond.conf" --foreground &
pid=$!
while [ ! -f "$tmp/state/state.json" ]; do sleep 0.1; done
while IFS= read -r line; do
	printf '%s\n' "$line" >>"$tmp/logs/mdm.jsonl"
	sleep 0.2
done <"$samples/mdm-enrollment.jsonl"
sleep 0.5
echo
echo "== mpmon state --state-dir $tmp/state (health per monitor and instance)"
"$bin/mpmon" state --state-dir "$tmp/state" |
	perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>);
		printf "%-8s %s%s  since %s\n", $_->{health}, $_->{monitor},
			$_->{instance} ne "" ? " [$_->{instance}]" : "", $_->{since} for @{$s->{monitors}};
		printf "source %s: %d records, %d bad\n", $_->{name}, $_->{records}, $_->{bad} for @{$s->{sources}}'
kill -TERM "$pid"
wait "$pid"
pid=
echo "== mpmond stopped (SIGTERM: checkpoint written, exit 0)"
