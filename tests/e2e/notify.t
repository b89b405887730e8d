#!/bin/sh
# sd_notify under a fake NOTIFY_SOCKET (what systemd's Type=notify listens
# on): READY=1 after start, WATCHDOG=1 at half of WATCHDOG_USEC, STATUS= with
# counts, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM.
. "$(dirname "$0")/lib.sh"

conf
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "$!";
	open my $out, ">>", $ARGV[1] or die;
	$out->autoflush(1);
	my $end = time + 8;
	while (time < $end) {
		my $rin = ""; vec($rin, fileno($s), 1) = 1;
		next unless select($rin, undef, undef, 0.2);
		my $m; $s->recv($m, 4096); print $out "$m\n";
	}' "$T/notify" "$T/msgs" &
LPID=$!
wait_for 5 test -S "$T/notify"
chmod 666 "$T/notify"	# as systemd's own: mpmond runs unprivileged
NOTIFY_SOCKET=$T/notify WATCHDOG_USEC=400000 "$run_mpmond" "$bin/mpmond" --config "$T/c.conf" 2>>"$T/log" &
PID=$!
wait_for 5 grep -qx READY=1 "$T/msgs"
ok $? "READY=1 after start"
wait_for 5 grep -qx WATCHDOG=1 "$T/msgs"
ok $? "WATCHDOG=1 with WATCHDOG_USEC set"
grep -q '^STATUS=[0-9]* records' "$T/msgs"
ok $? "STATUS= with the record count"
kill -HUP "$PID"
wait_for 5 grep -qx RELOADING=1 "$T/msgs"
ok $? "RELOADING=1 on SIGHUP"
stop
st=$?
wait_for 5 grep -qx STOPPING=1 "$T/msgs"
ok $? "STOPPING=1 on SIGTERM (exit $st)"
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null
done_testing
