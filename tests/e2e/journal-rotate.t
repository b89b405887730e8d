#!/bin/sh
# A journal that rotates and is vacuumed under the journal source: no entry
# lost, none read twice. A long-running systemd-journal-remote appends live
# entries from a FIFO to $T/jr/app.journal; the journal is rotated while
# entries keep coming, by journal-remote itself (its files are capped by the
# size of the file system, so the folder is a 16 MiB tmpfs in a private mount
# namespace when we may make one) and by archiving the active file under the
# archived name NAME@SEQNUMID-SEQNUM-REALTIME.journal and starting a new writer
# (a new sequence-number chain); `journalctl --vacuum-files` deletes archived
# files while mpmond runs and while it is stopped, so that on restart the entry
# under its saved cursor is gone. Records and checksum of the journal source in
# the state file must equal what was written and not vacuumed unread.
if [ -z "$MPMON_JR_NS" ] && [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
	MPMON_JR_NS=1 exec unshare --mount sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

jr=/lib/systemd/systemd-journal-remote
if [ ! -x $jr ]; then
	echo "1..0 # SKIP systemd-journal-remote not installed (make deps)"
	exit 0
fi
mkdir -p "$T/jr"
small_fs=no
# Only in the namespace made above: never a mount in the caller's.
if [ -n "$MPMON_JR_NS" ] && [ "$(readlink /proc/$$/ns/mnt)" != "$(readlink /proc/$PPID/ns/mnt)" ] &&
	mount -t tmpfs -o size=16m tmpfs "$T/jr" 2>/dev/null; then
	small_fs=yes
	trap 'umount "$T/jr" 2>/dev/null; cleanup' EXIT
fi
# journal-remote writes its files 0640 for root alone, and rotates and
# vacuums them all along: mpmond reads them as root here, the explicit opt-in
# (privileges are tests/e2e/privileges.t's business)
MPMOND_USER=root
export MPMOND_USER
conf "[source journal]
type = journal
path = $T/jr
start = beginning
log_name = System"

base=$(date +%s%6N)
k=0		# entries written in all
WPID=

run() {	# mpmond, without the writer's end of the FIFO (or journal-remote never sees its end)
	start 3>&-
}

writer_start() {	# a journal-remote appending to app.journal what fd 3 gets
	rm -f "$T/fifo"
	mkfifo "$T/fifo" || return 1
	$jr --output="$T/jr/app.journal" - <"$T/fifo" 2>"$T/jr.err" &
	WPID=$!
	exec 3>"$T/fifo"
	wk=0
}

writer_stop() {	# end of input: journal-remote closes the file and says how many it wrote
	exec 3>&-
	wait "$WPID"
	WPID=
	grep -q "writing $wk entries" "$T/jr.err" || { sed 's/^/#   jr: /' "$T/jr.err"; return 1; }
}

emit() {	# emit COUNT: COUNT entries in chunks of 100 with short pauses; MESSAGEs also to $T/sent
	i=0
	while [ $i -lt "$1" ]; do
		perl -e 'my ($k, $n, $base, $sent) = @ARGV;
			open my $s, ">>", $sent or die;
			for my $i ($k + 1 .. $k + $n) {
				printf "__REALTIME_TIMESTAMP=%d\n_HOSTNAME=hosta\nSYSLOG_IDENTIFIER=backupd\nPRIORITY=%d\nMESSAGE=backup %d of the journal that rotates\n\n",
					$base + $i * 1000, $i % 7 ? 6 : 3, $i;
				printf $s "backup %d of the journal that rotates\n", $i;
			}' "$k" 100 "$base" "$T/sent" >&3 || return 1
		k=$((k + 100))
		wk=$((wk + 100))
		i=$((i + 100))
		sleep 0.02
	done
}

jrecords() {	# records and checksum of the journal source
	state_get '$s->{sources}[1]{records} . " " . $s->{sources}[1]{checksum}'
}

wait_records() {	# wait_records WANT: until the journal source counted WANT records (60 s)
	wait_for 60 sh -c "grep -q '\"records\":$1,' '$T/state/state.json'"
	sleep 0.3	# and nothing more after it
}

archives() { ls "$T/jr" | grep -c '^app@'; }

# Archive the active file as journald and journal-remote name archived files,
# from its header, so that journalctl --vacuum-* treats it as one.
archive() {
	f="$T/jr/app.journal"
	name=$(journalctl --file="$f" --header | perl -ne '
		$id = $1 if /^Sequential number ID: (\S+)/;
		$seq = hex $1 if /^Head sequential number: \d+ \((\w+)\)/;
		$rt = hex $1 if /^Head realtime timestamp: .*\((\w+)\)/;
		END { printf "app@%s-%016x-%016x.journal", $id, $seq, $rt if $id }')
	[ -n "$name" ] && mv "$f" "$T/jr/$name"
}

check() {	# check WHAT: the journal source counted exactly the entries of $T/want
	want=$(fnv_sum <"$T/want")
	wait_records "${want%% *}"
	got=$(jrecords)
	[ "$got" = "$want" ]
	ok $? "$1 (want $want, got $got)"
}

vacuum() {	# every archived file goes
	journalctl --directory="$T/jr" --vacuum-files=1 >/dev/null 2>&1
}

# What mpmond must count after a vacuum while it was stopped: what it counted
# before ($T/want), then what is left in the journal; true when the entry
# under the saved cursor (entry $1) is gone.
want_left() {
	journalctl --directory="$T/jr" -o cat >"$T/left"
	first=$(head -n 1 "$T/left" | sed 's/^backup \([0-9]*\) .*/\1/')
	cat "$T/left" >>"$T/want"
	[ "$first" -gt "$1" ]
}

# 1. Live: rotations by journal-remote and by archiving, a vacuum, mpmond running.
writer_start
emit 300
run
emit 2000
writer_stop
ok $? "journal-remote wrote $wk entries through the FIFO"
rot=$(archives)
if [ $small_fs = yes ]; then
	[ "$rot" -ge 1 ]
	ok $? "journal-remote rotated app.journal itself while entries came ($rot archived files)"
else
	echo "ok $((n += 1)) # SKIP no private tmpfs (needs root and unshare --mount): journal-remote's files are not capped"
fi
wait_records $k
archive
ok $? "the active file archived under the archived-file name"
jv=$(archives)
journalctl --directory="$T/jr" --vacuum-size=1 >/dev/null 2>&1
[ "$(archives)" = 0 ]
ok $? "journalctl --vacuum-size while mpmond runs removes the file of its last entry ($jv archived files before, $(archives) after)"
writer_start
emit 2000
wait_records $k
jv=$(archives)
vacuum
ok $? "journalctl --vacuum-files while a new journal-remote is writing ($jv archived files before, $(archives) after)"
emit 3000
writer_stop
ok $? "a new journal-remote wrote $wk entries after the vacuum"
cp "$T/sent" "$T/want"
check "running: every entry once across rotations and a vacuum"
wait_health Test.Backup hosta Success
ok $? "entries are state changes (last entry good: hosta Success)"

# 2. Stopped: the entry under the saved cursor is rotated away and vacuumed,
# first within one sequence-number chain (journal-remote's own rotation, when
# it rotates), then into a new chain (archived, a new writer).
stop
ok $? "SIGTERM exits 0"
before=$k
writer_start
emit 4000
writer_stop
ok $? "while mpmond is stopped, journal-remote appended $wk entries to app.journal"
if [ $small_fs = no ]; then
	archive && writer_start && emit 300 && writer_stop
fi
vacuum
head -n "$before" "$T/sent" >"$T/want"
want_left $before
ok $? "vacuumed: the saved cursor's entry $before and those up to $((first - 1)) are gone"
run
check "after a restart, what is left is read once and nothing again"

stop
before=$k
archive && writer_start && emit 300 && writer_stop
vacuum
want_left $before
ok $? "stopped again, archived, a new writer, vacuumed: entries up to $((first - 1)) are gone"
run
check "after a restart onto a new chain, what is left is read once"

writer_start
emit 200
writer_stop
tail -n 200 "$T/sent" >>"$T/want"
check "and what is appended later is read once"
stop
ok $? "SIGTERM exits 0"
done_testing
