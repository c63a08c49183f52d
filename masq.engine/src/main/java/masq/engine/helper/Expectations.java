package masq.engine.helper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Ipv4;
import masq.api.PortPolicy;
import masq.api.Transport;
import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Counter;
import masq.engine.nat.Counters;
import masq.engine.nat.FlowHook;
import masq.engine.nat.InboundSource;
import masq.engine.nat.Translator;

/**
 * The pending expectations: related connections helpers asked the engine to let through (the
 * FTP data connection). Bounded in total ({@code maxExpectations}, {@code limits.expectations}), per
 * inside host ({@code limits.expectations.per.host}: one host's offers cannot fill the table for the
 * others; refused beyond it) and per master (the helper's {@code maxExpected}, the oldest
 * replaced). An expectation from the outside holds its gateway port reserved in the translator's
 * allocator until a connection takes it, it expires, or it is purged;
 * an index by gateway port makes the inbound-miss test one array read. Expectations from the
 * inside (passive FTP) hold no port and are matched when the inside host opens the connection.
 * A repeating one (ICQ's listening port) matches every connection to its port while its master
 * lives, the port held as a port forward's ({@link Translator#holdPort}).
 *
 * <p>As an {@link InboundSource}, {@link #offer} answers for the first packet of an expected
 * connection from the outside; the mapping the translator then creates is confirmed through
 * {@link HelperDispatch#mappingCreated}, which takes the expectation and links the new mapping to
 * its master. Engine thread only.
 */
public final class Expectations implements InboundSource {
    /** The longest lifetime a helper may ask for, as the registry bounds the default. */
    public static final int MAX_TIMEOUT_SECONDS = HelperService.MAX_EXPECT_TIMEOUT_SECONDS;
    private static final Logger LOG = LoggerFactory.getLogger(Expectations.class);
    private static final int NONE = -1;
    private static final int PORTS = 65536;

    private final Translator translator;
    private final Counters counters;
    private final Expectation[] table;
    /** Slot by gateway port, for TCP (row 0) and UDP (row 1); NONE when the port expects nothing. */
    private final int[][] byPort = new int[2][PORTS];
    private final LogLimiter created = new LogLimiter();
    private int count;
    private int fromInsideCount;
    private long nextOrder;
    private int now;
    /** The slot {@link #offer} accepted and the gateway port it was offered, until the mapping is confirmed. */
    private int offeredSlot = NONE;
    private int offeredPort;

    Expectations(Translator translator, int maxExpectations) {
        if (maxExpectations < 1) {
            throw new IllegalArgumentException("maxExpectations " + maxExpectations + " is not at least 1");
        }
        this.translator = translator;
        this.counters = translator.counters();
        this.table = new Expectation[maxExpectations];
        for (int[] row : byPort) {
            Arrays.fill(row, NONE);
        }
        this.now = translator.nowSeconds();
    }

    /** @return the number of pending expectations */
    public int size() {
        return count;
    }

    /** Registers what {@code r} describes; the gateway port, 0 from the inside, or -1 (counted). */
    int register(ExpectationRequest r) {
        Attachment master = r.master;
        String problem = r.problem();
        int max = r.helper.entry.maxExpected();
        if (problem == null && max == 0) {
            problem = "the helper allows no expectations";
        }
        if (problem != null) {
            return refuse(r, problem);
        }
        if (!r.fromInside && master.outsideAddress != translator.config().outsideAddress()) {
            return onStaticHost(r);
        }
        while (countOf(master) >= max) {
            remove(oldestOf(master), Counter.EXPECT_REPLACED);
        }
        int perHost = translator.config().maxExpectationsPerHost();
        if (countFor(r.insideAddress) >= perHost) {
            counters.increment(Counter.EXPECT_LIMIT_HOST);
            return refuse(r, "inside host " + Ipv4.toString(r.insideAddress) + " has " + perHost
                    + " pending expectations (limits.expectations.per.host)");
        }
        int slot = freeSlot();
        if (slot == NONE) {
            counters.increment(Counter.EXPECT_LIMIT_TOTAL);
            return refuse(r, "the table holds " + table.length + " expectations (limits.expectations)");
        }
        int protocol = r.transport.protocolNumber();
        int port;
        if (r.policy == PortPolicy.MASTER) {
            port = master.masqPort;
            if (byPort[row(protocol)][port] != NONE) {
                return refuse(r, "the master's port " + port + " already expects a connection");
            }
        } else {
            port = r.fromInside ? 0 : reserve(protocol, r.policy, r.insidePort);
            if (port < 0) {
                return refuse(r, "no free gateway port");
            }
        }
        Expectation e = fill(slot, r, port);
        if (e.repeating) {
            translator.holdPort(protocol, port);
        }
        counters.increment(Counter.EXPECT_CREATED);
        created.info(LOG, "expectation: {} from {}:{} to gateway port {} for {}:{}, {} s, helper {}, master {}",
                r.transport.label(), e.anyRemoteAddress ? "*" : Ipv4.toString(e.remoteAddress),
                e.remotePort == 0 ? "*" : e.remotePort, e.fromInside ? "(inside)" : port,
                Ipv4.toString(e.insideAddress), e.insidePort == 0 ? "*" : e.insidePort,
                e.repeating ? "repeating, its master's" : r.timeoutSeconds,
                r.helper.name, master);
        return port;
    }

    /**
     * An expectation from the outside for a connection of a 1:1 NAT host: every port of the host's
     * address already reaches the same port of the host, so the port is the inside one (the
     * master's for {@link PortPolicy#MASTER}) and nothing is held or linked; counted as
     * {@code expect.static}.
     */
    private int onStaticHost(ExpectationRequest r) {
        counters.increment(Counter.EXPECT_STATIC);
        int port = r.policy == PortPolicy.MASTER ? r.master.masqPort : r.insidePort;
        created.info(LOG, "expectation: {} to {}:{} for 1:1 NAT host {} is open already, helper {}, master {}",
                r.transport.label(), Ipv4.toString(r.master.outsideAddress), port, Ipv4.toString(r.insideAddress),
                r.helper.name, r.master);
        return port;
    }

    private int refuse(ExpectationRequest r, String why) {
        counters.increment(Counter.EXPECT_REFUSED);
        created.info(LOG, "expectation refused for helper {} on {}: {}", r.helper.name, r.master, why);
        return -1;
    }

    private int reserve(int protocol, PortPolicy policy, int insidePort) {
        switch (policy) {
            case EVEN_PAIR:
                return translator.reservePortPair(protocol);
            case SAME_AS_INSIDE_IF_FREE:
                return translator.reservePort(protocol, insidePort) ? insidePort
                        : translator.reservePortFor(protocol, insidePort);
            default:
                return translator.reservePortFor(protocol, insidePort);
        }
    }

    private Expectation fill(int slot, ExpectationRequest r, int port) {
        Expectation e = table[slot] == null ? (table[slot] = new Expectation(slot)) : table[slot];
        e.live = true;
        e.protocol = r.transport.protocolNumber();
        e.anyRemoteAddress = r.anyRemoteAddress;
        e.remoteAddress = r.remoteAddress;
        e.remotePort = r.remotePort;
        e.fromInside = r.fromInside;
        e.repeating = r.repeating;
        e.pair = r.policy == PortPolicy.EVEN_PAIR && !r.fromInside;
        e.mastersPort = r.policy == PortPolicy.MASTER;
        e.gatewayPort = port;
        e.matched = 0;
        e.insideAddress = r.insideAddress;
        e.insidePort = r.insidePort;
        e.masterSlot = r.master.slot;
        e.masterId = r.master.id;
        e.helper = r.helper;
        e.childHelper = r.childHelper;
        e.expiresAt = r.repeating ? Integer.MAX_VALUE : now + r.timeoutSeconds;
        e.order = nextOrder++;
        for (int i = 0; i < e.ports(); i++) {
            byPort[row(e.protocol)][port + i] = slot;
        }
        count++;
        fromInsideCount += e.fromInside ? 1 : 0;
        return e;
    }

    @Override
    public boolean offer(int protocol, int remoteAddress, int remotePort, int gatewayPort, InboundTarget target) {
        offeredSlot = NONE;
        int row = row(protocol);
        int slot = row < 0 || gatewayPort < 0 || gatewayPort >= PORTS ? NONE : byPort[row][gatewayPort];
        if (slot == NONE) {
            return false;
        }
        Expectation e = table[slot];
        if (e.expiresAt <= now || (!e.anyRemoteAddress && e.remoteAddress != remoteAddress)
                || (e.remotePort != 0 && e.remotePort != remotePort)) {
            return false;
        }
        target.set(e.insideAddress, e.insidePort + gatewayPort - e.gatewayPort, null);
        offeredSlot = slot;
        offeredPort = gatewayPort;
        return true;
    }

    /**
     * The port an expectation from the outside reserved for this inside endpoint (the helper's
     * RTP/RTCP pair), when the endpoint is about to get its first binding for a packet to the
     * expected remote address: the binding is made on it and {@link #takeOffered} then hands the
     * expectation to the new mapping, as for an inbound match.
     */
    @Override
    public int reservedFor(int protocol, int insideAddress, int insidePort, int remoteAddress, int remotePort) {
        offeredSlot = NONE;
        if (count == fromInsideCount || row(protocol) < 0) {
            return -1;
        }
        for (int slot = 0; slot < table.length; slot++) {
            Expectation e = table[slot];
            if (e == null || !e.live || e.fromInside || e.protocol != protocol || e.insideAddress != insideAddress
                    || e.expiresAt <= now || (!e.anyRemoteAddress && e.remoteAddress != remoteAddress)
                    || (e.remotePort != 0 && e.remotePort != remotePort)) {
                continue;
            }
            int index = insidePort - e.insidePort;
            if (index >= 0 && index < e.ports() && e.waiting(index)) {
                offeredSlot = slot;
                offeredPort = e.gatewayPort + index;
                return offeredPort;
            }
        }
        return -1;
    }

    /**
     * The expectation {@link #offer} accepted for this new inbound mapping, now taken: its port
     * belongs to the mapping. Null if the mapping is not the one offered.
     */
    Expectation takeOffered(int protocol, int gatewayPort) {
        int slot = offeredSlot;
        offeredSlot = NONE;
        if (slot == NONE || gatewayPort != offeredPort || row(protocol) < 0
                || byPort[row(protocol)][gatewayPort] != slot) {
            return null;
        }
        Expectation e = table[slot];
        counters.increment(Counter.EXPECT_MATCHED);
        if (e.repeating) {
            return e; // it stays for the next connection; the port is held until it ends
        }
        int index = gatewayPort - e.gatewayPort;
        e.matched |= 1 << index;
        byPort[row(protocol)][gatewayPort] = NONE;
        if (!e.waiting(0) && !e.waiting(1)) {
            free(e);
        }
        return e;
    }

    /** The expectation from the inside this new outbound connection fulfils, now taken; or null. */
    Expectation takeFromInside(int protocol, int insideAddress, int insidePort, int remoteAddress, int remotePort) {
        if (fromInsideCount == 0) {
            return null;
        }
        for (Expectation e : table) {
            if (e != null && e.live && e.fromInside && e.protocol == protocol && e.insideAddress == insideAddress
                    && (e.insidePort == 0 || e.insidePort == insidePort) && e.expiresAt > now
                    && (e.anyRemoteAddress || e.remoteAddress == remoteAddress)
                    && (e.remotePort == 0 || e.remotePort == remotePort)) {
                counters.increment(Counter.EXPECT_MATCHED);
                free(e);
                return e;
            }
        }
        return null;
    }

    /** Removes the pending expectations of a master connection that ended; returns how many. */
    int purgeMaster(int masterSlot, long masterId) {
        if (count == 0) {
            return 0;
        }
        int n = 0;
        for (Expectation e : table) {
            if (e != null && e.live && e.masterSlot == masterSlot && e.masterId == masterId) {
                remove(e, Counter.EXPECT_PURGED);
                n++;
            }
        }
        return n;
    }

    /** Removes the pending expectations a withdrawn helper registered; returns how many. */
    int purgeHelper(ActiveHelper helper) {
        if (count == 0) {
            return 0;
        }
        int n = 0;
        for (Expectation e : table) {
            if (e != null && e.live && e.helper == helper) {
                remove(e, Counter.EXPECT_PURGED);
                n++;
            }
        }
        return n;
    }

    /** Advances the clock: drops the expectations whose time is up. */
    void tick(int nowSeconds) {
        now = nowSeconds;
        if (count == 0) {
            return;
        }
        for (Expectation e : table) {
            if (e != null && e.live && e.expiresAt <= now) {
                remove(e, Counter.EXPECT_EXPIRED);
            }
        }
    }

    /** The rows of {@code masq:expect}, oldest first. */
    List<ExpectationDTO> list() {
        List<Expectation> live = new ArrayList<>();
        for (Expectation e : table) {
            if (e != null && e.live) {
                live.add(e);
            }
        }
        live.sort((a, b) -> Long.compare(a.order, b.order));
        List<ExpectationDTO> rows = new ArrayList<>();
        for (Expectation e : live) {
            rows.add(row(e));
        }
        return rows;
    }

    private ExpectationDTO row(Expectation e) {
        ExpectationDTO dto = new ExpectationDTO();
        dto.transport = Transport.of(e.protocol).label();
        dto.remoteAddress = e.anyRemoteAddress ? "*" : Ipv4.toString(e.remoteAddress);
        dto.remotePort = e.remotePort;
        dto.gatewayPort = e.waiting(0) || e.fromInside ? e.gatewayPort : e.gatewayPort + 1;
        dto.insideAddress = Ipv4.toString(e.insideAddress);
        dto.insidePort = e.insidePort;
        dto.masterId = e.masterId;
        dto.helper = e.helper.name;
        dto.secondsLeft = e.repeating ? -1 : Math.max(0, e.expiresAt - now);
        return dto;
    }

    private void remove(Expectation e, Counter why) {
        if (e.repeating) {
            byPort[row(e.protocol)][e.gatewayPort] = NONE;
            translator.releaseHeldPort(e.protocol, e.gatewayPort); // its connections keep it until they end
            counters.increment(why);
            free(e);
            return;
        }
        for (int i = 0; i < e.ports(); i++) {
            if (e.waiting(i)) {
                byPort[row(e.protocol)][e.gatewayPort + i] = NONE;
                if (!e.mastersPort) {
                    translator.releasePort(e.protocol, e.gatewayPort + i);
                }
            }
        }
        counters.increment(why);
        free(e);
    }

    private void free(Expectation e) {
        e.live = false;
        count--;
        fromInsideCount -= e.fromInside ? 1 : 0;
    }

    /** Pending expectations naming {@code insideAddress}: one scan, at registration only. */
    private int countFor(int insideAddress) {
        int n = 0;
        for (Expectation e : table) {
            if (e != null && e.live && e.insideAddress == insideAddress) {
                n++;
            }
        }
        return n;
    }

    private int countOf(Attachment master) {
        int n = 0;
        for (Expectation e : table) {
            if (e != null && e.live && e.masterSlot == master.slot && e.masterId == master.id) {
                n++;
            }
        }
        return n;
    }

    private Expectation oldestOf(Attachment master) {
        Expectation oldest = null;
        for (Expectation e : table) {
            if (e != null && e.live && e.masterSlot == master.slot && e.masterId == master.id
                    && (oldest == null || e.order < oldest.order)) {
                oldest = e;
            }
        }
        return oldest;
    }

    private int freeSlot() {
        for (int i = 0; i < table.length; i++) {
            if (table[i] == null || !table[i].live) {
                return i;
            }
        }
        return NONE;
    }

    private static int row(int protocol) {
        return protocol == Transport.TCP.protocolNumber() ? 0 : protocol == Transport.UDP.protocolNumber() ? 1 : NONE;
    }
}
