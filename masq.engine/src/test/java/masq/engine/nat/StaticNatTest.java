package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.C;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.DROP;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.echoReply;
import static masq.engine.packet.PacketBuilder.error;
import static masq.engine.packet.PacketBuilder.ip;
import static masq.engine.packet.PacketBuilder.other;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.TcpHeader;

/**
 * 1:1 static NAT ({@link StaticNat}, protocols.md §9.3): C-box owns 203.0.113.50. Everything it
 * sends leaves from that address with its own ports; every port and protocol of the address reaches
 * it; other hosts stay masqueraded; ICMP errors, hairpinning, fragments and rule changes follow;
 * bad rules are refused whole, by name.
 */
class StaticNatTest {
    private static final String STATIC = "203.0.113.50";
    private static final String ROUTER = "203.0.113.254";
    private static final int GRE = 47;

    private static StaticNat.Rule rule(String name, String inside, String outside) {
        return new StaticNat.Rule(name, ip(inside), ip(outside));
    }

    private static TestGateway gateway() {
        TestGateway g = new TestGateway();
        assertNull(g.translator.setStaticNat(StaticNat.of(List.of(rule("cbox", C, STATIC)))));
        return g;
    }

    @Test
    @DisplayName("the host's connections leave from its own address with its own port, and the replies come back")
    void outboundLeavesFromTheHostsAddressAndPort() {
        TestGateway g = gateway();
        g.expect(0, tcp(C, 40000, SERVER, 80).flags(TcpHeader.SYN).build(), FORWARD_OUTSIDE,
                tcp(STATIC, 40000, SERVER, 80).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(1, tcp(SERVER, 80, STATIC, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).build(), FORWARD_INSIDE,
                tcp(SERVER, 80, C, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        g.expect(0, udp(C, 5353, SERVER, 53).payload("q").build(), FORWARD_OUTSIDE,
                udp(STATIC, 5353, SERVER, 53).payload("q").ttl(63).build());
    }

    @ParameterizedTest(name = "tcp and udp port {0}")
    @ValueSource(ints = {1, 22, 80, 1023, 1024, 6112, 61000, 65535})
    @DisplayName("every port of the address reaches the host, unasked, and its reply leaves from the same port")
    void everyPortReachesTheHost(int port) {
        TestGateway g = gateway();
        g.expect(1, tcp(SERVER, 50000, STATIC, port).flags(TcpHeader.SYN).build(), FORWARD_INSIDE,
                tcp(SERVER, 50000, C, port).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(0, tcp(C, port, SERVER, 50000).flags(TcpHeader.SYN | TcpHeader.ACK).build(), FORWARD_OUTSIDE,
                tcp(STATIC, port, SERVER, 50000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        g.expect(1, udp(SERVER, 50001, STATIC, port).payload("u").build(), FORWARD_INSIDE,
                udp(SERVER, 50001, C, port).payload("u").ttl(63).build());
        g.expect(0, udp(C, port, SERVER, 50001).payload("r").build(), FORWARD_OUTSIDE,
                udp(STATIC, port, SERVER, 50001).payload("r").ttl(63).build());
    }

    @Test
    @DisplayName("an echo request to the address reaches the host and its reply leaves from it; the gateway's own address still answers itself")
    void pingsReachTheHost() {
        TestGateway g = gateway();
        g.expect(1, echo(SERVER, STATIC, 0x77, 1).payload("ping").build(), FORWARD_INSIDE,
                echo(SERVER, C, 0x77, 1).payload("ping").ttl(63).build());
        g.expect(0, echoReply(C, SERVER, 0x77, 1).payload("ping").build(), FORWARD_OUTSIDE,
                echoReply(STATIC, SERVER, 0x77, 1).payload("ping").ttl(63).build());
        g.in(echo(SERVER, OUTSIDE, 0x78, 1).build());
        assertEquals(REPLY, g.verdict, "the gateway answers for its own address");
    }

    @Test
    @DisplayName("GRE and other protocols pass both ways with the address rewritten and the payload untouched, counted")
    void otherProtocolsHaveTheirAddressRewritten() {
        TestGateway g = gateway();
        byte[] body = masq.engine.packet.PacketBuilder.hex("30 01 88 0b 00 68 00 01 00 00 00 01");
        g.expect(0, other(GRE, C, SERVER).payload(body).build(), FORWARD_OUTSIDE,
                other(GRE, STATIC, SERVER).payload(body).ttl(63).build());
        g.expect(1, other(GRE, SERVER, STATIC).payload(body).build(), FORWARD_INSIDE,
                other(GRE, SERVER, C).payload(body).ttl(63).build());
        assertEquals(2, g.count(Counter.STATIC_OTHER_PROTOCOL));
    }

    @Test
    @DisplayName("hostile: GRE from a masqueraded host, or to the gateway's own address, is still refused")
    void otherProtocolsOfMasqueradedHostsStayRefused() {
        TestGateway g = gateway();
        g.expectDrop(0, other(GRE, A, SERVER).payload("x").build(), Counter.DROP_PROTOCOL);
        g.expectDrop(1, other(GRE, SERVER, OUTSIDE).payload("x").build(), Counter.DROP_PROTOCOL);
        g.expectDrop(0, other(GRE, C, OUTSIDE).payload("x").build(), Counter.DROP_PROTOCOL);
    }

    @Test
    @DisplayName("other hosts stay masqueraded on the gateway's address, and cannot be reached by the 1:1 address")
    void otherHostsStayMasqueraded() {
        TestGateway g = gateway();
        byte[] out = g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(ip(OUTSIDE), Ipv4Header.source(out, 0));
        assertEquals(61000, Bytes.get16(out, 20));
        byte[] in = g.in(tcp(SERVER, 80, STATIC, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        assertEquals(ip(C), Ipv4Header.destination(in, 0), "port 61000 of the 1:1 address is C-box's, not A-box's");
    }

    @Test
    @DisplayName("hairpin: an inside host reaches the 1:1 host by its outside address, seen from the gateway's address")
    void hairpinToTheStaticAddress() {
        TestGateway g = gateway();
        g.expect(0, tcp(A, 40000, STATIC, 80).flags(TcpHeader.SYN).build(), FORWARD_INSIDE,
                tcp(OUTSIDE, 61000, C, 80).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(0, tcp(C, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build(), FORWARD_INSIDE,
                tcp(STATIC, 80, A, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        assertEquals(2, g.count(Counter.HAIRPINNED));
    }

    @Test
    @DisplayName("an ICMP error about the host's datagram reaches it with the quote restored; its own errors leave from its address")
    void icmpErrorsBothWays() {
        TestGateway g = gateway();
        byte[] sent = g.out(udp(C, 33434, SERVER, 33435).ttl(2).build());
        byte[] original = udp(C, 33434, SERVER, 33435).ttl(1).build();
        g.expect(1, error(ROUTER, STATIC, 11, 0, sent, 28).build(), FORWARD_INSIDE,
                error(ROUTER, C, 11, 0, original, 28).ttl(63).build());
        byte[] delivered = g.in(udp(SERVER, 53, STATIC, 7000).payload("x").build());
        byte[] quote = udp(SERVER, 53, STATIC, 7000).payload("x").ttl(63).build();
        g.expect(0, error(C, SERVER, 3, 3, delivered, 29).build(), FORWARD_OUTSIDE,
                error(STATIC, SERVER, 3, 3, quote, 29).ttl(63).build());
    }

    @Test
    @DisplayName("fragments to the host: the first creates the mapping, the next follows it")
    void fragmentsFollowTheFirst() {
        TestGateway g = gateway();
        byte[] first = udp(SERVER, 53, STATIC, 7000).payload("0123456789abcdef").id(0x4242).fragmentWord(0x2000).build();
        g.in(first);
        assertEquals(FORWARD_INSIDE, g.verdict);
        byte[] second = other(Ipv4Header.PROTOCOL_UDP, SERVER, STATIC).payload("tail-byt").id(0x4242)
                .fragmentWord(3).build();
        byte[] out = g.in(second);
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals(ip(C), Ipv4Header.destination(out, 0));
    }

    @Test
    @DisplayName("a removed rule ends the host's mappings on the address; its address is then no one's, and the host is masqueraded")
    void aRemovedRuleEndsItsMappings() {
        TestGateway g = gateway();
        g.out(tcp(C, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(1, g.translator.staticSessions(ip(STATIC)));
        assertNull(g.translator.setStaticNat(StaticNat.NONE));
        assertEquals(0, g.translator.mappingCount());
        g.expectDrop(1, tcp(SERVER, 80, STATIC, 40000).flags(TcpHeader.ACK).build(), Counter.DROP_NOT_FOR_GATEWAY);
        byte[] out = g.out(tcp(C, 40001, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(ip(OUTSIDE), Ipv4Header.source(out, 0));
    }

    @Test
    @DisplayName("a host given a rule keeps its masqueraded connections until they end; new ones use its address")
    void masqueradedConnectionsGoOn() {
        TestGateway g = new TestGateway();
        byte[] before = g.out(tcp(C, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(ip(OUTSIDE), Ipv4Header.source(before, 0));
        assertNull(g.translator.setStaticNat(StaticNat.of(List.of(rule("cbox", C, STATIC)))));
        byte[] same = g.out(tcp(C, 40000, SERVER, 80).build());
        assertEquals(ip(OUTSIDE), Ipv4Header.source(same, 0));
        assertEquals(61000, Bytes.get16(same, 20));
        byte[] fresh = g.out(tcp(C, 40001, SERVER, 80).flags(TcpHeader.SYN).build());
        assertEquals(ip(STATIC), Ipv4Header.source(fresh, 0));
        assertEquals(40001, Bytes.get16(fresh, 20));
    }

    @Test
    @DisplayName("hostile: to the 1:1 address on a port the host still has bound on the gateway's address: refused, counted")
    void aPortStillMasqueradedIsRefused() {
        TestGateway g = new TestGateway();
        g.out(udp(C, 7000, SERVER, 53).build());
        assertNull(g.translator.setStaticNat(StaticNat.of(List.of(rule("cbox", C, STATIC)))));
        g.expectDrop(1, udp("198.51.100.77", 9, STATIC, 7000).build(), Counter.DROP_INBOUND_CONFLICT);
    }

    @Test
    @DisplayName("hostile: another address of the outside network is not the gateway's")
    void otherOutsideAddressesAreDropped() {
        TestGateway g = gateway();
        g.expectDrop(1, tcp(SERVER, 80, "203.0.113.51", 80).flags(TcpHeader.SYN).build(),
                Counter.DROP_NOT_FOR_GATEWAY);
        g.expectDrop(1, echo(SERVER, "203.0.113.51", 1, 1).build(), Counter.DROP_NOT_FOR_GATEWAY);
    }

    @Test
    @DisplayName("hostile: a bad checksum, a truncated header or an expired TTL to the 1:1 address is handled as for masquerading")
    void badDatagramsToTheAddress() {
        TestGateway g = gateway();
        byte[] bad = tcp(SERVER, 80, STATIC, 22).flags(TcpHeader.SYN).build();
        bad[bad.length - 4] ^= 1; // the urgent pointer, under the checksum
        g.expectDrop(1, bad, Counter.ofMalformed(masq.engine.packet.Malformed.TCP_BAD_CHECKSUM));
        g.in(tcp(SERVER, 80, STATIC, 22).flags(TcpHeader.SYN).ttl(1).build());
        assertEquals(REPLY, g.verdict, "time exceeded from the gateway");
        byte[] cut = java.util.Arrays.copyOf(udp(SERVER, 53, STATIC, 7000).build(), 24);
        Bytes.set16(cut, 2, 24);
        Ipv4Header.updateChecksum(cut, 0);
        g.in(cut);
        assertEquals(DROP, g.verdict);
        assertEquals(0, g.translator.mappingCount());
    }

    @Test
    @DisplayName("hostile: an out-of-window RST to the host leaves its connection alone")
    void blindResetIgnored() {
        TestGateway g = gateway();
        g.out(tcp(C, 40000, SERVER, 80).flags(TcpHeader.SYN).seq(100, 0).build());
        g.in(tcp(SERVER, 80, STATIC, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).seq(5000, 101).build());
        g.out(tcp(C, 40000, SERVER, 80).flags(TcpHeader.ACK).seq(101, 5001).build());
        g.expectDrop(1, tcp(SERVER, 80, STATIC, 40000).flags(TcpHeader.RST).seq(5001 + 0x40000000, 0).build(),
                Counter.DROP_TCP_WINDOW);
        assertEquals(1, g.translator.staticSessions(ip(STATIC)));
    }

    @Test
    @DisplayName("bad rules are refused whole, by name, and the rules in place stay")
    void badRulesRefused() {
        TestGateway g = gateway();
        List<String> refusals = new ArrayList<>();
        refusals.add(g.translator.setStaticNat(StaticNat.of(List.of(rule("far", "10.9.9.9", "203.0.113.60")))));
        refusals.add(g.translator.setStaticNat(StaticNat.of(List.of(rule("off", A, "198.51.100.60")))));
        refusals.add(g.translator.setStaticNat(StaticNat.of(List.of(rule("own", A, OUTSIDE)))));
        refusals.add(g.translator.setStaticNat(StaticNat.of(List.of(rule("bcast", A, "203.0.113.255")))));
        refusals.add(g.translator.setStaticNat(StaticNat.of(List.of(rule("net", A, "203.0.113.0")))));
        for (String r : refusals) {
            assertNotNull(r);
        }
        assertTrue(refusals.get(0).startsWith("far: inside address 10.9.9.9"), refusals.get(0));
        assertTrue(refusals.get(1).startsWith("off: outside address 198.51.100.60 is not a host"), refusals.get(1));
        assertTrue(refusals.get(2).contains("the gateway's own"), refusals.get(2));
        assertEquals(ip(C), g.translator.staticNat().insideOf(ip(STATIC)), "the rule in place stays");
    }

    @Test
    @DisplayName("bad sets: an address twice, on both sides, the same on both sides of a rule, 0.0.0.0, too many")
    void badSetsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> StaticNat.of(List.of(rule("a", A, STATIC), rule("b", A, "203.0.113.51"))));
        assertThrows(IllegalArgumentException.class,
                () -> StaticNat.of(List.of(rule("a", A, STATIC), rule("b", B, STATIC))));
        assertThrows(IllegalArgumentException.class,
                () -> StaticNat.of(List.of(rule("a", A, STATIC), rule("b", STATIC, "203.0.113.51"))));
        assertThrows(IllegalArgumentException.class, () -> StaticNat.of(List.of(rule("a", A, A))));
        assertThrows(IllegalArgumentException.class, () -> rule("z", "0.0.0.0", STATIC));
        List<StaticNat.Rule> many = new ArrayList<>();
        for (int i = 0; i <= StaticNat.MAX_RULES; i++) {
            many.add(new StaticNat.Rule("r" + i, ip("10.0.0.0") + i + 1, ip("203.0.0.0") + i + 1));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StaticNat.of(many));
        assertTrue(e.getMessage().contains("more than " + StaticNat.MAX_RULES), e.getMessage());
    }

    @Test
    @DisplayName("the lookups find every rule of a large set and nothing else")
    void lookupsOfALargeSet() {
        List<StaticNat.Rule> rules = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            rules.add(new StaticNat.Rule("r" + i, ip("192.168.0.0") + i, ip("203.0.113.0") + i));
        }
        StaticNat nat = StaticNat.of(rules);
        for (int i = 1; i <= 200; i++) {
            assertEquals(ip("203.0.113.0") + i, nat.outsideOf(ip("192.168.0.0") + i));
            assertEquals(ip("192.168.0.0") + i, nat.insideOf(ip("203.0.113.0") + i));
        }
        assertEquals(0, nat.insideOf(ip("203.0.113.201")));
        assertEquals(0, nat.outsideOf(ip("192.168.0.201")));
        assertEquals(0, nat.outsideOf(0));
        assertEquals(200, nat.outsideAddresses().length);
    }
}
