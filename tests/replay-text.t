#!/bin/sh
# What replay prints for people: --output text shows each change with the
# alert text only where the change raises or resolves an alert, and neither it
# nor the FILE:LINE messages on stderr let a byte of the log reach the terminal
# as it is: ESC, BEL and other control bytes are written as \xNN, as mpmond
# writes them in its log.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pack=tests/e2e/data/pack.xml
n=0
fail=0

ok() {	# ok STATUS NAME [FILE to show on failure]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "$3" ] && sed 's/^/#   got: /' "$3" | head -20
		fail=$((fail + 1))
	fi
}

esc=$(printf '\033')
bel=$(printf '\007')
# raw control bytes in the output: none may be there but newline and tab
raw() {
	LC_ALL=C grep -q "[$esc$bel$(printf '\r')]" "$1"
}

{
	printf '%s\n' '{"TimeGenerated":"2026-11-20T08:00:00Z","LogName":"System","EventDisplayNumber":2,"LoggingComputer":"web\u001b[2J1","EventDescription":"disk \u001b]0;owned\u0007full\r\n#9 forged"}'
	printf '%s\n' '{"TimeGenerated":"2026-11-20T08:01:00Z","LogName":"System","EventDisplayNumber":1,"LoggingComputer":"web\u001b[2J1","EventDescription":"fine"}'
	printf '%s\n' '{"TimeGenerated":"\u001b[31mnow\u0007","LogName":"System"}'
	printf '%s\n' '{"LogName":"System","\u001b]0;key\u0007":{"nested":1}}'
	printf '%s\n' '{"mpmon":"reset","monitor":"Test.\u001b[5mJob\u0007","TimeGenerated":"2026-11-20T08:02:00Z"}'
	printf '%s\n' '{"LogName":"System","Params/Param[\u0007]":1}'
} >"$tmp/events.jsonl"

"$bin/mpmon" replay --mp "$pack" --input "$tmp/events.jsonl" --output text >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 1 ]
ok $? "bad lines: exit 1 (got $st)" "$tmp/err"
! raw "$tmp/err"
ok $? "stderr holds no raw ESC, BEL or CR" "$tmp/err"
grep -qxF "$tmp/events.jsonl:3: 'TimeGenerated' is not an ISO 8601 time: \"\\x1b[31mnow\\x07\" at column 18" "$tmp/err"
ok $? "a stamp's text is shown escaped" "$tmp/err"
grep -qxF "$tmp/events.jsonl:4: unsupported nested value for key '\\x1b]0;key\\x07' at column 42" "$tmp/err"
ok $? "a key's text is shown escaped" "$tmp/err"
grep -qxF "$tmp/events.jsonl:5: reset names unknown monitor 'Test.\\x1b[5mJob\\x07' (not in the packs, or not running)" "$tmp/err"
ok $? "a reset's monitor is shown escaped" "$tmp/err"
grep -qxF "$tmp/events.jsonl:6: invalid parameter index in key 'Params/Param[\\x07]' at column 21" "$tmp/err"
ok $? "a parameter key is shown escaped" "$tmp/err"

! raw "$tmp/out"
ok $? "--output text holds no raw ESC, BEL or CR" "$tmp/out"
cat >"$tmp/want" <<'EOF'
#1 2026-11-20T08:00:00Z  Test.Job on web\x1b[2J1
  Uninitialized -> Error (Bad, by event)  ALERT Error, priority Normal
  message: Job failed: Job failed on web\x1b[2J1: disk \x1b]0;owned\x07full\x0d
    #9 forged

#2 2026-11-20T08:01:00Z  Test.Job on web\x1b[2J1
  Error -> Success (Good, by event)  alert resolved
  message: alert resolved: Job failed

EOF
cmp -s "$tmp/want" "$tmp/out"
ok $? "--output text: the alert's text escaped, a log's newline indented under it; the clear names the alert only" "$tmp/out"

# The same changes as JSON keep the bytes (JSON escapes them) and say the same.
"$bin/mpmon" replay --mp "$pack" --input "$tmp/events.jsonl" >"$tmp/json" 2>/dev/null
grep -qF '"alert":true,"alert_resolved":false,"severity":"Error","priority":"Normal","alert_name":"Job failed","message":"Job failed on web\u001b[2J1: disk \u001b]0;owned\u0007full\r\n#9 forged"' "$tmp/json" &&
	grep -qF '"alert":false,"alert_resolved":true,"severity":"Information","priority":"Normal","alert_name":"Job failed","message":"alert resolved: Job failed","diagnosis":"","resolution":""}' "$tmp/json"
ok $? "the JSON records carry the same texts" "$tmp/json"

echo "1..$n"
[ "$fail" = 0 ]
