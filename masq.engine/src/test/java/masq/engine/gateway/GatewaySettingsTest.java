package masq.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading PID masq.gateway: busy.poll, and which changes apply to the running engine. */
class GatewaySettingsTest {
    private static Map<String, Object> seed() {
        Map<String, Object> p = new HashMap<>();
        p.put("inside.interface", "in0");
        p.put("inside.address", "192.168.0.1/24");
        p.put("outside.interface", "out0");
        p.put("outside.address", "203.0.113.1/24");
        return p;
    }

    private static GatewaySettings with(String key, String value) {
        Map<String, Object> p = seed();
        p.put(key, value);
        return GatewaySettings.parse(p);
    }

    @Test
    void busyPollIsOffUnlessSet() {
        assertEquals(0, GatewaySettings.parse(seed()).busyPollMicros());
        assertEquals(20000, with("busy.poll", " 20000 ").busyPollMicros());
        assertEquals(LinkEngine.MAX_BUSY_POLL_MICROS, with("busy.poll", "1000000").busyPollMicros());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000001", "-1", "fast", "", "1e3", "20 ms"})
    void aBadBusyPollIsRefusedNamingTheKey(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with("busy.poll", value));
        assertEquals("masq.gateway: busy.poll '" + value + "' is not a whole number of microseconds from 0 to 1000000",
                e.getMessage());
    }

    @Test
    void timeoutsAndBusyPollApplyLiveAnythingElseRestartsTheEngine() {
        GatewaySettings base = GatewaySettings.parse(seed());
        assertTrue(with("busy.poll", "500").sameButLiveKeys(base));
        assertTrue(with("timeout.udp", "600").sameButLiveKeys(base));
        assertFalse(with("ports", "1024-65535").sameButLiveKeys(base));
        assertFalse(with("outside.address", "198.51.100.7/24").sameButLiveKeys(base));
        assertFalse(base.sameButLiveKeys(null));
    }

    @Test
    void mappingIsEndpointIndependentUnlessSetAndAChangeRestartsTheEngine() {
        GatewaySettings base = GatewaySettings.parse(seed());
        assertEquals(masq.engine.nat.Mapping.ENDPOINT_INDEPENDENT, base.engine().mapping());
        GatewaySettings linux22 = with("mapping", " Address-And-Port-Dependent ");
        assertEquals(masq.engine.nat.Mapping.ADDRESS_AND_PORT_DEPENDENT, linux22.engine().mapping());
        assertEquals(masq.engine.nat.Mapping.ADDRESS_DEPENDENT, with("mapping", "address-dependent").engine().mapping());
        assertFalse(linux22.sameButLiveKeys(base));
    }

    @ParameterizedTest
    @ValueSource(strings = {"per-destination", "", "eim", "address_and_port", "1"})
    void aBadMappingIsRefusedNamingTheKey(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with("mapping", value));
        assertEquals("masq.gateway: mapping '" + value
                + "' is not endpoint-independent, address-dependent or address-and-port-dependent", e.getMessage());
    }

    @Test
    void portAllocationIsPreserveUnlessSetAndAppliesLive() {
        GatewaySettings base = GatewaySettings.parse(seed());
        assertEquals(masq.engine.nat.PortAllocation.PRESERVE, base.engine().allocation());
        GatewaySettings random = with("ports.allocation", " Random ");
        assertEquals(masq.engine.nat.PortAllocation.RANDOM, random.engine().allocation());
        assertEquals(masq.engine.nat.PortAllocation.SEQUENTIAL,
                with("ports.allocation", "sequential").engine().allocation());
        assertTrue(random.sameButLiveKeys(base), "a live key: no engine restart, no mappings flushed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "", "preserving", "2"})
    void aBadPortAllocationIsRefusedNamingTheKey(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> with("ports.allocation", value));
        assertEquals("masq.gateway: ports.allocation '" + value + "' is not preserve, sequential or random",
                e.getMessage());
    }

    @Test
    void oneInterfaceForBothSidesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> with("inside.interface", "out0"));
        assertEquals("masq.gateway: inside.interface and outside.interface are both 'out0': the gateway needs an "
                + "interface for each side", e.getMessage());
    }

    @Test
    void aNextHopOffTheOutsideNetworkIsRefused() {
        assertEquals(masq.api.Ipv4.parse("203.0.113.254"), with("outside.gateway", "203.0.113.254").outsideGateway());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> with("outside.gateway", "198.51.100.1"));
        assertEquals("masq.gateway: outside.gateway '198.51.100.1' is not on the outside network of 203.0.113.1/24",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.7/24", "203.0.0.1/16", "192.168.0.200/24", "128.0.0.1/1"})
    void overlappingInsideAndOutsideNetworksAreRefused(String outside) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            Map<String, Object> p = seed();
            p.put("inside.address", outside.startsWith("203.0.") ? "203.0.113.1/24" : "192.168.0.1/24");
            p.put("outside.address", outside);
            GatewaySettings.parse(p);
        });
        assertTrue(e.getMessage().endsWith(" are on overlapping networks"), e.getMessage());
    }

    @Test
    void neighbouringNetworksAreFine() {
        Map<String, Object> p = seed();
        p.put("inside.address", "192.168.0.1/25");
        p.put("outside.address", "192.168.0.129/25");
        assertEquals("192.168.0.129/25", GatewaySettings.parse(p).engine().outsideCidr());
    }

    private static final masq.engine.dhcp.DhcpLease LEASE = new masq.engine.dhcp.DhcpLease(
            masq.api.Ipv4.parse("203.0.113.21"), 24, masq.api.Ipv4.parse("203.0.113.254"),
            masq.api.Ipv4.parse("203.0.113.254"), 2, 120, 60, 105);

    @Test
    void dhcpTakesTheLeasesAddressAndRouterUnlessAGatewayIsSet() {
        Map<String, Object> p = seed();
        p.put("outside.address", " DHCP ");
        assertTrue(GatewaySettings.dhcp(p));
        assertEquals("out0", GatewaySettings.checkDhcp(p));
        GatewaySettings leased = GatewaySettings.parse(p, LEASE);
        assertEquals("203.0.113.21/24", leased.engine().outsideCidr());
        assertEquals(masq.api.Ipv4.parse("203.0.113.254"), leased.outsideGateway());
        p.put("outside.gateway", "203.0.113.253");
        assertEquals(masq.api.Ipv4.parse("203.0.113.253"), GatewaySettings.parse(p, LEASE).outsideGateway());
        assertFalse(GatewaySettings.parse(p, LEASE).sameButLiveKeys(GatewaySettings.parse(seed())),
                "another address restarts the engine");
    }

    @Test
    void aDhcpConfigurationIsCheckedBeforeAnyLeaseAndALeaseThatCannotWorkIsRefused() {
        Map<String, Object> p = seed();
        p.put("outside.address", "dhcp");
        p.put("ports", "70000");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewaySettings.checkDhcp(p)).getMessage()
                .startsWith("masq.gateway: ports"));
        p.remove("ports");
        p.put("inside.address", "198.18.0.1/24"); // the first placeholder's network: the second is used
        assertEquals("out0", GatewaySettings.checkDhcp(p));
        p.put("inside.address", "203.0.113.1/16");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(p, LEASE)).getMessage()
                .contains("overlapping"), "a lease on the inside network cannot be used");
        p.put("inside.address", "192.168.0.1/24");
        p.put("outside.gateway", "198.51.100.1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GatewaySettings.parse(p, LEASE)).getMessage()
                .contains("outside.gateway"), "a configured next hop off the leased network");
    }
}
