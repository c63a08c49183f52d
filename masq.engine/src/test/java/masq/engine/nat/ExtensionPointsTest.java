package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

/** The places later issues plug into: inbound sources (expectations, port forwards) and the flow hook (helpers). */
class ExtensionPointsTest {

    /** A port forward in the shape of protocols.md §9.3: tcp 203.0.113.1:8080 -> 192.168.0.2:80. */
    private static final class PortForward implements InboundSource {
        int offers;

        @Override
        public boolean offer(int protocol, int remoteAddress, int remotePort, int gatewayPort, InboundTarget target) {
            offers++;
            if (protocol != 6 || gatewayPort != 8080) {
                return false;
            }
            target.set(masq.api.Ipv4.parse(A), 80, null);
            return true;
        }
    }

    @Test
    void protocols9_3_inboundSourceCreatesTheMapping() {
        TestGateway g = new TestGateway();
        PortForward forward = new PortForward();
        g.translator.setInboundSources(List.of(forward));
        g.expect(1, tcp("198.51.100.20", 40000, OUTSIDE, 8080).flags(TcpHeader.SYN).build(), FORWARD_INSIDE,
                tcp("198.51.100.20", 40000, A, 80).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(0, tcp(A, 80, "198.51.100.20", 40000).flags(TcpHeader.SYN | TcpHeader.ACK).build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 8080, "198.51.100.20", 40000).flags(TcpHeader.SYN | TcpHeader.ACK).ttl(63).build());
        g.expectDrop(1, tcp("198.51.100.20", 40000, OUTSIDE, 8081).flags(TcpHeader.SYN).build(),
                Counter.DROP_NO_MAPPING);
        assertEquals(2, forward.offers);
    }

    @Test
    void reservedPortsAreSkippedByTheAllocatorAndUsableByASource() {
        TestGateway g = new TestGateway();
        int reserved = g.translator.reservePort(17);
        assertEquals(61000, reserved);
        g.expect(0, udp(A, 1025, SERVER, 53).build(), FORWARD_OUTSIDE, udp(OUTSIDE, 61001, SERVER, 53).ttl(63).build());
        RecordingHook hook = new RecordingHook();
        g.translator.setHook(hook);
        g.translator.setInboundSources(List.of((proto, addr, port, gatewayPort, target) -> {
            target.set(masq.api.Ipv4.parse(A), 5000, "seven");
            return gatewayPort == reserved;
        }));
        g.expect(1, udp(SERVER, 20, OUTSIDE, reserved).build(), FORWARD_INSIDE, udp(SERVER, 20, A, 5000).ttl(63).build());
        assertEquals("helper-7", g.translator.mappings(10, i -> "helper-" + i).stream()
                .filter(m -> m.outsidePort == reserved).findFirst().orElseThrow().helper,
                "the source's helper name reaches the hook, which attaches its helper");
        assertEquals(List.of("created inbound seven 5000<-" + reserved), hook.calls);
    }

    @Test
    void aThrowingSourceIsCountedNotPropagated() {
        TestGateway g = new TestGateway();
        g.translator.setInboundSources(List.of((proto, addr, port, gatewayPort, target) -> {
            throw new IllegalStateException("boom");
        }));
        g.expectDrop(1, udp(SERVER, 20, OUTSIDE, 7000).build(), Counter.DROP_HOOK);
        assertEquals(0, g.count(Counter.DROP_INTERNAL_ERROR));
    }

    /** Records hook calls; attaches helper 3 to TCP port 21. */
    private static final class RecordingHook implements FlowHook {
        final List<String> calls = new ArrayList<>();

        @Override
        public int mappingCreated(int mapping, long id, int protocol, int insideAddress, int insidePort,
                int remoteAddress, int remotePort, int gatewayPort) {
            calls.add("created " + protocol + " " + insidePort + "->" + gatewayPort + " to " + remotePort);
            return remotePort == 21 ? 3 : NO_HELPER;
        }

        @Override
        public int mappingCreated(int mapping, long id, int protocol, boolean outbound, String assigned,
                int insideAddress, int insidePort, int remoteAddress, int remotePort, int gatewayPort) {
            if (assigned == null) {
                return FlowHook.super.mappingCreated(mapping, id, protocol, outbound, null, insideAddress,
                        insidePort, remoteAddress, remotePort, gatewayPort);
            }
            calls.add("created " + (outbound ? "outbound " : "inbound ") + assigned + " " + insidePort + "<-"
                    + gatewayPort);
            return "seven".equals(assigned) ? 7 : NO_HELPER;
        }

        @Override
        public void mappingRemoved(int mapping, long id, int helper) {
            calls.add("removed helper " + helper);
        }

        @Override
        public boolean payload(int mapping, int helper, boolean outbound, PacketBuffer packet, int payloadOffset,
                int payloadLength) {
            calls.add((outbound ? "out " : "in ") + new String(packet.data, payloadOffset, payloadLength,
                    java.nio.charset.StandardCharsets.US_ASCII));
            return payloadLength < 100;
        }
    }

    @Test
    void flowHookSeesCreationPayloadAndRemoval() {
        TestGateway g = new TestGateway();
        RecordingHook hook = new RecordingHook();
        g.translator.setHook(hook);
        g.out(tcp(A, 40000, SERVER, 21).flags(TcpHeader.SYN).build());
        g.in(tcp(SERVER, 21, OUTSIDE, 61000).payload("220 ready\r\n").build());
        g.out(tcp(A, 40000, SERVER, 21).payload("USER x\r\n").build());
        g.out(udp(A, 1024, SERVER, 53).payload("no helper").build());
        g.advanceSeconds(Timeouts.TCP_ESTABLISHED_SECONDS);
        assertEquals(List.of("created 6 40000->61000 to 21", "in 220 ready\r\n", "out USER x\r\n",
                "created 17 1024->61000 to 53", "removed helper 3"), hook.calls);
    }

    @Test
    void aHookCanDropAPacket() {
        TestGateway g = new TestGateway();
        g.translator.setHook(new RecordingHook());
        g.out(tcp(A, 40000, SERVER, 21).flags(TcpHeader.SYN).build());
        g.expectDrop(1, tcp(SERVER, 21, OUTSIDE, 61000).payload("x".repeat(100)).build(), Counter.DROP_HOOK);
    }
}
