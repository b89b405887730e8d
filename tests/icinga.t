#!/bin/sh
# The Icinga 2 definitions in contrib/icinga2/: `icinga2 daemon -C` accepts
# the CheckCommands and the generated example services (which must match what
# `make contrib-services` writes now), and a real Icinga 2 runs check_mpmon in
# daemon and standalone mode through the CheckCommands and records the result:
# state, output and perfdata in its perfdata file and in its state file.
# Icinga 2 runs as root with every path in a temporary folder; bounded waits.
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
bin=${MPMON_BIN:-$top/build/bin}
if ! command -v icinga2 >/dev/null 2>&1; then
	echo "1..0 # SKIP icinga2 is not installed (make deps)"
	exit 0
fi
T=$(mktemp -d) || exit 1
IPID=
n=0
fail=0
cleanup() {
	if [ -n "$IPID" ]; then
		kill -TERM "$IPID" 2>/dev/null
		sleep 1
		kill -9 "$IPID" 2>/dev/null
		wait "$IPID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
		[ -f "$T/icinga.log" ] && grep -E "critical/|warning/|Error" "$T/icinga.log" | grep -v ApplyRule | tail -n 8 | sed 's/^/#   icinga2: /'
	fi
}

# icinga ARGS...: icinga2 as root with its paths under $T. exec, so that in
# the background $! is icinga2's umbrella process (the wrapper script execs
# too), which SIGTERM stops with its workers.
icinga() {
	mkdir -p "$T/cache" "$T/data" "$T/log" "$T/spool/tmp" "$T/run" "$T/perf"
	ICINGA2_USER=root ICINGA2_GROUP=root exec icinga2 "$@" -DCacheDir="$T/cache" \
		-DDataDir="$T/data" -DLogDir="$T/log" -DSpoolDir="$T/spool" -DInitRunDir="$T/run"
}

# 1. The definitions and the generated services validate.
mkdir -p "$T/gen/icinga2" "$T/gen/nagios"
sh build-aux/gen-check-services.sh "$bin/mpmon" "$T/gen" >"$T/gen.log" 2>&1 &&
	cmp -s "$T/gen/icinga2/mpmon-services.conf" contrib/icinga2/mpmon-services.conf &&
	cmp -s "$T/gen/nagios/mpmon-services.cfg" contrib/nagios/mpmon-services.cfg
ok $? "the committed example services are what make contrib-services writes"

packs=$(ls mp-xml/packs/*.xml | sed 's|.*/||; s|\.xml$||; s|.*|"&"|' | paste -sd, -)
cat >"$T/validate.conf" <<EOC
include <itl>
const PluginDir = "$bin"
const NodeName = "mpmon-test"
include "$top/contrib/icinga2/mpmon.conf"
include "$top/contrib/icinga2/mpmon-services.conf"
object Host "mpmon-host" {
	check_command = "dummy"
	vars.mpmon_packs = [ $packs ]
}
object Service "standalone" {
	host_name = "mpmon-host"
	check_command = "mpmon-standalone"
	vars.mpmon_mp = [ "$top/tests/e2e/data/pack.xml" ]
	vars.mpmon_log = "/var/log/app.log"
	vars.mpmon_seek_file = "/var/lib/mpmon/app.seek"
	vars.mpmon_missing_log = "ok"
}
EOC
(icinga daemon -C -c "$T/validate.conf") >"$T/icinga.log" 2>&1
st=$?
services=$(sed -n 's/.*Instantiated \([0-9]*\) Services\./\1/p' "$T/icinga.log")
monitors=$("$bin/mpmon" validate --list mp-xml/packs/*.xml | grep -c '^run	')
[ $st = 0 ] && [ "$services" = $((monitors + 1)) ]
ok $? "icinga2 daemon -C accepts mpmon.conf and mpmon-services.conf ($services services for $monitors monitors + 1)"

# 2. A real Icinga 2 runs both CheckCommands.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$T/state.json" <<EOS
{"version":1,"written":"$now","pid":1,"seq":2,"monitors":[
 {"monitor":"Test.Job","instance":"web1","health":"Error","state":"Bad","since":"$now","alert_open":true,"message":"Job failed on web1: job 2","diagnosis":"","resolution":""},
 {"monitor":"Test.Job","instance":"web2","health":"Success","state":"Good","since":"$now","alert_open":false,"message":"","diagnosis":"","resolution":""}
],"sources":[]}
EOS
printf '{"TimeGenerated":"2026-11-20T10:00:00Z","EventDisplayNumber":2,"LoggingComputer":"db1","EventDescription":"job 2"}\n' >"$T/app.log"
cat >"$T/run.conf" <<EOC
include <itl>
const PluginDir = "$bin"
const NodeName = "mpmon-test"
include "$top/contrib/icinga2/mpmon.conf"
object CheckerComponent "checker" {}
object PerfdataWriter "perfdata" {
	service_perfdata_path = "$T/perf/service-perfdata"
	host_perfdata_path = "$T/perf/host-perfdata"
	service_temp_path = "$T/spool/tmp/service-perfdata"
	host_temp_path = "$T/spool/tmp/host-perfdata"
	service_format_template = "SERVICEDESC::\$service.name\$\tSERVICESTATE::\$service.state\$\tSERVICEOUTPUT::\$service.output\$\tSERVICEPERFDATA::\$service.perfdata\$"
	rotation_interval = 1s
}
object Host "mpmon-host" {
	check_command = "dummy"
	check_interval = 1h
}
object Service "daemon" {
	host_name = "mpmon-host"
	check_command = "mpmon"
	check_interval = 1s
	retry_interval = 1s
	vars.mpmon_state_file = "$T/state.json"
	vars.mpmon_warning = "0"
	vars.mpmon_critical = "5"
}
object Service "standalone" {
	host_name = "mpmon-host"
	check_command = "mpmon-standalone"
	check_interval = 1s
	retry_interval = 1s
	vars.mpmon_mp = [ "$top/tests/e2e/data/pack.xml" ]
	vars.mpmon_log = "$T/app.log"
	vars.mpmon_seek_file = "$T/app.seek"
	vars.mpmon_log_name = "System"
	vars.mpmon_start = "beginning"
	vars.mpmon_missing_log = "warning"
}
EOC
(icinga daemon -C -c "$T/run.conf") >"$T/icinga.log" 2>&1
ok $? "the run config validates"
icinga daemon -c "$T/run.conf" >>"$T/icinga.log" 2>&1 &
IPID=$!

seen() {	# seen SERVICE: a perfdata line of SERVICE has been rotated out
	cat "$T"/perf/service-perfdata.* 2>/dev/null | grep -q "^SERVICEDESC::$1	"
}
i=0
while ! { seen daemon && seen standalone; } && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
cat "$T"/perf/service-perfdata.* 2>/dev/null >"$T/perf.all"
d=$(grep "^SERVICEDESC::daemon	" "$T/perf.all" | tail -n 1)
s=$(grep "^SERVICEDESC::standalone	" "$T/perf.all" | tail -n 1)
echo "$d" | grep -q "	SERVICESTATE::WARNING	SERVICEOUTPUT::MPMON WARNING - 2 instances: 1 critical, 0 warning, 1 ok, 0 uninitialized; worst Test.Job \[web1\] is Error: Job failed on web1: job 2 \{0,1\}	SERVICEPERFDATA::ok=1;;;0; warning=0;;;0; critical=1;;;0; uninitialized=0;;;0; problems=1;0;5;0; age=[0-9]*s;;300;0;$"
ok $? "Icinga 2 ran the daemon-mode check: WARNING by -w 0, output and perfdata in its perfdata file ($(echo "$d" | cut -c1-200))"
echo "$s" | grep -q "	SERVICESTATE::CRITICAL	SERVICEOUTPUT::MPMON CRITICAL - 2 instances: 1 critical, 0 warning, 0 ok, 1 uninitialized; worst Test.Job on db1 is Error: Job failed on db1: job 2 \{0,1\}	SERVICEPERFDATA::ok=0;;;0; warning=0;;;0; critical=1;;;0; uninitialized=1;;;0; problems=1;;;0; lines=[01];;;0; bad=0;;;0;$"
ok $? "Icinga 2 ran the standalone check (with --missing-log): CRITICAL, output and perfdata ($(echo "$s" | cut -c1-200))"

# SIGTERM to the umbrella process; its worker dumps the state file and exits.
kill -TERM "$IPID"
i=0
while { kill -0 "$IPID" 2>/dev/null || pgrep -f "$T/run.conf" >/dev/null; } && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$IPID" 2>/dev/null
! kill -0 "$IPID" 2>/dev/null && ! pgrep -f "$T/run.conf" >/dev/null
ok $? "icinga2 and its workers stop on SIGTERM"
IPID=
perl -MJSON::PP -e '
	local $/; open my $f, "<", $ARGV[0] or exit 1; my $t = <$f>;
	# icinga2.state: "N:{json}" records joined; find the daemon service object
	my ($cr) = $t =~ /"name":"mpmon-host!daemon","type":"Service","update":(\{.*?"version":\d+\})/ or exit 2;
	my $o = decode_json($cr)->{last_check_result} or exit 3;
	exit 4 unless $o->{exit_status} == 1 && $o->{state} == 1;
	exit 5 unless $o->{output} =~ /^MPMON WARNING - 2 instances: .* Job failed on web1: job 2/;
	exit 6 unless grep { $_ eq "problems=1;0;5;0;" } @{$o->{performance_data}};
	exit 0' "$T/data/icinga2.state"
st=$?
ok $st "DataDir/icinga2.state records the result: exit status, state, output, perfdata (perl exit $st)"
# Anything still running is ours (its command line names our temporary config).
for p in $(pgrep -f "$T/run.conf"); do kill -9 "$p"; done
echo "1..$n"
[ "$fail" = 0 ]
