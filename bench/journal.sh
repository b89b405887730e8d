#!/bin/sh
# make bench, journal: the generated syslog lines (gen-syslog.pl) as journal
# entries (gen-journal.pl: MESSAGE, SYSLOG_IDENTIFIER, _HOSTNAME, _PID,
# PRIORITY, SYSLOG_FACILITY, __REALTIME_TIMESTAMP), written into journal files
# by systemd-journal-remote (it rotates them at its size limit, so there are
# several), then read
#   - by the real mpmond: a journal source over the folder with start =
#     beginning and the shipped packs on log name "journal" (sd-journal, every
#     field into the event, the SCOM names, the engine, checkpoints every
#     100 ms); timed from its start until its state file counts every entry,
#     so the figure includes its start (loading the packs) and up to one
#     checkpoint interval;
#   - by the baseline, journal-loop.c: sd_journal_next, then
#     sd_journal_get_data of the four fields the shipped packs read (MESSAGE,
#     SYSLOG_IDENTIFIER, _HOSTNAME, PRIORITY) and sd_journal_get_realtime_usec,
#     nothing else: the floor of reading them with sd-journal.
# Best of BENCH_RUNS runs of each, taken in turns.
# Usage: journal.sh BUILD_DIR
B=${1:-build}
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
lines=${BENCH_LINES:-1000000}
log="$BENCH_DIR/syslog-$lines.log"
dir="$BENCH_DIR/journal-$lines"
jr=/lib/systemd/systemd-journal-remote
CC=${CC:-cc}

[ -s "$log" ] || perl "$here/gen-syslog.pl" "$lines" >"$log" || exit 1
if [ ! -f "$dir/complete" ]; then
	rm -rf "$dir"
	mkdir -p "$dir" || exit 1
	perl "$here/gen-journal.pl" 2026 <"$log" | $jr --output="$(cd "$dir" && pwd)/bench.journal" - \
		2>"$BENCH_DIR/journal-remote.err"
	# journal-remote exits 0 even when it rejected entries: count them.
	grep -q "writing $lines entries" "$BENCH_DIR/journal-remote.err" || {
		echo "bench: systemd-journal-remote did not write $lines entries:" >&2
		tail -n 3 "$BENCH_DIR/journal-remote.err" >&2
		exit 1
	}
	touch "$dir/complete"
fi
# mpmond runs unprivileged (build-aux/run-mpmond): journal-remote's files are
# 0640, and its state folder goes in BENCH_DIR
chmod a+r "$dir"/*.journal
sh "$here/../build-aux/run-mpmond" --give "$BENCH_DIR"
$CC -O2 -o "$BENCH_DIR/journal-loop" "$here/journal-loop.c" \
	$(pkg-config --cflags --libs libsystemd) || exit 1

cat >"$BENCH_DIR/journal.conf" <<EOC
[mpmond]
state_dir = $(cd "$BENCH_DIR" && pwd)/journal-state
clock = event
checkpoint_interval_ms = 100

[packs]
path = $(pwd)/mp-xml/packs

[source journal]
type = journal
path = $(cd "$dir" && pwd)
start = beginning
log_name = journal
EOC

# Seconds from mpmond's start until its state file counts every entry.
mpmond_once() {
	rm -rf "$BENCH_DIR/journal-state"
	perl -MTime::HiRes=time,sleep -e '
		my ($mpmond, $conf, $state, $n, $err, $run) = @ARGV;
		my $want = qq("records":$n,);
		my $t0 = time;
		my $pid = fork // die "fork: $!";
		if (!$pid) {
			open STDERR, ">", $err or die;
			exec "sh", $run, $mpmond, "--config", $conf, "--foreground" or die "$mpmond: $!";
		}
		my $t;
		until (defined $t) {
			if (open my $f, "<", $state) {
				local $/;
				$t = time if index(<$f> // "", $want) >= 0;
			}
			last if time - $t0 > 300;
			sleep 0.01 unless defined $t;
		}
		kill "TERM", $pid;
		waitpid $pid, 0;
		exit 1 unless defined $t;
		printf "%.4f\n", $t - $t0;' "$B/bin/mpmond" "$BENCH_DIR/journal.conf" \
		"$BENCH_DIR/journal-state/state.json" "$lines" "$BENCH_DIR/journal-mpmond.err" \
		"$here/../build-aux/run-mpmond"
}

nfiles=$(ls "$dir" | grep -c '\.journal$')
header "journal: $lines entries in $nfiles files ($(du -sm "$dir" | cut -f1) MiB) by systemd-journal-remote"
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

# Runs of the two alternate, so that both see the same load of the machine.
t_loop=
t_mp=
i=0
while [ $i -lt "$BENCH_RUNS" ]; do
	s=$(time_once sh -c "'$BENCH_DIR/journal-loop' '$dir' >'$BENCH_DIR/journal-loop.out'") || exit 1
	t_loop=$(min "$t_loop" "$s")
	s=$(mpmond_once) || { echo "bench: mpmond did not count $lines entries" >&2; exit 1; }
	t_mp=$(min "$t_mp" "$s")
	i=$((i + 1))
done
changes=$(grep -c ' -> ' "$BENCH_DIR/journal-mpmond.err")
row "mpmond over journal files vs sd-journal loop" "$(rate "$lines" "$t_mp")" \
	"$(rate "$lines" "$t_loop")" "$(ratio "$t_loop" "$t_mp")" ">=0.8"
echo "  entries/s; mpmond: $t_mp s from its start to all $lines counted, $changes state changes;" \
	"sd_journal_next + 4 x sd_journal_get_data loop: $t_loop s ($(cat "$BENCH_DIR/journal-loop.out"))"
