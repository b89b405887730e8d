#!/bin/sh
# Hostile input to mpmon validate and replay: each case wants a clear error (or
# the documented result), the documented exit status, no crash, and bounded time
# and memory (peak RSS read with /usr/bin/time -f %M, in KiB). The figures are
# printed as TAP comments. Cases: XML entity and DTD tricks, XInclude, packs at
# and over the 64 MiB size limit, expressions nested too deep, a regex that
# backtracks without end, a 1 GiB line, binary garbage, bad UTF-8 and NUL bytes
# in every input format, unreadable files, and pack paths that are a FIFO, a
# folder or a symlink loop.
cd "$(dirname "$0")/.." || exit 1
bin=$(cd "${MPMON_BIN:-build/bin}" && pwd)
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); echo "not ok $n - $1"; fail=$((fail + 1))
	[ -s "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err" | head -5
}
check() { if [ "$1" ]; then ok "$2"; else not_ok "$2"; fi; }

# run TIMEOUT CMD...: status in $status, peak RSS (KiB) in $rss, seconds in $secs;
# stdout in $tmp/out, stderr in $tmp/err
run() {
	t=$1
	shift
	/usr/bin/time -f '%M %e' -o "$tmp/time" timeout "$t" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	rss=$(cut -d' ' -f1 "$tmp/time" | tail -1)
	secs=$(cut -d' ' -f2 "$tmp/time" | tail -1)
	case $rss in '' | *[!0-9]*) rss=999999999 ;; esac
}

have_err() { grep -q -- "$1" "$tmp/err"; }

# ---- XML: DTD tricks are refused at the DOCTYPE, XInclude is not followed ----

pack_doc() {	# pack_doc FILE PROLOG BODY: a small pack with PROLOG before the root
	printf '<?xml version="1.0" encoding="utf-8"?>\n%s\n<ManagementPack>\n%s\n<Manifest><Identity><ID>H</ID><Version>1.0.0.0</Version></Identity></Manifest>\n</ManagementPack>\n' \
		"$2" "$3" >"$1"
}

mkfifo "$tmp/fifo"
# a writer that never writes: whoever opens the FIFO for reading blocks
lol='<!ENTITY l0 "lollollollollollollollollollol">'
i=1
while [ $i -le 9 ]; do
	j=$((i - 1))
	lol="$lol<!ENTITY l$i \"&l$j;&l$j;&l$j;&l$j;&l$j;&l$j;&l$j;&l$j;&l$j;&l$j;\">"
	i=$((i + 1))
done
pack_doc "$tmp/laughs.xml" "<!DOCTYPE ManagementPack [$lol]>" '<Name>&l9;</Name>'
pack_doc "$tmp/param.xml" \
	'<!DOCTYPE ManagementPack [<!ENTITY % p "<!ENTITY e &#x27;lol&#x27;>"> %p;]>' '<Name>&e;</Name>'
pack_doc "$tmp/param-ext.xml" \
	"<!DOCTYPE ManagementPack [<!ENTITY % ext SYSTEM \"file://$tmp/fifo\"> %ext;]>" ''
pack_doc "$tmp/system-fifo.xml" "<!DOCTYPE ManagementPack SYSTEM \"$tmp/fifo\">" ''
pack_doc "$tmp/system-http.xml" '<!DOCTYPE ManagementPack SYSTEM "http://127.0.0.1:9/mp.dtd">' ''
pack_doc "$tmp/external.xml" \
	"<!DOCTYPE ManagementPack [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" '<Name>&x;</Name>'
for c in laughs param param-ext system-fifo system-http external; do
	run 10 "$bin/mpmon" validate "$tmp/$c.xml"
	check "$status = 1 -a $rss -lt 65536" "$c: exit 1 (got $status) within 64 MiB"
	echo "#   $c: ${secs}s, peak RSS ${rss} KiB"
	if have_err "^$tmp/$c.xml:2: document type declarations are not allowed"; then
		ok "$c: refused at the DOCTYPE line"
	else
		not_ok "$c: refused at the DOCTYPE line"
	fi
	check "-z \"\$(grep -l 'root:' \"$tmp/out\" \"$tmp/err\")\"" "$c: nothing outside the pack was read"
done

# XInclude is not processed: the include stays an unknown element, the FIFO and
# /etc/passwd are never opened (opening the FIFO would block until the timeout).
pack_doc "$tmp/xinclude.xml" '' \
	"<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"$tmp/fifo\" parse=\"text\"/><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\" parse=\"text\"/>"
run 10 "$bin/mpmon" validate "$tmp/xinclude.xml"
check "$status = 0" "xinclude: not followed, the pack loads (exit $status)"
check "-z \"\$(grep -l 'root:' \"$tmp/out\" \"$tmp/err\")\"" "xinclude: nothing outside the pack was read"

# ---- size: the 64 MiB pack limit, a 100 MB text node -------------------------

big_pack() {	# big_pack FILE BYTES: a pack whose Name is one text node of BYTES
	{
		printf '<?xml version="1.0"?>\n<ManagementPack>\n<Manifest><Identity><ID>Big</ID><Version>1.0.0.0</Version></Identity><Name>'
		head -c "$2" /dev/zero | tr '\0' x
		printf '</Name></Manifest>\n</ManagementPack>\n'
	} >"$1"
}
big_pack "$tmp/big100.xml" 104857600
run 20 "$bin/mpmon" validate "$tmp/big100.xml"
check "$status = 1 -a $rss -lt 16384" "100 MB text node: refused (exit $status), RSS $rss KiB < 16 MiB"
check "\"\$(cat \"$tmp/err\")\" = \"$tmp/big100.xml: pack is larger than 67108864 bytes\"" \
	"100 MB text node: 'pack is larger than 67108864 bytes'"
rm -f "$tmp/big100.xml"
# just under the limit: loaded, with memory a small multiple of the pack's size
big_pack "$tmp/big63.xml" $((63 << 20))
run 60 "$bin/mpmon" validate "$tmp/big63.xml"
check "$status = 0 -a $rss -lt $((320 << 10))" \
	"63 MiB text node: loaded (exit $status), RSS $rss KiB < 320 MiB"
echo "#   63 MiB text node: ${secs}s, peak RSS ${rss} KiB"
rm -f "$tmp/big63.xml"
# one byte over the limit
head -c $(((64 << 20) + 1)) /dev/zero >"$tmp/over.xml"
run 10 "$bin/mpmon" validate "$tmp/over.xml"
check "$status = 1 -a $rss -lt 16384" "64 MiB + 1 byte: refused unread (exit $status, RSS $rss KiB)"
have_err 'pack is larger than 67108864 bytes' && ok "64 MiB + 1 byte: says so" || not_ok "64 MiB + 1 byte: says so"
rm -f "$tmp/over.xml"

# ---- expressions nested past EXPR_MAX_DEPTH (64) ------------------------------
{
	sed -n '1,/<LogName>/p' tests/data/hostile/boom.xml
	echo '          <Expression>'
	k=0; while [ $k -lt 70 ]; do echo "<Not><Expression>"; k=$((k + 1)); done
	echo '<Exists><ValueExpression><XPathQuery Type="String">EventDescription</XPathQuery></ValueExpression></Exists>'
	k=0; while [ $k -lt 70 ]; do echo "</Expression></Not>"; k=$((k + 1)); done
	echo '          </Expression>'
	sed -n '/<TimerWaitInSeconds>/,$p' tests/data/hostile/boom.xml
} >"$tmp/deep.xml"
line=$(grep -n '<Not><Expression>' "$tmp/deep.xml" | sed -n '65p' | cut -d: -f1)
run 10 "$bin/mpmon" validate "$tmp/deep.xml"
check "$status = 1" "expression nested 70 deep: exit 1 (got $status)"
if have_err "^$tmp/deep.xml:$line: .*nested deeper than 64 levels"; then
	ok "expression nested 70 deep: error at the 65th level (line $line)"
else
	not_ok "expression nested 70 deep: error at line $line"
fi

# ---- ReDoS: a backtracking pattern hits the match limit, counted, in time -----
awk 'BEGIN { s = sprintf("%40s", ""); gsub(/ /, "a", s);
	for (i = 0; i < 500; i++)
		printf("{\"LogName\":\"hostile\",\"EventDescription\":\"%s!\",\"LoggingComputer\":\"h%d\"}\n", s, i % 7) }' \
	>"$tmp/redos.jsonl"
run 60 "$bin/mpmon" replay --mp tests/data/hostile/redos.xml --input "$tmp/redos.jsonl"
check "$status = 0 -a ! -s \"$tmp/out\"" "redos: 500 events, no match, exit 0 (got $status)"
have_err '^mpmon: 500 regular expression matches hit the match limit and counted as no match$' &&
	ok "redos: every limit hit counted and reported" || not_ok "redos: limit hits reported"
check "\"\$(awk \"BEGIN{print ($secs < 20)}\")\" = 1" "redos: 500 events in ${secs}s (< 20 s), RSS $rss KiB"

# ---- a 1 GiB line: streamed, cut, skipped; the next line still counts --------
boom='{"LogName":"hostile","EventDescription":"boom","LoggingComputer":"after","TimeGenerated":"2026-11-20T08:00:00Z"}'
mkfifo "$tmp/pipe"
{ head -c $((1 << 30)) /dev/zero | tr '\0' a; printf '\n%s\n' "$boom"; } >"$tmp/pipe" &
run 120 "$bin/mpmon" replay --mp tests/data/hostile/boom.xml --input - <"$tmp/pipe"
wait
check "$status = 1 -a $rss -lt 32768" "1 GiB line from a pipe: exit 1 (got $status), RSS $rss KiB < 32 MiB"
echo "#   1 GiB line from a pipe: ${secs}s, peak RSS ${rss} KiB"
have_err '^-:1: line longer than 1048576 bytes, skipped$' && ok "1 GiB line: reported as cut at line 1" ||
	not_ok "1 GiB line: reported as cut"
grep -q '"instance":"after"' "$tmp/out" && ok "1 GiB line: the line after it is replayed" ||
	not_ok "1 GiB line: the line after it is replayed"
# the same as a sparse file of NUL bytes
truncate -s 1G "$tmp/sparse.log"
printf '\n%s\n' "$boom" >>"$tmp/sparse.log"
run 120 "$bin/mpmon" replay --mp tests/data/hostile/boom.xml --input "$tmp/sparse.log"
check "$status = 1 -a $rss -lt 32768" "1 GiB NUL line in a sparse file: exit 1, RSS $rss KiB < 32 MiB"
have_err "^$tmp/sparse.log:1: line longer than 1048576 bytes, skipped\$" && grep -q '"instance":"after"' "$tmp/out" &&
	ok "1 GiB NUL line: cut, and the next line replayed" || not_ok "1 GiB NUL line: cut, next line replayed"
rm -f "$tmp/sparse.log"

# ---- garbage, bad UTF-8 and NUL bytes in every input format -------------------
# Each input mixes deterministic binary garbage with "boom" events whose text
# carries invalid UTF-8 and NUL bytes. Wanted: exit 0 or 1 (bad lines), no
# crash, at least one state change, and every output line valid UTF-8 JSON.
garbage() {	# 64 lines of pseudo-random bytes (the same every run)
	awk 'BEGIN { srand(9); for (i = 0; i < 64; i++) { s = "";
		for (j = 0; j < 80; j++) { c = int(rand() * 256); if (c == 10) c = 11; s = s sprintf("%c", c) }
		print s } }' | LC_ALL=C tr '\013' '\012' 2>/dev/null
	# awk's %c of 0 ends its string in some awks: NULs come from printf
	printf 'x\000y\000\n\000\000\000\n\377\376\375\n'
}
bad='\377\376 \303\050 \355\240\200 \300\257 \000 \360\220\200'
badj='\377\376 \303\050 \355\240\200 \300\257 \360\220\200'	# JSON strings refuse a raw NUL
json_check='
import json, sys
n = 0
for raw in open(sys.argv[1], "rb"):
    json.loads(raw.decode("utf-8", errors="strict"))
    n += 1
print(n)
'
fmt_case() {	# fmt_case FORMAT FILE [ARGS...]
	f=$1 file=$2
	shift 2
	run 30 "$bin/mpmon" replay --mp tests/data/hostile/boom.xml --input "$file" --format "$f" \
		--log-name hostile --now 2026-11-22T00:00:00Z "$@"
	check "$status -le 1" "$f: garbage, bad UTF-8 and NUL bytes: exit 0 or 1 (got $status)"
	changes=$(python3 -c "$json_check" "$tmp/out" 2>"$tmp/pyerr") || changes=invalid
	case $changes in
	'' | 0 | invalid)
		not_ok "$f: output is valid UTF-8 JSON with changes (got '$changes')"
		sed 's/^/#   /' "$tmp/pyerr" | tail -2 ;;
	*) ok "$f: output is $changes lines of valid UTF-8 JSON" ;;
	esac
}
{
	garbage
	printf '{"LogName":"hostile","EventDescription":"boom '"$badj"' \\u0000 \\ud83d\\ude00","LoggingComputer":"j\377"}\n'
	printf '{"LogName":"hostile","EventDescription":"boom\000raw NUL","LoggingComputer":"j2"}\n'
	printf '{"LogName":"hostile","EventDescription":"boom","LoggingComputer":"j3\\u0000\\u001f"}\n'
} >"$tmp/in.json"
fmt_case json "$tmp/in.json"
{
	garbage
	printf 'Nov 20 08:00:00 host\377 prog[1]: boom '"$bad"'\n'
	printf '<38>Nov 20 08:00:01 h\000st prog\376[2]: boom\000\n'
} >"$tmp/in.syslog"
fmt_case syslog "$tmp/in.syslog"
{
	garbage
	printf 'EventDescription="boom '"$bad"'" LoggingComputer=k\377 PublisherName="p\000q"\n'
	printf 'EventDescription=boom\376\000 LoggingComputer=k2\n'
} >"$tmp/in.kv"
fmt_case kv "$tmp/in.kv"
{
	garbage
	printf '{"eventMessage":"boom '"$badj"'","processImagePath":"/x/\377","subsystem":"s\\u0000","LoggingComputer":"a\377","timestamp":"2026-11-20 08:00:00.000000+0000"}\n'
	printf '{"eventMessage":"boom \\u0000 \\udfff","processImagePath":"/y","LoggingComputer":"a2","timestamp":"2026-11-20 08:00:01.000000+0000"}\n'
	printf '{"eventMessage":"boom\000raw","processImagePath":"/z","LoggingComputer":"a3","timestamp":"2026-11-20 08:00:02.000000+0000"}\n'
} >"$tmp/in.applelog"
fmt_case applelog "$tmp/in.applelog"
{
	garbage
	printf '2026-11-20 08:00:00 host\377 [pub\000] 100 Error: boom '"$bad"'\n'
} >"$tmp/in.regex"
fmt_case regex "$tmp/in.regex" --pattern "$(sed -n '/^--pattern$/{n;p}' tests/data/regex-enrollment/args)"

# ---- files that cannot be read, and pack paths that are no file ------------------
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	nobody="setpriv --reuid nobody --regid nogroup --clear-groups"
	cp tests/data/hostile/boom.xml "$tmp/secret.xml"
	chmod 600 "$tmp/secret.xml"
	printf '%s\n' "$boom" >"$tmp/secret.jsonl"
	chmod 600 "$tmp/secret.jsonl"
	run 10 $nobody "$bin/mpmon" validate "$tmp/secret.xml"
	check "$status = 1" "unreadable pack (as nobody): exit 1 (got $status)"
	have_err "^$tmp/secret.xml: cannot read pack: Permission denied\$" &&
		ok "unreadable pack: 'cannot read pack: Permission denied'" || not_ok "unreadable pack: message"
	chmod 644 "$tmp/secret.xml"
	run 10 $nobody "$bin/mpmon" replay --mp "$tmp/secret.xml" --input "$tmp/secret.jsonl"
	check "$status = 2" "unreadable input (as nobody): exit 2 (got $status)"
	have_err "^$tmp/secret.jsonl: cannot open input: Permission denied\$" &&
		ok "unreadable input: 'cannot open input: Permission denied'" || not_ok "unreadable input: message"
else
	ok "# SKIP unreadable files: needs root and setpriv"
fi

ln -s loop2 "$tmp/loop1"
ln -s loop1 "$tmp/loop2"
mkdir "$tmp/packdir"
for c in fifo loop1 packdir; do
	case $c in
	fifo) want='not a regular file' ;;
	loop1) want='Too many levels of symbolic links' ;;
	packdir) want='Is a directory' ;;
	esac
	run 10 "$bin/mpmon" validate "$tmp/$c"
	check "$status = 1" "validate a pack path that is a $c: exit 1 (got $status), no wait"
	have_err "^$tmp/$c: cannot read pack: $want\$" && ok "validate $c: '$want'" ||
		not_ok "validate $c: '$want'"
done
run 10 "$bin/mpmon" replay --mp "$tmp/fifo" --input /dev/null
check "$status = 2" "replay --mp FIFO: exit 2, no wait (got $status)"
have_err "^$tmp/fifo: cannot read pack: not a regular file\$" && ok "replay --mp FIFO: says so" ||
	not_ok "replay --mp FIFO: says so"
run 10 "$bin/mpmon" replay --mp "$tmp/packdir" --input /dev/null
check "$status = 2" "replay --mp empty folder: exit 2 (got $status)"
have_err "^$tmp/packdir: no packs (\*.xml) in folder\$" && ok "replay --mp empty folder: says so" ||
	not_ok "replay --mp empty folder: says so"
run 10 "$bin/mpmon" replay --mp tests/data/hostile/boom.xml --input "$tmp/packdir"
check "$status = 2" "replay --input a folder: exit 2 (got $status)"
have_err "^$tmp/packdir: cannot open input: Is a directory\$" && ok "replay --input a folder: says so" ||
	not_ok "replay --input a folder: says so"
run 10 "$bin/mpmon" replay --mp tests/data/hostile/boom.xml --input "$tmp/loop1"
check "$status = 2" "replay --input a symlink loop: exit 2 (got $status)"
have_err 'cannot open input: Too many levels of symbolic links$' && ok "replay --input a symlink loop: says so" ||
	not_ok "replay --input a symlink loop: says so"

echo "1..$n"
[ "$fail" = 0 ]
