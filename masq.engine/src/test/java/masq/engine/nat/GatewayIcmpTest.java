package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.INSIDE;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.REPLY;
import static masq.engine.packet.PacketBuilder.echo;
import static masq.engine.packet.PacketBuilder.error;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import masq.engine.packet.PacketBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GatewayIcmpTest {

    @Test
    @DisplayName("RFC 5508 REQ-10: TTL 1 from inside gets time exceeded from the inside address, no mapping")
    void timeExceededOutbound() {
        TestGateway g = new TestGateway();
        byte[] probe = udp(A, 32768, SERVER, 33434).ttl(1).payload("traceroute-probe").build();
        g.expect(0, probe, REPLY, error(INSIDE, A, 11, 0, probe, 28).id(0).build());
        assertEquals(0, g.translator.mappingCount());
        assertEquals(1, g.count(Counter.DROP_TTL_EXPIRED));
        assertEquals(1, g.count(Counter.SENT_TIME_EXCEEDED));
    }

    @Test
    void timeExceededInboundFromOutsideAddress() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        byte[] reply = udp(SERVER, 53, OUTSIDE, 61000).ttl(1).build();
        g.expect(1, reply, REPLY, error(OUTSIDE, SERVER, 11, 0, reply, 28).id(0).build());
    }

    @Test
    void ttlTwoIsForwardedWithTtlOne() {
        TestGateway g = new TestGateway();
        g.out(udp(A, 1024, SERVER, 53).build());
        g.expect(1, udp(SERVER, 53, OUTSIDE, 61000).ttl(2).build(), FORWARD_INSIDE,
                udp(SERVER, 53, A, 1024).ttl(1).build());
    }

    @Test
    void noErrorAboutAnError() {
        TestGateway g = new TestGateway();
        byte[] quoted = udp(SERVER, 53, A, 1024).build();
        g.expectDrop(0, error(A, SERVER, 3, 3, quoted, 28).ttl(1).build(), Counter.DROP_ICMP_ERROR_NO_MAPPING);
        g.out(udp(A, 1024, SERVER, 53).build());
        byte[] delivered = g.in(udp(SERVER, 53, OUTSIDE, 61000).build());
        g.expectDrop(0, error(A, SERVER, 3, 3, delivered, 28).ttl(1).build(), Counter.DROP_TTL_EXPIRED);
        assertEquals(0, g.count(Counter.SENT_TIME_EXCEEDED));
    }

    @Test
    void noErrorToAMulticastSource() {
        TestGateway g = new TestGateway(TestGateway.base().insideNetwork("0.0.0.0/0").build());
        g.expectDrop(0, udp("224.0.0.9", 520, SERVER, 520).ttl(1).build(), Counter.DROP_TTL_EXPIRED);
        assertEquals(0, g.count(Counter.SENT_TIME_EXCEEDED));
    }

    @Test
    void noRoomForTheErrorIsCounted() {
        TestGateway g = new TestGateway();
        byte[] probe = udp(A, 1, SERVER, 2).ttl(1).build();
        PacketBuffer tight = new PacketBuffer(probe.clone(), 0, probe.length);
        assertEquals(Translator.DROP, g.translator.process(0, tight, g.now));
        assertEquals(1, g.count(Counter.DROP_NO_ROOM));
    }

    @Test
    void echoWithBadChecksumToGatewayDropped() {
        TestGateway g = new TestGateway();
        byte[] ping = echo(A, INSIDE, 1, 1).build();
        ping[23] ^= 1;
        g.expectDrop(0, ping, Counter.ICMP_BAD_CHECKSUM);
    }
}
