#!/bin/sh
# SNMPv3 informs with USM authPriv (SHA and SHA-256 authentication, AES
# privacy), with the receiver's engine ID discovered and given in advance, and
# SNMPv2c informs: each arrives decoded and the sender sees every one
# acknowledged (trapsend's counters: acked = queued, nothing pending, no retry).
# A wrong passphrase is never acknowledged: the informs stay pending.
. "$(dirname "$0")/snmp-lib.sh"

start_trapd
check "snmptrapd listens on 127.0.0.1:$port" $?

seq=100
for case in "sha:$V3SHA" "sha256:$V3SHA256" "sha-engine-id:$V3SHA,engine-id=$TRAPD_ENGINE_ID" \
	"sha256-engine-id:$V3SHA256,engine-id=$TRAPD_ENGINE_ID" "v2c-inform:$V2C,inform=1"; do
	name=${case%%:*}
	spec=${case#*:}
	before=$(grep -c '^TRAP ' "$tmp/trapd.log")
	"$trapsend" --dest "name=$name,peer=udp:127.0.0.1:$port,$spec,timeout-ms=1000" \
		--synthetic 3 --start-seq $seq --stats --drain-ms 10000 >"$tmp/stats" 2>"$tmp/err"
	status=$?
	stats=$(cat "$tmp/stats")
	check "$name: trapsend exits 0, all delivered ($stats)" $status
	case $stats in *"queued=3 sent=3 acked=3 retries=0 "*"pending=0"*) s=0 ;; *) s=1 ;; esac
	check "$name: 3 informs queued, 3 acknowledged, none retried" $s
	wait_records $((before + 3))
	for k in 0 1 2; do
		grep -q "mpmonSeq.0 = $((seq + k))\$" "$tmp/trapd.log"
		check "$name: seq $((seq + k)) arrived decoded" $?
	done
	seq=$((seq + 10))
	sed 's/^/#   /' "$tmp/err"
done

# The wrong passphrase: snmptrapd drops the message, nothing is acknowledged.
"$trapsend" --dest "name=wrong,peer=udp:127.0.0.1:$port,version=3,user=mpmonsha,auth=sha,auth-pass=wrongpass1,priv-pass=aespass123,engine-id=$TRAPD_ENGINE_ID,timeout-ms=200,backoff-max-ms=200" \
	--synthetic 1 --start-seq 999 --stats --drain-ms 1500 >"$tmp/stats" 2>"$tmp/err"
status=$?
[ "$status" = 1 ] && grep -q "pending=1" "$tmp/stats"
check "a wrong auth passphrase is never acknowledged ($(cat "$tmp/stats"))" $?
! grep -q "mpmonSeq.0 = 999\$" "$tmp/trapd.log"
check "and the receiver logged nothing from it" $?

stop_trapd
finish
