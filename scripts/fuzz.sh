#!/usr/bin/env bash
# Run portlife's cargo-fuzz targets (fuzz/fuzz_targets: source, decode, pipeline) for SECONDS
# each (default 300) on one core, then print libFuzzer's final figures per target.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). On stable Rust it runs with
# RUSTC_BOOTSTRAP=1, because cargo-fuzz passes -Z flags (sanitizer, coverage instrumentation).
# The working corpus grows in fuzz/corpus/ (not committed); the seeds in fuzz/seeds/ are.
# A crash is saved under fuzz/artifacts/TARGET/: copy it to fuzz/regressions/TARGET/ — the
# test tests/fuzz_regressions.rs then replays it in `cargo test` — and only then fix it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-300}
mkdir -p logs
for t in source decode pipeline; do
  seeds=seeds/source
  [ "$t" = decode ] && seeds=seeds/decode
  mkdir -p "corpus/$t"
  echo "== $t: ${secs}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" "$seeds" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    >"logs/$t.log" 2>&1 || echo "!! $t stopped with a finding: see fuzz/logs/$t.log"
  grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|panicked" "logs/$t.log" || true
  echo "corpus: $(ls "corpus/$t" | wc -l) inputs"
done
