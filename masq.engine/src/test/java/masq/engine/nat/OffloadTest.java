package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

/**
 * Datagrams from senders that offload checksums and segmentation: a partial checksum is completed
 * and leaves correct, a wrong one is still a drop, and a super-frame is cut after translation.
 */
class OffloadTest {
    private final TestGateway g = new TestGateway();

    private static byte[] tcpOut() {
        return PacketBuilder.tcp(A, 40000, SERVER, 80).seq(1000, 0).payload("GET / HTTP/1.0\r\n\r\n").build();
    }

    private static byte[] tcpIn() {
        return PacketBuilder.tcp(SERVER, 80, OUTSIDE, 61000).seq(5000, 1018).payload("HTTP/1.0 200 OK\r\n").build();
    }

    private static byte[] udpOut() {
        return PacketBuilder.udp(A, 1024, SERVER, 53).payload("query").build();
    }

    private static byte[] udpIn() {
        return PacketBuilder.udp(SERVER, 53, OUTSIDE, 61000).payload("answer!").build();
    }

    /** The same datagram, once with a full checksum and once partial, leaves byte for byte the same. */
    private void assertCompleted(int side, byte[] full) {
        TestGateway reference = new TestGateway();
        if (side == Translator.OUTSIDE) {
            reference.out(first(full));
            g.out(first(full));
        }
        byte[] expected = reference.run(side, full);
        assertEquals(side == Translator.INSIDE ? Translator.FORWARD_OUTSIDE : Translator.FORWARD_INSIDE, reference.verdict);
        long before = g.count(Counter.RX_CSUM_PARTIAL);
        byte[] got = g.run(side, PacketBuilder.partial(full));
        assertEquals(reference.verdict, g.verdict, "verdict");
        assertArrayEquals(expected, got, "completed and translated as if it had come complete");
        assertEquals(before + 1, g.count(Counter.RX_CSUM_PARTIAL));
        assertEquals(0, g.count(Counter.TCP_BAD_CHECKSUM) + g.count(Counter.UDP_BAD_CHECKSUM));
    }

    /** The outbound datagram that creates the mapping an inbound one needs. */
    private static byte[] first(byte[] inbound) {
        return Ipv4Header.protocol(inbound, 0) == Ipv4Header.PROTOCOL_TCP ? tcpOut() : udpOut();
    }

    @Test
    void partialTcpChecksumOutboundIsCompleted() {
        assertCompleted(Translator.INSIDE, tcpOut());
    }

    @Test
    void partialTcpChecksumInboundIsCompleted() {
        assertCompleted(Translator.OUTSIDE, tcpIn());
    }

    @Test
    void partialUdpChecksumOutboundIsCompleted() {
        assertCompleted(Translator.INSIDE, udpOut());
    }

    @Test
    void partialUdpChecksumInboundIsCompleted() {
        assertCompleted(Translator.OUTSIDE, udpIn());
    }

    @Test
    void aTcpChecksumOffByOneFromPartialIsDropped() {
        byte[] b = PacketBuilder.partial(tcpOut());
        Bytes.set16(b, 20 + TcpHeader.OFFSET_CHECKSUM, Bytes.get16(b, 36) + 1);
        g.expectDrop(Translator.INSIDE, b, Counter.TCP_BAD_CHECKSUM);
        assertEquals(0, g.count(Counter.RX_CSUM_PARTIAL));
    }

    @Test
    void aPartialChecksumOverOtherAddressesIsDropped() {
        // The pseudo-header sum of another destination: a checksum that is wrong, not unfinished.
        byte[] other = PacketBuilder.partial(PacketBuilder.tcp(A, 40000, "198.51.100.10", 80).seq(1000, 0)
                .payload("GET / HTTP/1.0\r\n\r\n").build());
        byte[] b = tcpOut();
        Bytes.set16(b, 36, Bytes.get16(other, 36));
        g.expectDrop(Translator.INSIDE, b, Counter.TCP_BAD_CHECKSUM);
    }

    @Test
    void aPartialTcpChecksumOnATruncatedSegmentIsDropped() {
        byte[] b = PacketBuilder.partial(tcpOut());
        b[32] = 0x10; // data offset 4 bytes: shorter than a header
        Ipv4Header.updateChecksum(b, 0);
        g.expectDrop(Translator.INSIDE, b, Counter.TCP_BAD_DATA_OFFSET);
    }

    @Test
    void aUdpChecksumOffByOneFromPartialIsDropped() {
        byte[] b = PacketBuilder.partial(udpOut());
        Bytes.set16(b, 26, Bytes.get16(b, 26) ^ 0x0100);
        g.expectDrop(Translator.INSIDE, b, Counter.UDP_BAD_CHECKSUM);
    }

    @Test
    void aPartialUdpChecksumWithALengthBeyondTheDatagramIsDropped() {
        byte[] b = PacketBuilder.partial(udpOut());
        Bytes.set16(b, 24, 200);
        g.expectDrop(Translator.INSIDE, b, Counter.UDP_BAD_LENGTH);
    }

    @Test
    void aCorruptPayloadUnderAFullChecksumIsDropped() {
        byte[] b = tcpOut();
        b[45] ^= 0x20;
        g.expectDrop(Translator.INSIDE, b, Counter.TCP_BAD_CHECKSUM);
        byte[] u = udpOut();
        u[30] ^= 0x01;
        g.expectDrop(Translator.INSIDE, u, Counter.UDP_BAD_CHECKSUM);
    }

    @Test
    void aTcpSuperFrameIsTranslatedThenCutWithCorrectChecksums() {
        byte[] data = new byte[20000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        byte[] frame = PacketBuilder.partial(PacketBuilder.tcp(A, 40000, SERVER, 80).seq(1000, 0)
                .flags(TcpHeader.ACK | TcpHeader.PSH).payload(data).build());
        PacketBuffer p = new PacketBuffer(65535 + 256);
        System.arraycopy(frame, 0, p.data, 0, frame.length);
        p.length = frame.length;
        assertEquals(Translator.FORWARD_OUTSIDE, g.translator.process(Translator.INSIDE, p, g.now));
        int n = g.translator.superFrame(p, 1500);
        assertEquals((20000 + 1459) / 1460, n);
        PacketBuffer segment = new PacketBuffer(2048);
        int sent = 0;
        for (int i = 0; i < n; i++) {
            g.translator.segment(p, 1500, i, segment);
            byte[] s = segment.data;
            int len = segment.length;
            assertTrue(len <= 1500);
            assertEquals(PacketBuilder.ip(OUTSIDE), Ipv4Header.source(s, 0), "translated before it was cut");
            assertEquals(63, Ipv4Header.ttl(s, 0));
            assertTrue(Checksum.verify(s, 20, len - 20,
                    Checksum.pseudoHeader(Ipv4Header.source(s, 0), Ipv4Header.destination(s, 0), 6, len - 20)));
            assertEquals(1000 + sent, TcpHeader.sequence(s, 20));
            for (int k = 40; k < len; k++) {
                assertEquals(data[sent + k - 40], s[k]);
            }
            sent += len - 40;
        }
        assertEquals(20000, sent);
        assertEquals(1, g.count(Counter.RX_GSO_SEGMENTED));
        assertEquals(n, g.count(Counter.TX_GSO_SEGMENTS));
    }

    @Test
    void aUdpSuperFrameIsDroppedForItsUnknownSegmentSize() {
        PacketBuffer p = buffer(PacketBuilder.udp(A, 1024, SERVER, 443).payload(new byte[8000]).build());
        assertEquals(Translator.FORWARD_OUTSIDE, g.translator.process(Translator.INSIDE, p, g.now));
        assertEquals(0, g.translator.superFrame(p, 1500));
        assertEquals(1, g.count(Counter.DROP_GSO_UDP));
    }

    @Test
    void aSynSuperFrameIsDroppedAsMalformed() {
        PacketBuffer p = buffer(PacketBuilder.tcp(A, 40001, SERVER, 80).flags(TcpHeader.SYN).payload(new byte[3000]).build());
        assertEquals(Translator.FORWARD_OUTSIDE, g.translator.process(Translator.INSIDE, p, g.now));
        assertEquals(0, g.translator.superFrame(p, 1500));
        assertEquals(1, g.count(Counter.DROP_GSO_MALFORMED));
    }

    @Test
    void aSuperFrameWhoseHeadersFillTheMtuIsDroppedAsMalformed() {
        PacketBuffer p = buffer(PacketBuilder.tcp(A, 40002, SERVER, 80).payload(new byte[3000]).build());
        assertEquals(Translator.FORWARD_OUTSIDE, g.translator.process(Translator.INSIDE, p, g.now));
        assertEquals(0, g.translator.superFrame(p, 40));
        assertEquals(1, g.count(Counter.DROP_GSO_MALFORMED));
    }

    @Test
    void anIcmpDatagramLongerThanTheMtuIsNoSuperFrame() {
        PacketBuffer p = buffer(PacketBuilder.echo(A, SERVER, 7, 1).payload(new byte[3000]).build());
        assertEquals(Translator.FORWARD_OUTSIDE, g.translator.process(Translator.INSIDE, p, g.now));
        assertEquals(-1, g.translator.superFrame(p, 1500));
        assertEquals(0, g.count(Counter.DROP_GSO_MALFORMED) + g.count(Counter.RX_GSO_SEGMENTED));
    }

    private static PacketBuffer buffer(byte[] datagram) {
        PacketBuffer p = new PacketBuffer(65535 + 256);
        System.arraycopy(datagram, 0, p.data, 0, datagram.length);
        p.length = datagram.length;
        return p;
    }
}
