#!/bin/sh
# check_mpmon, the Nagios/Icinga plugin, in both modes. Daemon mode against
# hand-written state files (every health, stale, missing, corrupt, an unknown
# monitor, -w/-c ranges, --timeout on a state file that blocks) and against a
# real mpmond (its control socket, then its state file); standalone mode over
# a log across runs, with rotation by rename and by copytruncate between them,
# and over logs it cannot read (missing, mode 000 read as another user, a
# folder), whose lines are all or partly bad, or that are empty; with --mp,
# monitors without data count as uninitialized in both modes.
# Every output must be one status line whose perfdata follows the guidelines'
# syntax exactly ('label'=value[UOM];[warn];[crit];[min];[max]).
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-$PWD/build/bin}
run_mpmond=$PWD/build-aux/run-mpmond
T=$(mktemp -d) || exit 1
PID=
n=0
fail=0
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
# mpmond runs unprivileged, as under systemd (build-aux/run-mpmond), from a
# copy of the checkout that its user can read wherever the checkout lies
chmod 755 "$T"
"$run_mpmond" --give "$T"
why=$("$run_mpmond" --stage "$T/top" "$bin") || { echo "1..0 # SKIP $why"; exit 0; }
top=$T/top
bin=$top/build/bin
cd "$top" || exit 1
chk=$bin/check_mpmon

misrun=	# set by run when the exit status or the syntax was wrong since the last ok
ok() {	# ok STATUS DESCRIPTION: STATUS 0 and every run since the last ok as wanted
	n=$((n + 1))
	if [ "$1" = 0 ] && [ -z "$misrun" ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
		[ -n "$misrun" ] && echo "#   $misrun"
		sed 's/^/#   out: /' "$T/out" 2>/dev/null | head -8
	fi
	misrun=
}

# syntax: the first line is "MPMON STATE - text" with perfdata after " | "
# (UNKNOWN may have none); each perfdata item strictly in the standard form.
syntax() {
	perl -e '
		my $first = <STDIN>; chomp $first;
		my $num = qr/-?[0-9]+(?:\.[0-9]+)?/;
		my $range = qr/\@?(?:(?:~|$num)?:)?(?:$num)?/;
		my $item = qr/\x27[^\x27=]+\x27=$num(?:s|ms|us|%|B|KB|MB|TB|c)?;$range;$range;(?:$num)?;(?:$num)?/;
		$first =~ /^MPMON (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?)(?: \| (.*))?$/ or exit 1;
		my ($st, $perf) = ($1, $3);
		exit 2 if !defined $perf && $st ne "UNKNOWN";
		exit 0 if !defined $perf;
		for my $p (split / /, $perf) { exit 3 unless $p =~ /^$item$/ }
		exit 0' <"$T/out"
}

as=	# a command that runs the plugin as another user, or nothing
run() {	# run WANT-EXIT ARGS...: run the plugin, check exit status and syntax
	want=$1
	shift
	$as "$chk" "$@" >"$T/out" 2>"$T/err"
	got=$?
	line=$(head -n 1 "$T/out")
	[ "$got" = "$want" ] || misrun="$misrun exit $got, not $want;"
	syntax || misrun="$misrun not the plugin syntax;"
	[ -z "$misrun" ]
}

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# state FILE WRITTEN ENTRY...: a state file; an ENTRY is "MONITOR INSTANCE HEALTH MESSAGE"
state() {
	f=$1 w=$2
	shift 2
	{
		printf '{"version":1,"written":"%s","pid":1,"seq":7,"monitors":[' "$w"
		sep=
		for e in "$@"; do
			set -- $e
			m=$1 i=$2 h=$3
			shift 3
			[ "$i" = - ] && i=
			printf '%s\n {"monitor":"%s","instance":"%s","health":"%s","state":"S",' "$sep" "$m" "$i" "$h"
			printf '"since":"2026-11-20T10:31:00Z","alert_open":false,"message":"%s",' "$*"
			printf '"diagnosis":"Check the %s log.","resolution":"Restart %s."}' "$m" "$m"
			sep=,
		done
		printf '\n ],"sources":[]}\n'
	} >"$f"
}

S=$T/state.json

# ---- daemon mode: hand-written state files ----
state "$S" "$(now)" "Test.Job web1 Success ok" "Test.Job web2 Success ok" "Test.Disk - Success"
run 0 --state "$S"
ok $? "all Success: OK, exit 0 ($line)"
grep -q "^MPMON OK - 3 instances: 0 critical, 0 warning, 3 ok, 0 uninitialized | 'ok'=3;;;0; 'warning'=0;;;0; 'critical'=0;;;0; 'uninitialized'=0;;;0; 'problems'=0;;;0; 'age'=[0-9]*s;;300;0;$" "$T/out"
ok $? "the OK line and its perfdata, exactly"

state "$S" "$(now)" "Test.Job web1 Success ok" "Test.Job web2 Warning job slow on web2" "Test.Disk - Success"
run 1 --state "$S"
ok $? "a Warning instance: WARNING, exit 1 ($line)"
grep -q "worst Test.Job \[web2\] is Warning: job slow on web2 |" "$T/out"
ok $? "the status line carries the worst instance's alert message"

state "$S" "$(now)" "Test.Job web1 Error job failed on web1" "Test.Job web2 Warning job slow on web2" "Test.Disk - Success"
run 2 --state "$S"
ok $? "an Error instance: CRITICAL, exit 2, worst wins ($line)"
grep -q "1 critical, 1 warning, 1 ok, 0 uninitialized; worst Test.Job \[web1\] is Error: job failed on web1 |" "$T/out" &&
	grep -q "'critical'=1;;;0; 'uninitialized'=0;;;0; 'problems'=2;;;0;" "$T/out"
ok $? "counts per state in the text and the perfdata"
[ "$(wc -l <"$T/out")" = 1 ]
ok $? "without -v: exactly one line"
run 2 --state "$S" -v
sed -n 2,5p "$T/out" | tr '\n' '#' | grep -q "^Diagnosis:#Check the Test.Job log.#Resolution:#Restart Test.Job.#$"
ok $? "-v adds the worst instance's diagnosis and resolution"
run 2 --state "$S" -vv
grep -q "^Warning: Test.Job \[web2\]: job slow on web2$" "$T/out" && grep -q "^Success: Test.Disk$" "$T/out"
ok $? "-vv lists every instance"

run 1 --state "$S" -m Test.Job -i web2
ok $? "-m -i: one instance's health ($line)"
grep -q "^MPMON WARNING - Test.Job \[web2\] is Warning: job slow on web2 | " "$T/out"
ok $? "-m -i: its status line"
run 0 --state "$S" -m Test.Disk
ok $? "-m: a monitor without instances"
run 2 --state "$S" -m Test.Job
ok $? "-m: the worst of the monitor's instances"
run 3 --state "$S" -m No.Such.Monitor
grep -q "^MPMON UNKNOWN - monitor 'No.Such.Monitor' not in the state" "$T/out"
ok $? "an unknown monitor: UNKNOWN ($line)"
run 3 --state "$S" -m Test.Job -i web9
ok $? "an unknown instance: UNKNOWN ($line)"
run 0 --state "$S" -m Test.Backup --mp tests/e2e/data/pack.xml
grep -q "Test.Backup is Uninitialized: no data yet" "$T/out"
ok $? "--mp: a monitor of the packs without an event yet is OK, no data yet ($line)"
run 3 --state "$S" -m No.Such.Monitor --mp tests/e2e/data/pack.xml
grep -q "not in the packs" "$T/out"
ok $? "--mp: a monitor not in the packs is UNKNOWN ($line)"
state "$T/one.json" "$(now)" "Test.Job web1 Success ok"
run 0 --state "$T/one.json" --mp tests/e2e/data/pack.xml
grep -q "^MPMON OK - 2 instances: 0 critical, 0 warning, 1 ok, 1 uninitialized; worst Test.Backup is Uninitialized: no data yet | .*'uninitialized'=1;;;0;" "$T/out"
ok $? "--mp without -m: a monitor of the packs without data counts as uninitialized ($line)"
run 2 --state "$T/one.json" --mp tests/e2e/data/pack.xml --uninitialized critical
ok $? "--mp without -m, --uninitialized critical: that monitor makes it CRITICAL"
run 3 --state "$T/one.json" --missing-log ok
grep -q "^MPMON UNKNOWN - --missing-log is for standalone mode" "$T/out"
ok $? "--missing-log in daemon mode: UNKNOWN ($line)"

# Ranges apply to the number of instances in Warning or Error (here 2).
run 1 --state "$S" -w 1 -c 3
grep -q "'problems'=2;1;3;0;" "$T/out"
ok $? "-w 1 -c 3 with 2 problems: WARNING, thresholds in the perfdata ($line)"
run 0 --state "$S" -w 5 -c 10
ok $? "-w 5 -c 10 with 2 problems: OK (the count decides, not the worst)"
run 2 --state "$S" -w 0 -c 1
ok $? "-w 0 -c 1 with 2 problems: CRITICAL"
run 2 --state "$S" -c @2:3
ok $? "-c @2:3 (inside alerts) with 2 problems: CRITICAL"
run 0 --state "$S" -c ~:5
ok $? "-c ~:5 with 2 problems: OK"
run 1 --state "$S" -w 3: -c 1:
ok $? "-w 3: (below 3 warns) with 2 problems: WARNING"
run 3 --state "$S" -w 5:1
ok $? "a range whose start is above its end: UNKNOWN ($line)"
run 3 --state "$S" -c abc
ok $? "-c abc: UNKNOWN"

state "$S" "$(now)" "Test.Job web1 Uninitialized" "Test.Disk - Success"
run 0 --state "$S"
grep -q "worst Test.Job \[web1\] is Uninitialized: no data yet |" "$T/out"
ok $? "Uninitialized: OK with 'no data yet' ($line)"
run 3 --state "$S" --uninitialized unknown
ok $? "--uninitialized unknown makes it UNKNOWN"
state "$S" "$(now)"
run 0 --state "$S"
grep -q "^MPMON OK - no monitor has data yet | 'ok'=0;" "$T/out"
ok $? "no instance at all: OK, no data yet"

# Stale, missing, corrupt.
state "$S" "2026-01-01T00:00:00Z" "Test.Job web1 Error failed"
run 3 --state "$S"
grep -q "^MPMON UNKNOWN - state is [0-9]* s old (written 2026-01-01T00:00:00Z; --max-age 300): is mpmond running?$" "$T/out"
ok $? "stale state (older than --max-age): UNKNOWN with the reason ($line)"
run 2 --state "$S" --max-age 0
ok $? "--max-age 0: no age limit"
state "$S" "$(date -u -d '-100 seconds' +%Y-%m-%dT%H:%M:%SZ)" "Test.Job web1 Success"
run 3 --state "$S" --max-age 60
ok $? "100 s old with --max-age 60: UNKNOWN"
run 0 --state "$S" --max-age 200
ok $? "100 s old with --max-age 200: OK"
run 3 --state "$T/nothing.json"
grep -q "^MPMON UNKNOWN - cannot read state file $T/nothing.json: No such file or directory" "$T/out"
ok $? "missing state file: UNKNOWN with the reason ($line)"
mkdir "$T/sd"
run 3 --state-dir "$T/sd"
ok $? "--state-dir without mpmond or state file: UNKNOWN"
state "$T/sd/state.json" "$(now)" "Test.Job web1 Error failed"
run 2 --state-dir "$T/sd" -vvv
grep -q "control socket did not answer" "$T/out"
ok $? "--state-dir without mpmond falls back to its state.json"
state "$S" "$(now)" "Test.Job web1 Error failed"
head -c 150 "$S" >"$T/cut.json"
run 3 --state "$T/cut.json"
grep -q "^MPMON UNKNOWN - $T/cut.json: not valid JSON" "$T/out"
ok $? "a truncated state file: UNKNOWN, not valid JSON ($line)"
printf 'garbage{' >"$T/g.json"
run 3 --state "$T/g.json"
ok $? "garbage: UNKNOWN"
printf '{"monitors":[]}' >"$T/nv.json"
run 3 --state "$T/nv.json"
grep -q 'no "version"' "$T/out"
ok $? "JSON that is not a state file: UNKNOWN ($line)"
printf '{"version":1,"written":"%s","monitors":[{"monitor":"M","instance":"","health":"Bad"}]}' "$(now)" >"$T/bh.json"
run 3 --state "$T/bh.json"
ok $? "an unknown health name: UNKNOWN ($line)"
printf '{"version":2,"written":"%s","monitors":[]}' "$(now)" >"$T/v2.json"
run 3 --state "$T/v2.json"
ok $? "another version: UNKNOWN ($line)"

# --timeout: opening a FIFO blocks (as a hung mount would).
mkfifo "$T/fifo"
t0=$(date +%s)
run 3 --state "$T/fifo" -t 1
t1=$(date +%s)
grep -qx "MPMON UNKNOWN - timeout after 1 s" "$T/out" && [ $((t1 - t0)) -le 3 ]
ok $? "--timeout 1 on a blocking read: UNKNOWN 'timeout after 1 s' in $((t1 - t0)) s"

# The plugin's own options.
"$chk" --help >"$T/out" 2>&1
[ $? = 0 ] && grep -q "^usage: check_mpmon" "$T/out" && grep -q -- "--timeout" "$T/out"
ok $? "--help: usage, exit 0"
"$chk" -V >"$T/out" 2>&1
[ $? = 0 ] && grep -qx "check_mpmon [0-9.]*" "$T/out"
ok $? "-V: the version, exit 0"
run 3 --bogus
ok $? "an unknown option: UNKNOWN, exit 3"
run 3 -t 0 --state "$S"
ok $? "-t 0: UNKNOWN"

# ---- daemon mode: a real mpmond ----
mkdir -p "$T/logs"
cat >"$T/c.conf" <<EOC
[mpmond]
state_dir = $T/mstate
clock = event
checkpoint_interval_ms = 100

[packs]
path = $top/tests/e2e/data/pack.xml

[source app]
type = file
path = $T/logs/*.log
start = beginning
log_name = System
EOC
ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"job %s"}\n' "$3" "$1" "$2" "$1"
}
ev 1 web1 1 >"$T/logs/a.log"
ev 2 web2 2 >>"$T/logs/a.log"
"$run_mpmond" "$bin/mpmond" --config "$T/c.conf" --foreground 2>"$T/mlog" &
PID=$!
i=0
while ! grep -q '"instance":"web2"' "$T/mstate/state.json" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
run 2 --state-dir "$T/mstate" -vvv
grep -q "worst Test.Job on web2 is Error: Job failed on web2: job 2 |" "$T/out" &&
	grep -q "state from mpmond's control socket" "$T/out"
ok $? "a live mpmond through its control socket: CRITICAL with its message ($line)"
run 0 --state-dir "$T/mstate" -m Test.Job -i web1
ok $? "a live mpmond: one healthy instance is OK ($line)"
kill -TERM "$PID"
wait "$PID"
PID=
run 2 --state "$T/mstate/state.json"
grep -q "worst Test.Job on web2 is Error: Job failed on web2: job 2 |" "$T/out"
ok $? "the state file mpmond left: CRITICAL with its message ($line)"

# ---- what -v shows of an alert, from a real mpmond ----
# tests/e2e/data/alert-pack.xml: Test.Svc 10 healthy, 11 a warning below its
# AlertOnState (no alert), 12 an error that raises one. The status line shows
# an alert message only when the change raised an alert, -v the knowledge
# while the instance is unhealthy; the clear leaves "alert resolved: NAME".
mkdir -p "$T/alogs"
sed -e "s|$T/mstate|$T/astate|" -e "s|$T/logs/|$T/alogs/|" \
	-e "s|tests/e2e/data/pack.xml|tests/e2e/data/alert-pack.xml|" "$T/c.conf" >"$T/a.conf"
aev() {	# aev NUMBER TEXT MINUTE
	printf '{"TimeGenerated":"2026-11-20T11:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"web1","EventDescription":"%s"}\n' "$3" "$1" "$2" >>"$T/alogs/a.log"
}
# await HEALTH: until state.json shows Test.Svc [web1] in that health
await() {
	i=0
	while ! grep -q "\"monitor\":\"Test.Svc\",\"instance\":\"web1\",\"health\":\"$1\"" "$T/astate/state.json" 2>/dev/null &&
		[ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
aev 10 "service up" 1
aev 11 "service slow" 2
"$top/build-aux/run-mpmond" "$bin/mpmond" --config "$T/a.conf" --foreground 2>"$T/alog" &
PID=$!
await Warning
run 1 --state-dir "$T/astate" -m Test.Svc -i web1 -v
head -n 1 "$T/out" | grep -q "^MPMON WARNING - Test.Svc on web1 is Warning | " &&
	sed -n 2,5p "$T/out" | tr '\n' '#' |
	grep -qx "Diagnosis:#The service lost its database.#Resolution:#Start the database, then the service.#"
ok $? "-v: a warning that raised no alert shows no alert message, but the knowledge ($line)"
aev 12 "service crashed" 3
await Error
run 2 --state-dir "$T/astate" -m Test.Svc -i web1 -v
head -n 1 "$T/out" | grep -q "^MPMON CRITICAL - Test.Svc on web1 is Error: Service failed on web1: service crashed | " &&
	sed -n 2p "$T/out" | grep -qx "Diagnosis:"
ok $? "-v: the error that raised the alert shows its message and the knowledge ($line)"
aev 10 "service up again" 4
await Success
run 0 --state-dir "$T/astate" -m Test.Svc -i web1 -vv
head -n 1 "$T/out" | grep -q "^MPMON OK - Test.Svc on web1 is Success | " &&
	! grep -q "Diagnosis\|service up again\|Service failed on" "$T/out"
ok $? "-vv: the clear shows neither the failure's message nor its knowledge ($line)"
kill -TERM "$PID"
wait "$PID"
PID=
perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1; my $s = decode_json(<$f>);
	my ($m) = grep { $_->{monitor} eq "Test.Svc" } @{$s->{monitors}};
	exit !($m->{message} eq "alert resolved: Service failed" && $m->{diagnosis} eq "" &&
		$m->{resolution} eq "" && !$m->{alert_open})' "$T/astate/state.json"
ok $? "state.json: the clear says the alert is resolved and names it, without the failure's knowledge"

# ---- daemon mode: roll-up health ----
# rollups: as mpmond writes them; entry "MONITOR INSTANCE HEALTH"
rstate() {
	printf '{"version":1,"written":"%s","pid":1,"seq":9,"monitors":[{"monitor":"Test.Job","instance":"web1","health":"Error","state":"S","since":"2026-11-20T10:31:00Z","alert_open":true,"message":"Job failed","diagnosis":"","resolution":""}],"rollups":[' "$(now)"
	sep=
	for e in "$@"; do
		set -- $e
		printf '%s{"monitor":"%s","target":"Windows!Microsoft.Windows.Computer","instance":"%s","health":"%s","alert_open":false}' "$sep" "$1" "$2" "$3"
		sep=,
	done
	printf '],"sources":[]}\n'
}
rstate "System.Health.EntityState web1 Error" "System.Health.AvailabilityState web1 Error" "System.Health.EntityState web2 Success" >"$S"
run 2 --state "$S" -m System.Health.EntityState -i web1
grep -q "^MPMON CRITICAL - System.Health.EntityState \[web1\] is Error |" "$T/out"
ok $? "-m System.Health.EntityState -i: a target's entity health from the state file ($line)"
run 0 --state "$S" -m System.Health.EntityState -i web2
ok $? "another target's entity health: OK ($line)"
run 2 --state "$S"
grep -q "^MPMON CRITICAL - 1 instance: 1 critical, 0 warning, 0 ok, 0 uninitialized; worst Test.Job \[web1\] is Error" "$T/out"
ok $? "without -m the roll-ups are not counted again beside their members ($line)"
rstate "System.Health.EntityState web1 Bogus" >"$S"
run 3 --state "$S" -m System.Health.EntityState
grep -q "rollups\[0\] lacks" "$T/out"
ok $? "a roll-up entry without a valid health: UNKNOWN ($line)"

# ---- standalone mode ----
P=$top/tests/e2e/data/pack.xml
L=$T/slog/app.log
mkdir -p "$T/slog"
sa() { run "$1" --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System; }
lines() { sed -n "s/.*'lines'=\([0-9]*\);.*/\1/p" "$T/out"; }
ev 2 old 1 >"$L"
sa 0
grep -q "^MPMON OK - 2 instances: 0 critical, 0 warning, 0 ok, 2 uninitialized; worst Test.Job is Uninitialized: no data yet | .*'uninitialized'=2;;;0;" "$T/out" &&
	[ "$(lines)" = 0 ] && [ -f "$T/seek" ]
ok $? "standalone, first run: starts at the end; the monitors without data count as uninitialized, OK; seek file written ($line)"
run 1 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System --uninitialized warning
ok $? "standalone --uninitialized warning: monitors without data make it WARNING ($line)"
ev 2 web1 2 >>"$L"
sa 2
grep -q "worst Test.Job on web1 is Error: Job failed on web1: job 2 |" "$T/out" && [ "$(lines)" = 1 ]
ok $? "a new line: CRITICAL with its message, 1 line read ($line)"
run 2 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System -m System.Health.EntityState -i web1
grep -q "^MPMON CRITICAL - System.Health.EntityState on web1 is Error |" "$T/out"
ok $? "standalone -m System.Health.EntityState -i: the target's rolled-up health ($line)"
sa 2
[ "$(lines)" = 0 ] && grep -q "Job failed on web1: job 2" "$T/out"
ok $? "no new line: the state and its message persist, 0 lines read"
# rename: the rest of the old file, then the new one
ev 2 web2 3 >>"$L"
mv "$L" "$L.1"
ev 1 web1 4 >"$L"
ev 2 web3 5 >>"$L"
sa 2
grep -q "4 instances: 2 critical, 0 warning, 1 ok, 1 uninitialized" "$T/out" && [ "$(lines)" = 3 ]
ok $? "rotation by rename between runs: every new line once ($line)"
# copytruncate: the copy's rest, then the truncated file from its start
ev 1 web2 6 >>"$L"
cp "$L" "$L.1"
: >"$L"
ev 1 web3 7 >>"$L"
sa 0
grep -q "4 instances: 0 critical, 0 warning, 3 ok, 1 uninitialized" "$T/out" && [ "$(lines)" = 2 ]
ok $? "copytruncate between runs: every new line once ($line)"
sa 0
[ "$(lines)" = 0 ]
ok $? "and nothing twice afterwards"
run 0 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System -m Test.Backup
grep -q "Test.Backup is Uninitialized: no data yet" "$T/out"
ok $? "standalone -m: a loaded monitor without data is OK, no data yet ($line)"
run 3 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System -m No.Such
ok $? "standalone -m: an unknown monitor is UNKNOWN ($line)"
run 0 --mp "$P" --log "$L" --seek-file "$T/seek2" --log-name System --start beginning
[ "$(lines)" = 1 ] && grep -q "1 ok" "$T/out"
ok $? "--start beginning: the first run reads what is there ($line)"
# --records: what each run saw, appended; a file that cannot be written is UNKNOWN
ev 2 web5 9 >>"$L"
run 2 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System --records "$T/records"
ev 1 web5 10 >>"$L"
run 0 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System --records "$T/records"
grep -v '"kind"' "$T/records" >"$T/changes"
[ "$(wc -l <"$T/changes")" = 2 ] &&
	sed -n 1p "$T/changes" | grep -q '"monitor":"Test.Job","computer":"web5","instance":"web5","from":"Uninitialized","to":"Error"' &&
	sed -n 2p "$T/changes" | grep -q '"instance":"web5","from":"Error","to":"Success"' &&
	grep -q '"kind":"rollup","monitor":"System.Health.EntityState".*"instance":"web5","from":"Error","to":"Success"' "$T/records" &&
	perl -ne '/^\{"seq":(\d+),/ or exit 1; exit 1 if $p && $1 != $p + 1; $p = $1' "$T/records"
ok $? "--records: each run appends its changes and roll-ups as replay's JSON lines, seq going on"
ev 2 web6 11 >>"$L"
run 3 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System --records "$T/no/such/records"
grep -q "^MPMON UNKNOWN - $T/no/such/records: cannot write records: No such file or directory" "$T/out"
ok $? "--records to a folder that is not there: UNKNOWN, saying so ($line)"
sa 2
[ "$(lines)" = 1 ] && grep -q "web6" "$T/out"
ok $? "and the run that could not keep its records read nothing: the next run reads the line"
# A run holding the lock makes a second run of the same service wait (-t ends it).
ev 2 web4 8 >>"$L"
flock "$T/seek.lock" sleep 3 &
lp=$!
sleep 0.3
run 3 --mp "$P" --log "$L" --seek-file "$T/seek" --log-name System -t 1
grep -qx "MPMON UNKNOWN - timeout after 1 s" "$T/out"
ok $? "a concurrent run waits for the seek file's lock, within --timeout ($line)"
wait $lp
sa 2
[ "$(lines)" = 1 ]
ok $? "after the lock is released the line is read once"
printf 'check_mpmon-seek 1\nfile 1 2 3\n' >"$T/seek3"
run 3 --mp "$P" --log "$L" --seek-file "$T/seek3" --log-name System
grep -q "seek file damaged" "$T/out"
ok $? "a damaged seek file: UNKNOWN ($line)"
run 3 --mp "$T/nopack.xml" --log "$L" --seek-file "$T/seek"
ok $? "a pack that cannot be read: UNKNOWN ($line)"
run 3 --mp "$P" --log "$L"
ok $? "standalone without --seek-file: UNKNOWN"

# ---- standalone: a log not read, or read badly, is never plain OK ----
sb() {	# sb LOG SEEK WANT-EXIT ARGS...: standalone over LOG with its own seek file
	l=$1 k=$2 w=$3
	shift 3
	run "$w" --mp "$P" --log "$l" --seek-file "$k" --log-name System "$@"
}
M=$T/slog/late.log
sb "$M" "$T/seekm" 3
grep -q "^MPMON UNKNOWN - log not read: $M: No such file or directory; 2 instances: " "$T/out" &&
	[ -f "$T/seekm" ]
ok $? "a missing log: UNKNOWN with the reason; a first run writes the seek file ($line)"
ev 1 late1 9 >"$M"
sb "$M" "$T/seekm" 0
[ "$(lines)" = 1 ]
ok $? "a log that appears after that first run is read from its beginning ($line)"
# Gone from the folder (an unmounted disk, a move) and back: nothing lost, nothing twice.
ev 2 late2 10 >>"$M"
cp "$T/seekm" "$T/seekm.before"
mkdir -p "$T/away"
mv "$M" "$T/away/late.log"
sb "$M" "$T/seekm" 3
grep -q "^MPMON UNKNOWN - log not read: $M: No such file or directory; " "$T/out" &&
	cmp -s "$T/seekm" "$T/seekm.before"
ok $? "the log missing on a later run: UNKNOWN, the seek file left as it was ($line)"
mv "$T/away/late.log" "$M"
sb "$M" "$T/seekm" 2
[ "$(lines)" = 1 ] && grep -q "worst Test.Job on late2 is Error" "$T/out"
ok $? "back under its name, the log is read from where it was: the new line only ($line)"
mv "$M" "$T/away/late.log"
sb "$M" "$T/seekm" 2 --missing-log ok
grep -q "^MPMON CRITICAL - log not read: $M: No such file or directory; 3 instances: 1 critical" "$T/out"
ok $? "--missing-log ok over a log gone again: the health of the last read still counts, CRITICAL ($line)"
sb "$T/slog/never.log" "$T/seekn" 0 --missing-log ok
grep -q "^MPMON OK - log not read: $T/slog/never.log: No such file or directory; " "$T/out"
ok $? "--missing-log ok: OK, still with the reason ($line)"
sb "$T/slog/never.log" "$T/seekn" 1 --missing-log WARNING
ok $? "--missing-log WARNING (any case): WARNING ($line)"
sb "$T/slog/never.log" "$T/seekn" 3 --missing-log maybe
grep -qx "MPMON UNKNOWN - --missing-log takes ok, warning, critical or unknown, not 'maybe'" "$T/out"
ok $? "--missing-log with another word: UNKNOWN ($line)"
sb "$T/slog/none/*.log" "$T/seekg" 3
grep -q "^MPMON UNKNOWN - log not read: $T/slog/none: cannot read the folder: No such file or directory; " "$T/out"
ok $? "a glob in a missing folder: UNKNOWN with the reason ($line)"

mkdir "$T/slog/dir.log"
sb "$T/slog/dir.log" "$T/seekd" 3
grep -q "^MPMON UNKNOWN - log not read: $T/slog/dir.log: a folder, not a regular file: not read; " "$T/out" &&
	[ ! -e "$T/seekd" ]
ok $? "a folder in the log's place: UNKNOWN with the reason, no seek file ($line)"
sb "$T/slog/dir.log" "$T/seekd" 3 --missing-log ok
ok $? "a folder in the log's place is not a missing log: UNKNOWN with --missing-log ok too"

# Mode 000: root reads anything, so the plugin runs as nobody when the tests run as root.
U=$T/ulog/app.log
mkdir -p "$T/ulog"
ev 1 u1 11 >"$U"
chmod 644 "$U"
if [ "$(id -u)" != 0 ]; then
	as=
elif command -v setpriv >/dev/null &&
	setpriv --reuid=nobody --regid="$(id -g nobody 2>/dev/null)" --clear-groups \
		sh -c "test -x '$chk' && test -r '$P' && test -w '$T'" 2>/dev/null; then
	as="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
else
	as=skip
fi
if [ "$as" = skip ]; then
	n=$((n + 1))
	echo "ok $n # SKIP a log of mode 000: cannot run check_mpmon as nobody (setpriv)"
	as=
else
	sb "$U" "$T/seeku" 0 --start beginning
	[ "$(lines)" = 1 ]
	ev 2 u1 12 >>"$U"
	chmod 000 "$U"
	cp "$T/seeku" "$T/seeku.before"
	sb "$U" "$T/seeku" 3
	grep -q "^MPMON UNKNOWN - log not read: $U: cannot open: Permission denied; " "$T/out" &&
		cmp -s "$T/seeku" "$T/seeku.before"
	ok $? "a log of mode 000: UNKNOWN with the reason, the seek file left as it was ($line)"
	sb "$U" "$T/seeku" 3 --missing-log ok
	cmp -s "$T/seeku" "$T/seeku.before"
	ok $? "a log of mode 000 is not a missing log: UNKNOWN with --missing-log ok too"
	chmod 644 "$U"
	sb "$U" "$T/seeku" 2
	[ "$(lines)" = 1 ]
	ok $? "readable again: the line written meanwhile is read, once ($line)"
	as=
fi

B=$T/slog/bad.log
printf 'not json\n\n{"EventDisplayNumber":\n' >"$B"
sb "$B" "$T/seekb" 1 --start beginning -v
grep -q "^MPMON WARNING - all 2 lines read are bad; 2 instances: .*'lines'=3;;;0; 'bad'=2;;;0;$" "$T/out" &&
	sed -n 2p "$T/out" | grep -q "^first bad line (of 2): $B:1: ."
ok $? "every line bad: WARNING with the count, -v the first bad line ($line)"
X=$T/slog/mixed.log
{ ev 1 mx1 13; echo 'not json'; ev 2 mx2 14; } >"$X"
sb "$X" "$T/seekx" 2 --start beginning
grep -q "^MPMON CRITICAL - 3 instances: 1 critical, 0 warning, 1 ok, 1 uninitialized; worst Test.Job on mx2 is Error: .*'lines'=3;;;0; 'bad'=1;;;0;$" "$T/out" &&
	[ "$(wc -l <"$T/out")" = 1 ]
ok $? "some lines bad: the health decides, the count is in the perfdata ($line)"
{ ev 1 mx2 15; echo 'still not json'; } >>"$X"
sb "$X" "$T/seekx" 0 -v
sed -n 2p "$T/out" | grep -q "^first bad line (of 1): $X:5: ." && ! grep -q "lines read are bad" "$T/out"
ok $? "some lines bad: OK by the health, -v names the first bad line ($line)"
E=$T/slog/empty.log
: >"$E"
sb "$E" "$T/seeke" 0 --start beginning
[ "$(lines)" = 0 ] && ! grep -q "not read" "$T/out"
ok $? "an empty log is there, not missing: OK with 0 lines ($line)"

echo "1..$n"
[ "$fail" = 0 ]
