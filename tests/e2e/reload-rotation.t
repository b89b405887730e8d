#!/bin/sh
# SIGHUP while a rotated file is still being read: a writer keeps the renamed
# file open (as a daemon does until it reopens its log) and appends to it after
# the reload. A source the new config still has (same name, type and path; other
# settings may change) keeps its open files and positions, so those late lines
# are read: every line once (count and checksum equal the writer's). A source
# the reload removes reads what is there, then says what it leaves unread.
. "$(dirname "$0")/lib.sh"

line() {	# line TEXT
	printf '{"TimeGenerated":"2026-11-20T10:00:00Z","EventDisplayNumber":3,"LoggingComputer":"h","EventDescription":"%s"}\n' "$1"
}
records_are() {	# records_are N: the state file counts N records
	grep -q "\"records\":$1," "$T/state/state.json"
}
reloads() { grep -c "reloaded $T/c.conf" "$T/log"; }

# The rotation of the issue: 10 lines, rename, a new file, SIGHUP, 5 late lines
# to the renamed file. $1: sed script changing settings that do not make
# another source (max_line, rotate_wait_ms, log_name) before the reload.
rotate_and_reload() {
	rm -rf "$T/logs" "$T/state" "$T/all"
	conf
	sed -i 's/^rotate_wait_ms = .*/rotate_wait_ms = 4000/' "$T/c.conf"
	: >"$T/logs/app.log"
	start
	exec 3>>"$T/logs/app.log"
	for i in 1 2 3 4 5 6 7 8 9 10; do line "old $i" | tee -a "$T/all" >&3; done
	wait_for 5 records_are 10
	mv "$T/logs/app.log" "$T/logs/app.log.1"
	line "new 1" | tee -a "$T/all" >"$T/logs/app.log"
	wait_for 5 records_are 11
	before=$(reloads)
	[ -n "$1" ] && sed -i "$1" "$T/c.conf"
	kill -HUP "$PID"
	wait_value 5 $((before + 1)) reloads
	for i in 11 12 13 14 15; do line "old $i" | tee -a "$T/all" >&3; done
	exec 3>&-
	want=$(fnv_sum <"$T/all")
	wait_for 5 records_are 16
	got=$(records)
}

rotate_and_reload ""
[ "$got" = "$want" ]
ok $? "the renamed file's late lines are read after SIGHUP (want $want, got $got)"
stop
ok $? "mpmond exits 0"

rotate_and_reload 's/^rotate_wait_ms = .*/rotate_wait_ms = 3000\nmax_line = 200000/; s/^log_name = .*/log_name = Application/'
[ "$got" = "$want" ]
ok $? "with max_line, rotate_wait_ms and log_name changed, still every line once (want $want, got $got)"
stop

# A source the reload removes: a partial line is left in its renamed file.
rm -rf "$T/logs" "$T/state" "$T/other"
conf
sed -i 's/^rotate_wait_ms = .*/rotate_wait_ms = 4000/' "$T/c.conf"
mkdir -p "$T/other"
line "1" >"$T/logs/app.log"
start
wait_for 5 records_are 1
mv "$T/logs/app.log" "$T/logs/app.log.1"
printf '{"partial":' >>"$T/logs/app.log.1"
sed -i "s|^\[source app\]|[source other]|; s|^path = $T/logs/.*|path = $T/other/*.log|" "$T/c.conf"
before=$(reloads)
kill -HUP "$PID"
wait_value 5 $((before + 1)) reloads
grep -q "source app: no longer configured: '$T/logs/app.log.1' closed with 11 bytes not read" "$T/log"
ok $? "a removed source logs what it leaves unread in its files"
stop
done_testing
