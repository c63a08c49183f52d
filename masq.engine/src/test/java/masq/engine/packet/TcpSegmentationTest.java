package masq.engine.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Super-frames cut to an MTU as a forwarding kernel cuts them: sizes, sequence, ids, flags, checksums. */
class TcpSegmentationTest {
    private static final int CWR = 0x80;
    private static final int URG = 0x20;
    /** NOP NOP timestamps: 12 bytes, so that a 1500-byte MTU leaves 1448 bytes, Linux's usual MSS. */
    private static final byte[] TIMESTAMPS = PacketBuilder.hex("01 01 08 0a 00 00 00 01 00 00 00 02");

    private static byte[] superFrame(int payload, int flags) {
        byte[] data = new byte[payload];
        new Random(payload).nextBytes(data);
        return PacketBuilder.tcp("203.0.113.1", 61000, "198.51.100.9", 80).id(0xfffe).flags(flags)
                .fragmentWord(Ipv4Header.FLAG_DONT_FRAGMENT).seq(0xfffff000, 77).tcpOptions(TIMESTAMPS)
                .payload(data).build();
    }

    private static byte[][] cut(byte[] b, int mtu) {
        int n = TcpSegmentation.count(b, 0, b.length, mtu);
        byte[][] out = new byte[n][];
        byte[] buf = new byte[mtu + 8];
        for (int i = 0; i < n; i++) {
            int len = TcpSegmentation.write(b, 0, b.length, mtu, i, buf, 4);
            out[i] = Arrays.copyOfRange(buf, 4, 4 + len);
        }
        return out;
    }

    private static void assertValid(byte[] s) {
        assertTrue(Checksum.verify(s, 0, Ipv4Header.headerLength(s, 0), 0), "IP checksum");
        assertEquals(s.length, Ipv4Header.totalLength(s, 0));
        int l4 = Ipv4Header.headerLength(s, 0);
        assertTrue(Checksum.verify(s, l4, s.length - l4, Checksum.pseudoHeader(Ipv4Header.source(s, 0),
                Ipv4Header.destination(s, 0), 6, s.length - l4)), "TCP checksum");
    }

    @Test
    void cutsA64KiBSuperFrameIntoMssSizedSegments() {
        int payload = 65535 - 52;
        byte[] b = superFrame(payload, TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | CWR);
        byte[][] segments = cut(b, 1500);
        assertEquals((payload + 1447) / 1448, segments.length);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < segments.length; i++) {
            byte[] s = segments[i];
            boolean last = i == segments.length - 1;
            assertValid(s);
            assertEquals(last ? 52 + payload - 1448 * i : 1500, s.length, "segment " + i + " length");
            assertEquals((0xfffe + i) & 0xffff, Ipv4Header.identification(s, 0), "IP id wraps");
            assertTrue(Ipv4Header.dontFragment(s, 0));
            assertEquals(0xfffff000 + 1448 * i, TcpHeader.sequence(s, 20), "sequence wraps");
            assertEquals(77, TcpHeader.acknowledgment(s, 20));
            assertArrayEquals(TIMESTAMPS, Arrays.copyOfRange(s, 40, 52), "options on every segment");
            int flags = TcpHeader.flags(s, 20);
            assertEquals(TcpHeader.ACK, flags & TcpHeader.ACK);
            assertEquals(last ? TcpHeader.PSH | TcpHeader.FIN : 0, flags & (TcpHeader.PSH | TcpHeader.FIN), "FIN/PSH " + i);
            assertEquals(i == 0 ? CWR : 0, flags & CWR, "CWR " + i);
            data.write(s, 52, s.length - 52);
        }
        assertArrayEquals(Arrays.copyOfRange(b, 52, b.length), data.toByteArray(), "payload in order, whole");
    }

    @Test
    void cutsToASmallerDepartureMtuAndKeepsIpOptions() {
        byte[] b = PacketBuilder.tcp("203.0.113.1", 61000, "198.51.100.9", 80).ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0)
                .payload(new byte[3000]).build();
        byte[][] segments = cut(b, 576);
        assertEquals((3000 + 575 - 44) / (576 - 44), segments.length);
        for (byte[] s : segments) {
            assertValid(s);
            assertEquals(24, Ipv4Header.headerLength(s, 0));
            assertTrue(s.length <= 576);
        }
    }

    @Test
    void urgentPointerStaysWhereTheUrgentDataIs() {
        byte[] b = superFrame(4000, TcpHeader.ACK | URG);
        Bytes.set16(b, 20 + 18, 2000);
        Ipv4Header.updateChecksum(b, 0);
        byte[][] segments = cut(b, 1500);
        assertEquals(3, segments.length);
        assertEquals(URG, TcpHeader.flags(segments[0], 20) & URG);
        assertEquals(2000, Bytes.get16(segments[0], 38));
        assertEquals(URG, TcpHeader.flags(segments[1], 20) & URG);
        assertEquals(2000 - 1448, Bytes.get16(segments[1], 38));
        assertEquals(0, TcpHeader.flags(segments[2], 20) & URG);
        assertEquals(0, Bytes.get16(segments[2], 38));
        for (byte[] s : segments) {
            assertValid(s);
        }
    }

    @Test
    void aSegmentThatFitsIsOneSegment() {
        byte[] b = superFrame(1448, TcpHeader.ACK);
        assertEquals(1, TcpSegmentation.count(b, 0, b.length, 1500));
        assertEquals(2, TcpSegmentation.count(b, 0, b.length, 1499));
    }

    @Test
    void synAndRstAreNeverCut() {
        assertEquals(TcpSegmentation.BAD_FLAGS, count(superFrame(3000, TcpHeader.SYN), 1500));
        assertEquals(TcpSegmentation.BAD_FLAGS, count(superFrame(3000, TcpHeader.SYN | TcpHeader.ACK), 1500));
        assertEquals(TcpSegmentation.BAD_FLAGS, count(superFrame(3000, TcpHeader.RST | TcpHeader.ACK), 1500));
    }

    @Test
    void fragmentsAreNeverCut() {
        byte[] more = PacketBuilder.tcp("203.0.113.1", 1, "198.51.100.9", 2).fragmentWord(Ipv4Header.FLAG_MORE_FRAGMENTS)
                .payload(new byte[3000]).build();
        byte[] later = PacketBuilder.tcp("203.0.113.1", 1, "198.51.100.9", 2).fragmentWord(100).payload(new byte[3000]).build();
        assertEquals(TcpSegmentation.BAD_FLAGS, count(more, 1500));
        assertEquals(TcpSegmentation.BAD_FLAGS, count(later, 1500));
    }

    @Test
    void headersThatFillTheMtuLeaveNoRoom() {
        byte[] b = superFrame(3000, TcpHeader.ACK);
        assertEquals(TcpSegmentation.NO_ROOM, count(b, 52));
        assertEquals(TcpSegmentation.NO_ROOM, count(b, 30));
        assertEquals(3000, count(b, 53), "one byte per segment still cuts");
    }

    private static int count(byte[] b, int mtu) {
        return TcpSegmentation.count(b, 0, b.length, mtu);
    }
}
