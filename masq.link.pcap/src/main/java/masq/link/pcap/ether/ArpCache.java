package masq.link.pcap.ether;

/**
 * The neighbour table of one side: next-hop IPv4 address to MAC, with expiry, and the datagrams
 * waiting for a next hop being resolved. Open addressing with linear probing over primitive arrays
 * (backward-shift deletion, so no tombstones); pending datagrams live in a fixed pool of buffers
 * chained per entry. Nothing is allocated after construction.
 *
 * <p>An entry is {@link #REACHABLE} (MAC known until its deadline) or {@link #INCOMPLETE} (requests
 * sent, the next one due at its deadline). Engine thread only.
 */
public final class ArpCache {
    /** State of a free slot. */
    public static final byte FREE = 0;
    /** MAC known. */
    public static final byte REACHABLE = 1;
    /** Being resolved. */
    public static final byte INCOMPLETE = 2;
    /** Requests sent before giving up (RFC 1122 2.3.2.1 asks for a bound; Linux sends 3). */
    public static final int MAX_REQUESTS = 3;
    /** Between two requests for the same next hop (RFC 1122 2.3.2.1: at most one per second). */
    public static final long RETRY_NANOS = 1_000_000_000L;
    /** How long a learned MAC is used without hearing from the neighbour again. */
    public static final long REACHABLE_NANOS = 60_000_000_000L;
    /** Before expiry, a used entry is refreshed by a unicast request, so busy next hops never stall. */
    public static final long REFRESH_NANOS = 5_000_000_000L;
    /** Datagrams queued per next hop (Linux's unres_qlen counts bytes; a few packets suffice). */
    public static final int PENDING_PER_NEXT_HOP = 8;
    /** The largest datagram that can wait: more than any MTU the link takes (the engine cuts super-frames to it). */
    public static final int PENDING_BYTES = 2048;
    /** A bound on the entries of one side. */
    public static final int DEFAULT_ENTRIES = 1024;
    /** Buffers for pending datagrams of one side, shared by all its incomplete entries. */
    public static final int DEFAULT_PENDING_BUFFERS = 256;
    private static final int NONE = -1;

    private final int mask;
    private final int maxEntries;
    private int count;
    private final int[] address;
    private final long[] mac;
    private final byte[] state;
    /** REACHABLE: expiry; INCOMPLETE: when the next request is due (or the entry fails). */
    private final long[] deadline;
    /** REACHABLE: when a refresh request may next be sent; INCOMPLETE: unused. */
    private final long[] refreshAt;
    private final int[] requests;
    private final int[] pendingHead;
    private final int[] pendingTail;
    private final int[] pendingCount;
    private final byte[][] pool;
    private final int[] poolLength;
    private final int[] poolNext;
    private int freeHead;

    /** A cache with the default bounds. */
    public ArpCache() {
        this(DEFAULT_ENTRIES, DEFAULT_PENDING_BUFFERS);
    }

    /**
     * @param maxEntries the most entries held at once
     * @param pendingBuffers the most datagrams waiting at once, over all entries
     */
    public ArpCache(int maxEntries, int pendingBuffers) {
        int size = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) * 2;
        this.mask = size - 1;
        this.maxEntries = maxEntries;
        this.address = new int[size];
        this.mac = new long[size];
        this.state = new byte[size];
        this.deadline = new long[size];
        this.refreshAt = new long[size];
        this.requests = new int[size];
        this.pendingHead = new int[size];
        this.pendingTail = new int[size];
        this.pendingCount = new int[size];
        this.pool = new byte[pendingBuffers][PENDING_BYTES];
        this.poolLength = new int[pendingBuffers];
        this.poolNext = new int[pendingBuffers];
        for (int i = 0; i < pendingBuffers; i++) {
            poolNext[i] = i + 1 < pendingBuffers ? i + 1 : NONE;
        }
        freeHead = pendingBuffers > 0 ? 0 : NONE;
    }

    /** The slot of {@code ip}, or -1. {@code ip} 0 is never cached. */
    public int find(int ip) {
        if (ip == 0) {
            return NONE;
        }
        for (int i = slot(ip);; i = (i + 1) & mask) {
            if (state[i] == FREE) {
                return NONE;
            }
            if (address[i] == ip) {
                return i;
            }
        }
    }

    /** Adds an entry for {@code ip} in {@code st}; its slot, or -1 if the cache is full. Not present before. */
    public int add(int ip, byte st, long macAddress, long due) {
        if (count >= maxEntries || ip == 0) {
            return NONE;
        }
        int i = slot(ip);
        while (state[i] != FREE) {
            i = (i + 1) & mask;
        }
        count++;
        address[i] = ip;
        state[i] = st;
        mac[i] = macAddress;
        deadline[i] = due;
        refreshAt[i] = 0;
        requests[i] = 0;
        pendingHead[i] = NONE;
        pendingTail[i] = NONE;
        pendingCount[i] = 0;
        return i;
    }

    /** Makes slot {@code i} reachable at {@code macAddress} until {@code now + REACHABLE_NANOS}. */
    public void confirm(int i, long macAddress, long now) {
        state[i] = REACHABLE;
        mac[i] = macAddress;
        deadline[i] = now + REACHABLE_NANOS;
        refreshAt[i] = 0;
        requests[i] = 0;
    }

    /** Makes slot {@code i} incomplete, a request due now (a stale entry being re-resolved). */
    public void restart(int i, long now) {
        state[i] = INCOMPLETE;
        deadline[i] = now;
        requests[i] = 0;
    }

    /** Records a request sent for slot {@code i}; the next is due a retry interval later. */
    public void requested(int i, long now) {
        requests[i]++;
        deadline[i] = now + RETRY_NANOS;
    }

    /** True if a refresh request for reachable slot {@code i} is due, and notes it as sent. */
    public boolean takeRefresh(int i, long now) {
        if (deadline[i] - now > REFRESH_NANOS || now < refreshAt[i]) {
            return false;
        }
        refreshAt[i] = now + RETRY_NANOS;
        return true;
    }

    /** Copies a datagram onto slot {@code i}'s queue; false if the queue or the pool is full. */
    public boolean enqueue(int i, byte[] b, int off, int len) {
        if (pendingCount[i] >= PENDING_PER_NEXT_HOP || freeHead == NONE || len > PENDING_BYTES) {
            return false;
        }
        int p = freeHead;
        freeHead = poolNext[p];
        System.arraycopy(b, off, pool[p], 0, len);
        poolLength[p] = len;
        poolNext[p] = NONE;
        if (pendingTail[i] == NONE) {
            pendingHead[i] = p;
        } else {
            poolNext[pendingTail[i]] = p;
        }
        pendingTail[i] = p;
        pendingCount[i]++;
        return true;
    }

    /** Unlinks the oldest datagram of slot {@code i}: its buffer index, or -1. Give it back with {@link #free}. */
    public int dequeue(int i) {
        int p = pendingHead[i];
        if (p == NONE) {
            return NONE;
        }
        pendingHead[i] = poolNext[p];
        if (pendingHead[i] == NONE) {
            pendingTail[i] = NONE;
        }
        pendingCount[i]--;
        return p;
    }

    /** Unlinks slot {@code i}'s whole queue: the first buffer index (follow {@link #nextPending}), or -1. */
    public int detach(int i) {
        int p = pendingHead[i];
        pendingHead[i] = NONE;
        pendingTail[i] = NONE;
        pendingCount[i] = 0;
        return p;
    }

    /** The buffer after {@code p} in a detached queue, or -1. */
    public int nextPending(int p) {
        return poolNext[p];
    }

    /** Returns buffer {@code p} to the pool. */
    public void free(int p) {
        poolNext[p] = freeHead;
        freeHead = p;
    }

    /** Removes slot {@code i} (its queue must be empty), shifting later colliding entries back. */
    public void remove(int i) {
        count--;
        int hole = i;
        for (int j = (i + 1) & mask; state[j] != FREE; j = (j + 1) & mask) {
            int home = slot(address[j]);
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                move(j, hole);
                hole = j;
            }
        }
        state[hole] = FREE;
        address[hole] = 0;
    }

    /** The number of slots, for iteration: a slot is in use if {@link #state} is not FREE. */
    public int capacity() {
        return mask + 1;
    }

    /** Entries in use. */
    public int size() {
        return count;
    }

    /** The state of slot {@code i}. */
    public byte state(int i) {
        return state[i];
    }

    /** The address of slot {@code i}. */
    public int address(int i) {
        return address[i];
    }

    /** The MAC of slot {@code i} (meaningful when reachable). */
    public long mac(int i) {
        return mac[i];
    }

    /** The deadline of slot {@code i}. */
    public long deadline(int i) {
        return deadline[i];
    }

    /** Requests sent for slot {@code i} in the current resolution. */
    public int requests(int i) {
        return requests[i];
    }

    /** Datagrams waiting on slot {@code i}. */
    public int pending(int i) {
        return pendingCount[i];
    }

    /** The buffer of pool entry {@code p}. */
    public byte[] buffer(int p) {
        return pool[p];
    }

    /** The datagram length in pool entry {@code p}. */
    public int bufferLength(int p) {
        return poolLength[p];
    }

    private void move(int from, int to) {
        address[to] = address[from];
        mac[to] = mac[from];
        state[to] = state[from];
        deadline[to] = deadline[from];
        refreshAt[to] = refreshAt[from];
        requests[to] = requests[from];
        pendingHead[to] = pendingHead[from];
        pendingTail[to] = pendingTail[from];
        pendingCount[to] = pendingCount[from];
    }

    private int slot(int ip) {
        return (ip * 0x9E3779B9) >>> 16 & mask;
    }
}
