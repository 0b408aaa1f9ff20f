#!/usr/bin/env bash
# Checks in headless Chromium that the books' search pages find Chinese and English words:
# opens book/build/**/search.html?q=WORD from the file system (no server, no network) and counts
# the results the page lists. Run scripts/build-book.sh first. CHROMIUM: the browser command.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-chromium}
[ -f book/build/zh-TW/searchdata.js ] || { echo "search-check: no search data: run scripts/build-book.sh" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
status=0
# word, page, at least this many results
while read -r word page min; do
  url="file://$PWD/book/build/$page?q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$word")"
  n=$(timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --no-first-run --user-data-dir="$profile" --dump-dom "$url" 2>/dev/null \
      | grep -o 'class="book-search-result"' | wc -l)
  if [ "$n" -ge "$min" ]; then echo "ok: $page?q=$word: $n results"; else echo "FAIL: $page?q=$word: $n results, want ≥ $min"; status=1; fi
done <<'CASES'
臨時埠 zh-TW/search.html 20
防火牆 zh-TW/search.html 5
連線池 zh-TW/search.html 5
TIME-WAIT search.html 20
firewall search.html 5
CASES
exit $status
