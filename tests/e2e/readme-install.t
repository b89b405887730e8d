#!/bin/sh
# README.md's "Install and run", its receiver and the sample config as they
# are written: the snmptrapd command the README gives (its config from the
# README's printf line, the checkout's mibs/ for the installed folder, a free
# port for 162) starts without a "Cannot find module" line; mpmond, run with
# contrib/mpmond.conf (only its paths pointed into a scratch folder and its
# sink's port at that snmptrapd), sends mpmonAgentStart, decoded by name; and
# sshd's failed logins appended to the sample's auth.log source turn the SSH
# monitor red, which arrives as mpmonHealthStateChange and shows in
# `mpmon state --output text`.
. "$(dirname "$0")/lib.sh"
if ! command -v snmptrapd >/dev/null; then
	echo "1..0 # SKIP snmptrapd is not installed (make deps)"
	exit 0
fi
trapd=
trap 'if [ -n "$trapd" ]; then kill "$trapd"; wait "$trapd"; fi 2>/dev/null; cleanup' EXIT
# snmptrapd keeps its persistent files in the scratch folder, not in
# /var/lib/snmp, made as the snmp packages leave that (else its first start
# says "Created directory")
export SNMP_PERSISTENT_DIR="$T/persist"
mkdir -p "$T/persist/cert_indexes"

# The section's shell lines, from its heading to the next one.
sed -n '/^## Install and run$/,/^## /p' README.md >"$T/section"
conf_line=$(grep "^printf .*>/tmp/mpmon-trapd.conf\$" "$T/section")
trapd_line=$(grep '^sudo snmptrapd ' "$T/section")
[ -n "$conf_line" ] && [ -n "$trapd_line" ]
ok $? "the README gives the receiver's config and its snmptrapd command"
eval "$(echo "$conf_line" | sed "s|/tmp/mpmon-trapd.conf|$T/trapd.conf|")"

for try in 1 2 3 4 5; do
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
	cmd=$(echo "$trapd_line" | sed "s|^sudo ||; s|/tmp/mpmon-trapd.conf|$T/trapd.conf|;
		s|/usr/local/share/mpmon/mibs|$top/mibs|; s|udp:127.0.0.1:162\$|udp:127.0.0.1:$port|")
	# shellcheck disable=SC2086
	$cmd >"$T/trapd.out" 2>&1 &
	trapd=$!
	wait_for 5 grep -q 'NET-SNMP version' "$T/trapd.out" && break
	kill "$trapd" 2>/dev/null
	wait "$trapd" 2>/dev/null
	trapd=
done
[ -n "$trapd" ]
ok $? "the README's snmptrapd starts ($cmd)"
! grep -q 'Cannot find module' "$T/trapd.out"
ok $? "without a 'Cannot find module' line ($(grep -c 'Cannot find module' "$T/trapd.out") of them)"
[ "$(grep -vc 'NET-SNMP version' "$T/trapd.out")" = 0 ]
ok $? "it prints its banner only"
sed 's/^/#   trapd: /' "$T/trapd.out" | head -5
! grep -n -- '-M +\|-m +MPMON' README.md contrib/snmptrapd/snmptrapd.conf docs/man/* | sed 's/^/#   /' | grep .
ok $? "no snmptrapd command in the README, the sample or the man pages adds to the default MIBs (-M +, -m +)"

# The sample, its paths in $T
mkdir -p "$T/logs/mdm"
sed -e "s|^state_dir = /var/lib/mpmon\$|state_dir = $T/state|" \
	-e "s|^path = /usr/local/share/mpmon/packs\$|path = $top/mp-xml/packs|" \
	-e "s|^path = /var/log/mdm/\\*.jsonl\$|path = $T/logs/mdm/*.jsonl|" \
	-e "s|^path = /var/log/auth.log\$|path = $T/logs/auth.log|" \
	-e "s|^peer = udp:127.0.0.1:162\$|peer = udp:127.0.0.1:$port|" contrib/mpmond.conf >"$T/c.conf"
[ "$(diff contrib/mpmond.conf "$T/c.conf" | grep -c '^>')" = 5 ]
ok $? "the sample's five paths and port are where the README says"
: >"$T/logs/auth.log"
"$bin/mpmond" --config "$T/c.conf" --check-config >/dev/null 2>"$T/err"
ok $? "mpmond --check-config accepts it ($(head -1 "$T/err"))"
"$run_mpmond" "$bin/mpmond" --config "$T/c.conf" --foreground 2>>"$T/log" &
PID=$!
wait_for 10 test -f "$T/state/state.json"
ok $? "mpmond starts"
wait_for 10 grep -q 'mpmonAgentStart' "$T/trapd.out"
ok $? "snmptrapd prints mpmonAgentStart, decoded by name"

now=$(date -u +%Y-%m-%dT%H:%M:%S.000000+00:00)
for p in 40022 40023 40024 40025 40026; do
	echo "$now web01 sshd[1250]: Failed password for root from 203.0.113.9 port $p ssh2"
done >>"$T/logs/auth.log"
wait_for 10 grep -q 'mpmonMonitorId.0 = STRING: Mpmon.Linux.Essentials.SshAuthFailures' "$T/trapd.out"
ok $? "the failed logins arrive as the SSH monitor's change"
grep -A 12 'mpmonHealthStateChange' "$T/trapd.out" | grep -q 'mpmonNewState.0 = INTEGER: error'
ok $? "with mpmonNewState error"
"$bin/mpmon" state --state-dir "$T/state" --output text >"$T/state.txt" 2>&1
grep -Eq '^SSH Authentication Failures +web01 +203\.0\.113\.9 +Error +.* +open$' "$T/state.txt"
ok $? "mpmon state --output text shows it"
sed 's/^/#   /' "$T/state.txt"
grep -q 'rule Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule on web01: new alert' "$T/log"
ok $? "and mpmond logs the root-login rule's alert"
stop
ok $? "mpmond stops (exit 0)"
done_testing
