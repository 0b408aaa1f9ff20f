#!/usr/bin/env bash
# The app's whole frame — UI, tessellation and painting, as eframe times it (`cpu_usage`, the
# wait for vsync left out) — and the interval between frames, in a real window under Xvfb
# (Mesa's software renderer: every pixel is painted by the CPU), while the timeline of a
# 100 000-connection capture is zoomed and panned with the mouse. Prints the 50th and 99th
# percentiles. Needs Xvfb and xdotool (installed with apt-get when missing, as root).
#
# Usage: scripts/frame-times.sh [CAPTURE] [SECONDS]
#   CAPTURE  default: a synthetic capture of 110 000 short connections (made once, in /tmp)
#   SECONDS  how long to zoom and pan (default 20)
# Builds the release app first unless PORTLIFE_BIN points at one.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-}
secs=${2:-20}

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
[ -e /usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0 ] || need+=(libegl-mesa0 libgl1-mesa-dri libegl1)
[ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || need+=(mesa-vulkan-drivers libvulkan1)
if [ ${#need[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi

bin=${PORTLIFE_BIN:-}
if [ -z "$bin" ]; then
  (cd "$repo" && cargo build --release --quiet)
  bin=${CARGO_TARGET_DIR:-$repo/target}/release/portlife
fi
if [ -z "$capture" ]; then
  capture=/tmp/portlife-frames-110k.pcap
  [ -s "$capture" ] || "$bin" synth http-no-keepalive --scale 220 -o "$capture" >/dev/null
fi

work=$(mktemp -d)
disp=:$(( 90 + RANDOM % 100 ))
Xvfb "$disp" -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
app=
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
sleep 1
export DISPLAY=$disp XDG_RUNTIME_DIR=$work
XDG_DATA_HOME=$work PORTLIFE_FRAME_LOG=$work/frames.log "$bin" "$capture" >"$work/app.log" 2>&1 &
app=$!

# Loaded when the log's last column (connections) is no longer 0; then let it settle.
for _ in $(seq 1 120); do
  sleep 0.5
  if [ -s "$work/frames.log" ] && [ "$(tail -n1 "$work/frames.log" | awk '{print $4}')" != 0 ]; then
    break
  fi
done
sleep 2
start_ms=$(tail -n1 "$work/frames.log" | awk '{print $1}')

# Zoom (ctrl + wheel) and pan (drag) over the timeline, the way a user reads it.
xdotool mousemove 800 400
end=$(( $(date +%s) + secs ))
while [ "$(date +%s)" -lt "$end" ]; do
  for _ in 1 2 3; do xdotool keydown ctrl click 4 keyup ctrl; sleep 0.05; done
  xdotool mousedown 1; for _ in 1 2 3 4 5; do xdotool mousemove_relative -- 40 0; sleep 0.03; done; xdotool mouseup 1
  for _ in 1 2 3; do xdotool keydown ctrl click 5 keyup ctrl; sleep 0.05; done
  xdotool mousedown 1; for _ in 1 2 3 4 5; do xdotool mousemove_relative -- -40 0; sleep 0.03; done; xdotool mouseup 1
done
stop_ms=$(tail -n1 "$work/frames.log" | awk '{print $1}')
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
app=

python3 - "$work/frames.log" "$start_ms" "$stop_ms" <<'PY'
import math, sys
path, start, stop = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
# The last line can be cut short when the app is stopped mid-write.
rows = [l.split() for l in open(path) if len(l.split()) == 4]
rows = [(float(t), float(w), float(u), int(c)) for t, w, u, c in rows if start <= float(t) <= stop]
def pct(v, p):
    v = sorted(x for x in v if not math.isnan(x))
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")
whole = [w for _, w, _, _ in rows]
ui = [u for _, _, u, _ in rows]
gaps = [b[0] - a[0] for a, b in zip(rows, rows[1:])]
conns = rows[-1][3] if rows else 0
print(f"{len(rows)} frames over {(stop - start) / 1000:.1f} s of zooming and panning, {conns} connections")
print(f"whole frame (eframe cpu_usage): p50 {pct(whole, 50):.1f} ms, p99 {pct(whole, 99):.1f} ms")
print(f"UI alone:                       p50 {pct(ui, 50):.1f} ms, p99 {pct(ui, 99):.1f} ms")
print(f"frame to frame:                 p50 {pct(gaps, 50):.1f} ms, p99 {pct(gaps, 99):.1f} ms")
PY
