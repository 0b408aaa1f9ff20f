#!/usr/bin/env bash
# Benchmarks portlife against its floor and against tshark on the same large capture, in one run
# on one machine. Prints wall time and peak RSS of each and the ratios. See BENCHMARKS.md.
#   scripts/bench.sh            two 1 M-packet captures of different shapes: bench-1m (one client,
#                               one server, HTTP payloads; ≈ 110 k connections) and pairs-1m
#                               (8 clients × 12 server endpoints, 27/40-byte exchanges; 120 k)
#   scripts/bench.sh --big      also a 10 M-packet one (same connection count per second; slow)
#   scripts/bench.sh --app      also the desktop app on the 1 M-packet capture: first frame of the
#                               timeline, frame times, profile switch (builds the GUI stack in
#                               release the first time: ~15 min on 2 cores)
set -euo pipefail
big=0 app=0
for a in "$@"; do
  case $a in
    --big) big=1 ;;
    --app) app=1 ;;
    *) echo "usage: scripts/bench.sh [--big] [--app]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
command -v tshark >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark >/dev/null; }
cargo build --release --no-default-features --bin portlife --example read_decode_floor --example profile_switch --example after_read 2>&1 | tail -1
tdir=${CARGO_TARGET_DIR:-target}
bin=$tdir/release/portlife
floor=$tdir/release/examples/read_decode_floor
dir=${BENCH_DIR:-/tmp/portlife-bench}
mkdir -p "$dir"

# http-no-keepalive: ~500 connections and ~10 packets each per unit of scale; many-pairs: 1000
# connections and ~8.3 packets each.
make() { # name scale [scenario]
  [ -s "$dir/$1.pcap" ] || { echo "generating $1 (${3:-http-no-keepalive}, scale $2)…"; $bin synth "${3:-http-no-keepalive}" --scale "$2" -o "$dir/$1.pcap"; }
}
# time_cmd KEY RUNS LABEL CMD… → runs CMD RUNS times; prints "LABEL median-seconds peak-rss
# (min–max)", records "KEY median-seconds rss". Wall time from the shell's clock (ms resolution;
# /usr/bin/time's %e rounds to 10 ms), peak RSS from /usr/bin/time. The machine's neighbours
# make single runs vary by ±10 %: the median is what the ratios use.
time_cmd() {
  local key=$1 runs=$2 label=$3; shift 3
  local times=() rss=0 r t0 t1
  for ((r = 0; r < runs; r++)); do
    t0=$(date +%s%N)
    if ((r == 0)); then
      /usr/bin/time -f "%M" -o "$dir/time.txt" "$@" > /dev/null
    else # the same warnings once are enough
      /usr/bin/time -f "%M" -o "$dir/time.txt" "$@" > /dev/null 2> /dev/null
    fi
    t1=$(date +%s%N)
    times+=("$(( (t1 - t0) / 1000000 ))")
    rss=$(( $(cat "$dir/time.txt") > rss ? $(cat "$dir/time.txt") : rss ))
  done
  read -r med lo hi < <(printf '%s\n' "${times[@]}" | sort -n |
    awk '{a[NR]=$1/1000} END {print a[int((NR+1)/2)], a[1], a[NR]}')
  printf '%-34s %8.3f s %10d KiB peak RSS  (%d runs: %.3f–%.3f s)\n' "$label" "$med" "$rss" "$runs" "$lo" "$hi"
  echo "$key $med $rss" >> "$dir/results.txt"
}

run_set() { # name [runs]
  local f="$dir/$1.pcap"
  echo
  echo "== $1: $(stat -c %s "$f") bytes, $(capinfos -c -M "$f" 2>/dev/null | awk -F: '/Number of packets/{gsub(/ /,"",$2); print $2}') packets"
  : > "$dir/results.txt"
  local n=${2:-7}
  time_cmd floor "$n" "floor (pcap-parser + etherparse)" "$floor" "$f"
  time_cmd report "$n" "portlife report" "$bin" report "$f"
  time_cmd json "$n" "portlife report --json" "$bin" report --json "$f"
  time_cmd tshark "$(( n > 3 ? 3 : n ))" "tshark -q -z conv,tcp" tshark -q -z conv,tcp -r "$f"
  if command -v tcptrace >/dev/null; then
    time_cmd tcptrace "$(( n > 3 ? 3 : n ))" "tcptrace -n" tcptrace -n "$f"
  fi
  local conns
  # The count from the text report's header: loading the 400 MB JSON into Python took longer
  # than the measurements.
  conns=$("$bin" report --lang en "$f" | awk '/^  TCP connections:/ {print $3; exit}')
  # The targets (BENCHMARKS.md), as ratios within this one run.
  awk -v conns="$conns" -v base="$base_rss" '{t[$1]=$2; m[$1]=$3} END {
    f=(t["floor"]>0?t["floor"]:0.001); r=(t["report"]>0?t["report"]:0.001);
    kib=(m["report"]-base)/conns; add=t["json"]-t["report"];
    printf "ratios: tshark/report = %.1fx (target >= 30: %s)   report/floor = %.1fx (target <= 2.5: %s)\n", t["tshark"]/r, (t["tshark"]/r>=30?"met":"MISSED"), r/f, (r/f<=2.5?"met":"MISSED");
    printf "        --json adds %+.2f s (target <= 0.5: %s)   %.2f KiB per connection over a %d KiB base, %d connections (target <= 0.8: %s)\n", add, (add<=0.5?"met":"MISSED"), kib, base, conns, (kib<=0.8?"met":"MISSED");
    if (t["tcptrace"]>0) printf "        tcptrace/report = %.1fx\n", t["tcptrace"]/r }' \
    "$dir/results.txt"
}

# The fixed base: peak RSS of a report of a tiny capture (the binary, its tables' first blocks).
/usr/bin/time -f "%M" -o "$dir/base.txt" "$bin" report samples/browser-burst.pcap > /dev/null
base_rss=$(cat "$dir/base.txt")
echo "base: peak RSS of a report of samples/browser-burst.pcap = $base_rss KiB"

make bench-1m 220
run_set bench-1m
make pairs-1m 120 many-pairs
run_set pairs-1m
for f in bench-1m pairs-1m; do
  echo
  echo "== after the last packet on $f: each stage alone (median of 7)"
  "$tdir/release/examples/after_read" "$dir/$f.pcap" 7
done
echo
echo "== profile switch on bench-1m (re-derive ports + findings, no re-read)"
"$tdir/release/examples/profile_switch" "$dir/bench-1m.pcap"

# Bounded memory under a SYN flood: 1 M distinct 4-tuples, default cap (500 000 records) and a
# cap of 100 000 — peak RSS should follow the cap, not the flood.
[ -s "$dir/synflood-1m.pcap" ] || { echo "generating synflood-1m…"; python3 scripts/make-synflood.py "$dir/synflood-1m.pcap" 1000000; }
echo
echo "== synflood-1m: 1 000 000 SYNs from distinct 4-tuples"
: > "$dir/results.txt"
time_cmd flood-default 3 "report (cap 500 000)" "$bin" report "$dir/synflood-1m.pcap"
time_cmd flood-100k 3 "report --max-connections 100000" "$bin" report --max-connections 100000 "$dir/synflood-1m.pcap"
time_cmd flood-nocap 3 "report --max-connections 2000000" "$bin" report --max-connections 2000000 "$dir/synflood-1m.pcap"
if [ $app = 1 ]; then
  echo
  echo "== the app on bench-1m (egui_kittest, headless, release)"
  PORTLIFE_BENCH_FILE="$dir/bench-1m.pcap" cargo test -q --release --bin portlife \
    first_frame_and_frame_times_on_a_large_capture -- --ignored --nocapture 2>&1 | grep '^app:'
  echo "(compare the first frame with the analysis time printed beside it)"
fi
if [ $big = 1 ]; then
  make bench-10m 2000
  run_set bench-10m 1
fi
