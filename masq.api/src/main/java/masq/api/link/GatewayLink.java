package masq.api.link;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's two Ethernet interfaces as the engine sees them: IPv4 datagrams in and out. The link
 * does in user space what a router's kernel does below IP: it answers ARP for the gateway's own
 * addresses, resolves next hops (queueing datagrams meanwhile), frames datagrams with the right MAC
 * addresses and fragments those larger than the MTU.
 *
 * <p>Threading: {@link #poll}, {@link #send}, {@link #arp} and {@link #close} are called by one
 * thread, the engine thread, never concurrently; they do not block. {@link #await} blocks that
 * thread until frames arrive. {@link #wakeup}, {@link #mtu} and {@link #stats} may be called from
 * any thread.
 */
@ProviderType
public interface GatewayLink extends AutoCloseable {
    /** The inside (LAN) side; equal to the engine's own inside side number. */
    int INSIDE = 0;
    /** The outside (WAN) side. */
    int OUTSIDE = 1;

    /** Bytes a received datagram's array holds past its end, for the engine to grow it in place. */
    int RX_HEADROOM = 128;

    /** {@link #send}: the datagram (or all its fragments) went out. */
    int SENT = 0;
    /** {@link #send}: the next hop is being resolved; the datagram waits in a bounded queue. */
    int QUEUED = 1;
    /**
     * {@link #send}: the datagram is longer than {@link #mtu} and has DF set; nothing was sent. The
     * engine answers with ICMP destination unreachable, fragmentation needed (type 3 code 4), with
     * the next-hop MTU {@link #mtu}(side) (RFC 1191).
     */
    int NEEDS_FRAGMENTATION = 2;
    /** {@link #send}: the destination is off the outside subnet and no outside gateway is set. */
    int NO_ROUTE = 3;
    /** {@link #send}: dropped; the next hop's queue or the link's queue memory is full. */
    int QUEUE_FULL = 4;
    /** {@link #send}: dropped; not an IPv4 datagram the link can frame (bad header or length). */
    int MALFORMED = 5;
    /** {@link #send}: dropped; the interface refused the frame (counted as an error). */
    int SEND_FAILED = 6;

    /**
     * Sends an IPv4 datagram out of {@code side} to its next hop: on the inside the destination
     * itself; on the outside the destination if it is on the outside subnet, else the outside
     * gateway. The link copies the datagram; {@code buf} is the caller's again on return.
     *
     * @param side {@link #INSIDE} or {@link #OUTSIDE}
     * @param buf the array holding the datagram
     * @param off where its IPv4 header starts
     * @param len its length (its IPv4 total length)
     * @return an outcome: {@link #SENT}, {@link #QUEUED}, {@link #NEEDS_FRAGMENTATION},
     *     {@link #NO_ROUTE}, {@link #QUEUE_FULL}, {@link #MALFORMED} or {@link #SEND_FAILED}
     */
    int send(int side, byte[] buf, int off, int len);

    /**
     * Handles up to {@code maxFrames} received frames: ARP is answered and learned here; IPv4
     * datagrams go to {@code receiver} on this thread. Also runs the ARP timers (retries, expiry,
     * giving up, which calls {@link Ipv4Receiver#unresolved}).
     *
     * @param receiver the engine's receiver
     * @param maxFrames a bound on the frames handled in this call, to interleave other work
     * @param nowNanos the current {@link System#nanoTime()}
     * @return the number of frames handled
     */
    int poll(Ipv4Receiver receiver, int maxFrames, long nowNanos);

    /**
     * Blocks until a frame is waiting, {@link #wakeup} is called, or {@code timeoutNanos} pass.
     *
     * @param timeoutNanos the longest wait
     * @return true if a frame is waiting
     * @throws InterruptedException if the thread is interrupted
     */
    boolean await(long timeoutNanos) throws InterruptedException;

    /** Makes a current or the next {@link #await} return at once; any thread. */
    void wakeup();

    /**
     * @param side {@link #INSIDE} or {@link #OUTSIDE}
     * @return that interface's MTU in bytes
     */
    int mtu(int side);

    /** @return a snapshot of both interfaces' counters, inside first; any thread */
    List<LinkStatsDTO> stats();

    /** @return the ARP cache of both sides; engine thread only */
    List<ArpEntryDTO> arp();

    /**
     * Sets the further addresses the gateway owns on the outside interface besides
     * {@link LinkConfigDTO#outsideAddress}: those of inside hosts under 1:1 static NAT. The link
     * answers ARP for each (and announces a new one with gratuitous ARP) and receives datagrams to
     * them; an empty array removes them all. Engine thread only.
     *
     * @param addresses the addresses, none of them the outside address itself
     * @return true if the link took them; false if it cannot own further addresses (the default,
     *         which takes only an empty array)
     * @since 1.3
     */
    default boolean setOutsideAliases(int[] addresses) {
        return addresses.length == 0;
    }

    /** Stops receiving and closes the interfaces; engine thread, or any once it has stopped. */
    @Override
    void close();
}
