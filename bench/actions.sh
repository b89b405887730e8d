#!/bin/sh
# make bench: does mpmond keep reading logs while a diagnostic runs? The real
# mpmond reads BENCH_ACTION_LINES JSON lines (1000000) appended at once to a
# watched log, first with nothing running, then while a diagnostic of
# tests/e2e/data/actions-pack.xml writes to its pipe without end (/usr/bin/yes
# instead of the flooding command: the runner reads at most 1 MiB of it per
# wakeup). The figure is lines per second from the append to state.json
# counting them all, best of BENCH_RUNS; the baseline is the idle run. Target:
# at least a quarter of the idle rate on a shared two-core machine.
B=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
lines=${BENCH_ACTION_LINES:-1000000}
MPMON_BUILD=$(cd "$B" && pwd)
export MPMON_BUILD
set -- # snmp-lib.sh takes no arguments; it brings start_mpmond and a scratch folder
run_mpmond=$top/build-aux/run-mpmond
. "$top/tests/e2e/snmp-lib.sh"
cd "$top" || exit 1
mpmond=$MPMON_BUILD/bin/mpmond
state=$tmp/state
mpid=
trap '[ -n "$mpid" ] && kill -9 "$mpid" 2>/dev/null; cleanup' EXIT

sed "s#@TMP@#$tmp#g; s#-c 'head -c 100000 /dev/zero | tr \"\\\\000\" x; echo oops >&amp;2'#-c 'exec /usr/bin/yes'#" \
	tests/e2e/data/actions-pack.xml >"$tmp/pack.xml"
grep -q 'exec /usr/bin/yes' "$tmp/pack.xml" || { echo "bench/actions.sh: the pack changed" >&2; exit 0; }
mkdir -p "$tmp/logs"
: >"$tmp/logs/app.log"
cat >"$tmp/c.conf" <<EOC
[mpmond]
state_dir = $tmp/state
checkpoint_interval_ms = 20
[packs]
path = $tmp/pack.xml
[source app]
type = file
path = $tmp/logs/*.log
start = end
log_name = System
[actions]
enabled = true
timeout_max_s = 600
EOC
perl -e 'print qq({"EventDisplayNumber":7,"LoggingComputer":"h","EventDescription":"x"}\n) for 1..$ARGV[0]' \
	"$lines" >"$tmp/lines"

records() {
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1; my $s = decode_json(<$f>);
		print $s->{sources}[0]{records} // 0' "$tmp/state/state.json" 2>/dev/null || echo 0
}

# Seconds from appending the lines to state.json counting them.
read_time() {
	_base=$(records)
	_t0=$(now_ns)
	cat "$tmp/lines" >>"$tmp/logs/app.log"
	while [ "$(records)" -lt $((_base + lines)) ]; do
		sleep 0.005
	done
	awk -v a="$_t0" -v b="$(now_ns)" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}

best_read_time() {
	_best=
	for _i in $(seq 1 "$BENCH_RUNS"); do
		_s=$(read_time)
		_best=$(awk -v a="$_best" -v b="$_s" 'BEGIN { print (a == "" || b < a) ? b : a }')
	done
	echo "$_best"
}

start_mpmond || { echo "bench/actions.sh: mpmond does not start" >&2; exit 0; }
idle=$(best_read_time)
printf '{"EventDisplayNumber":3003,"LoggingComputer":"h","EventDescription":"flood"}\n' >>"$tmp/logs/app.log"
sleep 0.5
busy=$(best_read_time)
running=$(perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0]; print decode_json(<$f>)->{actions}{running}' "$tmp/state/state.json")
stop_mpmond
header "mpmond: reading logs while an action runs ($lines lines)"
r_idle=$(rate "$lines" "$idle")
r_busy=$(rate "$lines" "$busy")
row "lines/s read, a child flooding its pipe vs idle" "$r_busy" "$r_idle" "$(ratio "$r_busy" "$r_idle")" ">=0.25"
[ "$running" = 1 ] || echo "bench/actions.sh: the flooding diagnostic was not running ($running)" >&2
