#!/usr/bin/python3
"""lab/e2e/ftp_crafted.py SERVER FILE MODE: an active-FTP client that sends its PORT commands the
way a helper finds hardest, then fetches FILE over the data connection its last PORT announced.

MODE split:     one PORT, sent in three segments ("PO", "RT h1,h2,h3,h4,", "p1,p2\\r\\n") 0.3 s
                apart with TCP_NODELAY, so that no segment holds the whole command.
MODE pipelined: 50 PORT commands, each naming its own listening port, in one segment; the server
                must accept all 50 (it refuses a PORT whose address is not the client's, as an
                unrewritten inside address is) and connect to the last port only.

Prints the dialogue, then "retrieved N bytes on port P" and exits 0 when the transfer completed
on the right port; exits 1 with the reason otherwise. Ends with QUIT and waits for the server to
close first (no TIME_WAIT left on this host)."""
import socket
import sys
import time

from ftp_dialogue import Dialogue

PIPELINED = 50


def main():
    server, name, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    sock = socket.create_connection((server, 21), timeout=15)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    dialogue = Dialogue(sock)
    reply, send = dialogue.reply, dialogue.send

    def listener():
        data = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        data.bind((sock.getsockname()[0], 0))
        data.listen(1)
        data.settimeout(15)
        return data

    def port_command(data):
        host = sock.getsockname()[0].replace(".", ",")
        port = data.getsockname()[1]
        return "PORT %s,%d,%d" % (host, port >> 8, port & 0xFF)

    reply()
    send("USER anonymous")
    send("PASS masq@")
    send("TYPE I")
    if mode == "split":
        listeners = [listener()]
        command = port_command(listeners[0]) + "\r\n"
        cut = command.index(",", command.index(",", command.index(",", command.index(",") + 1) + 1) + 1) + 1
        pieces = [command[:2], command[2:cut], command[cut:]]
        for i, piece in enumerate(pieces):
            print("> (segment %d) %r" % (i + 1, piece), flush=True)
            sock.sendall(piece.encode("latin-1"))
            time.sleep(0.3)
        answers = [reply()]
    elif mode == "pipelined":
        listeners = [listener() for _ in range(PIPELINED)]
        commands = "".join(port_command(d) + "\r\n" for d in listeners)
        print("> %d PORT commands in one segment of %d bytes" % (PIPELINED, len(commands)), flush=True)
        sock.sendall(commands.encode("latin-1"))
        answers = [reply() for _ in listeners]
    else:
        print("ftp_crafted: mode is split or pipelined, not %r" % mode, file=sys.stderr)
        return 2
    refused = [a for a in answers if not a.startswith("200 ")]
    if refused:
        print("ftp_crafted: %d of %d PORT commands refused, first: %s" % (len(refused), len(answers),
              refused[0].rstrip()), file=sys.stderr)
        return 1
    print("> RETR " + name, flush=True)
    sock.sendall(("RETR " + name + "\r\n").encode("latin-1"))
    last = listeners[-1]
    conn, peer = last.accept()
    received = 0
    with conn:
        conn.settimeout(15)
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += len(chunk)
    for other in listeners[:-1]:
        other.setblocking(False)
        try:
            stray, _ = other.accept()
            stray.close()
            print("ftp_crafted: the server also connected to an earlier PORT's port", file=sys.stderr)
            return 1
        except BlockingIOError:
            pass
    done = reply()
    while done.startswith("1"):
        done = reply()
    if not done.startswith("226"):
        print("ftp_crafted: the transfer ended with %s" % done.rstrip(), file=sys.stderr)
        return 1
    send("QUIT")
    dialogue.rest()
    sock.close()
    print("retrieved %d bytes on port %d from %s:%d" % (received, last.getsockname()[1], peer[0], peer[1]))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, IndexError) as e:
        print("ftp_crafted: %s" % e, file=sys.stderr)
        sys.exit(1)
