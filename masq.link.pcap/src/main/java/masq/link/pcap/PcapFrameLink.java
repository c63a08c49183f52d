package masq.link.pcap;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import masq.link.pcap.NativeIo.Pcap;
import masq.link.pcap.ether.Ethernet;
import masq.link.pcap.ether.FrameLink;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live interface through a pcap4j handle: snaplen 2048, promiscuous, immediate mode, 32 MiB
 * kernel buffer, inbound direction only (our own transmissions are not captured back), filter
 * {@value #FILTER}, non-blocking.
 *
 * <p>pcap4j opens, configures, reads statistics and closes the handle. The data path does not go
 * through it: pcap4j hands each frame over as a fresh {@code byte[]} and needs a thread of its own
 * per interface in {@code pcap_loop}, which costs a hand-off and a second wake-up per frame (and
 * lost frames when that thread outran the engine). Instead the engine thread itself reads with
 * {@code pcap_next_ex} on the non-blocking handle, copying the frame straight from libpcap's buffer
 * into the caller's array, and writes with {@code pcap_inject} from a native buffer of this link's,
 * both through {@link NativeIo}'s direct mappings: nothing is allocated per frame. Waiting is
 * {@link PollWaiter}'s, on {@link #selectableFd}.
 *
 * <p>The {@code pcap_t} pointer is read from pcap4j's handle (its private field {@code handle},
 * pcap4j 1.8.2 being embedded and pinned); the handle stays pcap4j's to close.
 * Statistics ({@code pcap_stats}) are read from console threads under a lock of their own, which
 * {@link #close} takes too.
 */
public final class PcapFrameLink implements FrameLink {
    /** Bytes captured per frame. */
    public static final int SNAPLEN = MAX_FRAME_LENGTH;
    /**
     * The kernel capture buffer: about 500 frames, since libpcap's slots all take the snaplen
     * (64 KiB, for super-frames) once the interface has an offload on (README "Offloads").
     */
    public static final int BUFFER_BYTES = 32 << 20;
    /** pcap read timeout (unused in immediate, non-blocking mode; libpcap wants one). */
    public static final int TIMEOUT_MILLIS = 10;
    /** Only what the gateway handles is captured. */
    public static final String FILTER = "arp or ip";
    private static final Logger LOG = LoggerFactory.getLogger(PcapFrameLink.class);

    private final String name;
    private final long mac;
    private final PcapHandle handle;
    private final long pcap;
    private final int fd;
    /** Where {@code pcap_next_ex} stores the header pointer (offset 0) and the data pointer (8). */
    private final Memory out = new Memory(16);
    private final long outAddress = Pointer.nativeValue(out);
    private final ByteBuffer outView = out.getByteBuffer(0, 16).order(ByteOrder.nativeOrder());
    /**
     * Views of the header and data libpcap returned last. libpcap 1.10 returns the same two buffers
     * (its "oneshot" copies) on every call, so the views are made once and then read with plain
     * memory copies, no JNI call; should an address ever change, {@link #cursor} reads it instead.
     */
    private long headerAddress;
    private ByteBuffer headerView;
    private long dataAddress;
    private ByteBuffer dataView;
    /** Moved over a header or frame at another address to read it without allocating. */
    private final Pointer cursor = new Pointer(0);
    /** Frames to send are copied here. */
    private final Memory tx = new Memory(MAX_FRAME_LENGTH);
    private final long txAddress = Pointer.nativeValue(tx);
    private final ByteBuffer txView = tx.getByteBuffer(0, MAX_FRAME_LENGTH);
    private final AtomicLong receiveErrors = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final Object statsLock = new Object();
    private volatile boolean closed;

    private PcapFrameLink(String name, long mac, PcapHandle handle, long pcap, int fd) {
        this.name = name;
        this.mac = mac;
        this.handle = handle;
        this.pcap = pcap;
        this.fd = fd;
    }

    /**
     * Opens interface {@code name}.
     *
     * @throws IOException naming the interface if it does not exist, saying that root or
     *     CAP_NET_RAW is needed if capture is not permitted, or with libpcap's message
     */
    public static PcapFrameLink open(String name) throws IOException {
        return open(name, FILTER);
    }

    /** Opens interface {@code name} as {@link #open(String)} does, with another capture filter. */
    public static PcapFrameLink open(String name, String filter) throws IOException {
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
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            long pcap = pcapPointer(handle);
            int fd = Pcap.pcap_get_selectable_fd(pcap);
            if (fd < 0) {
                throw new IOException("interface '" + name + "' has no selectable capture descriptor");
            }
            return new PcapFrameLink(name, mac, handle, pcap, fd);
        } catch (PcapNativeException | NotOpenException | IOException | RuntimeException | UnsatisfiedLinkError e) {
            if (handle != null) {
                handle.close();
            }
            throw e instanceof IOException ? (IOException) e : explain(name, e);
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
    }

    private static long pcapPointer(PcapHandle handle) throws IOException {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            return Pointer.nativeValue((Pointer) f.get(handle));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IOException("pcap4j's PcapHandle has no pcap_t field 'handle' (pcap4j 1.8.2 expected)", e);
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

    /** The descriptor to {@code poll(2)} for frames. */
    int selectableFd() {
        return fd;
    }

    @Override
    public int receive(byte[] buf) {
        if (closed) {
            return -1;
        }
        int rc = Pcap.pcap_next_ex(pcap, outAddress, outAddress + 8);
        if (rc == 1) {
            long h = outView.getLong(0);
            long d = outView.getLong(8);
            if (headerView == null) {
                headerAddress = h;
                headerView = new Pointer(h).getByteBuffer(0, NativeIo.PKTHDR_LEN + 4).order(ByteOrder.nativeOrder());
                dataAddress = d;
                dataView = new Pointer(d).getByteBuffer(0, MAX_FRAME_LENGTH);
            }
            int caplen;
            int wireLength;
            if (h == headerAddress) {
                caplen = headerView.getInt(NativeIo.PKTHDR_CAPLEN);
                wireLength = headerView.getInt(NativeIo.PKTHDR_LEN);
            } else {
                Pointer.nativeValue(cursor, h);
                caplen = cursor.getInt(NativeIo.PKTHDR_CAPLEN);
                wireLength = cursor.getInt(NativeIo.PKTHDR_LEN);
            }
            if (wireLength > caplen) {
                truncated(caplen, wireLength);
            }
            int n = Math.min(Math.min(caplen, MAX_FRAME_LENGTH), buf.length);
            if (d == dataAddress) {
                dataView.get(0, buf, 0, n);
            } else {
                Pointer.nativeValue(cursor, d);
                cursor.read(0, buf, 0, n);
            }
            return n;
        }
        if (rc == 0) {
            return 0;
        }
        if (receiveErrors.incrementAndGet() == 1) {
            LOG.warn("capture on {} failed: {} (further failures are only counted)", name, error());
        }
        return -1;
    }

    private void truncated(int caplen, int wireLength) {
        if (truncated.incrementAndGet() == 1) {
            LOG.warn("capture on {} cut a frame of {} bytes to {}: libpcap sizes its capture slots by the MTU when an"
                    + " interface has every offload off, so super-frames from hosts with TSO/GSO are lost; turn GRO on"
                    + " ('ethtool -K {} gro on', README \"Offloads\") and restart the link (further cuts are only"
                    + " counted as rx.capture-truncated)", name, wireLength, caplen, name);
        }
    }

    private String error() {
        try {
            return handle.getError();
        } catch (NotOpenException | RuntimeException e) {
            return e.toString();
        }
    }

    @Override
    public boolean send(byte[] frame, int len) {
        if (closed || len <= 0 || len > MAX_FRAME_LENGTH) {
            return false;
        }
        txView.put(0, frame, 0, len);
        return Pcap.pcap_inject(pcap, txAddress, len) == len;
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
    public long truncated() {
        return truncated.get();
    }

    @Override
    public long receiveErrors() {
        return receiveErrors.get();
    }

    @Override
    public void close() {
        synchronized (statsLock) {
            if (closed) {
                return;
            }
            closed = true;
            handle.close();
        }
    }
}
