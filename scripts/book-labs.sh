#!/usr/bin/env bash
# Run every piece of code the book calls runnable. Loopback only; each bounded by a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
timeout 30 python3 book/src/code/keepalive_demo.py
timeout 30 python3 book/src/code/pool_demo.py
timeout 10 sh book/src/code/port-usage.sh
echo "book labs: all ran"
