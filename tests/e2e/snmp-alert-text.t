#!/bin/sh
# What each notification says about its alert, from mpmond to a real
# snmptrapd (tests/e2e/data/alert-pack.xml): the alert's name, message,
# diagnosis and resolution travel with the change that raises the alert; a
# change to healthy that closes it is an mpmonAlertResolved whose message says
# the alert is resolved and names it, with no diagnosis or resolution; a
# change that raises nothing carries no alert message, and the knowledge only
# while the instance is unhealthy. A timer's clear, which has no event to
# fill the alert's parameters from, reads the same: no half-filled text.
# state.json keeps the texts of each instance's last change alike.
. "$(dirname "$0")/snmp-lib.sh"
mpmond=${MPMON_BIN:-$bin/bin}/mpmond
need "$mpmond"
mpid=
trap '[ -n "$mpid" ] && kill -9 "$mpid" 2>/dev/null; cleanup' EXIT
mkdir -p "$tmp/logs"
log=$tmp/logs/app.log
: >"$log"
state=$tmp/state

ev() {	# ev NUMBER TEXT: one JSON event line of host web1, stamped now
	printf '{"TimeGenerated":"%s","EventDisplayNumber":%s,"LoggingComputer":"web1","EventDescription":"%s"}\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)" "$1" "$2"
}

# rec SEQ: the record of the change with that mpmonSeq
rec() {
	log_all | grep "mpmonSeq\.0 = $1\$" | grep 'mpmonMonitorId\.0' | head -1
}

# has REC TEXT: whether the record holds TEXT
has() {
	case $1 in *"$2"*) return 0 ;; *) return 1 ;; esac
}

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
# roll-ups would interleave with the seq this test follows
cat >"$tmp/c.conf" <<EOC
[mpmond]
rollup = false
state_dir = $state
checkpoint_interval_ms = 50

[packs]
path = $PWD/tests/e2e/data/alert-pack.xml

[source app]
type = file
path = $tmp/logs/*.log
start = end
log_name = System

[snmp]
heartbeat_s = 0

[sink noc]
type = snmp
peer = udp:127.0.0.1:$port
version = 2c
community = public
inform = false
EOC
chmod 600 "$tmp/c.conf"
"$run_mpmond" --give "$tmp/c.conf"
start_mpmond
check "mpmond starts with an SNMPv2c trap sink" $?
wait_records 1

ev 10 "service up" >>"$log"
wait_records 2
r=$(rec 1)
echo "# $r" | cut -c1-300
has "$r" "mpmonHealthStateChange|" && has "$r" "mpmonNewState.0 = success|" &&
	has "$r" 'mpmonAlertMessage.0 = |' && has "$r" 'mpmonDiagnosis.0 = |' &&
	has "$r" 'mpmonResolution.0 = |'
check "a first healthy change raises nothing: no alert message, no knowledge" $?

ev 11 "service slow" >>"$log"
wait_records 3
r=$(rec 2)
has "$r" "mpmonNewState.0 = warning|" && has "$r" 'mpmonAlertMessage.0 = |' &&
	has "$r" "mpmonDiagnosis.0 = The service lost its database.|" &&
	has "$r" "mpmonResolution.0 = Start the database, then the service.|"
check "a warning below AlertOnState: no alert message, the knowledge of the problem" $?

ev 12 "service crashed" >>"$log"
wait_records 4
r=$(rec 3)
has "$r" "mpmonNewState.0 = error|" &&
	has "$r" "mpmonAlertMessage.0 = Service failed on web1: service crashed|" &&
	has "$r" "mpmonDiagnosis.0 = The service lost its database.|" &&
	has "$r" "mpmonResolution.0 = Start the database, then the service.|"
check "the error raises the alert: its message, diagnosis and resolution" $?

ev 10 "service up again" >>"$log"
wait_records 5
r=$(rec 4)
echo "# $r" | cut -c1-300
has "$r" "mpmonAlertResolved|" && has "$r" "mpmonNewState.0 = success|" &&
	has "$r" "mpmonAlertMessage.0 = alert resolved: Service failed|" &&
	! has "$r" "mpmonDiagnosis" && ! has "$r" "mpmonResolution" && ! has "$r" "service up again"
check "the clear is mpmonAlertResolved naming the alert, without the failure's texts" $?

ev 20 "Killed process 4242 (java)" >>"$log"
wait_records 6
r=$(rec 5)
has "$r" "mpmonAlertMessage.0 = The kernel on web1 killed a process: Killed process 4242 (java)|"
check "an OOM kill raises its alert with the event's text" $?
# TimerWaitInSeconds 1: the timer clears it a second later, with no event
wait_records 7
r=$(rec 6)
echo "# $r" | cut -c1-300
has "$r" "mpmonAlertResolved|" && has "$r" "mpmonMonitorId.0 = Test.Oom|" &&
	has "$r" "mpmonAlertMessage.0 = alert resolved: Out-of-memory kill|" &&
	! has "$r" "killed a process"
check "the timer's clear names the alert, no half-filled message" $?

wait_state 'join ",", map { "$_->{monitor}=$_->{message}=$_->{diagnosis}" } @{$s->{monitors}}' \
	"Test.Svc=alert resolved: Service failed=,Test.Oom=alert resolved: Out-of-memory kill="
check "state.json: each instance's last change, resolved, without the failure's knowledge ($(sget 'join ",", map { "$_->{monitor}=$_->{message}" } @{$s->{monitors}}'))" $?
stop_mpmond
check "mpmond exits 0 on SIGTERM" $?
stop_trapd
finish
