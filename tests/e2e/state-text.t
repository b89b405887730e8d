#!/bin/sh
# `mpmon state --output text` against a real mpmond running the shipped Linux
# essentials pack: a table with each monitor's display name, the instance,
# health, since and whether an alert is open, read from the control socket
# while mpmond runs and from state.json after it stopped; text from the log
# (an instance holding a terminal escape) is shown as \xNN; the columns line
# up; a bad --output is a usage error.
. "$(dirname "$0")/lib.sh"

conf
sed -i "s|^path = $top/tests/e2e/data/pack.xml|path = $top/mp-xml/packs/Mpmon.Linux.Essentials.xml|; s|^log_name = System|log_name = journal|" "$T/c.conf"
j() {	# j MINUTE PUBLISHER UNIT TEXT: a journal entry as a JSON line
	printf '{"TimeGenerated":"2026-11-20T08:%02d:00Z","LogName":"journal","PublisherName":"%s","EventLevel":3,"LoggingComputer":"web01","UNIT":"%s","EventDescription":"%s"}\n' "$@"
}
{
	j 0 systemd nginx.service "nginx.service: Failed with result 'exit-code'."
	j 2 systemd 'evil\u001b[31m.service' "evil\u001b[31m.service: Failed with result 'signal'."
	j 5 kernel "" "Out of memory: Killed process 4242 (java) total-vm:8123456kB"
	j 10 systemd nginx.service "Started nginx.service - A high performance web server."
} >"$T/logs/a.log"
start
ok $? "mpmond starts"
wait_value 5 3 state_get 'scalar @{$s->{monitors}} . ""'
state_get '$s->{monitors}[0]{display_name}' | grep -qx 'systemd Unit Failed'
ok $? "state.json carries the monitor's display name"

# check_table FILE WHERE: the rows, whatever the column widths
check_table() {
	f=$1
	grep -q '^mpmond (pid [0-9]*): last change #[0-9]*, state written 20[0-9-]*T' "$f"
	ok $? "$2: the heading names mpmond's pid, the last change and when the state was written"
	grep -Eq '^MONITOR +COMPUTER +INSTANCE +HEALTH +SINCE +ALERT$' "$f"
	ok $? "$2: the column titles"
	grep -Eq '^systemd Unit Failed +web01 +nginx\.service +Success +2026-11-20T08:10:00Z +-$' "$f"
	ok $? "$2: nginx failed and started again: Success since 08:10, no alert open"
	grep -Eq '^systemd Unit Failed +web01 +evil\\x1b\[31m\.service +Error +2026-11-20T08:02:00Z +open$' "$f"
	ok $? "$2: the unit with an escape in its name: shown as \\x1b, Error, alert open"
	grep -Eq '^Out-of-Memory Kill +web01 +web01 +Warning +2026-11-20T08:05:00Z +open$' "$f"
	ok $? "$2: the OOM kill, by its display name, per host"
	! grep -q "$(printf '\033')" "$f"
	ok $? "$2: no raw escape reaches the terminal"
	perl -ne 'next unless /^(MONITOR|systemd|Out-of)/; /(?:Success|Error|Warning|HEALTH)/ or next;
		$c{$-[0]}++; END { exit(keys %c == 1 ? 0 : 1) }' "$f"
	ok $? "$2: the HEALTH column starts at the same place in every row"
}

"$bin/mpmon" state --state-dir "$T/state" --output text >"$T/live" 2>"$T/err"
ok $? "mpmon state --output text exits 0 while mpmond runs ($(cat "$T/err"))"
sed 's/^/#   /' "$T/live"
check_table "$T/live" "from the control socket"
stop
ok $? "mpmond stops"
"$bin/mpmon" state --state-dir "$T/state" --output text >"$T/file" 2>"$T/err"
ok $? "mpmon state --output text exits 0 from the state file"
check_table "$T/file" "from state.json"
"$bin/mpmon" state --state-dir "$T/state" --output json | perl -MJSON::PP -e 'local $/; decode_json(<STDIN>)' 2>/dev/null
ok $? "--output json is the JSON, as without --output"
"$bin/mpmon" state --state-dir "$T/state" --output xml >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -qx "mpmon: --output takes json or text, not 'xml'" "$T/err"
ok $? "--output xml is a usage error (exit 2) that says why"
"$bin/mpmon" reset X --output text --state-dir "$T/state" >/dev/null 2>&1
[ $? = 2 ]
ok $? "reset takes no --output"
done_testing
