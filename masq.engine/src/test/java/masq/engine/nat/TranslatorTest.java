package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.INSIDE;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.TestGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.echoReply;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Happy-path packet vectors through a fresh gateway: one flow out and its reply back. */
class TranslatorTest {
    private static final byte[] TCP_OPTIONS = {2, 4, 0x05, (byte) 0xb4, 1, 1, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 1, 1};

    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of("udp dns query and answer",
                        udp(A, 1024, SERVER, 53).payload("query").ttl(64).build(),
                        udp(OUTSIDE, 61000, SERVER, 53).payload("query").ttl(63).build(),
                        udp(SERVER, 53, OUTSIDE, 61000).payload("answer!").ttl(50).build(),
                        udp(SERVER, 53, A, 1024).payload("answer!").ttl(49).build()),
                Arguments.of("udp without checksum keeps zero",
                        udp(A, 5000, SERVER, 69).payload("x").noUdpChecksum().build(),
                        udp(OUTSIDE, 61000, SERVER, 69).payload("x").noUdpChecksum().ttl(63).build(),
                        udp(SERVER, 69, OUTSIDE, 61000).payload("y").noUdpChecksum().build(),
                        udp(SERVER, 69, A, 5000).payload("y").noUdpChecksum().ttl(63).build()),
                Arguments.of("tcp syn with mss, sack-permitted, timestamps, window scale",
                        tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).tcpOptions(TCP_OPTIONS).build(),
                        tcp(OUTSIDE, 61000, SERVER, 80).flags(TcpHeader.SYN).tcpOptions(TCP_OPTIONS).ttl(63).build(),
                        tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build(),
                        tcp(SERVER, 80, A, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build()),
                Arguments.of("tcp data segment with payload",
                        tcp(A, 40002, SERVER, 80).payload("GET / HTTP/1.0\r\n\r\n").build(),
                        tcp(OUTSIDE, 61000, SERVER, 80).payload("GET / HTTP/1.0\r\n\r\n").ttl(63).build(),
                        tcp(SERVER, 80, OUTSIDE, 61000).payload("HTTP/1.0 200 OK\r\n").build(),
                        tcp(SERVER, 80, A, 40002).payload("HTTP/1.0 200 OK\r\n").ttl(63).build()),
                Arguments.of("ip options survive",
                        udp(A, 1024, SERVER, 53).ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0).build(),
                        udp(OUTSIDE, 61000, SERVER, 53).ipOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0).ttl(63).build(),
                        udp(SERVER, 53, OUTSIDE, 61000).build(),
                        udp(SERVER, 53, A, 1024).ttl(63).build()),
                Arguments.of("rfc5508_req1 icmp echo id masqueraded",
                        echo(A, SERVER, 0x0200, 1).payload("abcd").build(),
                        echo(OUTSIDE, SERVER, 61000, 1).payload("abcd").ttl(63).build(),
                        echoReply(SERVER, OUTSIDE, 61000, 1).payload("abcd").build(),
                        echoReply(SERVER, A, 0x0200, 1).payload("abcd").ttl(63).build()),
                Arguments.of("icmp timestamp query",
                        masq.engine.packet.PacketBuilder.icmp(A, SERVER, 13, 0, 0x00070001).payload(new byte[12]).build(),
                        masq.engine.packet.PacketBuilder.icmp(OUTSIDE, SERVER, 13, 0, (61000 << 16) | 1)
                                .payload(new byte[12]).ttl(63).build(),
                        masq.engine.packet.PacketBuilder.icmp(SERVER, OUTSIDE, 14, 0, (61000 << 16) | 1)
                                .payload(new byte[12]).build(),
                        masq.engine.packet.PacketBuilder.icmp(SERVER, A, 14, 0, 0x00070001).payload(new byte[12])
                                .ttl(63).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roundTrips")
    void outboundThenReply(String name, byte[] out, byte[] expectedOut, byte[] reply, byte[] expectedReply) {
        TestGateway g = new TestGateway();
        g.expect(Translator.INSIDE, out, FORWARD_OUTSIDE, expectedOut);
        g.expect(Translator.OUTSIDE, reply, FORWARD_INSIDE, expectedReply);
    }

    @Test
    @DisplayName("protocols.md §9.1: ICMP echo through the masquerade, id 0x0200 -> 61000")
    void protocols9_1_echoVector() {
        TestGateway g = new TestGateway();
        byte[] request = ipWith(A, "203.0.113.77", "08 00 31 38 02 00 00 01 61 62 63 64", 64);
        byte[] sent = g.out(request);
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals("08 00 44 ef ee 48 00 01 61 62 63 64", tail(sent));
        byte[] reply = ipWith("203.0.113.77", OUTSIDE, "00 00 4c ef ee 48 00 01 61 62 63 64", 64);
        byte[] back = g.in(reply);
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals("00 00 39 38 02 00 00 01 61 62 63 64", tail(back));
    }

    static byte[] ipWith(String src, String dst, String icmpHex, int ttl) {
        byte[] icmp = masq.engine.packet.PacketBuilder.hex(icmpHex);
        byte[] b = masq.engine.packet.PacketBuilder.icmp(src, dst, 0, 0, 0).payload(new byte[icmp.length - 8]).ttl(ttl)
                .build();
        System.arraycopy(icmp, 0, b, 20, icmp.length);
        return b;
    }

    private static String tail(byte[] datagram) {
        return masq.engine.packet.PacketBuilder.toHex(java.util.Arrays.copyOfRange(datagram, 20, datagram.length));
    }

    @Test
    @DisplayName("RFC 4787 REQ-1 / RFC 5382 REQ-1: endpoint-independent mapping")
    void rfc4787_req1_endpointIndependentMapping() {
        TestGateway g = new TestGateway();
        g.expect(0, udp(A, 1024, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 53).ttl(63).build());
        g.expect(0, udp(A, 1024, SERVER2, 5060).build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER2, 5060).ttl(63).build());
        g.expect(0, udp(A, 1026, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61002, SERVER, 53).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5382 REQ-1: TCP endpoint-independent mapping")
    void rfc5382_req1_endpointIndependentMapping() {
        TestGateway g = new TestGateway();
        g.expect(0, tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61000, SERVER, 80).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(0, tcp(A, 40000, SERVER2, 443).flags(TcpHeader.SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61000, SERVER2, 443).flags(TcpHeader.SYN).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 4787 REQ-3 / RFC 5382 REQ-7: no port overloading")
    void rfc4787_req3_noPortOverloading() {
        TestGateway g = new TestGateway();
        g.expect(0, udp(A, 1024, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 53).ttl(63).build());
        g.expect(0, udp(B, 1024, SERVER2, 53).build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61002, SERVER2, 53).ttl(63).build());
    }

    @Test
    void portsAreIndependentPerProtocol() {
        TestGateway g = new TestGateway();
        g.expect(0, udp(A, 1024, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 53).ttl(63).build());
        g.expect(0, tcp(A, 1024, SERVER, 53).build(), FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 53).ttl(63).build());
    }

    @Test
    void configuredPortRangeIsUsed() {
        TestGateway g = new TestGateway(TestGateway.base().ports(20000, 20001).build());
        g.expect(0, udp(A, 2000, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 20000, SERVER, 53).ttl(63).build());
        g.expect(0, udp(A, 2001, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 20001, SERVER, 53).ttl(63).build());
    }

    @Test
    void gatewayAnswersEchoOnInsideAddress() {
        TestGateway g = new TestGateway();
        g.expect(0, echo(A, INSIDE, 7, 1).payload("ping").build(), REPLY,
                echoReply(INSIDE, A, 7, 1).payload("ping").build());
    }

    @Test
    void gatewayAnswersEchoOnOutsideAddressFromBothSides() {
        TestGateway g = new TestGateway();
        g.expect(1, echo(SERVER, OUTSIDE, 9, 3).payload("ping").build(), REPLY,
                echoReply(OUTSIDE, SERVER, 9, 3).payload("ping").build());
        g.expect(0, echo(A, OUTSIDE, 9, 4).build(), REPLY, echoReply(OUTSIDE, A, 9, 4).build());
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    void informationRequestIsMasqueradedLikeEcho() {
        TestGateway g = new TestGateway();
        g.expect(0, masq.engine.packet.PacketBuilder.icmp(A, SERVER, 15, 0, 0x00330001).build(), FORWARD_OUTSIDE,
                masq.engine.packet.PacketBuilder.icmp(OUTSIDE, SERVER, 15, 0, (61000 << 16) | 1).ttl(63).build());
        g.expect(1, masq.engine.packet.PacketBuilder.icmp(SERVER, OUTSIDE, 16, 0, (61000 << 16) | 1).build(),
                FORWARD_INSIDE, masq.engine.packet.PacketBuilder.icmp(SERVER, A, 16, 0, 0x00330001).ttl(63).build());
    }

    @Test
    void unsolicitedEchoReplyDropped() {
        TestGateway g = new TestGateway();
        g.expectDrop(1, echoReply(SERVER, OUTSIDE, 61000, 1).build(), Counter.DROP_NO_MAPPING);
        g.out(echo(A, SERVER, 5, 1).build());
        g.expectDrop(1, echoReply(SERVER2, OUTSIDE, 61000, 1).build(), Counter.DROP_FILTERED);
    }

    @Test
    void finBothWaysThroughTheGatewayGivesTheTransitoryTimeout() {
        TestGateway g = new TestGateway();
        g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.FIN | TcpHeader.ACK).build());
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.FIN | TcpHeader.ACK).build());
        g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.ACK).build());
        assertEquals("TIME_WAIT", g.translator.mappings(1, i -> null).get(0).state);
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    void multipleInsideNetworks() {
        EngineConfig config = TestGateway.base().insideNetwork("192.168.0.0/24").insideNetwork("10.1.0.0/16").build();
        assertEquals(true, config.isInside(masq.api.Ipv4.parse("10.1.200.3")));
        assertEquals(true, config.isInside(masq.api.Ipv4.parse("192.168.0.77")));
        assertEquals(false, config.isInside(masq.api.Ipv4.parse("10.2.0.1")));
    }

    @Test
    void fragmentedEchoIsMasqueraded() {
        TestGateway g = new TestGateway();
        byte[][] ping = FragmentsTest.split(echo(A, SERVER, 0x0200, 1).id(77).payload(new byte[40]).build(), 24);
        byte[][] sent = FragmentsTest.split(echo(OUTSIDE, SERVER, 61000, 1).id(77).payload(new byte[40]).ttl(63).build(),
                24);
        g.expect(0, ping[0], FORWARD_OUTSIDE, sent[0]);
        g.expect(0, ping[1], FORWARD_OUTSIDE, sent[1]);
    }

    @Test
    void otherTrafficToTheGatewayIsDropped() {
        TestGateway g = new TestGateway();
        g.expectDrop(0, udp(A, 1000, INSIDE, 53).build(), Counter.DROP_LOCAL);
        g.expectDrop(0, masq.engine.packet.PacketBuilder.icmp(A, INSIDE, 13, 0, 1).payload(new byte[12]).build(),
                Counter.DROP_LOCAL);
        g.expectDrop(0, masq.engine.packet.PacketBuilder.icmp(A, OUTSIDE, 13, 0, 1).payload(new byte[12]).build(),
                Counter.DROP_LOCAL);
        g.expectDrop(1, tcp(SERVER, 1000, OUTSIDE, 22).flags(TcpHeader.SYN).build(), Counter.DROP_NO_MAPPING);
    }
}
