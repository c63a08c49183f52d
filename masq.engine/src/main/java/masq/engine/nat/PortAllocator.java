package masq.engine.nat;

/**
 * The gateway ports of one protocol within the masq range: a bitmap and a cursor that moves on
 * after each allocation, as Linux 2.2's {@code masq_port} counter did, so a port just freed is the
 * last to be reused (RFC 6888 REQ-8 asks for a delay; the cursor gives a full cycle of the range).
 * Ports are exclusive to one mapping: no port overloading (RFC 4787 REQ-3, RFC 5382 REQ-7).
 * A port may be asked for by parity (RFC 4787 REQ-4) and from any offset ({@link #allocateFrom},
 * for random allocation).
 */
final class PortAllocator {
    /** {@link #allocate(int)}: either parity. */
    static final int ANY = -1;
    /** The bits of a word at even offsets from its start (words start at multiples of 64). */
    private static final long EVEN_BITS = 0x5555_5555_5555_5555L;
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
        return allocate(ANY);
    }

    /**
     * The next free port of {@code parity} ({@link #ANY}, or 0 for even and 1 for odd) from the
     * cursor, now in use; -1 when the range has none.
     */
    int allocate(int parity) {
        int bit = scan(cursor, parity);
        return bit < 0 ? -1 : take(bit);
    }

    /**
     * The first free port of {@code parity} at or after {@code offset} (taken modulo the range's
     * size) and round the range, now in use; -1 when there is none. With a random offset this is
     * RFC 6056's Algorithm 1 (a random port, then the next free one).
     */
    int allocateFrom(int offset, int parity) {
        int bit = scan(Integer.remainderUnsigned(offset, size), parity);
        return bit < 0 ? -1 : take(bit);
    }

    /** The first free bit of {@code parity} at or after {@code start}, round the range; -1 if none. */
    private int scan(int start, int parity) {
        if (free == 0) {
            return -1;
        }
        long mask = parity == ANY ? -1L : ((parity ^ low) & 1) == 0 ? EVEN_BITS : ~EVEN_BITS;
        int words = used.length;
        int word = start >>> 6;
        for (int n = 0; n <= words; n++) {
            long avail = ~used[word] & mask;
            if (n == 0) {
                avail &= -1L << (start & 63);
            }
            if (avail != 0) {
                int bit = (word << 6) + Long.numberOfTrailingZeros(avail);
                if (bit < size) {
                    return bit;
                }
            }
            word = word + 1 == words ? 0 : word + 1;
        }
        return -1;
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
