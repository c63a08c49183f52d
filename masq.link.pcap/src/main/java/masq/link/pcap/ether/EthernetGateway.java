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
 * The {@link GatewayLink} over two {@link FrameLink}s: each interface's receive thread fills its own
 * {@link FrameRing}; the engine thread drains both in {@link #poll}, where ARP and Ethernet are
 * handled and IPv4 is handed to the engine, so the link's state (ARP caches, queues) has the same
 * single owner as the engine's tables.
 */
public final class EthernetGateway implements GatewayLink {
    /** Slots per receive ring: about 9 MiB per side, ~8 ms of 64-byte frames at 500k frames/s. */
    public static final int RING_SLOTS = 4096;
    /** How often {@link #poll} runs the ARP timers. */
    static final long TICK_NANOS = 50_000_000L;

    private final EthernetSide[] sides;
    private final FrameRing[] rings;
    private final FrameRing.Waiter waiter = new FrameRing.Waiter();
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
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public EthernetGateway(LinkConfigDTO config, FrameLink inside, FrameLink outside, long nowNanos) {
        this.sides = new EthernetSide[] {
            new EthernetSide(INSIDE, inside, config.insideAddress, config.insidePrefixLength, 0, config.insideMtu,
                    new ArpCache()),
            new EthernetSide(OUTSIDE, outside, config.outsideAddress, config.outsidePrefixLength,
                    config.outsideGateway, config.outsideMtu, new ArpCache()),
        };
        this.rings = new FrameRing[] {new FrameRing(RING_SLOTS, waiter), new FrameRing(RING_SLOTS, waiter)};
        this.now = nowNanos;
        this.lastTick = nowNanos;
    }

    /** Starts both receive threads and announces the gateway's addresses with gratuitous ARP. */
    public void start() {
        for (int s = 0; s < 2; s++) {
            sides[s].link.start(rings[s]);
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
        int handled = 0;
        boolean progress = true;
        while (handled < maxFrames && progress) {
            progress = false;
            for (int s = 0; s < 2 && handled < maxFrames; s++) {
                byte[] frame = rings[s].peek();
                if (frame == null) {
                    continue;
                }
                try {
                    sides[s].receive(frame, rings[s].peekLength(), receiver, nowNanos);
                } catch (RuntimeException e) {
                    sides[s].count(LinkCounter.RECEIVER_ERRORS);
                } finally {
                    rings[s].release();
                }
                handled++;
                progress = true;
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
        return waiter.await(rings, timeoutNanos);
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

    /** The receive ring of {@code side}. */
    public FrameRing ring(int side) {
        return rings[side];
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
            dto.received = rings[s].offered();
            dto.ringOverflows = rings[s].overflows();
            dto.sent = side.counter(LinkCounter.TX_FRAMES);
            dto.errors = side.counter(LinkCounter.TX_ERRORS) + side.link.receiveErrors();
            dto.pcapDropped = side.link.pcapDropped();
            dto.pcapInterfaceDropped = side.link.pcapInterfaceDropped();
            Map<String, Long> counters = new LinkedHashMap<>();
            for (LinkCounter c : LinkCounter.values()) {
                counters.put(c.key, side.counter(c));
            }
            dto.counters = counters;
            out.add(dto);
        }
        return out;
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
            sides[INSIDE].link.close();
        } finally {
            sides[OUTSIDE].link.close();
        }
    }

    private static String sideName(int side) {
        return side == INSIDE ? "inside" : "outside";
    }
}
