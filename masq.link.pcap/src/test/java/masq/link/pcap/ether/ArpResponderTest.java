package masq.link.pcap.ether;

import static masq.link.pcap.ether.Frames.A;
import static masq.link.pcap.ether.Frames.A_MAC;
import static masq.link.pcap.ether.Frames.B;
import static masq.link.pcap.ether.Frames.B_MAC;
import static masq.link.pcap.ether.Frames.GW_IN;
import static masq.link.pcap.ether.Frames.GW_IN_MAC;
import static masq.link.pcap.ether.Frames.GW_OUT;
import static masq.link.pcap.ether.Frames.GW_OUT_MAC;
import static masq.link.pcap.ether.Frames.ROUTER;
import static masq.link.pcap.ether.Frames.ROUTER_MAC;
import static masq.link.pcap.ether.Frames.arp;
import static masq.link.pcap.ether.Frames.arpPadded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import masq.api.Ipv4;
import masq.api.link.GatewayLink;
import masq.api.link.LinkConfigDTO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ARP responder and learning (RFC 826 reception), and the Ethernet receive checks. */
class ArpResponderTest {
    static final long T0 = 1_000_000_000_000L;
    MemoryLink in;
    MemoryLink out;
    EthernetGateway gw;
    Frames.Recorder rx;

    static LinkConfigDTO config() {
        LinkConfigDTO c = new LinkConfigDTO();
        c.insideInterface = "in0";
        c.insideAddress = GW_IN;
        c.insidePrefixLength = 24;
        c.outsideInterface = "out0";
        c.outsideAddress = GW_OUT;
        c.outsidePrefixLength = 24;
        c.outsideGateway = ROUTER;
        return c;
    }

    @BeforeEach
    void open() {
        in = new MemoryLink("in0", GW_IN_MAC);
        out = new MemoryLink("out0", GW_OUT_MAC);
        gw = new EthernetGateway(config(), in, out, MemoryLink.WAITER, T0);
        gw.start();
        rx = new Frames.Recorder();
    }

    private List<byte[]> deliver(MemoryLink link, byte[] frame) {
        link.take();
        link.inject(frame);
        assertEquals(1, gw.poll(rx, 16, T0));
        return link.take();
    }

    private long count(int side, LinkCounter c) {
        return gw.side(side).counter(c);
    }

    @Test
    void startAnnouncesBothAddresses() {
        MemoryLink i = new MemoryLink("in0", GW_IN_MAC);
        MemoryLink o = new MemoryLink("out0", GW_OUT_MAC);
        new EthernetGateway(config(), i, o, MemoryLink.WAITER, T0).start();
        assertArrayEquals(arpPadded(Ethernet.BROADCAST, GW_IN_MAC, Arp.OP_REQUEST, GW_IN_MAC, GW_IN, 0, GW_IN),
                i.sent.get(0));
        assertArrayEquals(arpPadded(Ethernet.BROADCAST, GW_OUT_MAC, Arp.OP_REQUEST, GW_OUT_MAC, GW_OUT, 0, GW_OUT),
                o.sent.get(0));
    }

    @Test
    void answersWhoHasInsideAddressAndLearnsTheAsker() {
        List<byte[]> sent = deliver(in, arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN));
        assertEquals(1, sent.size());
        assertArrayEquals(arpPadded(A_MAC, GW_IN_MAC, Arp.OP_REPLY, GW_IN_MAC, GW_IN, A_MAC, A), sent.get(0));
        int i = gw.side(GatewayLink.INSIDE).cache.find(A);
        assertEquals(A_MAC, gw.side(GatewayLink.INSIDE).cache.mac(i));
        assertEquals(1, count(GatewayLink.INSIDE, LinkCounter.ARP_REPLIES_SENT));
    }

    @Test
    void answersWhoHasOutsideAddressOnlyOnTheOutside() {
        List<byte[]> sent = deliver(out, arp(Ethernet.BROADCAST, ROUTER_MAC, Arp.OP_REQUEST, ROUTER_MAC, ROUTER, 0, GW_OUT));
        assertArrayEquals(arpPadded(ROUTER_MAC, GW_OUT_MAC, Arp.OP_REPLY, GW_OUT_MAC, GW_OUT, ROUTER_MAC, ROUTER),
                sent.get(0));
        assertEquals(0, deliver(in, arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_OUT)).size());
        assertEquals(1, count(GatewayLink.INSIDE, LinkCounter.ARP_NOT_FOR_US));
    }

    @Test
    void answersAnArpProbeWithoutLearning() {
        List<byte[]> sent = deliver(in, arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, 0, 0, GW_IN));
        assertArrayEquals(arpPadded(A_MAC, GW_IN_MAC, Arp.OP_REPLY, GW_IN_MAC, GW_IN, A_MAC, 0), sent.get(0));
        assertEquals(0, gw.side(GatewayLink.INSIDE).cache.size());
    }

    @Test
    void anUnsolicitedReplyIsNotLearned() {
        deliver(in, arp(GW_IN_MAC, A_MAC, Arp.OP_REPLY, A_MAC, A, GW_IN_MAC, GW_IN));
        assertEquals(0, gw.side(GatewayLink.INSIDE).cache.size());
        assertEquals(1, count(GatewayLink.INSIDE, LinkCounter.ARP_UNSOLICITED));
    }

    @Test
    void gratuitousArpUpdatesAKnownNeighbourButAddsNoNewOne() {
        deliver(in, arp(Ethernet.BROADCAST, B_MAC, Arp.OP_REQUEST, B_MAC, B, 0, B));
        assertEquals(0, gw.side(GatewayLink.INSIDE).cache.size());
        deliver(in, arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN));
        long moved = Ethernet.parse("02:aa:00:00:00:99");
        assertEquals(0, deliver(in, arp(Ethernet.BROADCAST, moved, Arp.OP_REQUEST, moved, A, 0, A)).size());
        ArpCache cache = gw.side(GatewayLink.INSIDE).cache;
        assertEquals(moved, cache.mac(cache.find(A)));
        assertEquals(1, cache.size());
    }

    @Test
    void offSubnetSenderIsAnsweredNotLearned() {
        int stranger = Ipv4.parse("10.9.9.9");
        assertEquals(1, deliver(in, arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, stranger, 0, GW_IN)).size());
        assertEquals(0, gw.side(GatewayLink.INSIDE).cache.size());
        assertEquals(1, count(GatewayLink.INSIDE, LinkCounter.ARP_OFF_SUBNET));
    }

    static Stream<Arguments> dropped() {
        byte[] wrongHardware = arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN);
        wrongHardware[15] = 6;
        byte[] wrongProtocol = arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN);
        wrongProtocol[16] = (byte) 0x86;
        wrongProtocol[17] = (byte) 0xdd;
        byte[] wrongHlen = arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN);
        wrongHlen[18] = 8;
        byte[] wrongPlen = arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN);
        wrongPlen[19] = 16;
        byte[] truncated = java.util.Arrays.copyOf(arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN), 41);
        long forged = Ethernet.parse("02:66:66:66:66:66");
        byte[] ipv6 = Frames.frame(GW_IN_MAC, A_MAC, 0x86dd, new byte[40]);
        byte[] vlan = Frames.frame(Ethernet.BROADCAST, A_MAC, 0x8100, new byte[46]);
        return Stream.of(
                Arguments.of("runt frame", new byte[13], LinkCounter.DROP_TRUNCATED),
                Arguments.of("truncated ARP", truncated, LinkCounter.DROP_TRUNCATED),
                Arguments.of("hardware type 6", wrongHardware, LinkCounter.ARP_BAD_FORMAT),
                Arguments.of("protocol IPv6", wrongProtocol, LinkCounter.ARP_BAD_FORMAT),
                Arguments.of("hardware length 8", wrongHlen, LinkCounter.ARP_BAD_FORMAT),
                Arguments.of("protocol length 16", wrongPlen, LinkCounter.ARP_BAD_FORMAT),
                Arguments.of("RARP op 3", arp(Ethernet.BROADCAST, A_MAC, 3, A_MAC, A, 0, GW_IN), LinkCounter.ARP_BAD_OP),
                Arguments.of("sender MAC differs from source",
                        arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, forged, A, 0, GW_IN), LinkCounter.ARP_SPOOFED),
                Arguments.of("zero sender MAC", arp(Ethernet.BROADCAST, 0, Arp.OP_REQUEST, 0, A, 0, GW_IN),
                        LinkCounter.ARP_SPOOFED),
                Arguments.of("broadcast source", arp(Ethernet.BROADCAST, Ethernet.BROADCAST, Arp.OP_REQUEST,
                        Ethernet.BROADCAST, A, 0, GW_IN), LinkCounter.DROP_GROUP_SOURCE),
                Arguments.of("claims our address", arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, GW_IN, 0, GW_IN),
                        LinkCounter.ARP_CONFLICT),
                Arguments.of("unicast to another MAC", arp(B_MAC, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN),
                        LinkCounter.DROP_NOT_FOR_US),
                Arguments.of("our own frame looped back",
                        arp(Ethernet.BROADCAST, GW_IN_MAC, Arp.OP_REQUEST, GW_IN_MAC, GW_IN, 0, A), LinkCounter.DROP_OWN_SOURCE),
                Arguments.of("request for another address", arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, B),
                        LinkCounter.ARP_NOT_FOR_US),
                Arguments.of("reply to another address", arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REPLY, A_MAC, A, B_MAC, B),
                        LinkCounter.ARP_NOT_FOR_US),
                Arguments.of("IPv6", ipv6, LinkCounter.DROP_ETHERTYPE),
                Arguments.of("VLAN tag", vlan, LinkCounter.DROP_ETHERTYPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dropped")
    void dropsWithoutAnswerOrLearning(String name, byte[] frame, LinkCounter reason) {
        assertEquals(0, deliver(in, frame).size(), name + ": nothing sent");
        assertEquals(1, count(GatewayLink.INSIDE, reason), name + ": counted as " + reason.key);
        assertEquals(0, gw.side(GatewayLink.INSIDE).cache.size(), name + ": nothing learned");
        assertEquals(0, rx.received.size(), name + ": nothing delivered");
    }

    @Test
    void randomMutationsOfARequestNeverThrowAndOnlyTheOriginalIsAnswered() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] good = arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN);
        for (int n = 0; n < 2000; n++) {
            byte[] f = java.util.Arrays.copyOf(good, 1 + random.nextInt(good.length));
            for (int k = random.nextInt(4); k >= 0 && f.length > 0; k--) {
                f[random.nextInt(f.length)] ^= (byte) (1 + random.nextInt(255));
            }
            List<byte[]> sent = deliver(in, f);
            for (byte[] reply : sent) {
                assertEquals(Arp.OP_REPLY, Arp.op(reply, Ethernet.HEADER_LENGTH), "seed " + seed);
                assertEquals(GW_IN, Arp.senderIp(reply, Ethernet.HEADER_LENGTH), "seed " + seed);
                assertEquals(Ethernet.source(f, 0), Ethernet.destination(reply, 0), "seed " + seed);
            }
        }
    }

    @Test
    void answersForOneToOneAddressesOnTheOutsideOnlyAfterBeingGivenThem() {
        int alias = Ipv4.parse("203.0.113.50");
        byte[] ask = arp(Ethernet.BROADCAST, ROUTER_MAC, Arp.OP_REQUEST, ROUTER_MAC, ROUTER, 0, alias);
        assertTrue(deliver(out, ask).isEmpty(), "not ours yet");
        out.take();
        assertTrue(gw.setOutsideAliases(new int[] {alias}));
        List<byte[]> announced = out.take();
        assertEquals(1, announced.size());
        assertArrayEquals(arpPadded(Ethernet.BROADCAST, GW_OUT_MAC, Arp.OP_REQUEST, GW_OUT_MAC, alias, 0, alias),
                announced.get(0), "a new address is announced with gratuitous ARP");
        List<byte[]> sent = deliver(out, ask);
        assertEquals(1, sent.size());
        assertArrayEquals(arpPadded(ROUTER_MAC, GW_OUT_MAC, Arp.OP_REPLY, GW_OUT_MAC, alias, ROUTER_MAC, ROUTER),
                sent.get(0), "the reply gives the 1:1 address as the sender's");
        assertTrue(gw.setOutsideAliases(new int[] {alias}));
        assertTrue(out.take().isEmpty(), "an address owned already is not announced again");
        assertTrue(deliver(in, arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, alias)).isEmpty(),
                "the inside does not get answers for outside addresses");
        assertTrue(gw.setOutsideAliases(new int[0]));
        assertTrue(deliver(out, ask).isEmpty(), "given back, it is not answered any more");
    }

    @Test
    void aNeighbourClaimingAOneToOneAddressIsAConflictNotLearned() {
        int alias = Ipv4.parse("203.0.113.50");
        gw.setOutsideAliases(new int[] {alias});
        long before = count(GatewayLink.OUTSIDE, LinkCounter.ARP_CONFLICT);
        assertTrue(deliver(out, arp(Ethernet.BROADCAST, B_MAC, Arp.OP_REQUEST, B_MAC, alias, 0, GW_OUT)).isEmpty());
        assertEquals(before + 1, count(GatewayLink.OUTSIDE, LinkCounter.ARP_CONFLICT));
        assertEquals(-1, gw.side(GatewayLink.OUTSIDE).cache.find(alias));
    }
}
