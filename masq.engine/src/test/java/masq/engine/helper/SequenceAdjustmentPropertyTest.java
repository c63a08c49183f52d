package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.packet.PacketBuilder.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import masq.engine.nat.Translator;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.TcpHeader;

/**
 * Random streams through a resizing helper, with retransmissions of unacknowledged segments and
 * acknowledgments, late duplicates included, at random (seeded): every datagram's checksums verify, the bytes the server receives at each translated
 * sequence number never contradict each other, the reassembled stream is the edited stream, and each
 * acknowledgment reaches the client as the original end of what it acknowledges.
 */
class SequenceAdjustmentPropertyTest {
    private static final long SEED = 4242L;
    private static final int ISN = 1000;

    @Test
    void retransmissionsAndAcknowledgmentsStayConsistentWhateverTheEdits() {
        Random random = new Random(SEED);
        for (int run = 0; run < 50; run++) {
            oneStream(random, "seed " + SEED + " run " + run);
        }
    }

    private static void oneStream(Random random, String where) {
        HelperGateway g = new HelperGateway();
        g.install(TestHelpers.replacing("AB", "ABCD", "XYZW", "X"), "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).flags(TcpHeader.SYN).seq(ISN - 1, 0).build());
        List<String> segments = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<Integer> translatedEnds = new ArrayList<>();
        byte[] received = new byte[8192];
        boolean[] filled = new boolean[received.length];
        StringBuilder expected = new StringBuilder();
        int seq = ISN;
        int acked = -1;
        for (int i = 0; i < 60; i++) {
            String text = randomSegment(random);
            segments.add(text);
            starts.add(seq);
            expected.append(edited(text));
            translatedEnds.add(send(g, seq, text, received, filled, where + " segment " + i));
            seq += text.length();
            if (random.nextInt(3) == 0) {
                int j = acked + 1 + random.nextInt(segments.size() - acked - 1);
                send(g, starts.get(j), segments.get(j), received, filled, where + " retransmission of " + j);
            }
            if (random.nextInt(3) == 0) {
                int k = Math.max(0, segments.size() - 1 - random.nextInt(6));
                acked = Math.max(acked, k);
                byte[] ack = g.in(tcp(SERVER, 21, OUTSIDE, 61000).seq(9000, translatedEnds.get(k)).build());
                assertEquals(Translator.FORWARD_INSIDE, g.verdict, where);
                assertEquals(starts.get(k) + segments.get(k).length(), TcpHeader.acknowledgment(ack, 20),
                        where + ": ack of segment " + k);
            }
        }
        String got = new String(received, 0, expected.length(), StandardCharsets.ISO_8859_1);
        assertEquals(expected.toString(), got, where + ": reassembled stream");
        assertEquals(0, g.count(masq.engine.nat.Counter.EDIT_REFUSED_SEQUENCE), where);
    }

    /** Sends one client segment; checks the output and files its bytes; returns its translated end. */
    private static int send(HelperGateway g, int seq, String text, byte[] received, boolean[] filled, String where) {
        byte[] out = g.out(tcp(A, 40000, SERVER, 21).seq(seq, 9000).payload(text).build());
        assertEquals(Translator.FORWARD_OUTSIDE, g.verdict, where);
        assertTrue(Checksum.verify(out, 0, 20, 0), where + ": IP checksum");
        int tcpLength = out.length - 20;
        assertTrue(Checksum.verify(out, 20, tcpLength, Checksum.pseudoHeader(Bytes.get32(out, 12),
                Bytes.get32(out, 16), 6, tcpLength)), where + ": TCP checksum");
        int translated = TcpHeader.sequence(out, 20) - ISN;
        int payload = tcpLength - TcpHeader.dataOffset(out, 20);
        for (int i = 0; i < payload; i++) {
            byte b = out[out.length - payload + i];
            if (filled[translated + i]) {
                assertEquals(received[translated + i], b, where + ": byte " + (translated + i) + " contradicts");
            }
            received[translated + i] = b;
            filled[translated + i] = true;
        }
        return ISN + translated + payload;
    }

    private static String edited(String text) {
        return text.replace("AB", "ABCD").replace("XYZW", "X");
    }

    private static String randomSegment(Random random) {
        String[] tokens = {"AB", "XYZW", "x", "y ", "A", "B", "\r\n", "XYZ", "W"};
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            s.append(tokens[random.nextInt(tokens.length)]);
        }
        return s.toString();
    }
}
