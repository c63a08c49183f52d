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
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.PortPolicy;
import masq.api.Transport;
import masq.api.Verdict;
import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Counter;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Timeouts;
import masq.engine.nat.Translator;

/** Expected related connections: registration, matching, limits, expiry and purges (protocols.md §3.4, §8.3). */
class ExpectationsTest {
    private static final int OUT = Translator.OUTSIDE;
    private final HelperGateway g = new HelperGateway();
    /** What the helper's {@code register()} calls returned, in order. */
    private final List<Integer> registered = new ArrayList<>();

    /** Installs helper "ftp" on tcp/21 that registers {@code how} for every payload starting with "EXPECT". */
    private long ftpExpecting(ToIntFunction<HelperContext> how, Map<String, Object> properties) {
        return g.install(new TestHelpers.Recording((c, p) -> {
            if (p.startsWith("EXPECT")) {
                registered.add(how.applyAsInt(c));
            }
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21, properties);
    }

    private static int activeData(HelperContext c) {
        return c.expect(Transport.TCP).insideTarget(ip(A), 1025).register();
    }

    private void control(String payload) {
        g.out(tcp(A, 40000, SERVER, 21).payload(payload).build());
    }

    @Test
    void protocols3_4_activeDataConnectionFromTheServerReachesTheClient() {
        ftpExpecting(ExpectationsTest::activeData, Map.of());
        control("EXPECT\r\n");
        assertEquals(List.of(61001), registered);
        ExpectationDTO row = g.dispatch.expectations(g.now).get(0);
        assertEquals(List.of("tcp", SERVER, "0", "61001", A, "1025", "1", "ftp", "120"), List.of(row.transport,
                row.remoteAddress, "" + row.remotePort, "" + row.gatewayPort, row.insideAddress, "" + row.insidePort,
                "" + row.masterId, row.helper, "" + row.secondsLeft));
        g.expect("data SYN from the server's port 20", OUT, tcp(SERVER, 20, OUTSIDE, 61001).flags(SYN).build(),
                FORWARD_INSIDE, tcp(SERVER, 20, A, 1025).flags(SYN).ttl(63).build());
        g.expect("data reply", 0, tcp(A, 1025, SERVER, 20).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61001, SERVER, 20).ttl(63).build());
        assertTrue(g.dispatch.expectations(g.now).isEmpty(), "an expectation matches once");
        assertEquals(1, g.count(Counter.EXPECT_MATCHED));
        List<masq.api.admin.MappingDTO> rows = g.translator.mappings(10, g.dispatch::helperName,
                g.dispatch::masterId);
        masq.api.admin.MappingDTO master = rows.stream().filter(m -> m.remotePort == 21).findFirst().orElseThrow();
        masq.api.admin.MappingDTO child = rows.stream().filter(m -> m.remotePort == 20).findFirst().orElseThrow();
        assertEquals(master.id, child.masterId, "masq:table links the data connection to its control connection");
        assertEquals(0, master.masterId);
    }

    @Test
    void aConnectionFromAnotherAddressOrPortIsRefused() {
        ftpExpecting(c -> c.expect(Transport.TCP).remotePort(20).insideTarget(ip(A), 1025).register(), Map.of());
        control("EXPECT\r\n");
        g.in(tcp(SERVER2, 20, OUTSIDE, 61001).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict, "another remote address");
        g.in(tcp(SERVER, 2020, OUTSIDE, 61001).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict, "another remote port");
        g.in(udp(SERVER, 20, OUTSIDE, 61001).build());
        assertEquals(Translator.DROP, g.verdict, "another transport");
        assertEquals(3, g.count(Counter.DROP_NO_MAPPING));
        g.in(tcp(SERVER, 20, OUTSIDE, 61001).flags(SYN).build());
        assertEquals(FORWARD_INSIDE, g.verdict);
    }

    @Test
    void anUnusedExpectationExpiresAndReleasesItsPort() {
        ftpExpecting(c -> c.expect(Transport.TCP).insideTarget(ip(A), 1025).timeoutSeconds(30).register(), Map.of());
        control("EXPECT\r\n");
        g.advanceSeconds(29);
        assertEquals(1, g.dispatch.expectations(g.now).size());
        g.advanceSeconds(1);
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        assertEquals(1, g.count(Counter.EXPECT_EXPIRED));
        g.in(tcp(SERVER, 20, OUTSIDE, 61001).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict);
        assertTrue(g.translator.reservePort(6, 61001), "the port went back to the allocator");
    }

    @Test
    void theOldestOfAMasterIsReplacedAtTheHelpersLimit() {
        ftpExpecting(ExpectationsTest::activeData, Map.of(MasqHelper.MAX_EXPECTED, 2));
        control("EXPECT 1\r\n");
        control("EXPECT 2\r\n");
        control("EXPECT 3\r\n");
        assertEquals(List.of(61001, 61002, 61003), registered);
        assertEquals(List.of(61002, 61003), g.dispatch.expectations(g.now).stream().map(e -> e.gatewayPort).toList());
        assertEquals(1, g.count(Counter.EXPECT_REPLACED));
        assertTrue(g.translator.reservePort(6, 61001), "the replaced one's port was released");
    }

    @Test
    void theTableBoundRefusesFurtherExpectations() {
        HelperGateway small = new HelperGateway(1500, 64, 2);
        List<Integer> results = new ArrayList<>();
        small.install(new TestHelpers.Recording((c, p) -> {
            results.add(c.expect(Transport.TCP).insideTarget(ip(p.startsWith("A") ? A : B), 1025).register());
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21);
        small.out(tcp(A, 40000, SERVER, 21).payload("A").build());
        small.out(tcp(B, 40000, SERVER, 21).payload("B").build());
        small.out(tcp(A, 40001, SERVER, 21).payload("A").build());
        assertEquals(List.of(61001, 61003, -1), results, "61000 and 61002 are the control connections'");
        assertEquals(1, small.count(Counter.EXPECT_REFUSED));
    }

    @Test
    void oneInsideHostCannotFillTheTableForTheOthers() {
        HelperGateway limited = new HelperGateway(EngineConfig.builder().insideAddress(HelperGateway.INSIDE + "/24")
                .outsideAddress(OUTSIDE + "/24").allocation(PortAllocation.SEQUENTIAL).expectationLimits(8, 2).build());
        List<Integer> results = new ArrayList<>();
        limited.install(new TestHelpers.Recording((c, p) -> {
            results.add(c.expect(Transport.TCP).insideTarget(ip(p.startsWith("A") ? A : B), 1025).register());
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21);
        for (int port = 40000; port < 40004; port++) {
            limited.out(tcp(A, port, SERVER, 21).payload("A").build());
        }
        limited.out(tcp(B, 40000, SERVER, 21).payload("B").build());
        assertEquals(List.of(61001, 61003, -1, -1, 61007), results,
                "A's third and fourth connections are refused (61004, 61005 their control ports); B's is not");
        assertEquals(2, limited.count(Counter.EXPECT_LIMIT_HOST));
        assertEquals(2, limited.count(Counter.EXPECT_REFUSED));
        assertEquals(0, limited.count(Counter.EXPECT_LIMIT_TOTAL));
        assertEquals(3, limited.dispatch.expectations(limited.now).size());
    }

    @Test
    void expectationLimitsAreCheckedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineConfig.builder().expectationLimits(16, 32));
        assertEquals("limits.expectations.per.host: 32 is more than limits.expectations, 16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EngineConfig.builder().expectationLimits(0, 1));
        assertEquals("limits.expectations: 0 is not positive", e.getMessage());
    }

    @Test
    void protocols8_3_aForeignInsideTargetOrBadArgumentsAreRefused() {
        List<ToIntFunction<HelperContext>> cases = List.of(
                c -> c.expect(Transport.TCP).insideTarget(ip(B), 1025).register(),
                c -> c.expect(Transport.GRE).insideTarget(ip(A), 1025).register(),
                c -> c.expect(Transport.TCP).insideTarget(ip(A), 70000).register(),
                c -> c.expect(Transport.TCP).insideTarget(ip(A), 1025).remotePort(-5).register(),
                c -> c.expect(Transport.TCP).insideTarget(ip(A), 1025).timeoutSeconds(0).register(),
                c -> c.expect(Transport.TCP).insideTarget(ip(A), 1025).timeoutSeconds(3601).register(),
                c -> c.expect(Transport.TCP).register(),
                c -> {
                    c.expect(Transport.TCP).insideTarget(ip(A), 1025);
                    return c.expect(Transport.UDP).insideTarget(ip(A), 1025).portPolicy(PortPolicy.EVEN_PAIR)
                            .insideTarget(ip(A), 65535).register();
                });
        int port = 40000;
        for (ToIntFunction<HelperContext> how : cases) {
            long id = ftpExpecting(how, Map.of());
            g.out(tcp(A, port++, SERVER, 21).payload("EXPECT\r\n").build());
            g.registry.remove(id);
        }
        assertEquals(List.of(-1, -1, -1, -1, -1, -1, -1, -1), registered);
        assertEquals(cases.size(), g.count(Counter.EXPECT_REFUSED));
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
    }

    @Test
    void aHelperAllowedNoExpectationsGetsNone() {
        ftpExpecting(ExpectationsTest::activeData, Map.of(MasqHelper.MAX_EXPECTED, 0));
        control("EXPECT\r\n");
        assertEquals(List.of(-1), registered);
    }

    @Test
    void registeringTwiceFromOneBuilderRegistersOnce() {
        ftpExpecting(c -> {
            masq.api.ExpectationBuilder b = c.expect(Transport.TCP).insideTarget(ip(A), 1025);
            return b.register() + b.register();
        }, Map.of(MasqHelper.MAX_EXPECTED, 5));
        control("EXPECT\r\n");
        assertEquals(List.of(61001 - 1), registered);
        assertEquals(1, g.dispatch.expectations(g.now).size());
    }

    @Test
    void theMasterLivesWhileItsChildDoesAndItsEndPurgesPendingExpectations() {
        ftpExpecting(ExpectationsTest::activeData, Map.of(MasqHelper.MAX_EXPECTED, 2));
        control("EXPECT 1\r\n");
        g.in(tcp(SERVER, 20, OUTSIDE, 61001).flags(SYN).build());
        control("EXPECT 2\r\n");
        for (int i = 0; i < 3; i++) {
            g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS - 10);
            g.out(tcp(A, 1025, SERVER, 20).build());
        }
        assertEquals(2, g.translator.mappingCount(), "the control connection outlived its timeout");
        g.advanceSeconds(Timeouts.TCP_ESTABLISHED_SECONDS + 1);
        assertEquals(0, g.translator.mappingCount(), "the master expired after its child");
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        assertEquals(1, g.count(Counter.EXPECT_PURGED) + g.count(Counter.EXPECT_EXPIRED));
    }

    @Test
    void flushingTheMasterPurgesItsExpectations() {
        ftpExpecting(ExpectationsTest::activeData, Map.of());
        control("EXPECT\r\n");
        g.translator.flush();
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        assertEquals(1, g.count(Counter.EXPECT_PURGED));
    }

    @Test
    void withdrawingTheHelperPurgesItsExpectationsAndLeavesTrafficFlowing() {
        long id = ftpExpecting(ExpectationsTest::activeData, Map.of());
        control("EXPECT\r\n");
        g.registry.remove(id);
        g.expect("control still translated", 0, tcp(A, 40000, SERVER, 21).payload("EXPECT\r\n").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).payload("EXPECT\r\n").ttl(63).build());
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        assertEquals(1, g.count(Counter.EXPECT_PURGED));
        g.in(tcp(SERVER, 20, OUTSIDE, 61001).flags(SYN).build());
        assertEquals(Translator.DROP, g.verdict);
    }

    @Test
    void evenPairReservesTwoPortsAndMatchesEach() {
        g.out(udp(B, 3000, SERVER, 53).build());
        ftpExpecting(c -> c.expect(Transport.UDP).insideTarget(ip(A), 5004).portPolicy(PortPolicy.EVEN_PAIR)
                .register(), Map.of());
        control("EXPECT\r\n");
        assertEquals(List.of(61002), registered, "udp 61000 is taken, 61001 is odd");
        g.expect("RTP", OUT, udp(SERVER, 7000, OUTSIDE, 61002).build(), FORWARD_INSIDE,
                udp(SERVER, 7000, A, 5004).ttl(63).build());
        assertEquals(1, g.dispatch.expectations(g.now).size(), "the RTCP port still waits");
        assertEquals(61003, g.dispatch.expectations(g.now).get(0).gatewayPort);
        g.expect("RTCP", OUT, udp(SERVER, 7001, OUTSIDE, 61003).build(), FORWARD_INSIDE,
                udp(SERVER, 7001, A, 5005).ttl(63).build());
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
    }

    @Test
    void theClientsOwnPacketsFromAnExpectedPortLeaveFromItsReservedPort() {
        // RTSP: the client sends RTCP from 5005 before (or without) the server's RTCP arriving; it
        // must leave from the reserved 61003, or the server's RTCP to 61003 meets a conflict
        g.out(udp(B, 3000, SERVER, 53).build());
        ftpExpecting(c -> c.expect(Transport.UDP).insideTarget(ip(A), 5004).portPolicy(PortPolicy.EVEN_PAIR)
                .register(), Map.of());
        control("EXPECT\r\n");
        assertEquals(List.of(61002), registered);
        g.expect("client RTCP out", Translator.INSIDE, udp(A, 5005, SERVER, 7001).build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61003, SERVER, 7001).ttl(63).build());
        assertEquals(1, g.count(Counter.EXPECT_MATCHED));
        g.expect("server RTCP in", OUT, udp(SERVER, 7001, OUTSIDE, 61003).build(), FORWARD_INSIDE,
                udp(SERVER, 7001, A, 5005).ttl(63).build());
        assertEquals(0, g.count(Counter.DROP_INBOUND_CONFLICT));
        g.expect("server RTP in", OUT, udp(SERVER, 7000, OUTSIDE, 61002).build(), FORWARD_INSIDE,
                udp(SERVER, 7000, A, 5004).ttl(63).build());
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        long master = g.translator.mappings(100, g.dispatch::helperName, g.dispatch::masterId).stream()
                .filter(m -> m.insidePort == 40000).findFirst().orElseThrow().id;
        assertEquals(2, g.translator.mappings(100, g.dispatch::helperName, g.dispatch::masterId).stream()
                .filter(m -> m.masterId == master).count(), "both the RTP and the RTCP flow linked to the master");
    }

    @Test
    void aReservedPortIsNotGivenToAnotherHostOrForAnotherServer() {
        ftpExpecting(c -> c.expect(Transport.UDP).insideTarget(ip(A), 5004).portPolicy(PortPolicy.EVEN_PAIR)
                .register(), Map.of());
        control("EXPECT\r\n");
        int reserved = registered.get(0);
        byte[] other = g.out(udp(B, 5004, SERVER, 7000).build());
        assertTrue(masq.engine.packet.Bytes.get16(other, 20) != reserved, "another host's port 5004");
        byte[] elsewhere = g.out(udp(A, 5004, SERVER2, 7000).build());
        assertTrue(masq.engine.packet.Bytes.get16(elsewhere, 20) != reserved, "to a server the expectation does not name");
        assertEquals(0, g.count(Counter.EXPECT_MATCHED));
    }

    @Test
    void sameAsInsideIfFreeKeepsTheInsidePortWhenItCan() {
        ftpExpecting(c -> c.expect(Transport.TCP).insideTarget(ip(A), c.flow().insidePort() == 40000 ? 62000 : 61000)
                .portPolicy(PortPolicy.SAME_AS_INSIDE_IF_FREE).register(), Map.of());
        control("EXPECT\r\n");
        g.out(tcp(A, 40001, SERVER, 21).payload("EXPECT\r\n").build());
        assertEquals(List.of(62000, 61002), registered, "62000 was free; 61000 is the first control connection's");
    }

    @Test
    void fromInsideLinksThePassiveDataConnectionAndAttachesTheChildHelper() {
        TestHelpers.Recording child = TestHelpers.recording();
        g.install(child, "data", "tcp", 9);
        ftpExpecting(c -> c.expect(Transport.TCP).fromInside().remoteAddress(ip(SERVER)).remotePort(5001)
                .insideTarget(ip(A), 0).childHelper("data").register(), Map.of());
        control("EXPECT\r\n");
        assertEquals(List.of(0), registered);
        assertEquals("0", "" + g.dispatch.expectations(g.now).get(0).gatewayPort);
        g.out(tcp(A, 50000, SERVER2, 5001).payload("other server").build());
        g.expect("passive data connection", 0, tcp(A, 50001, SERVER, 5001).payload("data").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61002, SERVER, 5001).payload("data").ttl(63).build());
        assertEquals(List.of("OUTBOUND 1000 data"), child.calls, "only the linked connection has the child helper");
        assertTrue(g.dispatch.expectations(g.now).isEmpty());
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS - 10);
        g.out(tcp(A, 50001, SERVER, 5001).build());
        g.advanceSeconds(Timeouts.TCP_TRANSITORY_SECONDS - 10);
        assertEquals(2, g.translator.mappingCount(), "control kept alive by its child; the other one expired");
        g.advanceSeconds(2 * Timeouts.TCP_TRANSITORY_SECONDS);
        assertEquals(0, g.translator.mappingCount(), "then the control connection follows its child");
    }
}
