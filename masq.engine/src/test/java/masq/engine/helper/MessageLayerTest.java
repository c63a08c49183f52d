package masq.engine.helper;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

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
 * The message layer ({@link MessageHelper}, {@link MessageStream}, {@link MessageLayer}) through the real
 * translator: messages split at every byte and over many segments, retransmissions whole and cut
 * differently, gaps, overlong lines, lying record lengths, a helper removed mid-message, FIN after held
 * bytes, deferral when the packet has no room, and the sequence numbers the receiver sees.
 */
class MessageLayerTest {
    private static final int PORT = 7777;

    /**
     * Lines starting "SAY " (outbound) or "ECHO " (inbound) get "!" before their line end; records (when
     * asked for) of a 2-byte big-endian total length get their bytes after the header upper-cased.
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

    // ---- happy paths

    @Test
    void wholeLinesAreRewrittenAndOtherLinesPassUntouched() {
        Connection c = new Connection(new Shouting());
        assertEquals("HELLO\r\nSAY hi!\r\nsay lower!\nSAYING\n", c.out("HELLO\r\nSAY hi\r\nsay lower\nSAYING\n"));
        assertEquals(List.of("SAY hi\r\n", "say lower\n"), c.helper.messages);
        assertEquals(2, c.count(Counter.HELPER_MESSAGES));
    }

    @Test
    void aLineSplitAtEveryBytePositionLeavesWholeWithTheSegmentThatCompletesIt() {
        String stream = "NOOP\r\nSAY split here\r\nQUIT\r\n";
        String expected = "NOOP\r\nSAY split here!\r\nQUIT\r\n";
        for (int cut = 1; cut < stream.length(); cut++) {
            Connection c = new Connection(new Shouting());
            String first = c.out(stream.substring(0, cut));
            String second = c.out(stream.substring(cut));
            assertEquals(expected, first + second, "cut at " + cut);
            assertEquals(expected, c.serverStream(), "cut at " + cut);
            assertEquals(List.of("SAY split here\r\n"), c.helper.messages, "cut at " + cut);
            boolean inLine = cut > 6 && cut < 22;
            assertEquals(inLine ? "NOOP\r\n" : stream.substring(0, Math.min(cut, 6)) + (cut >= 22 ? "SAY split here!\r\n"
                    + stream.substring(22, cut) : ""), first, "cut at " + cut + ": only the candidate line is held");
        }
    }

    @Test
    void aLineOverThreeAndMoreSegmentsEveryWay() {
        String stream = "SAY abcdef\r\n";
        for (int a = 1; a < stream.length(); a++) {
            for (int b = a + 1; b < stream.length(); b++) {
                Connection c = new Connection(new Shouting());
                String out = c.out(stream.substring(0, a)) + c.out(stream.substring(a, b)) + c.out(stream.substring(b));
                assertEquals("SAY abcdef!\r\n", out, "cuts " + a + ", " + b);
                assertEquals("SAY abcdef!\r\n", c.serverStream());
            }
        }
        Connection c = new Connection(new Shouting());
        StringBuilder out = new StringBuilder();
        for (char ch : "SAY one byte at a time\n".toCharArray()) {
            out.append(c.out(String.valueOf(ch)));
        }
        assertEquals("SAY one byte at a time!\n", out.toString());
        assertEquals(List.of("SAY one byte at a time\n"), c.helper.messages);
    }

    @Test
    void fiftyPipelinedLinesInOneSegmentAreAllRewritten() {
        StringBuilder in = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            in.append("SAY ").append(i).append("\r\n");
            expected.append("SAY ").append(i).append("!\r\n");
        }
        Connection c = new Connection(new Shouting());
        c.helper.growth = 20;
        assertEquals(expected.toString().replace("!", "!".repeat(20)), c.out(in.toString()));
        assertEquals(50, c.helper.messages.size());
        assertEquals(0, c.count(Counter.EDIT_REFUSED_GROWTH));
        assertEquals("after\n", c.out("after\n"), "the next segment is shifted, not rewritten");
        assertEquals(expected.toString().replace("!", "!".repeat(20)) + "after\n", c.serverStream());
    }

    @Test
    void bothDirectionsInterleavedKeepTheirOwnLines() {
        Connection c = new Connection(new Shouting());
        assertEquals("", c.out("SAY le"));
        assertEquals("", c.in("ECHO ri"));
        assertEquals("SAY left!\n", c.out("ft\n"));
        assertEquals("ECHO right!\n", c.in("ght\n"));
        assertEquals(List.of("SAY left\n", "ECHO right\n"), c.helper.messages);
    }

    @Test
    void recordsAreCutByTheirLengthField() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 64);
        Connection c = new Connection(h);
        String r1 = "\0\u0007abcde";
        String r2 = "\0\u0005xyz";
        assertEquals("\0\u0007ABCDE\0\u0005XYZ", c.out(r1 + r2));
        assertEquals("", c.out("\0"));
        assertEquals("", c.out("\u0006ab"));
        assertEquals("\0\u0006ABCD", c.out("cd"));
        assertEquals(List.of(r1, r2, "\0\u0006abcd"), h.messages);
    }

    @Test
    void headerBlocksAreDeliveredWholeAndTheirBodiesPassUnseen() {
        Shouting h = new Shouting();
        h.outbound = Framing.headers(256);
        Connection c = new Connection(h);
        String setup = "SETUP rtsp://x/a RTSP/1.0\r\nCSeq: 3\r\n\r\n";
        String announce = "ANNOUNCE rtsp://x/a RTSP/1.0\r\nContent-Length: 24\r\n\r\n"
                + "SAY a\r\nTransport: x\r\n\r\n";
        String stream = setup + announce + "\r\n" + setup;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < stream.length(); i += 7) {
            out.append(c.out(stream.substring(i, Math.min(stream.length(), i + 7))));
        }
        String seen = setup.replace("CSeq: 3\r\n", "CSeq: 3\r\nSeen: yes\r\n");
        assertEquals(seen + announce.replace("Length: 24\r\n", "Length: 24\r\nSeen: yes\r\n") + "\r\n" + seen,
                out.toString());
        assertEquals(3, h.messages.size(), "the body was never shown");
        assertEquals(c.serverStream(), out.toString());
    }

    @Test
    void interleavedFramesAreSkippedByTheirLength() {
        Shouting h = new Shouting();
        h.outbound = Framing.headers(256);
        Connection c = new Connection(h);
        String frame = "$\u0001\u0000\u0006OPTION";
        assertEquals("", c.out("$\u0001"));
        assertEquals(frame.substring(0, 2) + frame.substring(2) + "PLAY x RTSP/1.0\r\nSeen: yes\r\n\r\n",
                c.out(frame.substring(2) + "PLAY x RTSP/1.0\r\n\r\n"));
        assertEquals(List.of("PLAY x RTSP/1.0\r\n\r\n"), h.messages);
    }

    @Test
    void anOverlongHeaderBlockOrALyingContentLengthTakesTheDirectionAway() {
        Shouting h = new Shouting();
        h.outbound = Framing.headers(64);
        Connection c = new Connection(h);
        String big = "SETUP x RTSP/1.0\r\nX: " + "y".repeat(80) + "\r\n\r\n";
        assertEquals("", c.out(big.substring(0, 30)));
        assertEquals(big, c.out(big.substring(30)), "the held start given back with the rest");
        assertEquals(Map.of("headers-too-long", 1L), c.gateway.dispatch.refusals("shout"));
        assertEquals("SETUP y RTSP/1.0\r\n\r\n", c.out("SETUP y RTSP/1.0\r\n\r\n"), "no longer framed");
        for (String length : List.of("x", "-1", "99999999999", "5 5", "")) {
            Shouting l = new Shouting();
            l.outbound = Framing.headers(256);
            Connection d = new Connection(l);
            String block = "ANNOUNCE x RTSP/1.0\r\nContent-Length: " + length + "\r\n\r\nSETUP y RTSP/1.0\r\n\r\n";
            assertEquals(block, d.out(block), length);
            assertEquals(Map.of("unframed", 1L), d.gateway.dispatch.refusals("shout"), length);
            assertEquals(List.of(), l.messages, length);
        }
    }

    @Test
    void thePrologueIsShownOnceAndIsReadOnly() {
        Shouting h = new Shouting();
        h.outbound = Framing.lines(64, "SAY ").prologue(8);
        Connection c = new Connection(h);
        assertEquals("GET", c.out("GET"));
        assertEquals(" / HTTP/1.1\r\n", c.out(" / HTTP/1.1\r\n"));
        assertEquals(List.of("GET / HT"), h.prologues);
        assertEquals(1, c.count(Counter.EDIT_REFUSED_RANGE), "the prologue's edit was refused");
        Shouting short_ = new Shouting();
        short_.outbound = Framing.lines(64, "SAY ").prologue(8);
        Connection d = new Connection(short_);
        assertEquals("SAY a!\n", d.out("SAY a\n"));
        assertEquals(List.of("SAY a\n"), short_.prologues, "up to the first LF");
    }

    // ---- hostile and unlucky

    @Test
    void aWholeRetransmissionLeavesIdenticallyAndIsNotShownAgain() {
        Connection c = new Connection(new Shouting());
        String first = c.out("SAY a\nSAY b\n");
        assertEquals(first, c.outAt(1000, "SAY a\nSAY b\n", TcpHeader.ACK));
        assertEquals(first, c.outAt(1000, "SAY a\nSAY b\n", TcpHeader.ACK));
        assertEquals(2, c.helper.messages.size());
        assertEquals("x\n", c.out("x\n"));
        assertEquals("SAY a!\nSAY b!\nx\n", c.serverStream());
    }

    @Test
    void retransmissionsCutDifferentlyGiveEveryByteTheSameValue() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pieces = { "SAY hello\r\n", "NOOP\r\n", "SAY x\n", "SA", "Y\n", "plain text\n", "\n" };
        for (int round = 0; round < 200; round++) {
            StringBuilder stream = new StringBuilder();
            for (int n = 1 + random.nextInt(10); n > 0; n--) {
                stream.append(pieces[random.nextInt(pieces.length)]);
            }
            Connection whole = new Connection(new Shouting());
            String expected = whole.out(stream.toString());
            Connection c = new Connection(new Shouting());
            int sent = 0;
            while (sent < stream.length()) {
                int n = 1 + random.nextInt(Math.min(12, stream.length() - sent));
                c.out(stream.substring(sent, sent + n));
                sent += n;
                if (random.nextInt(3) == 0) {
                    int from = random.nextInt(sent);
                    int to = from + 1 + random.nextInt(sent - from);
                    c.outAt(1000 + from, stream.substring(from, to), TcpHeader.ACK);
                }
            }
            assertEquals(expected, c.serverStream(), "seed " + seed + " stream " + stream);
            assertEquals(whole.helper.messages, c.helper.messages, "seed " + seed);
        }
    }

    @Test
    void aSegmentBeyondAGapIsDroppedAndCountedUntilTheGapIsFilled() {
        Connection c = new Connection(new Shouting());
        c.out("one\n");
        assertEquals(null, c.outAt(1000 + 4 + 5, "SAY b\n", TcpHeader.ACK));
        assertEquals(1, c.count(Counter.STREAM_GAP));
        assertEquals(Map.of("out-of-order", 1L), c.gateway.dispatch.refusals("shout"));
        assertEquals("SAY a!\n", c.out("SAY a\n"));
        assertEquals("SAY b!\n", c.out("SAY b\n"));
        assertEquals("one\nSAY a!\nSAY b!\n", c.serverStream());
    }

    @Test
    void anOverlongLineLeavesUnchangedAndTheNextLineIsFramed() {
        Connection c = new Connection(new Shouting());
        String longLine = "SAY " + "y".repeat(100) + "\n";
        assertEquals(longLine, c.out(longLine));
        assertEquals("", c.out("SAY " + "z".repeat(30)), "held: it may still be a candidate");
        assertEquals("SAY " + "z".repeat(30) + "z".repeat(40) + "\nSAY ok!\n", c.out("z".repeat(40) + "\nSAY ok\n"));
        assertEquals(2, c.count(Counter.MESSAGE_OVERLONG));
        assertEquals(Map.of("line-too-long", 2L), c.gateway.dispatch.refusals("shout"));
        assertEquals(List.of("SAY ok\n"), c.helper.messages);
        assertEquals(longLine + "SAY " + "z".repeat(70) + "\nSAY ok!\n", c.serverStream());
    }

    @Test
    void aRecordWhoseLengthIsShorterThanItsHeaderTakesTheDirectionAway() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 64);
        Connection c = new Connection(h);
        assertEquals("", c.out("\0"));
        assertEquals("\0\u0001abc\0\u0005xyz", c.out("\u0001abc\0\u0005xyz"));
        assertEquals("\0\u0005xyz", c.out("\0\u0005xyz"), "no longer framed");
        assertEquals(List.of(), h.messages);
        assertEquals(1, c.count(Counter.STREAM_UNFRAMED));
        assertEquals(Map.of("unframed", 1L), c.gateway.dispatch.refusals("shout"));
    }

    @Test
    void anOverlongRecordIsSkippedByItsLength() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 16);
        Connection c = new Connection(h);
        String big = "\0\u0020" + "q".repeat(30);
        assertEquals(big.substring(0, 10), c.out(big.substring(0, 10)));
        assertEquals(big.substring(10) + "\0\u0004AB", c.out(big.substring(10) + "\0\u0004ab"));
        assertEquals(List.of("\0\u0004ab"), h.messages);
        assertEquals(Map.of("record-too-long", 1L), c.gateway.dispatch.refusals("shout"));
    }

    @Test
    void aRecordLyingAboutItsLengthCannotSwallowTheStream() {
        Shouting h = new Shouting();
        h.outbound = Framing.records(0, 2, true, 0, 64);
        Connection c = new Connection(h);
        // claims 60 bytes, sends 10 and then what looks like a new record: all of it is the first record
        assertEquals("", c.out("\0\u003c12345678"));
        assertEquals("", c.out("\0\u0004ab"));
        String rest = "r".repeat(60 - 14);
        String out = c.out(rest);
        assertEquals(List.of("\0\u003c12345678\0\u0004ab" + rest), h.messages);
        assertEquals(60, out.length());
        assertEquals(List.of("\0\u003c12345678\0\u0004ab" + rest), h.messages);
    }

    @Test
    void aHelperRemovedMidMessageReleasesTheHeldBytesUnchanged() {
        Connection c = new Connection(new Shouting());
        assertEquals("", c.out("SAY hal"));
        c.gateway.registry.remove(c.serviceId);
        assertEquals("SAY half a line\n", c.out("f a line\n"));
        assertEquals("SAY x\n", c.out("SAY x\n"), "plain NAT now");
        assertEquals("SAY half a line\nSAY x\n", c.serverStream());
        assertEquals(1, c.count(Counter.STREAM_RELEASED));
        assertEquals(List.of(), c.helper.messages);
    }

    @Test
    void heldBytesOfAWithdrawnHelperAreStillAcknowledgedWhenTheSenderRetransmitsThem() {
        Connection c = new Connection(new Shouting());
        c.out("NOOP\n");
        c.in("ok\n");
        assertEquals("", c.out("SAY ha"));
        masq.engine.packet.PacketBuffer reply = new masq.engine.packet.PacketBuffer(2048);
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now));
        c.gateway.registry.remove(c.serviceId);
        assertEquals("", c.outAt(1005, "SAY ha", TcpHeader.ACK), "our acknowledgment was lost: the sender retransmits");
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now), "acknowledged again");
        assertEquals("SAY half\n", c.out("lf\n"));
        assertEquals("NOOP\nSAY half\n", c.serverStream());
    }

    @Test
    void aFinAfterHeldBytesCarriesThem() {
        Connection c = new Connection(new Shouting());
        assertEquals("", c.out("SAY never ends"));
        assertEquals("SAY never ends", c.outAt(c.clientSeq, "", TcpHeader.ACK | TcpHeader.FIN));
        assertEquals("SAY never ends", c.serverStream());
        int tcp = Ipv4Header.headerLength(c.last, 0);
        assertEquals(TcpHeader.FIN, TcpHeader.flags(c.last, tcp) & TcpHeader.FIN);
        assertEquals("SAY never ends", c.outAt(c.clientSeq, "", TcpHeader.ACK | TcpHeader.FIN), "retransmitted FIN");
        Connection d = new Connection(new Shouting());
        assertEquals("", d.out("SAY a"));
        assertEquals("SAY abc", d.outAt(d.clientSeq, "bc", TcpHeader.ACK | TcpHeader.FIN), "FIN with data");
    }

    @Test
    void aHelperThatThrowsLeavesTheMessageUnchangedAndCounted() {
        Shouting h = new Shouting();
        h.throwing = true;
        Connection c = new Connection(h);
        assertEquals("", c.out("SAY bo"));
        assertEquals("SAY boom\n", c.out("om\n"));
        assertEquals(1, c.count(Counter.HELPER_FAILURES));
        assertEquals("SAY boom\n", c.serverStream());
    }

    @Test
    void dropRemovesTheMessageFromTheStream() {
        Shouting h = new Shouting();
        h.dropping = true;
        Connection c = new Connection(h);
        assertEquals("a\nb\n", c.out("a\nSAY secret\nb\n"));
        assertEquals("c\n", c.out("c\n"));
        assertEquals("a\nb\nc\n", c.serverStream());
        assertEquals(1, c.count(Counter.HELPER_VERDICT_DROP));
    }

    @Test
    void aSegmentWhoseEditsWouldNotFitIsCutAndTheRestComesAgain() {
        Shouting h = new Shouting();
        h.growth = 200;
        Connection c = new Connection(h);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            lines.append("SAY ").append((char) ('a' + i)).append('\n');
        }
        String sent = c.outAt(c.clientSeq, lines.toString(), TcpHeader.ACK | TcpHeader.FIN);
        int tcp = Ipv4Header.headerLength(c.last, 0);
        assertEquals(0, TcpHeader.flags(c.last, tcp) & TcpHeader.FIN, "the FIN goes with the rest");
        assertEquals(1, c.count(Counter.STREAM_DEFERRED));
        int taken = sent.length() / 206;
        assertTrue(taken > 0 && taken < 12, "taken " + taken);
        assertEquals(taken, h.messages.size());
        String rest = lines.substring(6 * taken);
        String second = c.outAt(c.clientSeq + 6 * taken, rest, TcpHeader.ACK | TcpHeader.FIN);
        assertEquals(12, h.messages.size());
        assertEquals((12 - taken) * 206, second.length());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            expected.append("SAY ").append((char) ('a' + i)).append("!".repeat(200)).append('\n');
        }
        assertEquals(expected.toString(), c.serverStream());
    }

    @Test
    void theServersAcknowledgmentsAreTranslatedBackAcrossHeldAndGrownBytes() {
        Connection c = new Connection(new Shouting());
        c.out("SAY a");
        c.out("b\n");
        c.out("end\n");
        assertEquals("SAY ab!\nend\n", c.serverStream());
        int tcp = 20;
        byte[] partial = c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq,
                1000 + 3).build());
        assertEquals(1000 + 5, TcpHeader.acknowledgment(partial, tcp),
                "inside the rewritten line: the held bytes count as delivered, the segment that completed it does not");
        assertEquals("SAY ab!\n", c.outAt(1000 + 5, "b\n", TcpHeader.ACK), "whose retransmission brings it all again");
        byte[] ack = c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq,
                (int) c.serverEnd).build());
        assertEquals(c.clientSeq, TcpHeader.acknowledgment(ack, tcp), "the client sees all it sent acknowledged");
        assertEquals(0, c.gateway.dispatch.rememberedChanges(), "and the gateway forgets what it remembered for it");
    }

    @Test
    void heldBytesAreAcknowledgedToTheSenderWhenTheReceiverHasNothingLeftToAcknowledge() {
        Connection c = new Connection(new Shouting());
        c.out("NOOP\n");
        c.in("200 ok\n");                        // acknowledges the client's NOOP
        assertEquals("", c.out("SAY he"));         // all held: the server gets an empty segment, nothing to ack
        masq.engine.packet.PacketBuffer reply = new masq.engine.packet.PacketBuffer(2048);
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now));
        byte[] ack = java.util.Arrays.copyOfRange(reply.data, reply.offset, reply.offset + reply.length);
        assertEquals(PacketBuilder.ip(SERVER), Bytes.get32(ack, 12));
        assertEquals(PacketBuilder.ip(A), Bytes.get32(ack, 16));
        assertEquals(PORT, Bytes.get16(ack, 20));
        assertEquals(40000, Bytes.get16(ack, 22));
        assertEquals(c.serverSeq, TcpHeader.sequence(ack, 20), "the sequence number the client expects");
        assertEquals(c.clientSeq, TcpHeader.acknowledgment(ack, 20), "everything it sent, the held bytes included");
        assertEquals(TcpHeader.ACK, TcpHeader.flags(ack, 20));
        assertTrue(masq.engine.packet.Checksum.verify(ack, 0, 20, 0), "IP checksum");
        assertTrue(masq.engine.packet.Checksum.verify(ack, 20, 20, masq.engine.packet.Checksum.pseudoHeader(
                PacketBuilder.ip(SERVER), PacketBuilder.ip(A), 6, 20)), "TCP checksum");
        assertEquals(Translator.NOTHING, c.gateway.translator.pollReleased(reply, c.gateway.now));
        assertEquals(1, c.count(Counter.STREAM_HELD_ACKED));
        // bytes the server has not acknowledged come before the held ones: its own ACK will cover them
        assertEquals("x\n", c.out("llo\nx\nSAY y").substring("SAY hello!\n".length()));
        assertEquals(Translator.NOTHING, c.gateway.translator.pollReleased(reply, c.gateway.now));
        byte[] serverAck = c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq,
                (int) c.serverEnd).build());
        assertEquals(c.clientSeq, TcpHeader.acknowledgment(serverAck, 20), "which maps past the held bytes");
    }

    @Test
    void theAcknowledgmentOfHeldBytesCarriesTimestampsWhenBothEndsUseThem() {
        Connection c = new Connection(new Shouting());
        byte[] stampsServer = { 1, 1, 8, 10, 0, 0, 3, 9, 0, 0, 0, 5 };      // TSval 777, TSecr 5
        byte[] stampsClient = { 1, 1, 8, 10, 0, 0, 2, 43, 0, 0, 3, 9 };     // TSval 555, TSecr 777
        c.gateway.in(PacketBuilder.tcp(SERVER, PORT, OUTSIDE, c.masqPort).seq(c.serverSeq, c.clientSeq)
                .tcpOptions(stampsServer).build());
        c.gateway.out(PacketBuilder.tcp(A, 40000, SERVER, PORT).seq(c.clientSeq, c.serverSeq).tcpOptions(stampsClient)
                .payload("SAY x").build());
        masq.engine.packet.PacketBuffer reply = new masq.engine.packet.PacketBuffer(2048);
        assertEquals(Translator.REPLY, c.gateway.translator.pollReleased(reply, c.gateway.now));
        byte[] ack = java.util.Arrays.copyOfRange(reply.data, reply.offset, reply.offset + reply.length);
        assertEquals(52, ack.length);
        int ts = masq.engine.packet.TcpOptions.timestamps(ack, 20);
        assertEquals(777, Bytes.get32(ack, ts), "the server's last TSval");
        assertEquals(555, Bytes.get32(ack, ts + 4), "echoing the client's");
        assertEquals(c.clientSeq + 5, TcpHeader.acknowledgment(ack, 20));
        assertTrue(masq.engine.packet.Checksum.verify(ack, 20, 32, masq.engine.packet.Checksum.pseudoHeader(
                PacketBuilder.ip(SERVER), PacketBuilder.ip(A), 6, 32)), "TCP checksum");
    }

    @Test
    void theLayerValidatesItsFramings() {
        for (Runnable bad : List.<Runnable>of(() -> Framing.lines(1, "A"), () -> Framing.lines(64),
                () -> Framing.lines(64, ""), () -> Framing.lines(64, "é"), () -> Framing.lines(Framing.MAX_LENGTH + 1, "A"),
                () -> Framing.lines(4, "ABCD"), () -> Framing.lines(64, "A\nB"), () -> Framing.records(0, 3, true, 0, 64),
                () -> Framing.records(-1, 2, true, 0, 64), () -> Framing.records(4, 2, true, 0, 5),
                () -> Framing.lines(64, "A").prologue(0), () -> Framing.lines(64, "A").prologue(65))) {
            try {
                bad.run();
                throw new AssertionError("accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().length() > 10);
            }
        }
        assertEquals("lines(\"PORT \" max 64 prologue 8)", Framing.lines(64, "port ").prologue(8).toString());
        assertTrue(Arrays.asList(Framing.records(0, 2, true, 0, 256).toString().split(" ")).contains("BE"));
    }

    @Test
    void aHelperWithoutAFramingForADirectionLeavesItAlone() {
        Shouting h = new Shouting();
        h.inbound = null;
        Connection c = new Connection(h);
        assertEquals("ECHO x\n", c.in("ECHO x\n"));
        assertEquals("SAY y!\n", c.out("SAY y\n"));
    }
}
