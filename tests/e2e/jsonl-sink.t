#!/bin/sh
# The jsonl sink: mpmond writes every record as the JSON line `mpmon replay
# --health` prints for the same log; after the file is moved away (logrotate),
# SIGHUP opens it anew and no record is lost between the two files; a file that
# cannot be written (/dev/full: a full disk) loses records, counted in
# state.json and logged once, and never stops the daemon; standard output works
# too; a bad sink is an error at its line.
. "$(dirname "$0")/lib.sh"

ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"job %s"}\n' "$3" "$1" "$2" "$1"
}

lines() {	# lines FILE...: how many lines they hold together
	cat "$@" 2>/dev/null | wc -l | tr -d ' '
}

mkdir -p "$T/out" "$T/logs"
"$run_mpmond" --give "$T/out"
conf "
[sink out]
type = jsonl
path = $T/out/records.jsonl"

{ ev 1 web1 1; ev 1 web2 2; ev 2 web1 3; ev 1 web1 4; } >"$T/logs/a.log"
start
wait_for 10 sh -c "[ \$(state_get '\$s->{sources}[0]{records}') = 4 ]"
seq=$(state_get '$s->{seq}')
"$bin/mpmon" replay --health --log-name System --mp "$top/tests/e2e/data/pack.xml" --input "$T/logs/a.log" >"$T/replay.jsonl" 2>/dev/null
wait_for 5 sh -c "[ \$(cat '$T/out/records.jsonl' | wc -l) -ge $seq ]"
cmp -s "$T/replay.jsonl" "$T/out/records.jsonl"
ok $? "the sink's lines are replay's for the same log ($seq records, roll-ups among them)"
[ "$(stat -c %a "$T/out/records.jsonl")" = 640 ]
ok $? "the file is created mode 0640"

# logrotate's default: move, then SIGHUP
mv "$T/out/records.jsonl" "$T/out/records.jsonl.1"
kill -HUP "$PID"
wait_for 5 grep -q reloaded "$T/log"
ev 2 web2 5 >>"$T/logs/a.log"
ev 2 web1 6 >>"$T/logs/a.log"
wait_for 10 sh -c "[ \$(state_get '\$s->{sources}[0]{records}') = 6 ]"
seq=$(state_get '$s->{seq}')
wait_for 5 sh -c "[ \$(cat '$T/out/records.jsonl' | wc -l) -gt 0 ]"
"$bin/mpmon" replay --health --log-name System --mp "$top/tests/e2e/data/pack.xml" --input "$T/logs/a.log" >"$T/replay.jsonl" 2>/dev/null
cat "$T/out/records.jsonl.1" "$T/out/records.jsonl" | cmp -s "$T/replay.jsonl" -
ok $? "after a move and SIGHUP the new file gets the new records, none lost or repeated ($(lines "$T/out/records.jsonl.1") + $(lines "$T/out/records.jsonl") of $seq)"
w=$(state_get 'join " ", map { "$_->{name}=$_->{written}/$_->{lost}" } @{$s->{jsonl}}')
[ "$w" = "out=$seq/0" ]
ok $? "state.json counts what the sink wrote ($w)"
stop
ok $? "mpmond exits 0"

# A full disk: records are lost, counted and logged once; reading goes on.
rm -rf "$T/state"
: >"$T/log"
conf "
[sink full]
type = jsonl
path = /dev/full

[sink out]
type = jsonl
path = $T/out/second.jsonl"
start
wait_for 10 sh -c "[ \$(state_get '\$s->{sources}[0]{records}') = 6 ]"
seq=$(state_get '$s->{seq}')
wait_for 5 sh -c "[ \$(cat '$T/out/second.jsonl' | wc -l) -ge $seq ]"
w=$(state_get 'join " ", map { "$_->{name}=$_->{written}/$_->{lost}/$_->{error}" } @{$s->{jsonl}}')
[ "$w" = "full=0/$seq/No space left on device out=$seq/0/" ]
ok $? "a full disk loses the records of that sink only, counted ($w)"
c=$(grep -c 'jsonl full: /dev/full: cannot write: No space left on device' "$T/log")
[ "$c" = 1 ]
ok $? "the failure is logged once, not per record ($c)"
stop
ok $? "mpmond exits 0"

# Standard output, for a shipper reading mpmond's output.
rm -rf "$T/state"
conf "
[sink out]
type = jsonl
path = -"
"$run_mpmond" "$bin/mpmond" --config "$T/c.conf" --foreground >"$T/stdout" 2>>"$T/log" &
PID=$!
wait_for 10 sh -c "[ \$(state_get '\$s->{sources}[0]{records}') = 6 ] 2>/dev/null"
seq=$(state_get '$s->{seq}')
wait_for 5 sh -c "[ \$(cat '$T/stdout' | wc -l) -ge $seq ]"
cmp -s "$T/replay.jsonl" "$T/stdout"
ok $? "path = - writes the records to standard output"
stop
ok $? "mpmond exits 0"

# Bad sinks, each at its line.
conf "
[sink a]
type = jsonl

[sink b]
type = jsonl
path = relative.jsonl

[sink c]
type = jsonl
path = $T/out/c.jsonl
community = public

[sink d]
type = jsonl
path = $T/out/c.jsonl

[sink e]
type = webhook

[sink f]
type = jsonl
path = $T/out/f.jsonl
mode = 0600"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
st=$?
f=$T/c.conf
grep -q "^$f:16: sink 'a' has no path" "$T/err" &&
	grep -q "^$f:21: sink 'b': path 'relative.jsonl' must be absolute" "$T/err" &&
	grep -q "^$f:26: sink 'c': this key is for snmp sinks" "$T/err" &&
	grep -q "^$f:30: sink 'd' writes the same file as sink 'c'" "$T/err" &&
	grep -q "^$f:33: sink type takes snmp, jsonl, not 'webhook'" "$T/err" &&
	grep -q "^$f:38: unknown key 'mode' in \[sink f\] (type jsonl)" "$T/err" && [ $st = 1 ]
ok $? "bad jsonl sinks are errors at their lines (exit $st: $(head -c 400 "$T/err"))"
done_testing
