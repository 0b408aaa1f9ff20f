"""A tiny HTTP/1.1 server for the chapter 11 lab, on 127.0.0.1 only.

python3 lab_server.py 8000
    keep-alive: waits for a next request, so the client (curl)
    closes first and gets the TIME-WAIT
python3 lab_server.py 8000 --close
    answers without Content-Length and closes the connection
    itself, so the server gets the TIME-WAIT
"""
import http.server
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
server_closes = "--close" in sys.argv


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection open unless told otherwise

    def do_GET(self):
        body = b"hello\n"
        self.send_response(200)
        if server_closes:
            # No length: the body ends when the server closes,
            # so the server's FIN is first.
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
