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
