#!/usr/bin/perl
# Append->notification latency of mpmond (used by bench/daemon-latency.sh).
# Appends COUNT JSON lines to LOG, paced at RATE lines/s (0: as fast as it
# can), alternating event 1003 and 1000 for one host so that every line is one
# state change: line i becomes seq i (mpmond starts with an empty state). While
# writing, and after, it follows snmptrapd's log TRAPLOG and notes when each
# seq's record appears, until all have or none has for 5 s (TIMEOUT s at the
# most). Prints one line of figures:
#   got=N missing=N dup=N p50_ms= p90_ms= p99_ms= max_ms= secs= rate=
# where secs runs from the first append to the last record and rate is
# records per second over it.
use strict;
use warnings;
use Time::HiRes qw(time sleep);
use POSIX qw(strftime);
use Time::Local qw(timegm);

my ($log, $traplog, $count, $rate, $timeout) = @ARGV;
$timeout //= 60;
open(my $out, '>>', $log) or die "$log: $!";
my $tf;
my $pos = 0;
my $buf = '';
my (@sent, @recv, @proc);
my ($got, $dup) = (0, 0);

sub poll_traps {
	unless ($tf) {
		open($tf, '<', $traplog) or return;
	}
	seek($tf, $pos, 0);
	my $n = read($tf, my $chunk, 1 << 20);
	return unless $n;
	$pos += $n;
	my $now = time;
	$buf .= $chunk;
	while ($buf =~ s/^([^\n]*)\n//) {
		my $l = $1;
		next unless $l =~ /mpmonMonitorId\.0/ && $l =~ /mpmonSeq\.0 = (\d+)/;
		if (defined $recv[$1]) { $dup++; next; }
		my $seq = $1;
		$recv[$seq] = $now;
		$got++;
		# mpmonEventTime: when mpmond processed the line (clock = wall)
		$proc[$seq] = timegm($6, $5, $4, $3, $2 - 1, $1) + "0" . ($7 // '')
			if $l =~ /mpmonEventTime\.0 = (\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?Z/;
	}
}

my $t0 = time;
for my $i (1 .. $count) {
	if ($rate > 0) {
		my $due = $t0 + ($i - 1) / $rate;
		while ((my $left = $due - time) > 0) {
			poll_traps();
			sleep($left > 0.0005 ? 0.0005 : $left);
		}
	}
	my $now = time;
	my $ts = strftime("%Y-%m-%dT%H:%M:%S", gmtime($now)) . sprintf(".%06dZ", ($now - int($now)) * 1e6);
	my $line = sprintf('{"TimeGenerated":"%s","EventDisplayNumber":%d,"LoggingComputer":"bench1","EventDescription":"bench line %d"}' . "\n",
			   $ts, $i % 2 ? 1003 : 1000, $i);
	syswrite($out, $line) == length($line) or die "write: $!";
	$sent[$i] = time;
	poll_traps() if $rate > 0 || $i % 256 == 0;
}
# Wait for the rest, up to TIMEOUT s; once nothing has arrived for 5 s the
# rest is lost (unpaced traps outrun snmptrapd, which drops them).
my $end = time + $timeout;
my ($had, $quiet) = ($got, time);
while ($got < $count && time < $end && time - $quiet < 5) {
	poll_traps();
	($had, $quiet) = ($got, time) if $got != $had;
	sleep(0.0005);
}
my (@lat, @read, @deliver);
my $last = 0;
for my $i (1 .. $count) {
	next unless defined $recv[$i];
	push @lat, ($recv[$i] - $sent[$i]) * 1000;
	if (defined $proc[$i]) {
		push @read, ($proc[$i] - $sent[$i]) * 1000;
		push @deliver, ($recv[$i] - $proc[$i]) * 1000;
	}
	$last = $recv[$i] if $recv[$i] > $last;
}
@lat = sort { $a <=> $b } @lat;
@read = sort { $a <=> $b } @read;
@deliver = sort { $a <=> $b } @deliver;
sub pct { my $p = shift; return @lat ? $lat[int($p / 100 * (@lat - 1) + 0.5)] : -1 }
sub pct_of { my ($v, $p) = @_; return @$v ? $v->[int($p / 100 * (@$v - 1) + 0.5)] : -1 }
my $secs = $last ? $last - $t0 : 0;
printf "got=%d missing=%d dup=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f secs=%.2f rate=%.0f" .
	" (p99 append->mpmond %.2f, mpmond->snmptrapd %.2f)\n",
	$got, $count - $got, $dup, pct(50), pct(90), pct(99), @lat ? $lat[-1] : -1, $secs,
	$secs > 0 ? $got / $secs : 0, pct_of(\@read, 99), pct_of(\@deliver, 99);
