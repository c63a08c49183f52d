package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Comparator;
import java.util.List;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatusDTO;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

class SnapshotsTest {

    @Test
    void mappingRowsDescribeEachSession() {
        TestGateway g = new TestGateway();
        g.out(tcp(A, 40000, SERVER, 80).flags(TcpHeader.SYN).build());
        g.in(tcp(SERVER, 80, OUTSIDE, 61000).flags(TcpHeader.SYN | TcpHeader.ACK).build());
        g.out(udp(A, 1024, SERVER, 53).build());
        g.out(echo(A, SERVER, 0x200, 1).build());
        g.advanceSeconds(10);
        List<MappingDTO> rows = g.translator.mappings(100, i -> "x");
        rows.sort(Comparator.comparingLong(m -> m.id));
        assertEquals(3, rows.size());
        MappingDTO tcp = rows.get(0);
        assertEquals("tcp", tcp.protocol);
        assertEquals(A, tcp.insideAddress);
        assertEquals(40000, tcp.insidePort);
        assertEquals(61000, tcp.outsidePort);
        assertEquals(SERVER, tcp.remoteAddress);
        assertEquals(80, tcp.remotePort);
        assertEquals("ESTABLISHED", tcp.state);
        assertEquals(Timeouts.TCP_ESTABLISHED_SECONDS - 10, tcp.expiresInSeconds);
        assertNull(tcp.helper);
        assertEquals("UDP", rows.get(1).state);
        assertEquals(Timeouts.UDP_SECONDS - 10, rows.get(1).expiresInSeconds);
        assertEquals("ICMP", rows.get(2).state);
        assertEquals(0x200, rows.get(2).insidePort);
        assertEquals(1, g.translator.mappings(1, i -> null).size());
    }

    @Test
    void statusCountsMappingsAndFreePorts() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        g.out(udp(A, 1024, "198.51.100.10", 53).build());
        StatusDTO status = g.translator.status();
        assertEquals("192.168.0.1/24", status.insideAddress);
        assertEquals("203.0.113.1/24", status.outsideAddress);
        assertEquals("61000-65095", status.ports);
        assertEquals(2L, status.mappings.get("udp"));
        assertEquals(0L, status.mappings.get("tcp"));
        assertEquals(4095L, status.freePorts.get("udp"));
        assertEquals(4096L, status.freePorts.get("tcp"));
        assertEquals("endpoint-independent", status.mapping);
        assertEquals("address-and-port-dependent", status.filtering);
    }

    @Test
    void statusSpellsTheBehavioursAsTheConfigurationDoes() {
        StatusDTO status = new TestGateway(TestGateway.base().mapping(Mapping.ADDRESS_AND_PORT_DEPENDENT)
                .filtering(Filtering.ENDPOINT_INDEPENDENT).build()).translator.status();
        assertEquals("address-and-port-dependent", status.mapping);
        assertEquals("endpoint-independent", status.filtering);
    }

    @Test
    void statsListEveryCounterByName() {
        TestGateway g = new TestGateway();
        g.run(0, new byte[3]);
        assertEquals(1L, g.translator.stats().counters.get("drop.ip.truncated"));
        assertEquals(Counter.values().length, g.translator.stats().counters.size());
    }

    @Test
    void flushRemovesEverythingAndFreesPorts() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        g.translator.flush();
        assertEquals(0, g.translator.mappingCount());
        assertEquals(4096L, g.translator.status().freePorts.get("udp"));
    }

    @Test
    void configRejectsBadValuesByKey() {
        assertMessage("ports: '1000-2000' is not a range within 1024-65535",
                () -> TestGateway.base().ports(1000, 2000));
        assertMessage("outside.address: '203.0.113.300/24' is not an IPv4 CIDR",
                () -> EngineConfig.builder().outsideAddress("203.0.113.300/24"));
        assertMessage("inside.address is not set", () -> EngineConfig.builder().outsideAddress("1.2.3.4/32").build());
        assertMessage("limits.mappings: 0 is not positive", () -> TestGateway.base().limits(0, 1, 1));
    }

    private static void assertMessage(String expected, Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            assertEquals(expected, e.getMessage());
            return;
        }
        throw new AssertionError("no exception, expected " + expected);
    }
}
