#!/bin/sh
# Rule alerts and roll-up changes on the wire: the records `mpmon replay`
# prints for a rule with alert suppression (tests/data/linux-ssh-root-rule: new
# alerts and repeats, the message filled in from each event) and for a roll-up
# (tests/data/rollup-web: aggregates, standard parents, an instance, an
# aggregate's alert raised and resolved) go through the real sender to a real
# snmptrapd as mpmonRuleAlert and mpmonRollupChange, every varbind decoded by
# name, in the MIB's order, with the record's values; the rule's and the
# aggregate's display names, target and knowledge come from their packs. The
# same records as informs, spooled while the receiver is down and sent by a
# new sender once it is back, arrive the same, without the packs. A rule's long
# message is cut as texts are; storm control holds a rule's firings per rule
# and a roll-up's per node, target and instance, and its summary names them.
. "$(dirname "$0")/snmp-lib.sh"
need perl

rules=tests/data/linux-ssh-root-rule/expected.jsonl
rollups=tests/data/rollup-web/expected.jsonl
packs="--mp mp-xml/packs/Mpmon.Linux.Essentials.xml --mp tests/data/rollup-web/pack.xml"
# The two fixtures both count seq from 1: the roll-ups' go from 1001 here.
grep '"kind":"rule"' "$rules" >"$tmp/records.jsonl"
grep '"kind":"rollup"' "$rollups" | perl -pe 's/^\{"seq":(\d+),/"{\"seq\":" . ($1 + 1000) . ","/e' \
	>>"$tmp/records.jsonl"
nrule=$(grep -c '"kind":"rule"' "$tmp/records.jsonl")
nrollup=$(grep -c '"kind":"rollup"' "$tmp/records.jsonl")
nweb01=$(grep '"kind":"rule"' "$tmp/records.jsonl" | grep -c '"computer":"web01"')
[ "$nrule" -ge 5 ] && [ "$nrollup" -ge 10 ] && grep -q '"repeat_count":[1-9]' "$tmp/records.jsonl" &&
	grep -q '"alert_resolved":true' "$tmp/records.jsonl"
check "the fixtures give rule alerts with repeats ($nrule) and roll-ups with a resolved alert ($nrollup)" $?

# compare PDU-TYPE: every record of records.jsonl arrived as one notification
# of that PDU type (TRAP2, INFORM), its varbinds in the order of the MIB's
# OBJECTS clause (which snmptt's $N follow) with the record's values; a TAP
# line per record.
compare() {
	log_all | perl -MJSON::PP -e '
		my ($pdu, $file) = @ARGV;
		# the varbinds in the order of the OBJECTS clause of each notification
		my %order;
		open my $mib, "<", "mibs/MPMON-MIB.txt" or die;
		my $text = do { local $/; <$mib> };
		while ($text =~ /^(mpmon\w+) NOTIFICATION-TYPE\s+OBJECTS\s*\{([^}]*)\}/mg) {
			my ($name, $objects) = ($1, $2);
			$order{$name} = [$objects =~ /(mpmon\w+)/g];
		}
		my $log = do { local $/; <STDIN> };
		my %got;	# seq -> list of [name, value], the trap OID first
		for my $rec (split /^TRAP /m, $log) {
			next unless $rec =~ /^\Q$pdu\E,/;
			chomp $rec;
			# the first piece holds the PDU type before sysUpTime
			my @vb = map { /(?:MPMON-MIB|SNMPv2-SMI)::(\S+?)(?:\.0)? = (.*)$/s ? [$1, $2] : () }
				split /\|(?=(?:MPMON-MIB|SNMPv2-SMI)::)/, $rec;
			$_->[1] =~ s/^MPMON-MIB::// for grep { $_->[0] =~ /^internet\.6\./ } @vb;
			my ($seq) = map { $_->[1] } grep { $_->[0] eq "mpmonSeq" } @vb;
			push @{$got{$seq}}, \@vb if defined $seq;
		}
		open my $f, "<", $file or die;
		while (my $line = <$f>) {
			my $r = decode_json($line);
			my $rule = $r->{kind} eq "rule";
			my $want = $rule ? "mpmonRuleAlert" : "mpmonRollupChange";
			my %v = (mpmonHost => "testhost", mpmonComputer => $r->{computer},
				mpmonSeq => $r->{seq}, mpmonEventTime => $r->{time},
				mpmonSeverity => lc $r->{severity}, mpmonPriority => lc $r->{priority},
				mpmonAlertName => $r->{alert_name}, mpmonAlertMessage => $r->{message});
			if ($rule) {
				%v = (%v, mpmonRuleId => $r->{rule}, mpmonRepeatCount => $r->{repeat_count},
					mpmonAlertChange => $r->{alert} ? "raised" : "repeated",
					mpmonDiagnosis => $r->{diagnosis}, mpmonResolution => $r->{resolution},
					mpmonDisplayName => "SSH Login as root Failed",
					mpmonTarget => "Mpmon.Linux.Essentials.Server",
					mpmonKnowledgeId => $r->{rule});
			} else {
				my %display = ("Web.Frontends" => "Frontends");
				%v = (%v, mpmonRollupMonitorId => $r->{monitor}, mpmonTarget => $r->{target},
					mpmonInstance => $r->{instance}, mpmonPreviousState => lc $r->{from},
					mpmonNewState => lc $r->{to}, mpmonKnowledgeId => $r->{monitor},
					mpmonDisplayName => $display{$r->{monitor}} // $r->{monitor},
					mpmonAlertChange => $r->{alert} ? "raised" :
						$r->{alert_resolved} ? "resolved" : "none");
			}
			my @bad;
			my $n = @{$got{$r->{seq}} // []};
			push @bad, "arrived $n times" if $n != 1;
			my @vb = $n ? @{$got{$r->{seq}}[0]} : ();
			shift @vb if @vb;	# sysUpTime
			my $oid = shift @vb;
			push @bad, "is " . ($oid ? $oid->[1] : "nothing") if $n && (!$oid || $oid->[1] ne $want);
			my @names = map { $_->[0] } @vb;
			push @bad, "varbinds @names, not @{$order{$want} // []}"
				if $n && "@names" ne "@{$order{$want} // []}";
			for (@vb) {
				my ($name, $value) = @$_;
				push @bad, "$name is \"$value\", not \"$v{$name}\""
					if defined $v{$name} && $value ne $v{$name};
			}
			my $what = $rule ? ($r->{alert} ? "new alert" : "repeat $r->{repeat_count}") :
				"$r->{monitor} [$r->{instance}] $r->{from} -> $r->{to}";
			printf "%d\t%s %d (%s)%s\n", @bad ? 1 : 0, $want, $r->{seq}, $what,
				@bad ? ": " . join("; ", @bad) : "";
		}' "$1" "$tmp/records.jsonl" >"$tmp/compare" 2>&1
	[ -s "$tmp/compare" ] || echo "1	no comparison: $(cat "$tmp/compare")" >"$tmp/compare"
	while IFS='	' read -r s what; do
		check "$1: $what" "$s"
	done <"$tmp/compare"
}

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?
want=$((nrule + nrollup))
# shellcheck disable=SC2086
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --host testhost $packs --stats \
	"$tmp/records.jsonl" >"$tmp/stats" 2>"$tmp/err"
check "trapsend exits 0 ($(cat "$tmp/stats"))" $?
sed 's/^/#   /' "$tmp/err"
wait_records "$want"
got=$(grep -c '^TRAP ' "$tmp/trapd.log")
[ "$got" = "$want" ]
check "one trap per record (want $want, got $got)" $?
! grep -q 'SNMPv2-SMI::enterprises\|iso\.3\.6\.1\.4\.1\.32473' "$tmp/trapd.log"
check "no varbind left undecoded" $?
compare TRAP2

# A message longer than the limit: cut on a character boundary, with the marker.
long=$(head -c 10000 /dev/zero | tr '\0' x)
printf '{"seq":900,"time":"2026-11-20T07:30:00Z","kind":"rule","rule":"Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule","alert":true,"repeat_count":0,"severity":"Warning","priority":"High","alert_name":"","message":"%s","diagnosis":"","resolution":""}\n' \
	"$long" >"$tmp/long.jsonl"
before=$(log_all | grep -c '^TRAP ')
# shellcheck disable=SC2086
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" $packs "$tmp/long.jsonl" \
	>/dev/null 2>"$tmp/err"
wait_records $((before + 1))
msg=$(log_all | grep 'mpmonSeq\.0 = 900$' | sed -n 's/.*|MPMON-MIB::mpmonAlertMessage\.0 = \([^|]*\)|.*/\1/p')
len=$(printf %s "$msg" | wc -c)
case $msg in
xxx*" [cut, see knowledge Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule]") s=0 ;;
*) s=1 ;;
esac
[ "$s" = 0 ] && [ "$len" -le 4000 ] && [ "$len" -ge 3900 ]
check "a rule's 10000-byte message arrives cut to $len bytes, with the marker and the rule's knowledge ID" $?

# Informs with the receiver down: spooled, then sent by a new sender.
stop_trapd
mv "$tmp/trapd.old" "$tmp/trapd.traps" 2>/dev/null
mv "$tmp/trapd.log" "$tmp/trapd.traps.log"
dest="name=noc,peer=udp:127.0.0.1:$port,$V2C,inform=1,timeout-ms=300,backoff-max-ms=600"
# shellcheck disable=SC2086
"$trapsend" --dest "$dest" --spool "$tmp/spool" --host testhost $packs --drain-ms 1000 --stats \
	"$tmp/records.jsonl" >"$tmp/stats" 2>"$tmp/err"
[ $? = 1 ] && grep -q "pending=$want " "$tmp/stats"
check "with the receiver down the sender ends with all $want informs pending ($(cat "$tmp/stats"))" $?
spooled=$(ls "$tmp/spool/noc" | grep -c '\.ntf$')
kinds=$(cat "$tmp/spool/noc"/*.ntf | sed -n 's/^mpmon-notif 1 \([0-9]*\)$/\1/p' | sort | uniq -c | \
	awk '{printf "%s%sx%s", sep, $2, $1; sep=" "}')
[ "$spooled" = "$want" ] && [ "$kinds" = "7x$nrule 8x$nrollup" ]
check "the spool holds them ($spooled entries, notifications $kinds)" $?
start_trapd "$port"
check "snmptrapd back on 127.0.0.1:$port" $?
"$trapsend" --dest "$dest" --spool "$tmp/spool" --synthetic 0 --stats --drain-ms 20000 \
	>"$tmp/stats" 2>>"$tmp/err"
check "a new sender, without the packs, delivers the spool ($(cat "$tmp/stats"))" $?
wait_records "$want"
compare INFORM
left=$(ls "$tmp/spool/noc" | wc -l)
[ "$left" = 0 ]
check "the spool is empty afterwards ($left files)" $?

# Storm control: at most 3 firings per rule, and changes per roll-up node,
# target and instance, in the flap window; the summary names what it held.
"$trapsend" --dest "name=noc,peer=udp:127.0.0.1:$port,$V2C" --host testhost --flap-max 3 \
	--flap-window-ms 60000 --summary-delay-ms 300 --drain-ms 3000 --stats \
	"$tmp/records.jsonl" >"$tmp/stats" 2>"$tmp/err"
check "trapsend with a flap limit exits 0 ($(cat "$tmp/stats"))" $?
for i in $(seq 1 50); do
	log_all | grep -q '^TRAP TRAP2.*mpmonStormSummary|' && break
	sleep 0.1
done
held=$(log_all | grep '^TRAP TRAP2.*mpmonStormSummary|' | sed -n 's/.*mpmonHeldMonitors\.0 = \([^|]*\)|.*/\1/p')
echo "# held: $held"
case $held in
*"Mpmon.Linux.Essentials.SshRootLoginFailed.Alert.Rule on web01 x$((nweb01 - 3)) alert"*) s=0 ;;
*) s=1 ;;
esac
check "the rule's firings on web01 beyond 3 are held, new and repeats alike, and named with 'alert'" $s
case $held in
*"Rule on web02"*) s=1 ;;
*) s=0 ;;
esac
check "web02's one firing is counted apart from web01's, not held" $s
case $held in
*"System.Health.EntityState (Web.Server) on web01 x2 Success"*) s=0 ;;
*) s=1 ;;
esac
check "a standard parent is held per target, and named with it and its last health" $s
case $held in
*"(Web.Server) on web01 [sda]"*) s=1 ;;
*) s=0 ;;
esac
check "the instance sda is a key of its own, not held" $s

stop_trapd
finish
