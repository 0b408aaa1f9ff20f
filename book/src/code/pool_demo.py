"""A minimal connection pool: 40 queries share 4 TCP connections (4 ephemeral ports).

The "database" is a line echo server on 127.0.0.1. The pool hands out an open socket and takes
it back afterwards, the idea behind SQLAlchemy's QueuePool. The pool size is the first argument
(default 4): `python3 pool_demo.py 2` runs the same 40 queries over 2 connections.
"""
import queue
import socket
import socketserver
import sys
import threading

ports = set()  # client ports the server has seen


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        ports.add(self.client_address[1])
        for line in self.rfile:
            self.wfile.write(line)


class Pool:
    """Open `size` connections once; lend them out and take them back."""

    def __init__(self, addr, size):
        self.idle = queue.Queue()
        for _ in range(size):
            self.idle.put(socket.create_connection(addr, timeout=5))

    def query(self, text):
        sock = self.idle.get()  # waits if all connections are lent out
        try:
            sock.sendall(text.encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                reply += sock.recv(4096)
            return reply.decode().strip()
        finally:
            self.idle.put(sock)

    def close(self):
        while not self.idle.empty():
            self.idle.get().close()


server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()

size = int(sys.argv[1]) if len(sys.argv) > 1 else 4
pool = Pool(server.server_address, size=size)
threads = [threading.Thread(target=pool.query, args=(f"SELECT {i}",)) for i in range(40)]
for t in threads:
    t.start()
for t in threads:
    t.join()
pool.close()
server.shutdown()
print(f"40 queries used {len(ports)} client ports")
assert len(ports) == size
