#!/usr/bin/env bash
# Start the portlife app under a virtual X display (Xvfb) on a capture and save a PNG of the
# screen: the picture the README shows. Self-contained (needs Xvfb, ImageMagick's `import` and
# Mesa; on Debian/Ubuntu as root it installs them).
#
# Usage: scripts/screenshot.sh [CAPTURE] [OUT.png] [SECONDS]
#   CAPTURE  default: samples/browser-burst.pcap (the app's default sample)
#   OUT.png  default: docs/screenshot.png
#   SECONDS  how long to let the app load and draw before the shot (default 10)
# Builds the binary first unless PORTLIFE_BIN points at one.
# With xdotool installed, SHOT_CLICK="X,Y" clicks there (select a connection: the details panel
# opens) and SHOT_HOVER="X,Y" then rests the pointer there (a span's tooltip), screen pixels on
# the 1600x1000 display. The defaults fit the default sample; set them to "" to skip.
# SHOT_ARGS passes options to the app (e.g. "--presentation --lang zh-TW --theme light"). The app
# runs with settings of its own (a fresh XDG_DATA_HOME), so what a desktop session remembered
# (theme, language, presentation mode) never leaks into a shot.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-$repo/samples/browser-burst.pcap}
out=${2:-$repo/docs/screenshot.png}
wait_s=${3:-10}

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v import >/dev/null || need+=(imagemagick)
[ -e /usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0 ] || need+=(libegl-mesa0 libgl1-mesa-dri libgl1 libegl1)
[ -e /usr/lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 ] || need+=(libxkbcommon-x11-0)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
  else
    echo "screenshot.sh: please install: ${need[*]}" >&2
    exit 1
  fi
fi

bin=${PORTLIFE_BIN:-}
if [ -z "$bin" ]; then
  (cd "$repo" && cargo build --quiet)
  bin=${CARGO_TARGET_DIR:-$repo/target}/debug/portlife
fi

disp=:$(( 90 + RANDOM % 100 ))
Xvfb "$disp" -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
app=
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1
log=$(mktemp)
data=$(mktemp -d)
# shellcheck disable=SC2086 # SHOT_ARGS is a list of options
XDG_DATA_HOME=$data DISPLAY=$disp LIBGL_ALWAYS_SOFTWARE=1 WINIT_UNIX_BACKEND=x11 \
  "$bin" ${SHOT_ARGS:-} "$capture" >"$log" 2>&1 &
app=$!
sleep "$wait_s"
if ! kill -0 "$app" 2>/dev/null; then
  echo "screenshot.sh: portlife exited before the screenshot; its output:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
if command -v xdotool >/dev/null; then
  click=${SHOT_CLICK-440,181}
  hover=${SHOT_HOVER-1000,199}
  if [ -n "$click" ]; then
    DISPLAY=$disp xdotool mousemove "${click%,*}" "${click#*,}" click 1
    sleep 2
  fi
  if [ -n "$hover" ]; then
    DISPLAY=$disp xdotool mousemove "${hover%,*}" "${hover#*,}"
    sleep 1
    DISPLAY=$disp xdotool mousemove_relative 1 0
    sleep 2
  fi
fi
mkdir -p "$(dirname "$out")"
# The window may be smaller than the display: trim the empty (black) border.
DISPLAY=$disp import -window root png:- | convert - -trim +repage "$out"
echo "saved $out"
