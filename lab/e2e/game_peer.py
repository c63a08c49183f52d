#!/usr/bin/python3
"""A game's fixed UDP port through the gateway, as Battle.net-era games used 6112.

  game_peer.py server ADDRESS PORT SECONDS
      answers each datagram with "seen IP:PORT", the source it arrived from; prints
      "serving ADDRESS:PORT" once bound, then one "from IP:PORT" line per datagram.
  game_peer.py client SERVER PORT LOCAL_PORT
      sends "hello" from LOCAL_PORT to SERVER:PORT (three tries, 1 s apart) and prints the answer
      ("seen 203.0.113.1:6112"); exits 1 without one.
"""
import socket
import sys
import time


def server(address, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, port))
    print(f"serving {address}:{port}", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            data, (ip, sport) = s.recvfrom(2048)
        except socket.timeout:
            break
        print(f"from {ip}:{sport} {data[:16]!r}", flush=True)
        s.sendto(f"seen {ip}:{sport}".encode(), (ip, sport))


def client(server_address, port, local_port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", local_port))
    s.settimeout(1.0)
    for _ in range(3):
        s.sendto(b"hello", (server_address, port))
        try:
            data, source = s.recvfrom(2048)
        except socket.timeout:
            continue
        if source == (server_address, port):
            print(data.decode(errors="replace"), flush=True)
            return 0
    print(f"no answer from {server_address}:{port} to local port {local_port}", flush=True)
    return 1


def main(argv):
    if len(argv) == 5 and argv[1] == "server":
        server(argv[2], int(argv[3]), float(argv[4]))
        return 0
    if len(argv) == 5 and argv[1] == "client":
        return client(argv[2], int(argv[3]), int(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
