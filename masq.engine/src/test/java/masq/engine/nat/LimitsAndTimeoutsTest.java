package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.C;
import static masq.engine.nat.TestGateway.INSIDE;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.echoReply;
import static masq.engine.packet.PacketBuilder.error;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import masq.api.admin.TimeoutsDTO;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LimitsAndTimeoutsTest {

    @Test
    @DisplayName("RFC 5508 REQ-8: at the total limit a new mapping is refused with unreachable code 13")
    void rfc5508_req8_refusedWithAdminProhibited() {
        TestGateway g = new TestGateway(TestGateway.base().limits(2, 10, 10).build());
        g.out(udp(A, 1, SERVER, 53).build());
        g.out(udp(A, 2, SERVER, 53).build());
        byte[] third = udp(A, 3, SERVER, 53).payload("0123456789").build();
        g.expect(0, third, REPLY, error(INSIDE, A, 3, 13, third, 28).id(0).build());
        assertEquals(1, g.count(Counter.DROP_LIMIT_TOTAL));
        assertEquals(1, g.count(Counter.SENT_UNREACHABLE));
    }

    @Test
    @DisplayName("RFC 6888 REQ-4: per-inside-host limit")
    void rfc6888_req4_perHostLimit() {
        TestGateway g = new TestGateway(TestGateway.base().limits(100, 2, 10).build());
        g.out(udp(A, 2000, SERVER, 53).build());
        g.out(udp(A, 2002, SERVER, 53).build());
        g.run(0, udp(A, 2004, SERVER, 53).build());
        assertEquals(REPLY, g.verdict);
        assertEquals(1, g.count(Counter.DROP_LIMIT_HOST));
        g.expect(0, udp(B, 2004, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61004, SERVER, 53).ttl(63).build());
    }

    @Test
    void hostTableLimit() {
        TestGateway g = new TestGateway(TestGateway.base().limits(100, 10, 2).build());
        g.out(udp(A, 1, SERVER, 53).build());
        g.out(udp(B, 1, SERVER, 53).build());
        g.run(0, udp(C, 1, SERVER, 53).build());
        assertEquals(1, g.count(Counter.DROP_LIMIT_HOSTS));
    }

    @Test
    @DisplayName("RFC 6888 REQ-11: live established mappings are never evicted to make room")
    void rfc6888_req11_noEvictionOfLiveMappings() {
        TestGateway g = new TestGateway(TestGateway.base().limits(1, 10, 10).build());
        g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        g.run(0, tcp(B, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(REPLY, g.verdict);
        g.expect(0, tcp(A, 40000, SERVER, 80).build(), FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 80).ttl(63).build());
    }

    @Test
    void portExhaustionCountedPerProtocol() {
        TestGateway g = new TestGateway(TestGateway.base().ports(30000, 30001).build());
        g.out(udp(A, 2000, SERVER, 53).build());
        g.out(udp(A, 2002, SERVER, 53).build());
        g.run(0, udp(A, 2004, SERVER, 53).build());
        assertEquals(REPLY, g.verdict);
        assertEquals(1, g.count(Counter.PORTS_EXHAUSTED_UDP));
        g.run(0, echo(A, SERVER, 1, 1).build());
        g.run(0, echo(A, SERVER, 2, 1).build());
        g.run(0, echo(A, SERVER, 3, 1).build());
        assertEquals(1, g.count(Counter.PORTS_EXHAUSTED_ICMP));
        g.run(0, tcp(A, 1, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(0, g.count(Counter.PORTS_EXHAUSTED_TCP));
    }

    @Test
    void expiryFreesThePortForReuse() {
        TestGateway g = new TestGateway(TestGateway.base().ports(30000, 30000).build());
        g.out(udp(A, 2000, SERVER, 53).build());
        g.run(0, udp(A, 2002, SERVER, 53).build());
        assertEquals(REPLY, g.verdict);
        g.advanceSeconds(Timeouts.UDP_SECONDS);
        assertEquals(0, g.translator.mappingCount());
        assertEquals(1, g.count(Counter.MAPPINGS_EXPIRED));
        g.expect(0, udp(A, 2002, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 30000, SERVER, 53).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 4787 REQ-5 / REQ-6: UDP mapping lives 300 s idle, refreshed by outbound packets")
    void rfc4787_req5_udpTimeout() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1, SERVER, 53).build());
        g.advanceSeconds(299);
        assertEquals(1, g.translator.mappingCount());
        g.out(udp(A, 1, SERVER, 53).build());
        g.advanceSeconds(299);
        assertEquals(1, g.translator.mappingCount());
        g.advanceSeconds(1);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    @DisplayName("RFC 5508 REQ-2: ICMP query mapping lives at least 60 s")
    void rfc5508_req2_icmpQueryTimeout() {
        TestGateway g = new TestGateway();
        g.out(echo(A, SERVER, 5, 1).build());
        g.advanceSeconds(59);
        g.expect(1, echoReply(SERVER, OUTSIDE, 61000, 1).build(), FORWARD_INSIDE, echoReply(SERVER, A, 5, 1).ttl(63).build());
        g.advanceSeconds(60);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    @DisplayName("RFC 5382 REQ-5: established TCP lives 7440 s, transitory 240 s")
    void rfc5382_req5_tcpTimeouts() {
        TestGateway g = new TestGateway();
        g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        g.advanceSeconds(239);
        assertEquals(1, g.translator.mappingCount());
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        g.advanceSeconds(7439);
        assertEquals(1, g.translator.mappingCount());
        g.advanceSeconds(1);
        assertEquals(0, g.translator.mappingCount());
        TestGateway h = new TestGateway();
        h.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        h.advanceSeconds(240);
        assertEquals(0, h.translator.mappingCount());
    }

    @Test
    @DisplayName("timeouts change at run time (ipchains -M -S), zero leaves a value unchanged")
    void timeoutsChangeAtRunTime() {
        TestGateway g = new TestGateway();
        TimeoutsDTO dto = new TimeoutsDTO();
        dto.udpSeconds = 10;
        TimeoutsDTO now = g.translator.setTimeouts(dto);
        assertEquals(10, now.udpSeconds);
        assertEquals(Timeouts.TCP_ESTABLISHED_SECONDS, now.tcpSeconds);
        g.out(udp(A, 1, SERVER, 53).build());
        g.advanceSeconds(10);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    void timeoutsRejectNonPositiveValues() {
        try {
            new Timeouts(0, 1, 1, 1);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("tcp"));
            return;
        }
        throw new AssertionError("no exception");
    }

    @Test
    void bigClockJumpExpiresEverything() {
        TestGateway g = new TestGateway();
        for (int i = 0; i < 100; i++) {
            g.out(udp(A, 1000 + i, SERVER, 53).build());
        }
        g.advanceSeconds(1_000_000);
        assertEquals(0, g.translator.mappingCount());
        assertEquals(100, g.count(Counter.MAPPINGS_EXPIRED));
    }

    @Test
    void timeoutsAreBoundedAtTenDays() {
        assertEquals(Timeouts.MAX_SECONDS, new Timeouts(Timeouts.MAX_SECONDS, 1, 1, 1).tcpEstablishedSeconds());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Timeouts(Integer.MAX_VALUE, 1, 1, 1));
        assertEquals("timeout tcp 2147483647 s is above the most, 864000 s (10 days)", e.getMessage());
        TimeoutsDTO dto = new TimeoutsDTO();
        dto.udpSeconds = Timeouts.MAX_SECONDS + 1;
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Timeouts.DEFAULT.with(dto));
        assertEquals("timeout udp 864001 s is above the most, 864000 s (10 days)", e.getMessage());
    }
}
