#!/usr/bin/python3
"""Peers for protocols with no programs left, written from ../shared/reference/protocols.md.

  conference_peers.py cuseeme-reflector ADDRESS SECONDS
  conference_peers.py cuseeme-client REFLECTOR [PORT]
  conference_peers.py vdolive-server ADDRESS SECONDS
  conference_peers.py vdolive-client SERVER UDP-PORT
  conference_peers.py pna-server ADDRESS SECONDS
  conference_peers.py pna-client SERVER UDP-PORT

CU-SeeMe (section 5.2, udp 7648): the reflector knows a participant by the address the 26-byte
header says is the sender's own (offset 12) and answers there with an "open continue" (data type
101) listing the participants; a client behind a gateway that does not fix that address names its
private address, and the answer never reaches it. The client checks that the answer names it: the
header's destination address and one client record are its own address.

VDOLive (section 5.3, tcp 7000): the client announces its UDP port in its initial message (tag 6)
and its secondary message (tag 1), length-prefixed records; the server streams UDP "video" from
another port to the address of the control connection and the announced port.

RealAudio PNA (section 5.1, tcp 7070): the client's hello ("PNA", a 16-bit version, options
id:u16 len:u16 value, up to id 0) names its UDP data port (option 1) and its error-correction port
(option 7); the server streams UDP "audio" from another port to the address of the control
connection and the data port, and logs both ports it was told.

Both streaming servers log "from HOST: media to port P (...)"; their clients count the datagrams
arriving on their port.

Clients exit 0 on success and 1 otherwise, printing one line that says what happened.
"""
import select
import socket
import struct
import sys
import time

CUSEEME_PORT = 7648
OPEN_CONTINUE = 101
TALK = 257
PNA_PORT = 7070
VDOLIVE_PORT = 7000
VIDEO_DATAGRAMS = 20
MAGIC = b"VDO Live"


def cuseeme_header(dest_addr, addr, seq, data_type, length):
    return struct.pack("!HH4sHH4sIHHH", 2, CUSEEME_PORT, dest_addr, 2, CUSEEME_PORT, addr, seq, 0, data_type, length)


def cuseeme_reflector(address, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, CUSEEME_PORT))
    print("serving cuseeme on %s:%d" % (address, CUSEEME_PORT), flush=True)
    participants = []
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([s], [], [], 0.2)
        if not ready:
            continue
        data, (host, port) = s.recvfrom(2048)
        if len(data) < 26:
            continue
        claimed = data[12:16]
        print("from %s:%d claiming %s" % (host, port, socket.inet_ntoa(claimed)), flush=True)
        if claimed not in participants:
            participants.append(claimed)
        records = b"".join(a + struct.pack("!II", 0, 0) for a in participants)
        body = struct.pack("!HI20s4s", len(participants), 1, b"reflector", b"\0\0\0\1") + records
        reply = cuseeme_header(claimed, socket.inet_aton(address), 1, OPEN_CONTINUE, 26 + len(body)) + body
        # the reflector answers the address the participant says is its own
        try:
            s.sendto(reply, (socket.inet_ntoa(claimed), port))
        except OSError as e:
            print("cannot answer %s: %s" % (socket.inet_ntoa(claimed), e.strerror), flush=True)


def cuseeme_client(reflector, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.connect((reflector, CUSEEME_PORT))
    me = socket.inet_aton(s.getsockname()[0])
    for attempt in range(5):
        s.send(cuseeme_header(socket.inet_aton(reflector), me, attempt, TALK, 26))
        ready, _, _ = select.select([s], [], [], 1.0)
        if not ready:
            continue
        try:
            reply = s.recv(2048)
        except ConnectionRefusedError:
            print("cuseeme: the reflector's port is closed")
            return 1
        if len(reply) < 56 or struct.unpack("!H", reply[22:24])[0] != OPEN_CONTINUE:
            print("cuseeme: an answer that is not an open continue (%d bytes)" % len(reply))
            return 1
        count = struct.unpack("!H", reply[26:28])[0]
        records = [reply[56 + 12 * i:60 + 12 * i] for i in range(count) if 60 + 12 * i <= len(reply)]
        listed = ", ".join(socket.inet_ntoa(r) for r in records)
        if reply[4:8] != me or me not in records:
            print("cuseeme: the open continue does not name %s: destination %s, participants %s"
                  % (socket.inet_ntoa(me), socket.inet_ntoa(reply[4:8]), listed))
            return 1
        print("cuseeme: %s is in the conference (participants %s)" % (socket.inet_ntoa(me), listed))
        return 0
    print("cuseeme: no answer from the reflector in 5 s")
    return 1


def read_record(conn):
    head = b""
    while len(head) < 4:
        chunk = conn.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    length = struct.unpack("!I", head)[0]
    body = b""
    while len(body) < length - 4:
        chunk = conn.recv(length - 4 - len(body))
        if not chunk:
            return None
        body += chunk
    return head + body


def stream_server(name, address, port, seconds, announced):
    """A control server on address:port for the streaming protocols: for each connection,
    announced(conn) reads the client's announcement and returns (its UDP port, a log line's
    detail), or None; the server then streams VIDEO_DATAGRAMS datagrams from another port of its
    own to the control connection's address and that port, and closes the connection."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(4)
    listener.settimeout(seconds)
    media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    media.bind((address, 0))
    print("serving %s on %s:%d, media from port %d" % (name, address, port, media.getsockname()[1]), flush=True)
    end = time.time() + seconds
    while time.time() < end:
        try:
            conn, (host, _) = listener.accept()
        except socket.timeout:
            break
        conn.settimeout(5)
        with conn:
            found = announced(conn)
            if found is None:
                print("from %s: no UDP port announced" % host, flush=True)
                continue
            udp_port, detail = found
            print("from %s: media to port %d (%s)" % (host, udp_port, detail), flush=True)
            for i in range(VIDEO_DATAGRAMS):
                media.sendto(b"%s %d" % (name.encode(), i), (host, udp_port))
                time.sleep(0.05)
            conn.sendall(b"done")


def stream_client(name, server, port, udp_port, announce):
    """Binds udp_port, connects to server:port, announce(control) sends the announcement; counts
    the datagrams arriving on udp_port for 3 s. Exit status 0 if at least half arrived."""
    media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    media.bind(("0.0.0.0", udp_port))
    control = socket.create_connection((server, port), timeout=5)
    announce(control)
    got = 0
    end = time.time() + 3
    while time.time() < end and got < VIDEO_DATAGRAMS:
        ready, _, _ = select.select([media], [], [], 0.2)
        if ready:
            media.recv(2048)
            got += 1
    control.close()
    print("%s: %d of %d media datagrams arrived on port %d" % (name, got, VIDEO_DATAGRAMS, udp_port))
    return 0 if got >= VIDEO_DATAGRAMS // 2 else 1


def vdolive_announced(conn):
    initial = read_record(conn)
    if initial is None or len(initial) < 36 or initial[24:32] != MAGIC:
        return None
    port = struct.unpack("!I", initial[32:36])[0] & 0xffff
    secondary = read_record(conn)
    second = None
    if secondary is not None and len(secondary) >= 20 and secondary[8:16] == MAGIC:
        second = struct.unpack("!I", secondary[16:20])[0] & 0xffff
    return port, "secondary message: %s" % second


def vdolive_announce(udp_port):
    def announce(control):
        # two segments for the initial message: the gateway must see it whole
        initial = struct.pack("!II16s8sI", 36, 6, b"\0" * 16, MAGIC, udp_port)
        control.sendall(initial[:30])
        time.sleep(0.2)
        control.sendall(initial[30:] + struct.pack("!II8sI", 20, 1, MAGIC, udp_port))
    return announce


def pna_announced(conn):
    ports = pna_ports(conn.recv(2048))
    return (ports[1], "robust port %s" % ports.get(7)) if 1 in ports else None


def pna_ports(hello):
    """The port options of a hello: {option id: port}."""
    ports = {}
    if not hello.startswith(b"PNA"):
        return ports
    at = 5
    while at + 4 <= len(hello):
        option, length = struct.unpack("!HH", hello[at:at + 4])
        if option == 0:
            break
        if option in (1, 7) and length == 2 and at + 6 <= len(hello):
            ports[option] = struct.unpack("!H", hello[at + 4:at + 6])[0]
        at += 4 + length
    return ports


def pna_announce(udp_port):
    def announce(control):
        # version 10; a client-id option the helper skips; the data port; the robust port; the end
        control.sendall(b"PNA" + struct.pack("!H", 10) + struct.pack("!HH", 3, 6) + b"masq\0\0"
                        + struct.pack("!HHH", 1, 2, udp_port) + struct.pack("!HHH", 7, 2, udp_port + 1)
                        + struct.pack("!H", 0))
    return announce


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    mode = argv[1]
    if mode == "cuseeme-reflector":
        cuseeme_reflector(argv[2], float(argv[3]))
    elif mode == "cuseeme-client":
        return cuseeme_client(argv[2], int(argv[3]) if len(argv) > 3 else CUSEEME_PORT)
    elif mode == "vdolive-server":
        stream_server("vdolive", argv[2], VDOLIVE_PORT, float(argv[3]), vdolive_announced)
    elif mode == "vdolive-client":
        return stream_client("vdolive", argv[2], VDOLIVE_PORT, int(argv[3]), vdolive_announce(int(argv[3])))
    elif mode == "pna-server":
        stream_server("pna", argv[2], PNA_PORT, float(argv[3]), pna_announced)
    elif mode == "pna-client":
        return stream_client("pna", argv[2], PNA_PORT, int(argv[3]), pna_announce(int(argv[3])))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
