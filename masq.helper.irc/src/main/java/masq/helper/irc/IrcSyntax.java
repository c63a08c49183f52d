package masq.helper.irc;

import java.nio.charset.StandardCharsets;

/**
 * The IRC lines the DCC helper reads (RFC 1459 §2.3.1 framing, the CTCP convention and the DCC
 * offers of protocols.md §4.2), parsed from bytes without allocation beyond the result. Pure: no
 * state, no engine.
 *
 * <p>A DCC CTCP counts only as the first thing in the text of a {@code PRIVMSG} or {@code NOTICE}:
 * {@code <command> <target> :\x01DCC <type> <argument> ...}. The argument is one word or a quoted
 * name with spaces. An offer carries the address as an unsigned 32-bit decimal and a port
 * ({@code SEND}, {@code CHAT}, {@code MOVE}, {@code TSEND}, {@code SCHAT}, {@code TCHAT}); a
 * {@code RESUME} or {@code ACCEPT} carries a port and a position.
 */
final class IrcSyntax {
    /** What a parsed CTCP is. */
    enum Kind {
        /** An offer with an address and a port. */
        OFFER,
        /** {@code DCC RESUME <argument> <port> <position>}. */
        RESUME,
        /** {@code DCC ACCEPT <argument> <port> <position>}. */
        ACCEPT
    }

    /**
     * A DCC CTCP. For an offer, {@code [start, end)} is {@code "<address> <port>"}; for RESUME and
     * ACCEPT it is {@code "<port>"}. Offsets are relative to the line.
     */
    record Dcc(Kind kind, long address, int port, int start, int end) {
    }

    /** What {@link #parse} returns for a line that is no DCC CTCP at all (not refused). */
    static final Dcc NONE = new Dcc(null, 0, 0, 0, 0);

    private static final byte CTCP = 1;
    private static final byte[] PRIVMSG = ascii("PRIVMSG ");
    private static final byte[] NOTICE = ascii("NOTICE ");
    private static final byte[] DCC = ascii("DCC ");
    private static final byte[][] OFFERS = { ascii("SEND"), ascii("CHAT"), ascii("MOVE"), ascii("TSEND"),
        ascii("SCHAT"), ascii("TCHAT") };
    private static final byte[] RESUME = ascii("RESUME");
    private static final byte[] ACCEPT = ascii("ACCEPT");
    private static final byte[][] HTTP_METHODS = { ascii("GET "), ascii("POST "), ascii("HEAD "), ascii("PUT "),
        ascii("DELETE "), ascii("OPTIONS "), ascii("CONNECT "), ascii("TRACE "), ascii("PATCH ") };
    private static final long MAX_ADDRESS = 0xFFFF_FFFFL;
    private static final int MAX_ADDRESS_DIGITS = 10;
    private static final int MAX_PORT_DIGITS = 5;
    private static final int MAX_PORT = 65535;

    private IrcSyntax() {
    }

    /**
     * Parses a line (its line end excluded), as the client sends it ({@code serverPrefix} false) or
     * as the server relays it, after a {@code :prefix } ({@code serverPrefix} true).
     *
     * @return the DCC, {@link #NONE} when the line carries no DCC CTCP of a kind with an address or
     *         a port, or null when it does but is malformed
     */
    static Dcc parse(byte[] b, int off, int n, boolean serverPrefix) {
        int i = 0;
        if (serverPrefix) {
            if (n == 0 || b[off] != ':') {
                return NONE;
            }
            i = indexOf(b, off, n, 0, (byte) ' ');
            if (i < 0) {
                return NONE;
            }
            i++;
        }
        int command = startsWith(b, off, n, i, PRIVMSG) ? PRIVMSG.length
                : startsWith(b, off, n, i, NOTICE) ? NOTICE.length : -1;
        if (command < 0) {
            return NONE;
        }
        int text = indexOf(b, off, n, i + command, (byte) ':');
        // the text starts at the first " :" after the command (the target holds no space or colon)
        if (text <= i + command || b[off + text - 1] != ' ' || text + 1 >= n || b[off + text + 1] != CTCP
                || !startsWith(b, off, n, text + 2, DCC)) {
            return NONE;
        }
        int type = text + 2 + DCC.length;
        int typeEnd = indexOf(b, off, n, type, (byte) ' ');
        if (typeEnd < 0) {
            return NONE;
        }
        Kind kind = isOne(b, off, type, typeEnd, OFFERS) ? Kind.OFFER
                : isWord(b, off, type, typeEnd, RESUME) ? Kind.RESUME
                : isWord(b, off, type, typeEnd, ACCEPT) ? Kind.ACCEPT : null;
        if (kind == null) {
            return NONE;
        }
        int close = indexOf(b, off, n, typeEnd, CTCP);
        if (close < 0) {
            return null;
        }
        int argumentEnd = argumentEnd(b, off, close, typeEnd + 1);
        if (argumentEnd < 0 || argumentEnd >= close || b[off + argumentEnd] != ' ') {
            return null;
        }
        int first = argumentEnd + 1;
        int firstEnd = digitsEnd(b, off, close, first);
        if (kind != Kind.OFFER) {
            int port = (int) number(b, off, first, firstEnd, MAX_PORT_DIGITS, MAX_PORT);
            boolean followed = firstEnd < close && b[off + firstEnd] == ' ' && digitsEnd(b, off, close, firstEnd + 1)
                    > firstEnd + 1;
            return port < 0 || !followed ? null : new Dcc(kind, 0, port, first, firstEnd);
        }
        long address = number(b, off, first, firstEnd, MAX_ADDRESS_DIGITS, MAX_ADDRESS);
        if (address < 0 || firstEnd >= close || b[off + firstEnd] != ' ') {
            return null;
        }
        int portEnd = digitsEnd(b, off, close, firstEnd + 1);
        int port = (int) number(b, off, firstEnd + 1, portEnd, MAX_PORT_DIGITS, MAX_PORT);
        if (port < 0 || (portEnd != close && b[off + portEnd] != ' ')) {
            return null;
        }
        return new Dcc(Kind.OFFER, address, port, first, portEnd);
    }

    /** @return whether the first bytes of a client's stream are an HTTP request (NAT Slipstreaming) */
    static boolean isHttpRequest(byte[] b, int off, int n) {
        for (byte[] method : HTTP_METHODS) {
            if (startsWith(b, off, n, 0, method)) {
                return true;
            }
        }
        return false;
    }

    /** The decimal form of an IPv4 address in DCC: an unsigned 32-bit number. */
    static String address(int address) {
        return Long.toString(address & MAX_ADDRESS);
    }

    /** The end of the argument starting at {@code i}: a word, or a quoted name; -1 if it has none. */
    private static int argumentEnd(byte[] b, int off, int close, int i) {
        if (i >= close) {
            return -1;
        }
        if (b[off + i] == '"') {
            int quote = indexOf(b, off, close, i + 1, (byte) '"');
            return quote < 0 || quote == i + 1 ? -1 : quote + 1;
        }
        int end = i;
        while (end < close && b[off + end] != ' ') {
            end++;
        }
        return end == i ? -1 : end;
    }

    /** A decimal of 1 to {@code maxDigits} digits at most {@code max}, or -1. */
    private static long number(byte[] b, int off, int from, int to, int maxDigits, long max) {
        if (to <= from || to - from > maxDigits) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (b[off + i] - '0');
        }
        return v > max ? -1 : v;
    }

    private static int digitsEnd(byte[] b, int off, int to, int i) {
        while (i < to && b[off + i] >= '0' && b[off + i] <= '9') {
            i++;
        }
        return i;
    }

    private static boolean isOne(byte[] b, int off, int from, int to, byte[][] words) {
        for (byte[] w : words) {
            if (isWord(b, off, from, to, w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWord(byte[] b, int off, int from, int to, byte[] word) {
        return to - from == word.length && startsWith(b, off, to, from, word);
    }

    /** Whether {@code b[off + i ..]} starts with {@code word}, letters in any case. */
    private static boolean startsWith(byte[] b, int off, int n, int i, byte[] word) {
        if (n - i < word.length) {
            return false;
        }
        for (int k = 0; k < word.length; k++) {
            byte c = b[off + i + k];
            if (c != word[k] && !(word[k] >= 'A' && word[k] <= 'Z' && c == word[k] + ('a' - 'A'))) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int off, int n, int from, byte value) {
        for (int i = from; i < n; i++) {
            if (b[off + i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
