package masq.itest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import masq.api.link.ArpEntryDTO;
import masq.api.link.GatewayLink;
import masq.api.link.Ipv4Receiver;
import masq.api.link.LinkConfigDTO;
import masq.api.link.LinkFactory;
import masq.api.link.LinkStatsDTO;

/**
 * A {@link LinkFactory} whose link is two queues instead of two interfaces: the test injects
 * datagrams per side ({@link #inject}), the engine thread receives them in {@link GatewayLink#poll},
 * and whatever the engine sends is recorded for the test to take ({@link #take}). No ARP, no
 * fragmentation: every send is {@link GatewayLink#SENT}.
 *
 * <p>Threading: the test thread injects and takes; the engine thread polls, awaits and sends.
 */
final class MemoryLink implements LinkFactory {
    /** A datagram the engine sent, copied. */
    record Sent(int side, byte[] datagram) {
    }

    /** A datagram the test injected, waiting for the engine. */
    private record Arrival(int side, byte[] datagram) {
    }

    /** Where a received datagram starts in its array, as if behind an Ethernet header. */
    private static final int FRAME_OFFSET = 14;

    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final AtomicInteger opened = new AtomicInteger();
    /** Datagrams handed to the engine, per side. */
    private final AtomicLongArray received = new AtomicLongArray(2);
    /** Guards the await/wakeup handshake. */
    private final Object signal = new Object();
    private boolean woken;
    private volatile LinkConfigDTO config;
    private volatile boolean closed;

    @Override
    public GatewayLink open(LinkConfigDTO linkConfig) {
        config = linkConfig;
        closed = false;
        opened.incrementAndGet();
        return new Link();
    }

    /** @return how often the gateway opened this link */
    int opened() {
        return opened.get();
    }

    /** @return whether the gateway closed the link it opened last */
    boolean isClosed() {
        return closed;
    }

    /** @return the configuration of the last open, or null before one */
    LinkConfigDTO config() {
        return config;
    }

    /** Queues {@code datagram} as received on {@code side} and wakes the engine. */
    void inject(int side, byte[] datagram) {
        arrivals.add(new Arrival(side, datagram.clone()));
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** @return the next datagram the engine sent, or null if none within {@code millis} */
    Sent take(long millis) throws InterruptedException {
        return sent.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The link the engine uses; only one is open at a time. */
    private final class Link implements GatewayLink {
        @Override
        public int send(int side, byte[] buf, int off, int len) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            sent.add(new Sent(side, copy));
            return SENT;
        }

        @Override
        public int poll(Ipv4Receiver receiver, int maxFrames, long nowNanos) {
            int handled = 0;
            Arrival a;
            while (handled < maxFrames && !closed && (a = arrivals.poll()) != null) {
                byte[] frame = new byte[FRAME_OFFSET + a.datagram().length + RX_HEADROOM];
                System.arraycopy(a.datagram(), 0, frame, FRAME_OFFSET, a.datagram().length);
                received.incrementAndGet(a.side());
                receiver.receive(a.side(), frame, FRAME_OFFSET, a.datagram().length);
                handled++;
            }
            return handled;
        }

        @Override
        public boolean await(long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            synchronized (signal) {
                long left;
                while (arrivals.isEmpty() && !woken && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                }
                woken = false;
            }
            return !arrivals.isEmpty();
        }

        @Override
        public void wakeup() {
            synchronized (signal) {
                woken = true;
                signal.notifyAll();
            }
        }

        @Override
        public int mtu(int side) {
            LinkConfigDTO c = config;
            return side == INSIDE ? c.insideMtu : c.outsideMtu;
        }

        @Override
        public List<LinkStatsDTO> stats() {
            return List.of(stats(INSIDE, "inside"), stats(OUTSIDE, "outside"));
        }

        private LinkStatsDTO stats(int side, String name) {
            LinkStatsDTO dto = new LinkStatsDTO();
            dto.side = name;
            dto.interfaceName = name.equals("inside") ? "mem0" : "mem1";
            dto.received = received.get(side);
            dto.counters = Map.of("rx.frames", dto.received);
            return dto;
        }

        @Override
        public List<ArpEntryDTO> arp() {
            return List.of();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
