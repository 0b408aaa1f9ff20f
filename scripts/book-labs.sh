#!/usr/bin/env bash
# Run every piece of code the book calls runnable, and check the results the book states.
# Loopback only (127.0.0.1); every loop is bounded in count and every command in time.
# Needs python3, curl and ss (iproute2). Under CI=true a missing tool is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in python3 curl ss; do
  command -v "$tool" >/dev/null 2>&1 || { echo "book labs: $tool missing" >&2; exit 1; }
done
code=book/src/code
fail() { echo "book labs: $*" >&2; exit 1; }
expect() { # expect WHAT WANT GOT
  [ "$2" = "$3" ] || fail "$1: the book says $2, the lab gave $3"
  echo "ok: $1 = $3"
}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# A free TCP port on 127.0.0.1 below Linux's ephemeral range, so that no client socket of this or
# an earlier run (which holds ports from the range) can sit on it and blur the counts.
# It must also have no socket at all on either end (a TIME-WAIT left by an earlier run's clients).
free_port() {
  local p
  for _ in $(seq 100); do
    p=$(python3 - <<'PY'
import random, socket
for _ in range(100):
    p = random.randint(20000, 29999)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break
PY
)
    [ -z "$(ss -tanH "( sport = :$p or dport = :$p )")" ] && { echo "$p"; return; }
  done
  fail "no free port found"
}
wait_listening() { # wait up to 30 s for a listener on port $1 (a loaded machine starts python slowly)
  for _ in $(seq 300); do
    ss -tlnH "sport = :$1" | grep -q . && return 0
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$1"
}
tw() { ss -tanH state time-wait "( $1 = :$2 )" | wc -l; } # tw sport|dport PORT
# tw_reached sport|dport PORT WANT: the TIME-WAIT count once it reaches WANT, or what it is after
# 5 s. A socket enters TIME-WAIT only when the peer's FIN arrives; on a busy machine the server's
# last FIN can come after curl has returned, so a count taken at once can be one short.
tw_reached() {
  local n
  for _ in $(seq 50); do
    n=$(tw "$1" "$2")
    [ "$n" -ge "$3" ] && break
    sleep 0.1
  done
  echo "$n"
}
curl30() { for _ in $(seq 30); do curl -s -m 5 -o /dev/null "http://127.0.0.1:$1/"; done; }
curl30_one() { curl -s -m 20 $(for _ in $(seq 30); do echo -o /dev/null "http://127.0.0.1:$1/"; done); }

# Chapter 1: getsockname() shows three client ports inside the range, each the server's view too.
out=$(timeout 30 python3 $code/my_port.py)
echo "$out"
read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
ports=$(grep -o 'client 127.0.0.1:[0-9]*' <<<"$out" | cut -d: -f2)
expect "ch01 my_port.py, distinct client ports" 3 "$(sort -u <<<"$ports" | wc -l)"
for p in $ports; do
  [ "$p" -ge "$lo" ] && [ "$p" -le "$hi" ] || fail "ch01 my_port.py: port $p outside $lo-$hi"
done
echo "ok: ch01 my_port.py, all inside $lo-$hi"

# Chapter 6: a server making outbound calls uses 5 ephemeral ports for 5 requests.
out=$(timeout 30 python3 $code/outbound_demo.py)
echo "$out"
expect "ch06 outbound_demo.py, distinct outbound ports" 5 "$(sed -n 2p <<<"$out" | grep -o '[0-9]\{4,5\}' | sort -u | wc -l)"

# Chapter 8: keep-alive and pooling.
out=$(timeout 30 python3 $code/keepalive_demo.py)
echo "$out"
expect "ch08 keep-alive demo, before" "without keep-alive: 20 requests used 20 client ports" "$(sed -n 1p <<<"$out")"
expect "ch08 keep-alive demo, after" "with keep-alive:    20 requests used 1 client port(s)" "$(sed -n 2p <<<"$out")"
expect "ch08 pool demo" "40 queries used 4 client ports" "$(timeout 30 python3 $code/pool_demo.py)"
expect "ch08 exercise 1 (pool size 2)" "40 queries used 2 client ports" "$(timeout 30 python3 $code/pool_demo.py 2)"
timeout 10 sh $code/port-usage.sh

# Chapter 10: which processes hold the most established connections.
# (no `timeout` wrapper: ss must see python's own pid; the script holds for 8 s and exits)
hold_out=$(mktemp)
python3 $code/hold_connections.py 5 40 >"$hold_out" & pids+=($!)
hold_pid=$!
for _ in $(seq 300); do grep -q holding "$hold_out" && break; sleep 0.1; done
grep -q holding "$hold_out" || fail "ch10 hold_connections.py did not start within 30 s"
line=$(ss -tanpH state established | grep -o '"[^"]*",pid=[0-9]*' | sort | uniq -c | sort -n | grep "pid=$hold_pid\$" || true)
rm -f "$hold_out"
expect "ch10 ss -p count for hold_connections.py 5" "10" "$(awk '{print $1}' <<<"$line")"
kill "$hold_pid" 2>/dev/null || true

# Chapter 11, steps 2–3: the keep-alive server; every curl closes first.
p=$(free_port)
timeout 60 python3 $code/lab_server.py "$p" & pids+=($!)
wait_listening "$p"
curl30 "$p"
expect "ch11 step 3, TIME-WAIT on the client ports (dport)" 30 "$(tw_reached dport "$p" 30)"
expect "ch11 step 3, TIME-WAIT on the server port (sport)" 0 "$(tw sport "$p")"
# Exercise 2: one curl, 30 URLs, one kept-alive connection: one more port in TIME-WAIT. Counted
# on a server port of its own: on loopback tcp_tw_reuse=2 lets connect() take over one of step
# 3's TIME-WAIT ports, which would hide the new one in a total.
p2=$(free_port)
timeout 60 python3 $code/lab_server.py "$p2" & pids+=($!)
wait_listening "$p2"
curl30_one "$p2"
expect "ch11 exercise 2, one curl for 30 URLs (new client ports)" 1 "$(tw_reached dport "$p2" 1)"
kill "${pids[-1]}"

# Chapter 11, step 5: the server closes first.
p=$(free_port)
timeout 60 python3 $code/lab_server.py "$p" --close & pids+=($!)
wait_listening "$p"
curl30 "$p"
expect "ch11 step 5, TIME-WAIT on the server port (sport)" 30 "$(tw_reached sport "$p" 30)"
expect "ch11 step 5, TIME-WAIT on the client ports (dport)" 0 "$(tw dport "$p")"
kill "${pids[-1]}"

# Chapter 11, step 5: python3 -m http.server (HTTP/1.0): the FINs race, the total is 30.
p=$(free_port)
timeout 60 python3 -m http.server "$p" --bind 127.0.0.1 >/dev/null 2>&1 & pids+=($!)
wait_listening "$p"
curl30 "$p"
# A simultaneous close (the FINs cross) leaves TIME-WAIT on both ends, so the sum is 30 or more.
for _ in $(seq 50); do # the last FIN may still be on its way (see tw_reached)
  both=$(($(tw sport "$p") + $(tw dport "$p")))
  [ "$both" -ge 30 ] && break
  sleep 0.1
done
[ "$both" -ge 30 ] && [ "$both" -le 60 ] || fail "ch11 step 5, http.server: $both TIME-WAITs for 30 requests"
echo "ok: ch11 step 5, http.server: $both TIME-WAITs on the two sides for 30 requests"
echo "ch11 http.server split this run: sport $(tw sport "$p"), dport $(tw dport "$p")"
kill "${pids[-1]}"

# Chapter 11, steps 1–4 with the capture: tcpdump on lo, then portlife's report of it. Needs root,
# tcpdump and PORTLIFE (the portlife command; tests/book.rs passes its binary).
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null 2>&1 && [ -n "${PORTLIFE:-}" ]; then
  p=$(free_port)
  cap=$(mktemp --suffix=.pcap)
  tdlog=$(mktemp)
  timeout 60 tcpdump -i lo -U -w "$cap" "tcp port $p" >/dev/null 2>"$tdlog" & pids+=($!)
  td=$!
  # wait until tcpdump really listens (up to 30 s), or the first connections are missed
  for _ in $(seq 300); do grep -q "listening on" "$tdlog" && break; sleep 0.1; done
  grep -q "listening on" "$tdlog" || fail "ch11 capture lab: tcpdump did not start"
  rm -f "$tdlog"
  timeout 60 python3 $code/lab_server.py "$p" & pids+=($!)
  wait_listening "$p"
  curl30 "$p"
  sleep 1
  kill "${pids[-1]}"
  kill -INT "$td"; wait "$td" 2>/dev/null || true
  report=$($PORTLIFE report "$cap")
  rm -f "$cap"
  expect "ch11 step 4, the capture's connections" "TCP connections: 30" "$(grep -o 'TCP connections: [0-9]*' <<<"$report")"
  expect "ch11 step 4, who closed first" "closed first: client 30, server 0" "$(grep -o 'closed first: .*' <<<"$report")"
else
  [ "${CI:-}" = true ] && fail "ch11 capture lab needs root, tcpdump and PORTLIFE under CI"
  echo "skipped: ch11 capture lab (needs root, tcpdump and PORTLIFE)"
fi

echo "book labs: all ran"
