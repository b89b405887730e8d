#!/bin/sh
# Rotation while a writer appends at full speed: by rename, by copytruncate and
# by delete+recreate, every line is seen exactly once (count and checksum in
# the state file equal the writer's). MPMON_ROTATIONS rotations per method
# (default 200, to stay well under a minute on CI; the issue's 1000 is
# MPMON_ROTATIONS=1000), MPMON_ROTATION_LINES lines between rotations, and
# MPMON_ROTATION_PAUSE seconds before each rotation (default 0.02). mpmond does
# not read while a checkpoint's fsync runs (up to 42 ms measured here); with
# copytruncate and a single .1 copy, a file filled, copied and truncated twice
# within one such stall cannot be recovered, so rotations must be further apart
# than that (logrotate's are a day apart).
. "$(dirname "$0")/lib.sh"

rotations=${MPMON_ROTATIONS:-200}
lines=${MPMON_ROTATION_LINES:-200}
pause=${MPMON_ROTATION_PAUSE:-0.02}

for method in ${MPMON_ROTATION_METHODS:-rename copytruncate create}; do
	rm -rf "$T/logs" "$T/state"
	conf
	start
	t0=$(date +%s.%N)
	want=$(perl "$top/tests/e2e/writer.pl" "$T/logs/app.log" $method "$rotations" "$lines" "$pause")
	wait_for 60 sh -c "grep -q '\"records\":${want%% *},' $T/state/state.json"
	got=$(records)
	t1=$(date +%s.%N)
	rot=$(state_get '$s->{sources}[0]{rotations}')
	[ "$got" = "$want" ]
	ok $? "$method: $rotations rotations, every line once (want $want, got $got; $rot rotations seen; $(echo "$t1 - $t0" | bc 2>/dev/null || echo ?) s)"
	# Nothing more arrives later (no line read twice after the count matched).
	sleep 0.5
	got=$(records)
	[ "$got" = "$want" ]
	ok $? "$method: still exactly once after settling (got $got)"
	stop
	ok $? "$method: mpmond exits 0"
done
done_testing
