#!/usr/bin/python3
"""ICQ's direct connections through the gateway, both protocols, written from protocols.md §6.1
(v5) and the OSCAR framing (FLAP, SNAC, TLV), since no ICQ client or server survives in Debian.

  icq_peer.py v5-server ADDRESS SECONDS
      an ICQ v5 server on udp ADDRESS:4000: unscrambles each client packet (a wrong checkcode is
      logged and ignored), answers a LOGIN with SRV_ACK and SRV_LOGIN_REPLY, logs
      "login UIN from IP:PORT announcing IP:PORT", and then does what the contacts it tells about
      the user do: two peers connect to the login's source address and the announced port, each
      sending a token ("peer N to IP:PORT: REPLY" or "...: failed: REASON").
  icq_peer.py v5-client SERVER PORT
      listens on tcp PORT, logs in to SERVER:4000 from udp PORT + 2 announcing its own address and
      PORT (scrambled with a random checkcode choice), and waits 10 s for two direct connections;
      exits 0 with "2 direct connections: ..." when both came and sent their token, 1 otherwise.
  icq_peer.py oscar-server ADDRESS SECONDS
      an OSCAR server on tcp ADDRESS:5190: greets each client, reads its FLAPs (split anywhere);
      SNAC(01,1E)'s DC info (TLV 0x000C) has a contact connect to the client's external address
      (the connection's source) and the DC port; a channel-2 ICBM rendezvous proposal has the
      contact check 0x0016/0x0017 against 0x0002/0x0005 and connect to 0x0002:0x0005. Logs
      "dc UIN IP:PORT", "proposal IP:PORT", and each contact's result as the v5 server does.
  icq_peer.py oscar-client SERVER PORT
      listens on tcp PORT (direct connections) and PORT + 1 (a file transfer it proposes), signs on
      to SERVER:5190, sends its status with its own address and PORT as DC info (in two segments,
      split inside the TLV), proposes a transfer on PORT + 1 to user 2002, and waits 10 s for a
      connection on each; exits 0 with "dc and rendezvous connections: ..." when both came.
"""
import random
import socket
import struct
import sys
import threading
import time

TABLE = bytes.fromhex(
    "5960376B6562464853614C5960575B3D5E346D36503F6F6753614C5940476339"
    "505F5F3F6F47436948333164355A4A425640675341076C49583B4D4668436948"
    "333144656246485341076C69483351545D4E6C49384B554A6246483351346D36"
    "505F5F5F3F6F4763594067333164355A6A526E3C51346D36505F5F3F4F374B35"
    "5A4A6266583B4D66585B5D4E6C49583B4D66583B4D464853614C594067333164"
    "556A323E4445526E3C3164556A524E6C694853614C39306F47635960575B3D3E"
    "64353A3A5A6A524E6C694853616C49583B4D46686339505F5F3F6F6753412541"
    "3C51543D5E545D4E4C39505F5F5F3F6F474369483351545D6E3C3164355A0000")
MASK = 0xFFFFFFFF
LOGIN = 0x03E8
SRV_ACK, SRV_LOGIN_REPLY = 0x000A, 0x005A
PEER_UIN = 2002


def log(*words):
    print(*words, flush=True)


# --- v5 scrambling (protocols.md §6.1)

def scramble(cs):
    return (((cs & 0x1F) << 12) + ((cs & 0x03E003E0) << 1) + ((cs & 0xF8000400) >> 10) + ((cs & 0xF800) << 16)
            + ((cs & 0x041F0000) >> 15)) & MASK


def unscramble(c):
    return (((c & 0x1F000) >> 12) + ((c & 0x07C007C0) >> 1) + ((c & 0x003E0001) << 10) + ((c & 0xF8000000) >> 16)
            + ((c & 0x083E) << 15)) & MASK


def xor_stream(b, key):
    for i in range(10, len(b), 4):
        k = (key + TABLE[i & 0xFF]) & MASK
        for j in range(4):
            if i + j < len(b):
                b[i + j] ^= (k >> (8 * j)) & 0xFF


def encrypt(plain):
    b = bytearray(plain)
    r1, r2 = random.randrange(24, len(b)), random.randrange(256)
    chk1 = b[8] << 24 | b[4] << 16 | b[2] << 8 | b[6]
    chk2 = (r1 << 24 | b[r1] << 16 | r2 << 8 | TABLE[r2]) ^ 0x00FF00FF
    cs = chk1 ^ chk2
    xor_stream(b, (len(b) * 0x68656C6C + cs) & MASK)
    b[20:24] = struct.pack("<I", scramble(cs))
    return bytes(b)


def decrypt(data):
    """The plaintext, or None when the checkcode does not fit it."""
    b = bytearray(data)
    cs = unscramble(struct.unpack_from("<I", b, 20)[0])
    xor_stream(b, (len(b) * 0x68656C6C + cs) & MASK)
    b[20:24] = bytes(4)
    chk2 = cs ^ (b[8] << 24 | b[4] << 16 | b[2] << 8 | b[6]) ^ 0x00FF00FF
    r1, r2 = chk2 >> 24, chk2 >> 8 & 0xFF
    if r1 < 24 or r1 >= len(b) or (chk2 >> 16 & 0xFF) != b[r1] or (chk2 & 0xFF) != TABLE[r2]:
        return None
    return bytes(b)


def ip_bytes(dotted):
    return socket.inet_aton(dotted)


# --- the contacts that connect to what the servers were told

def contact(n, address, port, results):
    token = f"token-{n}-{random.randrange(10 ** 9)}"
    try:
        with socket.create_connection((address, port), timeout=3) as s:
            s.sendall(f"ICQ-DIRECT {PEER_UIN} {token}\n".encode())
            s.settimeout(3)
            reply = s.recv(256).decode(errors="replace").strip()
        results.append(f"peer {n} to {address}:{port}: {reply}")
    except OSError as error:
        results.append(f"peer {n} to {address}:{port}: failed: {error}")
    log(results[-1])


def contacts_connect(count, address, port):
    results = []
    for n in range(1, count + 1):
        threading.Thread(target=contact, args=(n, address, port, results), daemon=True).start()
        time.sleep(0.2)


# --- v5

def v5_server(address, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, 4000))
    log(f"serving {address}:4000")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            data, (ip, sport) = s.recvfrom(2048)
        except socket.timeout:
            break
        if len(data) < 24 or data[:2] != b"\x05\x00":
            continue
        plain = decrypt(data)
        if plain is None:
            log(f"bad checkcode from {ip}:{sport}")
            continue
        uin, session, command, seq1 = struct.unpack_from("<IIHH", plain, 6)
        if command != LOGIN:
            continue
        port = struct.unpack_from("<I", plain, 28)[0]
        n = struct.unpack_from("<H", plain, 32)[0]
        announced = socket.inet_ntoa(plain[38 + n:42 + n])
        log(f"login {uin} from {ip}:{sport} announcing {announced}:{port}")
        for reply in (SRV_ACK, SRV_LOGIN_REPLY):
            s.sendto(struct.pack("<HBIHHHI", 5, 0, session, reply, seq1, 0, uin) + bytes(4) + ip_bytes(ip), (ip, sport))
        contacts_connect(2, ip, port)  # the server tells contacts the login's source address
    time.sleep(1)


def accept_tokens(listeners, seconds):
    """Accepts one connection per listener within SECONDS, answering each token; the peers seen."""
    seen = []
    end = time.monotonic() + seconds
    pending = list(listeners)
    while pending and time.monotonic() < end:
        for listener in list(pending):
            listener.settimeout(0.1)
            try:
                connection, (ip, port) = listener.accept()
            except socket.timeout:
                continue
            with connection:
                connection.settimeout(3)
                words = connection.recv(256).decode(errors="replace").split()
                if len(words) == 3 and words[0] == "ICQ-DIRECT":
                    connection.sendall(f"OK {words[2]}\n".encode())
                    seen.append(f"{ip}:{port}")
                    listener.count -= 1
                    if listener.count == 0:
                        pending.remove(listener)
    return seen


class Listener(socket.socket):
    def __init__(self, port, count, address="0.0.0.0"):
        super().__init__(socket.AF_INET, socket.SOCK_STREAM)
        self.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.bind((address, port))
        self.listen(8)
        self.count = count


def v5_client(server, port):
    listener = Listener(port, 2)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port + 2))
    s.connect((server, 4000))
    own = s.getsockname()[0]
    password = b"secret\0"
    plain = (struct.pack("<HIIIHHHI", 5, 0, 1001, 0x0BADF00D, LOGIN, 0x1234, 1, 0) + struct.pack("<II", int(time.time()) & MASK, port)
             + struct.pack("<H", len(password)) + password + struct.pack("<I", 0x98) + ip_bytes(own) + b"\x04"
             + bytes.fromhex("000000000600000000000000080098005000000003000000acfa5b380000000000000000"))
    s.settimeout(1)
    for _ in range(3):
        s.send(encrypt(plain))
        try:
            if struct.unpack_from("<H", s.recv(256), 7)[0] in (SRV_ACK, SRV_LOGIN_REPLY):
                break
        except (socket.timeout, struct.error):
            continue
    else:
        log("no answer to the login")
        return 1
    seen = accept_tokens([listener], 10)
    if len(seen) == 2:
        log(f"2 direct connections: {', '.join(seen)}")
        return 0
    log(f"{len(seen)} of 2 direct connections to port {port} (announced {own}:{port})")
    return 1


# --- OSCAR

def flap(channel, seq, data):
    return struct.pack(">BBHH", 0x2A, channel, seq, len(data)) + data


def snac(family, subtype, data):
    return struct.pack(">HHHI", family, subtype, 0, 7) + data


def tlv(kind, value):
    return struct.pack(">HH", kind, len(value)) + value


def tlvs(data):
    found, at = {}, 0
    while at + 4 <= len(data):
        kind, length = struct.unpack_from(">HH", data, at)
        found.setdefault(kind, data[at + 4:at + 4 + length])
        at += 4 + length
    return found


def read_flap(stream):
    header = stream.read(6)
    if len(header) < 6 or header[0] != 0x2A:
        return None, None
    channel, length = header[1], struct.unpack_from(">H", header, 4)[0]
    return channel, stream.read(length)


def oscar_session(connection, ip):
    stream = connection.makefile("rb")
    connection.sendall(flap(1, 1, struct.pack(">I", 1)))
    uin = "?"
    while True:
        channel, data = read_flap(stream)
        if channel is None:
            return
        if channel == 1 and len(data) >= 4:
            uin = tlvs(data[4:]).get(1, b"?").decode(errors="replace")
        if channel != 2 or len(data) < 10:
            continue
        family, subtype = struct.unpack_from(">HH", data, 0)
        body = data[10:]
        if (family, subtype) == (1, 0x1E):
            dc = tlvs(body).get(0x000C)
            if dc and len(dc) >= 9:
                address, port = socket.inet_ntoa(dc[:4]), struct.unpack_from(">I", dc, 4)[0]
                log(f"dc {uin} {address}:{port}")
                contacts_connect(1, ip, port)  # the server gives contacts the external address (TLV 0x000A)
        elif (family, subtype) == (4, 6) and len(body) > 11 and struct.unpack_from(">H", body, 8)[0] == 2:
            rendezvous = tlvs(body[11 + body[10]:]).get(0x0005)
            if not rendezvous or len(rendezvous) < 26:
                continue
            inner = tlvs(rendezvous[26:])
            address, port = socket.inet_ntoa(inner[2]), struct.unpack(">H", inner[5])[0]
            checked = (struct.unpack(">I", inner[0x16])[0] == ~struct.unpack(">I", inner[2])[0] & MASK
                       and struct.unpack(">H", inner[0x17])[0] == ~port & 0xFFFF)
            log(f"proposal {address}:{port} checks {'match' if checked else 'DO NOT match'}")
            if checked:
                contacts_connect(1, address, port)


def oscar_server(address, seconds):
    listener = Listener(5190, 0, address)
    log(f"serving {address}:5190")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        listener.settimeout(max(0.1, end - time.monotonic()))
        try:
            connection, (ip, _) = listener.accept()
        except socket.timeout:
            break
        threading.Thread(target=oscar_session, args=(connection, ip), daemon=True).start()
    time.sleep(1)


def oscar_client(server, port):
    dc_listener, rendezvous_listener = Listener(port, 1), Listener(port + 1, 1)
    s = socket.create_connection((server, 5190), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    own = s.getsockname()[0]
    stream = s.makefile("rb")
    if read_flap(stream)[0] != 1:
        log("no greeting from the server")
        return 1
    s.sendall(flap(1, 1, struct.pack(">I", 1) + tlv(1, b"1001")))
    dc_info = ip_bytes(own) + struct.pack(">I", port) + bytes([4, 0, 8]) + bytes(28)
    status = flap(2, 2, snac(1, 0x1E, tlv(6, bytes(4)) + tlv(0x000C, dc_info)))
    s.sendall(status[:30])  # inside the DC info: the gateway must hold the FLAP until it is whole
    time.sleep(0.3)
    s.sendall(status[30:])
    a = struct.unpack(">I", ip_bytes(own))[0]
    inner = (tlv(0x000A, struct.pack(">H", 1)) + tlv(0x0002, ip_bytes(own)) + tlv(0x0016, struct.pack(">I", ~a & MASK))
             + tlv(0x0003, ip_bytes(own)) + tlv(0x0005, struct.pack(">H", port + 1))
             + tlv(0x0017, struct.pack(">H", ~(port + 1) & 0xFFFF)) + tlv(0x000F, b""))
    rendezvous = struct.pack(">H", 0) + bytes(8) + bytes(16) + inner
    icbm = bytes(8) + struct.pack(">H", 2) + bytes([4]) + str(PEER_UIN).encode() + tlv(0x0005, rendezvous)
    s.sendall(flap(2, 3, snac(4, 6, icbm)))
    seen = accept_tokens([dc_listener, rendezvous_listener], 10)
    s.close()
    if len(seen) == 2:
        log(f"dc and rendezvous connections: {', '.join(seen)}")
        return 0
    log(f"{len(seen)} of 2 connections to ports {port} (dc) and {port + 1} (rendezvous), announced as {own}")
    return 1


def main(argv):
    if len(argv) == 4 and argv[1] in ("v5-server", "oscar-server"):
        (v5_server if argv[1] == "v5-server" else oscar_server)(argv[2], float(argv[3]))
        return 0
    if len(argv) == 4 and argv[1] in ("v5-client", "oscar-client"):
        return (v5_client if argv[1] == "v5-client" else oscar_client)(argv[2], int(argv[3]))
    print(__doc__.strip(), file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
