package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.B;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.helper.HelperGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.ip;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.RST;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

import masq.api.HelperContext;
import masq.api.PortPolicy;
import masq.api.Transport;
import masq.api.Verdict;
import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Counter;
import masq.engine.nat.Translator;

/**
 * {@link masq.api.ExpectationBuilder#repeating()}: a client's listening port announced for its
 * session (an ICQ login over UDP naming the direct-connection port), open to every peer while the
 * login flow lives, held from outbound mappings, and closed with it.
 */
class RepeatingExpectationTest {
    private static final int OUT = Translator.OUTSIDE;
    private static final String PEER3 = "198.51.100.77";
    private final HelperGateway g = new HelperGateway();
    private final List<Integer> registered = new ArrayList<>();

    /** An "icq" helper on udp/4000 registering {@code how} on each outbound "LOGIN". */
    private long icq(ToIntFunction<HelperContext> how) {
        return helper("icq", 4000, how);
    }

    private long helper(String name, int port, ToIntFunction<HelperContext> how) {
        return g.install(new TestHelpers.Recording((c, p) -> {
            if (p.startsWith("LOGIN")) {
                registered.add(how.applyAsInt(c));
            }
            return Verdict.ACCEPT;
        }), name, "udp", port);
    }

    private static int listening(HelperContext c) {
        return c.expect(Transport.TCP).anyRemoteAddress().insideTarget(ip(A), 2000).repeating().register();
    }

    private void login() {
        g.expect("login", 0, udp(A, 3000, SERVER, 4000).payload("LOGIN").build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER, 4000).payload("LOGIN").ttl(63).build());
    }

    private void peerConnects(String peer, int port, int gatewayPort) {
        g.expect(peer + ":" + port + " connects", OUT, tcp(peer, port, OUTSIDE, gatewayPort).flags(SYN).build(),
                FORWARD_INSIDE, tcp(peer, port, A, 2000).flags(SYN).ttl(63).build());
    }

    @Test
    void everyPeerReachesTheAnnouncedPortWhileTheLoginLives() {
        icq(RepeatingExpectationTest::listening);
        login();
        assertEquals(List.of(61000), registered, "tcp 61000: the tcp range is its own");
        peerConnects(SERVER2, 5000, 61000);
        peerConnects(PEER3, 5001, 61000);
        peerConnects(SERVER2, 5002, 61000);
        assertEquals(3, g.count(Counter.EXPECT_MATCHED));
        List<ExpectationDTO> pending = g.dispatch.expectations(g.now);
        assertEquals(1, pending.size(), "it stays for the next peer");
        assertEquals(-1, pending.get(0).secondsLeft, "it lasts as long as its master");
        g.expect("A-box answers the second peer", 0, tcp(A, 2000, PEER3, 5001).flags(SYN | ACK).build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, PEER3, 5001).flags(SYN | ACK).ttl(63).build());
    }

    @Test
    void theHeldPortIsNeverGivenToAnOutboundMapping() {
        icq(RepeatingExpectationTest::listening);
        login();
        g.advanceSeconds(200); // no connection has come yet, beyond any expectation timeout
        g.expect("B-box's new mapping skips it", 0, tcp(B, 4000, SERVER, 80).flags(SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61001, SERVER, 80).flags(SYN).ttl(63).build());
        peerConnects(SERVER2, 5000, 61000);
    }

    @Test
    void theHeldPortStaysAfterItsFirstConnectionEnds() {
        icq(RepeatingExpectationTest::listening);
        login();
        peerConnects(SERVER2, 5000, 61000);
        g.in(tcp(SERVER2, 5000, OUTSIDE, 61000).flags(RST).build());
        g.advanceSeconds(30);
        g.expect("B-box's new mapping", 0, tcp(B, 4001, SERVER, 80).flags(SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61001, SERVER, 80).flags(SYN).ttl(63).build());
        peerConnects(PEER3, 6000, 61000);
    }

    @Test
    void theExpectationEndsWithItsMasterAndThePortIsClosed() {
        icq(RepeatingExpectationTest::listening);
        login();
        g.advanceSeconds(100_000); // the login flow times out: no keepalive, no child
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        assertEquals(1, g.count(Counter.EXPECT_PURGED));
        g.in(tcp(SERVER2, 5000, OUTSIDE, 61000).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict, "the port is closed with the session");
    }

    @Test
    void withdrawingTheHelperClosesThePortButLeavesOpenConnections() {
        long id = icq(RepeatingExpectationTest::listening);
        login();
        peerConnects(SERVER2, 5000, 61000);
        g.registry.remove(id);
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        g.in(tcp(PEER3, 5001, OUTSIDE, 61000).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict, "no new peer");
        g.expect("the open connection goes on", OUT, tcp(SERVER2, 5000, OUTSIDE, 61000).flags(ACK).build(),
                FORWARD_INSIDE, tcp(SERVER2, 5000, A, 2000).flags(ACK).ttl(63).build());
    }

    @Test
    void repeatingIsRefusedFromTheInside() {
        icq(c -> c.expect(Transport.TCP).anyRemoteAddress().insideTarget(ip(A), 2000).fromInside().repeating()
                .register());
        login();
        assertEquals(List.of(-1), registered);
        assertEquals(1, g.count(Counter.EXPECT_REFUSED));
    }

    @Test
    void repeatingIsRefusedForAPairOrTheMastersPort() {
        icq(c -> c.expect(Transport.UDP).insideTarget(ip(A), 5004).portPolicy(PortPolicy.EVEN_PAIR).repeating()
                .register());
        login();
        helper("icq2", 4002, c -> c.expect(Transport.UDP).remotePort(4001).portPolicy(PortPolicy.MASTER).repeating().register());
        g.out(udp(A, 3001, SERVER, 4002).payload("LOGIN").build());
        assertEquals(List.of(-1, -1), registered);
        assertEquals(2, g.count(Counter.EXPECT_REFUSED));
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
    }

    @Test
    void aRepeatingExpectationStillNeedsItsRemoteAddressWhenOneIsGiven() {
        icq(c -> c.expect(Transport.TCP).remoteAddress(ip(SERVER2)).insideTarget(ip(A), 2000).repeating().register());
        login();
        peerConnects(SERVER2, 5000, 61000);
        peerConnects(SERVER2, 5001, 61000);
        g.in(tcp(PEER3, 5002, OUTSIDE, 61000).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict, "another address is not let in");
    }
}
