package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.C;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.TestGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.FIN;
import static masq.engine.packet.TcpHeader.RST;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.Stream;
import masq.api.admin.MappingDTO;
import masq.engine.packet.Bytes;
import masq.engine.packet.IcmpHeader;
import masq.engine.packet.PacketBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closed TCP sessions and the port range: reopening on a new SYN, and reclaiming the binding of the
 * least recently used closed session when the range is exhausted (FlowTable's class comment has the
 * RFC reasoning: RFC 5382 REQ-5, RFC 6888 REQ-8 and REQ-11, RFC 7857 §2.2, RFC 5508 REQ-8).
 */
class TcpReclaimTest {
    private static final int LOW = 30000;
    private static final int FIRST_CLIENT_PORT = 40000;

    /** Opens a connection from A:{@code port} to SERVER:80 and drives it to {@code state}; the gateway port. */
    static int connect(TestGateway g, int port, String state) {
        return connect(g, port, SERVER, state);
    }

    static int connect(TestGateway g, int port, String server, String state) {
        return connect(g, A, port, server, state);
    }

    static int connect(TestGateway g, String host, int port, String server, String state) {
        byte[] syn = g.out(tcp(host, port, server, 80).flags(SYN).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "SYN from " + port);
        int gw = Bytes.get16(syn, 20);
        if (!state.equals("SYN_SENT")) {
            g.in(tcp(server, 80, OUTSIDE, gw).flags(SYN | ACK).build());
            g.out(tcp(host, port, server, 80).flags(ACK).build());
        }
        switch (state) {
            case "FIN_WAIT":
                g.out(tcp(host, port, server, 80).flags(FIN | ACK).build());
                break;
            case "CLOSE_WAIT":
                g.in(tcp(server, 80, OUTSIDE, gw).flags(FIN | ACK).build());
                break;
            case "TIME_WAIT":
                g.in(tcp(server, 80, OUTSIDE, gw).flags(FIN | ACK).build());
                g.out(tcp(host, port, server, 80).flags(FIN | ACK).build());
                g.in(tcp(server, 80, OUTSIDE, gw).flags(ACK).build());
                break;
            case "CLOSE":
                g.in(tcp(server, 80, OUTSIDE, gw).flags(RST).build());
                break;
            default:
                break;
        }
        MappingDTO reached = g.translator.mappings(1000, i -> "").stream()
                .filter(r -> r.outsidePort == gw && r.remoteAddress.equals(server)).findFirst().orElseThrow();
        assertEquals(state, reached.state, "driver reached " + state);
        return gw;
    }

    static MappingDTO row(TestGateway g, int gatewayPort) {
        List<MappingDTO> rows = g.translator.mappings(1000, i -> "");
        return rows.stream().filter(r -> r.outsidePort == gatewayPort).findFirst().orElse(null);
    }

    static Stream<Arguments> exhaustion() {
        return Stream.of(
                Arguments.of("RFC 6888 REQ-8 (TCP exception): the oldest TIME_WAIT binding is reclaimed",
                        new String[] {"TIME_WAIT", "ESTABLISHED", "TIME_WAIT"}, 0),
                Arguments.of("RFC 7857 §2.2 yields to exhaustion: an RST-closed binding is reclaimed",
                        new String[] {"ESTABLISHED", "CLOSE", "SYN_SENT"}, 1),
                Arguments.of("least recently used first: closed by RST before the TIME_WAIT ones",
                        new String[] {"CLOSE", "TIME_WAIT", "TIME_WAIT"}, 0),
                Arguments.of("RFC 6888 REQ-11: live sessions (established, half-closed) are never evicted",
                        new String[] {"ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT"}, -1),
                Arguments.of("RFC 5382 REQ-5: half-open sessions keep their 4 min, not reclaimed",
                        new String[] {"SYN_SENT", "SYN_SENT", "SYN_SENT"}, -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exhaustion")
    void exhaustedRangeReclaimsOnlyClosedSessions(String name, String[] states, int reclaimed) {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW + states.length - 1).build());
        for (int i = 0; i < states.length; i++) {
            assertEquals(LOW + i, connect(g, FIRST_CLIENT_PORT + i, states[i]));
        }
        byte[] out = g.out(tcp(A, 50000, SERVER, 80).flags(SYN).build());
        if (reclaimed < 0) {
            assertEquals(REPLY, g.verdict, name);
            assertEquals(IcmpHeader.DESTINATION_UNREACHABLE, out[20], "RFC 5508 REQ-8: ICMP 3/13");
            assertEquals(IcmpHeader.CODE_ADMIN_PROHIBITED, out[21]);
            assertEquals(1, g.count(Counter.PORTS_EXHAUSTED_TCP));
            assertEquals(0, g.count(Counter.TCP_RECLAIMED_CLOSED));
            for (int i = 0; i < states.length; i++) {
                assertEquals(states[i], row(g, LOW + i).state, "untouched: " + i);
            }
            return;
        }
        assertEquals(FORWARD_OUTSIDE, g.verdict, name);
        assertEquals(LOW + reclaimed, Bytes.get16(out, 20), "the reclaimed port");
        assertEquals(1, g.count(Counter.TCP_RECLAIMED_CLOSED));
        assertEquals(0, g.count(Counter.PORTS_EXHAUSTED_TCP));
        assertEquals(states.length, g.translator.mappingCount());
        assertEquals(50000, row(g, LOW + reclaimed).insidePort);
        for (int i = 0; i < states.length; i++) {
            if (i != reclaimed) {
                assertEquals(states[i], row(g, LOW + i).state, "untouched: " + i);
                assertEquals(FIRST_CLIENT_PORT + i, row(g, LOW + i).insidePort);
            }
        }
    }

    @Test
    @DisplayName("RFC 6888 REQ-4: at the per-host limit, the host's own closed session is reclaimed, no other's")
    void perHostLimitReclaimsTheHostsOwnClosedSession() {
        TestGateway g = new TestGateway(TestGateway.base().limits(100, 2, 10).build());
        connect(g, B, FIRST_CLIENT_PORT, SERVER, "TIME_WAIT");
        connect(g, A, FIRST_CLIENT_PORT, SERVER, "TIME_WAIT");
        connect(g, A, FIRST_CLIENT_PORT + 1, SERVER, "ESTABLISHED");
        connect(g, A, FIRST_CLIENT_PORT + 2, SERVER, "SYN_SENT");
        assertEquals(1, g.count(Counter.TCP_RECLAIMED_CLOSED));
        assertEquals("TIME_WAIT", row(g, 61000).state, "B's older closed session is not A's to take");
        g.run(0, tcp(A, FIRST_CLIENT_PORT + 3, SERVER, 80).flags(SYN).build());
        assertEquals(REPLY, g.verdict, "only live sessions left: refused");
        assertEquals(1, g.count(Counter.DROP_LIMIT_HOST));
        assertEquals(3, g.translator.mappingCount());
    }

    @Test
    void totalLimitReclaimsTheOldestClosedSession() {
        TestGateway g = new TestGateway(TestGateway.base().limits(2, 2, 10).build());
        connect(g, A, FIRST_CLIENT_PORT, SERVER, "CLOSE");
        connect(g, B, FIRST_CLIENT_PORT, SERVER, "ESTABLISHED");
        connect(g, C, FIRST_CLIENT_PORT, SERVER, "ESTABLISHED");
        assertEquals(1, g.count(Counter.TCP_RECLAIMED_CLOSED));
        g.run(0, tcp(C, FIRST_CLIENT_PORT + 1, SERVER, 80).flags(SYN).build());
        assertEquals(REPLY, g.verdict);
        assertEquals(1, g.count(Counter.DROP_LIMIT_TOTAL));
    }

    @Test
    void theClosedSessionOfTheBindingANewSessionJoinsIsKept() {
        TestGateway g = new TestGateway(TestGateway.base().limits(1, 1, 10).build());
        int gw = connect(g, A, FIRST_CLIENT_PORT, SERVER, "TIME_WAIT");
        g.run(0, tcp(A, FIRST_CLIENT_PORT, SERVER2, 80).flags(SYN).build());
        assertEquals(REPLY, g.verdict, "reclaiming it would free the binding the new session needs");
        assertEquals(0, g.count(Counter.TCP_RECLAIMED_CLOSED));
        assertEquals("TIME_WAIT", row(g, gw).state);
    }

    @Test
    void aPacketOnAClosedSessionMakesItTheMostRecentlyUsed() {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW + 1).build());
        connect(g, FIRST_CLIENT_PORT, "TIME_WAIT");
        connect(g, FIRST_CLIENT_PORT + 1, "TIME_WAIT");
        g.out(tcp(A, FIRST_CLIENT_PORT, SERVER, 80).flags(ACK).build());
        byte[] out = g.out(tcp(A, 50000, SERVER, 80).flags(SYN).build());
        assertEquals(LOW + 1, Bytes.get16(out, 20));
        assertEquals("TIME_WAIT", row(g, LOW).state);
    }

    @Test
    @DisplayName("RFC 4787 REQ-1 / RFC 5382 REQ-1: a binding is reclaimed only when none of its sessions is live")
    void aBindingWithOneLiveSessionIsNotReclaimed() {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW).build());
        connect(g, FIRST_CLIENT_PORT, SERVER, "TIME_WAIT");
        connect(g, FIRST_CLIENT_PORT, SERVER2, "ESTABLISHED");
        g.run(0, tcp(A, 50000, SERVER, 80).flags(SYN).build());
        assertEquals(REPLY, g.verdict);
        assertEquals(0, g.count(Counter.TCP_RECLAIMED_CLOSED));
        assertEquals(2, g.translator.mappingCount());
    }

    @Test
    void aClosedSessionWithAHelperIsNotReclaimed() {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW).build());
        g.translator.setHook(new FlowHook() {
            @Override
            public int mappingCreated(int mapping, long id, int protocol, int insideAddress, int insidePort,
                    int remoteAddress, int remotePort, int gatewayPort) {
                return 0;
            }

            @Override
            public void mappingRemoved(int mapping, long id, int helper) {
            }

            @Override
            public boolean payload(int mapping, int helper, boolean outbound, PacketBuffer packet, int payloadOffset,
                    int payloadLength) {
                return true;
            }
        });
        connect(g, FIRST_CLIENT_PORT, "TIME_WAIT");
        g.run(0, tcp(A, 50000, SERVER, 80).flags(SYN).build());
        assertEquals(REPLY, g.verdict, "a master connection outlives its related ones: not reclaimed");
        assertEquals(0, g.count(Counter.TCP_RECLAIMED_CLOSED));
    }

    @Test
    @DisplayName("RFC 4787 REQ-5: UDP has no closed state; closed TCP sessions free no UDP port")
    void udpExhaustionIsUnchanged() {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW).build());
        connect(g, FIRST_CLIENT_PORT, "TIME_WAIT");
        g.out(udp(A, 2000, SERVER, 53).build());
        g.run(0, udp(A, 2002, SERVER, 53).build());
        assertEquals(REPLY, g.verdict);
        assertEquals(1, g.count(Counter.PORTS_EXHAUSTED_UDP));
        assertEquals(0, g.count(Counter.TCP_RECLAIMED_CLOSED));
    }

    @Test
    void aReservationForAHelperReclaimsToo() {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW).build());
        connect(g, FIRST_CLIENT_PORT, "TIME_WAIT");
        assertEquals(LOW, g.translator.reservePort(6));
        assertEquals(0, g.translator.mappingCount());
        assertEquals(-1, g.translator.reservePort(6));
    }

    static Stream<Arguments> reopen() {
        return Stream.of(Arguments.of("TIME_WAIT"), Arguments.of("CLOSE"));
    }

    @ParameterizedTest(name = "a new SYN on a session in {0} reopens it on the same port")
    @MethodSource("reopen")
    void newSynReopensAClosedSession(String state) {
        TestGateway g = new TestGateway();
        int gw = connect(g, FIRST_CLIENT_PORT, state);
        g.expect(0, tcp(A, FIRST_CLIENT_PORT, SERVER, 80).flags(SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, gw, SERVER, 80).flags(SYN).ttl(63).build());
        assertEquals("SYN_SENT", row(g, gw).state);
        g.in(tcp(SERVER, 80, OUTSIDE, gw).flags(SYN | ACK).build());
        assertEquals("ESTABLISHED", row(g, gw).state);
        assertEquals(1, g.count(Counter.MAPPINGS_CREATED), "no new mapping");
        assertEquals(1, g.count(Counter.TCP_REOPENED));
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS + 1);
        assertEquals("ESTABLISHED", row(g, gw).state, "the reopened session has the established timeout");
    }

    @Test
    void aSynOnAHalfClosedSessionDoesNotReopenIt() {
        TestGateway g = new TestGateway();
        int gw = connect(g, FIRST_CLIENT_PORT, "CLOSE_WAIT");
        g.out(tcp(A, FIRST_CLIENT_PORT, SERVER, 80).flags(SYN).build());
        assertEquals("CLOSE_WAIT", row(g, gw).state);
        assertEquals(0, g.count(Counter.TCP_REOPENED));
    }

    @Test
    @DisplayName("issue: wrk with Connection: close over 16 ports, ever-new client ports, never exhausts")
    void shortConnectionsFromNewPortsNeverExhaustATinyRange() {
        TestGateway g = new TestGateway(TestGateway.base().ports(LOW, LOW + 15).build());
        int connections = 5000;
        for (int i = 0; i < connections; i++) {
            int gw = connect(g, 1024 + i, "TIME_WAIT");
            assertEquals(LOW + i % 16, gw, "connection " + i);
            if (i % 50 == 49) {
                g.advanceSeconds(1);
            }
        }
        assertEquals(0, g.count(Counter.PORTS_EXHAUSTED_TCP));
        assertEquals(0, g.count(Counter.SENT_UNREACHABLE));
        assertEquals(connections - 16, g.count(Counter.TCP_RECLAIMED_CLOSED));
        assertEquals(16, g.translator.mappingCount());
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS);
        assertEquals(0, g.translator.mappingCount(), "the last ones still expire");
        assertNull(row(g, LOW));
    }
}
