#!/usr/bin/env bash
# The pictures of the book with the app in it, in docs/: a chapter with the app open on its
# sample and tour (docs/book-with-app.png), and a tour step in Traditional Chinese
# (docs/tour-zh-TW.png). Builds the books and the web app first (scripts/build-book.sh), serves
# book/build on 127.0.0.1 and shoots with Debian's headless Chromium on a software WebGL.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_BUILD:-}" = 1 ] || scripts/build-book.sh
port=${PORT:-8131}
python3 -m http.server --bind 127.0.0.1 --directory book/build "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
sleep 1
shoot() { # URL WIDTH HEIGHT OUT
  rm -rf "$tmp/profile"
  timeout 120 chromium --headless --no-sandbox --no-first-run --disable-background-networking \
    --use-angle=swiftshader --enable-unsafe-swiftshader --ignore-gpu-blocklist \
    --user-data-dir="$tmp/profile" --window-size="$2,$3" --virtual-time-budget=25000 \
    --screenshot="$4" "http://127.0.0.1:$port/$1" 2>/dev/null
}
# The chapter is taller than a screen: shoot it whole, keep the part around the app.
shoot "ch07-browser.html?open-app" 1600 2200 "$tmp/chapter.png"
convert "$tmp/chapter.png" -crop 1600x1150+0+800 +repage docs/book-with-app.png
shoot "app/index.html?lang=zh-TW&tour=ch07" 1400 800 docs/tour-zh-TW.png
echo "web-screenshots: docs/book-with-app.png docs/tour-zh-TW.png"
