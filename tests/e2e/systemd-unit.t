#!/bin/sh
# contrib/systemd/mpmond.service, without systemd as PID 1 (CI has none):
# - systemd-analyze verify finds nothing to say about it (a copy whose Exec
#   lines name the mpmond under test, since verify checks the binary);
# - systemd-analyze security --offline rates its exposure at most
#   MPMON_UNIT_EXPOSURE (2.0), and the issue's directives are there;
# - the sandbox against what mpmond really does: a real mpmond (file and journal
#   sources, SNMP informs to sinks over IPv4 and IPv6 with their spool, the
#   control socket, sd_notify, logging to the journal socket, a reload, and a
#   diagnostic and two recoveries it runs, whose programs inherit the sandbox)
#   runs under strace, and every system call it (or a child) makes must pass the unit's
#   SystemCallFilter=, every socket it opens its RestrictAddressFamilies=, and
#   every path it writes, creates, renames or removes must lie under its state
#   folder, the one ReadWritePaths=. What systemd itself would do at start
#   (namespaces, mounts) needs PID 1 and is not run here.
. "$(dirname "$0")/lib.sh"

unit=$top/contrib/systemd/mpmond.service
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "1..0 # SKIP systemd-analyze is not installed (make deps)"
	exit 0
fi
max=${MPMON_UNIT_EXPOSURE:-2.0}

sed "s|/usr/local/bin/mpmond|$bin/mpmond|g" "$unit" >"$T/mpmond.service"
systemd-analyze verify --man=no "$T/mpmond.service" >"$T/verify" 2>&1
st=$?
[ $st = 0 ] && [ ! -s "$T/verify" ]
ok $? "systemd-analyze verify: exit $st, nothing said$(sed 's/^/; /' "$T/verify" | tr -d '\n')"

systemd-analyze security --offline=true --man=no "$T/mpmond.service" >"$T/security" 2>&1
level=$(sed -n 's/.*Overall exposure level for mpmond.service: \([0-9.]*\).*/\1/p' "$T/security")
[ -n "$level" ] && perl -e 'exit !($ARGV[0] <= $ARGV[1])' "$level" "$max"
ok $? "systemd-analyze security: exposure ${level:-?} (at most $max)"
grep '^✗' "$T/security" | sed 's/^/#   /; s/  */ /g'

for d in NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/mpmon \
	StateDirectory=mpmon CapabilityBoundingSet= PrivateTmp=yes User=mpmon \
	RestrictAddressFamilies="AF_UNIX AF_INET AF_INET6" RestartPreventExitStatus=4; do
	grep -qx "$d" "$unit" || { echo "#   missing: $d"; false; } || break
done
ok $? "the unit says NoNewPrivileges, ProtectSystem=strict, ReadWritePaths of the state only, an empty CapabilityBoundingSet, PrivateTmp, AF_INET and AF_INET6"

# ---- what mpmond does, under strace ----
if ! command -v strace >/dev/null 2>&1; then
	for i in 1 2 3 4 5; do n=$((n + 1)); echo "ok $n # SKIP strace is not installed (make deps)"; done
	done_testing
	exit $?
fi
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
conf "[source journal]
type = journal
path = $T/jr
log_name = System

[snmp]
heartbeat_s = 1

[sink v4]
type = snmp
peer = udp:127.0.0.1:$port
community = public
inform = true
timeout_ms = 100
backoff_max_ms = 200

[sink v6]
type = snmp
peer = udp6:[::1]:$port
community = public
inform = true
timeout_ms = 100
backoff_max_ms = 200

[packs]
path = $T/actions-pack.xml

[actions]
enabled = true"
# The actions write in their work folder: under the state folder here, the one
# the unit lets them write.
sed "s#@TMP@#$T/state/work#g" "$top/tests/e2e/data/actions-pack.xml" >"$T/actions-pack.xml"
mkdir -p "$T/state/work"
"$run_mpmond" --give "$T/state" "$T/state/work"
mkdir "$T/jr"
jr=/lib/systemd/systemd-journal-remote
if [ -x $jr ]; then
	printf '__REALTIME_TIMESTAMP=%s\n_HOSTNAME=h\nSYSLOG_IDENTIFIER=backupd\nPRIORITY=3\nMESSAGE=backup failed\n\n' \
		"$(date +%s%6N)" | $jr --output="$T/jr/remote.journal" - 2>/dev/null
	chmod 644 "$T/jr/remote.journal"
fi
printf '{"EventDisplayNumber":2,"LoggingComputer":"h"}\n' >"$T/logs/a.log"
# As under the unit: no --foreground, stderr to the journal, sd_notify.
# (LeakSanitizer cannot run under ptrace: leaks are the other tests' business.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
JOURNAL_STREAM=8:1 NOTIFY_SOCKET=$T/notify "$run_mpmond" strace -f -qq -s 4096 -o "$T/trace" \
	"$bin/mpmond" --config "$T/c.conf" 2>>"$T/log" &
SPID=$!
wait_for 20 test -f "$T/state/state.json"
ok $? "mpmond starts under strace"
PID=$(cat "/proc/$SPID/task/$SPID/children")	# mpmond, strace's child
printf '{"EventDisplayNumber":1,"LoggingComputer":"h"}\n{"EventDisplayNumber":1003,"LoggingComputer":"web1","EventDescription":"restart me"}\n' >>"$T/logs/a.log"
wait_for 20 sh -c "grep -q '\"health\":\"Success\"' $T/state/state.json"
wait_for 20 test -s "$T/state/work/restarts.log" && wait_for 20 test -e "$T/state/work/touched"
ok $? "its diagnostic and recoveries ran (they wrote restarts.log and touched)"
"$bin/mpmon" state --state-dir "$T/state" >/dev/null 2>&1
kill -HUP "$PID"
sleep 2	# informs retried, heartbeats
kill -TERM "$PID"
wait "$SPID"	# strace exits with mpmond's status
st=$?
PID=
ok $st "... and exits 0 on SIGTERM"

# The system calls the unit's SystemCallFilter= lines allow (groups expanded
# by systemd-analyze), and the socket families of RestrictAddressFamilies=.
perl -e '
	sub expand { my ($g, $seen) = @_; return ($g) unless $g =~ /^@/; return () if $seen->{$g}++;
		my @out; for (`systemd-analyze syscall-filter $g`) { chomp; s/^\s+//;
			next if /^#/ || $_ eq "" || $_ eq $g; push @out, expand($_, $seen) } @out }
	my (%ok, @deny);
	open my $u, "<", $ARGV[1] or die;
	while (<$u>) {
		next unless /^SystemCallFilter=(~?)(.*)$/;
		my ($neg, @names) = ($1, split " ", $2);
		if ($neg) { push @deny, map { expand($_, {}) } @names } else { $ok{$_} = 1 for map { expand($_, {}) } @names }
	}
	delete $ok{$_} for @deny;
	my (%used, %bad);
	open my $t, "<", $ARGV[0] or die;
	while (<$t>) { $used{$1}++ if /^\d+\s+([a-z0-9_]+)\(/ }
	for (sort keys %used) { $bad{$_} = $used{$_} unless $ok{$_} }
	print "#   system calls used: ", join(" ", sort keys %used), "\n";
	print "#   not allowed: $_ ($bad{$_} times)\n" for sort keys %bad;
	exit(%bad || !%ok ? 1 : 0)' "$T/trace" "$unit"
ok $? "every system call mpmond made passes the unit's SystemCallFilter="

fams=$(sed -n 's/^[0-9]* *socket(\(AF_[A-Z0-9]*\).*/\1/p' "$T/trace" | sort -u | tr '\n' ' ')
allowed=$(sed -n 's/^RestrictAddressFamilies=//p' "$unit")
bad=
for f in $fams; do
	case " $allowed " in *" $f "*) ;; *) bad="$bad $f" ;; esac
done
case " $fams" in *" AF_INET "*) v4=1 ;; *) v4= ;; esac
case " $fams" in *" AF_INET6 "*) v6=1 ;; *) v6= ;; esac
[ -z "$bad" ] && [ -n "$v4" ] && [ -n "$v6" ]
ok $? "the families of its sockets ($fams, AF_INET and AF_INET6 for the sinks) are all in RestrictAddressFamilies=$allowed${bad:+; not:$bad}"

perl -e '
	my ($state, $bad) = ($ARGV[1], 0); my %paths;
	open my $t, "<", $ARGV[0] or die;
	while (my $line = <$t>) {
		$_ = $line;
		next if / = -1 /;	# refused: nothing was written
		my @p;
		if (/^\d+\s+(?:open|openat)\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+)/) { my ($f, $fl) = ($1, $2); push @p, $f if $fl =~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/ }
		elsif (/^\d+\s+(?:mkdir|mkdirat|unlink|unlinkat|rmdir|chmod|fchmodat|truncate)\((?:AT_FDCWD, )?"([^"]*)"/) { push @p, $1 }
		elsif (/^\d+\s+(?:rename|renameat2?)\((?:AT_FDCWD, )?"([^"]*)", (?:AT_FDCWD, )?"([^"]*)"/) { push @p, $1, $2 }
		elsif (/^\d+\s+bind\(\d+, \{sa_family=AF_UNIX, sun_path="([^"]*)"/) { push @p, $1 }
		for (@p) { $paths{$_}++; next if index($_, "$state/") == 0 || $_ eq $state; chomp(my $l = $line); print "#   written outside $state: [$_] ($l)\n"; $bad++ }
	}
	my %dirs; for (keys %paths) { my $d = $_; $d =~ s{^\Q$state\E}{STATE}; $d =~ s{/[^/]*$}{} if $d =~ /\.tmp$|spool\/.*\/./; $dirs{$d}++ }
	print "#   written: ", join(" ", sort keys %dirs), "\n";
	exit($bad || !%paths ? 1 : 0)' "$T/trace" "$T/state"
ok $? "it writes only under its state folder (ReadWritePaths=, the spool included)"
printf '#   /proc and /sys read: %s\n' "$(sed -n 's/^[0-9]* *openat(AT_FDCWD, "\(\/\(proc\|sys\)\/[^"]*\)".*/\1/p' "$T/trace" | sed 's/[0-9][0-9]*/N/g' | sort -u | tr '\n' ' ')"
done_testing
