#!/bin/sh
# With [actions] enabled = true, whoever may change a pack, a pack folder or
# the config may make mpmond run programs: mpmond refuses (FILE:LINE of the
# enabled line, exit 1, --check-config too, a reload keeps what runs) when one
# of them, or a folder above it, is writable by group or others or owned by
# someone but root and mpmond's user, as sshd's StrictModes does. A folder
# above with the sticky bit (/tmp) is accepted; a pack folder with it is not.
# A symlink is judged by the folders it is in and by what it points to. With
# actions off nothing is checked.
. "$(dirname "$0")/lib.sh"

ev() {	# ev NUMBER HOST MINUTE
	printf '{"TimeGenerated":"2026-11-20T10:%02d:00Z","EventDisplayNumber":%s,"LoggingComputer":"%s"}\n' "$3" "$1" "$2"
}

pack=$top/tests/e2e/data/pack.xml
umask 022
# Config and packs in a folder of the caller's: $T is mpmond's (run-mpmond).
P=$(mktemp -d) || exit 1
trap 'rm -rf "$P"; cleanup' EXIT
chmod 755 "$P"
mkdir "$P/packs"
cp "$pack" "$P/packs/test.xml"

# setup PACK-PATH [EXTRA [ENABLED]]: the test config over PACK-PATH with
# actions on (or ENABLED), in $P/c.conf
setup() {
	conf "[actions]
enabled = ${3:-true}
$2"
	sed "s|^path = $pack\$|path = $1|" "$T/c.conf" >"$P/c.conf"
	chmod 644 "$P/c.conf"
}

# refused WHAT-PATH WHY DESCRIPTION: --check-config exits 1 with that message
refused() {
	"$bin/mpmond" --config "$P/c.conf" --check-config >"$T/out" 2>"$T/err"
	st=$?
	[ $st = 1 ] && grep -qF "$P/c.conf:16: actions enabled but '$1' is $2" "$T/err"
	ok $? "$3: refused (exit $st: $(head -n 2 "$T/err" | tr '\n' ' '))"
}

accepted() {	# accepted DESCRIPTION
	"$bin/mpmond" --config "$P/c.conf" --check-config >"$T/out" 2>"$T/err"
	ok $? "$1: accepted ($(cat "$T/err" | tr '\n' ' '))"
}

setup "$P/packs"
accepted "a pack folder and packs only their owner may write, below a sticky /tmp"
setup "$P/packs/test.xml"
accepted "a pack file likewise"

chmod g+w "$P/packs/test.xml"
setup "$P/packs"
refused "$P/packs/test.xml" "writable by group '$(id -gn)'" "a pack in the folder writable by its group"
setup "$P/packs" "" false
accepted "the same with actions off"
chmod g-w "$P/packs/test.xml"

chmod o+w "$P/packs/test.xml"
setup "$P/packs/test.xml"
refused "$P/packs/test.xml" "writable by others" "a pack writable by others"
chmod o-w "$P/packs/test.xml"

chmod 775 "$P/packs"
setup "$P/packs/test.xml"
refused "$P/packs" "writable by group '$(id -gn)'" "a pack whose folder its group may write"
chmod 1777 "$P/packs"
setup "$P/packs"
refused "$P/packs" "writable by others" "a pack folder writable by others, even with the sticky bit"
chmod 755 "$P/packs"

mkdir -m 777 "$P/open"
ln -s "$P/packs/test.xml" "$P/open/link.xml"
setup "$P/open/link.xml"
refused "$P/open" "writable by others" "a symlink in an open folder (anyone could point it elsewhere)"
cp "$pack" "$P/open/real.xml"
ln -s "$P/open/real.xml" "$P/packs/link.xml"
setup "$P/packs"
refused "$P/open" "writable by others" "a symlink in the pack folder to a pack in an open folder"
rm "$P/packs/link.xml"

setup "$P/packs"
chmod 664 "$P/c.conf"
refused "$P/c.conf" "writable by group '$(id -gn)'" "a config its group may write"
chmod 644 "$P/c.conf"

if [ "$(id -u)" = 0 ]; then
	chown 4242 "$P/packs/test.xml"
	refused "$P/packs/test.xml" "owned by uid 4242, not root or mpmond's user 'root'" "a pack owned by someone else"
	"$run_mpmond" --give "$P/packs/test.xml"
	refused "$P/packs/test.xml" "owned by user 'nobody' (uid 65534), not root or mpmond's user 'root'" \
		"--check-config as root: a pack owned by mpmond's user is someone else's"
	ev 2 web1 1 >"$T/logs/a.log"
	"$run_mpmond" "$bin/mpmond" --config "$P/c.conf" --foreground 2>>"$T/log" &
	PID=$!
	wait_for 10 test -f "$T/state/state.json"
	ok $? "mpmond started as its user accepts a pack its user owns"
	wait_health Test.Job web1 Error
	ok $? "... and runs it"
	chmod g+w "$P/packs/test.xml"
	kill -HUP "$PID"
	wait_for 5 grep -q "reload: $P/c.conf has errors: keeping the running configuration" "$T/log"
	ok $? "a reload after a pack became group-writable is refused"
	grep -qF "$P/c.conf:16: actions enabled but '$P/packs/test.xml' is writable by group" "$T/log"
	ok $? "... naming the pack"
	ev 1 web1 2 >>"$T/logs/a.log"
	wait_health Test.Job web1 Success
	ok $? "... and the running monitors go on"
	stop
	ok $? "SIGTERM exits 0"
	chmod g-w "$P/packs/test.xml"
	chown root "$P/packs/test.xml"
	rm -rf "$T/state"
else
	skip "needs root" "owned by someone else" "owned by mpmond's user, as root" "starts" "runs" \
		"reload refused" "names the pack" "goes on" "exits 0"
fi

chmod g+w "$P/packs/test.xml"
setup "$P/packs"
timeout 10 "$run_mpmond" "$bin/mpmond" --config "$P/c.conf" --foreground 2>"$T/err"
st=$?
[ $st = 1 ] && [ ! -e "$T/state" ] && grep -q "actions enabled but '$P/packs/test.xml' is writable by group" "$T/err"
ok $? "mpmond refuses to start, exit 1, nothing created (exit $st)"
done_testing
