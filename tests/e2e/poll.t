#!/bin/sh
# The text-log source where inotify is unavailable: mpmond runs in a user
# namespace whose limit of inotify instances is 0 (the kernel's per-user
# limit, /proc/sys/user/max_inotify_instances), so inotify_init1 really fails
# with EMFILE and the source polls with stat once a second. Appends and
# rotations by rename, copytruncate and delete+recreate are still seen, every
# line exactly once (count and checksum in the state file equal the writer's).
# A source whose folder does not exist yet: its absence and its appearance are
# logged once each, and the files that come in it are read.
. "$(dirname "$0")/lib.sh"

if ! unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_inotify_instances' 2>/dev/null; then
	echo "1..0 # SKIP no user namespace with its own inotify limit (unshare --user)"
	exit 0
fi
rotations=${MPMON_POLL_ROTATIONS:-4}
# mpmond through a wrapper that execs it, so $PID is still mpmond's. In the
# user namespace it is root, mapped to the unprivileged user outside it:
# --allow-root says that is meant.
real=$bin/mpmond
bin=$T/bin
mkdir -p "$bin"
cat >"$bin/mpmond" <<EOF
#!/bin/sh
exec unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_inotify_instances && exec "\$0" "\$@"' "$real" "\$@" --allow-root
EOF
chmod +x "$bin/mpmond"

for method in rename copytruncate create; do
	rm -rf "$T/logs" "$T/state" "$T/log"
	conf
	start
	ok $? "$method: mpmond starts without inotify"
	grep -q "inotify unavailable (Too many open files): polling every 1 s" "$T/log"
	ok $? "$method: it says it polls"
	# Rotations further apart than a poll, so that each is seen.
	want=$(perl "$top/tests/e2e/writer.pl" "$T/logs/app.log" $method "$rotations" 300 1.5)
	wait_for 30 sh -c "grep -q '\"records\":${want%% *},' $T/state/state.json"
	sleep 1.5	# a poll more: nothing read twice
	got=$(records)
	rot=$(state_get '$s->{sources}[0]{rotations}')
	[ "$got" = "$want" ]
	ok $? "$method: $rotations rotations polled, every line once (want $want, got $got; $rot rotations seen)"
	[ "$rot" -ge "$rotations" ]
	ok $? "$method: every rotation seen (want $rotations, got $rot)"
	stop
	ok $? "$method: mpmond exits 0"
done

rm -rf "$T/logs" "$T/state" "$T/log"
conf
sed -i "s|^path = $T/logs/\\*.log|path = $T/later/*.log|" "$T/c.conf"
start
ok $? "no folder: mpmond starts without inotify"
grep -q "source app: folder '$T/later' does not exist: looking for it every 1 s" "$T/log"
ok $? "no folder: it says it looks for the folder"
mkdir "$T/later"
chmod 755 "$T/later"
perl "$top/tests/e2e/writer.pl" "$T/later/app.log" none 0 50 >"$T/want"
want=$(cat "$T/want")
wait_for 10 sh -c "grep -q '\"records\":${want%% *},' $T/state/state.json"
got=$(records)
[ "$got" = "$want" ]
ok $? "no folder: the file in the folder that appeared is read (want $want, got $got)"
c=$(grep -c "folder '$T/later' appeared: following '$T/later/\*.log'" "$T/log")
m=$(grep -c "folder '$T/later' does not exist" "$T/log")
[ "$c" = 1 ] && [ "$m" = 1 ]
ok $? "no folder: its absence and its appearance are logged once each (got $m and $c)"
stop
ok $? "no folder: mpmond exits 0"
done_testing
