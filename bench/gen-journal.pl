#!/usr/bin/perl
# gen-journal.pl YEAR < syslog lines : the same records in the journal export
# format, for systemd-journal-remote to write as journal files (bench/journal.sh).
# Each line "Mon DD HH:MM:SS host tag[pid]: message" becomes an entry with
# __REALTIME_TIMESTAMP (the stamp in YEAR, plus 1 µs for each line before it
# in the same second, so that entries keep the file's order), _HOSTNAME, SYSLOG_IDENTIFIER, _PID, PRIORITY
# (3 for failures and errors, 4 for kernel lines, 6 otherwise), SYSLOG_FACILITY
# and MESSAGE, as journald stores what programs log.
use strict;
use warnings;
use Time::Local qw(timegm);

my $year = shift // 2026;
my %mon;
@mon{qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)} = 0 .. 11;
my ($last, $n) = (-1, 0);
my $out = '';
while (my $l = <STDIN>) {
	chomp $l;
	my ($m, $d, $hh, $mm, $ss, $host, $tag, $pid, $msg) =
	    $l =~ /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\S+) ([^:\[]+)(?:\[(\d+)\])?: (.*)$/
	    or next;
	my $t = timegm($ss, $mm, $hh, $d, $mon{$m}, $year);
	$n = $t == $last ? $n + 1 : 0;
	$last = $t;
	my $us = $t * 1000000 + $n;
	my $prio = $msg =~ /fail|error|lost|Out of memory/i ? 3 : $tag eq 'kernel' ? 4 : 6;
	$out .= "__REALTIME_TIMESTAMP=$us\n_HOSTNAME=$host\nSYSLOG_IDENTIFIER=$tag\n"
	    . (defined $pid ? "_PID=$pid\n" : '')
	    . "PRIORITY=$prio\nSYSLOG_FACILITY=" . ($tag eq 'kernel' ? 0 : 3) . "\nMESSAGE=$msg\n\n";
	if (length $out > 1 << 16) {
		print $out;
		$out = '';
	}
}
print $out;
