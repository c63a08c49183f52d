package masq.engine.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeadersTest {
    private static final byte[] OPTIONS = {2, 4, 0x05, (byte) 0xb4, 1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0,
        0, 4, 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};

    @Test
    void ipv4Fields() {
        byte[] b = PacketBuilder.udp("192.168.0.2", 1025, "198.51.100.9", 53).id(0xbeef).ttl(17)
                .fragmentWord(Ipv4Header.FLAG_DONT_FRAGMENT).ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0).build();
        assertEquals(4, Ipv4Header.version(b, 0));
        assertEquals(24, Ipv4Header.headerLength(b, 0));
        assertEquals(b.length, Ipv4Header.totalLength(b, 0));
        assertEquals(0xbeef, Ipv4Header.identification(b, 0));
        assertTrue(Ipv4Header.dontFragment(b, 0));
        assertFalse(Ipv4Header.isFragment(b, 0));
        assertEquals(17, Ipv4Header.ttl(b, 0));
        assertEquals(17, Ipv4Header.protocol(b, 0));
        assertEquals(0xc0a80002, Ipv4Header.source(b, 0));
        assertEquals(0xc6336409, Ipv4Header.destination(b, 0));
        assertEquals(Malformed.OK, Ipv4Header.validate(b, 0, b.length));
        Ipv4Header.decrementTtl(b, 0);
        Ipv4Header.rewriteSource(b, 0, 0xcb007101);
        Ipv4Header.rewriteDestination(b, 0, 0x01020304);
        assertEquals(16, Ipv4Header.ttl(b, 0));
        assertEquals(Malformed.OK, Ipv4Header.validate(b, 0, b.length));
    }

    @Test
    void fragmentFields() {
        byte[] b = PacketBuilder.udp("1.1.1.1", 1, "2.2.2.2", 2).fragmentWord(Ipv4Header.FLAG_MORE_FRAGMENTS | 3).build();
        assertTrue(Ipv4Header.isFragment(b, 0));
        assertTrue(Ipv4Header.moreFragments(b, 0));
        assertEquals(24, Ipv4Header.fragmentOffset(b, 0));
    }

    @Test
    void tcpFieldsAndOptions() {
        byte[] b = PacketBuilder.tcp("1.1.1.1", 1000, "2.2.2.2", 80).flags(TcpHeader.SYN | TcpHeader.ACK)
                .seq(0x11223344, 0x55667788).tcpOptions(OPTIONS).payload("x").build();
        int tcp = 20;
        assertEquals(1000, TcpHeader.sourcePort(b, tcp));
        assertEquals(80, TcpHeader.destinationPort(b, tcp));
        assertEquals(0x11223344, TcpHeader.sequence(b, tcp));
        assertEquals(0x55667788, TcpHeader.acknowledgment(b, tcp));
        assertEquals(20 + OPTIONS.length, TcpHeader.dataOffset(b, tcp));
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, TcpHeader.flags(b, tcp));
        assertEquals(65535, TcpHeader.window(b, tcp));
        assertEquals(1460, TcpOptions.mss(b, tcp));
        assertEquals(2, TcpOptions.sackBlocks(b, tcp));
        assertEquals(3, Bytes.get32(b, TcpOptions.sackBlock(b, tcp, 1)));
        assertEquals(-1, TcpOptions.sackBlock(b, tcp, 2));
        assertEquals(7, Bytes.get32(b, TcpOptions.timestamps(b, tcp)));
        assertEquals(9, Bytes.get32(b, TcpOptions.timestamps(b, tcp) + 4));
        int pseudo = Checksum.pseudoHeader(Ipv4Header.source(b, 0), Ipv4Header.destination(b, 0), 6, b.length - 20);
        assertEquals(Malformed.OK, TcpHeader.validate(b, tcp, b.length - 20, pseudo, true));
    }

    @Test
    void optionsAbsentOrAfterEnd() {
        byte[] plain = PacketBuilder.tcp("1.1.1.1", 1, "2.2.2.2", 2).build();
        assertEquals(-1, TcpOptions.mss(plain, 20));
        assertEquals(0, TcpOptions.sackBlocks(plain, 20));
        assertEquals(-1, TcpOptions.timestamps(plain, 20));
        byte[] ended = PacketBuilder.tcp("1.1.1.1", 1, "2.2.2.2", 2).tcpOptions((byte) 0, (byte) 2, (byte) 4, (byte) 1)
                .build();
        assertEquals(-1, TcpOptions.mss(ended, 20));
    }

    @Test
    void optionListValidation() {
        assertTrue(TcpOptions.wellFormed(new byte[] {1, 1, 1, 1}, 0, 4));
        assertTrue(TcpOptions.wellFormed(new byte[] {0, 99, 99, 99}, 0, 4));
        assertTrue(TcpOptions.wellFormed(new byte[] {30, 4, 0, 0}, 0, 4));
        assertFalse(TcpOptions.wellFormed(new byte[] {30, 1, 0, 0}, 0, 4));
        assertFalse(TcpOptions.wellFormed(new byte[] {1, 1, 1, 2}, 0, 4));
        assertTrue(TcpOptions.wellFormed(new byte[] {5, 10, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 10));
        assertFalse(TcpOptions.wellFormed(new byte[] {5, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 12));
    }

    @Test
    void udpAndIcmpFields() {
        byte[] u = PacketBuilder.udp("1.1.1.1", 7, "2.2.2.2", 9).payload("abc").build();
        assertEquals(7, UdpHeader.sourcePort(u, 20));
        assertEquals(9, UdpHeader.destinationPort(u, 20));
        assertEquals(11, UdpHeader.length(u, 20));
        byte[] e = PacketBuilder.echo("1.1.1.1", "2.2.2.2", 0x200, 1).build();
        assertEquals(IcmpHeader.ECHO_REQUEST, IcmpHeader.type(e, 20));
        assertEquals(0, IcmpHeader.code(e, 20));
        assertEquals(0x200, IcmpHeader.identifier(e, 20));
        assertTrue(IcmpHeader.isQueryRequest(13) && IcmpHeader.isQueryReply(16) && IcmpHeader.isError(12));
        assertFalse(IcmpHeader.isError(5));
    }

    @Test
    void packetBufferSetChecksCapacity() {
        PacketBuffer p = new PacketBuffer(4);
        assertFalse(p.set(new byte[5], 0, 5));
        assertTrue(p.set(new byte[] {1, 2, 3}, 0, 3));
        assertEquals(3, p.length);
        assertEquals(4, p.capacity());
    }
}
