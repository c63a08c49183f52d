package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.TestGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.error;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 4787 §4.1 mapping behaviours: which outbound packets of one inside endpoint share a port. */
class MappingBehaviourTest {

    private static TestGateway gateway(Mapping mapping, Filtering filtering) {
        return new TestGateway(TestGateway.base().mapping(mapping).filtering(filtering).build());
    }

    /** Sends from A:1024 to the remote and returns the gateway port it left from. */
    private static int sendFrom1024(TestGateway g, String remote, int port) {
        byte[] out = g.out(udp(A, 1024, remote, port).payload("x").build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        return ((out[20] & 0xff) << 8) | (out[21] & 0xff);
    }

    @Test
    @DisplayName("RFC 4787 REQ-1: endpoint-independent mapping (default) keeps one port for every remote")
    void endpointIndependentByDefault() {
        TestGateway g = new TestGateway();
        assertEquals(61000, sendFrom1024(g, SERVER, 53));
        assertEquals(61000, sendFrom1024(g, SERVER, 54));
        assertEquals(61000, sendFrom1024(g, SERVER2, 53));
        assertEquals(3, g.translator.mappingCount());
    }

    @Test
    @DisplayName("address-and-port-dependent mapping (Linux 2.2) gives each remote endpoint its own port")
    void addressAndPortDependentMapping() {
        TestGateway g = gateway(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        assertEquals(61000, sendFrom1024(g, SERVER, 53));
        assertEquals(61002, sendFrom1024(g, SERVER, 54));
        assertEquals(61004, sendFrom1024(g, SERVER2, 53));
        assertEquals(61002, sendFrom1024(g, SERVER, 54), "an existing flow keeps its port");
        g.expect(1, udp(SERVER, 54, OUTSIDE, 61002).payload("r").build(), FORWARD_INSIDE,
                udp(SERVER, 54, A, 1024).payload("r").ttl(63).build());
        g.expect(1, udp(SERVER2, 53, OUTSIDE, 61004).payload("r").build(), FORWARD_INSIDE,
                udp(SERVER2, 53, A, 1024).payload("r").ttl(63).build());
        g.expectDrop(1, udp(SERVER, 54, OUTSIDE, 61000).build(), Counter.DROP_FILTERED);
        assertEquals(3, g.translator.mappingCount());
    }

    @Test
    @DisplayName("address-dependent mapping shares a port between the ports of one remote address")
    void addressDependentMapping() {
        TestGateway g = gateway(Mapping.ADDRESS_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        assertEquals(61000, sendFrom1024(g, SERVER, 53));
        assertEquals(61000, sendFrom1024(g, SERVER, 54));
        assertEquals(61002, sendFrom1024(g, SERVER2, 53));
        assertEquals(61002, sendFrom1024(g, SERVER2, 80));
    }

    @Test
    void aDependentBindingExpiresAloneAndItsPortIsFreed() {
        TestGateway g = gateway(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        sendFrom1024(g, SERVER, 53);
        g.advanceSeconds(200);
        assertEquals(61002, sendFrom1024(g, SERVER2, 53));
        g.advanceSeconds(200); // the first flow's 300 s are up, the second's are not
        g.expectDrop(1, udp(SERVER, 53, OUTSIDE, 61000).build(), Counter.DROP_NO_MAPPING);
        g.expect(1, udp(SERVER2, 53, OUTSIDE, 61002).build(), FORWARD_INSIDE, udp(SERVER2, 53, A, 1024).ttl(63).build());
        assertEquals(1, g.translator.mappingCount());
    }

    @Test
    void endpointIndependentFilteringStillAdmitsOthersOnADependentPort() {
        TestGateway g = gateway(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ENDPOINT_INDEPENDENT);
        sendFrom1024(g, SERVER, 53);
        g.expect(1, udp(SERVER2, 7, OUTSIDE, 61000).build(), FORWARD_INSIDE, udp(SERVER2, 7, A, 1024).ttl(63).build());
        assertEquals(61000, sendFrom1024(g, SERVER2, 7), "the admitted remote's session is on 61000 now");
    }

    @Test
    void tcpKeepsTheInsidePortForTheFirstRemoteOnly() {
        TestGateway g = new TestGateway(TestGateway.base().ports(40000, 40100).allocation(PortAllocation.PRESERVE)
                .mapping(Mapping.ADDRESS_AND_PORT_DEPENDENT).build());
        g.expect(0, tcp(A, 40050, SERVER, 80).flags(TcpHeader.SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 40050, SERVER, 80).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(0, tcp(A, 40050, SERVER2, 80).flags(TcpHeader.SYN).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 40000, SERVER2, 80).flags(TcpHeader.SYN).ttl(63).build());
    }

    @Test
    @DisplayName("RFC 5508 REQ-5: an inside host's error about a reply finds that reply's binding")
    void outboundErrorUsesTheRightDependentBinding() {
        TestGateway g = gateway(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT);
        sendFrom1024(g, SERVER, 53);
        sendFrom1024(g, SERVER2, 53);
        byte[] delivered = g.in(udp(SERVER2, 53, OUTSIDE, 61002).payload("hello").build());
        byte[] expectedQuote = udp(SERVER2, 53, OUTSIDE, 61002).payload("hello").ttl(63).build();
        g.expect(0, error(A, SERVER2, 3, 3, delivered, 28).build(), FORWARD_OUTSIDE,
                error(OUTSIDE, SERVER2, 3, 3, expectedQuote, 28).ttl(63).build());
    }

    @Test
    void eachDependentBindingCountsAgainstTheHostLimit() {
        TestGateway g = new TestGateway(TestGateway.base().limits(100, 2, 10)
                .mapping(Mapping.ADDRESS_AND_PORT_DEPENDENT).build());
        sendFrom1024(g, SERVER, 53);
        sendFrom1024(g, SERVER, 54);
        g.run(0, udp(A, 1024, SERVER, 55).build());
        assertEquals(Translator.REPLY, g.verdict, "refused with an ICMP unreachable");
        assertEquals(1, g.count(Counter.DROP_LIMIT_HOST));
    }
}
