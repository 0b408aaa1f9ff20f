#!/usr/bin/env bash
# The book with the app in it, on this machine: builds both books and the web app
# (scripts/build-book.sh), then serves book/build on http://127.0.0.1:${PORT:-8000}/ with
# Python's static file server until Ctrl+C. Any static file server does: the pages fetch
# nothing from anywhere but their own folder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-book.sh
port=${PORT:-8000}
echo "serve-book: http://127.0.0.1:$port/ (English), http://127.0.0.1:$port/zh-TW/ (繁體中文); Ctrl+C stops"
exec python3 -m http.server --bind 127.0.0.1 --directory book/build "$port"
