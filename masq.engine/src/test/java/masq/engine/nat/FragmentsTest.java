package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.HELD;
import static masq.engine.nat.Translator.NOTHING;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FragmentsTest {
    private static final String DATA = "0123456789abcdef0123456789abcdef01234567";

    /** Splits a 20-byte-header datagram at payload byte {@code cut} (a multiple of 8) into two fragments. */
    static byte[][] split(byte[] datagram, int cut) {
        byte[] first = Arrays.copyOf(datagram, 20 + cut);
        Bytes.set16(first, 2, first.length);
        Bytes.set16(first, 6, Ipv4Header.FLAG_MORE_FRAGMENTS);
        Ipv4Header.updateChecksum(first, 0);
        byte[] second = new byte[datagram.length - cut];
        System.arraycopy(datagram, 0, second, 0, 20);
        System.arraycopy(datagram, 20 + cut, second, 20, datagram.length - 20 - cut);
        Bytes.set16(second, 2, second.length);
        Bytes.set16(second, 6, cut / 8);
        Ipv4Header.updateChecksum(second, 0);
        return new byte[][] {first, second};
    }

    private static byte[][] outbound() {
        return split(udp(A, 1024, SERVER, 5000).id(0x777).payload(DATA).build(), 24);
    }

    private static byte[][] outboundExpected() {
        return split(udp(OUTSIDE, 61000, SERVER, 5000).id(0x777).payload(DATA).ttl(63).build(), 24);
    }

    @Test
    @DisplayName("RFC 4787 REQ-14: in-order fragments are translated")
    void rfc4787_req14_inOrderFragments() {
        TestGateway g = new TestGateway();
        g.expect(0, outbound()[0], FORWARD_OUTSIDE, outboundExpected()[0]);
        g.expect(0, outbound()[1], FORWARD_OUTSIDE, outboundExpected()[1]);
        assertEquals(1, g.count(Counter.FRAGMENTS_TRANSLATED));
    }

    @Test
    @DisplayName("RFC 4787 REQ-14: out-of-order fragments (later before first) are held and released")
    void rfc4787_req14_outOfOrderFragments() {
        TestGateway g = new TestGateway();
        g.run(0, outbound()[1]);
        assertEquals(HELD, g.verdict);
        g.expect(0, outbound()[0], FORWARD_OUTSIDE, outboundExpected()[0]);
        PacketBuffer released = new PacketBuffer(2048);
        assertEquals(FORWARD_OUTSIDE, g.translator.pollReleased(released, g.now));
        assertArrayEquals(outboundExpected()[1], Arrays.copyOfRange(released.data, 0, released.length));
        assertEquals(NOTHING, g.translator.pollReleased(released, g.now));
    }

    @Test
    void inboundFragmentsInReverseOrder() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 5000).build());
        byte[][] reply = split(udp(SERVER, 5000, OUTSIDE, 61000).id(9).payload(DATA).build(), 16);
        byte[][] expected = split(udp(SERVER, 5000, A, 1024).id(9).payload(DATA).ttl(63).build(), 16);
        g.run(1, reply[1]);
        assertEquals(HELD, g.verdict);
        g.expect(1, reply[0], FORWARD_INSIDE, expected[0]);
        PacketBuffer released = new PacketBuffer(2048);
        assertEquals(FORWARD_INSIDE, g.translator.pollReleased(released, g.now));
        assertArrayEquals(expected[1], Arrays.copyOfRange(released.data, 0, released.length));
    }

    @Test
    void laterFragmentsOfADroppedFirstAreDropped() {
        TestGateway g = new TestGateway();
        byte[][] unsolicited = split(udp(SERVER, 5000, OUTSIDE, 61000).payload(DATA).build(), 16);
        g.expectDrop(1, unsolicited[0], Counter.DROP_NO_MAPPING);
        g.expectDrop(1, unsolicited[1], Counter.DROP_FRAGMENT_FIRST_DROPPED);
    }

    @Test
    void heldFragmentsAreBounded() {
        TestGateway g = new TestGateway(TestGateway.base().fragments(16, 2, 30).build());
        for (int id = 1; id <= 2; id++) {
            g.run(0, split(udp(A, 1024, SERVER, 5000).id(id).payload(DATA).build(), 24)[1]);
            assertEquals(HELD, g.verdict);
        }
        g.expectDrop(0, split(udp(A, 1024, SERVER, 5000).id(3).payload(DATA).build(), 24)[1],
                Counter.DROP_FRAGMENT_LIMIT);
    }

    @Test
    void heldFragmentsTimeOut() {
        TestGateway g = new TestGateway();
        g.run(0, outbound()[1]);
        g.advanceSeconds(EngineConfig.DEFAULT_FRAGMENT_TIMEOUT_SECONDS);
        assertEquals(1, g.count(Counter.DROP_FRAGMENT_TIMEOUT));
        g.run(0, outbound()[0]);
        assertEquals(NOTHING, g.translator.pollReleased(new PacketBuffer(2048), g.now));
    }

    @Test
    @DisplayName("RFC 4787 REQ-14a: a fragment flood does not impair unfragmented traffic")
    void rfc4787_req14a_fragmentFloodDoesNotImpairOtherTraffic() {
        TestGateway g = new TestGateway(TestGateway.base().fragments(4, 4, 30).build());
        for (int id = 1; id <= 100; id++) {
            g.run(0, split(udp(A, 1024, SERVER, 5000).id(id).payload(DATA).build(), 24)[1]);
        }
        g.expect(0, udp(A, 1026, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 53).ttl(63).build());
    }
}
