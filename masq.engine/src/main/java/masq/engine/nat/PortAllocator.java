package masq.engine.nat;

/**
 * The gateway ports of one protocol within the masq range: a bitmap and a cursor that moves on
 * after each allocation, as Linux 2.2's {@code masq_port} counter did, so a port just freed is the
 * last to be reused (RFC 6888 REQ-8 asks for a delay; the cursor gives a full cycle of the range).
 * Ports are exclusive to one mapping: no port overloading (RFC 4787 REQ-3, RFC 5382 REQ-7).
 */
final class PortAllocator {
    private final int low;
    private final int size;
    /** One bit per port of the range, set when in use (by a mapping or a reservation). */
    private final long[] used;
    private int cursor;
    private int free;

    PortAllocator(int low, int high) {
        this.low = low;
        this.size = high - low + 1;
        this.used = new long[(size + 63) >>> 6];
        this.free = size;
    }

    /** True if {@code port} is in this allocator's range. */
    boolean inRange(int port) {
        return port >= low && port - low < size;
    }

    int free() {
        return free;
    }

    /** A free port, now in use, or -1 when the range is exhausted. */
    int allocate() {
        if (free == 0) {
            return -1;
        }
        int i = cursor;
        while (true) {
            int word = i >>> 6;
            long avail = ~used[word] & (-1L << (i & 63));
            if (avail != 0) {
                int bit = (word << 6) + Long.numberOfTrailingZeros(avail);
                if (bit < size) {
                    return take(bit);
                }
            }
            i = (word + 1) << 6;
            if (i >= size) {
                i = 0;
            }
        }
    }

    private int take(int bit) {
        used[bit >>> 6] |= 1L << (bit & 63);
        free--;
        cursor = bit + 1 == size ? 0 : bit + 1;
        return low + bit;
    }

    /** Marks an in-range port in use; false if it already was. */
    boolean claim(int port) {
        int bit = port - low;
        if (isUsed(port)) {
            return false;
        }
        used[bit >>> 6] |= 1L << (bit & 63);
        free--;
        return true;
    }

    /**
     * Two consecutive free ports, the first even, now in use; -1 when the range has none. Scans
     * from the cursor, so pairs come round the range as single ports do.
     */
    int allocatePair() {
        for (int n = 0; n < size; n++) {
            int bit = cursor + n < size ? cursor + n : cursor + n - size;
            int port = low + bit;
            if ((port & 1) == 0 && inRange(port + 1) && !isUsed(port) && !isUsed(port + 1)) {
                int first = take(bit);
                take(bit + 1);
                return first;
            }
        }
        return -1;
    }

    boolean isUsed(int port) {
        int bit = port - low;
        return (used[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    /** Returns an in-range port to the pool. */
    void release(int port) {
        if (isUsed(port)) {
            int bit = port - low;
            used[bit >>> 6] &= ~(1L << (bit & 63));
            free++;
        }
    }
}
