#!/bin/sh
# replay's format options: --format regex needs --pattern and only it takes one,
# a bad pattern or --now is a usage error (exit 2) that says why, and --log-name
# fills LogName only where the line names none. A missing --mp or --input is
# one line that names it (exit 2), not the whole usage.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pack=mp-xml/packs/Mpmon.MDM.WipeServiceDriver.xml
n=0
fail=0

# check NAME WANT_STATUS WANT_STDERR_LINE ARGS...
check() {
	name=$1 want=$2 msg=$3
	shift 3
	"$bin/mpmon" replay --mp "$pack" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	n=$((n + 1))
	if [ "$status" = "$want" ] && { [ -z "$msg" ] || grep -qxF -- "$msg" "$tmp/err"; }; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "#   exit status: want $want, got $status"
		[ -n "$msg" ] && echo "#   want on stderr: $msg"
		sed 's/^/#   stderr: /' "$tmp/err" | head -5
		fail=$((fail + 1))
	fi
}

printf 'x 2026-11-20T08:00:00Z 1004 up\n' >"$tmp/in"
check "regex without --pattern" 2 "mpmon: --format regex needs --pattern" \
	--input "$tmp/in" --format regex
check "--pattern without regex" 2 "mpmon: --pattern is for --format regex, not 'kv'" \
	--input "$tmp/in" --format kv --pattern '(?<a>x)'
check "a pattern PCRE2 refuses" 2 \
	"mpmon: --pattern: invalid pattern: missing closing parenthesis at offset 6" \
	--input "$tmp/in" --format regex --pattern '(?<a>x'
check "a pattern without named captures" 2 \
	"mpmon: --pattern: the pattern has no named captures, such as (?<EventDescription>.*)" \
	--input "$tmp/in" --format regex --pattern 'x'
check "a bad --now" 2 "mpmon: --now takes an ISO 8601 time, not 'soon'" \
	--input "$tmp/in" --format syslog --now soon
check "an unknown format" 2 \
	"mpmon: unknown format 'xml' (formats: json, syslog, kv, applelog, regex)" \
	--input "$tmp/in" --format xml

# --log-name fills in, a line's own LogName wins.
printf '%s\n' \
	'TimeGenerated=2026-11-20T08:00:00Z PublisherName="Device Manager" EventDisplayNumber=1004 EventDescription=up' \
	'TimeGenerated=2026-11-20T08:01:00Z LogName=Other PublisherName="Device Manager" EventDisplayNumber=1003 EventDescription=elsewhere' \
	>"$tmp/kv"
check "--log-name on kv lines" 0 "" --input "$tmp/kv" --format kv --log-name 'Mobile Device Manager'
n=$((n + 1))
if [ "$(wc -l <"$tmp/out")" = 1 ] && grep -q '"to":"Success"' "$tmp/out"; then
	echo "ok $n - --log-name fills only lines without LogName"
else
	echo "not ok $n - --log-name fills only lines without LogName"
	sed 's/^/#   got: /' "$tmp/out" | cut -c1-120
	fail=$((fail + 1))
fi

# missing NAME WANT_LINE ARGS...: replay without --mp or --input says just that
missing() {
	name=$1 msg=$2
	shift 2
	"$bin/mpmon" replay "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	n=$((n + 1))
	if [ "$status" = 2 ] && [ "$(cat "$tmp/err")" = "$msg" ] && [ ! -s "$tmp/out" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "#   exit status: want 2, got $status"
		echo "#   want stderr: $msg"
		sed 's/^/#   stderr: /' "$tmp/err" | head -5
		fail=$((fail + 1))
	fi
}
missing "replay without --mp names --mp" \
	"mpmon replay: --mp is missing (--mp PATH: a pack or a folder of packs, may be repeated); see 'mpmon replay --help'" \
	--input "$tmp/in"
missing "replay without --input names --input" \
	"mpmon replay: --input is missing (--input FILE: the events, '-' for stdin); see 'mpmon replay --help'" \
	--mp "$pack"
missing "replay with neither names --mp first" \
	"mpmon replay: --mp is missing (--mp PATH: a pack or a folder of packs, may be repeated); see 'mpmon replay --help'"
echo "1..$n"
[ "$fail" = 0 ]
