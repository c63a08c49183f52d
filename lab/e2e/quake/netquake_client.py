#!/usr/bin/python3
"""lab/e2e/quake/netquake_client.py SERVER [PORT [DURATION [BIND]]] [--other-port [N]] [--name NAME]

A NetQuake client for the end-to-end tests, written from the protocol (stdlib only).

1. From one local UDP socket it sends CCREQ_CONNECT to SERVER:PORT (default 26000): a control
   packet, 4-byte big-endian header NETFLAG_CTL (0x80000000) | length, command 0x01, "QUAKE\\0",
   protocol version 3; again every 2.5 s, three tries, as the real client does.
2. It reads CCREP_ACCEPT (0x81, the new port as a little-endian 32-bit int) or CCREP_REJECT (0x82,
   a string: printed, exit 1).
3. It then talks to the NEW port from the SAME socket, as a real client does: an unreliable
   clc_nop first; every reliable message of the server (NETFLAG_DATA, EOM on the last fragment) is
   acknowledged with NETFLAG_ACK and its sequence; the signon replies go out as reliable
   clc_stringcmd messages: "prespawn" on signon 1; "name", "color" and "spawn" on signon 2;
   "begin" on signon 3; then, in the game, an unreliable clc_move every 50 ms until DURATION
   seconds (default 5) have passed since the accept, and an unreliable clc_disconnect at the end.
   The signon number is read by parsing the server's messages (NetQuake protocol 15 and
   FitzQuake 666; for anything it cannot parse it looks for svc_signonnum at the message's end).

BIND is ADDRESS or ADDRESS:PORT for the local socket (default: any address, a free port).
--walk: move forward (+x) in the game; the "world:" line then shows the player stopped by the
   room's wall at x=112 (it spawns at 0 0 -40 and stands on the floor there otherwise).
--other-port [N]: everything after the accept is sent from a SECOND socket (port N, default a
   free one), as a NAT that maps per destination would do; the first socket still listens.
   The server then ignores the client (quakespasm logs "Stray/Forged packet received" with the
   address it expected and the one it got) and keeps resending its first reliable message.

Prints what happened on stdout: the accepted port, every reliable message and signon step, and
a final "summary:" line. Exits 0 only if the server's messages arrived from the new port on the
socket that talks to it and the client got into the game (signon 3 answered with "begin", which
the server acknowledged, and in-game datagrams followed); 1 otherwise (so 1 is the expected
outcome with --other-port); 2 on bad arguments."""
import argparse
import select
import socket
import struct
import sys
import time

NETFLAG_LENGTH_MASK = 0x0000FFFF
NETFLAG_DATA = 0x00010000
NETFLAG_ACK = 0x00020000
NETFLAG_NAK = 0x00040000
NETFLAG_EOM = 0x00080000
NETFLAG_UNRELIABLE = 0x00100000
NETFLAG_CTL = 0x80000000
NET_HEADERSIZE = 8
MAX_DATAGRAM = 1024

CCREQ_CONNECT = 0x01
CCREP_ACCEPT = 0x81
CCREP_REJECT = 0x82
NET_PROTOCOL_VERSION = 3

CLC_NOP, CLC_DISCONNECT, CLC_MOVE, CLC_STRINGCMD = 1, 2, 3, 4

PROTOCOL_NETQUAKE, PROTOCOL_FITZQUAKE, PROTOCOL_RMQ = 15, 666, 999

SVC_NAMES = {
    1: 'nop', 2: 'disconnect', 3: 'updatestat', 4: 'version', 5: 'setview', 6: 'sound',
    7: 'time', 8: 'print', 9: 'stufftext', 10: 'setangle', 11: 'serverinfo', 12: 'lightstyle',
    13: 'updatename', 14: 'updatefrags', 15: 'clientdata', 16: 'stopsound',
    17: 'updatecolors', 18: 'particle', 19: 'damage', 20: 'spawnstatic', 22: 'spawnbaseline',
    23: 'temp_entity', 24: 'setpause', 25: 'signonnum', 26: 'centerprint',
    27: 'killedmonster', 28: 'foundsecret', 29: 'spawnstaticsound', 30: 'intermission',
    31: 'finale', 32: 'cdtrack', 33: 'sellscreen', 34: 'cutscene', 37: 'skybox', 40: 'bf',
    41: 'fog', 42: 'spawnbaseline2', 43: 'spawnstatic2', 44: 'spawnstaticsound2',
}


def log(msg):
    print(msg, flush=True)


class ParseError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.d = data
        self.i = 0

    def take(self, n):
        if self.i + n > len(self.d):
            raise ParseError('message ends early')
        b = self.d[self.i:self.i + n]
        self.i += n
        return b

    def byte(self):
        return self.take(1)[0]

    def char(self):
        return struct.unpack('<b', self.take(1))[0]

    def short(self):
        return struct.unpack('<h', self.take(2))[0]

    def long(self):
        return struct.unpack('<i', self.take(4))[0]

    def float(self):
        return struct.unpack('<f', self.take(4))[0]

    def string(self):
        end = self.d.find(b'\0', self.i)
        if end < 0:
            raise ParseError('unterminated string')
        s = self.d[self.i:end]
        self.i = end + 1
        return s.decode('latin-1')

    def done(self):
        return self.i >= len(self.d)


def parse_entity_update(r, cmd, world):
    """A fast entity update (first byte has bit 7 set), NetQuake and FitzQuake bits."""
    bits = cmd & 0x7F
    if bits & 1:  # U_MOREBITS
        bits |= r.byte() << 8
    if bits & (1 << 15):  # U_EXTEND1
        bits |= r.byte() << 16
    if bits & (1 << 23):  # U_EXTEND2
        bits |= r.byte() << 24
    ent = r.short() if bits & (1 << 14) else r.byte()
    for b in (10, 6, 11, 12, 13):  # model, frame, colormap, skin, effects
        if bits & (1 << b):
            r.byte()
    origin = list(world['baselines'].get(ent, (0.0, 0.0, 0.0)))
    for i, (ob, ab) in enumerate(((1, 8), (2, 4), (3, 9))):
        if bits & (1 << ob):
            origin[i] = r.short() / 8.0
        if bits & (1 << ab):
            r.byte()
    for b in (16, 20, 17, 18, 19):  # alpha, scale, frame2, model2, lerpfinish
        if bits & (1 << b):
            r.byte()
    world['origins'][ent] = tuple(origin)


def parse_server_message(data, proto, world):
    """Parses one complete server message. Returns (list of (svc name, detail), signon numbers
    seen, protocol) and notes in world what it learns of the entities: raises ParseError for
    what it does not know."""
    r = Reader(data)
    items, signons = [], []

    def coord():
        return r.short() / 8.0

    def angle():
        r.byte()

    while not r.done():
        cmd = r.byte()
        if cmd & 0x80:
            parse_entity_update(r, cmd, world)
            continue
        name = SVC_NAMES.get(cmd, 'svc_%d' % cmd)
        detail = ''
        if cmd == 1 or cmd in (27, 28, 30, 33):
            pass
        elif cmd == 2:
            detail = 'server disconnected us'
        elif cmd == 3:
            detail = '%d=%d' % (r.byte(), r.long())
        elif cmd == 4:
            detail = str(r.long())
        elif cmd == 5:
            world['viewentity'] = r.short()
            detail = 'entity %d' % world['viewentity']
        elif cmd == 6:
            mask = r.byte()
            if mask & 1:
                r.byte()
            if mask & 2:
                r.byte()
            if mask & 8:
                r.short()
                r.byte()
            else:
                r.short()
            if mask & 16:
                r.short()
            else:
                r.byte()
            for _ in range(3):
                coord()
        elif cmd == 7:
            detail = '%.3f' % r.float()
        elif cmd in (8, 9, 26, 31, 34, 37):
            detail = repr(r.string())
        elif cmd == 10:
            for _ in range(3):
                angle()
        elif cmd == 11:
            proto = r.long()
            if proto == PROTOCOL_RMQ:
                flags = r.long()
                if flags:
                    raise ParseError('protocol 999 with flags 0x%x not parsed' % flags)
            elif proto not in (PROTOCOL_NETQUAKE, PROTOCOL_FITZQUAKE):
                raise ParseError('unknown protocol %d' % proto)
            maxclients = r.byte()
            gametype = r.byte()
            level = r.string()
            models, sounds = [], []
            while True:
                s = r.string()
                if not s:
                    break
                models.append(s)
            while True:
                s = r.string()
                if not s:
                    break
                sounds.append(s)
            detail = ('protocol %d maxclients %d gametype %d level %r models %s sounds %d'
                      % (proto, maxclients, gametype, level, models, len(sounds)))
        elif cmd == 12:
            detail = '%d %r' % (r.byte(), r.string())
        elif cmd == 13:
            detail = '%d %r' % (r.byte(), r.string())
        elif cmd == 14:
            detail = '%d %d' % (r.byte(), r.short())
        elif cmd == 15:
            bits = r.short() & 0xFFFF
            if bits & (1 << 15):
                bits |= r.byte() << 16
            if bits & (1 << 23):
                bits |= r.byte() << 24
            if bits & 1:
                r.char()
            if bits & 2:
                r.char()
            for i in range(3):
                if bits & (1 << (2 + i)):
                    r.char()
                if bits & (1 << (5 + i)):
                    r.char()
            r.long()  # items
            for b in (12, 13, 14):
                if bits & (1 << b):
                    r.byte()
            health = r.short()
            r.take(6)  # currentammo, 4 ammo counts, activeweapon
            for b in (16, 17, 18, 19, 20, 21, 22, 24, 25):
                if bits & (1 << b):
                    r.byte()
            world['onground'] = bool(bits & (1 << 10))
            detail = 'health %d' % health
        elif cmd == 16:
            r.short()
        elif cmd == 17:
            detail = '%d %d' % (r.byte(), r.byte())
        elif cmd == 18:
            for _ in range(3):
                coord()
            r.take(5)
        elif cmd == 19:
            r.take(2)
            for _ in range(3):
                coord()
        elif cmd in (20, 22, 42, 43):
            ent = None
            if cmd in (22, 42):
                ent = r.short()
                detail = 'entity %d' % ent
            bits = r.byte() if cmd in (42, 43) else 0
            r.short() if bits & 1 else r.byte()  # model
            r.short() if bits & 2 else r.byte()  # frame
            r.byte()  # colormap
            r.byte()  # skin
            origin = []
            for _ in range(3):
                origin.append(coord())
                angle()
            if bits & 4:
                r.byte()
            if ent is not None:
                world['baselines'][ent] = tuple(origin)
        elif cmd == 24:
            detail = str(r.byte())
        elif cmd == 25:
            n = r.byte()
            signons.append(n)
            detail = str(n)
        elif cmd in (29, 44):
            for _ in range(3):
                coord()
            r.short() if cmd == 44 else r.byte()
            r.take(2)
        elif cmd == 32:
            detail = '%d %d' % (r.byte(), r.byte())
        elif cmd == 40:
            pass
        elif cmd == 41:
            r.take(4)
            r.short()
        else:
            raise ParseError('svc %d not parsed' % cmd)
        items.append((name, detail))
    return items, signons, proto


class Client:
    def __init__(self, args):
        self.args = args
        self.server_ip = socket.gethostbyname(args.server)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        bind_addr, bind_port = '', 0
        if args.bind:
            host, _, port = args.bind.partition(':')
            bind_addr, bind_port = host, int(port or 0)
        self.sock.bind((bind_addr, bind_port))
        self.tx = self.sock  # the socket that talks to the new port
        if args.other_port is not None:
            self.tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.tx.bind((bind_addr, args.other_port))
        self.new_addr = None
        self.proto = None
        # reliable channel state, as both ends of net_dgrm keep it
        self.send_seq = 0
        self.unreliable_send_seq = 0
        self.receive_seq = 0
        self.unreliable_receive_seq = 0
        self.fragments = b''
        self.pending = []  # reliable messages waiting for the channel
        self.in_flight = None  # (sequence, packet, last sent)
        # counters
        self.rel_msgs = 0
        self.data_packets = 0
        self.dup_packets = 0
        self.unreliable = 0
        self.unreliable_in_game = 0
        self.acks = 0
        self.from_new_on = {}  # socket name -> packets from the new port received on it
        self.other_sources = 0
        self.signon = 0
        self.begin_seq = None
        self.begin_acked = False
        self.disconnected = False
        self.world = {'baselines': {}, 'origins': {}, 'viewentity': None, 'onground': None}
        self.datagram_errors = 0

    def sockname(self, s):
        a = s.getsockname()
        return '%s:%d' % a

    # ---- connecting --------------------------------------------------------------------------
    def connect(self):
        body = bytes([CCREQ_CONNECT]) + b'QUAKE\0' + bytes([NET_PROTOCOL_VERSION])
        pkt = struct.pack('>I', NETFLAG_CTL | (4 + len(body))) + body
        early = []
        for attempt in range(3):
            self.sock.sendto(pkt, (self.server_ip, self.args.port))
            log('connect: CCREQ_CONNECT #%d to %s:%d from %s' % (
                attempt + 1, self.server_ip, self.args.port, self.sockname(self.sock)))
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline:
                r, _, _ = select.select([self.sock], [], [], max(0, deadline - time.monotonic()))
                if not r:
                    break
                data, src = self.sock.recvfrom(65535)
                if src[0] != self.server_ip or len(data) < 5:
                    continue
                head = struct.unpack('>I', data[:4])[0]
                if not head & NETFLAG_CTL:
                    early.append((data, src))  # the new port's first message overtook the reply
                    continue
                if (head & NETFLAG_LENGTH_MASK) != len(data):
                    log('connect: control packet with a bad length from %s:%d' % src)
                    continue
                if data[4] == CCREP_ACCEPT and len(data) >= 9:
                    port = struct.unpack('<i', data[5:9])[0]
                    self.new_addr = (self.server_ip, port)
                    log('accept: CCREP_ACCEPT from %s:%d, new port %d' % (src[0], src[1], port))
                    return early
                if data[4] == CCREP_REJECT:
                    reason = data[5:].split(b'\0')[0].decode('latin-1')
                    log('reject: CCREP_REJECT from %s:%d: %r' % (src[0], src[1], reason))
                    return None
                log('connect: control reply 0x%02x ignored' % data[4])
        log('connect: no answer from %s:%d' % (self.server_ip, self.args.port))
        return None

    # ---- sending -----------------------------------------------------------------------------
    def send_unreliable(self, payload):
        pkt = struct.pack('>II', NETFLAG_UNRELIABLE | (NET_HEADERSIZE + len(payload)),
                          self.unreliable_send_seq) + payload
        self.unreliable_send_seq += 1
        self.tx.sendto(pkt, self.new_addr)

    def send_reliable(self, payload, what):
        self.pending.append((payload, what))
        self.pump_reliable()

    def pump_reliable(self):
        now = time.monotonic()
        if self.in_flight is None and self.pending:
            payload, what = self.pending.pop(0)
            assert len(payload) <= MAX_DATAGRAM
            seq = self.send_seq
            self.send_seq += 1
            pkt = struct.pack('>II', NETFLAG_DATA | NETFLAG_EOM | (NET_HEADERSIZE + len(payload)),
                              seq) + payload
            self.in_flight = [seq, pkt, 0.0, what]
            if what == 'begin':
                self.begin_seq = seq
            log('send: reliable #%d %s' % (seq, what))
        if self.in_flight is not None and now - self.in_flight[2] >= 1.0:
            if self.in_flight[2]:
                log('send: resending reliable #%d (no ACK yet)' % self.in_flight[0])
            self.in_flight[2] = now
            self.tx.sendto(self.in_flight[1], self.new_addr)

    def stringcmds(self, *cmds):
        return b''.join(bytes([CLC_STRINGCMD]) + c.encode('latin-1') + b'\0' for c in cmds)

    def move(self):
        forward = 320 if self.args.walk else 0  # view angles 0: facing +x
        if self.proto == PROTOCOL_NETQUAKE:
            body = struct.pack('<Bf3B3hBB', CLC_MOVE, 0.0, 0, 0, 0, forward, 0, 0, 0, 0)
        elif self.proto == PROTOCOL_FITZQUAKE:
            body = struct.pack('<Bf3h3hBB', CLC_MOVE, 0.0, 0, 0, 0, forward, 0, 0, 0, 0)
        else:
            body = bytes([CLC_NOP])
        self.send_unreliable(body)

    # ---- receiving ---------------------------------------------------------------------------
    def on_signon(self, n):
        if n <= self.signon:
            return
        self.signon = n
        if n == 1:
            self.send_reliable(self.stringcmds('prespawn'), 'prespawn')
        elif n == 2:
            self.send_reliable(self.stringcmds('name "%s"\n' % self.args.name, 'color 0 0\n',
                                               'spawn '), 'name, color, spawn')
        elif n == 3:
            self.send_reliable(self.stringcmds('begin'), 'begin')

    def on_reliable(self, msg):
        self.rel_msgs += 1
        items = []
        try:
            items, signons, self.proto = parse_server_message(msg, self.proto, self.world)
            summary = ', '.join(n + (' ' + d if d else '') for n, d in items
                                if n not in ('lightstyle',))
            nls = sum(1 for n, _ in items if n == 'lightstyle')
            if nls:
                summary += ', lightstyle x%d' % nls
        except ParseError as e:
            summary = 'not parsed (%s)' % e
            signons = [msg[-1]] if len(msg) >= 2 and msg[-2] == 25 and 1 <= msg[-1] <= 4 else []
        log('recv: reliable message %d, %d bytes: %s' % (self.rel_msgs, len(msg), summary))
        if any(n == 'disconnect' for n, _ in items):
            self.disconnected = True
        for n in signons:
            self.on_signon(n)

    def on_packet(self, data, src, on):
        if src != self.new_addr:
            self.other_sources += 1
            return
        self.from_new_on[on] = self.from_new_on.get(on, 0) + 1
        if len(data) < NET_HEADERSIZE:
            return
        head, seq = struct.unpack('>II', data[:8])
        flags = head & ~NETFLAG_LENGTH_MASK
        length = head & NETFLAG_LENGTH_MASK
        payload = data[NET_HEADERSIZE:length]
        if flags & NETFLAG_CTL:
            return
        if flags & NETFLAG_UNRELIABLE:
            if seq < self.unreliable_receive_seq:
                return
            self.unreliable_receive_seq = seq + 1
            self.unreliable += 1
            if self.begin_acked:
                self.unreliable_in_game += 1
            try:
                parse_server_message(payload, self.proto, self.world)
            except ParseError:
                self.datagram_errors += 1
            return
        if flags & NETFLAG_ACK:
            if self.in_flight is not None and seq == self.in_flight[0]:
                self.acks += 1
                if seq == self.begin_seq:
                    self.begin_acked = True
                    log('recv: ACK for "begin": in the game')
                self.in_flight = None
                self.pump_reliable()
            return
        if flags & NETFLAG_DATA:
            self.data_packets += 1
            self.tx.sendto(struct.pack('>II', NETFLAG_ACK | NET_HEADERSIZE, seq), self.new_addr)
            if seq != self.receive_seq:
                self.dup_packets += 1
                return
            self.receive_seq += 1
            self.fragments += payload
            if flags & NETFLAG_EOM:
                msg, self.fragments = self.fragments, b''
                self.on_reliable(msg)

    def run(self):
        early = self.connect()
        if early is None:
            return 1
        if self.tx is not self.sock:
            log('other-port: traffic to the new port leaves from %s, not %s' % (
                self.sockname(self.tx), self.sockname(self.sock)))
        socks = {self.sock: 'connect socket %s' % self.sockname(self.sock)}
        if self.tx is not self.sock:
            socks[self.tx] = 'other socket %s' % self.sockname(self.tx)
        self.send_unreliable(bytes([CLC_NOP]))
        log('send: unreliable clc_nop to %s:%d' % self.new_addr)
        for data, src in early:
            self.on_packet(data, src, socks[self.sock])
        end = time.monotonic() + self.args.duration
        next_move = 0.0
        while time.monotonic() < end and not self.disconnected:
            now = time.monotonic()
            if self.begin_acked and now >= next_move:
                self.move()
                next_move = now + 0.05
            self.pump_reliable()
            r, _, _ = select.select(list(socks), [], [], 0.05)
            for s in r:
                data, src = s.recvfrom(65535)
                self.on_packet(data, src, socks[s])
        if not self.disconnected:
            self.send_unreliable(bytes([CLC_DISCONNECT]))
            log('send: unreliable clc_disconnect')
        got_on_tx = self.from_new_on.get(socks[self.tx], 0)
        for name in socks.values():
            log('recv: %d packets from the new port %s:%d on the %s' % (
                self.from_new_on.get(name, 0), self.new_addr[0], self.new_addr[1], name))
        view = self.world['viewentity']
        if view in self.world['origins']:
            log('world: own entity %d at (%g, %g, %g), on the ground: %s' % (
                (view,) + self.world['origins'][view] +
                ('yes' if self.world['onground'] else 'no',)))
        ok = got_on_tx > 0 and self.begin_acked and self.unreliable_in_game > 0
        log('summary: accepted_port=%d protocol=%s reliable_messages=%d data_packets=%d '
            'duplicates=%d unreliable=%d in_game_datagrams=%d acks_received=%d signon=%d '
            'in_game=%s other_sources=%d unparsed_datagrams=%d result=%s' % (
                self.new_addr[1], self.proto, self.rel_msgs, self.data_packets,
                self.dup_packets, self.unreliable, self.unreliable_in_game, self.acks,
                self.signon, 'yes' if self.begin_acked else 'no', self.other_sources,
                self.datagram_errors, 'OK' if ok else 'FAILED'))
        return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('server')
    p.add_argument('port', nargs='?', type=int, default=26000)
    p.add_argument('duration', nargs='?', type=float, default=5.0)
    p.add_argument('bind', nargs='?', help='local ADDRESS or ADDRESS:PORT')
    p.add_argument('--other-port', nargs='?', type=int, const=0, default=None, metavar='N',
                   help='send everything after the accept from another local port')
    p.add_argument('--name', default='masqtest')
    p.add_argument('--walk', action='store_true',
                   help='walk forward (+x) in the game: the wall of the room stops the player at '
                        'x=112 (the player hull\'s wall plane)')
    args = p.parse_args()
    try:
        return Client(args).run()
    except OSError as e:
        log('error: %s' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main())
