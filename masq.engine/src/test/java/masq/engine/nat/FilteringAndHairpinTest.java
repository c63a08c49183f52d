package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.TestGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FilteringAndHairpinTest {

    private static TestGateway gateway(Filtering filtering) {
        TestGateway g = new TestGateway(TestGateway.base().filtering(filtering).build());
        g.out(udp(A, 1024, SERVER, 53).build());
        return g;
    }

    @Test
    @DisplayName("RFC 4787 REQ-8: address-and-port-dependent filtering (default) admits only the exact remote")
    void rfc4787_req8_addressAndPortDependentFiltering() {
        TestGateway g = gateway(Filtering.ADDRESS_AND_PORT_DEPENDENT);
        g.expect(1, udp(SERVER, 53, OUTSIDE, 61000).build(), FORWARD_INSIDE, udp(SERVER, 53, A, 1024).ttl(63).build());
        g.expectDrop(1, udp(SERVER, 54, OUTSIDE, 61000).build(), Counter.DROP_FILTERED);
        g.expectDrop(1, udp(SERVER2, 53, OUTSIDE, 61000).build(), Counter.DROP_FILTERED);
    }

    @Test
    @DisplayName("RFC 4787 REQ-8: address-dependent filtering admits any port of a contacted address")
    void rfc4787_req8_addressDependentFiltering() {
        TestGateway g = gateway(Filtering.ADDRESS_DEPENDENT);
        g.expect(1, udp(SERVER, 54, OUTSIDE, 61000).build(), FORWARD_INSIDE, udp(SERVER, 54, A, 1024).ttl(63).build());
        g.expectDrop(1, udp(SERVER2, 53, OUTSIDE, 61000).build(), Counter.DROP_FILTERED);
    }

    @Test
    @DisplayName("RFC 4787 REQ-8 / RFC 5382 REQ-3: endpoint-independent filtering admits any remote")
    void rfc4787_req8_endpointIndependentFiltering() {
        TestGateway g = gateway(Filtering.ENDPOINT_INDEPENDENT);
        g.expect(1, udp(SERVER2, 999, OUTSIDE, 61000).build(), FORWARD_INSIDE,
                udp(SERVER2, 999, A, 1024).ttl(63).build());
        assertEquals(2, g.translator.mappingCount());
    }

    @Test
    @DisplayName("RFC 5382 REQ-4: an unsolicited inbound SYN is dropped silently")
    void rfc5382_req4_unsolicitedSynDropped() {
        TestGateway g = new TestGateway();
        g.expectDrop(1, tcp(SERVER, 40000, OUTSIDE, 61000).flags(TcpHeader.SYN).build(), Counter.DROP_NO_MAPPING);
        g.expectDrop(1, tcp(SERVER, 40000, OUTSIDE, 80).flags(TcpHeader.SYN).build(), Counter.DROP_NO_MAPPING);
    }

    @Test
    void inboundToUnmappedPortDropped() {
        TestGateway g = new TestGateway();
        g.expectDrop(1, udp(SERVER, 53, OUTSIDE, 61000).build(), Counter.DROP_NO_MAPPING);
        g.expectDrop(1, udp(SERVER, 53, "203.0.113.2", 61000).build(), Counter.DROP_NOT_FOR_GATEWAY);
    }

    @Test
    @DisplayName("RFC 4787 REQ-9 / REQ-9a: UDP hairpinning with the outside address and port as source")
    void rfc4787_req9_hairpinning() {
        TestGateway g = new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT).build());
        g.out(udp(B, 2000, SERVER, 3478).build());
        g.expect(0, udp(A, 1025, OUTSIDE, 61000).payload("hi").build(), FORWARD_INSIDE,
                udp(OUTSIDE, 61001, B, 2000).payload("hi").ttl(63).build());
        g.expect(0, udp(B, 2000, OUTSIDE, 61001).payload("ho").build(), FORWARD_INSIDE,
                udp(OUTSIDE, 61000, A, 1025).payload("ho").ttl(63).build());
        assertEquals(2, g.count(Counter.HAIRPINNED));
    }

    @Test
    @DisplayName("RFC 5382 REQ-8: TCP hairpinning")
    void rfc5382_req8_tcpHairpinning() {
        TestGateway g = new TestGateway(TestGateway.base().filtering(Filtering.ENDPOINT_INDEPENDENT).build());
        g.out(tcp(B, 8080, SERVER, 80).flags(TcpHeader.SYN).build());
        g.expect(0, tcp(A, 40000, OUTSIDE, 61000).flags(TcpHeader.SYN).build(), FORWARD_INSIDE,
                tcp(OUTSIDE, 61001, B, 8080).flags(TcpHeader.SYN).ttl(63).build());
    }

    @Test
    void hairpinningRespectsTheDefaultFilter() {
        TestGateway g = new TestGateway();
        g.out(udp(B, 2000, SERVER, 3478).build());
        g.expectDrop(0, udp(A, 1024, OUTSIDE, 61000).build(), Counter.DROP_FILTERED);
    }

    @Test
    void sourcesOutsideTheInsideNetworksAreDropped() {
        TestGateway g = new TestGateway();
        g.expectDrop(0, udp("10.0.0.5", 1025, SERVER, 53).build(), Counter.DROP_NOT_INSIDE_NETWORK);
        TestGateway g2 = new TestGateway(TestGateway.base().insideNetwork("10.0.0.0/8").build());
        g2.expect(0, udp("10.0.0.5", 1024, SERVER, 53).build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER, 53).ttl(63).build());
        g2.expectDrop(0, udp(A, 1024, SERVER, 53).build(), Counter.DROP_NOT_INSIDE_NETWORK);
    }
}
