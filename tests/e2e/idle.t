#!/bin/sh
# An idle mpmond makes no wakeups: with no input, no timer due and nothing to
# checkpoint it sleeps in epoll_wait. Counted over MPMON_IDLE_SECONDS (5) from
# the context switches in /proc/PID/status, and with strace -c when installed.
. "$(dirname "$0")/lib.sh"

secs=${MPMON_IDLE_SECONDS:-5}
conf
printf '{"EventDisplayNumber":1,"LoggingComputer":"h"}\n' >"$T/logs/a.log"
start
wait_health Test.Job h Success
sleep 0.5	# the last checkpoint is written
switches() {
	awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$PID/status"
}
a=$(switches)
sleep "$secs"
b=$(switches)
ok $([ $((b - a)) -eq 0 ] && echo 0 || echo 1) "idle for $secs s: $((b - a)) context switches"
if command -v strace >/dev/null 2>&1; then
	timeout -s INT "$secs" strace -f -c -p "$PID" -o "$T/strace" 2>"$T/strace.err"
	calls=$(awk '$NF == "epoll_wait" { print $4 }' "$T/strace")
	calls=${calls:-0}
	total=$(awk '$NF == "total" { print $3 }' "$T/strace")
	# Attaching interrupts the epoll_wait in progress once; no more may follow.
	grep -q attached "$T/strace.err" && [ "$calls" -le 1 ]
	ok $? "idle for $secs s under strace -f: $calls epoll_wait calls, ${total:-0} syscalls in all"
	sed 's/^/#   /' "$T/strace"
fi
printf '{"EventDisplayNumber":2,"LoggingComputer":"h"}\n' >>"$T/logs/a.log"
wait_health Test.Job h Error
ok $? "and it still wakes for a new line"
stop
done_testing
