"""Hold N established TCP connections on 127.0.0.1 (chapter 10's lab).

    python3 hold_connections.py 5 30    5 connections, held 30 seconds

Both ends are in this one process, so `ss` counts 2 × N
established sockets for it.
"""
import socket
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
seconds = min(seconds, 120)  # never longer than 2 minutes

server = socket.create_server(("127.0.0.1", 0))  # the OS picks the port
addr = server.getsockname()
clients = [socket.create_connection(addr, timeout=5) for _ in range(n)]
accepted = [server.accept()[0] for _ in range(n)]
print(f"holding {n} connections to {addr[0]}:{addr[1]} for {seconds:g} s",
      flush=True)
time.sleep(seconds)
