package masq.link.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import masq.link.pcap.ether.Ethernet;
import masq.link.pcap.ether.FrameLink;
import masq.link.pcap.ether.FrameRing;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live interface through a pcap4j handle: snaplen 2048, promiscuous, immediate mode, 10 ms
 * timeout, 16 MiB kernel buffer, inbound direction only (our own transmissions are not captured
 * back), filter {@value #FILTER}. One receive thread per interface runs {@code pcap_loop} (not
 * {@code getNextRawPacket}, which never returns without traffic, reference/stack.md section 5) and
 * copies each frame into the ring; {@link #close} breaks the loop.
 *
 * <p>{@link #send} ({@code pcap_inject}) runs on the engine thread while the receive thread is in
 * {@code pcap_loop} on the same handle: both are plain socket calls on Linux, and the live test
 * does exactly this. Statistics ({@code pcap_stats}) are read from console threads under a lock of
 * their own; they may lag by a few frames.
 *
 * <p>Only raw bytes cross pcap4j here, so its packet factories (and their class-loader trap) are
 * never used. pcap4j's raw listener hands over a fresh {@code byte[]} per frame; that allocation is
 * pcap4j's, and the frame is copied into a preallocated ring slot at once.
 */
public final class PcapFrameLink implements FrameLink {
    /** Bytes captured per frame. */
    public static final int SNAPLEN = FrameRing.MAX_FRAME_LENGTH;
    /** The kernel capture buffer. */
    public static final int BUFFER_BYTES = 16 << 20;
    /** pcap read timeout. */
    public static final int TIMEOUT_MILLIS = 10;
    /** Only what the gateway handles is captured. */
    public static final String FILTER = "arp or ip";
    private static final long JOIN_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(PcapFrameLink.class);

    private final String name;
    private final long mac;
    private final PcapHandle handle;
    private final AtomicLong receiveErrors = new AtomicLong();
    private final Object statsLock = new Object();
    private Thread receiver;
    private volatile boolean closed;

    private PcapFrameLink(String name, long mac, PcapHandle handle) {
        this.name = name;
        this.mac = mac;
        this.handle = handle;
    }

    /**
     * Opens interface {@code name}.
     *
     * @throws IOException naming the interface if it does not exist, saying that root or
     *     CAP_NET_RAW is needed if capture is not permitted, or with libpcap's message
     */
    public static PcapFrameLink open(String name) throws IOException {
        Path sys = Path.of("/sys/class/net", name);
        if (name == null || name.isEmpty() || name.contains("/") || !Files.isDirectory(sys)) {
            throw new IOException("interface '" + name + "' does not exist (see 'ip link show')");
        }
        long mac = Ethernet.parse(Files.readString(sys.resolve("address"), StandardCharsets.US_ASCII).trim());
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(PcapFrameLink.class.getClassLoader());
        PcapHandle handle = null;
        try {
            handle = new PcapHandle.Builder(name).snaplen(SNAPLEN).promiscuousMode(PromiscuousMode.PROMISCUOUS)
                    .timeoutMillis(TIMEOUT_MILLIS).bufferSize(BUFFER_BYTES).immediateMode(true).build();
            handle.setDirection(PcapHandle.PcapDirection.IN);
            handle.setFilter(FILTER, BpfProgram.BpfCompileMode.OPTIMIZE);
            return new PcapFrameLink(name, mac, handle);
        } catch (PcapNativeException | NotOpenException | RuntimeException | UnsatisfiedLinkError e) {
            if (handle != null) {
                handle.close();
            }
            throw explain(name, e);
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    static IOException explain(String name, Throwable e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("permitted") || lower.contains("permission")) {
            return new IOException("capturing on interface '" + name + "' needs root or the capabilities CAP_NET_RAW"
                    + " and CAP_NET_ADMIN (libpcap: " + message + ")", e);
        }
        if (lower.contains("no such device")) {
            return new IOException("interface '" + name + "' does not exist (libpcap: " + message + ")", e);
        }
        if (e instanceof UnsatisfiedLinkError) {
            return new IOException("libpcap is not installed (apt-get install libpcap0.8): " + message, e);
        }
        return new IOException("cannot open interface '" + name + "': " + message, e);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public synchronized void start(FrameRing ring) {
        if (receiver != null || closed) {
            return;
        }
        RawPacketListener listener = frame -> ring.offer(frame, 0, frame.length);
        receiver = new Thread(() -> receiveLoop(listener), "masq-rx-" + name);
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receiveLoop(RawPacketListener listener) {
        while (!closed) {
            try {
                handle.loop(-1, listener);
            } catch (InterruptedException e) {
                return;
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                if (closed) {
                    return;
                }
                receiveErrors.incrementAndGet();
                LOG.warn("capture on {} failed, retrying in 1 s: {}", name, e.toString());
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean send(byte[] frame, int len) {
        try {
            handle.sendPacket(frame, len);
            return true;
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public long pcapDropped() {
        PcapStat s = stats();
        return s == null ? 0 : s.getNumPacketsDropped();
    }

    @Override
    public long pcapInterfaceDropped() {
        PcapStat s = stats();
        return s == null ? 0 : s.getNumPacketsDroppedByIf();
    }

    private PcapStat stats() {
        synchronized (statsLock) {
            if (closed) {
                return null;
            }
            try {
                return handle.getStats();
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                return null;
            }
        }
    }

    @Override
    public long receiveErrors() {
        return receiveErrors.get();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = receiver;
        }
        try {
            handle.breakLoop();
            if (t != null) {
                t.join(JOIN_MILLIS);
            }
        } catch (NotOpenException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t != null && t.isAlive()) {
            // Freeing the handle under a thread still inside pcap_loop would crash the JVM: leak it instead.
            LOG.warn("capture thread of {} did not stop within {} ms; its handle is left open", name, JOIN_MILLIS);
            return;
        }
        synchronized (statsLock) {
            handle.close();
        }
    }
}
