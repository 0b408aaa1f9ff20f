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
# The web app beside the books (the chapters' "Open it here"): BOOK_APP=build (the default)
# builds it with scripts/build-web.sh; BOOK_APP=if-built copies an earlier build when there is
# one (the book's tests, which must not wait for a wasm build); BOOK_APP=none leaves it out.
# It goes into book/src/app/ (not in git), which mdBook copies into book/build/app/ like any other
# file of the book: so `mdbook serve book` serves it too. The Chinese book links to the same app.
case "${BOOK_APP:-build}" in
  build) scripts/build-web.sh target/web-app ;;
  if-built | none) ;;
  *) echo "build-book: BOOK_APP is build, if-built or none" >&2; exit 1 ;;
esac
rm -rf book/src/app
if [ "${BOOK_APP:-build}" != none ] && [ -f target/web-app/index.html ]; then
  cp -r target/web-app book/src/app
fi
"$MDBOOK" build book
"$MDBOOK" build book/zh-TW
python3 scripts/book-search-index.py book/build book/build/zh-TW
