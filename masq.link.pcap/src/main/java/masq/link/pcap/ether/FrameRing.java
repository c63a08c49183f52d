package masq.link.pcap.ether;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import masq.api.link.GatewayLink;

/**
 * A bounded single-producer single-consumer ring of preallocated frame buffers: an interface's
 * receive thread copies each captured frame into the next free slot; the engine thread takes slots
 * in order, handles the frame in place and releases the slot. Nothing is allocated per frame; a
 * frame that finds the ring full is dropped and counted (the engine is behind, as a NIC ring
 * overruns).
 *
 * <p>Each slot has {@link #HEADROOM} spare bytes past the largest frame, so the engine may grow a
 * datagram in place (an ICMP error quoting it).
 */
public final class FrameRing {
    /** The largest frame kept; longer ones are cut to this (pcap's snaplen). */
    public static final int MAX_FRAME_LENGTH = 2048;
    /** Spare bytes past the largest frame in every slot, as {@link GatewayLink#RX_HEADROOM} promises. */
    public static final int HEADROOM = GatewayLink.RX_HEADROOM;

    private final byte[][] slots;
    private final int[] lengths;
    private final int mask;
    private final Waiter waiter;
    /** Next slot the producer fills; written by the producer only (volatile: pairs with the waiter flag). */
    private final AtomicLong tail = new AtomicLong();
    /** Next slot the consumer takes; written by the consumer only. */
    private final AtomicLong head = new AtomicLong();
    /** The producer's last view of {@link #head}, to read the shared field only when the ring looks full. */
    private long headCache;
    /** The consumer's last view of {@link #tail}. */
    private long tailCache;
    /** Producer-only counters, read racily by snapshots. */
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();

    /**
     * @param slots the number of slots, a power of two
     * @param waiter woken when a frame is added
     */
    public FrameRing(int slots, Waiter waiter) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("ring slots " + slots + " is not a power of two");
        }
        this.slots = new byte[slots][MAX_FRAME_LENGTH + HEADROOM];
        this.lengths = new int[slots];
        this.mask = slots - 1;
        this.waiter = waiter;
    }

    /** Producer: copies a frame in (cut to {@link #MAX_FRAME_LENGTH}); false and counted if full. */
    public boolean offer(byte[] frame, int off, int len) {
        long t = tail.get();
        if (t - headCache >= slots.length) {
            headCache = head.get();
            if (t - headCache >= slots.length) {
                overflows.lazySet(overflows.get() + 1);
                return false;
            }
        }
        int i = (int) t & mask;
        int n = Math.min(len, MAX_FRAME_LENGTH);
        System.arraycopy(frame, off, slots[i], 0, n);
        lengths[i] = n;
        offered.lazySet(offered.get() + 1);
        tail.set(t + 1);
        waiter.signal();
        return true;
    }

    /** Consumer: the slot array of the oldest frame, or null if none; its length is {@link #peekLength}. */
    public byte[] peek() {
        long h = head.get();
        if (h == tailCache) {
            tailCache = tail.get();
            if (h == tailCache) {
                return null;
            }
        }
        return slots[(int) h & mask];
    }

    /** Consumer: the length of the frame {@link #peek} returned. */
    public int peekLength() {
        return lengths[(int) head.get() & mask];
    }

    /** Consumer: releases the slot {@link #peek} returned. */
    public void release() {
        head.lazySet(head.get() + 1);
    }

    /** True if a frame is waiting; any thread. */
    public boolean isEmpty() {
        return head.get() == tail.get();
    }

    /** Frames put in since creation. */
    public long offered() {
        return offered.get();
    }

    /** Frames dropped because the ring was full. */
    public long overflows() {
        return overflows.get();
    }

    /**
     * Parks the consumer thread while the rings are empty: the consumer announces itself before its
     * last check of the rings, and producers unpark it after publishing a frame (both volatile, so
     * one of them sees the other).
     */
    public static final class Waiter {
        private volatile Thread parked;
        private volatile boolean woken;

        /** Any thread: wakes the consumer if it is parked. */
        public void signal() {
            Thread t = parked;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        /** Any thread: makes the current or next {@link #await} return. */
        public void wakeup() {
            woken = true;
            signal();
        }

        /**
         * Consumer: waits until one of {@code rings} holds a frame, {@link #wakeup}, or the timeout.
         *
         * @return true if a frame is waiting
         */
        public boolean await(FrameRing[] rings, long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            parked = Thread.currentThread();
            try {
                while (true) {
                    for (FrameRing r : rings) {
                        if (!r.isEmpty()) {
                            return true;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (woken || left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            } finally {
                parked = null;
                woken = false;
            }
        }
    }
}
