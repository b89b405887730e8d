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

# The collector: mpmond follows a text log and a journal folder in a temporary
# state folder while a small generator appends the sample events one by one
# (the journal's with systemd-journal-remote, from the export-format sample
# linux-essentials.export); each state change shows as
# mpmond logs it and goes as an SNMPv2c trap to a local snmptrapd on
# 127.0.0.1, which decodes it with MPMON-MIB; then `mpmon state` reads the
# health back, mpmond stops and the traps snmptrapd logged are shown.
echo
echo "== mpmond: following a live log and a journal (the sample events, appended one by one)"
tmp=$(mktemp -d)
# mpmond refuses root: run as root (make demo), it runs as nobody instead
chmod 755 "$tmp"
sh build-aux/run-mpmond --give "$tmp"
pid=
trapd=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$trapd" ] && kill "$trapd" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/logs"
cat >"$tmp/snmptrapd.conf" <<EOC
authCommunity log public
format2 %V\n    %B %N%v\n
EOC
# net-snmp keeps its persistent files here, not in /var/lib/snmp
SNMP_PERSISTENT_DIR=$tmp/snmp
export SNMP_PERSISTENT_DIR
mkdir -p "$tmp/snmp/cert_indexes"
for try in 1 2 3 4 5; do
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
	snmptrapd -f -n -C -c "$tmp/snmptrapd.conf" -M "$(pwd)/mibs" -m MPMON-MIB -OQs \
		-Lf "$tmp/traps.log" "udp:127.0.0.1:$port" 2>/dev/null &
	trapd=$!
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		grep -q "NET-SNMP version" "$tmp/traps.log" 2>/dev/null && break 2
		kill -0 "$trapd" 2>/dev/null || break
		sleep 0.1
	done
	kill "$trapd" 2>/dev/null
	trapd=
done
[ -n "$trapd" ] && echo "(snmptrapd listens on udp:127.0.0.1:$port)"
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
jr=/lib/systemd/systemd-journal-remote
if [ -x $jr ]; then
	mkdir "$tmp/journal"
	cat >>"$tmp/mpmond.conf" <<EOC

[source journal]
type = journal
path = $tmp/journal
start = beginning
EOC
fi
[ -n "$trapd" ] && cat >>"$tmp/mpmond.conf" <<EOC

[snmp]
heartbeat_s = 0

[sink demo]
type = snmp
peer = udp:127.0.0.1:$port
community = public
EOC
"$bin/mpmond" --config "$tmp/mpmond.conf" --check-config
sh build-aux/run-mpmond "$bin/mpmond" --config "$tmp/mpmond.conf" --foreground &
pid=$!
while [ ! -f "$tmp/state/state.json" ]; do sleep 0.1; done
while IFS= read -r line; do
	printf '%s\n' "$line" >>"$tmp/logs/mdm.jsonl"
	sleep 0.2
done <"$samples/mdm-enrollment.jsonl"
# Then the journal's entries: systemd-journal-remote appends each to the
# journal file, as it does for a host sending its journal. Its files are
# root's (0640); mpmond reads them as another user here.
if [ -d "$tmp/journal" ]; then
	mkdir "$tmp/entries"
	# one file per entry (entries end at an empty line)
	perl -00 -e 'my $i = 0; while (<STDIN>) {
		open my $f, ">", sprintf("%s/%03d", $ARGV[0], ++$i) or die "$ARGV[0]: $!\n"; print $f $_ }' \
		"$tmp/entries" <"$samples/linux-essentials.export"
	for entry in "$tmp"/entries/*; do
		$jr --output="$tmp/journal/web01.journal" - <"$entry" 2>"$tmp/jr.err" ||
			cat "$tmp/jr.err" >&2
		chmod 644 "$tmp/journal/web01.journal"
		sleep 0.2
	done
fi
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
if [ -n "$trapd" ]; then
	# until snmptrapd has logged nothing new for half a second (at most 10 s)
	last=-1
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		now=$(wc -c <"$tmp/traps.log")
		[ "$now" = "$last" ] && break
		last=$now
		sleep 0.5
	done
	kill "$trapd"
	wait "$trapd" 2>/dev/null
	trapd=
	echo
	echo "== the traps snmptrapd received on 127.0.0.1:$port, decoded with mibs/MPMON-MIB.txt"
	grep -v "NET-SNMP version\|Stopping snmptrapd" "$tmp/traps.log"
else
	echo "(snmptrapd would not start: no traps shown)"
fi
