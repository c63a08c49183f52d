package masq.link.pcap.ether;

/**
 * One Ethernet interface as raw frames: a pcap live handle, or an in-memory fake in tests.
 *
 * <p>Threading: {@link #start} starts whatever thread fills the ring (that thread is the ring's one
 * producer). {@link #send} is called by the engine thread only. {@link #pcapDropped},
 * {@link #pcapInterfaceDropped} and {@link #receiveErrors} may be called from any thread.
 */
public interface FrameLink extends AutoCloseable {
    /** The interface name. */
    String name();

    /** The interface's MAC address (low 48 bits). */
    long mac();

    /** Starts delivering received frames (whole, from the Ethernet header) into {@code ring}. */
    void start(FrameRing ring);

    /** Sends {@code frame[0, len)}; false if the interface refused it. Must not block for long. */
    boolean send(byte[] frame, int len);

    /** Frames the kernel dropped for want of capture buffer, or 0 if unknown. */
    long pcapDropped();

    /** Frames the interface or driver dropped, or 0 if unknown. */
    long pcapInterfaceDropped();

    /** Errors on the receive side (capture failures). */
    long receiveErrors();

    /** Stops receiving and releases the interface; idempotent. */
    @Override
    void close();
}
