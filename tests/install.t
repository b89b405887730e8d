#!/bin/sh
# make install, as a packager and as an administrator run it:
# - make install DESTDIR=$tmp/root PREFIX=/usr puts the programs, check_mpmon
#   in PLUGINDIR, the packs, the MIB, the man pages, the sample config as
#   /etc/mpmon/mpmond.conf (and .sample), the systemd unit, the sysusers.d and
#   tmpfiles.d files, and the snmptrapd, snmptt, Icinga 2 and Nagios files in
#   their places; every path they name is one of this install;
#   systemd-sysusers --root and systemd-tmpfiles --root --create accept them
#   (user mpmon in groups adm and systemd-journal, /var/lib/mpmon 0750 mpmon);
#   a second install keeps an edited mpmond.conf;
# - make install PREFIX=$tmp/prefix SYSCONFDIR=$tmp/prefix/etc (no DESTDIR):
#   systemd-analyze verify accepts the installed unit as it is, with the paths
#   it names, and its ExecStartPre (mpmond --check-config on the installed
#   config, which names the installed packs) passes.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=$((fail + 1)); fi
}
# make runs in a copy's build folder of its own, so that a test run does not
# race the build it tests
make_install() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s B="$tmp/build" install "$@" >"$tmp/make.out" 2>&1
	st=$?
	[ $st = 0 ] || sed 's/^/#   make: /' "$tmp/make.out" | tail -n 15
	return $st
}

root=$tmp/root
make_install DESTDIR="$root" PREFIX=/usr
ok $? "make install DESTDIR=\$tmp/root PREFIX=/usr"
missing=
for f in usr/bin/mpmon usr/bin/mpmond usr/lib/nagios/plugins/check_mpmon \
	usr/share/mpmon/mibs/MPMON-MIB.txt \
	usr/share/man/man1/mpmon.1 usr/share/man/man1/check_mpmon.1 \
	usr/share/man/man5/mpmond.conf.5 usr/share/man/man8/mpmond.8 \
	etc/mpmon/mpmond.conf etc/mpmon/mpmond.conf.sample \
	usr/lib/systemd/system/mpmond.service usr/lib/sysusers.d/mpmon.conf \
	usr/lib/tmpfiles.d/mpmon.conf usr/share/mpmon/snmptrapd/snmptrapd.conf \
	usr/share/mpmon/snmptt/mpmon.conf usr/share/mpmon/icinga2/mpmon.conf \
	usr/share/mpmon/icinga2/mpmon-services.conf usr/share/mpmon/nagios/mpmon.cfg \
	usr/share/mpmon/nagios/mpmon-services.cfg; do
	[ -s "$root/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
ok $? "the tree holds every file${missing:+; missing:$missing}"
missing=
for p in mp-xml/packs/*.xml; do
	cmp -s "$p" "$root/usr/share/mpmon/packs/${p##*/}" || missing="$missing ${p##*/}"
done
[ -z "$missing" ]
ok $? "every shipped pack is in /usr/share/mpmon/packs${missing:+; missing:$missing}"
[ -x "$root/usr/bin/mpmond" ] && [ -x "$root/usr/lib/nagios/plugins/check_mpmon" ] &&
	"$root/usr/lib/nagios/plugins/check_mpmon" -V >/dev/null
ok $? "the programs are executable, check_mpmon runs from PLUGINDIR"

# No path of the default install is left in what was written with this one's.
left=$(grep -rIl '/usr/local' "$root" 2>/dev/null | sed "s|^$root/||" | grep -v '/packs/\|/mibs/' | tr '\n' ' ')
[ -z "$left" ]
ok $? "no file names /usr/local (${left:-none does})"
grep -qx 'path = /usr/share/mpmon/packs' "$root/etc/mpmon/mpmond.conf"
ok $? "mpmond.conf names the installed packs"
grep -qx 'ExecStart=/usr/bin/mpmond --config /etc/mpmon/mpmond.conf' "$root/usr/lib/systemd/system/mpmond.service"
ok $? "the unit runs the installed mpmond with the installed config"
grep -q '/usr/lib/nagios/plugins/check_mpmon' "$root/usr/share/man/man1/check_mpmon.1" &&
	grep -q '/usr/share/mpmon/packs' "$root/usr/share/man/man8/mpmond.8"
ok $? "the man pages name the installed paths"
MANWIDTH=80 man -l "$root/usr/share/man/man8/mpmond.8" 2>&1 | grep -q '^ *mpmond *- *SCOM-style'
ok $? "man reads the installed mpmond(8)"

if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
	systemd-sysusers --root="$root" >"$tmp/out" 2>&1
	ok $? "systemd-sysusers --root accepts the sysusers.d file ($(tr '\n' ' ' <"$tmp/out"))"
	uid=$(awk -F: '$1 == "mpmon" { print $3 }' "$root/etc/passwd")
	[ -n "$uid" ] && grep -q '^adm:.*[:,]mpmon\(,\|$\)' "$root/etc/group" &&
		grep -q '^systemd-journal:.*[:,]mpmon\(,\|$\)' "$root/etc/group"
	ok $? "it makes the user mpmon (uid ${uid:-none}), in groups adm and systemd-journal"
	systemd-tmpfiles --root="$root" --create >"$tmp/out" 2>&1
	ok $? "systemd-tmpfiles --root --create accepts the tmpfiles.d file ($(tr '\n' ' ' <"$tmp/out"))"
	[ "$(stat -c '%a %u' "$root/var/lib/mpmon" 2>/dev/null)" = "750 $uid" ]
	ok $? "it makes /var/lib/mpmon, 0750, owned by mpmon ($(stat -c '%a %u' "$root/var/lib/mpmon" 2>&1))"
else
	echo "# systemd-sysusers or systemd-tmpfiles missing: not checked"
fi

echo '; edited' >>"$root/etc/mpmon/mpmond.conf"
make_install DESTDIR="$root" PREFIX=/usr
ok $? "make install again"
tail -n 1 "$root/etc/mpmon/mpmond.conf" | grep -qx '; edited' &&
	cmp -s "$root/etc/mpmon/mpmond.conf.sample" "$tmp/root/etc/mpmon/mpmond.conf.sample"
ok $? "it keeps the edited mpmond.conf and refreshes mpmond.conf.sample"

# An install whose paths are real here: the unit as installed.
prefix=$tmp/prefix
make_install PREFIX="$prefix" SYSCONFDIR="$prefix/etc"
ok $? "make install PREFIX=\$tmp/prefix SYSCONFDIR=\$tmp/prefix/etc"
unit=$prefix/lib/systemd/system/mpmond.service
grep -qx "ExecStart=$prefix/bin/mpmond --config $prefix/etc/mpmon/mpmond.conf" "$unit"
ok $? "its unit names its mpmond and config"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify --man=no "$unit" >"$tmp/verify" 2>&1
	st=$?
	[ $st = 0 ] && [ ! -s "$tmp/verify" ]
	ok $? "systemd-analyze verify accepts the installed unit (exit $st$(sed 's/^/; /' "$tmp/verify" | tr -d '\n'))"
fi
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
$pre >"$tmp/out" 2>"$tmp/err"
st=$?
# a log folder this machine lacks is a warning that does not stop the unit
grep -v "does not exist (yet): mpmond will wait for it$" "$tmp/err" >"$tmp/err.pre"
[ $st = 0 ] && [ ! -s "$tmp/err.pre" ] && grep -q ": 6 packs, " "$tmp/out"
ok $? "the unit's ExecStartPre passes: the installed config with the installed packs (exit $st; $(cat "$tmp/out" "$tmp/err" | head -3 | tr '\n' ' '))"
echo "1..$n"
[ "$fail" = 0 ]
