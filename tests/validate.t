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
	"61: warning: override 'Bad.Group' not applied: its context 'Some.Servers.Group' is a group, whose members need an inventory" \
	"64: warning: override 'Bad.Property' not applied: mpmon does not apply property 'Frobnicate'" \
	"70: warning: override 'Bad.Derived' not applied: its context 'Some.Web.Computer' is a class derived from the rule's target 'Windows!Microsoft.Windows.Computer'" \
	"73: warning: override 'Bad.Unrelated' applies to nothing: its context 'Microsoft.Windows.LogicalDisk' is neither the rule's target" \
	"76: warning: override 'Bad.Nowhere' not applied: its context 'Microsoft.Windows.NoSuchClass' is a class no loaded pack defines"; do
	if grep -q "^$f:$w" "$tmp/err"; then ok "overrides.xml:${w%%:*}: warned"; else not_ok "overrides.xml:${w%%:*}: warned"; fi
done

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
