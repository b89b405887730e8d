# Shared by the SNMP end-to-end tests (sourced, not run): a scratch folder, TAP
# checks, and a real snmptrapd on 127.0.0.1 at a free port that logs one record
# per notification (format2), decoding varbinds by name with mibs/MPMON-MIB.txt.
# Every record starts with "TRAP " and lists the varbinds separated by "|"; a
# record spans more lines only when a text varbind holds newlines.
# The test works in a copy of the checkout, with its programs in $MPMON_BIN,
# that mpmond's user can read wherever the checkout lies (run-mpmond --stage).
cd "$(dirname "$0")/../.." || exit 1
bin=${MPMON_BUILD:-$PWD/build}
trapsend="$bin/tests/trapsend"
tmp=$(mktemp -d) || exit 1
# mpmond runs unprivileged, as under systemd: "$run_mpmond" MPMOND ARGS...
# (a caller outside tests/e2e/, a benchmark, sets run_mpmond first)
run_mpmond=${run_mpmond:-$PWD/build-aux/run-mpmond}
trapd_pid=
cleanup() {
	if [ -n "$trapd_pid" ]; then
		kill "$trapd_pid" 2>/dev/null
		wait "$trapd_pid" 2>/dev/null
	fi
	[ -n "${MPMON_KEEP_TMP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$tmp"
"$run_mpmond" --give "$tmp"
why=$("$run_mpmond" --stage "$tmp/top" "${MPMON_BIN:-$bin/bin}") || { echo "1..0 # SKIP $why"; exit 0; }
MPMON_BIN=$tmp/top/build/bin
cd "$tmp/top" || exit 1
# net-snmp reads and writes only in the scratch folder.
export SNMP_PERSISTENT_DIR="$tmp/persist" SNMPCONFPATH="$tmp" MIBS="" MIBDIRS="$PWD/mibs"

n=0
fail=0
check() {	# check DESCRIPTION STATUS
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fail=$((fail + 1))
	fi
}
finish() {
	echo "1..$n"
	[ "$fail" = 0 ]
	exit $?
}
need() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "$tool" ]; then
			echo "1..0 # SKIP $tool is not available (make deps)"
			exit 0
		fi
	done
}
need snmptrapd "$trapsend"

# The receiver's configuration: a v2c community, two SNMPv3 users (SHA and
# SHA-256 authentication, AES privacy) and a fixed engine ID, so senders may
# be given it instead of discovering it.
TRAPD_ENGINE_TEXT=mpmontest
TRAPD_ENGINE_ID=80001f8804$(printf %s "$TRAPD_ENGINE_TEXT" | od -An -tx1 | tr -d ' \n')
V2C="community=public"
V3SHA="version=3,user=mpmonsha,auth=sha,auth-pass=shapass123,priv-pass=aespass123"
V3SHA256="version=3,user=mpmon256,auth=sha256,auth-pass=sha256pass1,priv-pass=aespass256"
cat >"$tmp/snmptrapd.conf" <<CONF
engineID $TRAPD_ENGINE_TEXT
authCommunity log,execute public
createUser mpmonsha SHA "shapass123" AES "aespass123"
createUser mpmon256 SHA-256 "sha256pass1" AES "aespass256"
authUser log,execute mpmonsha priv
authUser log,execute mpmon256 priv
format2 TRAP %P %V|%v\n
CONF

# start_trapd [PORT]: start snmptrapd (a free port is chosen when none is
# given); sets port and trapd_pid; the log is $tmp/trapd.log. snmptrapd
# truncates it when it starts, so what an earlier run logged is kept in
# $tmp/trapd.old first; log_all prints both.
start_trapd() {
	wanted_port=${1:-}
	if [ -s "$tmp/trapd.log" ]; then
		cat "$tmp/trapd.log" >>"$tmp/trapd.old"
		rm -f "$tmp/trapd.log"
	fi
	banners=0
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=${wanted_port:-$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))}
		# shellcheck disable=SC2086
		snmptrapd -f -n -C -c "$tmp/snmptrapd.conf" -M "$PWD/mibs" -m MPMON-MIB ${TRAPD_OPTS:--OQ} \
			-Lf "$tmp/trapd.log" "udp:127.0.0.1:$port" 2>"$tmp/trapd.err" &
		trapd_pid=$!
		# ready when it logs its banner; gone when the port was taken
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			kill -0 "$trapd_pid" 2>/dev/null || break
			grep -q "NET-SNMP version" "$tmp/trapd.log" 2>/dev/null && \
				[ "$(grep -c 'NET-SNMP version' "$tmp/trapd.log")" -gt "${banners:-0}" ] && {
				banners=$(grep -c 'NET-SNMP version' "$tmp/trapd.log")
				return 0
			}
			sleep 0.1
		done
		kill "$trapd_pid" 2>/dev/null
		wait "$trapd_pid" 2>/dev/null
		trapd_pid=
		[ -n "$wanted_port" ] && sleep 0.5
	done
	echo "# cannot start snmptrapd:"; sed 's/^/#   /' "$tmp/trapd.err"
	return 1
}

stop_trapd() {
	[ -n "$trapd_pid" ] || return 0
	kill "$trapd_pid" 2>/dev/null
	wait "$trapd_pid" 2>/dev/null
	trapd_pid=
}

log_all() {
	cat "$tmp/trapd.old" "$tmp/trapd.log" 2>/dev/null
}

# The value of varbind NAME in every record, one per line.
varbind() {
	log_all | sed -n "s/.*|MPMON-MIB::$1\.0 = \([^|]*\).*/\1/p"
}

# The tests that run mpmond (its config in $tmp/c.conf, its state folder in
# $state, its stderr in $tmp/mpmond.log, its PID in mpid): start_mpmond waits
# for its state file, stop_mpmond sends SIGTERM and returns its exit status.
start_mpmond() {
	"$run_mpmond" "$mpmond" --config "$tmp/c.conf" --foreground 2>>"$tmp/mpmond.log" &
	mpid=$!
	for i in $(seq 1 100); do
		[ -f "$state/state.json" ] && return 0
		sleep 0.05
	done
	return 1
}

stop_mpmond() {
	kill -TERM "$mpid" 2>/dev/null
	wait "$mpid" 2>/dev/null
	st=$?
	mpid=
	return $st
}

# sget PERL-EXPR: a value from state.json ($s), "" when undefined. Besides,
# health(MONITOR, INSTANCE) is an instance's health, and res(ID[, INSTANCE])
# the latest result of a diagnostic or recovery (for that instance).
sget() {
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1; my $s = decode_json(<$f>);
		sub health { my ($m, $i) = @_; join "", map { $_->{health} }
			grep { $_->{monitor} eq $m && $_->{instance} eq $i } @{$s->{monitors}} }
		sub res { my ($id, $i) = @_; (grep { $_->{id} eq $id && (!defined $i || $_->{instance} eq $i) }
			@{$s->{actions}{results}})[-1] }
		my $v = eval($ARGV[1]); print defined $v ? $v : "", "\n"' "$state/state.json" "$1" 2>/dev/null
}

wait_state() {	# wait_state PERL-EXPR WANT [SECONDS]
	for i in $(seq 1 $((${3:-10} * 20))); do
		[ "$(sget "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_records N: wait up to 10 s until the log holds N notification records.
wait_records() {
	for i in $(seq 1 100); do
		[ "$(log_all | grep -c '^TRAP ')" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
