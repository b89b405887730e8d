#!/bin/sh
# The journal source over a folder written by systemd-journal-remote: entries
# become state changes with journal fields mapped to SCOM names (backupd at
# priority err = EventLevel 2 is bad, at info = 4 is good), one health state
# per _HOSTNAME (InstanceField LoggingComputer); a new file in the folder (a
# new host) is picked up; a restart resumes after the saved cursor, so no entry
# is read twice.
. "$(dirname "$0")/lib.sh"

jr=/lib/systemd/systemd-journal-remote
if [ ! -x $jr ]; then
	echo "1..0 # SKIP systemd-journal-remote not installed (make deps)"
	exit 0
fi
conf "[source journal]
type = journal
path = $T/jr
start = beginning
log_name = System"
mkdir -p "$T/jr"
base=$(date +%s%6N)
k=0
entries() {	# entries FILE HOST:PRIORITY...: write one entry per argument
	out=$1
	shift
	for hp in "$@"; do
		k=$((k + 1))
		printf '__REALTIME_TIMESTAMP=%s\n_HOSTNAME=%s\nSYSLOG_IDENTIFIER=backupd\nPRIORITY=%s\nMESSAGE=backup %s\n\n' \
			$((base + k * 1000)) "${hp%:*}" "${hp#*:}" "$k" >>"$T/export"
	done
	$jr --output="$T/jr/$out.journal" - <"$T/export" 2>"$T/jr.err"
	# journal files are 0640; mpmond runs as nobody here, not in group
	# systemd-journal as under its unit
	chmod 644 "$T/jr/$out.journal"
	rm -f "$T/export"
	grep -q "writing $# entries" "$T/jr.err"
}

entries remote hosta:3 hostb:6
ok $? "systemd-journal-remote wrote the entries"
start
wait_health Test.Backup hosta Error && wait_health Test.Backup hostb Success
ok $? "journal entries became per-host state (hosta Error, hostb Success)"

entries remote hosta:6
wait_health Test.Backup hosta Success
ok $? "an entry appended to the journal file is a state change"

entries hostc hostc:3
wait_health Test.Backup hostc Error
ok $? "a new journal file in the folder is followed (hostc Error)"
stop
ok $? "SIGTERM exits 0"

entries hostc hostc:5
start
wait_health Test.Backup hostc Success
ok $? "after a restart the new entry counts"
sleep 0.3
r=$(state_get '$s->{sources}[1]{records}')
[ "$r" = 5 ]
ok $? "no entry read twice across the restart (want 5 records, got $r)"
stop

# A checkpoint whose cursor sd-journal cannot use (sealed with a valid checksum,
# as a journal from another version might leave it): mpmond goes on from the
# end of the journal instead of reading it all again.
perl -i -e 'use integer; local $/; my $c = <>; $c =~ s/^cursor .*$/cursor x=1/m; $c =~ s/^end [0-9a-f]+\n\z//m;
	my $h = 1469598103934665603; for my $b (unpack "C*", $c) { $h ^= $b; $h *= 1099511628211 }
	printf "%send %016x\n", $c, $h' "$T/state/checkpoint"
start
wait_for 10 grep -q "saved cursor not usable" "$T/log"
ok $? "an unusable saved cursor is reported"
sleep 0.3
r=$(state_get '$s->{sources}[1]{records}')
[ "$r" = 5 ]
ok $? "and the journal is not read again (want 5 records, got $r)"
entries hostc hostc:3
wait_health Test.Backup hostc Error
ok $? "an entry appended after that counts (hostc Error)"
stop
done_testing
