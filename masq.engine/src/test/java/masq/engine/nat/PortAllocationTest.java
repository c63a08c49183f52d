package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.C;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.TcpHeader;

/**
 * {@code ports.allocation} (RFC 4787 REQ-3, REQ-3a, REQ-4; RFC 6056): preserve, sequential and
 * random, each keeping parity and the privileged range, never taking a port held or reserved, and
 * at exhaustion refusing the new flow with a counted reason while the old ones go on.
 */
class PortAllocationTest {
    private static TestGateway gateway(PortAllocation allocation) {
        return new TestGateway(TestGateway.base().allocation(allocation).build());
    }

    private static TestGateway gateway(PortAllocation allocation, int low, int high) {
        return new TestGateway(TestGateway.base().allocation(allocation).ports(low, high).build());
    }

    /** Sends UDP from {@code host:port} and returns the gateway port it left from (-1 if not forwarded). */
    private static int udpFrom(TestGateway g, String host, int port) {
        byte[] out = g.out(udp(host, port, SERVER, 3478).payload("x").build());
        return g.verdict == FORWARD_OUTSIDE ? Bytes.get16(out, Ipv4Header.MIN_LENGTH) : -1;
    }

    private static int tcpFrom(TestGateway g, String host, int port) {
        byte[] out = g.out(tcp(host, port, SERVER, 80).flags(TcpHeader.SYN).build());
        return g.verdict == FORWARD_OUTSIDE ? Bytes.get16(out, Ipv4Header.MIN_LENGTH) : -1;
    }

    /** The reply to gateway port {@code gatewayPort} reaches {@code host:port}. */
    private static void replyReaches(TestGateway g, int gatewayPort, String host, int port) {
        g.expect(Translator.OUTSIDE, udp(SERVER, 3478, OUTSIDE, gatewayPort).payload("r").build(), FORWARD_INSIDE,
                udp(SERVER, 3478, host, port).payload("r").ttl(63).build());
    }

    // ---- preserve

    @Test
    @DisplayName("preserve (the default): a game's UDP 6112 stays 6112, off the masq range; the second host gets an even range port")
    void preserveKeepsTheInsidePortAndTheSecondHostGetsAnEvenOne() {
        assertEquals(PortAllocation.PRESERVE, EngineConfig.builder().insideAddress("10.0.0.1/8")
                .outsideAddress("198.51.100.1/24").build().allocation());
        TestGateway g = gateway(PortAllocation.PRESERVE);
        assertEquals(6112, udpFrom(g, A, 6112));
        int second = udpFrom(g, B, 6112);
        assertTrue(second >= 61000 && second <= 65095 && second % 2 == 0, "an even range port: " + second);
        replyReaches(g, 6112, A, 6112);
        replyReaches(g, second, B, 6112);
        assertEquals(6112, udpFrom(g, A, 6112), "the first host keeps its mapping");
        assertEquals(0, g.count(Counter.PORTS_PARITY_LOST));
    }

    @Test
    @DisplayName("preserve: TCP too, inside the range or outside it; an odd port taken gives an odd one")
    void preserveForTcp() {
        TestGateway g = gateway(PortAllocation.PRESERVE, 1024, 65535);
        assertEquals(40000, tcpFrom(g, A, 40000));
        assertEquals(1024, tcpFrom(g, B, 40000), "taken: the first even port of the range");
        assertEquals(40001, tcpFrom(g, B, 40001));
        assertEquals(1025, tcpFrom(g, C, 40001), "taken: the first odd one");
        assertEquals(50000, udpFrom(g, A, 50000), "UDP keeps its port too");
    }

    @Test
    @DisplayName("RFC 4787 REQ-3a: a port below 1024 keeps its own, else one below 1024 of its parity (1-511, 600-1023)")
    void privilegedPortsStayPrivileged() {
        TestGateway g = gateway(PortAllocation.PRESERVE);
        assertEquals(123, udpFrom(g, A, 123));
        int second = udpFrom(g, B, 123);
        assertTrue(second >= 1 && second < 512 && second % 2 == 1 && second != 123, "odd, 1-511: " + second);
        assertEquals(800, udpFrom(g, A, 800));
        int high = udpFrom(g, B, 800);
        assertTrue(high >= 600 && high <= 1023 && high % 2 == 0 && high != 800, "even, 600-1023: " + high);
        replyReaches(g, second, B, 123);
        assertEquals(0, g.count(Counter.PORTS_PRIVILEGED_LOST));
    }

    @Test
    @DisplayName("preserve never takes a port another mapping holds or a helper has reserved")
    void preserveNeverTakesAHeldOrReservedPort() {
        TestGateway g = gateway(PortAllocation.PRESERVE);
        int reserved = g.translator.reservePort(Ipv4Header.PROTOCOL_UDP);
        int got = udpFrom(g, A, reserved);
        assertNotEquals(reserved, got, "the reserved port is the reservation's");
        assertEquals(reserved % 2, got % 2, "parity kept");
        assertNotEquals(got, udpFrom(g, B, got), "a port A's mapping holds is not preserved for B");
    }

    @Test
    @DisplayName("ICMP identifiers are preserved when free, without the parity and privileged rules")
    void icmpIdentifiers() {
        TestGateway g = gateway(PortAllocation.PRESERVE);
        byte[] out = g.out(echo(A, SERVER, 7, 1).build());
        assertEquals(7, Bytes.get16(out, Ipv4Header.MIN_LENGTH + 4));
        out = g.out(echo(B, SERVER, 7, 1).build());
        assertEquals(61000, Bytes.get16(out, Ipv4Header.MIN_LENGTH + 4), "taken: the range's next, whatever parity");
    }

    // ---- sequential

    @Test
    @DisplayName("sequential (Linux 2.2): range ports in turn, by parity, for both hosts on 6112")
    void sequentialGivesRangePortsByParity() {
        TestGateway g = gateway(PortAllocation.SEQUENTIAL);
        assertEquals(61000, udpFrom(g, A, 6112));
        assertEquals(61002, udpFrom(g, B, 6112));
        assertEquals(61003, udpFrom(g, C, 6113));
        assertEquals(61004, udpFrom(g, C, 6114));
        replyReaches(g, 61000, A, 6112);
        replyReaches(g, 61002, B, 6112);
    }

    // ---- random

    @Test
    @DisplayName("RFC 6056: random ports are distinct, in the range, of the inside port's parity, and not in sequence")
    void randomPortsAreUnpredictableButKeepTheRules() {
        TestGateway g = gateway(PortAllocation.RANDOM);
        Set<Integer> seen = new HashSet<>();
        int ascending = 0;
        int previous = -1;
        for (int i = 0; i < 400; i++) {
            int inside = 20000 + i;
            int port = udpFrom(g, A, inside);
            assertTrue(port >= 61000 && port <= 65095, "in the range: " + port);
            assertEquals(inside % 2, port % 2, "parity of " + inside);
            assertTrue(seen.add(port), "distinct: " + port);
            ascending += port > previous ? 1 : 0;
            previous = port;
        }
        assertTrue(ascending < 300, "not handed out in order (" + ascending + " of 400 rose)");
        assertTrue(seen.stream().anyMatch(p -> p < 62000) && seen.stream().anyMatch(p -> p > 64000),
                "spread over the range");
        int privileged = udpFrom(g, B, 53);
        assertTrue(privileged >= 1 && privileged < 512 && privileged % 2 == 1, "53 gets an odd port below 512: "
                + privileged);
    }

    @Test
    @DisplayName("the random offsets' SipHash-2-4 gives the reference implementation's value (key 00..0f, message 00..07)")
    void sipHashReferenceVector() {
        assertEquals(0x93f5f5799a932462L, PortRandom.sipHash24(0x0706050403020100L, 0x0f0e0d0c0b0a0908L,
                0x0706050403020100L));
    }

    // ---- exhaustion and the fallbacks

    @ParameterizedTest
    @EnumSource(PortAllocation.class)
    @DisplayName("no port of the parity left: the other parity, counted; none at all: refused, counted, old flows kept")
    void parityFallbackThenExhaustion(PortAllocation allocation) {
        TestGateway g = gateway(allocation, 30000, 30001);
        assertEquals(30000, udpFrom(g, A, 30000));
        assertEquals(30001, udpFrom(g, B, 30000), "the odd port rather than a refusal");
        assertEquals(1, g.count(Counter.PORTS_PARITY_LOST));
        g.run(0, udp(C, 30000, SERVER, 3478).build());
        assertEquals(REPLY, g.verdict, "destination unreachable: the range is exhausted");
        assertEquals(1, g.count(Counter.PORTS_EXHAUSTED_UDP));
        replyReaches(g, 30000, A, 30000);
        replyReaches(g, 30001, B, 30000);
    }

    @Test
    @DisplayName("no privileged port of the parity left: one from the masq range, counted")
    void privilegedFallback() {
        TestGateway g = new TestGateway(TestGateway.base().allocation(PortAllocation.SEQUENTIAL)
                .insideAddress("10.0.0.1/16").build());
        for (int host = 0; host < 256; host++) { // the 256 odd ports of 1-511
            int port = udpFrom(g, "10.0." + (host / 200) + "." + (2 + host % 200), 1);
            assertTrue(port >= 1 && port < 512 && port % 2 == 1, "host " + host + ": " + port);
        }
        assertEquals(0, g.count(Counter.PORTS_PRIVILEGED_LOST));
        int port = udpFrom(g, "10.0.2.2", 1);
        assertEquals(61001, port, "the range's first odd port");
        assertEquals(1, g.count(Counter.PORTS_PRIVILEGED_LOST));
    }

    @Test
    @DisplayName("a live change applies to new mappings only")
    void aLiveChangeAppliesToNewMappings() {
        TestGateway g = gateway(PortAllocation.SEQUENTIAL);
        assertEquals(61000, udpFrom(g, A, 6112));
        g.translator.setPortAllocation(PortAllocation.PRESERVE);
        assertEquals(6112, udpFrom(g, B, 6112));
        assertEquals(61000, udpFrom(g, A, 6112), "the existing mapping keeps its port");
        assertEquals("preserve", g.translator.status().portAllocation);
    }
}
