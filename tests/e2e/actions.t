#!/bin/sh
# Diagnostics and recoveries end to end, with the real mpmond and a real
# snmptrapd on 127.0.0.1 (tests/e2e/data/actions-pack.xml):
# - off by default: nothing runs, state.json and the log say actions are off;
# - on: a diagnostic runs when its monitor instance enters Error, its output
#   (hostile text from the log kept as one argument, never read by a shell) is
#   in state.json with the seq of its change and in an mpmonActionResult
#   notification; a recovery on state runs beside it; a recovery after the
#   diagnostic runs only when its condition on the output passes, and resets
#   the monitor (ResetMonitor);
# - a diagnostic past its timeout is killed with its own child (timeout_max_s
#   caps the pack's TimeoutSeconds), the daemon reading logs meanwhile; output
#   past output_max is cut and counted; a missing program is a clear error;
# - at most max_running run, max_queued wait, the rest are dropped and say so;
#   a reload that turns actions off lets the running one end and skips those
#   waiting;
# - no zombie and no child left, SIGTERM included; bad [actions] values are
#   reported as FILE:LINE.
. "$(dirname "$0")/snmp-lib.sh"
mpmond=${MPMON_BIN:-$bin/bin}/mpmond
need "$mpmond"
mpid=
trap '[ -n "$mpid" ] && kill -9 "$mpid" 2>/dev/null; cleanup' EXIT
work=$tmp/work
mkdir -p "$tmp/logs" "$work"
# the actions run as mpmond's user, unprivileged here too, and write in $work
"$run_mpmond" --give "$work"
log=$tmp/logs/app.log
: >"$log"
sed "s#@TMP@#$work#g" tests/e2e/data/actions-pack.xml >"$tmp/pack.xml"

event() {	# event NUMBER HOST TEXT: append one JSON event line
	perl -MJSON::PP -e 'print JSON::PP->new->canonical->encode({EventDisplayNumber => $ARGV[0] + 0,
		LoggingComputer => $ARGV[1], EventDescription => $ARGV[2]}), "\n"' "$1" "$2" "$3" >>"$log"
}

config() {	# config STATE-NAME [LINES...]: a config over the log, then LINES
	state=$tmp/$1
	shift
	printf '[mpmond]\nstate_dir = %s\ncheckpoint_interval_ms = 50\n\n[packs]\npath = %s\n\n' \
		"$state" "$tmp/pack.xml" >"$tmp/c.conf"
	printf '[source app]\ntype = file\npath = %s\nstart = end\nlog_name = System\n' \
		"$tmp/logs/*.log" >>"$tmp/c.conf"
	for line in "$@"; do
		printf '%s\n' "$line" >>"$tmp/c.conf"
	done
}

children() {	# mpmond's child processes, "STAT COMMAND" each
	ps -o stat=,args= --ppid "$mpid" 2>/dev/null
}

leftovers() {	# processes the slow diagnostic started, if any survive
	pgrep -f 'sleep 424[23]'
}

# --- bad values in [actions] are FILE:LINE errors --------------------------
config bad "[actions]" "enabled = yes" "max_running = 0" "output_max = 10" "colour = blue"
"$mpmond" --config "$tmp/c.conf" --check-config >/dev/null 2>"$tmp/err"
st=$?
f=$tmp/c.conf
[ $st = 1 ] && grep -q "^$f:14: enabled takes true or false, not 'yes'" "$tmp/err" &&
	grep -q "^$f:15: max_running takes 1 to 64, not '0'" "$tmp/err" &&
	grep -q "^$f:16: output_max takes 64 to 1048576 bytes, not '10'" "$tmp/err" &&
	grep -q "^$f:17: unknown key 'colour' in \[actions\]" "$tmp/err"
s=$?
check "bad [actions] values are reported as FILE:LINE (exit $st)" $s
[ $s = 0 ] || sed 's/^/#   /' "$tmp/err"

# --- off by default: nothing runs, and it says so ---------------------------
config off
start_mpmond
check "mpmond starts without [actions]" $?
event 1003 web1 "restart me"
wait_state 'health("Test.Svc", "web1")' Error
check "Test.Svc [web1] enters Error" $?
wait_state '$s->{actions}{off}' 2
check "state.json: the diagnostic and the recovery on state are counted as not run ($(sget '$s->{actions}{off}'))" $?
[ "$(sget '$s->{actions}{enabled} ? "on" : "off"')" = off ] &&
	[ "$(sget 'scalar @{$s->{actions}{results}}')" = 0 ] && [ "$(sget '$s->{actions}{started}')" = 0 ]
check "state.json: actions.enabled false, nothing started, no result" $?
sleep 0.3
[ ! -e "$work/touched" ] && [ ! -e "$work/restarts.log" ] && [ -z "$(children)" ]
check "no command ran: no file it would write, no child process" $?
grep -q 'actions: off (\[actions\] enabled = false): diagnostics and recoveries do not run' "$tmp/mpmond.log" &&
	grep -q "actions: off: #1 would have run diagnostic 'Test.Svc.Echo'" "$tmp/mpmond.log"
check "the log says actions are off, and what would have run" $?
stop_mpmond
check "mpmond exits 0" $?

# --- on: results in state.json and as notifications --------------------------
start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
config on "[actions]" "enabled = true" "timeout_max_s = 3" "" "[snmp]" "heartbeat_s = 0" "" \
	"[sink noc]" "type = snmp" "peer = udp:127.0.0.1:$port" "version = 2c" "community = public" \
	"inform = false"
start_mpmond
check "mpmond starts with [actions] enabled = true and an SNMP sink" $?
grep -q 'actions: on: diagnostics and recoveries run as user' "$tmp/mpmond.log"
check "the log says actions are on, and as which user" $?
hostile="restart me; touch $work/pwned \$(touch $work/pwned2) \`touch $work/pwned3\` | tee $work/pwned4 'q' \"dq\" *"
event 1003 web1 "$hostile"
wait_state 'res("Test.Svc.Restart", "web1") && res("Test.Svc.Restart", "web1")->{status}' succeeded
check "the recovery after the diagnostic ran" $?
[ "$(sget 'res("Test.Svc.Echo", "web1")->{status}')" = succeeded ] &&
	[ "$(sget 'res("Test.Svc.Echo", "web1")->{code}')" = 0 ] &&
	[ "$(sget 'res("Test.Svc.Echo", "web1")->{seq}')" = 1 ] &&
	[ "$(sget 'res("Test.Svc.Echo", "web1")->{monitor}')" = Test.Svc ]
check "state.json: the diagnostic succeeded (exit 0), attached to change seq 1 of Test.Svc [web1]" $?
[ "$(sget 'res("Test.Svc.Echo", "web1")->{stdout}')" = "unit $hostile on web1" ]
check "its output: the log's text as one argument, \$Target/...NetworkName\$ filled in" $?
[ ! -e "$work/pwned" ] && [ ! -e "$work/pwned2" ] && [ ! -e "$work/pwned3" ] && [ ! -e "$work/pwned4" ]
check "no shell read the log's text: nothing it names was run" $?
[ "$(cat "$work/restarts.log" 2>/dev/null)" = "$hostile" ]
check "the recovery got the text as one argument (\"\$1\" of its script)" $?
[ -e "$work/touched" ] && [ "$(sget 'res("Test.Svc.Touch", "web1")->{status}')" = succeeded ]
check "the recovery on state ran too" $?
[ "$(sget 'res("Test.Svc.Restart", "web1")->{reset} ? "yes" : "no"')" = yes ] &&
	wait_state 'health("Test.Svc", "web1")' Success
check "ResetMonitor: Test.Svc [web1] is reset to Success after the recovery" $?
for i in $(seq 1 100); do log_all | grep -q 'mpmonActionId.0 = Test.Svc.Echo|' && break; sleep 0.1; done
rec=$(log_all | grep 'mpmonActionResult|' | grep 'mpmonActionId.0 = Test.Svc.Echo|' | head -1)
echo "# $rec" | cut -c1-400
case $rec in *"mpmonMonitorId.0 = Test.Svc|"*"mpmonInstance.0 = web1|"*"mpmonActionKind.0 = diagnostic|"*) s=0 ;; *) s=1 ;; esac
check "mpmonActionResult arrives: monitor, instance, kind" $s
case $rec in *"mpmonActionStatus.0 = succeeded|"*"mpmonActionExitCode.0 = 0|"*"mpmonActionOutput.0 = unit restart me; touch"*) s=0 ;; *) s=1 ;; esac
check "... with its status, exit code and output" $s
case $rec in *"mpmonActionChangeSeq.0 = 1") s=0 ;; *) s=1 ;; esac
check "... and the seq of its change (mpmonActionChangeSeq 1)" $s

event 1003 web2 "all is well"
wait_state 'res("Test.Svc.Restart", "web2") && res("Test.Svc.Restart", "web2")->{status}' skipped
check "the condition on the diagnostic's output does not pass: the recovery is skipped" $?
[ "$(sget 'res("Test.Svc.Restart", "web2")->{reason}')" = "its condition on the diagnostic's output did not pass" ] &&
	[ "$(sget 'health("Test.Svc", "web2")')" = Error ]
check "... saying why, and the monitor is not reset" $?

# --- a timeout kills the group; the logs keep being read -------------------
t0=$(date +%s.%N)
event 2003 web1 "slow"
wait_state '$s->{actions}{running}' 1
check "the slow diagnostic runs" $?
event 1003 web3 "meanwhile"
wait_state 'health("Test.Svc", "web3")' Error 2
check "a line appended while it runs is read at once" $?
[ -z "$(sget 'res("Test.Slow.Sleep", "web1")')" ] && [ -n "$(leftovers)" ]
check "... while the diagnostic and its child still run" $?
wait_state 'res("Test.Slow.Sleep", "web1") && res("Test.Slow.Sleep", "web1")->{status}' timeout 10
check "the diagnostic times out" $?
took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ "$(sget 'res("Test.Slow.Sleep", "web1")->{reason}')" = "timed out after 3 s: its process group was killed" ] &&
	[ "$(sget 'res("Test.Slow.Sleep", "web1")->{code}')" = 9 ] &&
	[ "$(sget 'res("Test.Slow.Sleep", "web1")->{timeout_s}')" = 3 ] &&
	[ "$(sget 'res("Test.Slow.Sleep", "web1")->{stdout}')" = started ]
check "... after timeout_max_s (3 s, not the pack's 30), killed (9), its output kept (took $took s)" $?
for i in $(seq 1 40); do [ -z "$(leftovers)" ] && break; sleep 0.05; done
[ -z "$(leftovers)" ]
check "its process group is gone: the sleep it started in the background too" $?

# --- the output cap, a missing program, no zombie ---------------------------
event 3003 web1 "loud"
wait_state 'res("Test.Loud.Flood", "web1") && res("Test.Loud.Flood", "web1")->{status}' succeeded
check "the flooding diagnostic ends" $?
[ "$(sget 'length res("Test.Loud.Flood", "web1")->{stdout}')" = 4096 ] &&
	[ "$(sget 'res("Test.Loud.Flood", "web1")->{stdout_bytes}')" = 100000 ] &&
	[ "$(sget 'res("Test.Loud.Flood", "web1")->{stdout_cut} ? "cut" : "whole"')" = cut ] &&
	[ "$(sget 'res("Test.Loud.Flood", "web1")->{stderr}')" = oops ]
check "its output is cut at output_max (4096 of 100000 bytes, marked cut), stderr kept apart ($(sget 'my $r = res("Test.Loud.Flood", "web1"); join " ", length $r->{stdout}, $r->{stdout_bytes}, $r->{stdout_cut}, $r->{stderr}'))" $?
event 4003 web1 "missing"
wait_state 'res("Test.Missing.Program", "web1") && res("Test.Missing.Program", "web1")->{status}' notStarted
check "a missing program: notStarted" $?
[ "$(sget 'res("Test.Missing.Program", "web1")->{reason}')" = "cannot run '/nonexistent/mpmon-test-program': No such file or directory" ] &&
	[ "$(sget 'res("Test.Missing.Program", "web1")->{started}')" = "" ]
check "... with a clear reason" $?
for i in $(seq 1 100); do log_all | grep -q 'mpmonActionId.0 = Test.Missing.Program|' && break; sleep 0.1; done
log_all | grep 'mpmonActionId.0 = Test.Missing.Program|' |
	grep -q "mpmonActionStatus.0 = notStarted|.*mpmonActionReason.0 = cannot run '/nonexistent/mpmon-test-program': No such file or directory|"
check "... in its notification too" $?
wait_state '$s->{actions}{running}' 0
[ -z "$(children)" ]
check "no child left, no zombie ($(children | tr '\n' ' '))" $?
[ "$(sget '$s->{actions}{started} . " " . $s->{actions}{succeeded} . " " . $s->{actions}{timeout} . " " . $s->{actions}{not_started} . " " . $s->{actions}{skipped}')" = "9 8 1 1 2" ]
check "state.json counts: 9 started (3 for web1, 2 each for web2 and web3, 2 slow and loud), 8 succeeded, 1 timeout, 1 not started, 2 skipped ($(sget '$s->{actions}{started} . " " . $s->{actions}{succeeded} . " " . $s->{actions}{timeout} . " " . $s->{actions}{not_started} . " " . $s->{actions}{skipped}'))" $?

# --- SIGTERM while a child runs ----------------------------------------------
event 2003 web9 "slow again"
wait_state '$s->{actions}{running}' 1
check "another slow diagnostic runs" $?
stop_mpmond
check "mpmond exits 0 on SIGTERM" $?
for i in $(seq 1 200); do [ -z "$(leftovers)" ] && break; sleep 0.05; done	# bounded: 10 s on a loaded machine
[ -z "$(leftovers)" ]
check "the running diagnostic's group was killed on the way out" $?
grep -q 'actions: 1 running killed, 0 waiting not started' "$tmp/mpmond.log"
check "... and the log says so" $?
stop_trapd

# --- bounded: one runs, one waits, the third is dropped and says so ---------
: >"$log"
config queue "[actions]" "enabled = true" "timeout_max_s = 2" "max_running = 1" "max_queued = 1"
start_mpmond
check "mpmond starts with max_running = 1, max_queued = 1" $?
event 2003 q1 "slow"
event 2003 q2 "slow"
event 2003 q3 "slow"
wait_state 'res("Test.Slow.Sleep", "q3") && res("Test.Slow.Sleep", "q3")->{status}' dropped
check "the third is dropped at once" $?
[ "$(sget 'res("Test.Slow.Sleep", "q3")->{reason}')" = "the queue was full (max_queued = 1)" ] &&
	[ "$(sget '$s->{actions}{dropped}')" = 1 ]
check "... saying why, and counted" $?
[ "$(sget '$s->{actions}{running} . " " . $s->{actions}{queued}')" = "1 1" ]
check "one runs, one waits" $?
wait_state 'res("Test.Slow.Sleep", "q2") && res("Test.Slow.Sleep", "q2")->{status}' timeout 10
check "the waiting one runs after the first ($(sget 'res("Test.Slow.Sleep", "q1")->{status}') then $(sget 'res("Test.Slow.Sleep", "q2")->{status}'))" $?
event 2003 q4 "slow"
event 2003 q5 "slow"
wait_state '$s->{actions}{running} . " " . $s->{actions}{queued}' "1 1"
check "two more: one runs, one waits" $?
sed -i 's/^enabled = true$/enabled = false/' "$tmp/c.conf"
kill -HUP "$mpid"
wait_state 'res("Test.Slow.Sleep", "q5") && res("Test.Slow.Sleep", "q5")->{reason}' "actions were turned off"
check "a reload turns actions off: the waiting one is skipped, saying why" $?
wait_state 'res("Test.Slow.Sleep", "q4") && res("Test.Slow.Sleep", "q4")->{status}' timeout 10
check "the running one ends as it would have" $?
event 2003 q6 "slow"
wait_state '$s->{actions}{off}' 1
check "after the reload nothing more runs: it is counted as off" $?
wait_state '$s->{actions}{running}' 0
[ -z "$(children)" ] && [ -z "$(leftovers)" ]
check "nothing left running" $?
stop_mpmond
check "mpmond exits 0" $?

grep 'actions\|diagnostic\|recovery' "$tmp/mpmond.log" | head -30 | sed 's/^/# mpmond: /'
finish
