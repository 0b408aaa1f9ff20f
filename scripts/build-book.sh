#!/usr/bin/env bash
# Builds both books: the English one into book/build/ and the Traditional Chinese one into
# book/build/zh-TW/ (its book.toml sets that build-dir), so the language switch link at the top of
# every page is a plain relative link. Order matters: mdbook empties book/build/ when it builds the
# English book.
#
# Then scripts/book-search-index.py writes each book's search data (searchdata.js) for its search
# page (search.html): mdBook's own search index does not split Chinese text, so the Chinese book
# turns it off and uses that page instead.
set -euo pipefail
cd "$(dirname "$0")/.."
MDBOOK=${MDBOOK:-mdbook}
"$MDBOOK" build book
"$MDBOOK" build book/zh-TW
python3 scripts/book-search-index.py book/build book/build/zh-TW
