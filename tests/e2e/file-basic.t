#!/bin/sh
# mpmond over a text log: appended lines become state changes in the state
# file; a partial line waits for its newline; an over-long line is cut and
# logged once as FILE:LINE; SIGHUP keeps state; SIGTERM exits 0; a restart
# resumes where it stopped and continues the seq; --check-config reports
# FILE:LINE; the control socket and `mpmon state|reset` work.
. "$(dirname "$0")/lib.sh"

ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"job %s"}\n' "$3" "$1" "$2" "$1"
}

conf
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>&1
ok $? "--check-config accepts a good config"
printf '[mpmond]\nstate_dir = /tmp/x\nbogus = 1\n[packs]\npath = %s\n[source a]\ntype = file\npath = rel.log\n' "$top/tests/e2e/data/pack.xml" >"$T/bad.conf"
"$bin/mpmond" --config "$T/bad.conf" --check-config 2>"$T/err" >/dev/null
st=$?
grep -q "^$T/bad.conf:3: unknown key 'bogus' in \[mpmond\]" "$T/err" &&
	grep -q "^$T/bad.conf:8: path of source 'a' must be absolute" "$T/err" && [ $st = 1 ]
ok $? "--check-config reports FILE:LINE and exits 1"

ev 2 web1 1 >"$T/logs/a.log"
start
ok $? "mpmond starts and writes the state file"
wait_health Test.Job web1 Error
h=$(health Test.Job web1)
[ "$h" = Error ]
ok $? "the existing line became state (want Error, got '$h')"

ev 1 web1 2 >>"$T/logs/a.log"
wait_health Test.Job web1 Success
h=$(health Test.Job web1)
[ "$h" = Success ]
ok $? "an appended line is a state change (want Success, got '$h')"

# A partial line: nothing until its newline comes.
printf '{"TimeGenerated":"2026-11-20T10:03:00Z","EventDisplayNumber":2,' >>"$T/logs/a.log"
sleep 0.5
h=$(health Test.Job web2)
[ -z "$h" ] && [ "$(health Test.Job web1)" = Success ]
ok $? "a partial last line is held"
printf '"LoggingComputer":"web2"}\n' >>"$T/logs/a.log"
wait_for 5 sh -c "grep -q '\"instance\":\"web2\"' $T/state/state.json"
h=$(health Test.Job web2)
[ "$h" = Error ]
ok $? "the completed line counts (want Error, got '$h')"

# An over-long line (max_line 64 KiB by default): cut, counted, logged once.
perl -e 'print "x" x 70000, "\n", "y" x 70000, "\n"' >>"$T/logs/a.log"
ev 1 web2 4 >>"$T/logs/a.log"
wait_for 5 sh -c "grep -q '\"cut\":2' $T/state/state.json"
c=$(grep -c "a.log:4: line longer than 65536 bytes, cut" "$T/log")
[ "$c" = 1 ] && [ "$(health Test.Job web2)" = Success ]
ok $? "long lines are cut, counted and logged once as FILE:LINE (logged $c times)"

# Control socket and the mpmon subcommands.
"$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>&1 && grep -q '"instance":"web2"' "$T/st"
ok $? "mpmon state asks the daemon"
"$bin/mpmon" reset Test.Job web1 --state-dir "$T/state" >"$T/rs" 2>&1
st=$?
[ $st = 0 ] && grep -q "reset of 'Test.Job' instance web1" "$T/log"
ok $? "mpmon reset reaches the daemon (exit $st: $(cat "$T/rs"))"
"$bin/mpmon" reset No.Such.Monitor --state-dir "$T/state" >/dev/null 2>&1
[ $? = 1 ]
ok $? "mpmon reset of an unknown monitor fails"

# A change of web1 comes with the roll-ups above it: its AvailabilityState and
# EntityState change too, three records in all.
seq_before=$(state_get '$s->{seq}')
kill -HUP "$PID"
sleep 0.3
ev 2 web1 5 >>"$T/logs/a.log"
wait_for 5 sh -c "grep -q '\"seq\":$((seq_before + 3))' $T/state/state.json"
[ "$(health Test.Job web2)" = Success ] && [ "$(health Test.Job web1)" = Error ] &&
	grep -q "reloaded" "$T/log"
ok $? "SIGHUP reloads and keeps monitor state and positions"
r=$(state_get 'join ",", map { "$_->{instance}=$_->{health}" } sort { $a->{instance} cmp $b->{instance} } grep { $_->{monitor} eq "System.Health.EntityState" } @{$s->{rollups}}')
[ "$r" = "web1=Error,web2=Success" ]
ok $? "state.json has each target's entity health ($r)"
"$bin/check_mpmon" --state-dir "$T/state" -m System.Health.EntityState -i web1 >"$T/chk"
st=$?
[ $st = 2 ] && grep -q "^MPMON CRITICAL - System.Health.EntityState on web1 is Error" "$T/chk"
ok $? "check_mpmon -m System.Health.EntityState -i web1 asks the daemon: CRITICAL (exit $st: $(cat "$T/chk"))"
"$bin/check_mpmon" --state-dir "$T/state" -m System.Health.EntityState -C web2 >"$T/chk"
st=$?
[ $st = 0 ] && grep -q "^MPMON OK - System.Health.EntityState on web2 is Success" "$T/chk"
ok $? "check_mpmon -m System.Health.EntityState -C web2: the health of what is on web2, OK (exit $st: $(cat "$T/chk"))"

stop
ok $? "SIGTERM exits 0"
"$bin/mpmon" state --state-dir "$T/state" >"$T/st" 2>&1 && grep -q '"instance":"web2"' "$T/st"
ok $? "mpmon state reads the state file when the daemon is down"

ev 1 web1 6 >>"$T/logs/a.log"
start
seq_want=$((seq_before + 6))
wait_for 5 sh -c "grep -q '\"seq\":$seq_want' $T/state/state.json"
ok $? "a restart resumes: the new line only, seq continues at $seq_want"
r=$(records)
want=$(fnv_sum <"$T/logs/a.log")
[ "$r" = "$want" ]
ok $? "every line read once across reload and restart (want $want, got $r)"
stop
done_testing
