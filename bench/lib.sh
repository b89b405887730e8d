# Shared by the bench scripts (sourced): timing, the data folder, the table.
# Every script prints rows of: what, mpmon's figure, the baseline's, the ratio
# (higher is better for mpmon), the target, and whether it is met.

# BENCH_DIR holds generated inputs between runs (regenerated when missing).
BENCH_DIR=${BENCH_DIR:-$B/bench-data}
mkdir -p "$BENCH_DIR"
MPMON="$B/bin/mpmon"
# Year-less syslog stamps are dated from here, so every run reads the same times.
BENCH_NOW=2026-11-21T00:00:00Z
# Best of this many runs for the fast commands (SEC runs once: it is slow).
BENCH_RUNS=${BENCH_RUNS:-3}

now_ns() { date +%s%N; }

# Seconds one run of "$@" takes (stdout is the command's business).
time_once() {
	_t0=$(now_ns)
	"$@"
	_rc=$?
	_t1=$(now_ns)
	awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
	return $_rc
}

# Best (lowest) seconds over BENCH_RUNS runs of "$@", output discarded by the caller's
# redirections inside "$@" (use sh -c '... | cat >/dev/null' for pipelines).
time_best() {
	_best=
	_i=0
	while [ $_i -lt "$BENCH_RUNS" ]; do
		_s=$(time_once "$@") || { echo "bench: failed: $*" >&2; return 1; }
		_best=$(awk -v a="$_best" -v b="$_s" 'BEGIN { print (a == "" || b < a) ? b : a }')
		_i=$((_i + 1))
	done
	echo "$_best"
}

# Lines per second.
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "inf" }'; }

header() {
	printf '\n== %s\n' "$1"
	printf '%-44s %14s %14s %8s %8s  %s\n' "figure" "mpmon" "baseline" "ratio" "target" "met"
}

# row WHAT MPMON BASELINE RATIO TARGET: the ratio is given (its sense depends on
# the figure); met when ratio >= target, or for "<=" targets when ratio <= it.
row() {
	_met=$(awk -v r="$4" -v t="$5" 'BEGIN {
		le = sub(/^<=/, "", t); if (le) print (r + 0 <= t + 0) ? "yes" : "NO";
		else { sub(/^>=/, "", t); print (r + 0 >= t + 0) ? "yes" : "NO" } }')
	printf '%-44s %14s %14s %8s %8s  %s\n' "$1" "$2" "$3" "$4" "$5" "$_met"
	[ "$_met" = yes ] || echo "$1" >>"$BENCH_DIR/missed"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf (a / b >= 10 ? "%.0f" : "%.3f"), a / b; else print "inf" }'; }
