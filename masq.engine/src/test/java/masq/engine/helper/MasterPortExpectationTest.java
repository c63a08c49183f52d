package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.B;
import static masq.engine.helper.HelperGateway.INSIDE;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.helper.HelperGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.ip;
import static masq.engine.packet.PacketBuilder.udp;
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
import masq.api.admin.MappingDTO;
import masq.engine.nat.Counter;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Mapping;
import masq.engine.nat.Timeouts;
import masq.engine.nat.Translator;

/**
 * {@link PortPolicy#MASTER}: a related flow on the master's own gateway port, as NetQuake's
 * accept on a new server port needs (protocols.md §5.4), under both mapping behaviours.
 */
class MasterPortExpectationTest {
    private static final int OUT = Translator.OUTSIDE;
    private final List<Integer> registered = new ArrayList<>();

    private static HelperGateway gateway(Mapping mapping) {
        return new HelperGateway(EngineConfig.builder().insideAddress(INSIDE + "/24").outsideAddress(OUTSIDE + "/24")
                .allocation(PortAllocation.SEQUENTIAL).mapping(mapping).build());
    }

    /** A "quake" helper on udp/26000 registering {@code how} on each inbound "ACCEPT". */
    private void quake(HelperGateway g, ToIntFunction<HelperContext> how) {
        g.install(new TestHelpers.Recording((c, p) -> {
            if (p.startsWith("ACCEPT")) {
                registered.add(how.applyAsInt(c));
            }
            return Verdict.ACCEPT;
        }), "quake", "udp", 26000);
    }

    private static int onMastersPort(HelperContext c, int remotePort) {
        return c.expect(Transport.UDP).remotePort(remotePort).portPolicy(PortPolicy.MASTER).register();
    }

    private void connect(HelperGateway g) {
        g.expect("connect", 0, udp(A, 27000, SERVER, 26000).payload("CONNECT").build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER, 26000).payload("CONNECT").ttl(63).build());
        g.in(udp(SERVER, 26000, OUTSIDE, 61000).payload("ACCEPT").build());
    }

    private static long masterIdOf(HelperGateway g, int remotePort) {
        return rows(g).stream().filter(m -> m.remotePort == remotePort).findFirst().orElseThrow().masterId;
    }

    private static List<MappingDTO> rows(HelperGateway g) {
        return g.translator.mappings(100, g.dispatch::helperName, g.dispatch::masterId);
    }

    @Test
    void theServersNewPortIsLetInOnTheMastersPortUnderEndpointIndependentMapping() {
        HelperGateway g = gateway(Mapping.ENDPOINT_INDEPENDENT);
        quake(g, c -> onMastersPort(c, 26001));
        connect(g);
        assertEquals(List.of(61000), registered, "the master's own port");
        g.expect("server talks first from its new port", OUT, udp(SERVER, 26001, OUTSIDE, 61000).payload("s").build(),
                FORWARD_INSIDE, udp(SERVER, 26001, A, 27000).payload("s").ttl(63).build());
        g.expect("client answers", 0, udp(A, 27000, SERVER, 26001).build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER, 26001).ttl(63).build());
        assertEquals(rows(g).stream().filter(m -> m.remotePort == 26000).findFirst().orElseThrow().id,
                masterIdOf(g, 26001), "linked to the connect flow");
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
    }

    @Test
    void withoutTheExpectationTheServersNewPortIsFiltered() {
        HelperGateway g = gateway(Mapping.ENDPOINT_INDEPENDENT);
        quake(g, c -> 0);
        connect(g);
        long before = g.count(Counter.DROP_FILTERED);
        g.run(OUT, udp(SERVER, 26001, OUTSIDE, 61000).payload("s").build());
        assertEquals(Translator.DROP, g.verdict);
        assertEquals(before + 1, g.count(Counter.DROP_FILTERED));
    }

    @Test
    void theClientsPacketsToTheNewPortJoinTheMastersPortUnderPortDependentMapping() {
        HelperGateway g = gateway(Mapping.ADDRESS_AND_PORT_DEPENDENT);
        quake(g, c -> onMastersPort(c, 26001));
        connect(g);
        g.expect("client first, to the new port", 0, udp(A, 27000, SERVER, 26001).payload("c").build(),
                FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 26001).payload("c").ttl(63).build());
        g.expect("server", OUT, udp(SERVER, 26001, OUTSIDE, 61000).build(), FORWARD_INSIDE,
                udp(SERVER, 26001, A, 27000).ttl(63).build());
        assertEquals(1, g.count(Counter.EXPECT_MATCHED));
        assertTrue(masterIdOf(g, 26001) != 0, "linked to the connect flow");
        g.expect("another server still gets its own port", 0, udp(A, 27000, SERVER2, 26000).build(),
                FORWARD_OUTSIDE, udp(OUTSIDE, 61002, SERVER2, 26000).ttl(63).build());
    }

    @Test
    void withoutTheHelperPortDependentMappingMovesTheClientToAnotherPort() {
        HelperGateway g = gateway(Mapping.ADDRESS_AND_PORT_DEPENDENT);
        connect(g);
        g.expect("Linux 2.2 without ip_masq_quake", 0, udp(A, 27000, SERVER, 26001).build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61002, SERVER, 26001).ttl(63).build());
    }

    @Test
    void onlyTheNamedRemotePortAndAddressAreLetIn() {
        HelperGateway g = gateway(Mapping.ENDPOINT_INDEPENDENT);
        quake(g, c -> onMastersPort(c, 26001));
        connect(g);
        long filtered = g.count(Counter.DROP_FILTERED);
        g.run(OUT, udp(SERVER, 26002, OUTSIDE, 61000).build());
        g.run(OUT, udp(SERVER2, 26001, OUTSIDE, 61000).build());
        assertEquals(filtered + 2, g.count(Counter.DROP_FILTERED));
        assertEquals(1, g.dispatch.expectations(g.now).size(), "still waiting for the named remote");
    }

    @Test
    void misuseIsRefusedAndCounted() {
        HelperGateway g = gateway(Mapping.ENDPOINT_INDEPENDENT);
        quake(g, c -> {
            int fromInside = c.expect(Transport.UDP).remotePort(26001).portPolicy(PortPolicy.MASTER).fromInside()
                    .register();
            int otherTransport = c.expect(Transport.TCP).remotePort(26001).portPolicy(PortPolicy.MASTER).register();
            int otherInsidePort = c.expect(Transport.UDP).remotePort(26001).insideTarget(ip(A), 27002)
                    .portPolicy(PortPolicy.MASTER).register();
            int otherHost = c.expect(Transport.UDP).remotePort(26001).insideTarget(ip(B), 27000)
                    .portPolicy(PortPolicy.MASTER).register();
            return fromInside + otherTransport + otherInsidePort + otherHost;
        });
        connect(g);
        assertEquals(List.of(-4), registered);
        assertEquals(4, g.count(Counter.EXPECT_REFUSED));
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
    }

    @Test
    void anExpiredOrPurgedExpectationLeavesTheMastersPortToTheMaster() {
        HelperGateway g = gateway(Mapping.ENDPOINT_INDEPENDENT);
        quake(g, c -> onMastersPort(c, 26001));
        connect(g);
        g.advanceSeconds(130); // the expectation's 120 s are up, the flow's 300 s are not
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        g.expect("another host does not get the master's port", 0, udp(B, 27000, SERVER2, 26000).build(),
                FORWARD_OUTSIDE, udp(OUTSIDE, 61002, SERVER2, 26000).ttl(63).build());
        g.expect("the master still works", OUT, udp(SERVER, 26000, OUTSIDE, 61000).build(), FORWARD_INSIDE,
                udp(SERVER, 26000, A, 27000).ttl(63).build());
        g.advanceSeconds(2 * Timeouts.UDP_SECONDS);
        assertEquals(0, g.translator.mappingCount());
        g.out(udp(B, 1, SERVER, 1).build());
        g.out(udp(B, 2, SERVER, 1).build());
        g.out(udp(B, 3, SERVER, 1).build());
        assertEquals(3, g.translator.mappingCount(), "each port freed once: three new flows, three ports");
        assertEquals(3, rows(g).stream().mapToInt(m -> m.outsidePort).distinct().count());
    }

    @Test
    void aSecondExpectationOnTheSamePortIsRefused() {
        HelperGateway g = gateway(Mapping.ENDPOINT_INDEPENDENT);
        quake(g, c -> onMastersPort(c, 26001));
        connect(g);
        g.in(udp(SERVER, 26000, OUTSIDE, 61000).payload("ACCEPT").build());
        assertEquals(List.of(61000, 61000), registered, "the helper's limit of 1 replaces the first");
        assertEquals(1, g.dispatch.expectations(g.now).size());
        assertEquals(1, g.count(Counter.EXPECT_REPLACED));
    }
}
