package masq.engine.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import masq.api.MasqHelper;
import masq.api.Transport;
import masq.api.Verdict;
import masq.engine.helper.HelperEntry.Origin;
import masq.engine.helper.HelperEntry.State;

class HelperRegistryTest {
    private final HelperRegistry registry = new HelperRegistry();
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void listen() {
        registry.addListener(new HelperListener() {
            @Override
            public void activated(HelperEntry e) {
                events.add("+" + e.name() + "#" + e.origin().serviceId() + ":" + PortList.format(e.ports()));
            }

            @Override
            public void withdrawn(HelperEntry e) {
                events.add("-" + e.name() + "#" + e.origin().serviceId());
            }
        });
    }

    @Test
    void indexesAnActiveHelperByTransportAndPort() {
        registry.put(service(1, 0, "ftp", "tcp", "21,2121"));
        HelperSnapshot s = registry.snapshot();
        assertEquals("ftp", s.find(Transport.TCP, 21).name());
        assertEquals("ftp", s.find(Transport.TCP, 2121).name());
        assertNull(s.find(Transport.TCP, 22));
        assertNull(s.find(Transport.UDP, 21), "transport is part of the key");
        assertNull(s.find(Transport.TCP, -1));
        assertNull(s.find(Transport.TCP, 65536));
        assertEquals("ftp", s.byName("ftp").name());
        assertEquals(List.of("+ftp#1:21,2121"), events);
    }

    @Test
    void removalWithdrawsTheHelperAndEmptiesTheIndex() {
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        registry.remove(1);
        assertNull(registry.snapshot().find(Transport.TCP, 21));
        assertEquals(List.of(), registry.snapshot().entries());
        assertEquals(List.of("+ftp#1:21", "-ftp#1"), events);
        registry.remove(1);
        assertEquals(2, events.size(), "removing an unknown service changes nothing");
    }

    @Test
    void duplicatePortGoesToTheHigherRanking() {
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        registry.put(service(2, 10, "rival", "tcp", "21"));
        HelperSnapshot s = registry.snapshot();
        assertEquals("rival", s.find(Transport.TCP, 21).name());
        HelperEntry ftp = s.byServiceId(1);
        assertEquals(State.REFUSED, ftp.state());
        assertEquals("duplicate of rival (bundle 100) on tcp/21", ftp.reason());
        assertEquals(List.of("+ftp#1:21", "-ftp#1", "+rival#2:21"), events);
    }

    @Test
    void equalRankingGoesToTheOlderServiceWhateverTheArrivalOrder() {
        registry.put(service(7, 0, "late", "udp", "5000"));
        registry.put(service(3, 0, "early", "udp", "5000"));
        assertEquals("early", registry.snapshot().find(Transport.UDP, 5000).name());
        assertEquals("duplicate of early (bundle 100) on udp/5000", registry.snapshot().byServiceId(7).reason());
    }

    @Test
    void aRefusedHelperIsRefusedWholeAndComesBackWhenTheWinnerLeaves() {
        registry.put(service(1, 5, "irc", "tcp", "6667"));
        registry.put(service(2, 0, "chat", "tcp", "6666,6667"));
        assertNull(registry.snapshot().find(Transport.TCP, 6666), "no partial claim");
        registry.remove(1);
        assertEquals("chat", registry.snapshot().find(Transport.TCP, 6666).name());
        assertEquals("chat", registry.snapshot().find(Transport.TCP, 6667).name());
        assertEquals(List.of("+irc#1:6667", "-irc#1", "+chat#2:6666,6667"), events);
    }

    @Test
    void sameNameIsADuplicateEvenOnOtherPorts() {
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        registry.put(service(2, 0, "ftp", "tcp", "2121"));
        assertEquals("duplicate of ftp (bundle 100): same name", registry.snapshot().byServiceId(2).reason());
        assertNull(registry.snapshot().find(Transport.TCP, 2121));
    }

    @Test
    void configuredPortsOverrideDefaultsLiveAndOutliveTheService() {
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        assertArrayEquals(new int[] {21, 2121}, registry.configure("ftp", "21,2121"));
        assertEquals("ftp", registry.snapshot().find(Transport.TCP, 2121).name());
        assertEquals(true, registry.snapshot().byName("ftp").configured());
        registry.remove(1);
        registry.put(service(4, 0, "ftp", "tcp", "21"));
        assertEquals("ftp", registry.snapshot().find(Transport.TCP, 2121).name(), "override kept for the next ftp");
        assertNull(registry.configure("ftp", null));
        assertNull(registry.snapshot().find(Transport.TCP, 2121));
        assertEquals(List.of("+ftp#1:21", "+ftp#1:21,2121", "-ftp#1", "+ftp#4:21,2121", "+ftp#4:21"), events);
    }

    @Test
    void aBadConfiguredValueChangesNothing() {
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        registry.configure("ftp", "21,2121");
        HelperSnapshot before = registry.snapshot();
        for (Object bad : new Object[] {"70000", "21,x", "", 0, new int[0]}) {
            assertThrows(IllegalArgumentException.class, () -> registry.configure("ftp", bad), String.valueOf(bad));
            assertSame(before, registry.snapshot(), "snapshot untouched by " + bad);
        }
        assertArrayEquals(new int[] {21, 2121}, registry.snapshot().byName("ftp").ports());
    }

    @Test
    void configuredPortsCanCreateAConflict() {
        registry.put(service(1, 5, "ftp", "tcp", "21"));
        registry.put(service(2, 0, "web", "tcp", "80"));
        registry.configure("ftp", "21,80");
        assertEquals("duplicate of ftp (bundle 100) on tcp/80", registry.snapshot().byServiceId(2).reason());
    }

    @Test
    void invalidServicePropertiesDisableTheHelperWithTheReason() {
        Object[][] cases = {
            {"FTP", "tcp", "21", "masq.helper.name 'FTP' is not a name of 1-32 characters from [a-z0-9_-]"},
            {null, "tcp", "21", "masq.helper.name 'null' is not a name of 1-32 characters from [a-z0-9_-]"},
            {"x".repeat(33), "tcp", "21", "masq.helper.name '" + "x".repeat(33)
                    + "' is not a name of 1-32 characters from [a-z0-9_-]"},
            {"ftp", "sctp", "21", "masq.helper.transport 'sctp' is not tcp or udp"},
            {"ftp", "gre", "21", "masq.helper.transport 'gre' is not tcp or udp"},
            {"ftp", null, "21", "masq.helper.transport 'null' is not tcp or udp"},
            {"ftp", "tcp", "70000", "masq.helper.ports: port 70000 is not in 1-65535"},
            {"ftp", "tcp", null, "masq.helper.ports: no ports given"},
        };
        long id = 1;
        for (Object[] c : cases) {
            registry.put(service(id, 0, (String) c[0], (String) c[1], c[2]));
            HelperEntry e = registry.snapshot().byServiceId(id);
            assertEquals(State.DISABLED, e.state());
            assertEquals(c[3], e.reason());
            id++;
        }
        assertEquals(List.of(), events, "nothing invalid is ever activated");
    }

    @Test
    void expectationPolicyPropertiesAreBounded() {
        Map<String, Object> props = props("ftp", "tcp", 21);
        props.put(MasqHelper.MAX_EXPECTED, 256);
        registry.put(HelperService.of(NOOP, props, origin(1, 0), null));
        assertEquals("masq.helper.maxExpected 256 is not in 0-255", registry.snapshot().byServiceId(1).reason());
        props.put(MasqHelper.MAX_EXPECTED, "8");
        props.put(MasqHelper.EXPECT_TIMEOUT_SECONDS, 300);
        registry.put(HelperService.of(NOOP, props, origin(1, 0), null));
        HelperEntry e = registry.snapshot().byServiceId(1);
        assertEquals(State.ACTIVE, e.state());
        assertEquals(8, e.maxExpected());
        assertEquals(300, e.expectTimeoutSeconds());
    }

    @Test
    void disablingStopsAttachmentAndIsForgottenWithTheService() {
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        registry.disable(1, "failed 10 times");
        assertNull(registry.snapshot().find(Transport.TCP, 21));
        assertEquals("failed 10 times", registry.snapshot().byServiceId(1).reason());
        registry.remove(1);
        registry.put(service(1, 0, "ftp", "tcp", "21"));
        assertEquals(State.ACTIVE, registry.snapshot().byServiceId(1).state());
    }

    @Test
    void entriesListActiveHelpersFirstThenByName() {
        registry.put(service(1, 0, "zeta", "udp", "7000"));
        registry.put(service(2, 0, "beta", "udp", "7000"));
        registry.put(service(3, 0, "alpha", "tcp", "1"));
        assertEquals(List.of("alpha", "zeta", "beta"),
                registry.snapshot().entries().stream().map(HelperEntry::name).toList());
    }

    @Test
    void registerWithoutAFrameworkReadsPropertiesAsTheWhiteboardDoes() {
        HelperEntry ftp = registry.register(NOOP, props("ftp", "tcp", "21,2121"), origin(1, 0));
        assertEquals(State.ACTIVE, ftp.state());
        assertArrayEquals(new int[] {21, 2121}, ftp.ports());
        assertSame(ftp, registry.snapshot().find(Transport.TCP, 2121));
        HelperEntry rival = registry.register(NOOP, props("rival", "tcp", 21), origin(2, 0));
        assertEquals(State.REFUSED, rival.state());
        assertEquals("duplicate of ftp (bundle 100) on tcp/21", rival.reason());
        HelperEntry bad = registry.register(NOOP, props("Bad Name", "tcp", 7), origin(3, 0));
        assertEquals(State.DISABLED, bad.state());
        registry.remove(1);
        assertEquals(State.ACTIVE, registry.snapshot().byServiceId(2).state(), "the refused one takes over");
        assertEquals(List.of("+ftp#1:21,2121", "-ftp#1", "+rival#2:21"), events);
    }

    private static final MasqHelper NOOP = (context, payload, offset, length) -> Verdict.ACCEPT;

    private static HelperService service(long id, int ranking, String name, String transport, Object ports) {
        return HelperService.of(NOOP, props(name, transport, ports), origin(id, ranking), null);
    }

    private static Map<String, Object> props(String name, String transport, Object ports) {
        Map<String, Object> props = new HashMap<>();
        props.put(MasqHelper.NAME, name);
        props.put(MasqHelper.TRANSPORT, transport);
        props.put(MasqHelper.PORTS, ports);
        return props;
    }

    private static Origin origin(long serviceId, int ranking) {
        return new Origin(serviceId, ranking, 100, "test.bundle", "1.0.0");
    }
}
