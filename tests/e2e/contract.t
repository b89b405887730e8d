#!/bin/sh
# The front ends' contract: every replay fixture of tests/data (the layout of
# tests/replay.t: pack.xml or "mp", events.*, args, status) run through
#   1. mpmon replay --health (roll-ups included),
#   2. check_mpmon standalone, one first run from the beginning with
#      --clock event and --records FILE,
#   3. mpmond with clock = event, a file source over the events read from the
#      start (format, pattern and log_name from the fixture's args) and a
#      [sink out] of type jsonl (a pattern on continuation lines: some are
#      longer than the 199 bytes a line of mpmond.conf holds),
# gives the same records in the same order and the same count of bad lines
# (replay's -v count, check_mpmon's perfdata 'bad', the source's "bad" in
# mpmond's state.json).
#
# A record is compared whole but for its "seq": the three write their records
# with one writer (pipeline/record_json.c), so every other field (time, kind,
# monitor or rule, target, instance, from, to, state, cause, alert,
# alert_resolved, repeat_count, severity, priority, alert_name, message,
# diagnosis, resolution) is what the pipeline made of the same lines, and a
# difference in any is a front end feeding it otherwise. seq is each front
# end's own counter (mpmond's goes on across restarts, check_mpmon's across
# runs in the seek file): it must rise by one record to record, from wherever
# it starts.
#
# Skipped by name, with the reason: a fixture with {"mpmon":"reset"}
# directive lines, which only replay honours (a live log must not reset
# monitors), and one whose args have no counterpart in the other two (--now,
# the time replay dates year-less stamps by; check_mpmon and mpmond take the
# clock). A fixture whose packs have errors (replay exit 2) is instead refused
# by all three: check_mpmon UNKNOWN (exit 3), mpmond --check-config exit 1.
# The fixtures over the shared corpus (@MP_CORPUS@) skip on one line without
# it (tests/corpus-lib.sh). Packs and events are copied to the test's folder,
# so that mpmond's user reads them wherever they lie, and a fixture's events
# that are a symbolic link are a regular file there, as the file source of
# check_mpmon and mpmond wants. No fixture has a line over 64 KiB (replay
# skips such a line as bad; the file source of the other two cuts it).
#
# mpmond's leg needs the jsonl sink: while mpmond --check-config refuses
# "type = jsonl", the leg is one skipped line and the other two are compared.
checkout=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
# corpus-lib.sh finds the corpus beside the checkout, not beside its copy
cd "$checkout" || exit 1
. tests/corpus-lib.sh
[ -d "$corpus" ] && corpus=$(cd "$corpus" && pwd)
cd "$top" || exit 1

# The records of a front end's output without their seq, one a line.
unseq() { sed 's/^{"seq":[0-9]*,/{/' "$1"; }

# seq_rises FILE: every line has a seq, each one more than the one before.
seq_rises() {
	perl -ne '/^\{"seq":(\d+),/ or exit 1; exit 1 if defined $p && $1 != $p + 1; $p = $1' "$1"
}

# first_diff WANT GOT NAME: the first record where GOT differs from WANT, as TAP comments.
first_diff() {
	perl -e 'open my $a, "<", $ARGV[0] or exit; open my $b, "<", $ARGV[1] or exit;
		for (my $n = 1;; $n++) { my ($x, $y) = (scalar <$a>, scalar <$b>);
			last if !defined $x && !defined $y; next if defined $x && defined $y && $x eq $y;
			print "#   first difference, record $n:\n#     replay: ", $x // "(none)\n",
				"#     $ARGV[2]: ", $y // "(none)\n"; last }' "$1" "$2" "$3"
}

# pattern_lines PATTERN: "pattern = PATTERN" as mpmond.conf takes it, in pieces
# of at most 120 bytes on continuation lines (mpmond.conf(5)); a break falls
# between two characters that are no blank, as the blanks around a piece are
# dropped, and not before ';' or '#', which would begin a comment.
pattern_lines() {
	perl -e 'my $p = shift; my @v;
		while (length $p > 120) { my $i = 120;
			$i-- while $i > 0 && (substr($p, $i - 1, 1) =~ /\s/ || substr($p, $i, 1) =~ /[\s;#]/);
			last unless $i; push @v, substr($p, 0, $i); $p = substr($p, $i) }
		push @v, $p; print "pattern = ", shift(@v), "\n"; print "\t$_\n" for @v' "$1"
}

# mpmond_conf [EXTRA-LINES]: the config of mpmond's leg for the current
# fixture in $T/c.conf, over $packs, the events $ev, $fmt, $pat and $ln.
mpmond_conf() {
	{
		printf '[mpmond]\nstate_dir = %s\nclock = event\ncheckpoint_interval_ms = 100\n\n[packs]\n' "$T/state"
		for p in $packs; do printf 'path = %s\n' "$p"; done
		printf '\n[source fixture]\ntype = file\npath = %s\nstart = beginning\n' "$ev"
		[ -n "$fmt" ] && printf 'format = %s\n' "$fmt"
		[ -n "$pat" ] && pattern_lines "$pat"
		[ -n "$ln" ] && printf 'log_name = %s\n' "$ln"
		printf '%s\n' "$1"
	} >"$T/c.conf"
}

# Whether this mpmond has the jsonl sink: --check-config refuses the type
# line or not (any other problem is the leg's to show).
conf "[sink out]
type = jsonl
path = $T/probe.jsonl"
sink=yes
if ! "$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err" &&
	grep -q "^$T/c.conf:$(grep -n '^type = jsonl$' "$T/c.conf" | cut -d: -f1): " "$T/err"; then
	sink=
	skip "mpmond has no jsonl sink yet" "mpmond leg of every fixture"
fi

mkdir -p "$T/packs" "$T/events" "$T/out"
"$run_mpmond" --give "$T/out"
corpus_skipped=
for dir in tests/data/*/; do
	dir=${dir%/}
	case=$(basename "$dir")
	# events.jsonl, or else the one events.<ext> (tests/replay.t)
	src=$dir/events.jsonl
	[ -f "$src" ] || { set -- "$dir"/events.*; src=$1; }
	[ -f "$src" ] || continue
	if grep -q -e '"mpmon" *:' -e '\(^\|[[:space:]]\)mpmon=' "$src"; then
		skip "its reset directive lines are honoured by replay only" "$case"
		continue
	fi
	if [ -f "$dir/mp" ] && grep -q @MP_CORPUS@ "$dir/mp" && [ ! -d "$corpus" ]; then
		corpus_skipped="$corpus_skipped $case"
		continue
	fi

	# args: the replay options that have a counterpart in the other two
	fmt='' pat='' ln='' other=''
	if [ -f "$dir/args" ]; then
		exec 3<"$dir/args"
		while IFS= read -r a <&3 || [ -n "$a" ]; do
			case $a in
			--format) IFS= read -r fmt <&3 ;;
			--pattern) IFS= read -r pat <&3 ;;
			--log-name) IFS= read -r ln <&3 ;;
			--health) ;;
			*) other="$other $a" ;;
			esac
		done
		exec 3<&-
	fi
	if [ -n "$other" ]; then
		skip "replay's$other has no counterpart in check_mpmon and mpmond" "$case"
		continue
	fi

	# the packs and the events, copied
	mkdir -p "$T/packs/$case" "$T/events/$case"
	if [ -f "$dir/mp" ]; then
		list=$(sed "s|@MP_CORPUS@|$corpus|" "$dir/mp")
	else
		list=$dir/pack.xml
	fi
	packs='' i=0
	for p in $list; do
		i=$((i + 1))
		cp -R "$p" "$T/packs/$case/$i-${p##*/}"
		packs="$packs $T/packs/$case/$i-${p##*/}"
	done
	ev=$T/events/$case/${src##*/}
	cp "$src" "$ev"
	set --
	for p in $packs; do set -- "$@" --mp "$p"; done
	[ -n "$fmt" ] && set -- "$@" --format "$fmt"
	[ -n "$pat" ] && set -- "$@" --pattern "$pat"
	[ -n "$ln" ] && set -- "$@" --log-name "$ln"

	"$bin/mpmon" replay -v --health "$@" --input "$ev" >"$T/out/$case.replay" 2>"$T/err"
	rst=$?
	"$bin/check_mpmon" "$@" --log "$ev" --seek-file "$T/out/$case.seek" --start beginning \
		--clock event --records "$T/out/$case.check" >"$T/out/$case.cout" 2>&1
	cst=$?

	if [ $rst = 2 ]; then
		grep -q "^MPMON UNKNOWN - " "$T/out/$case.cout" && [ $cst = 3 ]
		ok $? "$case: packs with errors (replay exit 2): check_mpmon refuses them, UNKNOWN (exit $cst)"
		[ $cst = 3 ] || sed 's/^/#   /' "$T/out/$case.cout"
		mpmond_conf
		"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
		st=$?
		[ $st = 1 ] && grep -q "^$T/packs/$case/" "$T/err"
		ok $? "$case: mpmond --check-config refuses them at their lines (exit $st)"
		[ $st = 1 ] || sed 's/^/#   /' "$T/err"
		continue
	fi

	unseq "$T/out/$case.replay" >"$T/out/$case.r"
	nrec=$(wc -l <"$T/out/$case.r")
	rbad=$(sed -n 's/^mpmon: .* \([0-9][0-9]*\) bad lines$/\1/p' "$T/err")
	unseq "$T/out/$case.check" >"$T/out/$case.c" 2>/dev/null
	[ $cst != 3 ] && cmp -s "$T/out/$case.r" "$T/out/$case.c" &&
		{ [ "$nrec" = 0 ] || seq_rises "$T/out/$case.check"; }
	ok $? "$case: check_mpmon --records gives replay's $nrec records, in order (replay exit $rst, check_mpmon $cst)"
	[ $cst = 3 ] && sed 's/^/#   /' "$T/out/$case.cout"
	first_diff "$T/out/$case.r" "$T/out/$case.c" check_mpmon
	cbad=$(sed -n "s/.*'bad'=\([0-9]*\);.*/\1/p" "$T/out/$case.cout")
	[ -n "$rbad" ] && [ "$cbad" = "$rbad" ]
	ok $? "$case: check_mpmon counts replay's bad lines (replay ${rbad:-?}, check_mpmon ${cbad:-?})"

	[ -n "$sink" ] || continue
	rm -rf "$T/state"
	mpmond_conf "
[sink out]
type = jsonl
path = $T/out/$case.mpmond"
	lines=$(wc -l <"$ev")
	start && wait_value 20 "$lines" state_get '$s->{sources}[0]{records}'
	st=$?
	mbad=$(state_get '$s->{sources}[0]{bad}')
	[ -n "$PID" ] && stop
	unseq "$T/out/$case.mpmond" >"$T/out/$case.m" 2>/dev/null
	[ $st = 0 ] && cmp -s "$T/out/$case.r" "$T/out/$case.m" &&
		{ [ "$nrec" = 0 ] || seq_rises "$T/out/$case.mpmond"; }
	ok $? "$case: mpmond's jsonl sink gives replay's $nrec records, in order (all $lines lines read: $([ $st = 0 ] && echo yes || echo no))"
	first_diff "$T/out/$case.r" "$T/out/$case.m" mpmond
	[ "$mbad" = "$rbad" ]
	ok $? "$case: mpmond counts replay's bad lines (replay ${rbad:-?}, mpmond ${mbad:-?})"
	: >"$T/log"
done
[ -n "$corpus_skipped" ] && corpus_missing "contract of the fixtures over corpus packs:$corpus_skipped"
done_testing
