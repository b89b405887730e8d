#!/bin/sh
# Everything a replay shows reaches the NOC from a live mpmond: following a
# JSON log with the seed's Enrollment Connection monitor (1004 healthy, 1003
# failed) and the shipped SSH root-login alert rule, a real snmptrapd receives
# the monitor's change (mpmonHealthStateChange with its alert's message), the
# target's roll-up (mpmonRollupChange of System.Health.EntityState, after the
# change that caused it) and the rule's alert (mpmonRuleAlert, its message
# with $Data/...$ filled in from the event; a second attempt is a repeat with
# its count), and a jsonl sink beside it gets the same records.
. "$(dirname "$0")/snmp-lib.sh"
mpmond=${MPMON_BIN:-$bin/bin}/mpmond
need "$mpmond"
mpid=
trap '[ -n "$mpid" ] && kill -9 "$mpid" 2>/dev/null; cleanup' EXIT
mkdir -p "$tmp/logs" "$tmp/out"
"$run_mpmond" --give "$tmp/out"
log=$tmp/logs/mdm.log
: >"$log"
state=$tmp/state
mon=Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.EnrollmentConnection.MobileDeviceManager.EnrollmentConnection.EventBased.UnitMonitor
rule=Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule

mdm() {	# mdm NUMBER TEXT: an event of the Device Management Server, stamped now
	printf '{"TimeGenerated":"%s","LogName":"Mobile Device Manager","PublisherName":"Device Manager","EventDisplayNumber":%s,"LoggingComputer":"dms01","EventDescription":"%s"}\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)" "$1" "$2"
}

ssh_root() {	# ssh_root PORT: sshd's failed root login, as a shipper writes it
	printf '{"TimeGenerated":"%s","LogName":"journal","PublisherName":"sshd","LoggingComputer":"web01","SourceAddress":"203.0.113.9","EventDescription":"Failed password for root from 203.0.113.9 port %s ssh2"}\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)" "$1"
}

# records: one line per notification (a text with newlines spans lines)
records() {
	log_all | perl -ne 'chomp; if (/^TRAP /) { print "\n" if $n++ } else { print "\\n" } print; END { print "\n" if $n }'
}

# rec KIND TEXT: the first record of notification KIND holding TEXT
rec() {
	records | grep "^TRAP .*MPMON-MIB::$1|" | grep -F -- "$2" | head -1
}

seq_of() {
	echo "$1" | sed -n 's/.*mpmonSeq\.0 = \([0-9]*\).*/\1/p'
}

has() {
	case $1 in *"$2"*) return 0 ;; *) return 1 ;; esac
}

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
cat >"$tmp/c.conf" <<EOC
[mpmond]
state_dir = $state
checkpoint_interval_ms = 50

[packs]
path = $PWD/mp-xml/packs/Mpmon.MDM.WipeServiceDriver.xml
path = $PWD/mp-xml/packs/Mpmon.Linux.Essentials.xml

[source mdm]
type = file
path = $tmp/logs/*.log
start = end

[snmp]
heartbeat_s = 0

[sink noc]
type = snmp
peer = udp:127.0.0.1:$port
version = 2c
community = public
inform = true

[sink shipper]
type = jsonl
path = $tmp/out/records.jsonl
EOC
chmod 600 "$tmp/c.conf"
"$run_mpmond" --give "$tmp/c.conf"
start_mpmond
check "mpmond starts with an inform sink and a jsonl sink" $?
wait_records 1

mdm 1004 "Connected to the Enrollment Server." >>"$log"
mdm 1003 "Cannot reach the Enrollment Server: timed out." >>"$log"
ssh_root 40100 >>"$log"
ssh_root 40101 >>"$log"
wait_state '$s->{seq}' 8
check "8 records: 2 changes, each with 2 roll-ups, and 2 rule alerts (seq $(sget '$s->{seq}'))" $?
wait_state '$s->{snmp}{acknowledged}' 9
check "the receiver acknowledged all of them and the start ($(sget '$s->{snmp}{acknowledged}'))" $?

c=$(rec mpmonHealthStateChange "mpmonNewState.0 = error|")
has "$c" "mpmonMonitorId.0 = $mon|" && has "$c" "mpmonPreviousState.0 = success|" &&
	has "$c" "mpmonAlertMessage.0 = Cannot reach the Enrollment Server: timed out.|"
check "the 1003 is the monitor's change to error, with its alert's message" $?

r=$(records | grep '^TRAP .*mpmonRollupChange|' | grep 'mpmonRollupMonitorId.0 = System.Health.EntityState|' |
	grep 'mpmonNewState.0 = error|' | head -1)
has "$r" "mpmonPreviousState.0 = success|" && has "$r" "mpmonNewState.0 = error|" &&
	has "$r" "mpmonTarget.0 = Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.ClassType|" &&
	[ "$(seq_of "$r")" -gt "$(seq_of "$c")" ]
check "the target's entity health follows it: mpmonRollupChange success -> error, seq $(seq_of "$r") after $(seq_of "$c")" $?

a=$(rec mpmonRuleAlert "mpmonAlertChange.0 = raised|")
has "$a" "mpmonRuleId.0 = $rule|" && has "$a" "mpmonRepeatCount.0 = 0|" &&
	has "$a" "mpmonAlertMessage.0 = Someone tried to log in to web01 as root over SSH and failed: Failed password for root from 203.0.113.9 port 40100 ssh2|"
check "the rule's alert is mpmonRuleAlert, its message filled in from the event's data" $?
a=$(rec mpmonRuleAlert "mpmonAlertChange.0 = repeated|")
has "$a" "mpmonRuleId.0 = $rule|" && has "$a" "mpmonRepeatCount.0 = 1|"
check "the second attempt from the same address is a repeat, counted" $?

n=$(log_all | grep -c '^TRAP .*MPMON-MIB::mpmon\(HealthStateChange\|AlertResolved\|RollupChange\|RuleAlert\)|')
[ "$n" = 8 ]
check "one notification per record, none twice ($n)" $?
perl -MJSON::PP -ne '$c = decode_json($_); print $c->{kind} // "monitor", "\n"' "$tmp/out/records.jsonl" |
	sort | uniq -c | tr -s ' ' >"$tmp/kinds"
[ "$(tr '\n' ' ' <"$tmp/kinds")" = " 2 monitor  4 rollup  2 rule " ]
check "the jsonl sink has the same records: $(tr '\n' ' ' <"$tmp/kinds")" $?
stop_mpmond
check "mpmond exits 0" $?
stop_trapd
finish
