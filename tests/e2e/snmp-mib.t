#!/bin/sh
# The MIB loads cleanly: smilint at its most pedantic level prints nothing, and
# net-snmp's parser resolves every object, notification and group MPMON-MIB
# defines, at the OID the code uses (collector/trap_oid.h), and every OID the
# code sends there has its name in the MIB. smilint always exits 0, so its
# output is what is checked. The base modules (SNMPv2-SMI, -TC, -CONF) are
# mpmon's own stand-ins in mibs/, as Debian ships none.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export SNMP_PERSISTENT_DIR="$tmp" SNMPCONFPATH="$tmp" SMIPATH="$PWD/mibs"
n=0
fail=0
check() {	# check NAME STATUS [details...]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fail=$((fail + 1))
	fi
}

for tool in smilint snmptranslate; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool is not installed (make deps)"
		exit 0
	fi
done

# 1. MPMON-MIB alone, its imports found through SMIPATH.
smilint -l 6 -s MPMON-MIB >"$tmp/lint" 2>&1
[ -s "$tmp/lint" ]
check "smilint -l 6 -s MPMON-MIB prints nothing" $((1 - $?))
sed 's/^/#   /' "$tmp/lint"

# 2. With the base modules preloaded, so they are linted too. libsmi knows the
# SMI's application types itself and flags any module that defines them, the
# RFC 2578 text included: those four messages, and only they, are ignored.
smilint -l 6 -s -i range-bounds -i range-exchanged -i identifier-basetype-redefined \
	-i type-without-format -p SNMPv2-SMI -p SNMPv2-TC -p SNMPv2-CONF MPMON-MIB \
	>"$tmp/lint-p" 2>&1
[ -s "$tmp/lint-p" ]
check "smilint -l 6 -s -p SNMPv2-SMI -p SNMPv2-TC -p SNMPv2-CONF MPMON-MIB prints nothing" $((1 - $?))
sed 's/^/#   /' "$tmp/lint-p"

# 3. Every name the MIB defines resolves with net-snmp's own parser, under the
# root the code sends (collector/trap_oid.h).
root=$(sed -n 's/^#define[[:space:]]*TRAP_OID_ROOT_TEXT[[:space:]]*"\(.*\)"$/\1/p' collector/trap_oid.h)
[ -n "$root" ]
check "collector/trap_oid.h names the enterprise root" $?
names=$(sed -n 's/^\(mpmon[A-Za-z0-9]*\) *\(OBJECT-TYPE\|NOTIFICATION-TYPE\|OBJECT-GROUP\|NOTIFICATION-GROUP\|MODULE-COMPLIANCE\|MODULE-IDENTITY\|OBJECT IDENTIFIER\).*/\1/p' mibs/MPMON-MIB.txt)
count=$(echo "$names" | wc -w)
[ "$count" -ge 30 ]
check "the MIB defines at least 30 names (got $count)" $?
for name in $names; do
	oid=$(snmptranslate -M mibs -m MPMON-MIB -On "MPMON-MIB::$name" 2>"$tmp/err")
	case $oid in
	".$root"|".$root".*) status=0 ;;
	*) status=1; echo "#   $name: got '$oid'"; sed 's/^/#   /' "$tmp/err" ;;
	esac
	check "snmptranslate resolves $name under .$root" $status
done

# 4. And back: the notifications' OIDs translate to their names.
for pair in 0.1:mpmonHealthStateChange 0.2:mpmonAlertResolved 0.3:mpmonAgentStart \
	0.4:mpmonAgentHeartbeat 0.5:mpmonStormSummary 0.6:mpmonActionResult 0.7:mpmonRuleAlert \
	0.8:mpmonRollupChange 1.15:mpmonSeq 1.30:mpmonActionChangeSeq 1.31:mpmonRuleId \
	1.32:mpmonRepeatCount 1.33:mpmonRollupMonitorId 1.34:mpmonAlertChange 1.35:mpmonAlertName; do
	got=$(snmptranslate -M mibs -m MPMON-MIB ".$root.${pair%%:*}" 2>&1)
	[ "$got" = "MPMON-MIB::${pair#*:}" ]
	check "snmptranslate .$root.${pair%%:*} is ${pair#*:} (got $got)" $?
done

# 5. Every notification and object the code puts on the wire is defined: each
# TRAP_N_* and TRAP_O_* of collector/trap_oid.h translates to the MIB name its
# own name spells (TRAP_O_REPEAT_COUNT = 32: .1.32 is mpmonRepeatCount).
sed -n 's/^[[:space:]]*TRAP_\([NO]\)_\([A-Z0-9_]*\) = \([0-9]*\),.*/\1 \2 \3/p' collector/trap_oid.h \
	>"$tmp/code-oids"
count=$(wc -l <"$tmp/code-oids")
[ "$count" -ge 40 ]
check "collector/trap_oid.h lists at least 40 notifications and objects (got $count)" $?
while read -r arc words num; do
	want=mpmon$(printf %s "$words" | tr 'A-Z' 'a-z' | sed 's/\(^\|_\)\([a-z]\)/\U\2/g')
	[ "$arc" = N ] && arc=0 || arc=1
	got=$(snmptranslate -M mibs -m MPMON-MIB ".$root.$arc.$num" 2>&1)
	[ "$got" = "MPMON-MIB::$want" ]
	check "the code's .$arc.$num is $want in the MIB (got $got)" $?
done <"$tmp/code-oids"

echo "1..$n"
[ "$fail" = 0 ]
