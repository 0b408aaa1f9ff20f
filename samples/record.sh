#!/usr/bin/env bash
# Re-record the real loopback captures samples/real-*.pcap: real kernel TCP traffic between a
# small python3 client and server on 127.0.0.1, captured with tcpdump.
#
# Bounded: every run makes at most 40 connections, each capture stops after the client is done
# (and at the latest after 30 s), and only loopback is touched. Needs root for tcpdump
# (installed with apt-get when missing).
#
#   samples/record.sh            re-record all four captures into samples/
#   OUT=/tmp/x samples/record.sh write them elsewhere
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here}"
mkdir -p "$out"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need tcpdump; then
    apt-get update -qq && apt-get install -y -qq tcpdump
fi
need python3 || { apt-get update -qq && apt-get install -y -qq python3; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/pair.py" <<'PY'
"""A bounded HTTP-ish client/server pair on loopback. Usage: pair.py MODE PORT COUNT."""
import socket, sys, threading, time

mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
HOST = "127.0.0.1"
BODY = b'{"items":[' + b",".join(b'"x%d"' % i for i in range(60)) + b"]}"

def response(close):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(BODY)
    if close:
        head += b"Connection: close\r\n"
    return head + b"\r\n" + BODY

def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
    return data

def serve(srv, server_closes):
    for _ in range(count if mode != "keepalive" else 1):
        conn, _ = srv.accept()
        conn.settimeout(5)
        with conn:
            while True:
                if read_request(conn) is None:
                    break  # the client closed first: we answer its FIN
                conn.sendall(response(server_closes))
                if server_closes:
                    break  # we close first: TIME-WAIT lands on the server
            # leaving the with-block closes the socket

def read_response(c):
    data = b""
    while b"\r\n\r\n" not in data:
        data += c.recv(4096)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(rest) < length:
        rest += c.recv(4096)

def request(c, i, close):
    hdr = b"Connection: close\r\n" if close else b""
    c.sendall(b"GET /api/items/%d HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (i, hdr))
    read_response(c)

def client():
    if mode == "refused":
        for _ in range(count):
            try:
                socket.create_connection((HOST, port), timeout=2).close()
            except ConnectionRefusedError:
                pass
            time.sleep(0.2)
        return
    if mode == "keepalive":
        with socket.create_connection((HOST, port), timeout=5) as c:
            for i in range(count):
                request(c, i, False)
                time.sleep(0.02)
        return
    for i in range(count):
        with socket.create_connection((HOST, port), timeout=5) as c:
            if mode == "server-closes-first":
                request(c, i, True)
                while c.recv(4096):  # wait for the server's FIN, then close
                    pass
            else:
                request(c, i, False)  # then close: the client's FIN goes first
        time.sleep(0.02)

if mode != "refused":
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, port))
    srv.listen(64)
    t = threading.Thread(target=serve, args=(srv, mode == "server-closes-first"), daemon=True)
    t.start()
client()
if mode != "refused":
    t.join(timeout=10)
    srv.close()
PY

record() { # NAME MODE PORT COUNT
    local name="$1" mode="$2" port="$3" count="$4" file="$out/real-$1.pcap"
    tcpdump -i lo -U --immediate-mode -s 262144 -w "$file" "tcp port $port" 2>"$work/tcpdump.log" &
    local pid=$!
    sleep 1  # let tcpdump attach
    timeout 30 python3 "$work/pair.py" "$mode" "$port" "$count"
    sleep 2  # let the last segments reach the file (TPACKET_V3 delivers in blocks)
    kill -INT "$pid"
    wait "$pid" || true
    echo "$file: $(grep -Eo '[0-9]+ packets captured' "$work/tcpdump.log")"
}

record http-no-keepalive close 18801 40
record http-keepalive keepalive 18802 40
record refused refused 18809 3
record server-closes-first server-closes-first 18803 20
