#!/usr/bin/perl
# gen-syslog.pl N [HOSTS] : N syslog lines (RFC 3164, as rsyslog writes
# /var/log/syslog) over about a day from Nov 20 2026, the same for every run.
# About 1% are lines the monitors act on: the generated monitors'
# (gen-monitors.pl: app0NN publishers, "backend dbNNNN lost/restored", "job N
# failed/completed: volume volNNNN") and the shipped Linux essentials pack's
# (failed units, SSH logins, OOM kills, I/O errors). The rest is the chatter of
# a busy host, about a fifth of it from the monitored app publishers.
use strict;
use warnings;

my ($n, $nhosts) = @ARGV;
die "usage: gen-syslog.pl N [HOSTS]\n" unless defined $n && $n =~ /^\d+$/;
$nhosts ||= 20;
srand(20261120);

my @mon = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec);
my @noise = (
	[ 'CRON', sub { sprintf 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)' } ],
	[ 'CRON', sub { sprintf '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)' } ],
	[ 'systemd', sub { sprintf 'Starting session-%d.scope - Session %d of User www-data...', int(rand 9999), int(rand 9999) } ],
	[ 'systemd', sub { sprintf 'session-%d.scope: Deactivated successfully.', int(rand 9999) } ],
	[ 'kernel', sub { sprintf '[UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:%02x:%02x:%02x SRC=10.0.%d.%d DST=10.0.0.1 LEN=40 PROTO=TCP SPT=%d DPT=22', map(int rand 256, 1 .. 3), int(rand 256), int(rand 256), int(rand 65535) } ],
	[ 'sshd', sub { sprintf 'Connection closed by 203.0.113.%d port %d [preauth]', int(rand 256), int(rand 65535) } ],
	[ 'sshd', sub { sprintf 'pam_unix(sshd:session): session closed for user deploy' } ],
	[ 'postfix/smtpd', sub { sprintf 'connect from mail%d.example.net[198.51.100.%d]', int(rand 99), int(rand 256) } ],
	[ 'postfix/qmgr', sub { sprintf '%X: from=<noreply@example.com>, size=%d, nrcpt=1 (queue active)', int(rand 2**32), int(rand 99999) } ],
	[ 'nginx', sub { sprintf '10.1.%d.%d - - "GET /api/v1/items/%d HTTP/1.1" 200 %d', int(rand 256), int(rand 256), int(rand 99999), int(rand 9999) } ],
	[ 'dhclient', sub { sprintf 'DHCPACK of 10.0.%d.%d from 10.0.0.1', int(rand 256), int(rand 256) } ],
	[ 'rsyslogd', sub { 'action \'action-1-builtin:omfile\' resumed (module \'builtin:omfile\')' } ],
	[ 'containerd', sub { sprintf 'time="2026-11-20T08:00:00Z" level=info msg="shim disconnected" id=%08x', int(rand 2**32) } ],
	[ 'app', sub { sprintf 'request %d served in %d ms', int(rand 999999), int(rand 500) } ],
	[ 'app', sub { sprintf 'connection to backend db%04d established in %d ms', int(rand 1000), int(rand 50) } ],
	[ 'app', sub { sprintf 'job %d started: volume vol%04d', int(rand 999999), int(rand 1000) } ],
);

my $t = 1763596800 + 0;	# 2026-11-20T00:00:00Z; advanced a second every 12 lines
for my $k (0 .. $n - 1) {
	my @g = gmtime($t + int($k / 12));
	my $stamp = sprintf '%s %2d %02d:%02d:%02d', $mon[$g[4]], $g[3], $g[2], $g[1], $g[0];
	my $host = sprintf 'web%02d', int(rand $nhosts) + 1;
	my $r = rand 100;
	my ($tag, $msg);
	if ($r < 0.7) {
		my $i = int(rand 1000);
		my $bad = rand() < 0.5;
		$tag = sprintf 'app%03d', $i % 100;
		$msg = $i % 2 == 0
		    ? sprintf('connection to backend db%04d %s', $i, $bad ? 'lost (error 111)' : 'restored')
		    : sprintf('job %d %s: volume vol%04d %s', int(rand 999999), $bad ? 'failed' : 'completed', $i,
			$bad ? 'unavailable' : 'available');
	} elsif ($r < 1.0) {
		my $c = int(rand 6);
		my @c = (
			[ 'systemd', sprintf("app%03d.service: Failed with result 'exit-code'.", int(rand 100)) ],
			[ 'systemd', sprintf('Started app%03d.service - App %d.', int(rand 100), int(rand 100)) ],
			[ 'sshd', sprintf('Failed password for invalid user admin from 203.0.113.%d port %d ssh2', int(rand 256), int(rand 65535)) ],
			[ 'sshd', sprintf('Accepted publickey for deploy from 198.51.100.%d port %d ssh2: ED25519 SHA256:abc', int(rand 256), int(rand 65535)) ],
			[ 'kernel', sprintf('Out of memory: Killed process %d (java) total-vm:%dkB', int(rand 99999), int(rand 9999999)) ],
			[ 'kernel', sprintf('blk_update_request: I/O error, dev sd%s, sector %d op 0x0:(READ)', chr(97 + int(rand 4)), int(rand 2**31)) ],
		);
		($tag, $msg) = @{ $c[$c] };
	} else {
		my $e = $noise[int(rand @noise)];
		$tag = $e->[0] eq 'app' ? sprintf('app%03d', int(rand 100)) : $e->[0];
		$msg = $e->[1]->();
	}
	my $pid = $tag eq 'kernel' ? '' : sprintf '[%d]', 1000 + int(rand 60000);
	print "$stamp $host $tag$pid: $msg\n";
}
