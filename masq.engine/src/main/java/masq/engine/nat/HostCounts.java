package masq.engine.nat;

/**
 * Sessions per inside host, for the per-host limit (RFC 6888 REQ-4, REQ-5). A fixed number of
 * hosts is tracked; a host leaves the table when its last session ends.
 */
final class HostCounts {
    private static final int NONE = -1;
    private final int[] address;
    private final int[] sessions;
    private final int[] nextFree;
    private int freeHead;
    private final OpenIndex index;

    HostCounts(int capacity) {
        address = new int[capacity];
        sessions = new int[capacity];
        nextFree = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            nextFree[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        index = new OpenIndex(capacity);
    }

    private int find(int host) {
        int hash = OpenIndex.hash(host, 0, 0);
        for (int i = index.first(hash); ; i = index.next(i)) {
            int e = index.entryAt(i);
            if (e < 0) {
                return NONE;
            }
            if (address[e] == host) {
                return e;
            }
        }
    }

    /** Sessions of {@code host} now. */
    int sessions(int host) {
        int e = find(host);
        return e == NONE ? 0 : sessions[e];
    }

    /** True if the host table has room for {@code host} (present or a free entry). */
    boolean canTrack(int host) {
        return freeHead != NONE || find(host) != NONE;
    }

    /** Counts one more session of {@code host}; the caller has checked {@link #canTrack}. */
    void increment(int host) {
        int e = find(host);
        if (e == NONE) {
            e = freeHead;
            freeHead = nextFree[e];
            address[e] = host;
            sessions[e] = 0;
            index.insert(OpenIndex.hash(host, 0, 0), e);
        }
        sessions[e]++;
    }

    /** Counts one session of {@code host} less. */
    void decrement(int host) {
        int e = find(host);
        if (e != NONE && --sessions[e] == 0) {
            index.remove(OpenIndex.hash(host, 0, 0), e);
            nextFree[e] = freeHead;
            freeHead = e;
        }
    }
}
