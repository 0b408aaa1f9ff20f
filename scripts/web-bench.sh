#!/usr/bin/env bash
# The web app's budget, measured (BENCHMARKS.md, "The app in a browser"): the .wasm's size, the
# time from the page's start to the default sample open and drawn (headless Chromium, three
# runs), and the frames of a real Chromium window under Xvfb repainting continuously on it
# (the page's `?frames`: each frame's cost logged to the console), with SwiftShader and with
# Mesa's llvmpipe behind ANGLE. Needs a build in target/web-app (scripts/build-web.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
app=target/web-app
[ -f $app/portlife_bg.wasm ] || { echo "web-bench: build the app first: scripts/build-web.sh" >&2; exit 1; }
port=${PORT:-8132}
python3 -m http.server --bind 127.0.0.1 --directory $app "$port" >/dev/null 2>&1 &
server=$!
tmp=$(mktemp -d)
trap 'kill $server; rm -rf "$tmp"' EXIT
sleep 1
url="http://127.0.0.1:$port/index.html?sample=browser-burst.pcap&lang=en"
echo "wasm: $(stat -c %s $app/portlife_bg.wasm) bytes ($(gzip -c $app/portlife_bg.wasm | wc -c) gzipped)"
for i in 1 2 3; do
  rm -rf "$tmp/p"
  timeout 60 chromium --headless --no-sandbox --no-first-run --use-angle=swiftshader \
    --enable-unsafe-swiftshader --ignore-gpu-blocklist --window-size=1400,800 \
    --user-data-dir="$tmp/p" --enable-logging=stderr --v=0 --timeout=6000 \
    --screenshot="$tmp/s.png" "$url" 2>&1 | grep -o "ready [0-9]* ms" || echo "run $i: not ready"
done
for gl in swiftshader gl; do
  rm -rf "$tmp/p"
  timeout 25 xvfb-run -a -s "-screen 0 1400x900x24" chromium --no-sandbox --no-first-run \
    --use-angle=$gl --enable-unsafe-swiftshader --ignore-gpu-blocklist --window-size=1400,800 \
    --user-data-dir="$tmp/p" --enable-logging=stderr --v=0 --app="$url&frames" 2>&1 \
    | grep -o "portlife frame [-0-9.a-zA-Z ]*" > "$tmp/frames.txt" || true
  python3 - "$tmp/frames.txt" "$gl" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    f = line.split()[2:]
    if len(f) == 4:
        try:
            rows.append((float(f[0]), float(f[1]), float(f[2]), int(f[3])))
        except ValueError:
            pass
l = [r for r in rows if r[3] > 0][5:]
if len(l) < 10:
    sys.exit(f"{sys.argv[2]}: too few frames ({len(l)})")
p = lambda s, q: s[min(len(s) - 1, int(q * len(s)))]
whole = sorted(x[1] for x in l if x[1] == x[1])
ui = sorted(x[2] for x in l)
gaps = sorted(b[0] - a[0] for a, b in zip(l, l[1:]))
dur = (l[-1][0] - l[0][0]) / 1000
print(f"{sys.argv[2]}: {len(l)} frames, {(len(l) - 1) / dur:.1f} fps over {dur:.1f} s; "
      f"whole frame p50 {p(whole, .5):.1f} ms p99 {p(whole, .99):.1f} ms; "
      f"UI p50 {p(ui, .5):.1f} ms p99 {p(ui, .99):.1f} ms; "
      f"frame to frame p50 {p(gaps, .5):.0f} ms p99 {p(gaps, .99):.0f} ms")
PY
done
