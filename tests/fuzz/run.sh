#!/bin/sh
# Run the libFuzzer targets: sh tests/fuzz/run.sh BUILD SECONDS [TARGET...]
# Each target's corpus lives in BUILD/fuzz/corpus/<target> and grows from run to
# run; it is seeded here from the tests (packs, events, logs), from the shared
# pack corpus (copied at run time, never committed) and, for the checkpoint
# reader, from checkpoints of the test packs written by checkpoint_seeds.
# Crashes are saved as BUILD/fuzz/crashes/<target>-crash-*; the exit status is
# 1 when any target failed. One summary line per target: executions, corpus.
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
b=${1:-build-fuzz}
secs=${2:-60}
shift 2 2>/dev/null
targets=${*:-$(make -s --no-print-directory fuzz-list)}
. tests/corpus-lib.sh
fz=$b/fuzz
mkdir -p "$fz/crashes" "$fz/logs" || exit 1

seed() {	# seed TARGET FILE...: copy the files that exist into the corpus
	dir=$fz/corpus/$1
	shift
	mkdir -p "$dir"
	for f in "$@"; do
		[ -f "$f" ] || continue
		cp "$f" "$dir/seed-$(cksum < "$f" | cut -d' ' -f1)"
	done
}

# Lines of the fixtures' events in each format (the "args" file names the format).
events_of() {	# events_of FORMAT: the event files of fixtures replayed in FORMAT
	for d in tests/data/*/; do
		fmt=json
		[ -f "$d/args" ] && fmt=$(sed -n '/^--format$/{n;p;q}' "$d/args")
		[ "${fmt:-json}" = "$1" ] || continue
		for f in "$d"events.*; do [ -f "$f" ] && echo "$f"; done
	done
}

seed_all() {
	# shellcheck disable=SC2046
	seed pack tests/data/*/pack.xml tests/data/packs/*.xml tests/data/bad/*.xml \
		tests/data/doc/*.xml mp-xml/packs/*.xml
	for f in "$corpus"/*.xml; do
		# the largest corpus packs would only slow every execution down
		[ -f "$f" ] && [ "$(wc -c < "$f")" -le 524288 ] && seed pack "$f"
	done
	for fmt in json syslog kv applelog regex; do
		# shellcheck disable=SC2046
		seed format_$fmt $(events_of $fmt)
	done
	# expressions: each <...Expression> of the test packs, then "%%" and events
	mkdir -p "$fz/corpus/expr"
	(
		cd "$fz/corpus/expr" || exit 0
		for p in "$top"/tests/data/*/pack.xml "$top"/mp-xml/packs/*.xml; do
			name=$(basename "$(dirname "$p")")-$(basename "$p" .xml)
			perl -0777 -ne '
				my $i = 0;
				while (/<(\w*Expression)>\s*(<(And|Or|Not|SimpleExpression|RegExExpression|Exists)>.*?<\/\3>)\s*<\/\1>/gs) {
					my $x = $2;
					open(my $f, ">", "seed-'"$name"'-" . $i++) or die;
					print $f $x, "\n%%\n", $ENV{EV};
					close $f;
				}' "$p"
		done
	) 2>/dev/null
	# journal entries, one datum a line: the fixtures' journal events with
	# SCOM's names turned back into the journal's
	mkdir -p "$fz/corpus/journal"
	for f in tests/data/linux-essentials/events.jsonl tests/data/mdm-enrollment-server/events.jsonl; do
		SEEDS="$fz/corpus/journal/seed-$(basename "$(dirname "$f")")" perl -MJSON::PP -ne '
			my $e = decode_json($_);
			my %back = (EventDescription => "MESSAGE", PublisherName => "SYSLOG_IDENTIFIER",
				LoggingComputer => "_HOSTNAME");
			my %prio = (1 => 2, 2 => 3, 3 => 4, 4 => 6, 5 => 7);
			open my $s, ">:utf8", "$ENV{SEEDS}-$." or die;
			for my $k (sort keys %$e) {
				if ($back{$k}) { print $s "$back{$k}=$e->{$k}\n" }
				elsif ($k eq "EventLevel") { print $s "PRIORITY=$prio{$e->{$k}}\n" }
				elsif ($k =~ /^[A-Z_][A-Z0-9_]*$/) { print $s "$k=$e->{$k}\n" }
			}
			close $s' "$f"
	done
	# checkpoints of the test packs after each JSON fixture
	mkdir -p "$fz/corpus/checkpoint"
	# shellcheck disable=SC2046
	"$fz/checkpoint_seeds" "$fz/corpus/checkpoint" $(events_of json)
}

EV=$(head -20 tests/data/event-ratio/events.jsonl; head -20 tests/data/scom-correlated/events.jsonl)
export EV
seed_all

dict_of() {
	case $1 in
	pack | expr) echo tests/fuzz/xml.dict ;;
	format_json) echo tests/fuzz/json.dict ;;
	checkpoint) echo tests/fuzz/checkpoint.dict ;;
	journal) echo tests/fuzz/journal.dict ;;
	*) echo "" ;;
	esac
}

fail=0
for t in $targets; do
	bin=$fz/fuzz_$t
	log=$fz/logs/$t.log
	dict=$(dict_of "$t")
	maxlen=4096
	[ "$t" = pack ] && maxlen=524288
	[ "$t" = expr ] && maxlen=16384
	set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
		-print_final_stats=1 -artifact_prefix="$fz/crashes/$t-"
	[ -n "$dict" ] && set -- "$@" -dict="$dict"
	"$bin" "$@" "$fz/corpus/$t" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	units=$(ls "$fz/corpus/$t" | wc -l)
	if [ "$status" = 0 ]; then
		echo "fuzz $t: ${secs}s, ${execs:-?} executions, corpus $units"
	else
		echo "fuzz $t: FAILED (exit $status) after ${execs:-?} executions; see $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz property failed|.*runtime error)' "$log" | head -5
		ls "$fz/crashes/$t-"* 2>/dev/null | head -3
		fail=1
	fi
done
exit $fail
