#!/usr/bin/env bash
# Builds portlife's app for the browser into OUT (default target/web-app/): the same egui app as
# the desktop one (src/app), compiled for wasm32-unknown-unknown and drawn with WebGL, with the
# page that starts it (web/index.html), the samples it may open (samples/*.pcap, fetched from
# OUT/samples/ by name) and a CJK font cut down to the characters portlife writes (the browser
# has no fonts to lend it). scripts/build-book.sh copies OUT into book/build/app/.
#
# Needs: rustup's wasm32-unknown-unknown target, wasm-bindgen-cli of the version Cargo.lock pins,
# python3 with fonttools (pyftsubset), Debian's fonts-noto-cjk. .ci/run installs them.
# No wasm-opt: Debian's binaryen (version 108) predates the reference types Rust's wasm32 target
# now emits, and its output fails to instantiate; the `web` profile's size optimisation keeps the
# .wasm within its 10 MB budget without it.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/web-app}
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
if [ "$have" != "$want" ]; then
  echo "build-web: need wasm-bindgen $want (have: ${have:-none}): cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi
echo "build-web: cargo build --profile web --target wasm32-unknown-unknown"
cargo build --quiet --profile web --target wasm32-unknown-unknown --bin portlife
target_dir=${CARGO_TARGET_DIR:-target}
rm -rf "$OUT"
mkdir -p "$OUT/samples" "$OUT/fonts"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name portlife \
  "$target_dir/wasm32-unknown-unknown/web/portlife.wasm"
cp web/index.html "$OUT/"
cp samples/*.pcap "$OUT/samples/"
# Every character portlife can write, from its sources, its resources and the tours: the font
# needs no others.
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
[ -f "$font" ] || { echo "build-web: $font missing (Debian: fonts-noto-cjk)" >&2; exit 1; }
python3 - "$OUT/chars.txt" <<'PY'
import pathlib, sys
chars = set()
for root in ("src", "book/tours", "locales"):
    for p in pathlib.Path(root).rglob("*"):
        if p.suffix in (".rs", ".json", ".ftl"):
            chars.update(c for c in p.read_text(encoding="utf-8") if ord(c) > 0x2000)
chars.update("…—–→←▶◀▸▾×·")
pathlib.Path(sys.argv[1]).write_text("".join(sorted(chars)), encoding="utf-8")
PY
# Face 3 of the collection is Noto Sans CJK TC (Traditional Chinese glyph forms).
pyftsubset "$font" --font-number=3 --text-file="$OUT/chars.txt" \
  --output-file="$OUT/fonts/cjk-tc.otf" --layout-features='*' --no-hinting
rm "$OUT/chars.txt"
echo "build-web: $OUT ($(du -sh "$OUT/portlife_bg.wasm" | cut -f1) wasm, $(du -sh "$OUT/fonts/cjk-tc.otf" | cut -f1) font)"
