#!/bin/sh
# mpmon replay --timeline: the replay's output is unchanged, and the page has
# one SVG row per monitor instance of the replay (and per roll-up node with
# --health), an alert mark for every alert, coloured segments, a time axis and
# a legend; it is well-formed XML; more instances than the bound give exactly
# the bound's rows and a note that says so; text from logs is escaped.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=$((fail + 1)); }
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; echo "#   want '$2', got '$1'"; fi
}

# rows FILE: "monitor<TAB>instance" of every row, in page order
rows() {
	perl -ne 'print "$1\t$2\n" while /<g class="row" data-monitor="([^"]*)" data-computer="[^"]*" data-instance="([^"]*)" data-kind="monitor">/g' "$1"
}

# row_block FILE MONITOR INSTANCE: the <g> of that row
row_block() {
	perl -0ne 'while (/(<g class="row" data-monitor="\Q'"$2"'\E" data-computer="[^"]*" data-instance="\Q'"$3"'\E"[^>]*>.*?<\/g>)/sg) { print $1 }' "$1"
}

# --- the Gateway Alerter fixture: monitors with instances, four alerts
dir=tests/data/gateway-alerter
"$bin/mpmon" replay --mp mp-xml/packs/Mpmon.MDM.GatewayAlerter.xml --input "$dir/events.jsonl" \
	--timeline "$tmp/ga.html" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "gateway: exit 0"
if cmp -s "$tmp/out" "$dir/expected.jsonl"; then ok "gateway: the JSON lines are unchanged"; else
	not_ok "gateway: the JSON lines are unchanged"; fi
if xmllint --noout "$tmp/ga.html" 2>"$tmp/xerr"; then ok "gateway: the page is well-formed"; else
	not_ok "gateway: the page is well-formed"; sed 's/^/#   /' "$tmp/xerr" | head -5; fi
perl -MJSON::PP -ne 'my $o = decode_json($_); print "$o->{monitor}\t$o->{instance}\n"' \
	"$dir/expected.jsonl" | sort -u >"$tmp/want-rows"
rows "$tmp/ga.html" >"$tmp/got-rows"
if sort "$tmp/got-rows" | cmp -s - "$tmp/want-rows"; then
	ok "gateway: one row per monitor and instance of the replay ($(wc -l <"$tmp/want-rows"))"
else
	not_ok "gateway: one row per monitor and instance of the replay"
	diff "$tmp/want-rows" "$tmp/got-rows" | sed 's/^/#   /'
fi
if sort -c "$tmp/got-rows" 2>/dev/null; then ok "gateway: rows sorted by monitor and instance"; else
	not_ok "gateway: rows sorted by monitor and instance"; fi
is "$(grep -o 'class="alert"' "$tmp/ga.html" | wc -l)" "$(grep -c '"alert":true' "$dir/expected.jsonl")" \
	"gateway: an alert mark per alert"
row_block "$tmp/ga.html" Mpmon.MDM.GatewayAlerter.WipeNotAcknowledged WM-0107 >"$tmp/row"
is "$(grep -o 'class="alert"' "$tmp/row" | wc -l)" 1 "gateway: WM-0107's row has its alert mark"
is "$(grep -o 'class="seg [A-Za-z]*"' "$tmp/row" | tr '\n' ' ')" \
	'class="seg Uninitialized" class="seg Error" class="seg Success" ' \
	"gateway: WM-0107 goes Uninitialized, Error, Success"
if grep -q '<title>Alert (Error) at 2026-11-21T09:5[0-9]:00Z: Device WM-0107 has not acknowledged' "$tmp/row"; then
	ok "gateway: the alert's hover title has its time and message"
else
	not_ok "gateway: the alert's hover title has its time and message"; grep -o '<title>Alert[^<]*' "$tmp/row" | sed 's/^/#   /'
fi
row_block "$tmp/ga.html" Mpmon.MDM.GatewayAlerter.WipeNotAcknowledged WM-0042 >"$tmp/row"
is "$(grep -o 'class="alert"' "$tmp/row" | wc -l)" 0 "gateway: WM-0042's row has no alert mark"
ticks=$(grep -o 'class="tick"' "$tmp/ga.html" | wc -l)
if [ "$ticks" -ge 3 ] && grep -q 'class="ticklabel">08:00</text>' "$tmp/ga.html"; then
	ok "gateway: a time axis with $ticks ticks, from 08:00"
else
	not_ok "gateway: a time axis with ticks from 08:00 (got $ticks ticks)"
fi
for h in Uninitialized Success Warning Error; do
	grep -q "<li><span class=\"sw\" style=\"background:#[0-9a-f]*\"></span>$h</li>" "$tmp/ga.html" ||
		not_ok "gateway: legend lacks $h"
done
ok "gateway: the legend names the four health states"
if grep -q '<script' "$tmp/ga.html"; then not_ok "gateway: no scripts"; else ok "gateway: no scripts"; fi

# --- roll-up rows with --health
dir=tests/data/rollup-web
"$bin/mpmon" replay --mp "$dir/pack.xml" --input "$dir/events.jsonl" --health \
	--timeline "$tmp/rw.html" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "rollup: exit 0"
if cmp -s "$tmp/out" "$dir/expected.jsonl"; then ok "rollup: the JSON lines are unchanged"; else
	not_ok "rollup: the JSON lines are unchanged"; fi
is "$(grep -c 'data-kind="monitor"' "$tmp/rw.html")" 4 "rollup: 4 unit monitor rows"
want=$(perl -MJSON::PP -ne 'my $o = decode_json($_); print "$o->{monitor}|$o->{target}|$o->{instance}\n" if ($o->{kind} // "") eq "rollup"' "$dir/expected.jsonl" | sort -u | wc -l)
is "$(grep -c 'data-kind="rollup"' "$tmp/rw.html")" "$want" "rollup: a row per roll-up node"

# --- the row bound, and text from the log
perl -e 'for my $i (1..600) {
	my $host = $i == 1 ? q{evil<script>&"x'"'"'} : sprintf("host%04d", $i);
	$host =~ s/"/\\"/g;
	printf(qq({"TimeGenerated":"2026-11-21T08:%02d:%02dZ","LogName":"Mobile Device Manager","PublisherName":"Device Manager","EventDisplayNumber":2011,"LoggingComputer":"%s","Params":["x"]}\n), $i / 60, $i % 60, $host);
}' >"$tmp/many.jsonl"
"$bin/mpmon" replay --mp mp-xml/packs/Mpmon.MDM.GatewayAlerter.xml --input "$tmp/many.jsonl" \
	--timeline "$tmp/many.html" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "bound: exit 0"
is "$(wc -l <"$tmp/out")" 600 "bound: all 600 changes still printed"
is "$(grep -c '<g class="row"' "$tmp/many.html")" 500 "bound: 500 rows drawn"
if grep -q '<p class="capped">Capped: only the first 500 monitor instances are shown; 100 records' "$tmp/many.html"; then
	ok "bound: the page says it is capped"
else
	not_ok "bound: the page says it is capped"
fi
if xmllint --noout "$tmp/many.html" 2>/dev/null; then ok "bound: well-formed with markup in an instance"; else
	not_ok "bound: well-formed with markup in an instance"; fi
if grep -q 'data-instance="evil&lt;script&gt;&amp;&quot;x&#39;"' "$tmp/many.html" && ! grep -q '<script' "$tmp/many.html"; then
	ok "bound: the instance's markup is escaped"
else
	not_ok "bound: the instance's markup is escaped"
fi

# --- an empty replay still writes a page; an unwritable path is an error
: >"$tmp/empty.jsonl"
"$bin/mpmon" replay --mp mp-xml/packs --input "$tmp/empty.jsonl" --timeline "$tmp/empty.html" >/dev/null 2>&1
if [ $? = 0 ] && grep -q 'class="empty"' "$tmp/empty.html" && xmllint --noout "$tmp/empty.html" 2>/dev/null; then
	ok "empty replay: a page that says nothing changed"
else
	not_ok "empty replay: a page that says nothing changed"
fi
"$bin/mpmon" replay --mp mp-xml/packs --input "$tmp/empty.jsonl" --timeline "$tmp/no/such/dir.html" >/dev/null 2>"$tmp/err"
status=$?
if [ "$status" = 2 ] && grep -q 'cannot write the timeline' "$tmp/err"; then
	ok "unwritable --timeline: exit 2 with a message"
else
	not_ok "unwritable --timeline: exit 2 with a message (got $status)"
fi

echo "1..$n"
[ "$fail" = 0 ]
