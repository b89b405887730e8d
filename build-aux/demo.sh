#!/bin/sh
# make demo: validate the shipped packs, then replay the bundled sample events
# through them and show each state change with its message and knowledge.
set -e
bin=${1:-build/bin}
packs=mp-xml/packs
samples=$packs/samples

echo "== mpmon validate $packs/*.xml"
"$bin/mpmon" validate "$packs"/*.xml
for sample in mdm-enrollment mdm-gateway-alerter; do
	echo
	echo "== mpmon replay --mp $packs --input $samples/$sample.jsonl --output text"
	echo
	"$bin/mpmon" replay --mp "$packs" --input "$samples/$sample.jsonl" --output text
done
echo "== the same as JSON lines (the replay contract), first record:"
"$bin/mpmon" replay --mp "$packs" --input "$samples/mdm-enrollment.jsonl" | head -n 1
