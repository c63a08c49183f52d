package masq.link.pcap.ether;

/**
 * One Ethernet interface as raw frames: a pcap live handle, or an in-memory fake in tests.
 *
 * <p>Threading: {@link #receive}, {@link #send} and {@link #close} are called by the engine thread
 * only, and never block. {@link #pcapDropped}, {@link #pcapInterfaceDropped} and
 * {@link #receiveErrors} may be called from any thread.
 */
public interface FrameLink extends AutoCloseable {
    /**
     * The largest frame kept; longer ones are cut to this (pcap's snaplen): an Ethernet header
     * and the longest IPv4 datagram, since a sender with TCP segmentation offload (TSO/GSO) hands
     * its interface super-frames of up to 64 KiB, and a packet socket sees them whole.
     */
    int MAX_FRAME_LENGTH = 14 + 65535;

    /** The interface name. */
    String name();

    /** The interface's MAC address (low 48 bits). */
    long mac();

    /**
     * Copies the next received frame (whole, from the Ethernet header, cut to
     * {@link #MAX_FRAME_LENGTH} and to {@code buf.length}) into {@code buf}.
     *
     * @return its length; 0 if no frame is waiting; -1 if reading failed (counted in
     *     {@link #receiveErrors})
     */
    int receive(byte[] buf);

    /** Sends {@code frame[0, len)}; false if the interface refused it. Must not block for long. */
    boolean send(byte[] frame, int len);

    /** Frames the kernel dropped for want of capture buffer, or 0 if unknown. */
    long pcapDropped();

    /** Frames the interface or driver dropped, or 0 if unknown. */
    long pcapInterfaceDropped();

    /**
     * Frames captured shorter than they were: longer than {@link #MAX_FRAME_LENGTH}, or than the
     * capture's slots (libpcap sizes them by the MTU on an interface with every offload off).
     */
    default long truncated() {
        return 0;
    }

    /** Errors on the receive side (capture failures). */
    long receiveErrors();

    /** Stops receiving and releases the interface; idempotent. */
    @Override
    void close();
}
