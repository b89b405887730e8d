#!/bin/sh
# A line whose TimeGenerated is no time (a word, 25:00, month 13, year 0, a
# terminal escape) is a bad line in mpmond too: counted in the state file's
# "bad", logged as FILE:LINE with the field and its text (escaped), and never
# fed, so no state change lands at 1970-01-01 on the events' clock
# (clock = event).
. "$(dirname "$0")/lib.sh"

ev() {	# ev STAMP NUMBER HOST
	printf '{"TimeGenerated":"%s","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"job %s"}\n' "$1" "$2" "$3" "$2"
}

conf
{
	ev yesterday 2 web1
	ev 2026-11-20T10:01:00Z 1 web1
	ev 2026-11-20T25:00:00Z 2 web2
	ev 2026-13-01T10:00:00Z 2 web2
	ev 0000-11-20T10:00:00Z 2 web2
	ev '\u001b]0;owned\u0007' 2 web2
	ev 2026-11-20T10:02:00Z 2 web3
} >"$T/logs/a.log"
start
ok $? "mpmond starts and writes the state file"
wait_health Test.Job web3 Error
ok $? "the lines with a time count (web3 Error)"
b=$(state_get '$s->{sources}[0]{bad}')
[ "$b" = 5 ]
ok $? "the five lines without a readable time are counted as bad (got '$b')"
grep -qF "$T/logs/a.log:1: 'TimeGenerated' is not an ISO 8601 time: \"yesterday\" at column 18" "$T/log" &&
	grep -qF "$T/logs/a.log:3: 'TimeGenerated' is not an ISO 8601 time: \"2026-11-20T25:00:00Z\"" "$T/log" &&
	grep -qF "$T/logs/a.log:4: 'TimeGenerated' is not an ISO 8601 time: \"2026-13-01T10:00:00Z\"" "$T/log" &&
	grep -qF "$T/logs/a.log:5: 'TimeGenerated' is not an ISO 8601 time: \"0000-11-20T10:00:00Z\"" "$T/log"
ok $? "each is logged as FILE:LINE with the field and its text"
grep -qF "$T/logs/a.log:6: 'TimeGenerated' is not an ISO 8601 time: \"\\x1b]0;owned\\x07\"" "$T/log" &&
	! grep -q "$(printf '\033')" "$T/log"
ok $? "a terminal escape in the stamp is logged escaped"
h=$(health Test.Job web1)
since=$(state_get 'join "", map { $_->{since} } grep { $_->{instance} eq "web1" } @{$s->{monitors}}')
[ "$h" = Success ] && [ "$since" = 2026-11-20T10:01:00Z ] &&
	grep -q '#1 Test.Job on web1: Uninitialized -> Success' "$T/log"
ok $? "web1's undated failure was not fed: its first change is to Success (got '$h' since '$since')"
h=$(health Test.Job web2)
[ -z "$h" ] && ! grep -q 1970-01-01 "$T/state/state.json" && ! grep -q 1970-01-01 "$T/log"
ok $? "web2, seen only in undated lines, has no state; nothing is at 1970-01-01"
stop
ok $? "SIGTERM exits 0"
done_testing
