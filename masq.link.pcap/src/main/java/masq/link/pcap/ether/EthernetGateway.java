package masq.link.pcap.ether;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import masq.api.Ipv4;
import masq.api.link.ArpEntryDTO;
import masq.api.link.GatewayLink;
import masq.api.link.Ipv4Receiver;
import masq.api.link.LinkConfigDTO;
import masq.api.link.LinkStatsDTO;

/**
 * The {@link GatewayLink} over two {@link FrameLink}s, all on the engine thread: {@link #await}
 * sleeps in the {@link FrameWaiter} until an interface has frames; {@link #poll} reads them from
 * the interfaces in turn into one buffer, handles Ethernet and ARP and hands IPv4 to the engine. So
 * the link's state (ARP caches, queues) has the same single owner as the engine's tables, and a
 * frame is never handed between threads.
 */
public final class EthernetGateway implements GatewayLink {
    /** How often {@link #poll} runs the ARP timers. */
    static final long TICK_NANOS = 50_000_000L;
    private static final int BOTH = 0b11;

    private final EthernetSide[] sides;
    private final FrameWaiter waiter;
    /** Every received frame is read into this, with the headroom {@link GatewayLink#RX_HEADROOM} promises. */
    private final byte[] frame = new byte[FrameLink.MAX_FRAME_LENGTH + RX_HEADROOM];
    /**
     * Sides that may have frames waiting, a bit each: set by {@link #await}, cleared when a read
     * finds none. Left set when {@link #poll} stops at its bound, so the next {@link #await} returns
     * at once.
     */
    private int ready = BOTH;
    /** The clock of the last {@link #poll}, used by {@link #send}, which has none of its own. */
    private long now;
    private long lastTick;
    private boolean closed;

    /**
     * A link over {@code inside} and {@code outside}, not yet started.
     *
     * @param config the addresses (interface names in it are not used here)
     * @param inside the inside interface
     * @param outside the outside interface
     * @param waiter waits for frames on {@code inside} (side 0) and {@code outside} (side 1)
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public EthernetGateway(LinkConfigDTO config, FrameLink inside, FrameLink outside, FrameWaiter waiter,
            long nowNanos) {
        this.sides = new EthernetSide[] {
            new EthernetSide(INSIDE, inside, config.insideAddress, config.insidePrefixLength, 0, config.insideMtu,
                    new ArpCache()),
            new EthernetSide(OUTSIDE, outside, config.outsideAddress, config.outsidePrefixLength,
                    config.outsideGateway, config.outsideMtu, new ArpCache()),
        };
        this.waiter = waiter;
        this.now = nowNanos;
        this.lastTick = nowNanos;
    }

    /** Announces the gateway's addresses with gratuitous ARP. */
    public void start() {
        for (int s = 0; s < 2; s++) {
            sides[s].announce();
        }
    }

    @Override
    public int send(int side, byte[] buf, int off, int len) {
        if (side != INSIDE && side != OUTSIDE) {
            return MALFORMED;
        }
        return sides[side].send(buf, off, len, now);
    }

    @Override
    public int poll(Ipv4Receiver receiver, int maxFrames, long nowNanos) {
        now = nowNanos;
        if (nowNanos - lastTick >= TICK_NANOS) {
            lastTick = nowNanos;
            sides[INSIDE].tick(receiver, nowNanos);
            sides[OUTSIDE].tick(receiver, nowNanos);
        }
        int announced = ready;
        if (ready == 0) {
            ready = BOTH; // called without a successful await: look at both sides
        }
        int handled = 0;
        // One frame from each ready side in turn, so a flood on one side cannot starve the other.
        while (handled < maxFrames && ready != 0) {
            for (int s = 0; s < 2 && handled < maxFrames; s++) {
                if ((ready & (1 << s)) == 0) {
                    continue;
                }
                int len = sides[s].link.receive(frame);
                if (len <= 0) {
                    ready &= ~(1 << s);
                    continue;
                }
                sides[s].count(LinkCounter.RX_FRAMES);
                if ((announced & (1 << s)) == 0) {
                    sides[s].count(LinkCounter.RX_UNANNOUNCED);
                }
                try {
                    sides[s].receive(frame, len, receiver, nowNanos);
                } catch (RuntimeException e) {
                    sides[s].count(LinkCounter.RECEIVER_ERRORS);
                }
                handled++;
            }
        }
        return handled;
    }

    /** Runs the ARP timers now, whatever the time since the last run (tests). */
    public void tick(Ipv4Receiver receiver, long nowNanos) {
        now = nowNanos;
        lastTick = nowNanos;
        sides[INSIDE].tick(receiver, nowNanos);
        sides[OUTSIDE].tick(receiver, nowNanos);
    }

    @Override
    public boolean await(long timeoutNanos) throws InterruptedException {
        if (ready != 0) {
            return true; // the last poll stopped at its bound, or nothing has been read yet
        }
        ready = waiter.await(timeoutNanos);
        return ready != 0;
    }

    @Override
    public void wakeup() {
        waiter.wakeup();
    }

    @Override
    public int mtu(int side) {
        return sides[side].mtu;
    }

    /** Side {@code side}'s internals, for tests and the console. */
    public EthernetSide side(int side) {
        return sides[side];
    }

    @Override
    public List<LinkStatsDTO> stats() {
        List<LinkStatsDTO> out = new ArrayList<>(2);
        for (int s = 0; s < 2; s++) {
            EthernetSide side = sides[s];
            LinkStatsDTO dto = new LinkStatsDTO();
            dto.side = sideName(s);
            dto.interfaceName = side.link.name();
            dto.mac = Ethernet.format(side.ourMac);
            dto.address = Ipv4.toString(side.address);
            dto.mtu = side.mtu;
            dto.received = side.counter(LinkCounter.RX_FRAMES);
            dto.sent = side.counter(LinkCounter.TX_FRAMES);
            dto.errors = side.counter(LinkCounter.TX_ERRORS) + side.link.receiveErrors();
            dto.pcapDropped = side.link.pcapDropped();
            dto.pcapInterfaceDropped = side.link.pcapInterfaceDropped();
            Map<String, Long> counters = new LinkedHashMap<>();
            for (LinkCounter c : LinkCounter.values()) {
                counters.put(c.key, side.counter(c));
            }
            counters.put("rx.capture-truncated", side.link.truncated());
            dto.counters = counters;
            out.add(dto);
        }
        return out;
    }

    @Override
    public boolean setOutsideAliases(int[] addresses) {
        sides[OUTSIDE].setAliases(addresses);
        return true;
    }

    @Override
    public List<ArpEntryDTO> arp() {
        List<ArpEntryDTO> out = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            ArpCache cache = sides[s].cache;
            for (int i = 0; i < cache.capacity(); i++) {
                byte st = cache.state(i);
                if (st == ArpCache.FREE) {
                    continue;
                }
                ArpEntryDTO dto = new ArpEntryDTO();
                dto.side = sideName(s);
                dto.address = Ipv4.toString(cache.address(i));
                dto.mac = st == ArpCache.REACHABLE ? Ethernet.format(cache.mac(i)) : null;
                dto.state = st == ArpCache.REACHABLE ? "reachable" : "incomplete";
                dto.secondsLeft = Math.max(0, (cache.deadline(i) - now) / 1_000_000_000L);
                dto.pending = cache.pending(i);
                out.add(dto);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            waiter.close();
        } finally {
            try {
                sides[INSIDE].link.close();
            } finally {
                sides[OUTSIDE].link.close();
            }
        }
    }

    private static String sideName(int side) {
        return side == INSIDE ? "inside" : "outside";
    }
}
