#!/bin/sh
# Files that went away while mpmond was stopped: what could not be read is
# logged and counted in the state file (sources[].lost_bytes, lost_files). The
# checkpoint holds each file's size; the bytes between the saved position and
# that size are known to be lost (here a partial last line), what was written
# after the checkpoint is not known and the log says so. Cases: the file is
# rotated and deleted; the file is rewritten in place with new content and no
# copy of it is left. A checkpoint of version 1 (no sizes) still loads: it
# resumes at its positions, and a loss from it is logged as of unknown size.
. "$(dirname "$0")/lib.sh"

lines() {	# lines TAG FIRST LAST
	perl -e 'for ($ARGV[1] .. $ARGV[2]) { printf qq({"TimeGenerated":"2026-11-20T10:00:00Z","EventDisplayNumber":3,"LoggingComputer":"h","EventDescription":"%s line %d"}\n), $ARGV[0], $_ }' "$@"
}
records_are() { grep -q "\"records\":$1," "$T/state/state.json"; }
lost() { state_get '$s->{sources}[0]{lost_bytes} . " " . $s->{sources}[0]{lost_files}'; }
partial='{"TimeGenerated":"2026-11-20T10:00:00Z",'	# 40 bytes, no newline
# to_v1: make the checkpoint one of version 1: no loss counters, no sizes, and
# its closing hash (FNV-1a, as mpmond's) over the rest
to_v1() {
	perl -0777 -i -pe '
		s/\Ampmond-checkpoint 2\n/mpmond-checkpoint 1\n/;
		s/^(source \S+ \S+(?: \S+){6})(?: \S+){2}$/$1/mg;
		s/^(file(?: \S+){9}) \S+ /$1 /mg;
		s/end [0-9a-f]+\n\z//;
		use integer; my $h = 1469598103934665603;
		for my $c (unpack "C*", $_) { $h ^= $c; $h *= 1099511628211 }
		$_ .= sprintf "end %016x\n", $h' "$T/state/checkpoint"
}
fresh() {	# 100 lines and a partial one, read by mpmond, which then stops
	rm -rf "$T/logs" "$T/state" "$T/log"
	conf
	{ lines a 1 100; printf '%s' "$partial"; } >"$T/logs/app.log"
	start
	wait_for 5 records_are 100
	stop
}

# expect_lost CASE RECORDS MESSAGE: mpmond started reads RECORDS records in
# all, counts the partial line as lost and logs MESSAGE about app.log
expect_lost() {
	start
	wait_for 5 records_are "$2"
	l=$(lost)
	[ "$l" = "40 1" ]
	ok $? "$1: 40 bytes and 1 file counted as lost (got '$l')"
	grep -qF "'$T/logs/app.log' $3" "$T/log"
	ok $? "$1: the log says how much"
	stop
}

# Rotated, then deleted, while mpmond is down.
fresh
printf '"x":1}\n' >>"$T/logs/app.log"
lines a 101 150 >>"$T/logs/app.log"
mv "$T/logs/app.log" "$T/logs/app.log.1"
lines b 1 10 >"$T/logs/app.log"
rm "$T/logs/app.log.1"
expect_lost "deleted while down" 110 "is gone: the 40 bytes after line 100 (its size at the last checkpoint) were not read, nor anything written to it later"

# Rewritten in place with new content while mpmond is down (as when the
# deleted file's inode is reused), no copy left.
fresh
lines c 1 5 >"$T/logs/app.log"
expect_lost "rewritten while down" 105 "changed while mpmond was down and no copy of it is left: the 40 bytes after line 100 (its size at the last checkpoint) were not read, nor anything written to it later; reading it from the start"

# A checkpoint of version 1: the same positions, no sizes, no loss counters.
fresh
to_v1
head -1 "$T/state/checkpoint" | grep -qx "mpmond-checkpoint 1"
ok $? "the checkpoint was turned into version 1"
printf '"x":1}\n' >>"$T/logs/app.log"
start
wait_for 5 records_are 101
sleep 0.3
r=$(records)
want=$(fnv_sum <"$T/logs/app.log")
[ "$r" = "$want" ] && ! grep -q damaged "$T/log"
ok $? "a version 1 checkpoint resumes at its positions (want $want, got $r)"
stop
to_v1
mv "$T/logs/app.log" "$T/logs/app.log.1"
: >"$T/logs/app.log"
rm "$T/logs/app.log.1"
start
wait_for 5 sh -c "grep -q 'is gone' $T/log"
grep -q "'$T/logs/app.log' is gone: what it had after line 101 was not read (how much is unknown: the checkpoint is of version 1)" "$T/log"
ok $? "a loss from a version 1 checkpoint is of unknown size"
l=$(lost)
[ "$l" = "0 1" ]
ok $? "... and counted as a lost file (got '$l')"
stop
done_testing
