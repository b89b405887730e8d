#!/bin/sh
# make demo: validate the shipped packs, then replay the bundled sample events
# through them, one replay per pack, and show each state change with its
# message and knowledge.
set -e
bin=${1:-build/bin}
packs=mp-xml/packs
samples=$packs/samples
# The Altiris Task Server results log (see Mpmon.Altiris.TaskServer.AMT.xml).
amt='^(?<TimeGenerated>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?<LoggingComputer>\S+) job="(?<Job>[^"]*)" task="(?<Task>[^"]*)" target=(?<Target>\S+) function=(?<Function>\S+) result=(?<Result>\S+) code=(?<ReturnCode>\S*) message=(?<EventDescription>.*)$'

# replay INPUT [ARG...]: replay INPUT through every shipped pack as text.
replay() {
	input=$1
	shift
	printf '\n== mpmon replay --mp %s --input %s' "$packs" "$input"
	for a in "$@"; do
		case $a in
		"$amt") printf ' "$amt"' ;;
		*' '*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	printf ' --output text\n\n'
	"$bin/mpmon" replay --mp "$packs" --input "$input" "$@" --output text
}

echo "== mpmon validate $packs/*.xml"
"$bin/mpmon" validate "$packs"/*.xml
replay "$samples/mdm-enrollment.jsonl"
replay "$samples/mdm-gateway-alerter.jsonl"
replay "$samples/mdm-enrollment-server.jsonl"
replay "$samples/mdm-enrollment-macos.ndjson" --format applelog --log-name macOS
replay "$samples/altiris-task-server.log" --format regex --log-name 'Altiris Task Server' --pattern "$amt"
replay "$samples/linux-essentials.jsonl"
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
