#!/bin/sh
# mpmond --check-config and monitor types: a type defined nowhere in the packs
# of the config (an Mpmon. type mpmon lacks; one through the alias of a
# loaded pack that does not define it) fails the check with FILE:LINE, as
# mpmon validate reports it; the test pack alone passes. No daemon runs.
. "$(dirname "$0")/lib.sh"

bad=$top/tests/data/bad
conf
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
ok $? "--check-config accepts the test pack"

# packs PATH...: the test config with these packs too
packs() {
	conf "$(printf '[packs]\n'; for p in "$@"; do printf 'path = %s\n' "$p"; done)"
}

packs "$bad/type-user.xml"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
[ $st = 1 ] &&
	grep -q "^$bad/type-user.xml:29: monitor 'Bad.User.Own': type 'Mpmon.Heartbeat2StateMonitorType' resolves nowhere" "$T/err"
ok $? "an Mpmon. type mpmon lacks fails the check at its line (exit $st)"
[ $st = 1 ] || sed 's/^/#   /' "$T/err"

packs "$bad/type-library.xml" "$bad/type-user.xml"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
[ $st = 1 ] &&
	grep -q "^$bad/type-user.xml:25: monitor 'Bad.User.Gone': type 'Lib!Bad.Library.Gone' resolves nowhere: pack 'Bad.Library' ($bad/type-library.xml) defines no 'Bad.Library.Gone'" "$T/err" &&
	grep -q "^$bad/type-user.xml:38: rule 'Bad.User.Rule': data source 'Lib!Bad.Library.Pulse' resolves nowhere" "$T/err"
ok $? "a type the referenced pack lacks fails the check at its line (exit $st)"
[ $st = 1 ] || sed 's/^/#   /' "$T/err"

packs "$bad/misspelt-element.xml"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
[ $st = 1 ] &&
	grep -q "^$bad/misspelt-element.xml:23: monitor 'Bad.Timer': type .* takes no configuration element 'TimerWaitInSecond'; did you mean 'TimerWaitInSeconds'?" "$T/err"
ok $? "a misspelt configuration element fails the check at its line (exit $st)"

done_testing
