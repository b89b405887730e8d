#!/bin/sh
# An inventory of three computers for a running mpmond (clock = event, a
# heartbeat of 1 s with 2 missed allowed): web3 never reports and raises a
# heartbeat failure; web2 goes silent, so what runs on it is not monitored
# (check_mpmon says UNKNOWN, not OK), and reports again, which resolves it.
# A bad inventory is an error at its line for --check-config.
. "$(dirname "$0")/lib.sh"

cat >"$T/inventory.xml" <<'EOF2'
<Inventory HeartbeatIntervalSeconds="1" MissedHeartbeats="2">
  <Computer Name="web1" />
  <Computer Name="web2" />
  <Computer Name="web3" />
</Inventory>
EOF2
conf
sed -i "s|^path = $top/tests/e2e/data/pack.xml|&\ninventory = $T/inventory.xml|" "$T/c.conf"
ev() {	# ev NUMBER HOST SECOND
	printf '{"TimeGenerated":"2026-11-20T10:00:%02dZ","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"job %s"}\n' "$3" "$1" "$2" "$1" >>"$T/logs/a.log"
}
hb() {	# hb COMPUTER: the heartbeat's health there
	state_get 'join "", map { $_->{health} } grep { $_->{monitor} eq "Mpmon.Inventory.Heartbeat" && $_->{computer} eq "'"$1"'" } @{$s->{monitors}}'
}
monitored() {	# monitored MONITOR COMPUTER: "1" or "0"
	state_get 'join "", map { $_->{monitored} ? 1 : 0 } grep { $_->{monitor} eq "'"$1"'" && $_->{computer} eq "'"$2"'" } @{$s->{monitors}}'
}
"$bin/mpmond" --config "$T/c.conf" --check-config >"$T/check" 2>&1
ok $? "--check-config accepts the inventory ($(tail -1 "$T/check"))"
ev 1 web1 0
ev 1 web2 0
start
ok $? "mpmond starts with an inventory"
ev 1 web1 1
ev 1 web1 2
ev 1 web1 3
wait_value 5 Error hb web3 && [ "$(hb web2)" = Error ] && [ "$(hb web1)" = Success ]
ok $? "after 2 s without a line web3 (never heard) and web2 (silent since 0 s) fail their heartbeat; web1 does not"
grep -q 'Mpmon.Inventory.Heartbeat on web3: Uninitialized -> Error: Nothing arrived from web3 for 2 s (2 heartbeats of 1 s missed)' "$T/log"
ok $? "the log names the heartbeat failure of web3 with its alert message"
[ "$(monitored Test.Job web2)" = 0 ] && [ "$(monitored Test.Job web1)" = 1 ] &&
	[ "$(monitored Mpmon.Inventory.Heartbeat web2)" = 1 ]
ok $? "state.json: web2's Test.Job is not monitored, web1's is, the heartbeat itself is"
"$bin/check_mpmon" --state-dir "$T/state" -m Test.Job -C web2 >"$T/chk"
st=$?
[ $st = 3 ] && grep -q '^MPMON UNKNOWN - Test.Job on web2 is not monitored (last known Success): no heartbeat from web2 |' "$T/chk" &&
	grep -q "'unmonitored'=1;;;0;" "$T/chk"
ok $? "check_mpmon -m Test.Job -C web2: UNKNOWN, not OK, with the last health known (exit $st: $(head -1 "$T/chk"))"
"$bin/mpmon" state --state-dir "$T/state" --output text >"$T/text" 2>&1
grep -Eq '^Test.Job +web2 +web2 +not monitored \(Success\) ' "$T/text" &&
	grep -Eq '^Health Service Heartbeat +web3 +- +Error .* open$' "$T/text"
ok $? "mpmon state --output text: web2's Test.Job not monitored, web3's heartbeat failure with its alert open"
sed 's/^/#   /' "$T/text"
"$bin/check_mpmon" --state-dir "$T/state" -m Mpmon.Inventory.Heartbeat -C web3 >"$T/chk"
st=$?
[ $st = 2 ] && grep -q '^MPMON CRITICAL - Mpmon.Inventory.Heartbeat on web3 is Error: Nothing arrived from web3' "$T/chk"
ok $? "check_mpmon -m Mpmon.Inventory.Heartbeat -C web3: CRITICAL (exit $st: $(head -1 "$T/chk"))"
ev 2 web2 4
wait_value 5 Success hb web2 && wait_value 5 1 monitored Test.Job web2
ok $? "web2 reports again: its heartbeat is healthy and its Test.Job monitored"
grep -q 'Mpmon.Inventory.Heartbeat on web2: Error -> Success: alert resolved: Health Service Heartbeat Failure' "$T/log"
ok $? "the heartbeat failure's alert is resolved"
"$bin/check_mpmon" --state-dir "$T/state" -m Test.Job -C web2 >"$T/chk"
st=$?
[ $st = 2 ] && grep -q '^MPMON CRITICAL - Test.Job on web2 is Error' "$T/chk"
ok $? "and check_mpmon sees web2's new failure (exit $st: $(head -1 "$T/chk"))"
stop
ok $? "SIGTERM exits 0"

# A bad inventory: each problem at its line; mpmond does not start on it.
cat >"$T/inventory.xml" <<'EOF2'
<Inventory HeartbeatIntervalSeconds="0">
  <Computer Name="web1" />
  <Computer Name="web1" />
  <Host Name="web2" />
</Inventory>
EOF2
"$bin/mpmond" --config "$T/c.conf" --check-config >"$T/check" 2>&1
st=$?
[ $st != 0 ] &&
	grep -q "^$T/inventory.xml:1: HeartbeatIntervalSeconds must be a whole number from 1 to 86400, not '0'" "$T/check" &&
	grep -q "^$T/inventory.xml:3: computer 'web1' is listed twice" "$T/check" &&
	grep -q "^$T/inventory.xml:4: Inventory holds Computer and Group elements, not 'Host'" "$T/check"
ok $? "--check-config: a bad inventory's errors at their lines (exit $st)"
sed 's/^/#   /' "$T/check" | head -8
rm "$T/inventory.xml"
"$bin/mpmond" --config "$T/c.conf" --check-config >"$T/check" 2>&1
st=$?
[ $st != 0 ] && grep -q "^$T/inventory.xml: cannot read inventory: " "$T/check"
ok $? "--check-config: an inventory that is not there is an error naming it (exit $st)"
done_testing
