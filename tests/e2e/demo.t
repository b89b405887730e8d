#!/bin/sh
# make demo's script (build-aux/demo.sh) end to end: it exits 0; mpmond,
# following the sample text log and the journal that systemd-journal-remote
# writes from the export-format sample, logs the same records, in the same
# order, as `mpmon replay --health` of the same samples (state changes, rule
# alerts, roll-ups); it reads every journal entry once; and snmptrapd decodes
# one notification per record.
. "$(dirname "$0")/lib.sh"
samples=mp-xml/packs/samples

if [ ! -x /lib/systemd/systemd-journal-remote ] || ! command -v snmptrapd >/dev/null; then
	echo "1..0 # SKIP systemd-journal-remote or snmptrapd not installed (make deps)"
	exit 0
fi

timeout 300 sh build-aux/demo.sh "$bin" >"$T/out" 2>&1
st=$?
ok $st "the demo exits 0 (got $st)"
[ $st = 0 ] || tail -n 20 "$T/out" | sed 's/^/#   /'

# "MONITOR on COMPUTER [INSTANCE]: FROM -> TO" of every change (an instance
# named after its computer is named once), and "rule RULE
# on COMPUTER: new alert" or "... repeat N" of every rule alert, as replay gives them
for f in mdm-enrollment.jsonl linux-essentials.jsonl; do
	"$bin/mpmon" replay --health --mp mp-xml/packs --input "$samples/$f"
done | perl -MJSON::PP -ne '$c = decode_json($_);
	if (($c->{kind} // "") eq "rule") {
		print "rule $c->{rule}", on($c), ": ", $c->{alert} ? "new alert" : "repeat $c->{repeat_count}", "\n";
		next }
	my $i = $c->{instance} ne "" && $c->{instance} ne $c->{computer} ? " [$c->{instance}]" : "";
	print $c->{monitor}, on($c), $i, ": $c->{from} -> $c->{to}\n";
	sub on { $_[0]{computer} ne "" ? " on $_[0]{computer}" : "" }' \
	>"$T/want"
# a change that raises or resolves no alert has no message after the states
sed -n 's/^mpmond: #[0-9]* \([^:]*: [A-Za-z]* -> [A-Za-z]*\)\(: .*\)\{0,1\}$/\1/p; s/^mpmond: #[0-9]* \(rule [^:]*: new alert\):.*/\1/p;
	s/^mpmond: #[0-9]* \(rule [^:]*: repeat [0-9]*\) of its open alert.*/\1/p' "$T/out" >"$T/got"
[ -s "$T/want" ] && diff "$T/want" "$T/got" >"$T/diff"
ok $? "mpmond's state changes and rule alerts equal the replay's ($(wc -l <"$T/want") of them)"
sed 's/^/#   /' "$T/diff"
grep -q '^rule Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule on web01: new alert$' "$T/got"
ok $? "the journal's failed root login raises the shipped rule's alert"

want=$(grep -c '^__REALTIME_TIMESTAMP=' "$samples/linux-essentials.export")
got=$(sed -n 's/^source journal: \([0-9]*\) records, 0 bad$/\1/p' "$T/out")
[ "$got" = "$want" ]
ok $? "every journal entry read once (want $want records, got $got)"

want=$(wc -l <"$T/got")
got=$(grep -c '^    internet.6.3.1.1.4.1.0 = mpmon\(HealthStateChange\|AlertResolved\|RuleAlert\|RollupChange\)$' "$T/out")
[ "$got" = "$want" ] && [ "$want" -gt 0 ]
ok $? "snmptrapd decoded one notification per record (want $want, got $got)"
grep -q '^    mpmonRuleId.0 = Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule$' "$T/out" &&
	grep -q '^    mpmonRollupMonitorId.0 = System.Health.EntityState$' "$T/out"
ok $? "the rule's alert and the roll-ups arrive as mpmonRuleAlert and mpmonRollupChange"
grep -q '^    mpmonMonitorId.0 = Mpmon.Linux.Essentials.UnitFailed$' "$T/out"
ok $? "a journal entry's state change arrives as a trap"

# The README's first screen quotes make demo: its lines, in order ("..."
# skips lines; "$ " is the command; the port is the one of this run).
perl -e 'open my $r, "<", $ARGV[0] or die; my ($in, @want);
	while (<$r>) { chomp; if (/^<!-- lines of make demo/) { $in = 1; next }
		next unless $in; last if /^```$/ && @want; next if /^```/;
		push @want, $_ unless $_ eq "..." || /^\$ /; }
	open my $o, "<", $ARGV[1] or die; my @got = map { chomp; $_ } <$o>;
	s/127\.0\.0\.1:\d+/127.0.0.1:PORT/g for @want, @got;
	my $i = 0; for my $w (@want) { $i++ while $i < @got && $got[$i] ne $w;
		if ($i == @got) { print "#   not in the demo output (in order): $w\n"; exit 1 } $i++ }
	exit(@want ? 0 : 1)' README.md "$T/out"
ok $? "the lines of make demo the README quotes are what it prints, in order"

done_testing
