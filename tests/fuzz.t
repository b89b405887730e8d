#!/bin/sh
# The libFuzzer targets of tests/fuzz/ (pack loader, expressions, checkpoint
# reader, each input format, the journal's fields; the Makefile's FUZZ_ALL),
# each run briefly from its seed corpus: a crash, a
# leak, a sanitizer report, a timeout or a broken property fails the target.
# Runs under `make check` and in CI (CI set); MPMON_FUZZ=0 skips it, MPMON_FUZZ=1
# runs it anywhere. MPMON_FUZZ_SECONDS sets the time per target (default 8).
# Longer runs: make fuzz FUZZ_SECONDS=N.
cd "$(dirname "$0")/.." || exit 1
if [ "${MPMON_FUZZ:-}" = 0 ] || { [ -z "${CI:-}" ] && [ -z "${MPMON_FUZZ:-}" ]; }; then
	echo "1..0 # SKIP fuzzing runs under make check and CI (MPMON_FUZZ=1 to run it)"
	exit 0
fi
if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang is not installed (make deps)"
	exit 0
fi
secs=${MPMON_FUZZ_SECONDS:-8}
b=build-fuzz
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

# a make of its own: the flags of a calling make (B=, CFLAGS=) are not for it
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s fuzz-build >"$tmp/build" 2>&1; then
	n=$((n + 1)); echo "ok $n - fuzz targets build with clang"
else
	n=$((n + 1)); echo "not ok $n - fuzz targets build with clang"
	sed 's/^/#   /' "$tmp/build" | tail -20
	echo "1..$n"
	exit 1
fi
for t in $(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory fuzz-list); do
	n=$((n + 1))
	if sh tests/fuzz/run.sh "$b" "$secs" "$t" >"$tmp/out" 2>&1; then
		echo "ok $n - $(cat "$tmp/out")"
	else
		echo "not ok $n - fuzz $t"
		sed 's/^/#   /' "$tmp/out"
		fail=$((fail + 1))
	fi
done
echo "1..$n"
[ "$fail" = 0 ]
