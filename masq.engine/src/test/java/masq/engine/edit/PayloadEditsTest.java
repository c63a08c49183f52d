package masq.engine.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import masq.api.HelperContext;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.UdpHeader;

/** Payload rebuilding: contents, lengths and every checksum after random edits (seeded). */
class PayloadEditsTest {
    private static final long SEED = 20261123L;

    @Test
    void randomEditsGiveTheExpectedPayloadAndValidChecksums() {
        Random random = new Random(SEED);
        PayloadEdits edits = new PayloadEdits();
        for (int round = 0; round < 2000; round++) {
            boolean tcp = random.nextBoolean();
            String payload = randomText(random, 1 + random.nextInt(300));
            PacketBuilder builder = tcp ? PacketBuilder.tcp("203.0.113.1", 61000, "198.51.100.9", 21)
                    : PacketBuilder.udp("203.0.113.1", 61000, "198.51.100.9", 7000);
            byte[] datagram = builder.payload(payload).build();
            PacketBuffer p = new PacketBuffer(2048);
            System.arraycopy(datagram, 0, p.data, 14, datagram.length);
            p.offset = 14;
            p.length = datagram.length;
            int l4 = 14 + 20;
            int payloadOffset = l4 + (tcp ? 20 : 8);
            edits.begin(payload.length());
            String expected = applyRandom(random, edits, payload);
            edits.applyTo(p, l4, payloadOffset);
            String where = "seed " + SEED + " round " + round;
            assertEquals(expected, new String(p.data, payloadOffset, p.length - (payloadOffset - 14),
                    StandardCharsets.ISO_8859_1), where);
            assertValid(p, tcp, where);
        }
    }

    /** Adds up to five random edits at distinct positions; returns the payload they should give. */
    private static String applyRandom(Random random, PayloadEdits edits, String payload) {
        StringBuilder model = new StringBuilder(payload);
        int cursor = payload.length();
        int shift = 0;
        for (int i = 0; i < 5 && cursor > 0; i++) {
            int end = random.nextInt(cursor + 1);
            int start = end - random.nextInt(Math.min(end, 8) + 1);
            String text = randomText(random, random.nextInt(12));
            if (edits.add(start, end - start, text) == PayloadEdits.OK) {
                model.replace(start, end, text);
                shift += text.length() - (end - start);
            }
            cursor = start - 1;
        }
        assertEquals(shift, edits.growth());
        return model.toString();
    }

    private static void assertValid(PacketBuffer p, boolean tcp, String where) {
        byte[] b = p.data;
        assertEquals(p.length, Ipv4Header.totalLength(b, 14), where);
        assertTrue(Checksum.verify(b, 14, 20, 0), where + ": IP checksum");
        int l4Length = p.length - 20;
        int pseudo = Checksum.pseudoHeader(Ipv4Header.source(b, 14), Ipv4Header.destination(b, 14),
                Ipv4Header.protocol(b, 14), l4Length);
        if (!tcp) {
            assertEquals(l4Length, UdpHeader.length(b, 34), where + ": UDP length");
        }
        assertTrue(Checksum.verify(b, 34, l4Length, pseudo), where + ": transport checksum");
    }

    private static String randomText(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) (' ' + random.nextInt(95)));
        }
        return s.toString();
    }

    @Test
    void boundsOverlapsAndTheGrowthLimit() {
        PayloadEdits e = new PayloadEdits();
        e.begin(10);
        assertEquals(PayloadEdits.OUT_OF_RANGE, e.add(-1, 0, "x"));
        assertEquals(PayloadEdits.OUT_OF_RANGE, e.add(5, 6, "x"));
        assertEquals(PayloadEdits.OUT_OF_RANGE, e.add(0, 1, new byte[2], 1, 2));
        assertEquals(PayloadEdits.OUT_OF_RANGE, e.add(0, 1, null));
        assertEquals(PayloadEdits.OK, e.add(0, 5, "a"));
        assertEquals(PayloadEdits.OK, e.add(5, 3, "b"), "touching ranges do not overlap");
        assertEquals(PayloadEdits.OK, e.add(5, 0, "c"), "an insertion at a range's start goes before it");
        assertEquals(PayloadEdits.OVERLAP, e.add(5, 0, "d"), "two insertions at one place are ambiguous");
        assertEquals(PayloadEdits.OVERLAP, e.add(7, 2, "d"));
        assertEquals(PayloadEdits.OVERLAP, e.add(6, 0, "d"), "an insertion inside a replaced range");
        assertEquals(PayloadEdits.OK, e.add(10, 0, "x".repeat(HelperContext.MAX_GROWTH_PER_PACKET + 5)));
        assertEquals(PayloadEdits.TOO_MUCH, e.add(9, 0, "y"));
        assertEquals(HelperContext.MAX_GROWTH_PER_PACKET, e.growth());
    }
}
