"""lab/e2e/ftp_dialogue.py: the control-connection dialogue the e2e FTP clients share: read a reply
(multi-line ones to their last line, RFC 959 4.2) and send a command, printing both."""


class Dialogue:
    def __init__(self, sock):
        self.sock = sock
        self.replies = sock.makefile("r", encoding="latin-1", newline="\r\n")

    def reply(self):
        line = self.replies.readline()
        print("< " + line.rstrip("\r\n"), flush=True)
        while len(line) >= 4 and line[3] == "-":  # multi-line reply: up to "NNN "
            line = self.replies.readline()
            print("< " + line.rstrip("\r\n"), flush=True)
        return line

    def send(self, command):
        print("> " + command, flush=True)
        self.sock.sendall((command + "\r\n").encode("latin-1"))
        return self.reply()

    def rest(self):
        """Everything the server sends until it closes."""
        return self.replies.read()
