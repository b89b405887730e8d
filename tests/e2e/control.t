#!/bin/sh
# The control socket against a real mpmond:
# - a client that trickles a byte every 0.5 s and never ends its line holds
#   nothing up: appended lines still become state changes, the watchdog is
#   still pinged, `mpmon state` still answers from the daemon, and the client
#   is dropped at the request deadline (2 s) with an error, logged;
# - more clients at once than the bound: the one past it is told so;
# - who may do what (SO_PEERCRED): a user who can only connect (in the
#   socket's group) reads the state but `mpmon reset` is refused with a clear
#   error, and the log names the uid; a member of [control] operators, by its
#   supplementary or its primary group, may reset; an unknown operators group
#   is a FILE:LINE error. These need root (setpriv) and skip otherwise.
. "$(dirname "$0")/lib.sh"

ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s"}\n' "$3" "$1" "$2"
}

sock=$T/state/control

# slow_client OUT: connect, then send a byte every 0.5 s for up to 20 s and
# never a newline; OUT gets "dropped AFTER-SECONDS REPLY" once the daemon closes
# the connection, or "kept" when it never did.
slow_client() {
	perl -MIO::Socket::UNIX -MIO::Select -MTime::HiRes=time -e '
		$SIG{PIPE} = "IGNORE";
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!";
		my ($t0, $got, $sel) = (time, "", IO::Select->new($s));
		for (1 .. 40) {
			last unless defined syswrite($s, "s");
			if ($sel->can_read(0.5)) {
				my $n = sysread($s, my $b, 4096);
				last if !$n;
				$got .= $b;
			}
		}
		open my $f, ">", $ARGV[1] or die;
		$got =~ s/\n/ /g;
		if (time - $t0 >= 19.5) { print $f "kept\n" } else { printf $f "dropped %.1f %s\n", time - $t0, $got }
	' "$sock" "$1"
}

# idle_clients N OUT: N connections at once that send nothing; OUT gets what
# each was told before it closed, one line each.
idle_clients() {
	perl -MIO::Socket::UNIX -e '
		my @s = map { IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!" } 1 .. $ARGV[1];
		open my $f, ">", $ARGV[2] or die;
		for my $s (@s) { local $/; my $b = <$s> // ""; $b =~ s/\n/ /g; print $f "[$b]\n" }
	' "$sock" "$1" "$2"
}

# The watchdog's pings (sd_notify WATCHDOG=1, every 200 ms here), as systemd gets them.
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "$!";
	open my $out, ">>", $ARGV[1] or die;
	$out->autoflush(1);
	my $end = time + 120;
	while (time < $end) {
		my $rin = ""; vec($rin, fileno($s), 1) = 1;
		next unless select($rin, undef, undef, 0.2);
		my $m; $s->recv($m, 4096); print $out "$m\n";
	}' "$T/notify" "$T/msgs" &
LPID=$!
wait_for 5 test -S "$T/notify"
chmod 666 "$T/notify"
pings() {
	grep -cx WATCHDOG=1 "$T/msgs"
}

# ask TEXT: send TEXT as it is, print the answer (newlines as spaces)
ask() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!";
		syswrite($s, $ARGV[1]);
		local $/;
		my $b = <$s> // "";
		$b =~ s/\n/ /g;
		print $b, "\n";
	' "$sock" "$1"
}

conf
ev 2 web1 1 >"$T/logs/a.log"
export NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=400000
start
ok $? "mpmond starts"
unset NOTIFY_SOCKET WATCHDOG_USEC
wait_health Test.Job web1 Error
ok $? "the first line is a state change"

# ---- a slow client holds nothing up ----------------------------------------
slow_client "$T/slow1" &
SLOW=$!
sleep 0.3
ev 1 web1 2 >>"$T/logs/a.log"
wait_health Test.Job web1 Success
ok $? "lines are processed while a client trickles its request"
before=$(pings)
sleep 1
after=$(pings)
[ "$after" -ge $((before + 2)) ]
ok $? "the watchdog is pinged meanwhile ($before pings, a second later $after)"
mv "$T/state/state.json" "$T/state.json.saved"	# no fallback: the answer is mpmond's
slow_client "$T/slow2" &
SLOW2=$!
sleep 0.3
"$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>"$T/st.err"
st=$?
[ $st = 0 ] && grep -q '"health":"Success"' "$T/st"
ok $? "mpmon state answers from the daemon meanwhile (exit $st: $(head -c 200 "$T/st.err"))"
wait "$SLOW" "$SLOW2"
[ -e "$T/state/state.json" ] || mv "$T/state.json.saved" "$T/state/state.json"
read -r what after reply <"$T/slow1"
[ "$what" = dropped ] && perl -e 'exit !($ARGV[0] >= 1.5 && $ARGV[0] <= 6)' "$after" &&
	[ "$reply" = "error: no complete request within 2 s" ]
ok $? "the slow client is dropped at the 2 s deadline, told why ($(cat "$T/slow1"))"
grep -q "control: uid [0-9]* (pid [0-9]*): no complete request within 2 s: dropped (said once; state.json counts them)" "$T/log"
ok $? "the log says so, with the client's uid"

# ---- what the protocol refuses -----------------------------------------------------
a=$(ask "$(perl -e 'print "x" x 5000')")
[ "$a" = "error: request longer than 4096 bytes " ]
ok $? "a request longer than 4096 bytes is refused ($a)"
a=$(ask "launch missiles
")
[ "$a" = "error: commands: state | reset MONITOR [computer=NAME] [INSTANCE] " ]
ok $? "an unknown command gets the usage ($a)"

# ---- bounded clients ------------------------------------------------------------
idle_clients 16 "$T/idle" &
IDLE=$!
sleep 0.5
"$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>"$T/st.err"
st=$?
[ $st = 0 ] && grep -qx "mpmon: $T/state/control: error: too many clients (16): try again later" "$T/st.err" &&
	cmp -s "$T/st" "$T/state/state.json"
ok $? "the 17th client at once is told to come back; mpmon state says so and reads state.json (exit $st: $(cat "$T/st.err"))"
wait "$IDLE"
[ "$(grep -c '^\[error: no complete request within 2 s \]$' "$T/idle")" = 16 ]
ok $? "the 16 before it were served until their deadline ($(sort "$T/idle" | uniq -c | tr -s ' \n' ' '))"
grep -q "control: 16 clients at once: more are turned away (said once)" "$T/log"
ok $? "... and the bound is logged"
"$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>&1 && grep -q '"health":"Success"' "$T/st" &&
	grep -q '"control":{"served":2,"refused":0,"dropped":18,"turned_away":1}' "$T/st"
ok $? "mpmon state answers again afterwards, and counts the clients ($(grep -o '"control":{[^}]*}' "$T/st"))"

# ---- a client that does not read its answer --------------------------------------
# 3000 instances make an answer larger than the socket takes at once.
perl -e 'printf qq({"TimeGenerated":"2026-11-20T10:03:00Z","EventDisplayNumber":2,"LoggingComputer":"host%04d"}\n), $_ for 1 .. 3000' >>"$T/logs/a.log"
wait_health Test.Job host3000 Error
full=$("$bin/mpmon" state --state-dir "$T/state" | wc -c)
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!";
	syswrite($s, "state\n");
	sleep 4;
	local $/;
	my $b = <$s> // "";
	open my $f, ">", $ARGV[1] or die;
	print $f length($b), "\n";
' "$sock" "$T/lazy" &
LAZY=$!
sleep 0.5
ev 1 host0001 4 >>"$T/logs/a.log"
wait_health Test.Job host0001 Success
ok $? "lines are processed while a client does not read its $full-byte answer"
wait "$LAZY"
got=$(cat "$T/lazy")
"$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>&1
[ "$got" -lt "$full" ] && grep -q '"dropped":19,' "$T/st"
ok $? "it is dropped at its deadline with part of it (got $got bytes of $full), counted"

# ---- who may write --------------------------------------------------------------
kill "$LPID"
wait "$LPID" 2>/dev/null
mpmond_uid=$(awk '/^Uid:/ { print $3 }' "/proc/$PID/status")
mpmond_gid=$(awk '/^Gid:/ { print $3 }' "/proc/$PID/status")
if [ "$(id -u)" = 0 ] && [ "$mpmond_uid" != 0 ] && getent group users >/dev/null; then
	# another user than mpmond's, in the socket's group only
	as_reader="setpriv --reuid=4242 --regid=$mpmond_gid --clear-groups"
	$as_reader "$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>"$T/st.err"
	st=$?
	[ $st = 0 ] && grep -q '"health":"Success"' "$T/st"
	ok $? "a user in the socket's group reads the state (exit $st: $(head -c 200 "$T/st.err"))"
	$as_reader "$bin/mpmon" reset Test.Job web1 --state-dir "$T/state" >"$T/rs" 2>&1
	st=$?
	[ $st = 1 ] &&
		grep -qx "mpmon: error: permission denied: 'reset' changes state; it is for root, mpmond's user and the group in \[control\] operators (none is set)" "$T/rs"
	ok $? "... but reset is refused with a clear error (exit $st: $(cat "$T/rs"))"
	grep -q "control: uid 4242 (pid [0-9]*) may not 'reset': refused" "$T/log" &&
		[ "$(health Test.Job web1)" = Success ]
	ok $? "... the log names the uid, and nothing was reset"
	"$bin/mpmon" reset Test.Job web1 --state-dir "$T/state" >"$T/rs" 2>&1
	ok $? "root may reset ($(cat "$T/rs"))"
	stop

	conf "[control]
operators = users"
	rm "$T/state/state.json"
	start
	ok $? "mpmond starts with [control] operators = users"
	setpriv --reuid=4242 --regid="$mpmond_gid" --groups=100 "$bin/mpmon" reset Test.Job web1 \
		--state-dir "$T/state" >"$T/rs" 2>&1
	st=$?
	[ $st = 0 ] && grep -q "reset of 'Test.Job' instance web1 by the control socket (uid 4242)" "$T/log"
	ok $? "a member of the operators group (supplementary) may reset (exit $st: $(cat "$T/rs"))"
	setpriv --reuid=4243 --regid=100 --groups="$mpmond_gid" "$bin/mpmon" reset Test.Job \
		--state-dir "$T/state" >"$T/rs" 2>&1
	st=$?
	[ $st = 0 ] && grep -q "reset of 'Test.Job' by the control socket (uid 4243)" "$T/log"
	ok $? "... and by its primary group (exit $st: $(cat "$T/rs"))"
	setpriv --reuid=4244 --regid="$mpmond_gid" --clear-groups "$bin/mpmon" reset Test.Job \
		--state-dir "$T/state" >"$T/rs" 2>&1
	[ $? = 1 ] && grep -q "group in \[control\] operators ('users')" "$T/rs"
	ok $? "a user outside it may not ($(cat "$T/rs"))"
	stop
else
	skip "needs root and an unprivileged mpmond" "reader reads" "reader may not reset" \
		"log names the uid" "root resets" "starts with operators" "operator resets" \
		"primary group resets" "others may not"
	stop
fi

conf "[control]
operators = no-such-group-here"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
[ $st = 1 ] && grep -q "^$T/c.conf:16: operators: no group 'no-such-group-here'" "$T/err"
ok $? "an unknown operators group is a FILE:LINE error (exit $st: $(head -n 1 "$T/err"))"
done_testing
