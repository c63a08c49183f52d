package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.HELD;
import static masq.engine.nat.Translator.INSIDE;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.FIN;
import static masq.engine.packet.TcpHeader.PSH;
import static masq.engine.packet.TcpHeader.RST;
import static masq.engine.packet.TcpHeader.SYN;
import static masq.engine.packet.TcpHeader.URG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;

/**
 * IP and TCP input no honest host sends: malformed and source-routing IP options, overlapping,
 * duplicate and header-splitting fragments, and TCP flag combinations no connection uses. Each is
 * dropped by a documented rule and counted; what is legitimate around it passes.
 */
class HostileIpTcpTest {
    private static final byte[] NOP4 = {1, 1, 1, 1};

    private static byte[] udpWithOptions(byte... options) {
        return udp(A, 1024, SERVER, 53).ipOptions(options).payload("query").build();
    }

    // ---- IP options

    @Test
    void nopsRecordRouteAndTimestampPass() {
        TestGateway g = new TestGateway();
        g.out(udpWithOptions(NOP4));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        // record route: type 7, length 7, pointer 4, one empty slot; then end of list
        g.out(udpWithOptions((byte) 7, (byte) 7, (byte) 4, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        // timestamp: type 68, length 8, pointer 5, flags 0, one slot
        g.out(udpWithOptions((byte) 68, (byte) 8, (byte) 5, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(0, g.count(Counter.IP_BAD_OPTIONS));
    }

    @Test
    void anOptionOfLengthZeroOrOneIsRefused() {
        TestGateway g = new TestGateway();
        g.expectDrop(INSIDE, udpWithOptions((byte) 7, (byte) 0, (byte) 1, (byte) 1), Counter.IP_BAD_OPTIONS);
        g.expectDrop(INSIDE, udpWithOptions((byte) 7, (byte) 1, (byte) 1, (byte) 1), Counter.IP_BAD_OPTIONS);
    }

    @Test
    void anOptionRunningPastTheHeaderIsRefused() {
        TestGateway g = new TestGateway();
        g.expectDrop(INSIDE, udpWithOptions((byte) 1, (byte) 68, (byte) 40, (byte) 5), Counter.IP_BAD_OPTIONS);
    }

    @Test
    void anOptionWhoseLengthByteIsMissingIsRefused() {
        TestGateway g = new TestGateway();
        g.expectDrop(INSIDE, udpWithOptions((byte) 1, (byte) 1, (byte) 1, (byte) 7), Counter.IP_BAD_OPTIONS);
    }

    @Test
    void bytesAfterTheEndOfListAreNotOptions() {
        TestGateway g = new TestGateway();
        g.out(udpWithOptions((byte) 0, (byte) 7, (byte) 0, (byte) 0));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
    }

    @ParameterizedTest
    @ValueSource(ints = {131, 137})
    @DisplayName("RFC 7126 §4.3, §4.4: loose and strict source routes are dropped, both ways")
    void sourceRoutedDatagramsAreDropped(int type) {
        TestGateway g = new TestGateway();
        byte[] route = {1, (byte) type, 7, 4, 10, 0, 0, 1};
        g.expectDrop(INSIDE, udpWithOptions(route), Counter.DROP_SOURCE_ROUTE);
        g.out(udp(A, 1024, SERVER, 53).build());
        g.expectDrop(Translator.OUTSIDE, udp(SERVER, 53, OUTSIDE, 61000).ipOptions(route).build(),
                Counter.DROP_SOURCE_ROUTE);
    }

    @Test
    void sourceRoutesPassWhenConfiguredTo() {
        TestGateway g = new TestGateway(TestGateway.base().passSourceRoute(true).build());
        g.out(udpWithOptions((byte) 1, (byte) 131, (byte) 7, (byte) 4, (byte) 10, (byte) 0, (byte) 0, (byte) 1));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(0, g.count(Counter.DROP_SOURCE_ROUTE));
    }

    // ---- TCP flags

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {SYN | FIN, SYN | RST, 0, FIN, FIN | PSH | URG, FIN | RST | ACK, SYN | FIN | PSH | URG,
        FIN | SYN | RST | PSH | ACK | URG, PSH, URG})
    @DisplayName("SYN+FIN, SYN+RST, null, FIN without ACK, Xmas and other combinations are dropped")
    void flagCombinationsNoConnectionUsesAreDropped(int flags) {
        TestGateway g = new TestGateway();
        g.expectDrop(INSIDE, tcp(A, 40000, SERVER, 80).flags(flags).seq(1, 0).build(), Counter.TCP_BAD_FLAGS);
        assertEquals(0, g.count(Counter.MAPPINGS_CREATED), "no mapping for it");
    }

    @Test
    void theFlagsAConnectionUsesPass() {
        TestGateway g = new TestGateway();
        int port = 40000;
        for (int flags : new int[] {SYN, SYN | ACK, ACK, ACK | PSH, ACK | URG, FIN | ACK, FIN | ACK | PSH, RST,
            RST | ACK, SYN | 0x40 | 0x80}) {
            // a connection each: these are not the segments of one connection (its window is TcpWindowTest's)
            g.out(tcp(A, port++, SERVER, 80).flags(flags).seq(1, 1).build());
            assertEquals(FORWARD_OUTSIDE, g.verdict, "flags " + flags);
        }
        assertEquals(0, g.count(Counter.TCP_BAD_FLAGS));
    }

    @Test
    void aBadlyFlaggedSegmentFromOutsideLeavesTheMappingAsItWas() {
        TestGateway g = new TestGateway();
        g.out(tcp(A, 40000, SERVER, 80).flags(SYN).seq(1, 0).build());
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(SYN | ACK).seq(100, 2).build());
        g.expectDrop(Translator.OUTSIDE, tcp(SERVER, 80, OUTSIDE, 61000).flags(SYN | RST).seq(101, 2).build(),
                Counter.TCP_BAD_FLAGS);
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(ACK).seq(101, 2).payload("still here").build());
        assertEquals(FORWARD_INSIDE, g.verdict);
    }

    // ---- fragments

    private static final String DATA = "0123456789abcdef0123456789abcdef01234567";

    /** A fragment of the datagram {@code whole} (20-byte header): payload bytes [from, to), MF as given. */
    private static byte[] fragment(byte[] whole, int from, int to, boolean more) {
        byte[] f = new byte[20 + to - from];
        System.arraycopy(whole, 0, f, 0, 20);
        System.arraycopy(whole, 20 + from, f, 20, to - from);
        Bytes.set16(f, 2, f.length);
        Bytes.set16(f, 6, (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | from / 8);
        Ipv4Header.updateChecksum(f, 0);
        return f;
    }

    private static byte[] datagram() {
        return udp(A, 1024, SERVER, 5000).id(0x4242).payload(DATA).build();
    }

    @Test
    void aDuplicateFragmentPoisonsItsDatagram() {
        TestGateway g = new TestGateway();
        byte[] d = datagram();
        g.out(fragment(d, 0, 24, true));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        g.expectDrop(INSIDE, fragment(d, 0, 24, true), Counter.DROP_FRAGMENT_OVERLAP);
        g.expectDrop(INSIDE, fragment(d, 24, d.length - 20, false), Counter.DROP_FRAGMENT_OVERLAP);
    }

    @Test
    void anOverlappingFragmentIsDroppedWithTheRestOfItsDatagram() {
        TestGateway g = new TestGateway();
        byte[] d = datagram();
        g.out(fragment(d, 0, 24, true));
        g.expectDrop(INSIDE, fragment(d, 16, 32, true), Counter.DROP_FRAGMENT_OVERLAP);
        g.expectDrop(INSIDE, fragment(d, 32, d.length - 20, false), Counter.DROP_FRAGMENT_OVERLAP);
    }

    @Test
    void heldFragmentsOfAPoisonedDatagramAreNeverReleased() {
        TestGateway g = new TestGateway();
        byte[] d = datagram();
        g.out(fragment(d, 24, d.length - 20, false));
        assertEquals(HELD, g.verdict);
        g.expectDrop(INSIDE, fragment(d, 16, 32, true), Counter.DROP_FRAGMENT_OVERLAP);
        g.expectDrop(INSIDE, fragment(d, 0, 16, true), Counter.DROP_FRAGMENT_OVERLAP);
        assertEquals(Translator.NOTHING, g.translator.pollReleased(new masq.engine.packet.PacketBuffer(2048), g.now));
    }

    @Test
    void fragmentsInAnyOrderWithoutOverlapPass() {
        TestGateway g = new TestGateway();
        byte[] d = udp(A, 1024, SERVER, 5000).id(0x99).payload(DATA + DATA).build();
        int end = d.length - 20;
        g.out(fragment(d, 0, 16, true));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        g.out(fragment(d, 48, 64, true));
        g.out(fragment(d, 16, 32, true));
        g.out(fragment(d, 64, end, false));
        g.out(fragment(d, 32, 48, true));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(0, g.count(Counter.DROP_FRAGMENT_OVERLAP));
        assertEquals(4, g.count(Counter.FRAGMENTS_TRANSLATED));
    }

    @Test
    void tooManyDisjointPiecesAreRefusedAsALimit() {
        TestGateway g = new TestGateway();
        byte[] d = udp(A, 1024, SERVER, 5000).id(0x55).payload(new byte[8 * 80]).build();
        g.out(fragment(d, 0, 8, true));
        // 8-byte pieces with gaps between them: one more disjoint range each
        for (int i = 1; i < 16; i++) {
            g.out(fragment(d, 16 * i, 16 * i + 8, true));
            assertEquals(FORWARD_OUTSIDE, g.verdict, "piece " + i);
        }
        g.expectDrop(INSIDE, fragment(d, 16 * 16, 16 * 16 + 8, true), Counter.DROP_FRAGMENT_LIMIT);
        g.out(fragment(d, 8, 16, true));
        assertEquals(FORWARD_OUTSIDE, g.verdict, "filling a gap joins two ranges: room again");
        assertEquals(0, g.count(Counter.DROP_FRAGMENT_OVERLAP));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16})
    @DisplayName("RFC 1858 §3.2, RFC 3128: a TCP fragment inside the transport header is dropped")
    void aTcpFragmentInsideTheHeaderIsDropped(int offset) {
        TestGateway g = new TestGateway();
        byte[] d = tcp(A, 40000, SERVER, 80).flags(ACK).seq(1, 1).id(0x77).payload(DATA).build();
        g.expectDrop(INSIDE, fragment(d, offset, d.length - 20, false), Counter.DROP_FRAGMENT_OVERLAP);
    }

    @Test
    @DisplayName("RFC 1858 §3.1: a first fragment too short for the TCP header is dropped")
    void aTinyFirstTcpFragmentIsDropped() {
        TestGateway g = new TestGateway();
        byte[] d = tcp(A, 40000, SERVER, 80).flags(ACK).seq(1, 1).id(0x78).payload(DATA).build();
        g.expectDrop(INSIDE, fragment(d, 0, 16, true), Counter.TCP_TRUNCATED);
        assertEquals(0, g.count(Counter.MAPPINGS_CREATED));
    }

    @Test
    void aTcpFragmentPastTheHeaderPasses() {
        TestGateway g = new TestGateway();
        byte[] d = tcp(A, 40000, SERVER, 80).flags(ACK).seq(1, 1).id(0x79).payload(DATA).build();
        g.out(fragment(d, 0, 24, true));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        g.out(fragment(d, 24, d.length - 20, false));
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(Arrays.asList(0L, 1L), Arrays.asList(g.count(Counter.DROP_FRAGMENT_OVERLAP),
                g.count(Counter.FRAGMENTS_TRANSLATED)));
    }
}
