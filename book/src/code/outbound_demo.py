"""A server is a client too: a "front" server that calls a "back end" for every request.

Both run on 127.0.0.1. The front listens on one fixed port; for each request it receives, it
opens its own connection to the back end from an ephemeral port the OS picks.

    python3 outbound_demo.py
"""
import socket
import socketserver
import threading

outbound = []  # the front's own ports, one per call to the back end


class Backend(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"data for " + self.rfile.readline())


class Front(socketserver.StreamRequestHandler):
    def handle(self):
        request = self.rfile.readline()
        with socket.create_connection(backend.server_address, timeout=5) as call:
            outbound.append(call.getsockname()[1])  # the front acting as a client
            call.sendall(request)
            self.wfile.write(call.makefile().readline().encode())


backend = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Backend)
front = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Front)
for s in (backend, front):
    threading.Thread(target=s.serve_forever, daemon=True).start()

for i in range(5):
    with socket.create_connection(front.server_address, timeout=5) as c:
        c.sendall(f"request {i}\n".encode())
        c.makefile().readline()
front.shutdown()
backend.shutdown()
print(f"front listens on port {front.server_address[1]}")
print(f"for 5 requests it called the back end from ports {sorted(outbound)}")
assert len(set(outbound)) == 5 and front.server_address[1] not in outbound
