#!/bin/sh
# Install the Debian packages mpmon builds and tests with. Quiet when all are
# present, so `make check` can always depend on it.
#   deps.sh                   what `make deps` installs
#   deps.sh TARGET PKG...     these packages instead, for `make TARGET`
set -e
target=deps

# snmptrapd, snmp (snmptranslate), smitools (smilint) and snmptt: the SNMP tests
# check the MIB and receive the traps the sender puts on the wire.
# libxml2-utils: xmllint checks that the HTML pages are well-formed;
# chromium: tests/browser.t renders them headless.
# libinih-dev: mpmond's config; systemd-journal-remote writes the journal files
# the journal tests read; strace counts an idle daemon's system calls.
# libjson-c-dev: check_mpmon parses the state file; icinga2: tests/icinga.t
# validates the CheckCommands and runs the plugin in a real Icinga 2.
# clang and libclang-rt-14-dev (libFuzzer, sanitizer runtimes): make fuzz and
# tests/fuzz.t; valgrind: make check-valgrind; python3: tests/hostile.t checks
# that output is valid UTF-8 JSON; util-linux (setpriv): it reads files as nobody.
# groff-base, man-db and mandoc: tests/man.t lints the man pages (groff -ww,
# man --warnings, mandoc -T lint).
PKGS="gcc make pkg-config perl libxml2-dev libpcre2-dev libsystemd-dev libsnmp-dev
	libinih-dev snmptrapd snmp smitools snmptt libxml2-utils chromium
	systemd-journal-remote strace libjson-c-dev icinga2
	clang libclang-rt-14-dev valgrind python3 util-linux time groff-base man-db mandoc"
if [ $# -gt 1 ]; then
	target=$1
	shift
	PKGS=$*
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "mpmon: missing Debian packages:$missing" >&2
	echo "mpmon: run 'make $target' as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "mpmon: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
