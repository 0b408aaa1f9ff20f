#!/usr/bin/env bash
# Regenerate every figure of the book from the samples with `portlife export`.
# PORTLIFE: the portlife command (default: cargo run --release --no-default-features --)
# OUT: where to write (default book/src/figures). tests/book.rs runs this into a temp dir and
# compares byte for byte with the committed figures.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-book/src/figures}
PORTLIFE=${PORTLIFE:-"cargo run --quiet --release --no-default-features --"}
mkdir -p "$OUT"
p() { $PORTLIFE "$@"; }
p export --lifecycle "$OUT/lifecycle.svg"
p export samples/browser-burst.pcap --profile windows --svg "$OUT/browser-burst.svg"
p export samples/refused.pcap --svg "$OUT/refused.svg"
p export samples/ipv6-client.pcap --svg "$OUT/ipv6-client.svg"
p export samples/reuse-in-timewait.pcap --svg "$OUT/reuse-in-timewait.svg"
p export samples/http-no-keepalive.pcap --svg "$OUT/http-no-keepalive.svg"
p export samples/http-keepalive.pcap --svg "$OUT/http-keepalive.svg"
p export samples/server-closes-first.pcap --svg "$OUT/server-closes-first.svg"
p export samples/connection-pool.pcap --svg "$OUT/connection-pool.svg"
p export samples/proxy.pcap --svg "$OUT/proxy.svg"
p export samples/udp-dns-ntp.pcap --svg "$OUT/udp-dns-ntp.svg"
p export samples/firewall-drop.pcap --svg "$OUT/firewall-drop.svg"
p export samples/return-blocked.pcap --svg "$OUT/return-blocked.svg"
p export samples/port-exhaustion.pcap --svg "$OUT/port-exhaustion.svg"
p export samples/real-http-no-keepalive.pcap --svg "$OUT/real-http-no-keepalive.svg"
p export samples/dynamic-rpc.pcap --profile windows --svg "$OUT/dynamic-rpc.svg"
p export samples/port-exhaustion.pcap --profile custom:40000-40199:60 --pool-map "$OUT/pool-map-exhaustion.svg" --at 5
p export samples/http-no-keepalive.pcap --pool-map "$OUT/pool-map-no-keepalive.svg" --at 5
