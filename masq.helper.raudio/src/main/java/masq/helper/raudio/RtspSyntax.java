package masq.helper.raudio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of RTSP (RFC 2326, RFC 7826) the helper reads, from a header block's bytes: the method of
 * a request, and the transport specifications of each {@code Transport} header with their
 * {@code client_port}, {@code destination}, {@code source} and {@code interleaved} parameters. Pure.
 */
final class RtspSyntax {
    /** One transport specification: its bytes {@code [start, end)} in the block and what it names. */
    record Spec(int start, int end, boolean tcp, boolean interleaved, int portStart, int portEnd, int port, int secondPort,
            String destination, String source, boolean malformed) {
        /** @return whether it asks for UDP media to the client's ports */
        boolean udpClientPorts() {
            return !tcp && !interleaved && portStart >= 0;
        }
    }

    private static final byte[] TRANSPORT = ascii("transport:");
    private static final int MAX_PORT = 65535;

    private RtspSyntax() {
    }

    /** @return the request's method (upper case), or null when the block is no request (a reply) */
    static String method(byte[] b, int off, int n) {
        int sp = indexOf(b, off, 0, n, (byte) ' ');
        if (sp <= 0 || startsIgnoringCase(b, off, n, ascii("rtsp/"))) {
            return null;
        }
        for (int i = 0; i < sp; i++) {
            byte c = b[off + i];
            if (c < 'A' || c > 'z' || (c > 'Z' && c < 'a')) {
                return null;
            }
        }
        return new String(b, off, sp, StandardCharsets.US_ASCII).toUpperCase();
    }

    /** The transport specifications of every Transport header of the block, in order. */
    static List<Spec> transports(byte[] b, int off, int n) {
        List<Spec> specs = new ArrayList<>();
        int line = indexOf(b, off, 0, n, (byte) '\n') + 1;      // the start line is not a header
        while (line > 0 && line < n) {
            int end = indexOf(b, off, line, n, (byte) '\n');
            end = end < 0 ? n : end;
            int stop = end > line && b[off + end - 1] == '\r' ? end - 1 : end;
            if (startsIgnoringCase(b, off + line, stop - line, TRANSPORT)) {
                int i = line + TRANSPORT.length;
                while (i < stop) {
                    while (i < stop && (b[off + i] == ' ' || b[off + i] == '\t')) {
                        i++;
                    }
                    int comma = indexOf(b, off, i, stop, (byte) ',');
                    int specEnd = comma < 0 ? stop : comma;
                    specs.add(spec(b, off, i, specEnd));
                    i = specEnd + 1;
                }
            }
            line = end + 1;
        }
        return specs;
    }

    private static Spec spec(byte[] b, int off, int start, int end) {
        int semi = indexOf(b, off, start, end, (byte) ';');
        int protoEnd = semi < 0 ? end : semi;
        String protocol = text(b, off, start, protoEnd).trim().toUpperCase();
        boolean tcp = protocol.endsWith("/TCP");
        boolean interleaved = false;
        boolean malformed = protocol.isEmpty();
        int portStart = -1;
        int portEnd = -1;
        int port = -1;
        int second = -1;
        String destination = null;
        String source = null;
        int i = protoEnd;
        while (i < end) {
            int next = indexOf(b, off, i + 1, end, (byte) ';');
            next = next < 0 ? end : next;
            int eq = indexOf(b, off, i + 1, next, (byte) '=');
            String name = text(b, off, i + 1, eq < 0 ? next : eq).trim().toLowerCase();
            int valueStart = eq < 0 ? next : eq + 1;
            switch (name) {
                case "interleaved" -> interleaved = true;
                case "destination" -> destination = text(b, off, valueStart, next).trim();
                case "source" -> source = text(b, off, valueStart, next).trim();
                case "client_port" -> {
                    int[] ports = ports(b, off, valueStart, next);
                    if (ports == null || portStart >= 0) {
                        malformed = true;
                    } else {
                        portStart = ports[0];
                        portEnd = ports[1];
                        port = ports[2];
                        second = ports[3];
                    }
                }
                default -> {
                }
            }
            i = next;
        }
        return new Spec(start, end, tcp, interleaved, malformed ? -1 : portStart, portEnd, port, second, destination,
                source, malformed);
    }

    /** {@code p1[-p2]}: {start, end, p1, p2 or -1}, or null when malformed. */
    private static int[] ports(byte[] b, int off, int from, int to) {
        int i = from;
        while (i < to && b[off + i] == ' ') {
            i++;
        }
        int start = i;
        int first = digits(b, off, i, to);
        int p1 = number(b, off, i, first);
        if (p1 < 0) {
            return null;
        }
        i = first;
        int p2 = -1;
        if (i < to && b[off + i] == '-') {
            int second = digits(b, off, i + 1, to);
            p2 = number(b, off, i + 1, second);
            if (p2 < 0) {
                return null;
            }
            i = second;
        }
        int end = i;
        while (i < to && b[off + i] == ' ') {
            i++;
        }
        return i == to ? new int[] {start, end, p1, p2} : null;
    }

    private static int digits(byte[] b, int off, int i, int to) {
        while (i < to && b[off + i] >= '0' && b[off + i] <= '9') {
            i++;
        }
        return i;
    }

    private static int number(byte[] b, int off, int from, int to) {
        if (to <= from || to - from > 5) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + b[off + i] - '0';
        }
        return v > MAX_PORT ? -1 : v;
    }

    private static String text(byte[] b, int off, int from, int to) {
        return new String(b, off + from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }

    private static boolean startsIgnoringCase(byte[] b, int off, int n, byte[] lower) {
        if (n < lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            byte c = b[off + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int off, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
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
