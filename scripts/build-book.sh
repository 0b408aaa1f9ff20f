#!/usr/bin/env bash
# Builds both books: the English one into book/build/ and the Traditional Chinese one into
# book/build/zh-TW/ (its book.toml sets that build-dir), so the language switch link at the top of
# every page is a plain relative link. Order matters: mdbook empties book/build/ when it builds the
# English book.
set -euo pipefail
cd "$(dirname "$0")/.."
MDBOOK=${MDBOOK:-mdbook}
"$MDBOOK" build book
"$MDBOOK" build book/zh-TW
