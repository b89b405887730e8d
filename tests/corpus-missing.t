#!/bin/sh
# A user's clone has no shared corpus of SCOM packs beside it. In a copy of
# the tests with no ../shared, every test that reads the corpus (the scripts
# that source tests/corpus-lib.sh, the unit tests that call tap_corpus) passes,
# its corpus checks left out with one skip line that names the folder and
# MP_CORPUS=DIR make check; with MP_CORPUS naming a folder that is not there,
# each fails with one line that names it, and skips nothing. No other test
# looks for the corpus on its own.
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
bin=${MPMON_BIN:-$top/build/bin}
build=${MPMON_BUILD:-$top/build}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

scripts=$(grep -l '^\. tests/corpus-lib\.sh' tests/*.t)
units=$(grep -l 'tap_corpus(' tests/unit/test_*.c | sed 's|tests/unit/||; s|\.c$||')
others=$(grep -l -e '${MP_CORPUS' -e 'getenv("MP_CORPUS")' -e '"\.\./shared' -e '=\.\./shared' \
	tests/*.t tests/e2e/*.t tests/e2e/*.sh tests/unit/*.c tests/fuzz/*.sh tests/fuzz/*.c |
	grep -v -e '^tests/corpus-missing\.t$' -e '^tests/unit/tap\.c$')
[ -z "$others" ]
ok $? "the corpus is found by tests/corpus-lib.sh and tap_corpus alone${others:+; not by: $(echo $others)}"
[ -n "$scripts" ] && [ -n "$units" ]
ok $? "tests that read the corpus: $(echo $scripts $units)"

# the clone: what the tests read from the checkout, and nothing beside it
clone=$tmp/clone/mpmon
mkdir -p "$clone"
cp -R tests mp-xml "$clone/"

# each TEST prints one LINE and passes (MP_CORPUS unset), or fails (set)
lines() {	# lines OUT: the corpus skip and failure lines of a test's output
	grep -E '^(not )?ok [0-9]+ .*no pack corpus at ' "$1"
	grep -E '^not ok ' "$1" | grep -v 'no pack corpus at '
}
for t in $scripts $units; do
	case $t in
	*.t) set -- sh "$clone/$t" ;;
	*) set -- "$build/tests/$t" ;;
	esac
	(cd "$clone" && env -u MP_CORPUS MPMON_BIN="$bin" "$@") >"$tmp/out" 2>&1
	st=$?
	lines "$tmp/out" >"$tmp/lines"
	[ $st = 0 ] && [ "$(wc -l <"$tmp/lines")" = 1 ] &&
		grep -qE '^ok [0-9]+ # SKIP .*: no pack corpus at \.\./shared/mp-corpus \(MP_CORPUS=DIR make check runs them\)$' "$tmp/lines"
	ok $? "$t without a corpus: passes, one skip line (exit $st)"
	[ $st = 0 ] || sed 's/^/#   /' "$tmp/lines"

	(cd "$clone" && MP_CORPUS="$tmp/none" MPMON_BIN="$bin" "$@") >"$tmp/out" 2>&1
	st=$?
	lines "$tmp/out" >"$tmp/lines"
	[ $st != 0 ] && [ "$(wc -l <"$tmp/lines")" = 1 ] && ! grep -q '# SKIP' "$tmp/out" &&
		grep -qE "^not ok [0-9]+ - .*: no pack corpus at $tmp/none \(MP_CORPUS\)\$" "$tmp/lines"
	ok $? "$t with MP_CORPUS naming no folder: fails on one line, skips nothing (exit $st)"
	[ $st != 0 ] || sed 's/^/#   /' "$tmp/lines"
done
echo "1..$n"
[ "$fail" = 0 ]
