#!/bin/sh
# The HTML pages in a real browser: headless Chromium opens the `mpmon doc` page
# of the shipped Wipe Service Driver pack, the page of a pack full of hostile
# text, and a replay timeline. For each: a screenshot that is a PNG of the
# window's size and clearly more than an empty page; no console messages (no
# script errors: the pages have no scripts, and none may sneak in from a pack);
# and the DOM the browser built holds the rows we drew (so the browser parsed
# the page as we meant it). Skipped only when Chromium is not installed
# (build-aux/deps.sh installs the Debian package "chromium").
cd "$(dirname "$0")/.." || exit 1
bin=${MPMON_BIN:-build/bin}
chromium=$(command -v chromium || command -v chromium-browser)
if [ -z "$chromium" ]; then
	echo "1..0 # SKIP chromium is not installed (make deps installs it)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
run=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=$((fail + 1)); }

# browse FILE ARGS...: run Chromium on FILE with a fresh profile, no network
# chatter; stdout to $tmp/stdout, stderr to $tmp/stderr
browse() {
	page=$1
	shift
	run=$((run + 1))
	timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$tmp/profile-$run" --hide-scrollbars \
		"$@" "file://$page" >"$tmp/stdout" 2>"$tmp/stderr"
}

# png_size FILE: "WIDTHxHEIGHT" from the PNG header, or nothing if not a PNG
png_size() {
	perl -e 'open(my $f, "<:raw", $ARGV[0]) or exit; read($f, my $h, 24) == 24 or exit;
		exit unless substr($h, 0, 8) eq "\x89PNG\r\n\x1a\n" && substr($h, 12, 4) eq "IHDR";
		my ($w, $hh) = unpack("NN", substr($h, 16, 8)); print "${w}x$hh"' "$1"
}

shoot() {
	browse "$1" --screenshot="$2" --window-size=1280,2000
}

# a page with nothing on it: screenshots of ours must be well above its size
printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"/><title>empty</title></head><body></body></html>\n' >"$tmp/empty.html"
shoot "$tmp/empty.html" "$tmp/empty.png"
empty_size=$(wc -c <"$tmp/empty.png" 2>/dev/null || echo 0)
if [ "$(png_size "$tmp/empty.png")" = 1280x2000 ]; then
	ok "chromium takes screenshots (empty page: $empty_size bytes)"
else
	not_ok "chromium takes screenshots"
	sed 's/^/#   /' "$tmp/stderr" | tail -5
fi

# check NAME PAGE PATTERN COUNT: screenshot, console, DOM rows
check() {
	name=$1 page=$2 pattern=$3 want=$4
	shoot "$page" "$tmp/$name.png"
	size=$(wc -c <"$tmp/$name.png" 2>/dev/null || echo 0)
	if [ "$(png_size "$tmp/$name.png")" = 1280x2000 ] && [ "$size" -gt $((empty_size * 3)) ]; then
		ok "$name: a 1280x2000 screenshot of $size bytes"
	else
		not_ok "$name: a 1280x2000 screenshot well above an empty page's $empty_size bytes (got $size)"
	fi
	cp "$tmp/$name.png" "${MPMON_SCREENSHOTS:-$tmp}/" 2>/dev/null
	browse "$page" --enable-logging=stderr --v=0 --dump-dom
	if grep -E 'CONSOLE|Uncaught|SyntaxError|TypeError|ReferenceError' "$tmp/stderr" >"$tmp/console"; then
		not_ok "$name: no console messages"
		sed 's/^/#   /' "$tmp/console" | head -5
	else
		ok "$name: no console messages"
	fi
	got=$(grep -o -- "$pattern" "$tmp/stdout" | wc -l)
	if [ "$got" = "$want" ]; then
		ok "$name: the DOM holds $want of $pattern"
	else
		not_ok "$name: the DOM holds $want of $pattern (got $got)"
	fi
	if grep -q '<script' "$tmp/stdout"; then
		not_ok "$name: no script element in the DOM"
	else
		ok "$name: no script element in the DOM"
	fi
}

"$bin/mpmon" doc mp-xml/packs/Mpmon.MDM.WipeServiceDriver.xml --format html --output "$tmp/doc.html"
check doc "$tmp/doc.html" '<tr><th>[A-Za-z ]*</th>' 14

"$bin/mpmon" doc tests/data/doc/hostile.xml --format html --output "$tmp/hostile.html"
check hostile "$tmp/hostile.html" '<h2 id="monitor-1">&lt;script&gt;alert(1)&lt;/script&gt;' 1

"$bin/mpmon" replay --mp mp-xml/packs/Mpmon.MDM.GatewayAlerter.xml \
	--input tests/data/gateway-alerter/events.jsonl --timeline "$tmp/timeline.html" >/dev/null
check timeline "$tmp/timeline.html" '<g class="row" data-monitor="Mpmon.MDM.GatewayAlerter.[A-Za-z]*" data-computer="[^"]*" data-instance="[^"]*" data-kind="monitor">' 5

echo "1..$n"
[ "$fail" = 0 ]
