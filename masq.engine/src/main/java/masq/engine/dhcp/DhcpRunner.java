package masq.engine.dhcp;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.link.FramePort;

/**
 * Runs a {@link DhcpClient} on its own thread over a {@link FramePort} of the outside interface,
 * filtered to DHCP replies. The port is opened by the thread, and again every
 * {@value #REOPEN_SECONDS} s while it cannot be (no link bundle yet, no such interface yet: the
 * error is logged once); a port that fails to read later is logged once and the client's clock runs
 * on, so that the lease expires rather than outlives an interface that went away. Then it waits for a frame or the next second, hands frames and clock ticks to
 * the client, sends what it asks, and tells the listener of each change of the lease, on this
 * thread but outside the client's lock (the listener may restart the engine, and may call
 * {@link #close}). {@link #close} releases the lease and ends the thread. The client's state is
 * read from other threads through the synchronized accessors.
 */
public final class DhcpRunner implements AutoCloseable {
    /** The capture filter of the port: what a server sends a client. */
    public static final String FILTER = "udp and src port 67 and dst port 68";
    private static final Logger LOG = LoggerFactory.getLogger(DhcpRunner.class);
    private static final long TICK_NANOS = 1_000_000_000L;
    private static final int FRAME_BYTES = 2048;

    /** Told of each lease change, with the runner it comes from (null: the lease is lost). */
    public interface Listener {
        void changed(DhcpRunner from, DhcpLease lease);
    }

    /** Opens the port; may fail, and is retried. */
    public interface Opener {
        FramePort open() throws IOException;
    }

    static final int REOPEN_SECONDS = 5;
    private final Opener opener;
    private volatile FramePort port;
    private DhcpClient client;
    private final String interfaceName;
    private final Thread thread;
    private final Listener listener;
    private volatile boolean running = true;
    /** A change the client reported, delivered to the listener outside this object's lock. */
    private boolean changed;
    private DhcpLease changedTo;

    private DhcpRunner(Opener opener, String interfaceName, Listener listener) {
        this.opener = opener;
        this.interfaceName = interfaceName;
        this.listener = listener;
        this.thread = new Thread(this::run, "masq-dhcp-" + interfaceName);
        thread.setDaemon(true);
    }

    /** Starts a client on the port {@code opener} opens; {@code listener} is called on the runner's thread. */
    public static DhcpRunner start(Opener opener, String interfaceName, Listener listener) {
        DhcpRunner runner = new DhcpRunner(opener, interfaceName, listener);
        runner.thread.start();
        return runner;
    }

    /** Opens the port, retrying; false once closed. */
    private boolean open() {
        String failed = null;
        while (running) {
            try {
                FramePort opened = opener.open();
                SecureRandom random = new SecureRandom();
                synchronized (this) {
                    if (!running) {
                        opened.close();
                        return false;
                    }
                    port = opened;
                    client = new DhcpClient(opened.hardwareAddress(), this::send, lease -> {
                        changed = true;
                        changedTo = lease;
                    }, random::nextInt);
                    client.start(System.nanoTime());
                }
                return true;
            } catch (IOException | RuntimeException e) {
                if (!e.toString().equals(failed)) {
                    LOG.error("DHCP on {}: cannot open the interface: {}; retrying every {} s", interfaceName,
                            e.getMessage(), REOPEN_SECONDS);
                    failed = e.toString();
                }
                sleep(REOPEN_SECONDS * 1000L);
            }
        }
        return false;
    }

    private void run() {
        byte[] frame = new byte[FRAME_BYTES];
        if (!open()) {
            return;
        }
        LOG.info("DHCP on {}: discovering", interfaceName);
        String failing = null;
        try {
            while (running) {
                int n;
                try {
                    n = port.receive(frame, TICK_NANOS);
                    failing = null;
                } catch (IOException e) {
                    if (!e.toString().equals(failing)) {
                        LOG.warn("DHCP on {}: {}; the lease's timers go on", interfaceName, e.getMessage());
                        failing = e.toString();
                    }
                    sleep(1000);
                    n = 0; // the clock still runs: an unreadable interface lets the lease expire
                }
                if (n < 0) {
                    break;
                }
                step(frame, n);
            }
        } finally {
            synchronized (this) {
                client.stop(); // the RELEASE, if a lease is held
            }
            port.close();
        }
    }

    /** Gives the client a frame (if {@code n > 0}) and the clock; tells the listener of a change. */
    private void step(byte[] frame, int n) {
        DhcpLease lease;
        synchronized (this) {
            if (!running) {
                return;
            }
            long now = System.nanoTime();
            if (n > 0) {
                client.receive(frame, n, now);
            }
            client.tick(now);
            if (!changed) {
                return;
            }
            changed = false;
            lease = changedTo;
        }
        LOG.info("DHCP on {}: {}", interfaceName, lease == null ? "the lease is lost" : "leased " + lease.describe());
        listener.changed(this, lease);
    }

    private void send(byte[] frame) {
        try {
            port.send(frame, 0, frame.length);
        } catch (IOException e) {
            LOG.warn("DHCP on {}: {}", interfaceName, e.getMessage());
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lease held, or null. */
    public synchronized DhcpLease lease() {
        return client == null ? null : client.lease();
    }

    /** The client's state and lease, in one line, with the replies it ignored. */
    public synchronized String describe() {
        if (client == null) {
            return "opening " + interfaceName;
        }
        Map<String, Long> ignored = client.refusals();
        return client.describe(System.nanoTime()) + (ignored.isEmpty() ? "" : "; ignored " + ignored);
    }

    /** The interface the client runs on. */
    public String interfaceName() {
        return interfaceName;
    }

    /**
     * Stops the thread, which then releases the lease (a RELEASE to its server) and closes the port:
     * only the runner's thread ever uses the port. Waits up to 2 s for it.
     */
    @Override
    public void close() {
        running = false;
        thread.interrupt(); // a wait in the port returns within a second anyway
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
