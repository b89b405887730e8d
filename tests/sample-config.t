#!/bin/sh
# The sample configuration contrib/mpmond.conf, as installed: mpmond
# --check-config accepts it without a word (its [packs] path pointed at the
# checkout's packs), and its regex source is real: a [source] with
# format = regex and a pattern, which, given to mpmon replay with the source's
# log_name, turns the bundled sshd log into the Linux essentials pack's state
# changes, one instance per source address.
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

sed "s|^path = /usr/local/share/mpmon/packs\$|path = $PWD/mp-xml/packs|" contrib/mpmond.conf >"$tmp/mpmond.conf"
! cmp -s contrib/mpmond.conf "$tmp/mpmond.conf"
ok $? "the sample's [packs] path is the installed packs folder (pointed at the checkout here)"
"$bin/mpmond" --config "$tmp/mpmond.conf" --check-config >"$tmp/out" 2>"$tmp/err"
st=$?
# a log folder this machine lacks says more of the machine than of the sample
grep -v "does not exist (yet): mpmond will wait for it$" "$tmp/err" >"$tmp/err.sample"
[ $st = 0 ] && [ ! -s "$tmp/err.sample" ]
ok $? "mpmond --check-config accepts the sample without a warning but missing log folders (exit $st)"
sed 's/^/#   /' "$tmp/err.sample"

# key SECTION KEY: the value of KEY in the first section named SECTION
# (a perl regex), the way inih reads it
key() {
	perl -ne 'BEGIN { ($s, $k) = splice @ARGV, 0, 2 } if (/^\[(.*)\]\s*$/) { $in = $1 =~ /^$s$/ }
		elsif ($in && /^\Q$k\E\s*=\s*(.*?)\s*$/) { print "$1\n"; exit }' "$1" "$2" contrib/mpmond.conf
}
src=$(perl -ne 'if (/^\[(source \S+)\]/) { $s = $1 } elsif ($s && /^format\s*=\s*regex\s*$/) { print "$s\n"; exit }' contrib/mpmond.conf)
[ -n "$src" ]
ok $? "a source reads its log with format = regex (${src:-none})"
pattern=$(key "$src" pattern)
log_name=$(key "$src" log_name)
[ -n "$pattern" ]
ok $? "it has a pattern"
grep -v '^--' mp-xml/packs/samples/linux-sshd.log >"$tmp/auth.log"
"$bin/mpmon" replay --mp mp-xml/packs --format regex --pattern "$pattern" --log-name "$log_name" \
	--input "$tmp/auth.log" >"$tmp/replay" 2>"$tmp/err"
ok $? "the pattern reads the bundled sshd log ($(head -1 "$tmp/err"))"
grep -q '"monitor":"Mpmon.Linux.Essentials.SshAuthFailures","computer":"[^"]*","instance":"198.51.100.7","from":"Success","to":"Error"' "$tmp/replay"
ok $? "the SSH monitor turns red for the address whose logins mostly fail"
echo "1..$n"
[ "$fail" = 0 ]
