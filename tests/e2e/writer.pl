#!/usr/bin/perl
# writer.pl FILE METHOD ROTATIONS LINES [PAUSE]: append LINES lines at full speed
# (in writes of uneven size, so lines are split across writes), then rotate the
# file by METHOD (rename, copytruncate, create = delete and recreate; none),
# ROTATIONS times; pause PAUSE seconds (default 0.005) before each rotation. For
# rename and create, a few lines still go to the old file after it was rotated,
# as a daemon that has not reopened yet would write them. Prints the count and
# the checksum (sum of FNV-1a 64 of each line, as mpmond counts) of all lines.
use strict;
use warnings;
use Time::HiRes ();

my ($file, $method, $rotations, $per, $pause) = @ARGV;
$pause = 0.005 unless defined $pause;
my ($n, $sum) = (0, 0);

sub line {
	my $l = sprintf('{"TimeGenerated":"2026-11-20T10:00:00Z","EventDisplayNumber":%d,'
		. '"LoggingComputer":"host%d","EventDescription":"line %d of %s"}',
		$n % 50 ? 3 : 1 + int($n / 50) % 2, $n % 7, $n, $method);
	{
		use integer;	# 64-bit wrapping arithmetic, as in C
		my $h = 1469598103934665603;
		for my $c (unpack 'C*', $l) {
			$h ^= $c;
			$h *= 1099511628211;
		}
		$sum += $h;
	}
	$n++;
	return "$l\n";
}

open(my $fh, '>>', $file) or die "$file: $!";
for my $r (0 .. $rotations) {
	my $out = '';
	$out .= line() for 1 .. $per;
	my $off = 0;
	while ($off < length $out) {
		my $k = 1000 + int(rand(7000));
		syswrite($fh, $out, $k, $off) // die "write: $!";
		$off += $k;
	}
	last if $r == $rotations;
	# The time between rotations (logrotate's is a day): lines of a generation
	# that is copied and truncated before a reader ever looked are unknowable.
	Time::HiRes::sleep($pause) if $pause > 0;
	if ($method eq 'rename' || $method eq 'create') {
		if ($method eq 'rename') {
			rename($file, "$file.1") or die "rename: $!";
		} else {
			unlink($file) or die "unlink: $!";
		}
		syswrite($fh, line()) for 1 .. 5;
		close $fh;
		open($fh, '>>', $file) or die "$file: $!";
	} elsif ($method eq 'copytruncate') {
		open(my $in, '<', $file) or die "$file: $!";
		local $/;
		my $data = <$in>;
		close $in;
		open(my $cp, '>', "$file.1.tmp") or die "copy: $!";
		print $cp $data;
		close $cp;
		rename("$file.1.tmp", "$file.1") or die "rename: $!";
		truncate($fh, 0) or die "truncate: $!";
	}
}
close $fh;
printf "%d %016x\n", $n, $sum;
