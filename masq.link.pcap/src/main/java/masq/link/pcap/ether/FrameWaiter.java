package masq.link.pcap.ether;

/**
 * Blocks the engine thread until one of the gateway's interfaces has a frame waiting: {@code poll(2)}
 * on the capture descriptors for pcap, something simpler in tests.
 *
 * <p>Threading: {@link #await} and {@link #close} on the engine thread; {@link #wakeup} from any.
 */
public interface FrameWaiter extends AutoCloseable {
    /**
     * Waits until interface {@code 0} or {@code 1} has a frame, {@link #wakeup} is called, or
     * {@code timeoutNanos} pass.
     *
     * @return a bit set: bit {@code s} set if side {@code s} may have a frame; 0 if woken or timed out
     * @throws InterruptedException if the thread is interrupted
     */
    int await(long timeoutNanos) throws InterruptedException;

    /** Makes a current or the next {@link #await} return at once; any thread. */
    void wakeup();

    /** Releases what the waiter holds; idempotent. */
    @Override
    void close();
}
