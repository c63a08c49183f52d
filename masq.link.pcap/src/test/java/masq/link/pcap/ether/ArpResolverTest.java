package masq.link.pcap.ether;

import static masq.api.link.GatewayLink.INSIDE;
import static masq.api.link.GatewayLink.OUTSIDE;
import static masq.link.pcap.ether.Frames.A;
import static masq.link.pcap.ether.Frames.A_MAC;
import static masq.link.pcap.ether.Frames.B;
import static masq.link.pcap.ether.Frames.GW_IN;
import static masq.link.pcap.ether.Frames.GW_IN_MAC;
import static masq.link.pcap.ether.Frames.GW_OUT;
import static masq.link.pcap.ether.Frames.GW_OUT_MAC;
import static masq.link.pcap.ether.Frames.REMOTE;
import static masq.link.pcap.ether.Frames.ROUTER;
import static masq.link.pcap.ether.Frames.ROUTER_MAC;
import static masq.link.pcap.ether.Frames.SERVER;
import static masq.link.pcap.ether.Frames.arp;
import static masq.link.pcap.ether.Frames.arpPadded;
import static masq.link.pcap.ether.Frames.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import masq.api.link.GatewayLink;
import masq.api.link.LinkConfigDTO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Next-hop resolution: queueing, retries, giving up, expiry, refresh, limits; IPv4 delivery. */
class ArpResolverTest {
    static final long T0 = ArpResponderTest.T0;
    static final long SECOND = 1_000_000_000L;
    MemoryLink in;
    MemoryLink out;
    EthernetGateway gw;
    Frames.Recorder rx = new Frames.Recorder();

    @BeforeEach
    void open() {
        open(ArpResponderTest.config());
    }

    void open(LinkConfigDTO config) {
        in = new MemoryLink("in0", GW_IN_MAC);
        out = new MemoryLink("out0", GW_OUT_MAC);
        gw = new EthernetGateway(config, in, out, MemoryLink.WAITER, T0);
        gw.start();
        in.take();
        out.take();
    }

    private void reply(MemoryLink link, long mac, int ip, long ourMac, int ourIp, long now) {
        link.inject(arp(ourMac, mac, Arp.OP_REPLY, mac, ip, ourMac, ourIp));
        gw.poll(rx, 16, now);
    }

    /** A asks for the gateway's address, which makes the gateway learn A. */
    private void askFromA(long now) {
        in.inject(arp(Ethernet.BROADCAST, A_MAC, Arp.OP_REQUEST, A_MAC, A, 0, GW_IN));
        gw.poll(rx, 16, now);
        in.take();
    }

    private static byte[] framed(long dst, long src, byte[] ip) {
        byte[] f = Frames.frame(dst, src, Ethernet.TYPE_IPV4, ip);
        return f.length >= 60 ? f : Arrays.copyOf(f, 60);
    }

    private long count(int side, LinkCounter c) {
        return gw.side(side).counter(c);
    }

    @Test
    void queuesUntilTheInsideHostAnswersThenSendsToItsMac() {
        byte[] p = ipv4(SERVER, A, 100, false);
        assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length));
        assertArrayEquals(arpPadded(Ethernet.BROADCAST, GW_IN_MAC, Arp.OP_REQUEST, GW_IN_MAC, GW_IN, 0, A),
                in.take().get(0));
        reply(in, A_MAC, A, GW_IN_MAC, GW_IN, T0 + 1000);
        assertArrayEquals(framed(A_MAC, GW_IN_MAC, p), in.take().get(0));
        assertEquals(GatewayLink.SENT, gw.send(INSIDE, p, 0, p.length));
        assertArrayEquals(framed(A_MAC, GW_IN_MAC, p), in.take().get(0));
    }

    @Test
    void offSubnetOutsideDestinationsGoToTheGatewayOnSubnetOnesDirect() {
        byte[] far = ipv4(GW_OUT, REMOTE, 60, false);
        byte[] near = ipv4(GW_OUT, SERVER, 60, false);
        assertEquals(GatewayLink.QUEUED, gw.send(OUTSIDE, far, 0, far.length));
        assertEquals(GatewayLink.QUEUED, gw.send(OUTSIDE, near, 0, near.length));
        List<byte[]> requests = out.take();
        assertEquals(ROUTER, Arp.targetIp(requests.get(0), Ethernet.HEADER_LENGTH));
        assertEquals(SERVER, Arp.targetIp(requests.get(1), Ethernet.HEADER_LENGTH));
        reply(out, ROUTER_MAC, ROUTER, GW_OUT_MAC, GW_OUT, T0);
        assertArrayEquals(framed(ROUTER_MAC, GW_OUT_MAC, far), out.take().get(0));
    }

    @Test
    void offSubnetWithoutGatewayHasNoRoute() {
        LinkConfigDTO c = ArpResponderTest.config();
        c.outsideGateway = 0;
        open(c);
        byte[] far = ipv4(GW_OUT, REMOTE, 60, false);
        assertEquals(GatewayLink.NO_ROUTE, gw.send(OUTSIDE, far, 0, far.length));
        assertEquals(0, out.take().size());
        assertEquals(1, count(OUTSIDE, LinkCounter.TX_NO_ROUTE));
    }

    @Test
    void retriesThreeTimesOneSecondApartThenReportsUnresolved() {
        byte[] p = ipv4(SERVER, B, 80, false);
        assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length));
        assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length));
        gw.tick(rx, T0 + SECOND / 2);
        assertEquals(1, in.take().size(), "the first request only");
        gw.tick(rx, T0 + SECOND);
        gw.tick(rx, T0 + 2 * SECOND);
        assertEquals(2, in.take().size(), "two retries");
        assertEquals(0, rx.unresolved.size());
        gw.tick(rx, T0 + 3 * SECOND);
        assertEquals(0, in.take().size(), "no fourth request");
        assertEquals(2, rx.unresolved.size());
        assertArrayEquals(p, rx.unresolved.get(0));
        assertEquals(-1, gw.side(INSIDE).cache.find(B));
        assertEquals(1, count(INSIDE, LinkCounter.ARP_FAILED));
        assertEquals(2, count(INSIDE, LinkCounter.PENDING_UNRESOLVED));
        assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length), "a later datagram starts again");
        assertEquals(1, in.take().size());
    }

    @Test
    void theUnresolvedCallbackMaySendToTheSameNextHop() {
        Frames.Recorder resender = new Frames.Recorder() {
            @Override
            public void unresolved(int side, byte[] buf, int off, int len) {
                super.unresolved(side, buf, off, len);
                gw.send(side, buf, off, len);
            }
        };
        byte[] p = ipv4(SERVER, B, 80, false);
        gw.send(INSIDE, p, 0, p.length);
        for (int s = 1; s <= 3; s++) {
            gw.tick(resender, T0 + s * SECOND);
        }
        assertEquals(1, resender.unresolved.size());
        assertEquals(1, gw.side(INSIDE).cache.pending(gw.side(INSIDE).cache.find(B)));
    }

    @Test
    void pendingQueueOverflowIsRefusedAndCounted() {
        byte[] p = ipv4(SERVER, B, 80, false);
        for (int i = 0; i < ArpCache.PENDING_PER_NEXT_HOP; i++) {
            assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length));
        }
        assertEquals(GatewayLink.QUEUE_FULL, gw.send(INSIDE, p, 0, p.length));
        assertEquals(1, count(INSIDE, LinkCounter.PENDING_OVERFLOW));
        assertEquals(1, in.take().size(), "one request, not one per datagram");
    }

    @Test
    void sharedPendingMemoryAndCacheSizeAreBounded() {
        ArpCache small = new ArpCache(2, 3);
        EthernetSide side = new EthernetSide(INSIDE, in, GW_IN, 24, 0, 1500, small);
        byte[] p = ipv4(SERVER, A, 80, false);
        byte[] q = ipv4(SERVER, B, 80, false);
        byte[] r = ipv4(SERVER, B + 1, 80, false);
        assertEquals(GatewayLink.QUEUED, side.send(p, 0, p.length, T0));
        assertEquals(GatewayLink.QUEUED, side.send(p, 0, p.length, T0));
        assertEquals(GatewayLink.QUEUED, side.send(q, 0, q.length, T0));
        assertEquals(GatewayLink.QUEUE_FULL, side.send(q, 0, q.length, T0), "pool of 3 used up");
        assertEquals(GatewayLink.QUEUE_FULL, side.send(r, 0, r.length, T0), "cache of 2 full");
        assertEquals(1, side.counter(LinkCounter.ARP_CACHE_FULL));
    }

    @Test
    void aLearnedEntryExpiresAndIsResolvedAgain() {
        askFromA(T0);
        in.take();
        byte[] p = ipv4(SERVER, A, 80, false);
        gw.tick(rx, T0 + ArpCache.REACHABLE_NANOS + 1);
        assertEquals(-1, gw.side(INSIDE).cache.find(A));
        assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length));
    }

    @Test
    void aStaleEntryUsedBeforeTheSweepIsResolvedAgain() {
        askFromA(T0);
        gw.poll(rx, 1, T0 + ArpCache.REACHABLE_NANOS + 1);
        byte[] p = ipv4(SERVER, A, 80, false);
        in.take();
        assertEquals(GatewayLink.QUEUED, gw.send(INSIDE, p, 0, p.length));
        assertEquals(1, in.take().size());
    }

    @Test
    void aBusyEntryIsRefreshedByUnicastBeforeItExpires() {
        askFromA(T0);
        byte[] p = ipv4(SERVER, A, 80, false);
        gw.poll(rx, 1, T0 + ArpCache.REACHABLE_NANOS - ArpCache.REFRESH_NANOS + 1);
        assertEquals(GatewayLink.SENT, gw.send(INSIDE, p, 0, p.length));
        assertEquals(GatewayLink.SENT, gw.send(INSIDE, p, 0, p.length));
        List<byte[]> sent = in.take();
        assertEquals(3, sent.size(), "one refresh request (rate-limited) and two datagrams");
        assertArrayEquals(arpPadded(A_MAC, GW_IN_MAC, Arp.OP_REQUEST, GW_IN_MAC, GW_IN, 0, A), sent.get(0));
        reply(in, A_MAC, A, GW_IN_MAC, GW_IN, T0 + ArpCache.REACHABLE_NANOS - SECOND);
        gw.tick(rx, T0 + ArpCache.REACHABLE_NANOS + SECOND);
        assertTrue(gw.side(INSIDE).cache.find(A) >= 0, "the answer renewed it");
    }

    @Test
    void malformedDatagramsAreNotSent() {
        byte[] p = ipv4(SERVER, A, 80, false);
        assertEquals(GatewayLink.MALFORMED, gw.send(INSIDE, p, 0, 79), "total length disagrees");
        assertEquals(GatewayLink.MALFORMED, gw.send(INSIDE, p, 0, 19), "shorter than a header");
        assertEquals(GatewayLink.MALFORMED, gw.send(INSIDE, p, 70, 80), "past the array");
        assertEquals(GatewayLink.MALFORMED, gw.send(5, p, 0, 80), "no such side");
        p[0] = 0x65;
        assertEquals(GatewayLink.MALFORMED, gw.send(INSIDE, p, 0, 80), "version 6");
        p[0] = 0x44;
        assertEquals(GatewayLink.MALFORMED, gw.send(INSIDE, p, 0, 80), "IHL 4");
        assertEquals(0, in.take().size());
    }

    @Test
    void broadcastDestinationsNeedNoResolution() {
        byte[] p = ipv4(GW_IN, Frames.A | 0xff, 60, false);
        assertEquals(GatewayLink.SENT, gw.send(INSIDE, p, 0, p.length));
        assertEquals(Ethernet.BROADCAST, Ethernet.destination(in.take().get(0), 0));
    }

    @Test
    void aRefusedFrameIsASendFailure() {
        byte[] p = ipv4(GW_IN, Frames.A | 0xff, 60, false);
        in.refuse = true;
        assertEquals(GatewayLink.SEND_FAILED, gw.send(INSIDE, p, 0, p.length));
        assertEquals(1, gw.stats().get(0).errors);
    }

    @Test
    void ipv4ToOurMacIsDeliveredWithoutPadding() {
        byte[] p = ipv4(A, SERVER, 28, false);
        in.inject(framed(GW_IN_MAC, A_MAC, p));
        out.inject(Frames.frame(Ethernet.BROADCAST, ROUTER_MAC, Ethernet.TYPE_IPV4, p));
        assertEquals(2, gw.poll(rx, 16, T0));
        assertEquals(List.of(INSIDE, OUTSIDE), rx.sides);
        assertArrayEquals(p, rx.received.get(0));
        assertArrayEquals(p, rx.received.get(1));
    }

    @Test
    void ipv4NotForUsOrBrokenIsDropped() {
        byte[] p = ipv4(A, SERVER, 40, false);
        in.inject(framed(Frames.B_MAC, A_MAC, p));
        in.inject(Arrays.copyOf(framed(GW_IN_MAC, A_MAC, p), 14 + 19));
        byte[] v6 = p.clone();
        v6[0] = 0x60;
        in.inject(framed(GW_IN_MAC, A_MAC, v6));
        gw.poll(rx, 16, T0);
        assertEquals(0, rx.received.size());
        assertEquals(1, count(INSIDE, LinkCounter.DROP_NOT_FOR_US));
        assertEquals(1, count(INSIDE, LinkCounter.DROP_TRUNCATED));
        assertEquals(1, count(INSIDE, LinkCounter.DROP_IP_VERSION));
    }

    @Test
    void aThrowingReceiverIsCountedAndTheLinkGoesOn() {
        byte[] p = ipv4(A, SERVER, 40, false);
        in.inject(framed(GW_IN_MAC, A_MAC, p));
        in.inject(framed(GW_IN_MAC, A_MAC, p));
        assertEquals(2, gw.poll((side, buf, off, len) -> {
            throw new IllegalStateException("engine bug");
        }, 16, T0));
        assertEquals(2, count(INSIDE, LinkCounter.RECEIVER_ERRORS));
        assertEquals(0, in.waiting());
    }

    @Test
    void aFailingReadIsCountedAndTheOtherSideGoesOn() {
        byte[] p = ipv4(SERVER, A, 40, false);
        in.failReads = true;
        out.inject(Frames.frame(GW_OUT_MAC, ROUTER_MAC, Ethernet.TYPE_IPV4, p));
        assertEquals(1, gw.poll(rx, 16, T0));
        assertEquals(1, gw.stats().get(0).errors);
        assertEquals(1, count(OUTSIDE, LinkCounter.IPV4_RECEIVED));
        in.failReads = false;
        in.inject(framed(GW_IN_MAC, A_MAC, ipv4(A, SERVER, 40, false)));
        assertEquals(1, gw.poll(rx, 16, T0), "the side is read again after the failure");
        assertEquals(1, count(INSIDE, LinkCounter.IPV4_RECEIVED));
    }

    @Test
    void awaitReturnsAtOnceWhilePollLeftFramesBehind() throws InterruptedException {
        byte[] p = ipv4(A, SERVER, 40, false);
        for (int i = 0; i < 4; i++) {
            in.inject(framed(GW_IN_MAC, A_MAC, p));
        }
        assertEquals(3, gw.poll(rx, 3, T0));
        assertTrue(gw.await(0));
        assertEquals(1, gw.poll(rx, 3, T0));
        assertEquals(4, gw.stats().get(0).received);
        assertEquals(0, count(INSIDE, LinkCounter.RX_UNANNOUNCED));
        in.inject(framed(GW_IN_MAC, A_MAC, p));
        assertEquals(1, gw.poll(rx, 3, T0));
        assertEquals(1, count(INSIDE, LinkCounter.RX_UNANNOUNCED), "read by a poll no wait announced");
        in.inject(framed(GW_IN_MAC, A_MAC, p));
        assertTrue(gw.await(0));
        assertEquals(1, gw.poll(rx, 3, T0));
        assertEquals(1, count(INSIDE, LinkCounter.RX_UNANNOUNCED), "announced by the wait");
    }

    @Test
    void pollHandlesAtMostMaxFrames() {
        byte[] p = ipv4(A, SERVER, 40, false);
        for (int i = 0; i < 5; i++) {
            in.inject(framed(GW_IN_MAC, A_MAC, p));
        }
        assertEquals(3, gw.poll(rx, 3, T0));
        assertEquals(2, gw.poll(rx, 3, T0));
        assertEquals(5, gw.stats().get(0).counters.get(LinkCounter.IPV4_RECEIVED.key));
    }
}
