package masq.engine.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import masq.api.link.ArpEntryDTO;
import masq.api.link.GatewayLink;
import masq.api.link.Ipv4Receiver;
import masq.api.link.LinkStatsDTO;
import masq.engine.nat.Counter;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;

/** The engine thread over a fake link: translation by verdict, admin requests, link open retries. */
class LinkEngineTest {
    private static final String A = "192.168.0.2";
    private static final String SERVER = "203.0.113.2";
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(SECOND);

    @Test
    void outboundDatagramIsTranslatedAndSentOutsideOnTheEngineThread() throws Exception {
        FakeLink link = new FakeLink();
        LinkEngine engine = engine(() -> link);
        try {
            link.arrive(GatewayLink.INSIDE, PacketBuilder.udp(A, 1024, SERVER, 53).payload("q").build());
            waitFor(() -> link.sent.size() == 1, "one datagram sent");
            Sent out = link.sent.get(0);
            assertEquals(GatewayLink.OUTSIDE, out.side);
            assertEquals("masq-engine", out.thread);
            assertArrayEquals(PacketBuilder.udp("203.0.113.1", 61000, SERVER, 53).ttl(63).payload("q").build(), out.datagram);
            assertEquals(1, (int) engine.submit(Translator::mappingCount).get(5, TimeUnit.SECONDS));
        } finally {
            engine.stop();
        }
        assertTrue(link.closed, "stopping the engine closes its link");
        assertTrue(!link.closedInterrupted, "closed with the interrupt flag clear, so it can join its threads");
        assertEquals("closed", engine.linkState());
    }

    @Test
    void inboundReplyIsSentInsideAndEchoToTheGatewayIsAnsweredOnItsSide() throws Exception {
        FakeLink link = new FakeLink();
        LinkEngine engine = engine(() -> link);
        try {
            link.arrive(GatewayLink.INSIDE, PacketBuilder.udp(A, 1024, SERVER, 53).build());
            link.arrive(GatewayLink.OUTSIDE, PacketBuilder.udp(SERVER, 53, "203.0.113.1", 61000).payload("a").build());
            link.arrive(GatewayLink.INSIDE, PacketBuilder.echo(A, "192.168.0.1", 7, 1).build());
            waitFor(() -> link.sent.size() == 3, "three datagrams sent");
            assertEquals(GatewayLink.INSIDE, link.sent.get(1).side);
            assertArrayEquals(PacketBuilder.udp(SERVER, 53, A, 1024).ttl(63).payload("a").build(), link.sent.get(1).datagram);
            assertEquals(GatewayLink.INSIDE, link.sent.get(2).side, "the echo reply goes back where it came from");
            assertEquals(0, link.sent.get(2).datagram[20], "ICMP echo reply");
        } finally {
            engine.stop();
        }
    }

    @Test
    void unsentOutcomesAreCountedByName() throws Exception {
        FakeLink link = new FakeLink();
        link.outcome = GatewayLink.NEEDS_FRAGMENTATION;
        LinkEngine engine = engine(() -> link);
        try {
            link.arrive(GatewayLink.INSIDE, PacketBuilder.udp(A, 1024, SERVER, 53).build());
            waitFor(() -> engine.sendCounters().snapshot().get("link.send.needs-fragmentation.no-icmp") == 1,
                    "needs-fragmentation counted");
            link.outcome = GatewayLink.NO_ROUTE;
            link.arrive(GatewayLink.INSIDE, PacketBuilder.udp(A, 1024, SERVER, 53).build());
            waitFor(() -> engine.sendCounters().snapshot().get("link.send.no-route") == 1, "no-route counted");
        } finally {
            engine.stop();
        }
    }

    @Test
    void aDatagramTooBigForTheOutsideLinkIsAnsweredWithFragmentationNeededInside() throws Exception {
        FakeLink link = new FakeLink();
        link.outsideOutcome = GatewayLink.NEEDS_FRAGMENTATION;
        link.outsideMtu = 1280;
        LinkEngine engine = engine(() -> link);
        try {
            byte[] big = PacketBuilder.udp(A, 1024, SERVER, 53).fragmentWord(0x4000).payload(new byte[1400]).build();
            link.arrive(GatewayLink.INSIDE, big);
            waitFor(() -> link.sent.size() == 2, "the datagram tried outside, then the error sent inside");
            assertEquals(GatewayLink.OUTSIDE, link.sent.get(0).side);
            assertEquals(GatewayLink.INSIDE, link.sent.get(1).side);
            byte[] expected = PacketBuilder.icmp("192.168.0.1", A, 3, 4, 1280).id(0)
                    .payload(Arrays.copyOf(big, 28)).build();
            assertArrayEquals(expected, link.sent.get(1).datagram, "RFC 1191: ICMP 3/4 with the next-hop MTU");
            assertEquals(1L, (long) engine.submit(t -> t.counters().get(Counter.SENT_FRAG_NEEDED))
                    .get(5, TimeUnit.SECONDS));
            assertEquals(0L, engine.sendCounters().snapshot().get("link.send.needs-fragmentation.no-icmp"));
        } finally {
            engine.stop();
        }
    }

    @Test
    void aSuperFrameLeavesAsSegmentsThatFitTheSmallerMtu() throws Exception {
        FakeLink link = new FakeLink();
        link.outsideMtu = 1280;
        LinkEngine engine = engine(() -> link);
        try {
            byte[] data = new byte[10000];
            Arrays.fill(data, (byte) 'x');
            byte[] superFrame = PacketBuilder.partial(PacketBuilder.tcp(A, 40000, SERVER, 80).seq(1, 0)
                    .fragmentWord(0x4000).payload(data).build());
            link.arrive(GatewayLink.INSIDE, superFrame);
            int segments = (10000 + 1239) / 1240;
            waitFor(() -> link.sent.size() == segments, segments + " segments sent outside");
            int sequence = 1;
            for (Sent s : link.sent) {
                assertEquals(GatewayLink.OUTSIDE, s.side);
                assertTrue(s.datagram.length <= 1280, "fits the outside MTU: " + s.datagram.length);
                assertEquals(sequence, TcpHeader.sequence(s.datagram, 20));
                sequence += s.datagram.length - 40;
            }
            assertEquals(10001, sequence);
            assertEquals(0L, (long) engine.submit(t -> t.counters().get(Counter.SENT_FRAG_NEEDED)).get(5, TimeUnit.SECONDS),
                    "cut, not refused with fragmentation needed");
        } finally {
            engine.stop();
        }
    }

    @Test
    void aDatagramWhoseNextHopNeverAnsweredArpIsAnsweredWithHostUnreachableInside() throws Exception {
        FakeLink link = new FakeLink();
        link.outsideOutcome = GatewayLink.QUEUED;
        LinkEngine engine = engine(() -> link);
        try {
            byte[] query = PacketBuilder.udp(A, 1024, SERVER, 53).payload("who is there").build();
            link.arrive(GatewayLink.INSIDE, query);
            waitFor(() -> link.sent.size() == 1, "the datagram queued outside while ARP resolves");
            link.giveUp(link.sent.get(0));
            waitFor(() -> link.sent.size() == 2, "the error sent inside");
            assertEquals(GatewayLink.INSIDE, link.sent.get(1).side);
            byte[] expected = PacketBuilder.icmp("192.168.0.1", A, 3, 1, 0).id(0)
                    .payload(Arrays.copyOf(query, 28)).build();
            assertArrayEquals(expected, link.sent.get(1).datagram,
                    "RFC 1812 4.3.3.1: host unreachable, quoting the datagram as A sent it");
            assertEquals(1L, (long) engine.submit(t -> t.counters().get(Counter.SENT_UNREACHABLE))
                    .get(5, TimeUnit.SECONDS));
        } finally {
            engine.stop();
        }
    }

    @Test
    void aRequestToAStoppedEngineFailsAtOnceInsteadOfTimingOut() throws Exception {
        FakeLink link = new FakeLink();
        LinkEngine engine = engine(() -> link);
        assertEquals(0, (int) engine.submit(Translator::mappingCount).get(5, TimeUnit.SECONDS));
        engine.stop();
        java.util.concurrent.CompletableFuture<Integer> late = engine.submit(Translator::mappingCount);
        assertTrue(late.isCompletedExceptionally(), "failed without waiting");
        java.util.concurrent.ExecutionException e = assertThrows(
                java.util.concurrent.ExecutionException.class, () -> late.get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof LinkEngine.Stopped, e.toString());
    }

    @Test
    void aLinkThatCannotOpenIsRetriedWhileAdminRequestsAreAnswered() throws Exception {
        FakeLink link = new FakeLink();
        AtomicInteger attempts = new AtomicInteger();
        LinkEngine engine = engine(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("interface 'in0' does not exist (see 'ip link show')");
            }
            return link;
        });
        try {
            waitFor(() -> engine.linkState().startsWith("down"), "link down");
            assertEquals("down: interface 'in0' does not exist (see 'ip link show'); retrying every 5 s",
                    engine.linkState());
            assertEquals(0, (int) engine.submit(Translator::mappingCount).get(5, TimeUnit.SECONDS));
            assertEquals(List.of(), engine.linkStats());
            assertEquals(List.of(), engine.submit(t -> engine.arp()).get(5, TimeUnit.SECONDS));
            Thread.sleep(200);
            assertEquals(1, attempts.get(), "no retry before 5 s have passed");
            clock.addAndGet(5 * SECOND);
            waitFor(() -> "up".equals(engine.linkState()), "link up after the retry");
            assertEquals(2, attempts.get());
            assertEquals(1L, engine.sendCounters().snapshot().get("link.opened"));
            assertEquals(1L, engine.sendCounters().snapshot().get("link.open-failed"));
            assertEquals("inside", engine.linkStats().get(0).side);
            engine.reopenIf(() -> false, "not stale");
            assertEquals(2, (int) engine.submit(t -> attempts.get()).get(5, TimeUnit.SECONDS));
            assertTrue(!link.closed, "a link that is not stale stays open");
            engine.reopenIf(() -> true, "its link factory went away");
            waitFor(() -> link.closed, "stale link closed");
            waitFor(() -> attempts.get() == 3, "reopened at once, without the 5 s retry wait");
            waitFor(() -> "up".equals(engine.linkState()), "link up again");
        } finally {
            engine.stop();
        }
    }

    @Test
    void withBusyPollingTheEngineDoesNotWaitWithinTheWindowAfterAFrame() throws Exception {
        FakeLink link = new FakeLink();
        LinkEngine engine = engine(() -> link);
        try {
            engine.busyPoll(1000);
            waitFor(() -> link.awaits.get() > 2, "waits before any frame");
            link.arrive(GatewayLink.INSIDE, PacketBuilder.udp(A, 1024, SERVER, 53).build());
            waitFor(() -> link.sent.size() == 1, "the frame sent");
            int waits = link.awaits.get();
            int polls = link.polls.get();
            waitFor(() -> link.polls.get() > polls + 1000, "polls without waiting");
            assertTrue(link.awaits.get() <= waits + 1, "no wait within 1 ms of the frame on the engine's clock");
            clock.addAndGet(1_000_000L);
            waitFor(() -> link.awaits.get() > waits + 2, "waits again once the window has passed");
        } finally {
            engine.stop();
        }
    }

    @Test
    void withoutBusyPollingTheEngineWaitsRightAfterAFrame() throws Exception {
        FakeLink link = new FakeLink();
        LinkEngine engine = engine(() -> link);
        try {
            link.arrive(GatewayLink.INSIDE, PacketBuilder.udp(A, 1024, SERVER, 53).build());
            waitFor(() -> link.sent.size() == 1, "the frame sent");
            int waits = link.awaits.get();
            waitFor(() -> link.awaits.get() > waits + 2, "waits on a frozen clock");
        } finally {
            engine.stop();
        }
    }

    @Test
    void aBusyPollWindowOutOfRangeIsRefused() {
        LinkEngine engine = new LinkEngine(translator(), FakeLink::new, "in0/out0", clock::get);
        engine.busyPoll(LinkEngine.MAX_BUSY_POLL_MICROS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.busyPoll(LinkEngine.MAX_BUSY_POLL_MICROS + 1));
        assertEquals("busy poll 1000001 us is not within 0-1000000", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.busyPoll(-1));
    }

    @Test
    void tooManyWaitingRequestsAreRefusedNotQueued() {
        LinkEngine engine = new LinkEngine(translator(), FakeLink::new, "in0/out0", clock::get);
        for (int i = 0; i < LinkEngine.REQUEST_CAPACITY; i++) {
            assertTrue(!engine.submit(t -> 1).isDone());
        }
        assertTrue(engine.submit(t -> 1).isCompletedExceptionally());
    }

    private LinkEngine engine(LinkEngine.Opener opener) {
        LinkEngine engine = new LinkEngine(translator(), opener, "in0/out0", clock::get);
        engine.start();
        return engine;
    }

    private static Translator translator() {
        return new Translator(EngineConfig.builder().insideAddress("192.168.0.1/24").outsideAddress("203.0.113.1/24")
                .allocation(PortAllocation.SEQUENTIAL).build(), SECOND);
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5 * SECOND;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(10);
        }
    }

    private record Sent(int side, byte[] datagram, String thread) {
    }

    /** A link whose frames are queued by the test and whose sends are recorded. */
    private static final class FakeLink implements GatewayLink {
        final Queue<Object[]> arrivals = new ArrayDeque<>();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        volatile int outcome = SENT;
        /** When set (not -1), the outcome of sends on the outside side. */
        volatile int outsideOutcome = -1;
        volatile int outsideMtu = 1500;
        volatile boolean closed;
        volatile boolean closedInterrupted;
        final AtomicInteger awaits = new AtomicInteger();
        final AtomicInteger polls = new AtomicInteger();

        /** The link gives up on a datagram it queued: the next poll hands it to {@code unresolved}. */
        synchronized void giveUp(Sent queued) {
            arrivals.add(new Object[] {-1 - queued.side, queued.datagram, queued.datagram.length});
        }

        synchronized void arrive(int side, byte[] datagram) {
            // The link hands datagrams in larger arrays, with headroom, at an offset.
            byte[] slot = new byte[14 + datagram.length + RX_HEADROOM];
            System.arraycopy(datagram, 0, slot, 14, datagram.length);
            arrivals.add(new Object[] {side, slot, datagram.length});
        }

        @Override
        public int send(int side, byte[] buf, int off, int len) {
            sent.add(new Sent(side, Arrays.copyOfRange(buf, off, off + len), Thread.currentThread().getName()));
            return side == OUTSIDE && outsideOutcome >= 0 ? outsideOutcome : outcome;
        }

        @Override
        public int poll(Ipv4Receiver receiver, int maxFrames, long nowNanos) {
            polls.incrementAndGet();
            int handled = 0;
            Object[] a;
            while (handled < maxFrames && (a = next()) != null) {
                int side = (int) a[0];
                if (side < 0) {
                    receiver.unresolved(-1 - side, (byte[]) a[1], 0, (int) a[2]);
                    continue;
                }
                receiver.receive(side, (byte[]) a[1], 14, (int) a[2]);
                handled++;
            }
            return handled;
        }

        private synchronized Object[] next() {
            return arrivals.poll();
        }

        @Override
        public boolean await(long timeoutNanos) throws InterruptedException {
            awaits.incrementAndGet();
            Thread.sleep(1);
            return false;
        }

        @Override
        public void wakeup() {
        }

        @Override
        public int mtu(int side) {
            return side == OUTSIDE ? outsideMtu : 1500;
        }

        @Override
        public List<LinkStatsDTO> stats() {
            LinkStatsDTO inside = new LinkStatsDTO();
            inside.side = "inside";
            return List.of(inside);
        }

        @Override
        public List<ArpEntryDTO> arp() {
            return List.of();
        }

        @Override
        public void close() {
            closedInterrupted = Thread.currentThread().isInterrupted();
            closed = true;
        }
    }
}
