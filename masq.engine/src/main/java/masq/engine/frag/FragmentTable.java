package masq.engine.frag;

import java.util.Arrays;
import masq.engine.packet.PacketBuffer;

/**
 * What the translator did with the first fragment of each fragmented datagram, so that the
 * other fragments, which carry no transport header, get the same rewrite (RFC 4787 REQ-14).
 * Keyed by (source, destination, protocol, IP identification) as the datagram arrived. Fragments
 * that arrive before their first fragment are copied aside until it comes or the timeout passes.
 *
 * <p>Each datagram's fragments are checked against the byte ranges seen before ({@link #cover}):
 * one that overlaps (a duplicate too) poisons its datagram, whose later fragments and held ones
 * are dropped, as RFC 5722 asks of IPv6 and as overlapping fragments that rewrite a transport
 * header (RFC 1858, RFC 3128) require; the fragments already forwarded cannot be recalled, but the
 * receiver cannot complete the datagram without the rest.
 *
 * <p>Bounded: a fixed number of datagrams, a fixed number of held fragments of a fixed maximum
 * size, a timeout. Beyond a bound a fragment is refused (the caller counts it); unfragmented
 * traffic never touches this table, so a fragment flood cannot slow it (REQ-14a). Engine thread
 * only.
 */
public final class FragmentTable {
    /** No datagram / nothing held. */
    public static final int NONE = -1;
    /** The largest fragment that can be held: an Ethernet MTU with room to spare. */
    public static final int MAX_HELD_BYTES = 2048;
    /** {@link #cover}: the fragment overlaps one seen before, or its datagram is poisoned. */
    public static final int OVERLAP = -2;
    /** {@link #cover}: no room (datagrams, or disjoint pieces of this one). */
    public static final int FULL = -3;
    /** Disjoint byte ranges remembered per datagram (in-order or reverse arrival needs one). */
    static final int MAX_RANGES = 16;

    private final int[] source;
    private final int[] destination;
    /** Protocol in the high half, IP identification in the low half. */
    private final int[] protocolAndId;
    private final int[] action;
    private final int[] newSource;
    private final int[] newDestination;
    private final boolean[] resolved;
    private final int[] expiry;
    private final int[] nextInBucket;
    private final int[] buckets;
    private int freeHead;
    private final int[] nextFree;
    private final byte[][] held;
    private final int[] heldLength;
    private final int[] heldDatagram;
    private final int timeoutSeconds;
    /** Per datagram, MAX_RANGES sorted disjoint [start, end) byte ranges, rangeCount of them used. */
    private final int[] ranges;
    private final int[] rangeCount;
    private final boolean[] poisoned;

    public FragmentTable(int maxDatagrams, int maxHeld, int timeoutSeconds) {
        source = new int[maxDatagrams];
        destination = new int[maxDatagrams];
        protocolAndId = new int[maxDatagrams];
        action = new int[maxDatagrams];
        newSource = new int[maxDatagrams];
        newDestination = new int[maxDatagrams];
        resolved = new boolean[maxDatagrams];
        expiry = new int[maxDatagrams];
        nextInBucket = new int[maxDatagrams];
        nextFree = new int[maxDatagrams];
        for (int i = 0; i < maxDatagrams; i++) {
            nextFree[i] = i + 1 < maxDatagrams ? i + 1 : NONE;
            expiry[i] = Integer.MIN_VALUE;
        }
        buckets = new int[Integer.highestOneBit(maxDatagrams * 2 - 1) * 2];
        Arrays.fill(buckets, NONE);
        held = new byte[maxHeld][MAX_HELD_BYTES];
        heldLength = new int[maxHeld];
        heldDatagram = new int[maxHeld];
        Arrays.fill(heldDatagram, NONE);
        this.timeoutSeconds = timeoutSeconds;
        ranges = new int[maxDatagrams * MAX_RANGES * 2];
        rangeCount = new int[maxDatagrams];
        poisoned = new boolean[maxDatagrams];
    }

    /**
     * Records that bytes [start, end) of the datagram with this key arrived, creating its entry: the
     * one lookup of each fragment, whose result {@link #record} and {@link #hold} then take.
     *
     * @return the datagram (0 or more); {@link #OVERLAP} if the bytes overlap bytes seen before or
     *     the datagram is poisoned (it is from now on, and its held fragments are dropped);
     *     {@link #FULL} if there is no room to remember them
     */
    public int cover(int src, int dst, int protocol, int id, int start, int end, int now) {
        int e = findOrCreate(src, dst, protocol, id, now);
        if (e == NONE) {
            return FULL;
        }
        if (poisoned[e]) {
            return OVERLAP;
        }
        int base = e * MAX_RANGES * 2;
        int n = rangeCount[e];
        int at = 0;
        while (at < n && ranges[base + 2 * at + 1] <= start) {
            at++;
        }
        if (at < n && ranges[base + 2 * at] < end) {
            poison(e);
            return OVERLAP;
        }
        boolean joinsLeft = at > 0 && ranges[base + 2 * (at - 1) + 1] == start;
        boolean joinsRight = at < n && ranges[base + 2 * at] == end;
        if (joinsLeft && joinsRight) {
            ranges[base + 2 * (at - 1) + 1] = ranges[base + 2 * at + 1];
            System.arraycopy(ranges, base + 2 * (at + 1), ranges, base + 2 * at, 2 * (n - at - 1));
            rangeCount[e] = n - 1;
        } else if (joinsLeft) {
            ranges[base + 2 * (at - 1) + 1] = end;
        } else if (joinsRight) {
            ranges[base + 2 * at] = start;
        } else {
            if (n == MAX_RANGES) {
                return FULL;
            }
            System.arraycopy(ranges, base + 2 * at, ranges, base + 2 * (at + 1), 2 * (n - at));
            ranges[base + 2 * at] = start;
            ranges[base + 2 * at + 1] = end;
            rangeCount[e] = n + 1;
        }
        return e;
    }

    /** Poisons a datagram: its held fragments go with it (counted with the one overlap that caused it). */
    private void poison(int e) {
        poisoned[e] = true;
        for (int i = 0; i < heldDatagram.length; i++) {
            if (heldDatagram[i] == e) {
                heldDatagram[i] = NONE;
            }
        }
    }

    private int bucket(int src, int dst, int key) {
        int h = (src * 0x9E3779B1 + dst) * 0x85EBCA77 + key;
        h ^= h >>> 15;
        return h & (buckets.length - 1);
    }

    /** The datagram with this key, or NONE. */
    public int find(int src, int dst, int protocol, int id) {
        int key = (protocol << 16) | id;
        for (int e = buckets[bucket(src, dst, key)]; e != NONE; e = nextInBucket[e]) {
            if (source[e] == src && destination[e] == dst && protocolAndId[e] == key) {
                return e;
            }
        }
        return NONE;
    }

    /** True once the first fragment's outcome is recorded. */
    public boolean resolved(int e) {
        return resolved[e];
    }

    /** The verdict the first fragment got. */
    public int action(int e) {
        return action[e];
    }

    public int newSource(int e) {
        return newSource[e];
    }

    public int newDestination(int e) {
        return newDestination[e];
    }

    /** Records what the first fragment of datagram {@code e} ({@link #cover}) got. */
    public void record(int e, int verdict, int toSource, int toDestination) {
        action[e] = verdict;
        newSource[e] = toSource;
        newDestination[e] = toDestination;
        resolved[e] = true;
    }

    /**
     * Copies a fragment of datagram {@code e} ({@link #cover}) aside until its first fragment is seen;
     * false if no room (the caller drops it).
     */
    public boolean hold(int e, byte[] b, int off, int len) {
        if (len > MAX_HELD_BYTES) {
            return false;
        }
        int slot = freeHeldSlot();
        if (slot == NONE) {
            return false;
        }
        System.arraycopy(b, off, held[slot], 0, len);
        heldLength[slot] = len;
        heldDatagram[slot] = e;
        return true;
    }

    private int freeHeldSlot() {
        for (int i = 0; i < heldDatagram.length; i++) {
            if (heldDatagram[i] == NONE) {
                return i;
            }
        }
        return NONE;
    }

    /**
     * Moves one held fragment whose datagram is now resolved into {@code out}; returns its
     * datagram, or NONE when there is none.
     */
    public int pollReleased(PacketBuffer out) {
        for (int i = 0; i < heldDatagram.length; i++) {
            int e = heldDatagram[i];
            if (e != NONE && resolved[e] && out.set(held[i], 0, heldLength[i])) {
                heldDatagram[i] = NONE;
                return e;
            }
        }
        return NONE;
    }

    /** Frees datagrams past their timeout; returns how many held fragments were dropped with them. */
    public int expire(int now) {
        int dropped = 0;
        for (int i = 0; i < heldDatagram.length; i++) {
            int e = heldDatagram[i];
            if (e != NONE && expiry[e] <= now) {
                heldDatagram[i] = NONE;
                dropped++;
            }
        }
        for (int e = 0; e < expiry.length; e++) {
            if (expiry[e] != Integer.MIN_VALUE && expiry[e] <= now) {
                free(e);
            }
        }
        return dropped;
    }

    private int findOrCreate(int src, int dst, int protocol, int id, int now) {
        int e = find(src, dst, protocol, id);
        if (e == NONE) {
            if (freeHead == NONE) {
                return NONE;
            }
            e = freeHead;
            freeHead = nextFree[e];
            source[e] = src;
            destination[e] = dst;
            protocolAndId[e] = (protocol << 16) | id;
            resolved[e] = false;
            rangeCount[e] = 0;
            poisoned[e] = false;
            int bucket = bucket(src, dst, protocolAndId[e]);
            nextInBucket[e] = buckets[bucket];
            buckets[bucket] = e;
        }
        expiry[e] = now + timeoutSeconds;
        return e;
    }

    private void free(int e) {
        int bucket = bucket(source[e], destination[e], protocolAndId[e]);
        if (buckets[bucket] == e) {
            buckets[bucket] = nextInBucket[e];
        } else {
            int p = buckets[bucket];
            while (nextInBucket[p] != e) {
                p = nextInBucket[p];
            }
            nextInBucket[p] = nextInBucket[e];
        }
        expiry[e] = Integer.MIN_VALUE;
        nextFree[e] = freeHead;
        freeHead = e;
    }
}
