#!/usr/bin/python3
"""lab/e2e/irc_peer.py SERVER NICK PEER MODE [ARG]: an IRC user outside that takes part in DCC with
the inside user PEER, for the end-to-end tests. It registers as NICK, waits until PEER is online
(printing "PEER online"), then:

MODE receive FILE [GO]: waits for PEER's DCC SEND, prints "offer: <the CTCP>", waits for the file
    GO to exist (when given, so that the test can look at the gateway first), connects to the
    offered address and port, receives the file into FILE acknowledging as DCC does (the count of
    bytes received, 32-bit big-endian), and prints "received N bytes from ADDRESS:PORT".
MODE chat-accept: waits for PEER's DCC CHAT, connects, sends "hello from NICK", prints the line
    PEER sends back as "PEER said: ...".
MODE chat-offer ADDRESS: offers PEER a DCC CHAT on ADDRESS (its own), accepts PEER's connection,
    sends "hello from NICK" and prints PEER's answer likewise.

Exits 0 when its part succeeded, 1 with the reason otherwise (30 s at most)."""
import os
import socket
import struct
import sys
import time

DEADLINE = time.monotonic() + 30


def left():
    return max(0.1, DEADLINE - time.monotonic())


class Irc:
    def __init__(self, server, nick):
        self.sock = socket.create_connection((server, 6667), timeout=left())
        self.buffer = b""
        self.nick = nick
        self.send("NICK %s" % nick)
        self.send("USER %s 0 * :masq e2e peer" % nick)
        while not self.line().split(" ")[1:2] == ["001"]:
            pass

    def send(self, line):
        self.sock.sendall(line.encode("latin-1") + b"\r\n")

    def line(self):
        while b"\n" not in self.buffer:
            self.sock.settimeout(left())
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("the IRC server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        text = line.rstrip(b"\r").decode("latin-1")
        if text.startswith("PING "):
            self.send("PONG " + text[5:])
        return text

    def wait_online(self, peer):
        while True:
            self.send("ISON " + peer)
            while True:
                text = self.line()
                parts = text.split(" ", 3)
                if len(parts) >= 4 and parts[1] == "303":
                    break
            if parts[3].lstrip(":").split() == [peer]:
                print("%s online" % peer, flush=True)
                return
            time.sleep(0.2)

    def wait_ctcp(self, peer, kind):
        while True:
            text = self.line()
            if text.startswith(":" + peer + "!") and "\x01DCC " + kind + " " in text:
                ctcp = text[text.index("\x01") + 1:text.rindex("\x01")]
                print("offer: " + ctcp, flush=True)
                return ctcp.split()


def address(decimal):
    return socket.inet_ntoa(struct.pack(">I", int(decimal)))


def connect(host, port):
    try:
        return socket.create_connection((host, port), timeout=min(5, left()))
    except OSError as e:
        raise OSError("cannot connect to %s:%d: %s" % (host, port, e))


def chat(conn, nick, peer):
    conn.settimeout(left())
    conn.sendall(("hello from %s\n" % nick).encode())
    answer = b""
    while b"\n" not in answer:
        chunk = conn.recv(4096)
        if not chunk:
            raise OSError("%s closed the chat without a line" % peer)
        answer += chunk
    print("%s said: %s" % (peer, answer.split(b"\n")[0].decode("latin-1").rstrip("\r")), flush=True)


def main():
    server, nick, peer, mode = sys.argv[1:5]
    irc = Irc(server, nick)
    irc.wait_online(peer)
    if mode == "receive":
        out, go = sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None
        fields = irc.wait_ctcp(peer, "SEND")
        host, port, size = address(fields[-3]), int(fields[-2]), int(fields[-1])
        while go and not os.path.exists(go):
            if time.monotonic() > DEADLINE:
                raise OSError("no go file " + go)
            time.sleep(0.1)
        conn = connect(host, port)
        received = 0
        with conn, open(out, "wb") as f:
            conn.settimeout(left())
            while received < size:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                f.write(chunk)
                received += len(chunk)
                conn.sendall(struct.pack(">I", received & 0xFFFFFFFF))
        if received != size:
            raise OSError("received %d of %d bytes" % (received, size))
        print("received %d bytes from %s:%d" % (received, host, port), flush=True)
    elif mode == "chat-accept":
        fields = irc.wait_ctcp(peer, "CHAT")
        host, port = address(fields[-2]), int(fields[-1])
        with connect(host, port) as conn:
            print("connected to %s:%d" % (host, port), flush=True)
            chat(conn, nick, peer)
    elif mode == "chat-offer":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((sys.argv[5], 0))
        listener.listen(1)
        listener.settimeout(left())
        decimal = struct.unpack(">I", socket.inet_aton(sys.argv[5]))[0]
        irc.send("PRIVMSG %s :\x01DCC CHAT chat %d %d\x01" % (peer, decimal, listener.getsockname()[1]))
        print("offered chat on %s:%d" % (sys.argv[5], listener.getsockname()[1]), flush=True)
        conn, where = listener.accept()
        with conn:
            print("%s connected from %s:%d" % (peer, where[0], where[1]), flush=True)
            chat(conn, nick, peer)
    else:
        print("irc_peer: MODE is receive, chat-accept or chat-offer, not %r" % mode, file=sys.stderr)
        return 2
    irc.send("QUIT :done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, IndexError) as e:
        print("irc_peer: %s" % e, file=sys.stderr)
        sys.exit(1)
