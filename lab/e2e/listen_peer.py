#!/usr/bin/python3
"""Both ends of the protocol of the helper that ./masq new-helper generates.

  listen_peer.py server ADDRESS PORT SECONDS
      accepts connections on tcp ADDRESS:PORT; from each reads one line "LISTEN ADDRESS PORT",
      logs "told ADDRESS:PORT", connects there, sends "token", and logs "reached ADDRESS:PORT: REPLY"
      or "...: failed: REASON". Prints "serving ADDRESS:PORT" once listening.
  listen_peer.py client SERVER PORT LISTEN_PORT
      listens on tcp LISTEN_PORT, tells SERVER:PORT "LISTEN <its own address> LISTEN_PORT" and waits
      5 s for the server's connection, answering its token; exits 0 with "reached by IP:PORT".
"""
import socket
import sys
import time


def server(address, port, seconds):
    listener = socket.create_server((address, port), reuse_port=False)
    print(f"serving {address}:{port}", flush=True)
    listener.settimeout(seconds)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            break
        with connection:
            connection.settimeout(3)
            words = connection.makefile("r").readline().split()
        if len(words) != 3 or words[0] != "LISTEN":
            print(f"not a LISTEN line: {words}", flush=True)
            continue
        print(f"told {words[1]}:{words[2]}", flush=True)
        try:
            with socket.create_connection((words[1], int(words[2])), timeout=3) as back:
                back.sendall(b"token\n")
                back.settimeout(3)
                print(f"reached {words[1]}:{words[2]}: {back.recv(64).decode().strip()}", flush=True)
        except (OSError, ValueError) as error:
            print(f"reached {words[1]}:{words[2]}: failed: {error}", flush=True)


def client(server_address, port, listen_port):
    listener = socket.create_server(("0.0.0.0", listen_port))
    with socket.create_connection((server_address, port), timeout=5) as s:
        s.sendall(f"LISTEN {s.getsockname()[0]} {listen_port}\r\n".encode())
        listener.settimeout(5)
        try:
            connection, (ip, peer_port) = listener.accept()
        except socket.timeout:
            print(f"not reached on port {listen_port}", flush=True)
            return 1
        with connection:
            connection.settimeout(3)
            connection.recv(64)
            connection.sendall(b"ok\n")
    print(f"reached by {ip}:{peer_port}", flush=True)
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "server":
        server(argv[2], int(argv[3]), float(argv[4]))
        return 0
    if len(argv) == 5 and argv[1] == "client":
        return client(argv[2], int(argv[3]), int(argv[4]))
    print(__doc__.strip(), file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
