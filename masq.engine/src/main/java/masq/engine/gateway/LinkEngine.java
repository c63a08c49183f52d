package masq.engine.gateway;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.link.ArpEntryDTO;
import masq.api.link.GatewayLink;
import masq.api.link.Ipv4Receiver;
import masq.api.link.LinkStatsDTO;
import masq.engine.nat.StaticNat;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;

/**
 * The engine thread of a running gateway: the one thread that owns the {@link Translator} and the
 * {@link GatewayLink} (single writer, no locks on the data path). It loops: open the link if it is
 * down and a retry is due; run queued admin requests; wait for frames ({@link GatewayLink#await});
 * let the link hand up to {@value #POLL_BATCH} datagrams to {@link #receive}, which translates each
 * and sends it on by its verdict; tick the translator's clock when idle.
 *
 * <p>Busy polling ({@link #busyPoll}, the {@code busy.poll} key): for that long after the last
 * frame, the thread polls the link again at once instead of waiting. A sleeping thread is woken by
 * the kernel when a frame arrives, and on a VM whose idle vCPU halts that wake-up costs more than
 * translating the frame; polling keeps the vCPU awake, at the cost of the CPU time spent polling.
 *
 * <p>Opening the link can fail (no such interface yet, no permission): the error is logged once per
 * distinct message, shown by {@link #linkState}, and the open is retried every
 * {@value #RETRY_SECONDS} s, while the translator keeps answering admin requests. So a gateway
 * started before its interfaces exist comes up when they appear.
 */
final class LinkEngine implements Runnable, Ipv4Receiver {
    /** Opens the link; called on the engine thread. */
    interface Opener {
        /** @throws IOException naming the interface or the missing permission */
        GatewayLink open() throws IOException;
    }

    /** Datagrams handled per {@link GatewayLink#poll} before requests and timers get a turn. */
    static final int POLL_BATCH = 64;
    /** Seconds between attempts to open a link that failed to open. */
    static final int RETRY_SECONDS = 5;
    /** The longest wait for frames, so timers run and a stop is seen. */
    static final long AWAIT_NANOS = 50_000_000L;
    /** How often an idle engine advances the translator's clock (expiry). */
    static final long TICK_NANOS = 100_000_000L;
    /** The longest busy-poll window ({@code busy.poll}), microseconds. */
    static final int MAX_BUSY_POLL_MICROS = 1_000_000;
    /** Admin requests that may wait for the engine thread. */
    static final int REQUEST_CAPACITY = 256;
    /** The largest datagram the engine handles in its own buffers, with room to grow an ICMP error. */
    static final int BUFFER_BYTES = 65535 + PacketBuffer.MAX_GENERATED_LENGTH;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(LinkEngine.class);

    private final Translator translator;
    private final Opener opener;
    private final String interfaces;
    private final LongSupplier clock;
    private final ConcurrentLinkedQueue<Request<?>> requests = new ConcurrentLinkedQueue<>();
    /** Bounds {@link #requests}; a request beyond it is refused, not queued. */
    private final AtomicInteger requestCount = new AtomicInteger();
    /** Each received datagram is copied here and translated in place (the link's slot is its own). */
    private final PacketBuffer rx = new PacketBuffer(BUFFER_BYTES);
    /** Where held fragments are released once their first fragment has been translated. */
    private final PacketBuffer released = new PacketBuffer(BUFFER_BYTES);
    /** Where a datagram the link gave up on becomes ICMP host unreachable. */
    private final PacketBuffer unresolved = new PacketBuffer(BUFFER_BYTES);
    /** The segments a super-frame is cut into are written here, one at a time. */
    private final PacketBuffer segment = new PacketBuffer(BUFFER_BYTES);
    private final SendCounters sendCounters = new SendCounters();
    /** Engine thread only. */
    private GatewayLink link;
    /** The 1:1 NAT rules whose addresses the open link owns; null when it has not been told. */
    private StaticNat aliased;
    /** The open link for readers on other threads ({@link GatewayLink#stats} and {@link GatewayLink#wakeup}). */
    private volatile GatewayLink published;
    private volatile String state = "opening";
    private volatile boolean running = true;
    /** How long after the last frame the thread polls instead of waiting; 0: it waits at once. */
    private volatile long busyPollNanos;
    private volatile Thread thread;
    /** Engine thread only: the clock of the current poll, the next open attempt, the last idle tick. */
    private long now;
    private long nextOpenNanos;
    private long lastTickNanos;
    /** Engine thread only: until when the thread polls instead of waiting (the last frame + the window). */
    private long busyUntilNanos;
    private String lastError;

    /**
     * @param translator the translator this thread will own
     * @param opener opens the link
     * @param interfaces the interface names, for log lines
     * @param clock {@link System#nanoTime()} or a test clock
     */
    LinkEngine(Translator translator, Opener opener, String interfaces, LongSupplier clock) {
        this.translator = translator;
        this.opener = opener;
        this.interfaces = interfaces;
        this.clock = clock;
    }

    /**
     * Sets the busy-poll window; any thread, applies from the next wait.
     *
     * @param micros 0 to {@value #MAX_BUSY_POLL_MICROS}
     */
    void busyPoll(int micros) {
        if (micros < 0 || micros > MAX_BUSY_POLL_MICROS) {
            throw new IllegalArgumentException("busy poll " + micros + " us is not within 0-" + MAX_BUSY_POLL_MICROS);
        }
        busyPollNanos = micros * 1000L;
    }

    synchronized void start() {
        if (thread == null) {
            thread = new Thread(this, "masq-engine");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Stops the engine thread, which closes the link, and waits for it; queued and later requests
     * fail at once with {@link Stopped}.
     */
    void stop() throws InterruptedException {
        running = false;
        Thread t = thread;
        wake();
        if (t != null) {
            t.interrupt();
            t.join();
        }
    }

    /**
     * Runs {@code request} on the engine thread between two batches of datagrams. Any thread; does
     * not block. The future fails with {@link RejectedExecutionException} when too many wait.
     */
    <T> CompletableFuture<T> submit(Function<Translator, T> request) {
        Request<T> r = new Request<>(request);
        if (!running) {
            r.result.completeExceptionally(new Stopped());
            return r.result;
        }
        if (requestCount.incrementAndGet() > REQUEST_CAPACITY) {
            requestCount.decrementAndGet();
            r.result.completeExceptionally(new RejectedExecutionException("masq engine request queue is full"));
            return r.result;
        }
        requests.add(r);
        // A stop between the check above and the add: the engine thread may have drained the queue
        // already, so the request is failed here unless the drain took it.
        if (!running && requests.remove(r)) {
            r.result.completeExceptionally(new Stopped());
        }
        wake();
        return r.result;
    }

    /** An admin request and the future that answers it. */
    private final class Request<T> {
        final Function<Translator, T> body;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Request(Function<Translator, T> body) {
            this.body = body;
        }

        void run() {
            try {
                result.complete(body.apply(translator));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** Why a request failed: the engine stopped (its gateway is restarting or stopping). */
    static final class Stopped extends RejectedExecutionException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the masq engine stopped");
        }
    }

    /** @return the ARP cache, or nothing while the link is down; engine thread (call through {@link #submit}) */
    List<ArpEntryDTO> arp() {
        return link == null ? List.of() : link.arp();
    }

    /** @return both interfaces' counters, or nothing while the link is down; any thread */
    List<LinkStatsDTO> linkStats() {
        GatewayLink current = published;
        return current == null ? List.of() : current.stats();
    }

    /** @return {@code up}, or {@code down: <why>; retrying every 5 s}; any thread */
    String linkState() {
        return state;
    }

    /** @return the engine's own counters (send outcomes, link opens); any thread */
    SendCounters sendCounters() {
        return sendCounters;
    }

    /**
     * Reopens the link at once if it is down, or if {@code stale} says the open one came from a link
     * factory that is no longer the one to use (a higher-ranked one appeared, or its own went away).
     * {@code stale} is evaluated on the engine thread, so a link just opened by the right factory is
     * never closed by a late request. Any thread.
     */
    void reopenIf(BooleanSupplier stale, String why) {
        submit(t -> {
            if (link != null && stale.getAsBoolean()) {
                close(why);
            }
            if (link == null) {
                nextOpenNanos = clock.getAsLong();
            }
            return null;
        });
    }

    @Override
    public void run() {
        nextOpenNanos = clock.getAsLong();
        lastTickNanos = nextOpenNanos;
        busyUntilNanos = nextOpenNanos;
        try {
            while (running) {
                long t = clock.getAsLong();
                if (link == null && t - nextOpenNanos >= 0) {
                    open(t);
                }
                runRequests();
                syncAliases();
                if (t - lastTickNanos >= TICK_NANOS) {
                    lastTickNanos = t;
                    translator.tick(t);
                }
                if (link == null) {
                    LockSupport.parkNanos(this, AWAIT_NANOS);
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                } else {
                    if (t - busyUntilNanos >= 0) {
                        link.await(AWAIT_NANOS);
                    }
                    now = clock.getAsLong();
                    if (link.poll(this, POLL_BATCH, now) > 0) {
                        busyUntilNanos = now + busyPollNanos;
                    }
                }
            }
        } catch (InterruptedException e) {
            // stop() interrupts: the loop ends and the link is closed below.
        } finally {
            // Closing may join a link's own threads, which an interrupt flag would cut short.
            boolean interrupted = Thread.interrupted();
            running = false;
            if (link != null) {
                close("the gateway stopped");
            }
            state = "closed";
            Request<?> r;
            while ((r = requests.poll()) != null) {
                requestCount.decrementAndGet();
                r.result.completeExceptionally(new Stopped());
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void receive(int side, byte[] buf, int off, int len) {
        if (!rx.set(buf, off, len)) {
            sendCounters.increment(SendCounters.RX_TOO_LONG);
            return;
        }
        rx.side = side;
        int verdict = translator.process(side, rx, now);
        forward(verdict, side, rx);
        if (verdict == Translator.FORWARD_INSIDE || verdict == Translator.FORWARD_OUTSIDE) {
            int next;
            while ((next = translator.pollReleased(released, now)) != Translator.NOTHING) {
                forward(next, side, released);
            }
        }
    }

    /**
     * The link dropped a datagram because its next hop on {@code side} did not answer ARP: its
     * sender gets ICMP host unreachable (RFC 1812 §4.3.3.1), back on the other side, where it came
     * from.
     */
    @Override
    public void unresolved(int side, byte[] buf, int off, int len) {
        if (!unresolved.set(buf, off, len)) {
            sendCounters.increment(SendCounters.RX_TOO_LONG);
            return;
        }
        int arrival = side == GatewayLink.INSIDE ? GatewayLink.OUTSIDE : GatewayLink.INSIDE;
        unresolved.side = arrival;
        forward(translator.hostUnreachable(side, unresolved), arrival, unresolved);
    }

    private void forward(int verdict, int arrival, PacketBuffer p) {
        int out;
        if (verdict == Translator.FORWARD_OUTSIDE) {
            out = GatewayLink.OUTSIDE;
        } else if (verdict == Translator.FORWARD_INSIDE) {
            out = GatewayLink.INSIDE;
        } else if (verdict == Translator.REPLY) {
            out = arrival;
        } else {
            return;
        }
        int arrivalMtu = link.mtu(arrival);
        if (p.length > arrivalMtu && verdict != Translator.REPLY) {
            int mtu = Math.min(arrivalMtu, link.mtu(out));
            int n = translator.superFrame(p, mtu);
            if (n >= 0) {
                for (int i = 0; i < n; i++) {
                    translator.segment(p, mtu, i, segment);
                    send(out, segment);
                }
                return;
            }
        }
        int outcome = link.send(out, p.data, p.offset, p.length);
        if (outcome == GatewayLink.NEEDS_FRAGMENTATION && verdict != Translator.REPLY
                && translator.fragmentationNeeded(out, p, link.mtu(out)) == Translator.REPLY) {
            // RFC 1191 / RFC 4787 REQ-13: the translator turned the datagram into ICMP 3/4 for its
            // sender (counted there as icmp.sent.frag-needed); it goes back the way the datagram came.
            outcome = link.send(arrival, p.data, p.offset, p.length);
        }
        countUnsent(outcome);
    }

    private void send(int out, PacketBuffer p) {
        countUnsent(link.send(out, p.data, p.offset, p.length));
    }

    private void countUnsent(int outcome) {
        if (outcome != GatewayLink.SENT) {
            sendCounters.increment(outcome);
        }
    }

    private void runRequests() {
        Request<?> r;
        while ((r = requests.poll()) != null) {
            requestCount.decrementAndGet();
            r.run();
        }
    }

    /** Gives the open link the 1:1 NAT addresses when the translator's rules are not those it has. */
    private void syncAliases() {
        StaticNat rules = translator.staticNat();
        if (link == null || rules == aliased) {
            return;
        }
        aliased = rules;
        if (link.setOutsideAliases(rules.outsideAddresses())) {
            if (!rules.isEmpty()) {
                LOG.info("the link answers ARP on the outside for {} 1:1 NAT addresses", rules.rules().size());
            }
        } else {
            LOG.error("masq.static: the link cannot own further outside addresses; the {} 1:1 NAT hosts are "
                    + "reachable only where the outside network routes their addresses to the gateway",
                    rules.rules().size());
        }
    }

    private void open(long t) {
        try {
            GatewayLink opened = opener.open();
            link = opened;
            aliased = null;
            published = opened;
            state = "up";
            lastError = null;
            sendCounters.increment(SendCounters.LINK_OPENED);
            LOG.info("link up on {}", interfaces);
        } catch (IOException | RuntimeException e) {
            nextOpenNanos = t + RETRY_SECONDS * NANOS_PER_SECOND;
            String message = String.valueOf(e.getMessage());
            state = "down: " + message + "; retrying every " + RETRY_SECONDS + " s";
            sendCounters.increment(SendCounters.LINK_OPEN_FAILED);
            if (!message.equals(lastError)) {
                lastError = message;
                LOG.error("masq.gateway: cannot open the link on {}: {}; retrying every {} s", interfaces, message,
                        RETRY_SECONDS);
            }
        }
    }

    private void close(String why) {
        GatewayLink closing = link;
        link = null;
        published = null;
        state = "down: " + why;
        nextOpenNanos = clock.getAsLong() + RETRY_SECONDS * NANOS_PER_SECOND;
        try {
            closing.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the link on {} failed: {}", interfaces, e.toString());
        }
        LOG.info("link on {} closed: {}", interfaces, why);
    }

    private void wake() {
        GatewayLink current = published;
        if (current != null) {
            current.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
