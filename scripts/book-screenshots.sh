#!/usr/bin/env bash
# The book's pictures of the app (book/src/images/*.png, shared by the zh-TW book): the real app
# driven headless by egui_kittest on the samples each chapter names, in the light theme, each
# cropped to the part the text talks about (src/app/book_shots.rs says which). Renders with
# wgpu on Mesa's lavapipe, as the GUI tests do (needs mesa-vulkan-drivers).
#
# Usage: scripts/book-screenshots.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
cargo test --quiet --bin portlife book_pictures -- --ignored --nocapture | grep '^wrote ' || {
  echo "book-screenshots.sh: the pictures were not written" >&2
  exit 1
}
