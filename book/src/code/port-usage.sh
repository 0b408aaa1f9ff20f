#!/bin/sh
# How full is this Linux machine's ephemeral port range? (read-only; no root needed)
set -- $(cat /proc/sys/net/ipv4/ip_local_port_range)
lo=$1 hi=$2
size=$((hi - lo + 1))
# Sockets in TIME-WAIT (skip ss's header line).
tw=$(ss -tan state time-wait | tail -n +2 | wc -l)
# Every TCP socket that holds a local port inside the range, in any state.
used=$(ss -tan | awk -v lo="$lo" -v hi="$hi" 'NR > 1 { n = split($4, a, ":"); p = a[n] + 0; if (p >= lo && p <= hi) c++ } END { print c + 0 }')
pct=$((100 * used / size))
echo "range: $lo-$hi ($size ports)"
echo "TIME-WAIT sockets: $tw"
echo "sockets on ports in the range: $used ($pct %)"
if [ "$pct" -ge 80 ]; then echo "CRITICAL: over 80 %"; elif [ "$pct" -ge 60 ]; then echo "WARNING: over 60 %"; else echo "OK: under 60 %"; fi
