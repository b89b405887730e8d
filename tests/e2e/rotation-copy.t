#!/bin/sh
# A file mpmond follows is rewritten in place: its content is told from
# appended content by its fingerprint (a hash of its first bytes). After
# `mv app.log app.log.1`, `cp app.log app.log.1 && : > app.log` puts a copy of
# the live file into the renamed one: that copy's first bytes are the live
# file's, so it is not read again (the live file's rest is read from it when
# the truncation is seen), and no loss is claimed. A rewrite with other first
# bytes is new content and is read from its start. The same holds across a
# restart, from the fingerprints in the checkpoint.
. "$(dirname "$0")/lib.sh"

lines() {	# lines TAG FIRST LAST: event lines, also kept in $T/all
	perl -e 'for ($ARGV[1] .. $ARGV[2]) { printf qq({"TimeGenerated":"2026-11-20T10:00:00Z","EventDisplayNumber":3,"LoggingComputer":"h","EventDescription":"%s line %d"}\n), $ARGV[0], $_ }' "$@" |
		tee -a "$T/all"
}
records_are() { grep -q "\"records\":$1," "$T/state/state.json"; }
fresh() {	# fresh [GLOB]: a new config, logs and state; GLOB replaces *.log
	rm -rf "$T/logs" "$T/state" "$T/all" "$T/log"
	conf
	sed -i 's/^rotate_wait_ms = .*/rotate_wait_ms = 4000/' "$T/c.conf"
	[ -n "$1" ] && sed -i "s|^path = $T/logs/\\*.log|path = $T/logs/$1|" "$T/c.conf"
	: >"$T/all"
}
check() {	# check N WHAT: N records, the checksum of $T/all, no loss claimed
	want=$(fnv_sum <"$T/all")
	wait_for 5 records_are "$1"
	sleep 0.5	# nothing read twice after the count matched
	got=$(records)
	[ "$got" = "$want" ]
	ok $? "$2: every line once (want $want, got $got)"
	! grep -q "may be lost" "$T/log"
	ok $? "$2: no loss claimed"
}

renamed() {	# renamed N: 100 lines read, the file renamed, N lines in a new one
	lines a 1 100 >"$T/logs/app.log"
	start
	wait_for 5 records_are 100
	mv "$T/logs/app.log" "$T/logs/app.log.1"
	lines b 1 "$1" >"$T/logs/app.log"
	wait_for 5 records_are $((100 + $1))
}

for glob in '*.log' 'app.log*'; do
	fresh "$glob"
	renamed 100
	cp "$T/logs/app.log" "$T/logs/app.log.1" && : >"$T/logs/app.log"
	lines c 1 10 >>"$T/logs/app.log"
	check 210 "path $glob: a copy of the live file onto the renamed one"
	grep -q "'$T/logs/app.log.1' was overwritten with a copy of '$T/logs/app.log': not read again" "$T/log"
	ok $? "path $glob: the copy is logged"
	stop
done

# Other first bytes: new content, read from its start.
fresh
renamed 10
lines d 1 20 >"$T/logs/app.log.1"
check 130 "the renamed file rewritten with new content"
stop

# The same copy made while mpmond is down: both files are in the checkpoint.
fresh 'app.log*'
renamed 100
stop
cp "$T/logs/app.log" "$T/logs/app.log.1" && : >"$T/logs/app.log"
lines c 1 10 >>"$T/logs/app.log"
start
check 210 "a copy made while mpmond was down"
stop
done_testing
