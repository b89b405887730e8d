#!/bin/sh
# kill -9 at random moments while a writer appends: after MPMON_KILLS kills and
# restarts (default 100), no line is lost or repeated (count and checksum equal
# the file's) and the final state equals a straight `mpmon replay` of the same
# file: every instance's health, operational state and time of change, and the
# seq. It holds because positions and monitor state are one checkpoint,
# replaced atomically: lines after it are read again and redo the same changes.
. "$(dirname "$0")/lib.sh"

kills=${MPMON_KILLS:-100}
conf
sed -i 's/^checkpoint_interval_ms = .*/checkpoint_interval_ms = 20/' "$T/c.conf"

# The writer: chunks of lines with short pauses, events that keep changing state.
perl -e '
	use Time::HiRes qw(sleep);
	$| = 1;
	open my $fh, ">>", $ARGV[0] or die;
	my $n = 0;
	for my $chunk (1 .. 400) {
		my $out = "";
		for (1 .. 100) {
			my $t = 1795168800 + $n;
			my @g = gmtime $t;
			$out .= sprintf "{\"LogName\":\"System\",\"TimeGenerated\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\",\"EventDisplayNumber\":%d,\"LoggingComputer\":\"h%d\",\"EventDescription\":\"n %d\"}\n",
				$g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0], 1 + int(rand(3)), $n % 13, $n;
			$n++;
		}
		my $off = 0;
		while ($off < length $out) { my $k = 500 + int(rand(3000)); syswrite $fh, $out, $k, $off; $off += $k }
		sleep 0.02;
	}' "$T/logs/app.log" &
WPID=$!

i=0
bad_start=0
while [ $i -lt "$kills" ]; do
	"$run_mpmond" "$bin/mpmond" --config "$T/c.conf" --foreground 2>>"$T/log" &
	PID=$!
	sleep "$(perl -e 'printf "%.3f", 0.01 + rand(0.08)')"
	kill -9 "$PID"
	wait "$PID" 2>/dev/null
	PID=
	i=$((i + 1))
done
wait $WPID
start
ok $? "mpmond starts after $kills kill -9"
want=$(fnv_sum <"$T/logs/app.log")
wait_for 30 sh -c "grep -q '\"records\":${want%% *},' $T/state/state.json"
sleep 0.3
got=$(records)
[ "$got" = "$want" ]
ok $? "after $kills kill -9: every line exactly once (want $want, got $got)"

"$bin/mpmon" replay --health --mp "$top/tests/e2e/data/pack.xml" --input "$T/logs/app.log" >"$T/replay.jsonl"
perl -MJSON::PP -e '
	my %want; my $seq = 0;
	open my $r, "<", $ARGV[0] or die;
	while (<$r>) {
		my $c = decode_json($_); $seq = $c->{seq};
		# roll-ups count in seq; state.json lists the unit monitors
		$want{"$c->{monitor}|$c->{instance}"} = "$c->{to} $c->{state} $c->{time}" unless $c->{kind};
	}
	local $/; open my $f, "<", $ARGV[1] or die; my $s = decode_json(<$f>);
	my %got = map { ("$_->{monitor}|$_->{instance}" => "$_->{health} $_->{state} $_->{since}") } @{$s->{monitors}};
	my $bad = 0;
	for my $k (sort keys %want) { next if ($got{$k} // "") eq $want{$k}; print "#   $k: want $want{$k}, got ", $got{$k} // "none", "\n"; $bad++ }
	for my $k (sort keys %got) { next if exists $want{$k}; print "#   $k: not in replay\n"; $bad++ }
	if ($s->{seq} != $seq) { print "#   seq: want $seq, got $s->{seq}\n"; $bad++ }
	print "#   ", scalar(keys %want), " instances, seq $seq\n";
	exit($bad ? 1 : 0)' "$T/replay.jsonl" "$T/state/state.json"
ok $? "final state equals mpmon replay of the same file"
stop
ok $? "mpmond exits 0"
done_testing
