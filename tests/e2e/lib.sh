# Shared by the end-to-end tests (sourced): a temporary folder, a config, the
# real mpmond started and stopped by its PID, bounded waits and TAP output.
# mpmond runs unprivileged ($run_mpmond, build-aux/run-mpmond), as it does
# under systemd: it creates its state folder in $T and reads what is there.
# The test works in $top, a copy of the checkout with the programs in $bin
# that mpmond's user can read wherever the checkout lies (run-mpmond --stage).
cd "$(dirname "$0")/../.." || exit 1
bin=${MPMON_BIN:-$PWD/build/bin}
run_mpmond=$PWD/build-aux/run-mpmond
T=$(mktemp -d) || exit 1
PID=
n=0
fail=0

cleanup() {
	[ -n "$KEEP" ] && cp "$T/log" "$KEEP" 2>/dev/null
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	[ -n "$PID" ] && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
"$run_mpmond" --give "$T"
why=$("$run_mpmond" --stage "$T/top" "$bin") || { echo "1..0 # SKIP $why"; exit 0; }
top=$T/top
bin=$top/build/bin
cd "$top" || exit 1

ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
		[ -f "$T/log" ] && tail -n 15 "$T/log" | sed 's/^/#   log: /'
	fi
}

skip() {	# skip REASON WHAT...: one skipped test per WHAT, saying why
	why=$1
	shift
	for what in "$@"; do
		n=$((n + 1))
		echo "ok $n # SKIP $what: $why"
	done
}

done_testing() {
	echo "1..$n"
	[ "$fail" = 0 ]
}

# conf [EXTRA-LINES]: the config with the test pack and one file source over
# $T/logs/*.log; extra lines follow (more sections).
conf() {
	mkdir -p "$T/logs"
	cat >"$T/c.conf" <<EOC
[mpmond]
state_dir = $T/state
clock = event
checkpoint_interval_ms = 100

[packs]
path = $top/tests/e2e/data/pack.xml

[source app]
type = file
path = $T/logs/*.log
start = beginning
log_name = System
rotate_wait_ms = 300
$1
EOC
}

start() {
	"$run_mpmond" "$bin/mpmond" --config "$T/c.conf" --foreground $MPMOND_OPTS 2>>"$T/log" &
	PID=$!
	wait_for 10 test -f "$T/state/state.json"
}

stop() {	# SIGTERM; returns the exit status
	kill -TERM "$PID"
	wait "$PID"
	st=$?
	PID=
	return $st
}

wait_for() {	# wait_for SECONDS COMMAND...: poll until COMMAND succeeds
	limit=$(($1 * 20))
	shift
	i=0
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.05
	done
	return 0
}

# jq-like reads of the state file with perl's core JSON::PP.
state_get() {	# state_get PERL-EXPR (with $s the decoded state file)
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1; my $s = decode_json(<$f>); print eval($ARGV[1]), "\n"' "$T/state/state.json" "$1"
}

health() {	# health MONITOR INSTANCE
	state_get 'join "", map { $_->{health} } grep { $_->{monitor} eq "'"$1"'" && $_->{instance} eq "'"$2"'" } @{$s->{monitors}}'
}

health_on() {	# health_on MONITOR COMPUTER: the health of its instance "" there
	state_get 'join "", map { $_->{health} } grep { $_->{monitor} eq "'"$1"'" && $_->{computer} eq "'"$2"'" && $_->{instance} eq "" } @{$s->{monitors}}'
}

# wait_value SECONDS WANT COMMAND...: poll until COMMAND prints WANT; bounded
# by the clock, as COMMAND may itself take long (mpmon state waits up to 5 s
# for a daemon that does not answer).
wait_value() {
	end=$(($(date +%s) + $1))
	want=$2
	shift 2
	while [ "$("$@")" != "$want" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

wait_health() {	# wait_health MONITOR INSTANCE WANT: up to 5 s
	wait_value 5 "$3" health "$1" "$2"
}

records() {
	state_get '$s->{sources}[0]{records} . " " . $s->{sources}[0]{checksum}'
}

# expected records and checksum of a file, as mpmond counts them (FNV-1a sum).
fnv_sum() {
	perl -e 'use integer; my ($s, $n) = (0, 0);
		while (my $l = <STDIN>) { chomp $l; $l =~ s/\r$//; $l = substr($l, 0, 65536); my $h = 1469598103934665603;
			for my $c (unpack "C*", $l) { $h ^= $c; $h *= 1099511628211 } $s += $h; $n++ }
		printf "%d %016x\n", $n, $s'
}
