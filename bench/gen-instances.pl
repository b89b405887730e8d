#!/usr/bin/perl
# gen-instances.pl N : N syslog lines, one block I/O error from each of N hosts
# (host00000 ...), so the shipped Linux essentials pack's per-host monitor
# (Mpmon.Linux.Essentials.BlockIoError, InstanceField LoggingComputer) keeps N
# instances.
use strict;
use warnings;

my ($n) = @ARGV;
die "usage: gen-instances.pl N\n" unless defined $n && $n =~ /^\d+$/;
for my $i (0 .. $n - 1) {
	my ($m, $s) = (int($i / 60) % 60, $i % 60);
	printf "Nov 20 08:%02d:%02d host%05d kernel: blk_update_request: I/O error, dev sda, sector %d op 0x0:(READ)\n",
	    $m, $s, $i, 1000 + $i;
}
