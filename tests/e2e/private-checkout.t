#!/bin/sh
# A checkout in a private folder (a home of mode 0700, as /root and Debian's
# homes are), its tests run as root: mpmond's user cannot reach it, yet the
# tests that start mpmond as that user pass, as they work in a copy it can
# read (run-mpmond --stage). privileges.t (mpmond through run-mpmond, its uid
# checked) and systemd-unit.t (mpmond started by strace as that user) run from
# a copy of the checkout in a folder of mode 0700.
. "$(dirname "$0")/lib.sh"
user=${MPMOND_USER:-nobody}
if [ "$(id -u)" != 0 ] || [ "$user" = root ] || ! command -v setpriv >/dev/null; then
	echo "1..0 # SKIP needs root, setpriv and a daemon user other than root"
	exit 0
fi
mkdir -m 700 "$T/private"
cp -R "$top" "$T/private/mpmon"
private=$T/private/mpmon
! setpriv --reuid="$user" --regid="$(id -gn "$user")" --clear-groups test -r "$private/tests/e2e/data/pack.xml"
ok $? "$user cannot read the checkout in $T/private (mode 0700)"
for t in privileges.t systemd-unit.t; do
	MPMON_BIN=$private/build/bin sh "$private/tests/e2e/$t" >"$T/out" 2>&1
	st=$?
	ok $st "tests/e2e/$t passes in the private checkout (exit $st)"
	[ $st = 0 ] || grep -v '^ok ' "$T/out" | sed 's/^/#   /' | head -20
done
done_testing
