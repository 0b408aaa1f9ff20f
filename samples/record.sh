#!/usr/bin/env bash
# Re-record the real loopback captures samples/real-*.pcap: real kernel TCP traffic between a
# small python3 client and server on 127.0.0.1, captured with tcpdump.
#
# Bounded: every run makes at most 40 connections, each capture stops after the client is done
# (and at the latest after 30 s), and only loopback is touched. Needs root for tcpdump
# (installed with apt-get when missing).
#
#   samples/record.sh            re-record all five captures into samples/
#   OUT=/tmp/x samples/record.sh write them elsewhere
#   ONLY=time-wait-early-exit samples/record.sh   re-record one of them
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

def tw_early_exits():
    """Three connections the client closes first, so each leaves its port in TIME-WAIT:
    1. a RST arrives in TIME-WAIT (RFC 1337's "TIME-WAIT assassination": Linux honours it while
       net.ipv4.tcp_rfc1337 is 0, the default) and the socket is gone at once;
    2. left alone: the full 60 s (TCP_TIMEWAIT_LEN), still running when the capture ends;
    3. the next connection binds the same port to the same server while it is in TIME-WAIT: its
       SYN takes over the 4-tuple (tcp_tw_reuse, on for loopback by default)."""
    import struct
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sniff.bind(("lo", 0))
    sniff.settimeout(0.2)
    fin_next = {}  # client port -> the sequence number after the server's FIN

    def watch(stop):
        while not stop.is_set():
            try:
                frame = sniff.recv(65535)
            except socket.timeout:
                continue
            ip = frame[14:]
            if len(ip) < 40 or ip[0] >> 4 != 4 or ip[9] != 6:
                continue
            ihl = (ip[0] & 15) * 4
            tcp = ip[ihl:]
            sport, dport, seq = struct.unpack("!HHI", tcp[:8])
            flags, doff = tcp[13], (tcp[12] >> 4) * 4
            payload = struct.unpack("!H", ip[2:4])[0] - ihl - doff
            if sport == port and flags & 1:
                fin_next[dport] = (seq + payload + 1) & 0xFFFFFFFF

    def checksum(data):
        if len(data) % 2:
            data += b"\0"
        s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        return ~s & 0xFFFF

    def send_rst(cport, seq):
        hdr = struct.pack("!HHIIBBHHH", port, cport, seq, 0, 5 << 4, 0x04, 0, 0, 0)
        src = dst = socket.inet_aton(HOST)
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr))
        hdr = hdr[:16] + struct.pack("!H", checksum(pseudo + hdr)) + hdr[18:]
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        raw.sendto(hdr, (HOST, 0))
        raw.close()

    def in_time_wait(cport):
        import subprocess
        out = subprocess.run(["ss", "-Htan", "state", "time-wait", "sport = :%d" % cport],
                             capture_output=True, text=True).stdout
        return bool(out.strip())

    stop = threading.Event()
    w = threading.Thread(target=watch, args=(stop,), daemon=True)
    w.start()
    time.sleep(0.3)
    ports = []
    for i in range(2):
        # SO_REUSEADDR before bind: a TIME-WAIT socket lets bind() take its port again only
        # when both sockets asked for it.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as c:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            c.settimeout(5)
            c.bind((HOST, 0))
            c.connect((HOST, port))
            ports.append(c.getsockname()[1])
            request(c, i, False)
        time.sleep(0.3)
    first = ports[0]
    print("time-wait before the RST: port %d %s" % (first, in_time_wait(first)))
    send_rst(first, fin_next[first])
    time.sleep(0.3)
    print("time-wait after the RST: port %d %s" % (first, in_time_wait(first)))
    # Port reuse during TIME-WAIT: the second connection's port, to the same server.
    time.sleep(1.0)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((HOST, ports[1]))
    c.settimeout(5)
    c.connect((HOST, port))
    request(c, 2, False)
    c.close()
    print("reused port %d while it was in TIME-WAIT" % ports[1])
    time.sleep(0.3)
    stop.set()
    w.join()

if mode == "time-wait-early-exit":
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, port))
    srv.listen(64)
    count = 3
    t = threading.Thread(target=serve, args=(srv, False), daemon=True)
    t.start()
    tw_early_exits()
    t.join(timeout=10)
    srv.close()
    sys.exit(0)

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
    [ -z "${ONLY:-}" ] || [ "$ONLY" = "$name" ] || return 0
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
record time-wait-early-exit time-wait-early-exit 18804 3
