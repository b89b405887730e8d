#!/bin/sh
# A file source whose folder does not exist: `mpmond --check-config` warns at
# FILE:LINE and exits 0 (the unit's ExecStartPre must not keep mpmond from
# waiting for it); a path under a file is an error; the daemon starts anyway, says once that it looks for
# the folder, and once when the folder appears, then reads the files that come
# in it. (tests/e2e/poll.t does the same without inotify.)
. "$(dirname "$0")/lib.sh"

line() {	# line NUMBER HOST
	printf '{"TimeGenerated":"2026-11-20T10:00:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"x"}\n' "$1" "$2"
}
conf
sed -i "s|^path = $T/logs/\\*.log|path = $T/later/sub/*.log|" "$T/c.conf"
pl=$(grep -n "^path = $T/later/sub/" "$T/c.conf" | cut -d: -f1)
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
[ $st = 0 ] && grep -qx "$T/c.conf:$pl: warning: source 'app': folder '$T/later/sub' does not exist (yet): mpmond will wait for it" "$T/err"
ok $? "--check-config warns with FILE:LINE and the folder, exit 0 (exit $st: $(cat "$T/err"))"
: >"$T/plain"
sed "s|^path = $T/later/sub/|path = $T/plain/|" "$T/c.conf" >"$T/c2.conf"
"$bin/mpmond" --config "$T/c2.conf" --check-config >/dev/null 2>"$T/err"
st=$?
[ $st = 1 ] && grep -q "^$T/c2.conf:$pl: .*source 'app': '$T/plain' is not a folder" "$T/err"
ok $? "a path under a file is an error, exit 1 (exit $st: $(cat "$T/err"))"

mkdir -p "$T/later"
chmod 755 "$T/later"
start
ok $? "mpmond starts without the folder"
grep -q "source app: folder '$T/later/sub' does not exist: looking for it every 5 s" "$T/log"
ok $? "it says it looks for the folder"
mkdir "$T/later/sub"
line 2 web1 >"$T/later/sub/a.log"
wait_health Test.Job web1 Error || wait_value 8 Error health Test.Job web1
h=$(health Test.Job web1)
[ "$h" = Error ]
ok $? "the file in the new folder is read (want Error, got '$h')"
line 1 web1 >>"$T/later/sub/a.log"
wait_health Test.Job web1 Success
sleep 0.5
c=$(grep -c "folder '$T/later/sub' appeared: following '$T/later/sub/\*.log'" "$T/log")
m=$(grep -c "folder '$T/later/sub' does not exist" "$T/log")
[ "$c" = 1 ] && [ "$m" = 1 ]
ok $? "the folder's absence and its appearance are logged once each (got $m and $c)"
stop
done_testing
