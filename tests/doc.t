#!/bin/sh
# mpmon doc: the Markdown page of the shipped Wipe Service Driver pack carries
# the knowledge sections, every property row with its value, and the XML source;
# the HTML page is well-formed and self-contained; text from a pack cannot
# break out of its place (tests/data/doc/hostile.xml); every shipped and corpus
# pack renders; an unknown element ID fails with exit 1 and names the ID; a
# diagnostic or recovery says whether mpmond runs it, and with which command.
#
# IDs are shown without their alias (SystemHealth!System.Health.AvailabilityState
# is `System.Health.AvailabilityState`), in code spans in Markdown and <code> in
# HTML.
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=$((fail + 1)); }
. tests/corpus-lib.sh

# has FILE LINE: FILE holds LINE as a whole line
has() {
	if grep -qxF -- "$2" "$1"; then
		ok "has: $2"
	else
		not_ok "has: $2"
		echo "#   want the line: $2"
	fi
}

# contains FILE TEXT: TEXT appears somewhere in FILE
contains() {
	if grep -qF -- "$2" "$1"; then
		ok "${3:-contains: $2}"
	else
		not_ok "${3:-contains: $2}"
		echo "#   want: $2"
	fi
}

lacks() {
	if grep -qF -- "$2" "$1"; then
		not_ok "${3:-lacks: $2}"
		grep -nF -- "$2" "$1" | head -3 | sed 's/^/#   /'
	else
		ok "${3:-lacks: $2}"
	fi
}

wipe=mp-xml/packs/Mpmon.MDM.WipeServiceDriver.xml
mon=Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.EnrollmentConnection.MobileDeviceManager.EnrollmentConnection.EventBased.UnitMonitor

# --- Markdown of the whole pack
"$bin/mpmon" doc "$wipe" >"$tmp/wipe.md" 2>"$tmp/err"
status=$?
if [ "$status" = 0 ] && [ ! -s "$tmp/err" ]; then ok "markdown: exit 0, quiet"; else
	not_ok "markdown: exit 0, quiet (got $status)"; sed 's/^/#   /' "$tmp/err" | head -5; fi
md=$tmp/wipe.md
has "$md" "# MDM Wipe Service Driver"
has "$md" '`Mpmon.MDM.WipeServiceDriver` (ManagementPack), version 1.0.0.0'
has "$md" "## Contents"
contains "$md" "- [Enrollment Connection Health Monitor (Mobile Device Manager Log)](#monitor-1)"
has "$md" '<a id="monitor-1"></a>'
has "$md" "## Enrollment Connection Health Monitor (Mobile Device Manager Log)"
has "$md" "\`$mon\` (UnitMonitor)"
has "$md" "### Knowledge Base article"
has "$md" "#### Summary"
has "$md" "#### Causes"
has "$md" "#### Resolutions"
contains "$md" "This monitor follows those two events: it turns red on 1003 and returns to green with the next 1004."
has "$md" "- The Enrollment Server, or its SCMDM Enrollment services, are not running."
has "$md" "2. Check in the Services console of the Enrollment Server that the SCMDM Enrollment services are started."
contains "$md" "Disable the loopback check on every Device Management Server of a load-balanced array"
has "$md" "### Element properties"
has "$md" "| Target | \`Microsoft.SystemCenter.MobileDeviceManager.2008.1_0.WipeServiceDriver.ClassType\` |"
has "$md" '| Parent Monitor | `System.Health.AvailabilityState` |'
has "$md" "| Category | StateCollection |"
has "$md" "| Enabled | True |"
has "$md" "| Alert Generate | True |"
has "$md" "| Alert Severity | MatchMonitorHealth |"
has "$md" "| Alert Priority | Normal |"
has "$md" "| Alert Auto Resolve | True |"
has "$md" '| Monitor Type | `Microsoft.Windows.2SingleEventLog2StateMonitorType` |'
has "$md" "| Remotable | True |"
has "$md" "| Accessibility | Public |"
has "$md" "| Alert Message | Enrollment Connection Alert — {0} |"
has "$md" "| RunAs | Default |"
has "$md" "### Source Code"
has "$md" '```xml'
contains "$md" "<UnitMonitor ID=\"$mon\" Accessibility=\"Public\" Enabled=\"onEssentialMonitoring\""
contains "$md" '<Value>1003</Value>'
has "$md" "</UnitMonitor>"
# the source sits inside the fence: the closing fence follows </UnitMonitor>
if grep -A1 -xF '</UnitMonitor>' "$md" | tail -1 | grep -qx '```'; then
	ok "markdown: the fence closes after the source"
else
	not_ok "markdown: the fence closes after the source"
fi

# --- one monitor's page
"$bin/mpmon" doc "$wipe" --monitor "$mon" --output "$tmp/one.md" >"$tmp/out" 2>&1
status=$?
if [ "$status" = 0 ] && [ ! -s "$tmp/out" ]; then ok "--monitor --output: exit 0, nothing on stdout"; else
	not_ok "--monitor --output: exit 0, nothing on stdout (got $status)"; fi
has "$tmp/one.md" "# Enrollment Connection Health Monitor (Mobile Device Manager Log)"
lacks "$tmp/one.md" "## Contents" "--monitor: no pack header"
has "$tmp/one.md" "| Alert Severity | MatchMonitorHealth |"

# --- HTML
"$bin/mpmon" doc "$wipe" --format html --output "$tmp/wipe.html" 2>"$tmp/err"
status=$?
if [ "$status" = 0 ]; then ok "html: exit 0"; else not_ok "html: exit 0 (got $status)"; fi
if xmllint --noout "$tmp/wipe.html" 2>"$tmp/xerr"; then ok "html: well-formed (parses as XML)"; else
	not_ok "html: well-formed (parses as XML)"; sed 's/^/#   /' "$tmp/xerr" | head -5; fi
if xmllint --html --noout "$tmp/wipe.html" 2>"$tmp/xerr" && [ ! -s "$tmp/xerr" ]; then
	ok "html: the HTML parser has no complaint"
else
	not_ok "html: the HTML parser has no complaint"; sed 's/^/#   /' "$tmp/xerr" | head -5
fi
h=$tmp/wipe.html
contains "$h" '<tr><th>Parent Monitor</th><td><code>System.Health.AvailabilityState</code></td></tr>'
contains "$h" '<tr><th>Alert Severity</th><td>MatchMonitorHealth</td></tr>'
contains "$h" '<tr><th>Monitor Type</th><td><code>Microsoft.Windows.2SingleEventLog2StateMonitorType</code></td></tr>'
contains "$h" '<tr><th>RunAs</th><td>Default</td></tr>'
contains "$h" '<tr><th>Alert Message</th><td><strong>Enrollment Connection Alert</strong><br/>{0}</td></tr>'
contains "$h" '<h4>Causes</h4>'
contains "$h" '<li>The Enrollment Server, or its SCMDM Enrollment services, are not running.'
contains "$h" "<pre class=\"source\"><code>&lt;UnitMonitor ID=&quot;$mon&quot;"
contains "$h" "<style>" "html: inline CSS"
lacks "$h" "<script" "html: no scripts"
lacks "$h" "<link" "html: no external style sheets"
lacks "$h" "src=" "html: no external resources"

# --- a monitor mpmon keeps out is marked so on its page, with validate's reason
notrun=tests/data/doc/not-run.xml
why="type 'Windows!Microsoft.Windows.WmiBased.Configurable.2StateMonitorType' is not supported by mpmon yet; the monitor stays disabled"
"$bin/mpmon" doc "$notrun" >"$tmp/notrun.md" 2>"$tmp/err"
st=$?
"$bin/mpmon" doc "$notrun" --format html >"$tmp/notrun.html" 2>>"$tmp/err"
if [ "$st$?" = 00 ] && [ ! -s "$tmp/err" ]; then ok "not run: renders, quiet"; else
	not_ok "not run: renders, quiet"; sed 's/^/#   /' "$tmp/err" | head -5; fi
has "$tmp/notrun.md" "**Not run by mpmon:** $why"
has "$tmp/notrun.md" "| Runs in mpmond | No: $why |"
has "$tmp/notrun.md" "| Runs in mpmond | Yes |"
is_count() {	# is_count FILE TEXT N: TEXT appears on N lines
	got=$(grep -cF -- "$2" "$1")
	if [ "$got" = "$3" ]; then ok "$4"; else not_ok "$4 (got $got)"; fi
}
is_count "$tmp/notrun.md" "Not run by mpmon" 1 "not run: only the monitor kept out is marked"
why_html=$(printf '%s' "$why" | sed "s/'/\&#39;/g")
contains "$tmp/notrun.html" "<p class=\"disabled\"><strong>Not run by mpmon:</strong> $why_html</p>" \
	"not run: html marks the page"
"$bin/mpmon" doc "$notrun" --monitor Doc.Wmi >"$tmp/one.md" 2>/dev/null
has "$tmp/one.md" "**Not run by mpmon:** $why"
"$bin/mpmon" doc tests/data/doc/hostile.xml --monitor Doc.Hostile >"$tmp/off.md" 2>/dev/null
has "$tmp/off.md" '| Runs in mpmond | No: it is turned off in the pack (Enabled="false") |'
lacks "$tmp/off.md" "Not run by mpmon" "not run: a monitor the pack turns off is not marked as kept out"

# --- hostile text stays text
hostile=tests/data/doc/hostile.xml
"$bin/mpmon" doc "$hostile" --format html >"$tmp/hostile.html" 2>"$tmp/err"
status=$?
"$bin/mpmon" doc "$hostile" >"$tmp/hostile.md" 2>>"$tmp/err"
if [ "$status$?" = 00 ]; then ok "hostile pack renders"; else not_ok "hostile pack renders"; fi
if xmllint --noout "$tmp/hostile.html" 2>/dev/null; then ok "hostile html: well-formed"; else
	not_ok "hostile html: well-formed"; fi
lacks "$tmp/hostile.html" "<script" "hostile html: no <script> from the pack"
lacks "$tmp/hostile.html" "<img" "hostile html: no <img> from the pack"
contains "$tmp/hostile.html" '&lt;script&gt;alert(1)&lt;/script&gt;' "hostile html: the name shown as text"
contains "$tmp/hostile.html" '<li>First step<ul>' "hostile html: nested list"
contains "$tmp/hostile.html" '<tr><th>Event</th><th>Meaning</th></tr>' "hostile html: knowledge table"
if grep -E '(^|[^\\])<(script|img)' "$tmp/hostile.md"; then
	not_ok "hostile md: no raw <script> or <img>, only escaped ones"
else
	ok "hostile md: no raw <script> or <img>, only escaped ones"
fi
has "$tmp/hostile.md" '1. First step'
has "$tmp/hostile.md" '   - Nested bullet'
has "$tmp/hostile.md" '| Event | Meaning |'
has "$tmp/hostile.md" '| RunAs | `Doc.Profile` |'
# the source holds ``` so its fence must be longer, and it closes only after it
has "$tmp/hostile.md" '````xml'
if [ "$(grep -c '^````$' "$tmp/hostile.md")" = 1 ] && ! grep -q '^```$' "$tmp/hostile.md"; then
	ok "hostile md: one four-backtick fence closes the source"
else
	not_ok "hostile md: one four-backtick fence closes the source"
fi
lacks "$tmp/hostile.md" "<a id=\"monitor-1\"></a><" "hostile md: anchors stand alone"

# --- unknown element
"$bin/mpmon" doc "$wipe" --monitor No.Such.Monitor >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 1 ] && grep -qF "'No.Such.Monitor'" "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok "unknown --monitor: exit 1, the ID named, nothing written"
else
	not_ok "unknown --monitor: exit 1, the ID named, nothing written (got $status)"
	sed 's/^/#   /' "$tmp/err" | head -3
fi
"$bin/mpmon" doc "$wipe" --format pdf >/dev/null 2>&1
if [ $? = 2 ]; then ok "unknown --format: usage error"; else not_ok "unknown --format: usage error"; fi
"$bin/mpmon" doc "$tmp/none.xml" >/dev/null 2>&1
if [ $? = 1 ]; then ok "missing pack: exit 1"; else not_ok "missing pack: exit 1"; fi

# --- diagnostics and recoveries: whether mpmond runs them, and their command
"$bin/mpmon" doc tests/e2e/data/actions-pack.xml --monitor Test.Svc >"$tmp/act.md" 2>/dev/null
has "$tmp/act.md" '| Runs in mpmond | Yes, when its \[actions\] are enabled |'
has "$tmp/act.md" '| Command | `["/bin/sh","-c","printf \"%s\\n\" \"$1\" >> @TMP@/restarts.log","restart","$Data/Context/EventDescription$"]` |'
if ! corpus_missing "a corpus pack's diagnostic says why mpmond does not run it, every corpus pack renders"; then
	"$bin/mpmon" doc "$corpus/SCOMMPTraining__DiagnosticsAndRecoveries.xml" >"$tmp/dr.md" 2>/dev/null
	has "$tmp/dr.md" '| Runs in mpmond | ApplicationName '"'%windir%\\\\system32\\\\tasklist.exe'"' is not an absolute path |'
	what="shipped and corpus packs"
	least=17
else
	what="shipped packs"
	least=$(ls mp-xml/packs/*.xml | wc -l)
fi

# --- every shipped and corpus pack renders in both formats
count=0
bad=""
for f in mp-xml/packs/*.xml "$corpus"/*.xml; do
	[ -f "$f" ] || continue
	count=$((count + 1))
	if ! timeout 30 "$bin/mpmon" doc "$f" >"$tmp/p.md" 2>"$tmp/err"; then
		bad="$bad md:$(basename "$f")"
		continue
	fi
	if ! timeout 30 "$bin/mpmon" doc "$f" --format html --output "$tmp/p.html" 2>>"$tmp/err" ||
		! xmllint --noout "$tmp/p.html" 2>>"$tmp/err"; then
		bad="$bad html:$(basename "$f")"
		continue
	fi
	# every unit monitor of the pack has its page
	want=$("$bin/mpmon" validate --list "$f" 2>/dev/null | grep -c '^[a-z]*	')
	got=$(grep -c '(UnitMonitor)$' "$tmp/p.md")
	[ "$want" = "$got" ] || bad="$bad pages:$(basename "$f"):$got/$want"
done
if [ -z "$bad" ] && [ "$count" -ge "$least" ]; then
	ok "all $count $what render (md and well-formed html)"
else
	not_ok "all $what render: failed:$bad (of $count, want at least $least)"
fi

echo "1..$n"
[ "$fail" = 0 ]
