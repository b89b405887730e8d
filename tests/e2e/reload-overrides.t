#!/bin/sh
# SIGHUP applies changed overrides and a changed inventory: a monitor an
# override turned off runs once the override says so, another's alert takes
# its new severity, a computer added to a group gets the group's setting; a
# monitor whose definition did not change keeps its state across the reload.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/out" "$T/ovr"
"$run_mpmond" --give "$T/out"
overrides() {	# overrides SEVERITY BACKUP-ENABLED: Test.Job's alert severity, Test.Backup on or off
	cat >"$T/ovr/overrides.xml" <<EOF2
<ManagementPack SchemaVersion="2.0">
  <Manifest>
    <Identity><ID>Test.Reload.Overrides</ID><Version>1.0.0.0</Version></Identity>
    <References>
      <Reference Alias="Windows"><ID>Microsoft.Windows.Library</ID><Version>7.5.8501.0</Version></Reference>
      <Reference Alias="IG"><ID>Microsoft.SystemCenter.InstanceGroup.Library</ID><Version>7.5.8501.0</Version></Reference>
      <Reference Alias="C"><ID>Test.Collector</ID><Version>1.0.0.0</Version></Reference>
    </References>
  </Manifest>
  <TypeDefinitions><EntityTypes><ClassTypes>
    <ClassType ID="Test.Reload.Quiet" Accessibility="Public" Abstract="false" Base="IG!Microsoft.SystemCenter.InstanceGroup" Hosted="false" Singleton="true" />
  </ClassTypes></EntityTypes></TypeDefinitions>
  <Monitoring>
    <Overrides>
      <MonitorPropertyOverride ID="Test.Reload.JobSeverity" Context="Windows!Microsoft.Windows.Computer" Enforced="false" Monitor="C!Test.Job" Property="AlertSeverity">
        <Value>$1</Value>
      </MonitorPropertyOverride>
      <MonitorPropertyOverride ID="Test.Reload.Backup" Context="Windows!Microsoft.Windows.Computer" Enforced="false" Monitor="C!Test.Backup" Property="Enabled">
        <Value>$2</Value>
      </MonitorPropertyOverride>
      <MonitorPropertyOverride ID="Test.Reload.QuietJob" Context="Test.Reload.Quiet" Enforced="false" Monitor="C!Test.Job" Property="Enabled">
        <Value>false</Value>
      </MonitorPropertyOverride>
    </Overrides>
  </Monitoring>
</ManagementPack>
EOF2
}
inventory() {	# inventory MEMBER...: the group Test.Reload.Quiet with these computers
	{
		echo '<Inventory>'
		for c in web1 web2 web3; do echo "  <Computer Name=\"$c\" />"; done
		echo '  <Group ID="Test.Reload.Quiet">'
		for c in "$@"; do echo "    <Member Computer=\"$c\" />"; done
		echo '  </Group>'
		echo '</Inventory>'
	} >"$T/ovr/inventory.xml"
}
ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s","EventDescription":"job %s"}\n' "$3" "$1" "$2" "$1" >>"$T/logs/a.log"
}
bk() {	# bk HOST MINUTE: a failed backup
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","PublisherName":"backupd","EventLevel":2,"LoggingComputer":"%s","EventDescription":"backup failed"}\n' "$2" "$1" >>"$T/logs/a.log"
}
sev() {	# sev MONITOR HOST: the severity of its last record there
	M=$1 H=$2 perl -MJSON::PP -ne '$r = decode_json($_); $s = $r->{severity} if ($r->{monitor} // "") eq $ENV{M} && $r->{computer} eq $ENV{H}; END { print $s // "" }' "$T/out/records.jsonl" 2>/dev/null
}
reloads() { grep -c "reloaded $T/c.conf" "$T/log"; }

overrides Warning false
inventory web3
conf "
[sink out]
type = jsonl
path = $T/out/records.jsonl"
sed -i "s|^path = $top/tests/e2e/data/pack.xml|&\npath = $T/ovr/overrides.xml\ninventory = $T/ovr/inventory.xml|" "$T/c.conf"
ev 2 web1 1
bk web1 1
ev 2 web3 1
start
ok $? "mpmond starts with an override pack and an inventory"
wait_value 5 Error health Test.Job web1
ok $? "Test.Job fails on web1"
wait_value 5 Warning sev Test.Job web1 && [ -z "$(health Test.Backup web1)" ] && [ -z "$(health Test.Job web3)" ]
ok $? "its alert is a warning by the override; Test.Backup is off; Test.Job is off on web3, in the quiet group"
since=$(state_get 'join "", map { $_->{since} } grep { $_->{monitor} eq "Test.Job" && $_->{computer} eq "web1" } @{$s->{monitors}}')

overrides Error true
inventory web2
before=$(reloads)
kill -HUP "$PID"
wait_value 5 $((before + 1)) reloads
ok $? "SIGHUP reloads the changed overrides and inventory"
ev 2 web2 2
ev 2 web3 2
bk web1 2
wait_value 5 Error health Test.Backup web1
ok $? "Test.Backup, turned on by the changed override, runs"
wait_value 5 Error health Test.Job web3 && [ -z "$(health Test.Job web2)" ]
ok $? "Test.Job runs on web3, out of the quiet group now, and not on web2, in it"
wait_value 5 Error sev Test.Job web3
ok $? "and its alert takes the changed severity"
now=$(state_get 'join "", map { $_->{since} } grep { $_->{monitor} eq "Test.Job" && $_->{computer} eq "web1" } @{$s->{monitors}}')
[ "$(health Test.Job web1)" = Error ] && [ "$now" = "$since" ]
ok $? "Test.Job on web1 keeps its state across the reload (Error since $since)"
stop
ok $? "SIGTERM exits 0"
done_testing
