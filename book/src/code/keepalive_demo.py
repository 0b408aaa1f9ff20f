"""Count the client ports used for 20 HTTP requests, without and with keep-alive.

Runs a tiny HTTP/1.1 server on 127.0.0.1 (a port the OS picks) and talks to it with the
standard library only. The server records the client port of every request it answers.
"""
import http.client
import http.server
import threading

seen = []  # client port of each request, as the server saw it


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection open unless told otherwise

    def do_GET(self):
        seen.append(self.client_address[1])
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
host, port = server.server_address

# Before: a new connection (and a new ephemeral port) for every request.
for _ in range(20):
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("GET", "/", headers={"Connection": "close"})
    conn.getresponse().read()
    conn.close()
before = len(set(seen))

# After: one connection reused for every request (what requests.Session does for you).
seen.clear()
conn = http.client.HTTPConnection(host, port, timeout=5)
for _ in range(20):
    conn.request("GET", "/")
    conn.getresponse().read()
conn.close()
after = len(set(seen))

server.shutdown()
print(f"without keep-alive: 20 requests used {before} client ports")
print(f"with keep-alive:    20 requests used {after} client port(s)")
assert before == 20 and after == 1
