package masq.engine.helper;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import masq.api.Direction;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.MessageHelper;
import masq.api.Verdict;
import masq.engine.nat.Counter;
import masq.engine.nat.Translator;
import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;

/**
 * What the message layer's tests share: a helper that marks the messages it is given, and one
 * connection through the real translator that records what each receiver got.
 */
final class MessageLayerSupport {
    static final int PORT = 7777;

    private MessageLayerSupport() {
    }

    /**
     * Lines starting "SAY " (outbound) or "ECHO " (inbound) get "!" before their line end; records (when
     * asked for) of a 2-byte big-endian total length get their bytes after the header upper-cased;
     * header blocks (when asked for) get a "Seen: yes" header before their empty line.
     */
    static class Shouting implements MessageHelper {
        final List<String> messages = new ArrayList<>();
        final List<String> prologues = new ArrayList<>();
        Framing outbound = Framing.lines(64, "SAY ");
        Framing inbound = Framing.lines(64, "ECHO ");
        int growth = 1;
        boolean throwing;
        boolean dropping;

        @Override
        public Framing framing(Direction direction) {
            return direction == Direction.OUTBOUND ? outbound : inbound;
        }

        @Override
        public void prologue(HelperContext context, byte[] bytes, int offset, int length) {
            prologues.add(new String(bytes, offset, length, ISO_8859_1));
            context.replace(0, 0, "x");
        }

        @Override
        public Verdict message(HelperContext context, byte[] b, int off, int len) {
            messages.add(new String(b, off, len, ISO_8859_1));
            if (throwing) {
                throw new IllegalStateException("boom");
            }
            if (dropping) {
                return Verdict.DROP;
            }
            if (framing(context.direction()).kind() == Framing.Kind.HEADERS) {
                context.replace(len - 2, 0, "Seen: yes\r\n");
                return Verdict.ACCEPT;
            }
            if (framing(context.direction()).kind() == Framing.Kind.RECORDS) {
                String upper = new String(b, off + 2, len - 2, ISO_8859_1).toUpperCase();
                context.replace(2, len - 2, upper);
                return Verdict.ACCEPT;
            }
            int end = len - 1 - (len > 1 && b[off + len - 2] == '\r' ? 1 : 0);
            context.replace(end, 0, "!".repeat(growth));
            return Verdict.ACCEPT;
        }
    }

    /** One connection through the gateway, with what each receiver has been given, by its sequence number. */
    static final class Connection {
        final HelperGateway gateway = new HelperGateway(1500, 64, 8);
        final Shouting helper;
        final long serviceId;
        int clientSeq = 1000;
        int serverSeq = 5000;
        int masqPort;
        /** Translated sequence number → byte, as the server (outbound) and the client (inbound) receive them. */
        final Map<Long, Byte> server = new HashMap<>();
        final Map<Long, Byte> client = new HashMap<>();
        long serverStart;
        /** The highest translated end the server has received: what it acknowledges. */
        long serverEnd;
        byte[] last;

        Connection(Shouting helper) {
            this.helper = helper;
            serviceId = gateway.install(helper, "shout", "tcp", PORT);
            byte[] syn = gateway.out(PacketBuilder.tcp(A, 40000, SERVER, PORT).flags(TcpHeader.SYN)
                    .seq(clientSeq - 1, 0).build());
            masqPort = Bytes.get16(syn, 20);
            serverStart = Integer.toUnsignedLong(clientSeq);
            serverEnd = serverStart;
            gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, masqPort).flags(TcpHeader.SYN | TcpHeader.ACK)
                    .seq(serverSeq - 1, clientSeq).build());
        }

        /** Sends client bytes at the next sequence number; returns what left. */
        String out(String text) {
            String s = outAt(clientSeq, text, TcpHeader.ACK);
            clientSeq += text.length();
            return s;
        }

        String in(String text) {
            String s = inAt(serverSeq, text, TcpHeader.ACK);
            serverSeq += text.length();
            return s;
        }

        String outAt(int seq, String text, int flags) {
            byte[] d = PacketBuilder.tcp(A, 40000, SERVER, PORT).flags(flags).seq(seq, serverSeq)
                    .payload(text.getBytes(ISO_8859_1)).build();
            return deliver(gateway.out(d), server, true);
        }

        String inAt(int seq, String text, int flags) {
            byte[] d = PacketBuilder.tcp(SERVER, PORT, OUTSIDE, masqPort).flags(flags).seq(seq, (int) serverEnd)
                    .payload(text.getBytes(ISO_8859_1)).build();
            return deliver(gateway.in(d), client, false);
        }

        /** Records what a receiver got, checking that no byte position is ever given two values. */
        private String deliver(byte[] d, Map<Long, Byte> receiver, boolean toServer) {
            last = d;
            if (gateway.verdict == Translator.DROP) {
                return null;
            }
            int tcp = Ipv4Header.headerLength(d, 0);
            int payload = tcp + TcpHeader.dataOffset(d, tcp);
            long seq = Integer.toUnsignedLong(TcpHeader.sequence(d, tcp));
            for (int i = payload; i < d.length; i++) {
                Byte before = receiver.put((seq + i - payload) & 0xffffffffL, d[i]);
                if (before != null && before != d[i]) {
                    throw new AssertionError("byte " + (seq + i - payload) + " given twice, as '" + (char) (byte) before
                            + "' and '" + (char) d[i] + "'");
                }
            }
            if (toServer) {
                serverEnd = Math.max(serverEnd, seq + d.length - payload);
            }
            return new String(d, payload, d.length - payload, ISO_8859_1);
        }

        /** What the server has received, in order from the stream's start; stops at the first hole. */
        String serverStream() {
            StringBuilder s = new StringBuilder();
            for (long k = serverStart; server.containsKey(k); k++) {
                s.append((char) (server.get(k) & 0xff));
            }
            return s.toString();
        }

        long count(Counter c) {
            return gateway.count(c);
        }
    }
}
