#!/usr/bin/env bash
# Writes every output a user can read of every capture within reach — `report --json`, the text
# report in English and in zh-TW, under `auto` and under `linux` — into one directory, a file per
# capture and output. Two such directories made before and after a change that should change
# nothing (a move of code, a speed-up) are compared with `diff -r`: the count of files compared
# and of those differing is the evidence that nothing a user sees moved.
#   scripts/outputs.sh DIR [PORTLIFE_BIN]
#   diff -rq before/ after/ && echo "$(ls after | wc -l) outputs, 0 differ"
set -euo pipefail
out=${1:?usage: scripts/outputs.sh DIR [PORTLIFE_BIN]}
bin=${2:-target/release/portlife}
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
mkdir -p "$out"
captures() {
  ls samples/*.pcap
  [ -d "$shared/captures" ] && find "$shared/captures" -maxdepth 1 -type f | sort
  [ -d "$shared/zeek-dev/pcaps" ] && find "$shared/zeek-dev/pcaps" -type f | sort
  return 0
}
n=0
while read -r f; do
  name=$(echo "$f" | sed 's|^\.\./||; s|[/ ]|_|g')
  # A capture the reader refuses still has an output: its error and exit code.
  for prof in auto linux; do
    { "$bin" report "$f" --profile "$prof" --json 2>&1; echo "exit $?"; } > "$out/$name.$prof.json" || true
    { "$bin" report "$f" --profile "$prof" --lang en 2>&1; echo "exit $?"; } > "$out/$name.$prof.en.txt" || true
    { "$bin" report "$f" --profile "$prof" --lang zh-TW 2>&1; echo "exit $?"; } > "$out/$name.$prof.zh-TW.txt" || true
    n=$((n + 3))
  done
done < <(captures)
echo "$n outputs of $(captures | wc -l) captures in $out"
