#!/usr/bin/perl
# gen-json.pl < SYSLOG > JSONL : the generated syslog lines (gen-syslog.pl) as
# the JSON lines `mpmon replay --format json` reads, one event per line with the
# SCOM field names, LogName "journal" and the process id as a field of its own.
use strict;
use warnings;

my %mon = (Jan => 1, Feb => 2, Mar => 3, Apr => 4, May => 5, Jun => 6, Jul => 7, Aug => 8,
	   Sep => 9, Oct => 10, Nov => 11, Dec => 12);
sub jq { my $s = shift; $s =~ s/(["\\])/\\$1/g; $s =~ s/([\x00-\x1f])/sprintf '\\u%04x', ord $1/ge; "\"$s\"" }
while (<STDIN>) {
	chomp;
	my ($m, $d, $t, $host, $tag, $pid, $msg) =
	    /^(\w{3}) +(\d+) (\S+) (\S+) ([^\[:]+)(?:\[(\d+)\])?: (.*)$/ or next;
	my $level = $msg =~ /fail|error|lost|Out of memory/i ? 2 : 4;
	printf '{"TimeGenerated":"2026-%02d-%02dT%sZ","LogName":"journal","PublisherName":%s,'
	    . '"EventLevel":%d,"LoggingComputer":%s,%s"EventDescription":%s}' . "\n",
	    $mon{$m}, $d, $t, jq($tag), $level, jq($host),
	    defined $pid ? "\"ProcessId\":\"$pid\"," : '', jq($msg);
}
