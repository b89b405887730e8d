#!/bin/sh
# Config lines longer than inih's line buffer (INI_MAX_LINE, 200 bytes with
# the terminating NUL in Debian's libinih): inih used to hand the rest of such
# a line back as a line of its own, so a long pattern became "unknown key"
# errors at the wrong line, or a key nobody wrote. Now:
# - a line over the limit is one error, FILE:LINE: line longer than 199 bytes,
#   at its own line, and the lines after it keep their numbers;
# - a line of 199 bytes is read whole, and a long comment is harmless;
# - a value continues on the lines after it that begin with a blank, joined
#   with nothing between the pieces (mpmond.conf(5)): mpmond reads a log with
#   such a pattern, split inside a word, and an error in it names the key's
#   first line; an indented key, which inih takes as such a piece, is
#   warned of.
. "$(dirname "$0")/lib.sh"

# Lines "TIME HOST WORD job_id=N": the pattern below is 231 bytes on one line.
words='alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett|kilo|lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|xray|yankee|zulu'
head='^(?<TimeGenerated>\S+) (?<LoggingComputer>\S+) (?:'
tail=') job_id=(?<EventDisplayNumber>\d+)$'
check() {	# --check-config of $T/c.conf; stderr in $T/err, returns the exit status
	"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
}
# the number of messages about the config
conf_errors() { grep -c "^$T/c.conf:" "$T/err"; }
# line N of the config
at() { sed -n "$1p" "$T/c.conf"; }
# lineof TEXT: the number of the config's first line that starts with TEXT
lineof() { grep -n "^$1" "$T/c.conf" | head -1 | cut -d: -f1; }

conf "format = regex
pattern = $head$words$tail
bogus = 1"
l=$(lineof pattern)
b=$(lineof bogus)
len=$(at "$l" | awk '{ print length($0) }')
check
st=$?
[ $st = 1 ] && grep -q "^$T/c.conf:$l: line longer than 199 bytes" "$T/err" &&
	[ "$(conf_errors)" = 2 ]
ok $? "a $len-byte line is an error at its line, naming the limit (exit $st)"
sed 's/^/#   /' "$T/err"
grep -q "^$T/c.conf:$b: unknown key 'bogus' in \[source app\]" "$T/err"
ok $? "the line after it keeps its number ($b), the only other message"
[ "$(grep -c "^$T/c.conf:$l:" "$T/err")" = 1 ] && ! grep -q "pattern:" "$T/err"
ok $? "the cut value is not checked as if written so"

# Exactly at the limit: 199 bytes read whole; a 300-byte comment is a comment.
pad=$(perl -e 'print "x" x (199 - length("log_name = "))')
conf "log_name = $pad
; $(perl -e 'print "comment " x 37')"
check
st=$?
[ $st = 0 ] && [ "$(conf_errors)" = 0 ]
ok $? "a 199-byte line and a 300-byte comment are read without a word (exit $st)"
sed 's/^/#   /' "$T/err"

# The same pattern on continuation lines, split inside "kilo" and before
# "id=", which is no key.
first=${words%%kilo*}ki
rest=lo${words#*kilo}
cont="pattern = $head
	$first
	$rest
  ) job_
	id=(?<EventDisplayNumber>\d+)\$"
conf "format = regex
$cont
bogus = 1"
b=$(lineof bogus)
check
st=$?
[ $st = 1 ] && [ "$(conf_errors)" = 1 ] &&
	grep -q "^$T/c.conf:$b: unknown key 'bogus' in \[source app\]" "$T/err"
ok $? "continuation lines are one value: the only message is the next key's error, at its line (exit $st)"
sed 's/^/#   /' "$T/err"

conf "format = regex
pattern = $head
	$first
	$rest
  ) job (?<EventDisplayNumber>\d+$"
l=$(lineof pattern)
check
st=$?
[ $st = 1 ] && [ "$(grep -c "pattern:" "$T/err")" = 1 ] &&
	grep -q "^$T/c.conf:$l: pattern: .*parenthes" "$T/err"
ok $? "an error in a continued value is one, at the key's first line ($l; exit $st)"
sed 's/^/#   /' "$T/err"

# An indented key is a piece of the value before it: said, at its line.
conf "  max_line = 4096"
l=$(lineof '  max_line')
check
st=$?
grep -q "^$T/c.conf:$l: warning: the line begins with a blank, so it continues the value of 'rotate_wait_ms' (line $((l - 1)))" "$T/err"
ok $? "an indented key is warned of as a continuation (exit $st)"

conf "format = regex
$cont"
printf '2026-11-20T10:01:00Z web1 kilo job_id=2\n2026-11-20T10:02:00Z web2 zulu job_id=2\n' >"$T/logs/a.log"
start
ok $? "mpmond starts with a pattern on five lines"
wait_health Test.Job web1 Error && wait_health Test.Job web2 Error
ok $? "its pattern is the pieces joined: \"kilo\" and \"zulu\" lines match (web1 '$(health Test.Job web1)', web2 '$(health Test.Job web2)')"
stop
ok $? "SIGTERM exits 0"
done_testing
