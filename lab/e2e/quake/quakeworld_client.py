#!/usr/bin/python3
"""lab/e2e/quake/quakeworld_client.py SERVER [PORT [BIND]] [--name NAME]

A QuakeWorld client for the end-to-end tests, as far as the server's level data, written from the
protocol (stdlib only).

1. Out of band (packets starting FF FF FF FF), from one local UDP socket to SERVER:PORT (default
   27500): "getchallenge", answered "c<number>" (mvdsv appends protocol extension data after a
   NUL); then 'connect 28 QPORT CHALLENGE "\\name\\NAME"', answered "j" (accepted) or "n<text>"
   (rejected: printed, exit 1).
2. Then the netchan, to the same server port: a header of the outgoing sequence (bit 31: the
   packet carries a reliable message), the last incoming sequence acknowledged (bit 31: the
   reliable toggle of the last reliable message received) and the client's qport, then messages.
   The client's first message is the reliable clc_stringcmd "new", as the real client's; the
   server's reliable "stufftext" lines "cmd pext" and "cmd new" are answered by the reliable
   clc_stringcmd "pext" (no protocol extensions) and "new"; a reliable message not acknowledged
   within a second is sent again. The server answers "new" with svc_serverdata: protocol 28, the
   game directory and the level's name, which the client prints.
3. At the end an unreliable clc_stringcmd "drop" leaves the server.

BIND is ADDRESS or ADDRESS:PORT for the local socket (default: any address, a free port).
Prints each step and a final "summary:" line. Exits 0 only if the connect was accepted and
svc_serverdata arrived through the netchan, every server packet from SERVER:PORT; 1 otherwise;
2 on bad arguments."""
import argparse
import random
import socket
import struct
import sys
import time

OOB = b'\xff\xff\xff\xff'
PROTOCOL_VERSION = 28
CLC_STRINGCMD = 4
SVC_STUFFTEXT, SVC_SERVERDATA = 9, 11
RELIABLE_BIT = 0x80000000
SEQUENCE_MASK = 0x7FFFFFFF


def log(msg):
    print(msg, flush=True)


def endpoint(text, default_port):
    host, _, port = text.partition(':')
    return host, int(port) if port else default_port


def cstring(data, at):
    """The NUL-terminated string at offset at, and the offset after its NUL."""
    end = data.find(b'\0', at)
    if end < 0:
        raise ValueError('unterminated string')
    return data[at:end].decode('latin-1'), end + 1


class Netchan:
    """The client's half of QuakeWorld's netchan: one reliable message in flight at a time."""

    def __init__(self, sock, server, qport):
        self.sock, self.server, self.qport = sock, server, qport
        self.outgoing = 0
        self.incoming = 0
        self.incoming_reliable = 0
        self.reliable_sequence = 0
        self.reliable = None
        self.reliable_sent = 0.0
        self.reliable_at = 0

    def send(self, message=b'', reliable=False):
        if reliable:
            if self.reliable is not None:
                raise RuntimeError('one reliable message at a time')
            self.reliable_sequence ^= 1
            self.reliable = message
            message = b''
        self.outgoing += 1
        header = self.outgoing
        payload = message
        if self.reliable is not None and (reliable or time.monotonic() - self.reliable_sent > 1.0):
            header |= RELIABLE_BIT
            payload = self.reliable + message
            self.reliable_sent = time.monotonic()
            self.reliable_at = self.outgoing
        ack = self.incoming | (self.incoming_reliable << 31)
        self.sock.sendto(struct.pack('<IIH', header, ack, self.qport) + payload, self.server)

    def receive(self, data):
        """The messages of a server packet, or None for a stale or duplicated one."""
        sequence, ack = struct.unpack_from('<II', data)
        if sequence & SEQUENCE_MASK <= self.incoming:
            return None
        self.incoming = sequence & SEQUENCE_MASK
        if sequence & RELIABLE_BIT:
            self.incoming_reliable ^= 1
        if self.reliable is not None and (ack & SEQUENCE_MASK) >= self.reliable_at \
                and (ack >> 31) == self.reliable_sequence:
            self.reliable = None
        return data[8:]

    @property
    def idle(self):
        return self.reliable is None


def stufftexts_and_serverdata(messages):
    """The stufftext lines of the leading messages and the parsed svc_serverdata, if any (the
    parse stops at the first other message: its length is not needed here)."""
    lines, serverdata, at = [], None, 0
    while at < len(messages):
        kind = messages[at]
        if kind == SVC_STUFFTEXT:
            text, at = cstring(messages, at + 1)
            lines.extend(line for line in text.split('\n') if line)
        elif kind == SVC_SERVERDATA:
            protocol, spawn_count = struct.unpack_from('<ii', messages, at + 1)
            gamedir, at = cstring(messages, at + 9)
            player = messages[at] & 0x7F
            level, at = cstring(messages, at + 1)
            serverdata = {'protocol': protocol, 'spawncount': spawn_count, 'gamedir': gamedir,
                          'player': player, 'level': level}
            break
        else:
            break
    return lines, serverdata


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('server')
    parser.add_argument('port', nargs='?', type=int, default=27500)
    parser.add_argument('bind', nargs='?', default='0.0.0.0')
    parser.add_argument('--name', default='masqqw')
    try:
        args = parser.parse_args()
        server = (args.server, args.port)
        local = endpoint(args.bind, 0)
    except (SystemExit, ValueError):
        return 2
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(local)
    sock.settimeout(0.2)
    qport = random.randrange(1, 65536)
    strangers = 0

    def receive(deadline):
        nonlocal strangers
        while time.monotonic() < deadline:
            try:
                data, source = sock.recvfrom(8192)
            except socket.timeout:
                return None
            if source != server:
                strangers += 1
                log(f'recv: {len(data)} bytes from {source[0]}:{source[1]}, not the server: ignored')
                continue
            return data
        return None

    def out_of_band(request, answers, tries=3):
        for _ in range(tries):
            sock.sendto(OOB + request, server)
            deadline = time.monotonic() + 2.0
            while True:
                data = receive(deadline)
                if data is None:
                    if time.monotonic() >= deadline:
                        break
                    continue
                if data.startswith(OOB) and data[4:5] in answers:
                    return data[4:]
        return None

    host, port = sock.getsockname()
    log(f'connect: getchallenge to {server[0]}:{server[1]} from {host}:{port}, qport {qport}')
    reply = out_of_band(b'getchallenge\n', (b'c',))
    if reply is None:
        log('summary: challenge=none result=FAILED')
        return 1
    challenge = reply[1:].split(b'\0')[0].decode('latin-1').strip()
    if not challenge.lstrip('-').isdigit():
        log(f'summary: challenge={challenge!r} (not a number) result=FAILED')
        return 1
    log(f'challenge: {challenge}')
    userinfo = f'\\name\\{args.name}'
    reply = out_of_band(f'connect {PROTOCOL_VERSION} {qport} {challenge} "{userinfo}"\n'.encode('latin-1'),
                        (b'j', b'n'))
    if reply is None or reply[:1] == b'n':
        why = 'no answer' if reply is None else reply[1:].decode('latin-1').strip()
        log(f'summary: challenge={challenge} accepted=no ({why}) result=FAILED')
        return 1
    log('accept: j')
    chan = Netchan(sock, server, qport)
    serverdata, packets, answered = None, 0, []
    # as the real client, the first thing on the netchan: "new" (mvdsv first asks for "pext")
    pending = [b'new']
    deadline = time.monotonic() + 8.0
    while serverdata is None and time.monotonic() < deadline:
        data = receive(time.monotonic() + 0.2)
        if data is not None and not data.startswith(OOB) and len(data) >= 8:
            messages = chan.receive(data)
            if messages is not None:
                packets += 1
                try:
                    lines, serverdata = stufftexts_and_serverdata(messages)
                except (ValueError, struct.error, IndexError) as e:
                    log(f'recv: unparsable message ({e}): {messages[:32].hex()}')
                    lines = []
                for line in lines:
                    log(f'recv: stufftext {line!r}')
                    if line.startswith('cmd '):
                        pending.append(line[4:].split()[0].encode('latin-1'))
        if pending and chan.idle:
            command = pending.pop(0)
            answered.append(command.decode())
            log(f'send: reliable clc_stringcmd {command.decode()!r}')
            chan.send(bytes([CLC_STRINGCMD]) + command + b'\0', reliable=True)
        else:
            chan.send()
    if serverdata is not None:
        log('recv: serverdata protocol {protocol} gamedir {gamedir!r} player {player} level {level!r}'
            .format(**serverdata))
    chan.send(bytes([CLC_STRINGCMD]) + b'drop\0')
    ok = serverdata is not None and serverdata['protocol'] == PROTOCOL_VERSION and strangers == 0
    level = serverdata['level'] if serverdata else None
    log(f'summary: challenge={challenge} accepted=yes netchan_packets={packets} answered={",".join(answered)}'
        f' level={level!r} strangers={strangers} result={"OK" if ok else "FAILED"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
