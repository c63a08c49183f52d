package masq.engine.nat;

import static masq.engine.nat.TestGateway.A;
import static masq.engine.nat.TestGateway.B;
import static masq.engine.nat.TestGateway.C;
import static masq.engine.nat.TestGateway.OUTSIDE;
import static masq.engine.nat.TestGateway.SERVER;
import static masq.engine.nat.TestGateway.SERVER2;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.packet.PacketBuilder.ip;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import masq.engine.packet.Bytes;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.TcpHeader;

/**
 * Port triggering (ipmasqadm autofw, protocols.md §1.6), with DirectPlay's rule: a TCP packet to
 * 47624 opens TCP and UDP 2300-2400 back to the host that sent it, for 15 s after its last one;
 * one host at a time; the ports are never given to outbound mappings; bad rules refused by name.
 */
class AutoForwardsTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final AutoForwards.Rule DIRECTPLAY = new AutoForwards.Rule("directplay", TCP, 47624, 47624,
            new int[] {TCP, UDP}, 2300, 2400, 15);

    private static TestGateway gateway() {
        TestGateway g = new TestGateway(TestGateway.base().allocation(PortAllocation.PRESERVE).build());
        assertNull(g.translator.setAutoForwards(AutoForwards.of(List.of(DIRECTPLAY))));
        return g;
    }

    private static void trigger(TestGateway g, String host) {
        g.out(tcp(host, 40000, SERVER, 47624).flags(TcpHeader.SYN).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
    }

    /** A datagram from a peer to the gateway's port; the inside host it reached, or "dropped". */
    private static String peerSends(TestGateway g, int peerPort, int port) {
        byte[] out = g.in(udp(SERVER2, peerPort, OUTSIDE, port).payload("join").build());
        return g.verdict == FORWARD_INSIDE ? masq.api.Ipv4.toString(Ipv4Header.destination(out, 0)) + ":"
                + Bytes.get16(out, Ipv4Header.MIN_LENGTH + 2) : "dropped";
    }

    @Test
    @DisplayName("closed before the trigger; after it, UDP and TCP to the open ports reach the host on the same port")
    void theTriggerOpensThePortsToItsHost() {
        TestGateway g = gateway();
        assertEquals("dropped", peerSends(g, 9000, 2350));
        trigger(g, A);
        assertEquals(A + ":2350", peerSends(g, 9000, 2350));
        g.expect(Translator.OUTSIDE, tcp(SERVER2, 9001, OUTSIDE, 2300).flags(TcpHeader.SYN).build(), FORWARD_INSIDE,
                tcp(SERVER2, 9001, A, 2300).flags(TcpHeader.SYN).ttl(63).build());
        g.expect(Translator.INSIDE, udp(A, 2350, SERVER2, 9000).payload("welcome").build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 2350, SERVER2, 9000).payload("welcome").ttl(63).build());
        AutoForwards rules = g.translator.autoForwards();
        assertEquals(A, rules.holderText(0, rules.now()));
        assertEquals(1, rules.triggers(0));
        assertEquals(2, rules.opened(0));
    }

    @Test
    @DisplayName("the ports close 15 s after the last trigger packet; connections made through them go on")
    void thePortsCloseAfterTheTimeout() {
        TestGateway g = gateway();
        trigger(g, A);
        assertEquals(A + ":2350", peerSends(g, 9000, 2350));
        g.advanceSeconds(10);
        trigger(g, A); // the lobby connection's next packet re-arms the hold
        g.advanceSeconds(10);
        assertEquals(A + ":2351", peerSends(g, 9000, 2351), "re-armed 10 s ago: still open");
        g.advanceSeconds(6);
        assertEquals("dropped", peerSends(g, 9002, 2352), "lapsed");
        assertEquals(0, g.translator.autoForwards().secondsLeft(0, g.translator.autoForwards().now()));
        assertEquals(A + ":2351", peerSends(g, 9000, 2351), "the connection made while open goes on");
    }

    @Test
    @DisplayName("one host at a time: another host's trigger is counted and refused while the rule is held")
    void oneHostAtATime() {
        TestGateway g = gateway();
        trigger(g, A);
        trigger(g, B);
        assertEquals(1, g.count(Counter.AUTOFW_BUSY));
        assertEquals(A + ":2360", peerSends(g, 9000, 2360));
        g.advanceSeconds(16);
        trigger(g, B);
        assertEquals(B + ":2361", peerSends(g, 9001, 2361), "lapsed, the next trigger takes it");
    }

    @Test
    @DisplayName("the open ports are never given to an outbound mapping, even under preserve")
    void openPortsAreHeld() {
        TestGateway g = gateway();
        byte[] out = g.out(udp(C, 2350, SERVER, 53).build());
        assertNotEquals(2350, Bytes.get16(out, Ipv4Header.MIN_LENGTH));
        assertEquals(0, Bytes.get16(out, Ipv4Header.MIN_LENGTH) % 2, "parity kept");
    }

    @Test
    @DisplayName("overlapping open ports, a forward's port, a held port and bad values are refused by name")
    void badRulesAreRefused() {
        assertEquals("b: udp 5000 opens udp 2390-2410 for 15 s opens ports directplay opens too",
                assertThrows(IllegalArgumentException.class, () -> AutoForwards.of(List.of(DIRECTPLAY,
                        new AutoForwards.Rule("b", UDP, 5000, 5000, new int[] {UDP}, 2390, 2410, 15)))).getMessage());
        TestGateway g = new TestGateway();
        assertNull(g.translator.setPortForwards(PortForwards.of(List.of(new PortForwards.Forward("web", TCP, 2380,
                2380, ip(A), 80, 1, null)))));
        assertEquals("directplay: tcp port 2380 is a port forward's; the autofw rules stay as they were",
                g.translator.setAutoForwards(AutoForwards.of(List.of(DIRECTPLAY))));
        assertEquals(List.of(), g.translator.autoForwards().rules());
        TestGateway h = gateway();
        assertEquals("web: tcp port 2300 is opened by an autofw rule; the forwards stay as they were",
                h.translator.setPortForwards(PortForwards.of(List.of(new PortForwards.Forward("web", TCP, 2300, 2300,
                        ip(A), 80, 1, null)))));
        assertEquals("t: timeout 0 is not at least 1 s", assertThrows(IllegalArgumentException.class,
                () -> new AutoForwards.Rule("t", TCP, 1, 1, new int[] {TCP}, 2, 2, 0)).getMessage());
        assertEquals("p: open protocol 1 is not tcp or udp", assertThrows(IllegalArgumentException.class,
                () -> new AutoForwards.Rule("p", TCP, 1, 1, new int[] {1}, 2, 2, 5)).getMessage());
        assertEquals("r: trigger ports 9-3 are not a range within 1-65535", assertThrows(IllegalArgumentException.class,
                () -> new AutoForwards.Rule("r", TCP, 9, 3, new int[] {TCP}, 2, 2, 5)).getMessage());
        assertEquals("tcp 47624 opens tcp,udp 2300-2400 for 15 s", DIRECTPLAY.describe());
    }

    @Test
    @DisplayName("replacing the rules gives back the ports no rule opens any more")
    void replacingGivesPortsBack() {
        TestGateway g = gateway();
        assertNull(g.translator.setAutoForwards(AutoForwards.of(List.of())));
        byte[] out = g.out(udp(C, 2350, SERVER, 53).build());
        assertEquals(2350, Bytes.get16(out, Ipv4Header.MIN_LENGTH), "preserved: 2350 is an ordinary port again");
        trigger(g, A);
        assertEquals("dropped", peerSends(g, 9000, 2352));
    }
}
