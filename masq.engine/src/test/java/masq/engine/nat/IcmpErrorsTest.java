package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.error;
import static masq.engine.packet.PacketBuilder.hex;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import masq.engine.packet.Checksum;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IcmpErrorsTest {
    private static final String ROUTER = "198.51.100.7";

    @Test
    @DisplayName("protocols.md §9.2: traceroute time exceeded translated back (RFC 5508 REQ-4, REQ-10)")
    void protocols9_2_tracerouteTimeExceeded() {
        TestGateway g = new TestGateway();
        byte[] probe = udp(A, 32768, "198.51.100.99", 33434).ttl(2).id(0x4321).payload(new byte[4]).noUdpChecksum()
                .build();
        byte[] sent = g.out(probe);
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals("45 00 00 20 43 21 00 00 01 11 10 14 cb 00 71 01 c6 33 64 63 ee 48 82 9a 00 0c 00 00 00 00 00 00",
                PacketBuilder.toHex(sent));
        byte[] received = PacketBuilder.concat(hex("45 00 00 38 00 01 00 00 fa 01 5a 87 c6 33 64 07 cb 00 71 01"),
                hex("0b 00 84 10 00 00 00 00"),
                hex("45 00 00 20 43 21 00 00 01 11 10 14 cb 00 71 01 c6 33 64 63"), hex("ee 48 82 9a 00 0c 00 00"));
        byte[] expected = PacketBuilder.concat(hex("45 00 00 38 00 01 00 00 f9 01 d6 de c6 33 64 07 c0 a8 00 02"),
                hex("0b 00 f2 58 00 00 00 00"),
                hex("45 00 00 20 43 21 00 00 01 11 8b 6b c0 a8 00 02 c6 33 64 63"), hex("80 00 82 9a 00 0c 00 00"));
        g.expect(1, received, FORWARD_INSIDE, expected);
        assertEquals(1, g.count(Counter.ICMP_ERRORS_TRANSLATED));
    }

    @Test
    @DisplayName("RFC 5508 REQ-4: TCP fragmentation needed, quoted TCP checksum reverted too")
    void rfc5508_req4_tcpFragmentationNeededWithFullQuote() {
        TestGateway g = new TestGateway();
        byte[] segment = tcp(A, 40000, SERVER, 80).payload("0123456789").build();
        byte[] sent = g.out(segment);
        byte[] arriving = error(ROUTER, OUTSIDE, 3, 4, sent, 48).build();
        byte[] original = tcp(A, 40000, SERVER, 80).payload("0123456789").ttl(63).build();
        g.expect(1, arriving, FORWARD_INSIDE, error(ROUTER, A, 3, 4, original, 48).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5508 REQ-4: ICMP-in-ICMP (tracert with echo) restores the quoted identifier")
    void rfc5508_req4_errorAboutEcho() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(echo(A, SERVER, 0x0200, 1).ttl(2).payload("abcdefgh").build());
        byte[] original = echo(A, SERVER, 0x0200, 1).ttl(1).payload("abcdefgh").build();
        g.expect(1, error(ROUTER, OUTSIDE, 11, 0, sent, 28).build(), FORWARD_INSIDE,
                error(ROUTER, A, 11, 0, original, 28).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5508 REQ-4: an error without a mapping is dropped")
    void rfc5508_req4_errorWithoutMappingDropped() {
        TestGateway g = new TestGateway();
        byte[] never = udp(OUTSIDE, 61000, SERVER, 53).build();
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, never, 28).build(), Counter.DROP_ICMP_ERROR_NO_MAPPING);
    }

    @Test
    @DisplayName("RFC 5508 REQ-4: an error quoting a remote the mapping never sent to is dropped")
    void rfc5508_req4_errorForOtherRemoteDropped() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        byte[] other = udp(OUTSIDE, 61000, "198.51.100.200", 53).build();
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, other, 28).build(), Counter.DROP_ICMP_ERROR_NO_MAPPING);
    }

    @Test
    @DisplayName("RFC 5508 REQ-5 / RFC 5382 REQ-9: error from inside leaves from the outside address")
    void rfc5508_req5_outboundError() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        byte[] delivered = g.in(udp(SERVER, 53, OUTSIDE, 61000).payload("hello").build());
        byte[] expectedQuote = udp(SERVER, 53, OUTSIDE, 61000).payload("hello").ttl(63).build();
        g.expect(0, error(A, SERVER, 3, 3, delivered, 28).build(), FORWARD_OUTSIDE,
                error(OUTSIDE, SERVER, 3, 3, expectedQuote, 28).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5508 REQ-3: bad ICMP checksum dropped")
    void rfc5508_req3_badIcmpChecksum() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).build());
        byte[] err = error(ROUTER, OUTSIDE, 3, 3, sent, 28).build();
        err[22] ^= 0x01;
        g.expectDrop(1, err, Counter.ICMP_BAD_CHECKSUM);
    }

    @Test
    @DisplayName("RFC 5508 REQ-3a: bad embedded IP checksum dropped")
    void rfc5508_req3a_badEmbeddedIpChecksum() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).build());
        sent[10] ^= 0x01;
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, sent, 28).build(), Counter.ICMP_EMBEDDED_BAD_CHECKSUM);
    }

    @Test
    @DisplayName("RFC 5508 REQ-3b: embedded IP options are skipped")
    void rfc5508_req3b_embeddedOptionsSkipped() {
        TestGateway g = new TestGateway();
        byte[] options = {1, 1, 1, 0, 1, 1, 1, 0};
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).ipOptions(options).build());
        byte[] original = udp(A, 1024, SERVER, 53).ipOptions(options).ttl(63).build();
        g.expect(1, error(ROUTER, OUTSIDE, 3, 3, sent, 36).build(), FORWARD_INSIDE,
                error(ROUTER, A, 3, 3, original, 36).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5508 REQ-6 / RFC 4787 REQ-12 / RFC 5382 REQ-10: errors neither refresh nor end a mapping")
    void rfc5508_req6_errorsDoNotRefresh() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).build());
        g.advanceSeconds(200);
        g.in(error(ROUTER, OUTSIDE, 3, 3, sent, 28).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals(1, g.translator.mappingCount());
        g.advanceSeconds(101);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    @DisplayName("RFC 5508 REQ-7: ICMP errors are hairpinned")
    void rfc5508_req7_hairpinnedError() {
        TestGateway g = new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT).build());
        g.out(udp(B, 2000, SERVER, 53).build());
        byte[] toB = g.out(udp(A, 1024, OUTSIDE, 61000).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        byte[] originalFromA = udp(A, 1024, OUTSIDE, 61000).ttl(63).build();
        g.expect(0, error(B, OUTSIDE, 3, 3, toB, 28).build(), FORWARD_INSIDE,
                error(OUTSIDE, A, 3, 3, originalFromA, 28).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5508 REQ-3c: the quoted transport checksum is not validated")
    void rfc5508_req3c_quotedTransportChecksumNotValidated() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).payload("abcdefgh").build());
        sent[25] ^= 0x01;
        byte[] original = udp(A, 1024, SERVER, 53).payload("abcdefgh").ttl(63).build();
        original[25] ^= 0x01;
        g.expect(1, error(ROUTER, OUTSIDE, 3, 3, sent, 28).build(), FORWARD_INSIDE,
                error(ROUTER, A, 3, 3, original, 28).ttl(63).build());
    }

    @Test
    void truncatedEmbeddedHeaderDropped() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).build());
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, sent, 24).build(), Counter.ICMP_EMBEDDED_TRUNCATED);
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, sent, 10).build(), Counter.ICMP_EMBEDDED_TRUNCATED);
    }

    @Test
    void embeddedBadIhlDropped() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).build());
        sent[0] = 0x44;
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, sent, 28).build(), Counter.ICMP_EMBEDDED_BAD_HEADER);
        sent[0] = 0x4f;
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, sent, 28).build(), Counter.ICMP_EMBEDDED_TRUNCATED);
    }

    @Test
    void embeddedUnknownProtocolDropped() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(udp(A, 1024, SERVER, 53).build());
        sent[9] = 47;
        masq.engine.packet.Ipv4Header.updateChecksum(sent, 0);
        g.expectDrop(1, error(ROUTER, OUTSIDE, 3, 3, sent, 28).build(), Counter.DROP_ICMP_ERROR_NO_MAPPING);
    }

    @Test
    void everyTranslatedChecksumVerifies() {
        TestGateway g = new TestGateway();
        byte[] sent = g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        byte[] back = g.in(error(ROUTER, OUTSIDE, 3, 1, sent, 40).build());
        assertEquals(true, Checksum.verify(back, 0, 20, 0));
        assertEquals(true, Checksum.verify(back, 20, back.length - 20, 0));
        assertEquals(true, Checksum.verify(back, 28, 20, 0));
    }
}
