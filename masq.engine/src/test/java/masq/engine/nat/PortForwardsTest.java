package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.C;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.ip;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.TcpHeader;

/**
 * Port forwarding (ipmasqadm portfw, protocols.md §1.5): inbound connections to a forwarded port
 * reach the inside server and its replies leave from that port; several forwards of a port share
 * new connections by weight, each connection staying with its server; forwarded ports are never
 * given to outbound mappings; inside hosts reach a forward by the outside address; bad sets are
 * refused whole, by name.
 */
class PortForwardsTest {
    private static final int TCP = 6;
    private static final int UDP = 17;

    private static PortForwards.Forward forward(String name, int protocol, int port, String server, int serverPort,
            int weight) {
        return new PortForwards.Forward(name, protocol, port, port, ip(server), serverPort, weight, null);
    }

    private static TestGateway gateway(PortForwards.Forward... forwards) {
        TestGateway g = new TestGateway();
        assertNull(g.translator.setPortForwards(PortForwards.of(List.of(forwards))));
        return g;
    }

    /** A SYN from SERVER:remotePort (the outside client here) to the outside address's port; where it went. */
    private static String connect(TestGateway g, int remotePort, int port) {
        byte[] out = g.in(tcp(SERVER, remotePort, OUTSIDE, port).flags(TcpHeader.SYN).build());
        return g.verdict == FORWARD_INSIDE ? masq.api.Ipv4.toString(Ipv4Header.destination(out, 0)) + ":"
                + Bytes.get16(out, Ipv4Header.MIN_LENGTH + 2) : "dropped";
    }

    @Test
    @DisplayName("a connection to a forwarded port reaches the server; its replies leave from the forwarded port")
    void aForwardReachesTheServerAndItsRepliesLeaveFromThePort() {
        TestGateway g = gateway(forward("web", TCP, 8080, A, 80, 10));
        g.expect(Translator.OUTSIDE, tcp(SERVER, 40000, OUTSIDE, 8080).flags(TcpHeader.SYN).build(), FORWARD_INSIDE,
                tcp(SERVER, 40000, A, 80).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(Translator.INSIDE, tcp(A, 80, SERVER, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 8080, SERVER, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        assertEquals(1, g.translator.portForwards().hits(0));
        assertEquals("dropped", connect(g, 40001, 8081), "an unforwarded port stays closed");
    }

    @Test
    @DisplayName("ipmasqadm portfw -p: weights 1 and 3 split 400 connections 100 / 300, each staying with its server")
    void weightsShareNewConnectionsAndEachStaysWithItsServer() {
        TestGateway g = gateway(forward("one", TCP, 80, A, 80, 1), forward("three", TCP, 80, B, 80, 3));
        String[] serverOf = new String[400];
        int toA = 0;
        for (int i = 0; i < 400; i++) {
            serverOf[i] = connect(g, 20000 + i, 80);
            toA += serverOf[i].equals(A + ":80") ? 1 : 0;
        }
        assertEquals(100, toA);
        assertEquals(100, g.translator.portForwards().hits(0));
        assertEquals(300, g.translator.portForwards().hits(1));
        for (int i = 0; i < 400; i += 37) {
            byte[] out = g.in(tcp(SERVER, 20000 + i, OUTSIDE, 80).payload("more").build());
            assertEquals(serverOf[i], masq.api.Ipv4.toString(Ipv4Header.destination(out, 0)) + ":80",
                    "connection " + i + " stays with its server");
        }
        g.expect(Translator.INSIDE, tcp(B, 80, SERVER, 20001).flags(TcpHeader.ACK).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 80, SERVER, 20001).flags(TcpHeader.ACK).ttl(63).build());
    }

    @Test
    @DisplayName("a client reusing its port after a closed connection takes the next turn, not its predecessor's server")
    void aReusedClientPortTakesTheNextTurn() {
        TestGateway g = gateway(forward("one", TCP, 80, A, 80, 1), forward("two", TCP, 80, B, 80, 1));
        assertEquals(A + ":80", connect(g, 40000, 80)); // the client's SYN is sequence 0
        g.out(tcp(A, 80, SERVER, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).seq(5000, 1).build());
        g.in(tcp(SERVER, 40000, OUTSIDE, 80).flags(TcpHeader.ACK | TcpHeader.FIN).seq(1, 5001).build());
        g.out(tcp(A, 80, SERVER, 40000).flags(TcpHeader.ACK | TcpHeader.FIN).seq(5001, 2).build());
        g.in(tcp(SERVER, 40000, OUTSIDE, 80).flags(TcpHeader.ACK).seq(2, 5002).build());
        assertEquals(0, g.count(Counter.DROP_TCP_WINDOW));
        assertEquals(B + ":80", connect(g, 40000, 80), "the closed session does not keep the new connection on A");
        assertEquals(A + ":80", connect(g, 40001, 80));
        assertEquals(B + ":80", connect(g, 40000, 80), "a retransmitted SYN stays with the connection it opened");
        assertEquals(1, g.count(Counter.TCP_REOPENED));
        assertEquals(2, g.translator.portForwards().hits(0));
        assertEquals(1, g.translator.portForwards().hits(1), "B took the reused port's connection, once");
    }

    @ParameterizedTest
    @EnumSource(PortAllocation.class)
    @DisplayName("a forwarded port is never given to an outbound mapping, in the range or out of it")
    void aForwardedPortIsNeverGivenToAnOutboundMapping(PortAllocation allocation) {
        TestGateway g = new TestGateway(TestGateway.base().allocation(allocation).ports(61000, 61001).build());
        assertNull(g.translator.setPortForwards(PortForwards.of(List.of(forward("a", UDP, 61000, A, 5000, 1),
                forward("b", UDP, 6112, A, 6112, 1)))));
        byte[] out = g.out(udp(C, 6112, SERVER, 53).build());
        assertEquals(61001, Bytes.get16(out, Ipv4Header.MIN_LENGTH), "6112 is forwarded, 61000 too");
        g.run(0, udp(B, 61001, SERVER, 53).build()); // C's mapping holds 61001: not preservable either
        assertEquals(Translator.REPLY, g.verdict, "the range has no port left: 61000 is the forward's");
        assertEquals(1, g.count(Counter.PORTS_EXHAUSTED_UDP));
    }

    @Test
    @DisplayName("a forward on a port a mapping holds is taken: the mapping goes on beside the forward's connections")
    void aForwardOnAHeldPortSharesItWithTheMapping() {
        TestGateway g = new TestGateway(TestGateway.base().allocation(PortAllocation.PRESERVE).build());
        g.out(tcp(C, 9000, SERVER, 80).flags(TcpHeader.SYN).build()); // preserve: C's connection holds 9000
        assertNull(g.translator.setPortForwards(PortForwards.of(List.of(forward("game", TCP, 9000, A, 9000, 1)))));
        assertEquals(A + ":9000", connect(g, 40000, 9000), "a new connection is the forward's");
        byte[] back = g.in(tcp(SERVER, 80, OUTSIDE, 9000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals(ip(C), Ipv4Header.destination(back, 0), "C's connection goes on");
        byte[] out = g.out(tcp(B, 9000, SERVER, 80).flags(TcpHeader.SYN).build());
        assertTrue(Bytes.get16(out, Ipv4Header.MIN_LENGTH) != 9000, "no new outbound mapping gets the forwarded port");
        assertEquals("x: tcp 81 -> 10.0.0.5:80 weight 1: 10.0.0.5 is not in the inside networks",
                g.translator.setPortForwards(PortForwards.of(List.of(forward("x", TCP, 81, "10.0.0.5", 80, 1)))));
        assertEquals(List.of("game"), g.translator.portForwards().forwards().stream().map(f -> f.name()).toList());
    }

    @Test
    @DisplayName("overlapping ranges, a server named twice for a port and bad values are refused by name")
    void badSetsAreRefusedByName() {
        assertEquals("b: tcp 8000-8010 -> 192.168.0.3:80-90 weight 1 overlaps tcp 8005 -> 192.168.0.2:80 weight 1 "
                + "without the same ports", assertThrows(IllegalArgumentException.class, () -> PortForwards.of(List.of(
                forward("a", TCP, 8005, A, 80, 1), new PortForwards.Forward("b", TCP, 8000, 8010, ip(B), 80, 1,
                        null)))).getMessage());
        assertEquals("b: tcp 80 -> 192.168.0.2:80 weight 3 repeats a's server", assertThrows(
                IllegalArgumentException.class, () -> PortForwards.of(List.of(forward("a", TCP, 80, A, 80, 1),
                        forward("b", TCP, 80, A, 80, 3)))).getMessage());
        assertEquals("w: weight 0 is not at least 1", assertThrows(IllegalArgumentException.class,
                () -> forward("w", TCP, 80, A, 80, 0)).getMessage());
        assertEquals("p: protocol 1 is not tcp or udp", assertThrows(IllegalArgumentException.class,
                () -> forward("p", 1, 80, A, 80, 1)).getMessage());
        assertEquals("r: outside ports 0-0 are not a range within 1-65535", assertThrows(IllegalArgumentException.class,
                () -> forward("r", TCP, 0, A, 80, 1)).getMessage());
        assertEquals("i: inside ports from 65530 run past 65535", assertThrows(IllegalArgumentException.class,
                () -> new PortForwards.Forward("i", TCP, 6000, 6009, ip(A), 65530, 1, null)).getMessage());
        assertEquals("udp 53 -> 192.168.0.2:53 weight 1", forward("u", UDP, 53, A, 53, 1).describe());
    }

    @Test
    @DisplayName("one server behind two forwarded ports: a connection on each, each reply from its own port")
    void oneServerBehindTwoForwards() {
        TestGateway g = gateway(forward("a", TCP, 8080, A, 80, 1), forward("b", TCP, 8081, A, 80, 1));
        assertEquals(A + ":80", connect(g, 40000, 8080));
        assertEquals(A + ":80", connect(g, 40001, 8081), "the server's binding on 8080 does not block 8081's");
        g.expect(Translator.INSIDE, tcp(A, 80, SERVER, 40001).flags(TcpHeader.SYN | TcpHeader.ACK).build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 8081, SERVER, 40001).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        g.expect(Translator.INSIDE, tcp(A, 80, SERVER, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 8080, SERVER, 40000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        assertEquals(0, g.count(Counter.DROP_INBOUND_CONFLICT));
    }

    @Test
    @DisplayName("a range forwards each port to the inside port at the same offset (X displays 6000-6009)")
    void aRangeKeepsTheOffset() {
        TestGateway g = gateway(new PortForwards.Forward("x11", TCP, 6000, 6009, ip(A), 6000, 1, null));
        assertEquals(A + ":6003", connect(g, 40000, 6003));
        assertEquals(A + ":6009", connect(g, 40001, 6009));
        assertEquals("dropped", connect(g, 40002, 6010));
    }

    @Test
    @DisplayName("an inside host reaches a forward by the outside address, with its source translated (hairpin)")
    void insideHostsReachAForwardByTheOutsideAddress() {
        TestGateway g = gateway(forward("web", TCP, 8080, A, 80, 10));
        byte[] out = g.out(tcp(B, 41000, OUTSIDE, 8080).flags(TcpHeader.SYN).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertEquals(ip(A), Ipv4Header.destination(out, 0));
        assertEquals(ip(OUTSIDE), Ipv4Header.source(out, 0), "the server sees the gateway, so it answers through it");
        int bPort = Bytes.get16(out, Ipv4Header.MIN_LENGTH);
        g.expect(Translator.INSIDE, tcp(A, 80, OUTSIDE, bPort).flags(TcpHeader.SYN | TcpHeader.ACK).build(),
                FORWARD_INSIDE, tcp(OUTSIDE, 8080, B, 41000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        assertEquals(2, g.count(Counter.HAIRPINNED));
    }

    @Test
    @DisplayName("removing a forward ends it for new connections; those it made go on until they end")
    void removalEndsNewConnectionsOnly() {
        TestGateway g = gateway(forward("web", TCP, 8080, A, 80, 10));
        assertEquals(A + ":80", connect(g, 40000, 8080));
        assertNull(g.translator.setPortForwards(PortForwards.none()));
        g.in(tcp(SERVER, 40000, OUTSIDE, 8080).payload("GET").build());
        assertEquals(FORWARD_INSIDE, g.verdict, "the established connection goes on");
        assertEquals("dropped", connect(g, 40001, 8080));
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS + 1);
        assertEquals(0, g.translator.mappingCount());
        g.translator.setPortAllocation(PortAllocation.PRESERVE);
        byte[] out = g.out(udp(C, 8080, SERVER, 53).build());
        assertEquals(8080, Bytes.get16(out, Ipv4Header.MIN_LENGTH), "8080 is an ordinary port again");
        assertTrue(g.translator.portForwards().forwards().isEmpty());
    }
}
