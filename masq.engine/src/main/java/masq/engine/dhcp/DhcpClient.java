package masq.engine.dhcp;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

import masq.api.Ipv4;

/**
 * The DHCP client state machine of RFC 2131 §4.4 for the gateway's outside interface, driven by a
 * clock and by the frames it is given; it sends through {@link Output} and reports its lease
 * through {@link Listener}. No I/O and no threads of its own: {@link DhcpRunner} runs it.
 *
 * <pre>
 *   INIT --DISCOVER--> SELECTING --first OFFER, REQUEST--> REQUESTING --ACK--> BOUND
 *   BOUND --T1, unicast REQUEST--> RENEWING --T2, broadcast REQUEST--> REBINDING --expiry--> INIT
 *   RENEWING / REBINDING --ACK--> BOUND (with the address the server gives, which may be another)
 *   REQUESTING / RENEWING / REBINDING --NAK--> INIT (the lease is lost)
 * </pre>
 *
 * Retransmissions back off exponentially (RFC 2131 §4.1: 4, 8, 16, 32, 64 s, with up to a second
 * of random jitter); four unanswered REQUESTs after an OFFER start over; while renewing or
 * rebinding, the next try is half of the time left until T2 or the lease's end, at least
 * {@link #MIN_RETRY_SECONDS} (RFC 2131 §4.4.5 says 60 s; leases of a few minutes, as test servers
 * and some hotspots give, would then get one try). A T1 below that minimum is raised to it. The
 * lease is timed from the ACK's arrival, not from the REQUEST's departure (§4.4.1), which errs by
 * a round trip. A reply that is not for this client, malformed or inconsistent, from
 * another server than the one selected, or of a type the state does not expect, is ignored and
 * counted by reason ({@link #refusals}). The client never throws on input.
 */
public final class DhcpClient {
    /** The first retransmission delay, doubled up to {@link #MAX_BACKOFF_SECONDS}. */
    static final int FIRST_BACKOFF_SECONDS = 4;
    static final int MAX_BACKOFF_SECONDS = 64;
    /** REQUESTs after an OFFER before starting over. */
    static final int MAX_REQUESTS = 4;
    /** The shortest wait between two renewal (or rebinding) REQUESTs. */
    static final int MIN_RETRY_SECONDS = 4;
    /** A lease shorter than this is taken as this long, so that renewals do not flood the server. */
    static final int MIN_LEASE_SECONDS = 10;
    private static final long NANOS = 1_000_000_000L;

    /** The states of RFC 2131 Figure 5 (INIT-REBOOT and REBOOTING are not used: no lease is stored). */
    public enum State { INIT, SELECTING, REQUESTING, BOUND, RENEWING, REBINDING, STOPPED }

    /** Where frames go; the runner sends them on the port. */
    public interface Output {
        void send(byte[] frame);
    }

    /** Told of each change of the lease: a new lease, a different one, or {@code null} when lost. */
    public interface Listener {
        void leaseChanged(DhcpLease lease);
    }

    private final long mac;
    private final Output output;
    private final Listener listener;
    private final IntSupplier random;
    private final Map<String, Long> refusals = new TreeMap<>();
    private State state = State.INIT;
    private DhcpLease lease;
    private int xid;
    private long startedNanos;
    private long nextSendNanos;
    private int backoffSeconds;
    private int requests;
    /** The selected OFFER while requesting. */
    private int offered;
    private int offeredServer;
    private long boundNanos;

    /**
     * @param mac      the outside interface's hardware address
     * @param random   random ints: transaction ids and jitter
     */
    public DhcpClient(long mac, Output output, Listener listener, IntSupplier random) {
        this.mac = mac;
        this.output = output;
        this.listener = listener;
        this.random = random;
    }

    /** Starts discovering at {@code nowNanos}. */
    public void start(long nowNanos) {
        init(nowNanos);
    }

    /** Sends what is due at {@code nowNanos}; moves to RENEWING, REBINDING or INIT when their time comes. */
    public void tick(long nowNanos) {
        switch (state) {
            case INIT -> init(nowNanos);
            case SELECTING -> {
                if (nowNanos - nextSendNanos >= 0) {
                    sendDiscover(nowNanos);
                }
            }
            case REQUESTING -> {
                if (nowNanos - nextSendNanos >= 0) {
                    if (requests >= MAX_REQUESTS) {
                        init(nowNanos);
                    } else {
                        sendRequest(nowNanos);
                    }
                }
            }
            case BOUND, RENEWING, REBINDING -> timers(nowNanos);
            default -> {
            }
        }
    }

    /**
     * A frame from the port (the runner's filter passes UDP to port 68); anything else is counted
     * and ignored.
     */
    public void receive(byte[] frame, int length, long nowNanos) {
        if (state == State.STOPPED || state == State.INIT || state == State.BOUND) {
            count("unexpected");
            return;
        }
        DhcpMessage.Reply r = DhcpMessage.parse(frame, length, mac, xid);
        if (r.refusal != null) {
            count(r.refusal);
            return;
        }
        switch (state) {
            case SELECTING -> {
                if (r.type != DhcpMessage.OFFER) {
                    count("unexpected");
                    return;
                }
                offered = r.yourAddress;
                offeredServer = r.serverId;
                state = State.REQUESTING;
                requests = 0;
                backoffSeconds = FIRST_BACKOFF_SECONDS;
                sendRequest(nowNanos);
            }
            case REQUESTING, RENEWING, REBINDING -> {
                // the selected server while requesting, the lease's while renewing, any while rebinding
                int server = state == State.REQUESTING ? offeredServer
                        : state == State.RENEWING ? lease.server() : r.serverId;
                if (r.serverId != server) {
                    count("other-server");
                } else if (state == State.REQUESTING && r.type == DhcpMessage.ACK && r.yourAddress != offered) {
                    count("other-address");
                } else if (r.type == DhcpMessage.ACK) {
                    bind(r, nowNanos);
                } else if (r.type == DhcpMessage.NAK) {
                    count("nak");
                    if (lease == null) {
                        init(nowNanos);
                    } else {
                        lose(nowNanos);
                    }
                } else {
                    count("unexpected");
                }
            }
            default -> count("unexpected");
        }
    }

    /** Gives the lease back (RELEASE to its server) if one is held, and stops. */
    public void stop() {
        if (lease != null) {
            output.send(DhcpMessage.build(DhcpMessage.RELEASE, mac, random.getAsInt(), 0, lease.address(), 0,
                    lease.server(), lease.serverMac(), lease.server()));
        }
        lease = null;
        state = State.STOPPED;
    }

    public State state() {
        return state;
    }

    /** The lease held (BOUND, RENEWING, REBINDING), or null. */
    public DhcpLease lease() {
        return lease;
    }

    /** Seconds until the next renewal step of the lease held, or -1. */
    public long secondsToRenew(long nowNanos) {
        if (lease == null || lease.leaseSeconds() == DhcpLease.INFINITE) {
            return -1;
        }
        long at = boundNanos + (state == State.BOUND ? lease.renewSeconds() : state == State.RENEWING
                ? lease.rebindSeconds() : lease.leaseSeconds()) * NANOS;
        return Math.max(0, (at - nowNanos) / NANOS);
    }

    /** Replies ignored, by reason. */
    public Map<String, Long> refusals() {
        return Map.copyOf(refusals);
    }

    /** One line for logs and the console: the state and the lease. */
    public String describe(long nowNanos) {
        if (lease == null) {
            return state.name().toLowerCase(java.util.Locale.ROOT) + (state == State.REQUESTING
                    ? " " + Ipv4.toString(offered) + " from " + Ipv4.toString(offeredServer) : "");
        }
        long next = secondsToRenew(nowNanos);
        return state.name().toLowerCase(java.util.Locale.ROOT) + " " + lease.describe()
                + (next < 0 ? "" : ", " + (state == State.BOUND ? "renewal" : state == State.RENEWING ? "rebinding"
                : "expiry") + " in " + next + " s");
    }

    private void init(long nowNanos) {
        state = State.SELECTING;
        xid = random.getAsInt();
        startedNanos = nowNanos;
        backoffSeconds = FIRST_BACKOFF_SECONDS;
        sendDiscover(nowNanos);
    }

    private void sendDiscover(long nowNanos) {
        output.send(DhcpMessage.build(DhcpMessage.DISCOVER, mac, xid, secs(nowNanos), 0, 0, 0,
                DhcpMessage.BROADCAST_MAC, DhcpMessage.BROADCAST));
        backOff(nowNanos);
    }

    private void sendRequest(long nowNanos) {
        output.send(DhcpMessage.build(DhcpMessage.REQUEST, mac, xid, secs(nowNanos), 0, offered, offeredServer,
                DhcpMessage.BROADCAST_MAC, DhcpMessage.BROADCAST));
        requests++;
        backOff(nowNanos);
    }

    private void backOff(long nowNanos) {
        long jitter = Math.floorMod(random.getAsInt(), 2001) - 1000; // ±1 s, in ms
        nextSendNanos = nowNanos + backoffSeconds * NANOS + jitter * 1_000_000L;
        backoffSeconds = Math.min(MAX_BACKOFF_SECONDS, backoffSeconds * 2);
    }

    private int secs(long nowNanos) {
        return (int) Math.min(0xffff, (nowNanos - startedNanos) / NANOS);
    }

    private void bind(DhcpMessage.Reply r, long nowNanos) {
        if (r.leaseSeconds < 0) {
            count(DhcpMessage.BAD_OPTIONS); // an ACK must carry the lease time (RFC 2131 Table 3)
            return;
        }
        long seconds = r.leaseSeconds == DhcpLease.INFINITE ? DhcpLease.INFINITE
                : Math.max(MIN_LEASE_SECONDS, r.leaseSeconds);
        long t1 = seconds / 2;
        long t2 = seconds * 7 / 8;
        if (r.renewSeconds >= 0 && r.rebindSeconds >= 0 && r.renewSeconds < r.rebindSeconds
                && r.rebindSeconds < seconds) {
            t1 = r.renewSeconds;
            t2 = r.rebindSeconds;
        } else if (r.renewSeconds >= 0 && r.renewSeconds < t2) {
            t1 = r.renewSeconds;
        }
        if (seconds != DhcpLease.INFINITE) {
            // a server's T1 of 0 would renew at every round trip: at least MIN_RETRY_SECONDS, T2 after it
            t1 = Math.max(t1, MIN_RETRY_SECONDS);
            t2 = t2 > t1 ? t2 : (t1 + seconds) / 2;
        }
        DhcpLease before = lease;
        lease = new DhcpLease(r.yourAddress, Integer.bitCount(r.mask), r.router, r.serverId, r.sourceMac, seconds,
                t1, t2);
        state = State.BOUND;
        boundNanos = nowNanos;
        if (before == null || before.address() != lease.address() || before.prefixLength() != lease.prefixLength()
                || before.router() != lease.router()) {
            listener.leaseChanged(lease);
        }
    }

    private void timers(long nowNanos) {
        if (lease.leaseSeconds() == DhcpLease.INFINITE) {
            return;
        }
        long since = nowNanos - boundNanos;
        if (since >= lease.leaseSeconds() * NANOS) {
            count("expired");
            lose(nowNanos);
            return;
        }
        State next = since >= lease.rebindSeconds() * NANOS ? State.REBINDING
                : since >= lease.renewSeconds() * NANOS && state == State.BOUND ? State.RENEWING : state;
        if (next != state) {
            if (state == State.BOUND) {
                xid = random.getAsInt(); // a new transaction whenever the client leaves BOUND
                startedNanos = nowNanos;
            }
            state = next;
            nextSendNanos = nowNanos;
        }
        if (state != State.BOUND && nowNanos - nextSendNanos >= 0) {
            boolean renewing = state == State.RENEWING;
            output.send(DhcpMessage.build(DhcpMessage.REQUEST, mac, xid, secs(nowNanos), lease.address(), 0, 0,
                    renewing ? lease.serverMac() : DhcpMessage.BROADCAST_MAC,
                    renewing ? lease.server() : DhcpMessage.BROADCAST));
            long until = boundNanos + (renewing ? lease.rebindSeconds() : lease.leaseSeconds()) * NANOS;
            nextSendNanos = nowNanos + Math.max(MIN_RETRY_SECONDS * NANOS, (until - nowNanos) / 2);
        }
    }

    private void lose(long nowNanos) {
        lease = null;
        listener.leaseChanged(null);
        init(nowNanos);
    }

    private void count(String reason) {
        refusals.merge(reason, 1L, Long::sum);
    }
}
