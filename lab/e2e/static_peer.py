#!/usr/bin/python3
"""Every port of a 1:1 NAT host, TCP and UDP, probed from outside.

  static_peer.py serve ADDRESS SECONDS
      listens on TCP and UDP on each test port of ADDRESS for SECONDS: the edges and landmarks of
      the port space (1, the privileged boundary, well-known services, the gateway's masq range
      and its ends, 65535) and 200 more drawn with a fixed seed, so that every run probes the same
      ports. A drawn port the host itself holds (a client connection of an earlier test still in
      TIME_WAIT blocks a listener's bind) is replaced by the next one the seed draws, and said in
      a line "busy PORT, drawn PORT instead"; a busy landmark is an error. Answers a TCP
      connection with "tcp PORT IP:PORT" (the port it was accepted on and its peer) and closes
      it, and a datagram with "udp PORT IP:PORT" likewise. Once every socket is bound, prints
      "serving N ports" and then "ports P1 P2 ...".
  static_peer.py probe ADDRESS PORT...
      connects to each PORT of ADDRESS by TCP and sends a datagram to it by UDP (three tries,
      1 s apart), all ports at once; prints "tcp OK/N udp OK/N seen as PEERS" and, for each
      port that failed, "missing tcp PORT" or "missing udp PORT". Exits 0 when every port
      answered on both protocols, 1 when some did, 2 when none did.
"""
import concurrent.futures
import errno
import random
import selectors
import socket
import sys
import time

LANDMARKS = [1, 7, 21, 22, 23, 53, 80, 123, 443, 500, 1023, 1024, 1025, 1723, 4500, 5060, 6667,
             8080, 27960, 40000, 49152, 61000, 61001, 65094, 65095, 65534, 65535]


DRAWN = 200


def candidates():
    """The drawn ports in the order the seed draws them, landmarks left out."""
    return [p for p in random.Random(14).sample(range(1, 65536), 2000) if p not in LANDMARKS]


def listen(address, port):
    """A TCP listener and a UDP socket on ADDRESS:PORT, or None when the port is taken."""
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((address, port))
        tcp.listen(16)
        udp.bind((address, port))
    except OSError as error:
        tcp.close()
        udp.close()
        if error.errno == errno.EADDRINUSE:
            return None
        raise
    tcp.setblocking(False)
    udp.setblocking(False)
    return tcp, udp


def serve(address, seconds):
    selector = selectors.DefaultSelector()
    bound = []

    def register(port, sockets):
        bound.append(port)
        for protocol, sock in zip(("tcp", "udp"), sockets):
            selector.register(sock, selectors.EVENT_READ, (protocol, port))

    for port in LANDMARKS:
        sockets = listen(address, port)
        if sockets is None:
            print(f"landmark port {port} of {address} is in use", flush=True)
            return 1
        register(port, sockets)
    drawn = iter(candidates())
    taken = 0
    while taken < DRAWN:
        port = next(drawn)
        sockets = listen(address, port)
        if sockets is None:
            replacement = port
            while sockets is None:
                replacement = next(drawn)
                sockets = listen(address, replacement)
            print(f"busy {port}, drawn {replacement} instead", flush=True)
            port = replacement
        register(port, sockets)
        taken += 1
    print(f"serving {len(bound)} ports", flush=True)
    print("ports " + " ".join(map(str, sorted(bound))), flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in selector.select(timeout=max(0.05, end - time.monotonic())):
            protocol, port = key.data
            try:
                if protocol == "tcp":
                    connection, (ip, peer_port) = key.fileobj.accept()
                    with connection:
                        connection.settimeout(2)
                        connection.sendall(f"tcp {port} {ip}:{peer_port}\n".encode())
                else:
                    _, (ip, peer_port) = key.fileobj.recvfrom(2048)
                    key.fileobj.sendto(f"udp {port} {ip}:{peer_port}\n".encode(), (ip, peer_port))
            except OSError as error:
                print(f"{protocol} {port}: {error}", flush=True)
    return 0


def probe_tcp(address, port):
    try:
        with socket.create_connection((address, port), timeout=3) as s:
            s.settimeout(3)
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = s.recv(256)
                if not chunk:
                    break
                reply += chunk
    except OSError:
        return None
    words = reply.decode(errors="replace").split()
    return words[2] if len(words) == 3 and words[:2] == ["tcp", str(port)] else None


def probe_udp(address, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((address, port))  # only datagrams from ADDRESS:PORT are answers
        s.settimeout(1)
        for _ in range(3):
            try:
                s.send(b"probe")
                words = s.recv(256).decode(errors="replace").split()
            except OSError:
                continue
            if len(words) == 3 and words[:2] == ["udp", str(port)]:
                return words[2]
    return None


def probe(address, port_list):
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(256, len(port_list))) as pool:
        tcp = dict(zip(port_list, pool.map(lambda p: probe_tcp(address, p), port_list)))
        udp = dict(zip(port_list, pool.map(lambda p: probe_udp(address, p), port_list)))
    peers = sorted({seen.rsplit(":", 1)[0] for seen in list(tcp.values()) + list(udp.values()) if seen})
    ok_tcp = sum(1 for seen in tcp.values() if seen)
    ok_udp = sum(1 for seen in udp.values() if seen)
    print(f"tcp {ok_tcp}/{len(port_list)} udp {ok_udp}/{len(port_list)} seen as {','.join(peers) or 'nobody'}")
    for protocol, results in (("tcp", tcp), ("udp", udp)):
        for port, seen in results.items():
            if not seen:
                print(f"missing {protocol} {port}")
    reached = ok_tcp + ok_udp
    return 0 if reached == 2 * len(port_list) else 2 if reached == 0 else 1


def main(argv):
    if len(argv) == 4 and argv[1] == "serve":
        return serve(argv[2], float(argv[3]))
    if len(argv) > 3 and argv[1] == "probe":
        return probe(argv[2], [int(p) for p in argv[3:]])
    print(__doc__.strip(), file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
