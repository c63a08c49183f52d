package masq.link.pcap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The few native calls on the data path, bound by JNA direct mapping: a call costs about as much as
 * a JNI call and allocates nothing, where pcap4j's per-packet methods copy every frame into a fresh
 * array and reach libpcap through JNA's slower interface mapping. Pointers and {@code size_t} are
 * passed as {@code long} (Linux x86-64 and arm64, where both are 64 bits).
 *
 * <p>libpcap is the same library pcap4j loaded (pcap4j's {@code org.pcap4j.core.pcapLibName}
 * property is honoured), and the {@code pcap_t} handles come from pcap4j's open handles, which still
 * own them; see {@link PcapFrameLink}.
 */
final class NativeIo {
    /** {@code poll(2)}: there is data to read. */
    static final short POLLIN = 0x1;
    /** {@code poll(2)}: an error condition (always reported). */
    static final short POLLERR = 0x8;
    /** {@code poll(2)}: hung up (always reported). */
    static final short POLLHUP = 0x10;
    /** {@code poll(2)}: the descriptor is not open (always reported). */
    static final short POLLNVAL = 0x20;
    /** {@code eventfd(2)} flag: reads that find the counter at zero fail with EAGAIN instead of blocking. */
    static final int EFD_NONBLOCK = 04000;
    /** {@code eventfd(2)} flag: close on exec. */
    static final int EFD_CLOEXEC = 02000000;
    /** {@code sizeof(struct pollfd)}: int fd, short events, short revents. */
    static final int POLLFD_BYTES = 8;
    /** Offset of {@code caplen} in {@code struct pcap_pkthdr} (after a 16-byte {@code struct timeval}). */
    static final int PKTHDR_CAPLEN = 16;
    /** Offset of {@code len} (the frame's length on the wire) in {@code struct pcap_pkthdr}. */
    static final int PKTHDR_LEN = 20;

    private NativeIo() {
    }

    /** libpcap. */
    static final class Pcap {
        static {
            Native.register(Pcap.class,
                    NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
        }

        private Pcap() {
        }

        /**
         * {@code pcap_next_ex}: 1 and the header and data pointers stored at {@code headerOut} and
         * {@code dataOut}; 0 if no frame waits (non-blocking handle); -1 on error; -2 after
         * {@code pcap_breakloop}.
         */
        static native int pcap_next_ex(long pcap, long headerOut, long dataOut);

        /** {@code pcap_inject}: the bytes written, or -1. */
        static native int pcap_inject(long pcap, long buf, long size);

        /** {@code pcap_get_selectable_fd}: the descriptor to poll, or -1. */
        static native int pcap_get_selectable_fd(long pcap);
    }

    /** The C library. */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private LibC() {
        }

        /** {@code poll(2)} on {@code nfds} {@code struct pollfd}s at {@code fds}. */
        static native int poll(long fds, long nfds, int timeoutMillis);

        /** {@code eventfd(2)}: a new descriptor. */
        static native int eventfd(int initval, int flags) throws LastErrorException;

        /** {@code read(2)}. */
        static native long read(int fd, long buf, long count);

        /** {@code write(2)}. */
        static native long write(int fd, long buf, long count);

        /** {@code close(2)}. */
        static native int close(int fd);
    }
}
