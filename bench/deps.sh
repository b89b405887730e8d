#!/bin/sh
# Install the Debian packages only the benchmarks need (make bench): SEC, the
# baseline of the text-log figure; json-c, the baseline of the JSON figure;
# valgrind, for callgrind profiles; time, for /usr/bin/time's peak RSS. Quiet
# when all are present, as build-aux/deps.sh is.
set -e

PKGS="sec libjson-c-dev valgrind time grep perl gcc pkg-config"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "mpmon bench: missing Debian packages:$missing" >&2
	echo "mpmon bench: run 'make bench' as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "mpmon bench: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
