package masq.helper.ftp;

import java.nio.charset.StandardCharsets;

/**
 * The FTP wire syntaxes that carry an address or a port (RFC 959 {@code PORT} and {@code 227}, RFC 2428
 * {@code EPRT} and {@code 229}), and the test of a control connection's first bytes for an HTTP request
 * (protocols.md §8.3 rule 2). Every parser is pure, reads only {@code buf[off]} to
 * {@code buf[off + len - 1]} (one line without its line end), bounds every number, and answers "no
 * match" ({@code null}, {@code false}, {@code -1}) for anything else: it never throws.
 */
final class FtpSyntax {
    /**
     * An IPv4 address and port found in a line, and the span {@code [start, end)} of their text relative
     * to the line's first byte (the part a rewrite replaces).
     */
    record HostPort(int address, int port, int start, int end) {
    }

    static final byte[] PORT = ascii("PORT ");
    static final byte[] EPRT = ascii("EPRT ");
    static final byte[] REPLY_227 = ascii("227 ");
    static final byte[] REPLY_229 = ascii("229 ");
    /** Request methods (RFC 9110 §9, plus PATCH) that never begin an FTP command; the longest has 8 bytes. */
    private static final byte[][] HTTP_METHODS = { ascii("GET "), ascii("POST "), ascii("HEAD "), ascii("PUT "),
            ascii("CONNECT "), ascii("OPTIONS "), ascii("DELETE "), ascii("TRACE "), ascii("PATCH ") };
    /** RFC 959 host-port numbers and dotted-quad octets have one to three digits. */
    private static final int MAX_OCTET_DIGITS = 3;
    /** A decimal TCP port has at most five digits. */
    private static final int MAX_PORT_DIGITS = 5;
    private static final int MAX_PORT = 65535;

    private FtpSyntax() {
    }

    // Format: PORT h1,h2,h3,h4,p1,p2 (RFC 959 4.1.2; keyword in any case, one space, nothing after)
    static HostPort parsePort(byte[] buf, int off, int len) {
        if (!startsWith(buf, off, len, PORT)) {
            return null;
        }
        HostPort hostPort = parseHostPort(buf, off, len, PORT.length);
        return hostPort != null && hostPort.end() == len ? hostPort : null;
    }

    // Format: 227 <text> h1,h2,h3,h4,p1,p2 <text> (RFC 1123 4.1.2.6: the tuple may stand anywhere, with
    // or without parentheses; it starts at the first digit after "227 ")
    static HostPort parse227(byte[] buf, int off, int len) {
        if (!startsWith(buf, off, len, REPLY_227)) {
            return null;
        }
        int i = REPLY_227.length;
        while (i < len && !isDigit(buf[off + i])) {
            i++;
        }
        HostPort hostPort = parseHostPort(buf, off, len, i);
        if (hostPort == null) {
            return null;
        }
        int end = hostPort.end();
        return end < len && (isDigit(buf[off + end]) || buf[off + end] == ',') ? null : hostPort;
    }

    // Format: EPRT <d>1<d>a.b.c.d<d>port<d> (RFC 2428 2: d is ASCII 33-126, the same four times; not a
    // digit, as netfilter also requires)
    static HostPort parseEprt(byte[] buf, int off, int len) {
        int i = EPRT.length;
        if (!startsWith(buf, off, len, EPRT) || len - i < 3) {
            return null;
        }
        byte d = buf[off + i];
        if (!isDelimiter(d) || buf[off + i + 1] != '1' || buf[off + i + 2] != d) {
            return null;
        }
        long address = parseOctets(buf, off, len, i + 3, 4, (byte) '.');
        if (address < 0) {
            return null;
        }
        i = (int) (address >>> 32);
        if (i >= len || buf[off + i] != d) {
            return null;
        }
        int port = parseDecimal(buf, off, len, i + 1, MAX_PORT_DIGITS);
        i += 1 + countDigits(buf, off + i + 1, Math.min(len - i - 1, MAX_PORT_DIGITS + 1));
        if (port < 0 || port > MAX_PORT || i + 1 != len || buf[off + i] != d) {
            return null;
        }
        return new HostPort((int) address, port, EPRT.length, len);
    }

    // Format: EPRT <d>2<d>... (RFC 2428 2, an IPv6 address: nothing an IPv4 gateway translates)
    static boolean isEprtIpv6(byte[] buf, int off, int len) {
        int i = EPRT.length;
        return startsWith(buf, off, len, EPRT) && len - i >= 3 && isDelimiter(buf[off + i])
                && buf[off + i + 1] == '2' && buf[off + i + 2] == buf[off + i];
    }

    // Format: 229 <text> (<d><d><d>port<d>) (RFC 2428 3; d as in EPRT). The address is the control
    // connection's server address, so the result carries address 0.
    static HostPort parse229(byte[] buf, int off, int len) {
        if (!startsWith(buf, off, len, REPLY_229)) {
            return null;
        }
        int open = indexOf(buf, off + REPLY_229.length, len - REPLY_229.length, (byte) '(');
        int start = REPLY_229.length + open + 1;
        if (open < 0 || len - start < 6) {
            return null;
        }
        byte d = buf[off + start];
        if (!isDelimiter(d) || buf[off + start + 1] != d || buf[off + start + 2] != d) {
            return null;
        }
        int port = parseDecimal(buf, off, len, start + 3, MAX_PORT_DIGITS);
        int end = start + 3 + countDigits(buf, off + start + 3, Math.min(len - start - 3, MAX_PORT_DIGITS + 1)) + 1;
        if (port < 0 || port > MAX_PORT || end >= len || buf[off + end - 1] != d || buf[off + end] != ')') {
            return null;
        }
        return new HostPort(0, port, start, end);
    }

    // Format: <METHOD> <target>... (an HTTP request line, RFC 9110; any case)
    static boolean isHttpRequest(byte[] buf, int off, int len) {
        for (byte[] method : HTTP_METHODS) {
            if (startsWith(buf, off, len, method)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the line starts with {@code keyword}, letters compared in any case */
    static boolean startsWith(byte[] buf, int off, int len, byte[] keyword) {
        return len >= keyword.length && mayStartWith(buf, off, len, keyword);
    }

    /** @return whether the first bytes of the line, however few, match the start of {@code keyword} */
    static boolean mayStartWith(byte[] buf, int off, int len, byte[] keyword) {
        for (int i = 0; i < Math.min(len, keyword.length); i++) {
            byte b = buf[off + i];
            byte k = keyword[i];
            if (b != k && !(k >= 'A' && k <= 'Z' && b == k + ('a' - 'A'))) {
                return false;
            }
        }
        return true;
    }

    /** @return the index of {@code value} relative to {@code off}, or -1 */
    static int indexOf(byte[] buf, int off, int len, byte value) {
        for (int i = 0; i < len; i++) {
            if (buf[off + i] == value) {
                return i;
            }
        }
        return -1;
    }

    // Format: n1<sep>n2...<sep>n<count> at buf[off + from], decimal numbers 0-255 of one to three digits.
    // Returns the index (relative to off) after the last digit in the high 32 bits and the numbers as one
    // big-endian value in the low 32 bits, or -1.
    private static long parseOctets(byte[] buf, int off, int len, int from, int count, byte separator) {
        long value = 0;
        int i = from;
        for (int n = 0; n < count; n++) {
            if (n > 0) {
                if (i >= len || buf[off + i] != separator) {
                    return -1;
                }
                i++;
            }
            int octet = parseDecimal(buf, off, len, i, MAX_OCTET_DIGITS);
            if (octet < 0 || octet > 255) {
                return -1;
            }
            value = value << 8 | octet;
            i += countDigits(buf, off + i, Math.min(len - i, MAX_OCTET_DIGITS));
        }
        return (long) i << 32 | value;
    }

    // Format: h1,h2,h3,h4,p1,p2 at buf[off + from] (RFC 959 host-port)
    private static HostPort parseHostPort(byte[] buf, int off, int len, int from) {
        long address = parseOctets(buf, off, len, from, 4, (byte) ',');
        int i = (int) (address >>> 32);
        if (address < 0 || i >= len || buf[off + i] != ',') {
            return null;
        }
        long port = parseOctets(buf, off, len, i + 1, 2, (byte) ',');
        if (port < 0) {
            return null;
        }
        return new HostPort((int) address, (int) port, from, (int) (port >>> 32));
    }

    /** @return the decimal number of one to {@code maxDigits} digits at {@code buf[off + from]}, or -1 */
    private static int parseDecimal(byte[] buf, int off, int len, int from, int maxDigits) {
        if (from < 0 || from > len) {
            return -1;
        }
        int digits = countDigits(buf, off + from, Math.min(len - from, maxDigits + 1));
        if (digits == 0 || digits > maxDigits) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits; i++) {
            value = value * 10 + buf[off + from + i] - '0';
        }
        return value;
    }

    private static int countDigits(byte[] buf, int off, int max) {
        int n = 0;
        while (n < max && isDigit(buf[off + n])) {
            n++;
        }
        return n;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isDelimiter(byte b) {
        return b >= 33 && b <= 126 && !isDigit(b);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
