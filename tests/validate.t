#!/bin/sh
# mpmon validate on bad packs: each problem is a FILE:LINE: error on stderr, exit 1,
# promptly (timeout guards against hangs such as entity expansion), and nothing
# outside the pack is read.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=$((fail + 1)); }

# case FILE LINE PATTERN: exit 1 and an error at FILE:LINE matching PATTERN
check() {
	file=tests/data/bad/$1
	timeout 5 "$bin/mpmon" validate "$file" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" = 1 ] && grep -q "^$file:$2: $3" "$tmp/err"; then
		ok "$1: error at line $2"
	else
		not_ok "$1: error at line $2"
		echo "#   want exit 1 and '$file:$2: $3'"
		echo "#   got exit $status:"
		sed 's/^/#   /' "$tmp/err" | head -5
	fi
	if grep -q 'root:' "$tmp/out" "$tmp/err"; then
		not_ok "$1: nothing outside the pack was read"
	else
		ok "$1: nothing outside the pack was read"
	fi
}

check malformed.xml 11 'malformed xml'
check unknown-alias.xml 17 "monitor 'Bad.Monitor': type 'Win!Microsoft.Windows.2SingleEventLog2StateMonitorType' resolves nowhere"
check unknown-type.xml 17 "monitor 'Bad.Monitor': type 'Contoso.NoSuch.MonitorType' resolves nowhere"
check entity-bomb.xml 2 'document type declarations are not allowed'
check external-entity.xml 2 'document type declarations are not allowed'
check wrong-root.xml 2 ".*'Policy'"
# Every alias and element reference resolves, as SCOM's import demands.
check references.xml 21 "monitor 'Bad.Parent': parent monitor 'SystemHealth!System.Health.AvailabilityState' resolves nowhere: alias 'SystemHealth' is not declared in References"
check references.xml 40 "rule 'Bad.DataSource': data source 'Win!Microsoft.Windows.EventProvider' resolves nowhere: alias 'Win' is not declared in References"
check references.xml 49 "rule 'Bad.DataSource': \$MPElement name 'Bad.NoSuch.Message' resolves nowhere: this pack defines no 'Bad.NoSuch.Message'"
check references.xml 62 "rule 'Bad.WriteAction': write action 'SystemHealth!System.Health.GenerateAlert' resolves nowhere"
# Missing display strings are warnings: the alert would have no name.
check references.xml 21 "warning: monitor 'Bad.Parent' has no display string; it is shown by its ID"
check references.xml 23 "warning: monitor 'Bad.Parent': alert message 'Bad.Parent.Message' has no display string; its alerts have an empty name and text"
if grep -q '2 rules: 0 run, 0 off in the pack, 2 disabled' "$tmp/out"; then
	ok "rules whose modules resolve nowhere do not run"
else
	not_ok "rules whose modules resolve nowhere do not run"
	sed 's/^/#   /' "$tmp/out"
fi

# A Configuration element the type does not take is named at its own line.
check misspelt-element.xml 23 "monitor 'Bad.Timer': type 'Windows!Microsoft.Windows.SingleEventLogTimer2StateMonitorType' takes no configuration element 'TimerWaitInSecond'; did you mean 'TimerWaitInSeconds'?"
check misspelt-element.xml 19 "monitor 'Bad.Timer': configuration lacks 'TimerWaitInSeconds'"
check overrides.xml 67 "override 'Bad.Value': Enabled 'maybe' is not true or false"
# overrides mpmon cannot apply are said at their lines, never dropped silently
f=tests/data/bad/overrides.xml
"$bin/mpmon" validate "$f" >/dev/null 2>"$tmp/err"
for w in "58: warning: override 'Bad.Instance' not applied: it is for one instance" \
	"61: warning: override 'Bad.Group' not applied: its context 'Some.Servers.Group' is a group and there is no inventory to list its members" \
	"64: warning: override 'Bad.Property' not applied: mpmon does not apply property 'Frobnicate'" \
	"70: warning: override 'Bad.Derived' not applied: its context 'Some.Web.Computer' is a class derived from the rule's target 'Windows!Microsoft.Windows.Computer'" \
	"73: warning: override 'Bad.Unrelated' applies to nothing: its context 'Microsoft.Windows.LogicalDisk' is neither the rule's target" \
	"76: warning: override 'Bad.Nowhere' not applied: its context 'Microsoft.Windows.NoSuchClass' is a class no loaded pack defines"; do
	if grep -q "^$f:$w" "$tmp/err"; then ok "overrides.xml:${w%%:*}: warned"; else not_ok "overrides.xml:${w%%:*}: warned"; fi
done

# An inventory's mistakes, each at its line; validate fails on them.
f=tests/data/bad/inventory.xml
"$bin/mpmon" validate --inventory "$f" tests/data/bad/overrides-groups.xml >/dev/null 2>"$tmp/err"
status=$?
for w in "3: MissedHeartbeats must be a whole number from 1 to 1000, not 'many'" \
	"4: Instance 'not-a-guid' is not a GUID" \
	"6: Instance '{0B6E4C52-8A3E-4F0A-9C1D-2E7F5A9B3C41}' is computer 'web2' already" \
	"7: Group needs an ID: the group's class ID, without an alias" \
	"9: Member needs Computer, a computer of the inventory ('web9' is not)" \
	"10: Group holds Member elements, not 'Computer'"; do
	if [ "$status" = 1 ] && grep -qF "$f:$w" "$tmp/err"; then ok "inventory.xml:${w%%:*}: error"; else not_ok "inventory.xml:${w%%:*}: error (exit $status)"; fi
done
# Group and instance overrides: applied with an inventory, said without one,
# and two groups that disagree on a computer in both are a warning.
f=tests/data/bad/overrides-groups.xml
"$bin/mpmon" validate "$f" >/dev/null 2>"$tmp/err"
if grep -q "^$f:64: warning: override 'Bad.Groups.WebOff' not applied: its context 'Bad.Groups.Web' is a group and there is no inventory" "$tmp/err" &&
	grep -q "^$f:73: warning: override 'Bad.Groups.NoSuchInstance' not applied: it is for one instance (ContextInstance '11111111-2222-3333-4444-555555555555'), and there is no inventory" "$tmp/err"; then
	ok "without an inventory, group and instance overrides are warned about"
else
	not_ok "without an inventory, group and instance overrides are warned about"
fi
"$bin/mpmon" validate -v --inventory tests/data/bad/inventory-groups.xml "$f" >"$tmp/out" 2>"$tmp/err"
status=$?
for w in "64: note: override 'Bad.Groups.WebOff' sets Enabled of rule 'Bad.Groups.Rule' to false on the 2 computers of group 'Bad.Groups.Web'" \
	"67: warning: override 'Bad.Groups.FrontendOn' and override 'Bad.Groups.WebOff' ($f:64) set Enabled of rule 'Bad.Groups.Rule' to true and false on computer 'web1', which is in both groups: SCOM calls the result unpredictable" \
	"38: warning: discovery 'Bad.Groups.Unlisted.Discovery': mpmon does not evaluate DayOfWeekExpression in a membership rule of group 'Bad.Groups.Unlisted': the rule takes no members" \
	"70: note: override 'Bad.Groups.UnlistedOff' sets Enabled of rule 'Bad.Groups.Rule' to false on the 0 computers of group 'Bad.Groups.Unlisted'" \
	"73: warning: override 'Bad.Groups.NoSuchInstance' not applied: ContextInstance '11111111-2222-3333-4444-555555555555' is no group or computer of the inventory" \
	"76: warning: override 'Bad.Groups.Nowhere' not applied: its context 'Microsoft.SystemCenter.InstanceGroup' is a group the inventory does not list"; do
	if [ "$status" = 0 ] && grep -qF "$f:$w" "$tmp/err"; then ok "overrides-groups.xml:${w%%:*}: said"; else not_ok "overrides-groups.xml:${w%%:*}: said (exit $status)"; fi
done
grep -q "^tests/data/bad/inventory-groups.xml: inventory: 2 computers$" "$tmp/out"
if [ $? = 0 ]; then ok "validate --inventory summarises the inventory"; else not_ok "validate --inventory summarises the inventory"; fi
# Expressions comparing with a property of each target object would never
# match: said at the value's line, the monitor and the rule stay disabled.
f=tests/data/bad/target-value.xml
"$bin/mpmon" validate "$f" >"$tmp/out" 2>"$tmp/err"
if grep -q "^$f:55: warning: monitor 'Bad.TargetValue.Monitor' compares with '\$Target/Property\[Type=\"Bad.TargetValue.Share\"\]/Path\$', a property of each target object that mpmon does not know: it would never match, so it stays disabled" "$tmp/err" &&
	grep -q "^$f:30: warning: rule 'Bad.TargetValue.Rule' compares with" "$tmp/err" &&
	grep -q "1 monitors: 0 run, 0 off in the pack, 1 disabled; .* 1 rules: 0 run, 0 off in the pack, 1 disabled" "$tmp/out"; then
	ok "a \$Target value in an expression: warned at its line, the monitor and the rule disabled"
else
	not_ok "a \$Target value in an expression: warned at its line, the monitor and the rule disabled"
	sed 's/^/#   /' "$tmp/out" "$tmp/err"
fi

# --scom: what SCOM's import would refuse, each an error at its line; a pack of
# SCOM's own types only passes.
f=mp-xml/packs/Mpmon.Linux.Essentials.xml
"$bin/mpmon" validate --scom "$f" >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" = 1 ] && grep -q "^$f:[0-9]*: SCOM would refuse monitor 'Mpmon.Linux.Essentials.SshAuthFailures': type 'Mpmon.EventRatio2StateMonitorType' is mpmon's own" "$tmp/err" &&
	grep -q "^$f:[0-9]*: SCOM would refuse monitor 'Mpmon.Linux.Essentials.UnitFailed': 'InstanceField' is mpmon's, not in the configuration schema of type 'Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType'" "$tmp/err"; then
	ok "--scom: mpmon's own type and InstanceField are errors SCOM would refuse"
else
	not_ok "--scom: mpmon's own type and InstanceField are errors SCOM would refuse (exit $status)"
	sed 's/^/#   /' "$tmp/err" | head -4
fi
"$bin/mpmon" validate --scom mp-xml/packs/Mpmon.MDM.WipeServiceDriver.xml >/dev/null 2>"$tmp/err"
if [ $? = 0 ] && [ ! -s "$tmp/err" ]; then
	ok "--scom: the seed's verbatim pack passes"
else
	not_ok "--scom: the seed's verbatim pack passes"
fi
"$bin/mpmon" validate mp-xml/packs/Mpmon.Linux.Essentials.xml >/dev/null 2>&1
if [ $? = 0 ]; then ok "without --scom the same pack validates"; else not_ok "without --scom the same pack validates"; fi

# --effective: a monitor's settings once overrides are applied, each with
# where it came from, then a computer's where they differ.
g=tests/data/overrides-group
"$bin/mpmon" validate --inventory $g/inventory.xml --effective Test.Job tests/e2e/data/pack.xml \
	tests/data/overrides/pack.xml $g/overrides.xml >"$tmp/out" 2>/dev/null
status=$?
if [ "$status" = 0 ] && grep -q "^monitor Test.Job (tests/e2e/data/pack.xml:16)$" "$tmp/out" &&
	grep -q "^  Enabled  *false  *override 'Test.Grp.Job.Off' ($g/overrides.xml:66)$" "$tmp/out" &&
	grep -q "^  AlertSeverity  *Error  *the pack (tests/e2e/data/pack.xml:16)$" "$tmp/out" &&
	grep -q "^  FirstLogName  *System  *the pack (tests/e2e/data/pack.xml:33)$" "$tmp/out" &&
	perl -0ne 'exit !/^on computer web2:\n  Enabled +true +override .Test.Grp.Job.OnForWeb. \(\S+:63\), for group .Test.Grp.WebServers.\n  AlertSeverity +Warning +override .Test.Grp.Job.Web2Warning. \(\S+:69\)$/m' "$tmp/out" &&
	! grep -q "^on computer db1" "$tmp/out"; then
	ok "--effective: each setting of Test.Job with its origin, and web2's own"
else
	not_ok "--effective: each setting of Test.Job with its origin, and web2's own (exit $status)"
	sed 's/^/#   /' "$tmp/out" | grep -v ': [0-9]* monitors'
fi
c=tests/data/overrides-config
"$bin/mpmon" validate --effective Test.Heartbeat tests/data/missing-event/pack.xml $c/overrides.xml >"$tmp/out" 2>"$tmp/err"
if grep -q "^  IntervalSeconds  *120  *override 'Test.Cfg.Heartbeat.Interval' ($c/overrides.xml:15)$" "$tmp/out" &&
	grep -q "^  LogName  *Heartbeat  *the pack (tests/data/missing-event/pack.xml:" "$tmp/out" &&
	grep -q "^$c/overrides.xml:18: warning: override 'Test.Cfg.Heartbeat.Log' not applied: type 'Mpmon.MissingEvent2StateMonitorType' of monitor 'Test.Heartbeat' declares no overridable parameter 'LogName'" "$tmp/err"; then
	ok "--effective: a configuration override of an overridable parameter, and one of a parameter that is not, warned about"
else
	not_ok "--effective: a configuration override of an overridable parameter, and one of a parameter that is not, warned about"
	sed 's/^/#   /' "$tmp/out" "$tmp/err" | grep -v ' monitors: ' | head -20
fi
"$bin/mpmon" validate --effective No.Such tests/e2e/data/pack.xml >/dev/null 2>"$tmp/err"
if [ $? = 1 ] && grep -q "no pack given has a monitor or rule 'No.Such'" "$tmp/err"; then
	ok "--effective of an element no pack has: exit 1, saying so"
else
	not_ok "--effective of an element no pack has: exit 1, saying so"
fi

# The corpus's own group overrides, with an inventory that lists their groups:
# MECM's for a group class of its own, the DNS addendum's by the group's GUID.
. tests/corpus-lib.sh
if ! corpus_missing "group overrides of the corpus"; then
	cat >"$tmp/inv.xml" <<'EOF2'
<Inventory>
  <Computer Name="sql01.contoso.com" />
  <Group ID="MECM.SiteDatabaseComputers.Group"><Member Computer="sql01.contoso.com" /></Group>
  <Group ID="Windows.DNS.Zone.Root.Domain.Controllers.Group" Instance="5b97f662-96ef-1f3e-1784-18cfe1fe811d">
    <Member Computer="sql01.contoso.com" />
  </Group>
</Inventory>
EOF2
	m=$corpus/teamwallride-Management-Packs__MECM.xml
	a=$corpus/DNSAddendumAgnostic__Microsoft.Windows.Server.DNS.Monitoring.Addendum.xml
	"$bin/mpmon" validate -v --inventory "$tmp/inv.xml" "$m" "$a" >"$tmp/out" 2>"$tmp/err"
	if grep -qF "$m:16778: note: override 'MECM.ComponentServer.SMSEXEC.Service.Monitor.For.MECM.SiteDatabaseComputers.Group.Override' sets Enabled of monitor 'MECM.ComponentServer.SMSEXEC.Service.Monitor' to false on the 1 computer of group 'MECM.SiteDatabaseComputers.Group'" "$tmp/err"; then
		ok "MECM's group override applies to the inventory's members of its group"
	else
		not_ok "MECM's group override applies to the inventory's members of its group"
		grep 16778 "$tmp/err" | sed 's/^/#   /'
	fi
	s=$corpus/2016ServerAgnostic__Microsoft.Windows.Server.Operating.System.2016.Monitoring.Addendum.xml
	"$bin/mpmon" validate -v "$s" "$a" >/dev/null 2>"$tmp/err2"
	if grep -qF "$s:8241: note: override 'Override.Frequency.Microsoft.Windows.Server.10.0.Processor.CPUUtilization' not applied: pack 'Microsoft.Windows.Server.2016.Monitoring' of monitor 'Microsoft.Windows.Server.10.0.Processor.CPUUtilization' is not loaded" "$tmp/err2" &&
		grep -qF "$a:4507: warning: DiscoveryPropertyOverride 'Override.Microsoft.Windows.DNSServer.2016.Server.Property.Discovery' not applied: mpmon applies no overrides to discoveries" "$tmp/err2"; then
		ok "the corpus's configuration and discovery overrides are read and said at their lines, not dropped"
	else
		not_ok "the corpus's configuration and discovery overrides are read and said at their lines, not dropped"
	fi
	# group populators over the inventory: a regular expression on the
	# principal name (DNS), computers hosting a class (MECM)
	cat >"$tmp/pop.xml" <<'EOF2'
<Inventory>
  <Computer Name="belva1hephub001.contoso.com"><Object Class="Microsoft.Windows.DNSServer.2016.Server" /></Computer>
  <Computer Name="dc02.contoso.com"><Object Class="Microsoft.Windows.DNSServer.2016.Server" /></Computer>
  <Computer Name="cas01.contoso.com"><Object Class="MECM.CentralSite" /></Computer>
</Inventory>
EOF2
	"$bin/mpmon" validate -v --inventory "$tmp/pop.xml" "$a" "$m" >/dev/null 2>"$tmp/err3"
	if grep -qF "$a:2539: note: discovery 'Windows.DNS.Root.Domain.Controllers.Group.DiscoveryRule' puts 1 computer of the inventory in group 'Windows.DNS.Root.Domain.Controllers.Group'" "$tmp/err3" &&
		grep -qF "$m:5373: note: discovery 'MECM.CentralSiteComputers.Group.Discovery' puts 1 computer of the inventory in group 'MECM.CentralSiteComputers.Group'" "$tmp/err3" &&
		! grep -q 'does not evaluate' "$tmp/err3"; then
		ok "the corpus's group populators are evaluated over the inventory"
	else
		not_ok "the corpus's group populators are evaluated over the inventory"
		grep "discovery '" "$tmp/err3" | head -4 | sed 's/^/#   /'
	fi
	if grep -qF "$a:4645: note: override 'Override.Group.Microsoft.Windows.DNSServer.2016.Zone.NSLookup' not applied: pack 'Microsoft.Windows.DNSServer.2016' of monitor 'Microsoft.Windows.DNSServer.2016.Zone.NSLookup' is not loaded (its ContextInstance is group 'Windows.DNS.Zone.Root.Domain.Controllers.Group' of the inventory, 1 computer)" "$tmp/err"; then
		ok "the DNS addendum's override by group GUID is found in the inventory"
	else
		not_ok "the DNS addendum's override by group GUID is found in the inventory"
		grep 4645 "$tmp/err" | sed 's/^/#   /'
	fi
fi

# Types defined nowhere: an Mpmon. type mpmon lacks is an error on its own; one
# through the alias of a pack is an error once that pack is validated with it.
check type-user.xml 29 "monitor 'Bad.User.Own': type 'Mpmon.Heartbeat2StateMonitorType' resolves nowhere"
check type-user.xml 25 "warning: monitor 'Bad.User.Gone': type 'Lib!Bad.Library.Gone' is defined in pack 'Bad.Library', which is not loaded"
lib=tests/data/bad/type-library.xml
user=tests/data/bad/type-user.xml
# together [FILE LINE PATTERN]...: validate the library and the user pack together
together() {
	timeout 5 "$bin/mpmon" validate "$lib" "$user" >"$tmp/out" 2>"$tmp/err"
	status=$?
	while [ $# -gt 0 ]; do
		if [ "$status" = 1 ] && grep -q "^$1:$2: $3" "$tmp/err"; then
			ok "with the library: $1:$2"
		else
			not_ok "with the library: $1:$2 (exit $status)"
			echo "#   want '$1:$2: $3'"
			sed 's/^/#   /' "$tmp/err" | head -8
		fi
		shift 3
	done
}
together "$user" 25 "monitor 'Bad.User.Gone': type 'Lib!Bad.Library.Gone' resolves nowhere: pack 'Bad.Library' ($lib) defines no 'Bad.Library.Gone'" \
	"$user" 38 "rule 'Bad.User.Rule': data source 'Lib!Bad.Library.Pulse' resolves nowhere: pack 'Bad.Library' ($lib) defines no 'Bad.Library.Pulse'" \
	"$user" 17 "warning: monitor 'Bad.User.Beat': type 'Lib!Bad.Library.Beat' is composed in pack 'Bad.Library'"

# Warnings alone: exit 0; --strict makes them errors (exit 1, no "warning:").
# warned LINE PATTERN: warnings.xml has the warning at LINE, and --strict the error
warned() {
	file=tests/data/bad/warnings.xml
	timeout 5 "$bin/mpmon" validate "$file" >"$tmp/out" 2>"$tmp/err"
	status=$?
	timeout 5 "$bin/mpmon" validate --strict "$file" >"$tmp/out" 2>"$tmp/strict"
	strict=$?
	if [ "$status" = 0 ] && grep -q "^$file:$1: warning: $2" "$tmp/err" &&
	   [ "$strict" = 1 ] && grep -q "^$file:$1: $2" "$tmp/strict"; then
		ok "warnings.xml: warning at line $1, an error with --strict"
	else
		not_ok "warnings.xml: warning at line $1, an error with --strict"
		echo "#   want exit 0 and '$file:$1: warning: $2'; --strict: exit 1, an error"
		echo "#   got exit $status and $strict:"
		sed 's/^/#   /' "$tmp/err" "$tmp/strict" | head -8
	fi
}
warned 16 "monitor 'Bad.Warnings.Typo' has no display string; it is shown by its ID"
warned 26 "monitor 'Bad.Warnings.Typo': no input format gives a field 'EventDescripton'; did you mean 'EventDescription'?"
warned 44 "rule 'Bad.Warnings.Backtrack': regular expression '^user (\\\\w+\\\\s?)+ locked\\$' repeats a group that repeats (at offset 6)"
if grep -q '3 errors, 0 warnings' "$tmp/out"; then
	ok "--strict counts the warnings as errors"
else
	not_ok "--strict counts the warnings as errors"
	sed 's/^/#   /' "$tmp/out"
fi

# A missing file names itself.
"$bin/mpmon" validate tests/data/bad/no-such-pack.xml >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" = 1 ] && grep -q '^tests/data/bad/no-such-pack.xml: cannot read pack: No such file' "$tmp/err"; then
	ok "missing pack file"
else
	not_ok "missing pack file"
	sed 's/^/#   /' "$tmp/err"
fi

# replay refuses bad packs and says why.
"$bin/mpmon" replay --mp tests/data/bad/unknown-type.xml --input /dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 2 ] && grep -q 'not replaying' "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok "replay refuses a pack with errors"
else
	not_ok "replay refuses a pack with errors (exit $status)"
fi

# The shipped packs validate without a warning, --strict or not.
"$bin/mpmon" validate --strict mp-xml/packs/*.xml >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 0 ] && [ ! -s "$tmp/err" ]; then
	ok "shipped packs validate cleanly"
else
	not_ok "shipped packs validate cleanly (exit $status)"
	sed 's/^/#   /' "$tmp/err" | head
fi

echo "1..$n"
[ "$fail" = 0 ]
