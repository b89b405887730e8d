#!/bin/sh
# The man pages in docs/man/: groff, man and mandoc lint them without a word,
# and they cannot fall behind the code: every option each program's --help
# prints, every option its getopt tables and option string accept, every
# mpmon command, and every section and key collector/config.c accepts must
# appear in its page (an option as --NAME or -X, a config key as an entry of
# its own). The lists come from the binaries and the source, not from here.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=$((fail + 1)); fi
}
for tool in groff man mandoc; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed (make deps)"
		exit 0
	fi
done

pages="mpmon.1 mpmond.8 check_mpmon.1 mpmond.conf.5"
for p in $pages; do
	f=docs/man/$p
	[ -f "$f" ]
	ok $? "$p exists"
	[ -f "$f" ] || continue
	groff -man -ww -z "$f" >"$tmp/out" 2>&1
	[ $? = 0 ] && [ ! -s "$tmp/out" ]
	ok $? "$p: groff -man -ww -z prints nothing"
	sed 's/^/#   /' "$tmp/out"
	MANWIDTH=80 man --warnings -l "$f" 2>"$tmp/out" >/dev/null
	[ $? = 0 ] && [ ! -s "$tmp/out" ]
	ok $? "$p: man --warnings -l prints no warning"
	sed 's/^/#   /' "$tmp/out"
	mandoc -T lint "$f" >"$tmp/out" 2>&1
	[ $? = 0 ] && [ ! -s "$tmp/out" ]
	ok $? "$p: mandoc -T lint prints nothing"
	sed 's/^/#   /' "$tmp/out"
	mandoc -T ascii "$f" | col -b >"$tmp/$p.txt"
done

# The options of a program: long ones from --help and the getopt tables, short
# ones from --help and the option strings.
# options PROGRAM-HELP-COMMAND SOURCE...
options() {
	help=$1
	shift
	sh -c "$help" 2>&1 | grep -o -- '\(^\|[][ ,|(]\)--\?[A-Za-z][A-Za-z-]*' | sed 's/^[][ ,|(]//'
	perl -ne 'print "--$1\n" while /\{\s*"([a-z][a-z-]*)",\s*(?:no|required|optional)_argument/g;
		if (/getopt_long\([^,]*,[^,]*,\s*"([^"]*)"/) { my $s = $1; $s =~ s/://g; print "-$_\n" for split //, $s }' "$@"
}
# covered PAGE DESCRIPTION WORD...: each word appears in the page's text
covered() {
	page=$1 what=$2
	shift 2
	missing=
	for w in "$@"; do
		grep -q -- "\(^\|[^A-Za-z-]\)$w\([^A-Za-z_-]\|$\)" "$tmp/$page.txt" || missing="$missing $w"
	done
	[ -z "$missing" ]
	ok $? "$page documents every $what ($# of them)${missing:+; missing:$missing}"
}

covered mpmon.1 "option of mpmon and mpmon doc" $(options "'$bin/mpmon' --help; '$bin/mpmon' doc --help" cli/mpmon.c cli/doc.c | sort -u)
covered mpmon.1 "mpmon command" $(sed -n 's/.*strcmp(argv\[1\], "\([a-z]*\)") == 0)$/\1/p' cli/mpmon.c | sort -u)
covered mpmond.8 "option of mpmond" $(options "'$bin/mpmond' --help" collector/mpmond.c | sort -u)
covered check_mpmon.1 "option of check_mpmon" $(options "'$bin/check_mpmon' --help" cli/check_mpmon.c | sort -u)

# Config keys are entries of their own: the key alone at the start of a line
# of the list (or followed by its text).
keys=$(sed -n 's/.*strcmp(name, "\([a-z_.]*\)").*/\1/p' collector/config.c | sort -u)
missing=
for k in $keys; do
	grep -q "^ \{5,8\}$(echo "$k" | sed 's/\./\\./g')\( \|$\)" "$tmp/mpmond.conf.5.txt" || missing="$missing $k"
done
[ -n "$keys" ] && [ -z "$missing" ]
ok $? "mpmond.conf.5 has an entry for every key config.c accepts ($(echo "$keys" | wc -w) of them)${missing:+; missing:$missing}"
sections=$( { sed -n 's/.*strcmp(section, "\([a-z]*\)").*/[\1]/p' collector/config.c
	sed -n 's/.*strncmp(section, "\([a-z]*\) ", [0-9]*).*/[\1 NAME]/p' collector/config.c; } | sort -u)
missing=
for s in $(echo "$sections" | tr ' ' '#'); do
	s=$(echo "$s" | tr '#' ' ')
	grep -qxF "$s" "$tmp/mpmond.conf.5.txt" || missing="$missing $s"
done
[ -n "$sections" ] && [ -z "$missing" ]
ok $? "mpmond.conf.5 has a section for every section config.c accepts ($(echo "$sections" | wc -l))${missing:+; missing:$missing}"
echo "1..$n"
[ "$fail" = 0 ]
