#!/bin/sh
# Install the Debian packages only the benchmarks need (make bench): SEC, the
# baseline of the text-log figure; json-c, the baseline of the JSON figure;
# valgrind, for callgrind profiles; time, for /usr/bin/time's peak RSS.
exec sh "$(dirname "$0")/../build-aux/deps.sh" bench \
	sec libjson-c-dev valgrind time grep perl gcc pkg-config
