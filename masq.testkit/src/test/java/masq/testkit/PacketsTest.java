package masq.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The builders write what they are told with valid checksums; the readers read it back. */
class PacketsTest {
    @Test
    void tcpSegmentReadsBack() {
        byte[] p = Packets.tcp("192.168.0.2", 1025, "203.0.113.2", 21).seq(1000).ack(1)
                .flags(Packets.ACK | Packets.PSH).ttl(63).id(7).payload("PORT 192,168,0,2,4,1\r\n").build();
        assertEquals("tcp 192.168.0.2:1025 > 203.0.113.2:21", Packets.tuple(p).toString());
        assertEquals(1000, Packets.seq(p));
        assertEquals(1, Packets.ack(p));
        assertEquals(Packets.ACK | Packets.PSH, Packets.tcpFlags(p));
        assertEquals(63, Packets.ttl(p));
        assertEquals(7, Packets.id(p));
        assertEquals("PORT 192,168,0,2,4,1\r\n", Packets.payloadText(p));
        assertEquals(20 + 20 + 22, p.length);
        assertTrue(Packets.checksumsValid(p));
    }

    @Test
    void tcpWithMssOptionKeepsPayloadAfterOptions() {
        byte[] p = Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).flags(Packets.SYN).mss(1460).payload("x").build();
        assertEquals(8, p.length - 40 - 1, "MSS option padded to 8 bytes");
        assertEquals("x", Packets.payloadText(p));
        assertTrue(Packets.checksumsValid(p));
    }

    @Test
    void ipHeaderChecksumMatchesAKnownVector() {
        // Wikipedia's IPv4 header checksum example: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
        byte[] p = Packets.udp("192.168.0.1", 1, "192.168.0.199", 2).ttl(0x40).dontFragment(true)
                .payload(new byte[0x73 - 28]).build();
        assertEquals(0xb861, (p[10] & 0xff) << 8 | (p[11] & 0xff));
    }

    @Test
    void udpChecksumZeroMeansNone() {
        byte[] p = Packets.udp("192.168.0.2", 5353, "198.51.100.53", 53).checksum(false).payload("q").build();
        assertTrue(Checksums.udpWithoutChecksum(p, 0));
        assertTrue(Packets.checksumsValid(p));
        assertEquals("udp 192.168.0.2:5353 > 198.51.100.53:53", Packets.tuple(p).toString());
    }

    @Test
    void icmpEchoAndReply() {
        byte[] request = Packets.icmpEcho("192.168.0.2", "198.51.100.1", 0x0500, 3).payload("abcd").build();
        byte[] reply = Packets.icmpEcho("198.51.100.1", "192.168.0.2", 0x0500, 3).reply().payload("abcd").build();
        assertEquals(Packets.ICMP_ECHO_REQUEST, Packets.icmpType(request));
        assertEquals(Packets.ICMP_ECHO_REPLY, Packets.icmpType(reply));
        assertEquals(0x0500, Packets.sourcePort(request));
        assertEquals(0x0500, Packets.destinationPort(reply));
        assertTrue(Packets.checksumsValid(request) && Packets.checksumsValid(reply));
    }

    @Test
    void icmpErrorQuotesHeaderAndEightBytes() {
        byte[] probe = Packets.udp("192.168.0.2", 33000, "198.51.100.9", 33434).ttl(1).payload(new byte[32]).build();
        byte[] error = Packets.icmpError("198.51.100.254", "192.168.0.2", Packets.ICMP_UNREACHABLE, 4, probe)
                .nextHopMtu(1400).build();
        assertArrayEquals(java.util.Arrays.copyOf(probe, 28), Packets.quoted(error));
        assertEquals(-1, Packets.sourcePort(error), "errors have no identifier");
        assertEquals(4, Packets.icmpCode(error));
        assertTrue(Packets.checksumsValid(error));
    }

    @Test
    void fragmentsCoverTheDatagramInOrder() {
        byte[] ping = Packets.icmpEcho("10.10.0.3", "192.168.0.128", 1, 1).id(0x7474).payload(new byte[3500]).build();
        List<byte[]> parts = Packets.fragment(ping, 1480);
        assertEquals(3, parts.size());
        int offset = 0;
        for (byte[] f : parts) {
            assertEquals(offset, Packets.fragmentOffset(f));
            assertTrue(Packets.isFragment(f));
            assertTrue(Checksums.ipHeaderValid(f, 0));
            assertEquals(0x7474, Packets.id(f));
            offset += f.length - 20;
        }
        assertEquals(ping.length - 20, offset);
        assertEquals(-1, Packets.sourcePort(parts.get(1)), "non-first fragments have no ports");
    }

    /** A single flipped bit anywhere changes a one's-complement sum: IP header or TCP checksum catches it. */
    @Test
    void checksumsValidRejectsRandomSingleBitFlips() {
        byte[] p = Packets.tcp("192.168.0.2", 1025, "203.0.113.2", 21).payload("hello").build();
        long seed = 4;
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            byte[] q = p.clone();
            int bit = random.nextInt(q.length * 8);
            q[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Packets.checksumsValid(q), "seed " + seed + " round " + i + " bit " + bit);
        }
    }

    @Test
    void badArgumentsNameThemselves() {
        assertEquals("source port: 65536 is not 0-65535",
                assertThrows(IllegalArgumentException.class, () -> Packets.tcp("10.0.0.1", 65536, "10.0.0.2", 1))
                        .getMessage());
        assertEquals("ttl: 256 is not 0-255",
                assertThrows(IllegalArgumentException.class, () -> Packets.udp("10.0.0.1", 1, "10.0.0.2", 1).ttl(256))
                        .getMessage());
        assertEquals("seq: -1 is not 0-4294967295",
                assertThrows(IllegalArgumentException.class, () -> Packets.tcp("10.0.0.1", 1, "10.0.0.2", 1).seq(-1))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Packets.tcp("10.0.0.300", 1, "10.0.0.2", 1));
        assertThrows(IllegalArgumentException.class, () -> Packets.icmpEcho("10.0.0.1", "10.0.0.2", 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> Packets.tcp("10.0.0.1", 1, "10.0.0.2", 1).options(new byte[41]));
        assertThrows(IllegalArgumentException.class, () -> Packets.udp("10.0.0.1", 1, "10.0.0.2", 1)
                .payload(new byte[65535 - 27]).build());
        assertThrows(IllegalArgumentException.class, () -> Packets.fragment(Packets.udp("10.0.0.1", 1, "10.0.0.2", 1)
                .build(), 7));
    }
}
