"""Which port did the OS give me? Three connections on 127.0.0.1, each asked with getsockname().

    python3 my_port.py
"""
import socket

server = socket.create_server(("127.0.0.1", 0))  # port 0: the OS picks the server's port too
server_addr = server.getsockname()
print(f"server listens on {server_addr[0]}:{server_addr[1]}")

for i in range(1, 4):
    client = socket.create_connection(server_addr)  # connect() without bind(): the OS picks
    conn, peer = server.accept()
    me = client.getsockname()  # the client's own address: its ephemeral port
    print(f"connection {i}: client {me[0]}:{me[1]} -> server {server_addr[0]}:{server_addr[1]}"
          f" (the server sees the client as {peer[0]}:{peer[1]})")
    assert me == peer
    conn.close()
    client.close()
