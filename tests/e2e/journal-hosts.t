#!/bin/sh
# One mpmond over a systemd-journal-remote folder with three hosts, and a pack
# as SCOM packs are written: a monitor targeted at the computer class with no
# InstanceField. Each host (_HOSTNAME) gets its own health; one host's recovery
# resolves its own failure only; check_mpmon -C asks for one host.
. "$(dirname "$0")/lib.sh"

jr=/lib/systemd/systemd-journal-remote
if [ ! -x $jr ]; then
	echo "1..0 # SKIP systemd-journal-remote not installed (make deps)"
	exit 0
fi
grep -v '<InstanceField>' "$top/tests/e2e/data/pack.xml" >"$T/pack.xml"
! grep -q InstanceField "$T/pack.xml"
ok $? "the pack has no InstanceField"
conf "[source journal]
type = journal
path = $T/jr
start = beginning
log_name = System"
sed -i "s|^path = $top/tests/e2e/data/pack.xml|path = $T/pack.xml|" "$T/c.conf"
mkdir -p "$T/jr"
base=$(date +%s%6N)
k=0
entries() {	# entries HOST PRIORITY...: append one backupd entry per priority to remote-HOST.journal
	host=$1
	shift
	for p in "$@"; do
		k=$((k + 1))
		printf '__REALTIME_TIMESTAMP=%s\n_HOSTNAME=%s\nSYSLOG_IDENTIFIER=backupd\nPRIORITY=%s\nMESSAGE=backup %s\n\n' \
			$((base + k * 1000)) "$host" "$p" "$k" >>"$T/export"
	done
	$jr --output="$T/jr/remote-$host.journal" - <"$T/export" 2>"$T/jr.err"
	chmod 644 "$T/jr/remote-$host.journal"	# mpmond runs as nobody here
	rm -f "$T/export"
	grep -q "writing $# entries" "$T/jr.err"
}

entries hosta 6 3 && entries hostb 6 && entries hostc 3
ok $? "systemd-journal-remote wrote three hosts' journals"
start
wait_health_on() { wait_value 5 "$3" health_on "$1" "$2"; }
wait_health_on Test.Backup hosta Error && wait_health_on Test.Backup hostb Success &&
	wait_health_on Test.Backup hostc Error
ok $? "one health per host without InstanceField (hosta Error, hostb Success, hostc Error)"
n=$(state_get 'scalar(grep { $_->{monitor} eq "Test.Backup" } @{$s->{monitors}}) . ""')
[ "$n" = 3 ]
ok $? "three instances of Test.Backup, one per host ($n)"
entries hostb 6
wait_value 5 5 state_get '$s->{sources}[1]{records}' &&
	[ "$(health_on Test.Backup hosta)" = Error ] && [ "$(health_on Test.Backup hostc)" = Error ]
ok $? "a good entry from hostb resolves nothing on hosta or hostc"
entries hosta 6
wait_health_on Test.Backup hosta Success && [ "$(health_on Test.Backup hostc)" = Error ]
ok $? "hosta's own recovery resolves hosta only"
grep -q '#[0-9]* Test.Backup on hostc: Uninitialized -> Error' "$T/log"
ok $? "mpmond's log names the computer"
"$bin/check_mpmon" --state-dir "$T/state" -m Test.Backup -C hostc >"$T/chk"
st=$?
[ $st = 2 ] && grep -q '^MPMON CRITICAL - Test.Backup on hostc is Error' "$T/chk"
ok $? "check_mpmon -m Test.Backup -C hostc: CRITICAL (exit $st: $(head -1 "$T/chk"))"
"$bin/check_mpmon" --state-dir "$T/state" -m System.Health.EntityState -C hosta >"$T/chk"
st=$?
[ $st = 0 ] && grep -q '^MPMON OK - System.Health.EntityState on hosta is Success' "$T/chk"
ok $? "check_mpmon -m System.Health.EntityState -C hosta: OK (exit $st: $(head -1 "$T/chk"))"
"$bin/mpmon" reset Test.Backup --computer hostc --state-dir "$T/state" >"$T/reset" 2>&1
ok $? "mpmon reset --computer hostc ($(cat "$T/reset"))"
wait_health_on Test.Backup hostc Success && [ "$(health_on Test.Backup hosta)" = Success ] &&
	[ "$(health_on Test.Backup hostb)" = Success ]
ok $? "the reset set hostc's instance to Success"
stop
ok $? "SIGTERM exits 0"
done_testing
