#!/bin/sh
# A config under which no monitor and no rule runs is an error, whatever the
# reason (every monitor off in its pack, every one of a type mpmon does not
# run, packs that hold none): --check-config fails naming why, mpmond refuses
# to start (exit 1, no state folder), and a reload to it keeps the running
# configuration. run_all = true makes monitors that are off run.
. "$(dirname "$0")/lib.sh"

ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s"}\n' "$3" "$1" "$2"
}

pack=$top/tests/e2e/data/pack.xml
sed 's/Enabled="true"/Enabled="false"/' "$pack" >"$T/off.xml"
sed 's/TypeID="Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType"/TypeID="Windows!Microsoft.Windows.NoSuchMonitorType"/' \
	"$pack" >"$T/unsupported.xml"
sed '/<Monitoring>/,/<\/Monitoring>/d' "$pack" >"$T/empty.xml"

# with_pack FILE [EXTRA]: the test config over that pack instead of the usual one
with_pack() {
	conf "$2"
	sed -i "s|^path = $pack\$|path = $1|" "$T/c.conf"
}

# check_fails FILE WANT DESCRIPTION: --check-config exits 1 and says WANT
check_fails() {
	with_pack "$1"
	"$bin/mpmond" --config "$T/c.conf" --check-config >"$T/out" 2>"$T/err"
	st=$?
	[ $st = 1 ] && grep -qxF "$T/c.conf: $2" "$T/err"
	ok $? "$3: --check-config exits 1 naming why (exit $st: $(head -n 3 "$T/err" | tr '\n' ' '))"
}

check_fails "$T/off.xml" \
	"no monitor and no rule runs: 2 monitors are off in their packs (Enabled=\"false\"; run_all = true runs them)" \
	"every monitor off"
check_fails "$T/unsupported.xml" \
	"no monitor and no rule runs: 2 monitors cannot run (their type or configuration: see the warnings)" \
	"every monitor of a type mpmon does not run"
check_fails "$T/empty.xml" "no monitor and no rule runs: the packs hold none" "a pack without monitors"

with_pack "$T/off.xml"
ev 2 web1 1 >"$T/logs/a.log"
timeout 10 "$run_mpmond" "$bin/mpmond" --config "$T/c.conf" --foreground 2>"$T/err"
st=$?
[ $st = 1 ] && [ ! -e "$T/state" ] && grep -q "no monitor and no rule runs" "$T/err"
ok $? "mpmond refuses to start, exit 1, nothing created (exit $st)"

with_pack "$T/off.xml" "[mpmond]
run_all = true"
"$bin/mpmond" --config "$T/c.conf" --check-config >"$T/out" 2>"$T/err"
ok $? "run_all = true runs the monitors that are off ($(cat "$T/out" "$T/err" | tr '\n' ' '))"

conf
start
ok $? "mpmond starts with a config whose monitors run"
wait_health Test.Job web1 Error
ok $? "... and the line is a state change"
with_pack "$T/unsupported.xml"
kill -HUP "$PID"
wait_for 5 grep -q "reload: $T/c.conf has errors: keeping the running configuration" "$T/log"
ok $? "a reload to a config under which nothing runs is refused"
grep -qF "$T/c.conf: no monitor and no rule runs: 2 monitors cannot run" "$T/log"
ok $? "... naming why"
ev 1 web1 2 >>"$T/logs/a.log"
wait_health Test.Job web1 Success
ok $? "... and the running monitors go on"
stop
ok $? "SIGTERM exits 0"
done_testing
