#!/bin/sh
# PCRE2's limits in a real mpmond (tests/e2e/data/regex-pack.xml):
# - a pattern that backtracks without end stops at the match limit: the line
#   counts as not matching, the log says so once for the monitor with its ID
#   and pattern, state.json counts the hits per monitor, and the other
#   monitors go on;
# - [regex] match_limit sets the limit: a pattern that matches within the
#   default stops at a low one, and is reported the same way; bad values are
#   FILE:LINE errors;
# - a source's own pattern that stops at the limit makes a bad line, logged
#   as FILE:LINE and counted, not a line silently skipped.
. "$(dirname "$0")/lib.sh"

ev() {	# ev NUMBER DESCRIPTION MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"h","EventDescription":"%s"}\n' "$3" "$1" "$2"
}

redos=$(perl -e 'print "a" x 40, "b"')
abab=$(perl -e 'print "ab" x 100')
limits() {	# the state file's regex_limits as "ID KIND HITS PATTERN; ..."
	state_get 'join "; ", map { "$_->{id} $_->{kind} $_->{hits} $_->{pattern}" } @{$s->{regex_limits}}'
}

conf
sed -i "s|^path = .*pack.xml\$|path = $top/tests/e2e/data/regex-pack.xml|" "$T/c.conf"
for i in 1 2 3; do ev 5 "$redos" "$i"; done >"$T/logs/a.log"
ev 2 "job failed" 4 >>"$T/logs/a.log"
start
ok $? "mpmond starts"
wait_health Test.Job "" Error
ok $? "the lines after the runaway ones are processed"
[ -z "$(health Test.Redos "")" ]
ok $? "a search that stopped at the limit is no match (Test.Redos has no state)"
c=$(grep -cF "monitor 'Test.Redos': pattern '^(a+)+\$' stopped at PCRE2's match or depth limit ([regex] match_limit 1000000, depth_limit 100000): counted as not matching (said once per monitor; state.json counts them)" "$T/log")
[ "$c" = 1 ]
ok $? "logged once, with the monitor's ID and the pattern ($c times)"
l=$(limits)
[ "$l" = 'Test.Redos monitor 3 ^(a+)+$' ]
ok $? "state.json counts the hits per monitor ($l)"
ev 5 "$abab" 5 >>"$T/logs/a.log"
wait_health Test.Alternation "" Warning
ok $? "a pattern within the default limit matches"
stop
ok $? "SIGTERM exits 0"

rm -rf "$T/state"
conf "[regex]
match_limit = 50"
sed -i "s|^path = .*pack.xml\$|path = $top/tests/e2e/data/regex-pack.xml|" "$T/c.conf"
start
ok $? "mpmond starts with [regex] match_limit = 50"
wait_health Test.Job "" Error
[ -z "$(health Test.Alternation "")" ]
ok $? "the same pattern on the same line stops at the lower limit"
grep -qF "monitor 'Test.Alternation': pattern '^(a|b)*\$' stopped at PCRE2's match or depth limit ([regex] match_limit 50, depth_limit 100000)" "$T/log"
ok $? "... and is logged with the limits in force"
l=$(limits)
[ "$l" = 'Test.Redos monitor 3 ^(a+)+$; Test.Alternation monitor 4 ^(a|b)*$' ]
ok $? "... and counted ($l)"
stop

conf "[regex]
match_limit = 0
depth_limit = 99999999999
colour = blue"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
f=$T/c.conf
[ $st = 1 ] && grep -q "^$f:16: match_limit takes 1 to 100000000, not '0'" "$T/err" &&
	grep -q "^$f:17: depth_limit takes 1 to 10000000, not '99999999999'" "$T/err" &&
	grep -q "^$f:18: unknown key 'colour' in \[regex\]" "$T/err"
ok $? "bad [regex] values are FILE:LINE errors (exit $st: $(head -n 1 "$T/err"))"

# A source whose own pattern stops at the limit.
rm -rf "$T/state" "$T/log" "$T/logs/a.log"
mkdir -p "$T/re"
perl -e 'print "x" x 60, "z y\n", "done 2\n"' >"$T/re/r.log"
conf "[source re]
type = file
path = $T/re/*.log
start = beginning
log_name = System
pattern = ^(?<EventDescription>(x+x+)+y|done (?<EventDisplayNumber>\\d+))"
sed -i "s|^path = .*pack.xml\$|path = $top/tests/e2e/data/regex-pack.xml|" "$T/c.conf"
start
ok $? "mpmond starts with a regex source"
wait_health Test.Job "" Error
ok $? "the source's next line is read"
grep -q "$T/re/r.log:1: the pattern stopped at PCRE2's match or depth limit" "$T/log" &&
	[ "$(state_get '$s->{sources}[1]{bad}')" = 1 ]
ok $? "the line its pattern could not finish is a bad line, logged as FILE:LINE and counted"
stop
done_testing
