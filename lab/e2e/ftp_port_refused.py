#!/usr/bin/python3
"""lab/e2e/ftp_port_refused.py SERVER CLIENT_PORT: an active-FTP control connection from CLIENT_PORT
that sends PORT with this host's own (inside) address and prints the server's replies. It then
sends QUIT and waits for the server to close first, so that this host keeps no TIME_WAIT on
CLIENT_PORT and the next client can bind it at once (the server keeps the TIME_WAIT instead, which
a new SYN from the same port may reopen, RFC 9293 3.6.1). Exits 0 once the server has closed,
whatever it answered to PORT; 1 if it did not close within 10 s or the dialogue failed."""
import socket
import sys

from ftp_dialogue import Dialogue


def main():
    server, client_port = sys.argv[1], int(sys.argv[2])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.bind(("0.0.0.0", client_port))
    sock.connect((server, 21))
    dialogue = Dialogue(sock)
    reply, send = dialogue.reply, dialogue.send

    reply()
    send("USER anonymous")
    send("PASS masq@")
    address = sock.getsockname()[0].replace(".", ",")
    data = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    data.bind((sock.getsockname()[0], 0))
    data.listen(1)
    port = data.getsockname()[1]
    send("PORT %s,%d,%d" % (address, port >> 8, port & 0xFF))
    send("QUIT")
    if dialogue.rest():
        print("the server sent more after its QUIT reply", file=sys.stderr)
        return 1
    print("server closed first", flush=True)
    sock.close()
    data.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as e:
        print("ftp_port_refused: %s" % e, file=sys.stderr)
        sys.exit(1)
