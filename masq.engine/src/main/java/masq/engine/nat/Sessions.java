package masq.engine.nat;

/**
 * The sessions of the bindings: one per (binding, remote address, remote port) an inside endpoint
 * has talked with, the rows of {@code masq:table}. A session carries the TCP state, the expiry
 * (in the {@link TimerWheel}), the helper slot and the filter memory: the filtering modes ask
 * whether a session with the remote exists. Keyed once, by (binding, remote): the binding stands
 * for both the inside tuple and the gateway port, so the same key serves both directions.
 *
 * <p>Engine thread only; fixed memory.
 */
final class Sessions {
    static final int NONE = -1;
    /** No helper attached (the {@link #helper} slot's empty value). */
    static final int NO_HELPER = -1;

    final int[] binding;
    final int[] remoteAddress;
    final char[] remotePort;
    /** {@link TcpState} bits for TCP, unused otherwise. */
    final byte[] tcpState;
    /** {@link TcpWindow}'s sequence tracking for TCP, {@link TcpWindow#STRIDE} ints per session. */
    final int[] tcpWindow;
    /** The helper index a {@link FlowHook} chose at creation, or NO_HELPER. */
    final int[] helper;
    /** A number never reused, for the console and the helper API. */
    final long[] id;
    private final int[] nextInBinding;
    private final int[] prevInBinding;
    private final int[] nextFree;
    private int freeHead;
    private int count;
    private long lastId;
    private final OpenIndex index;
    final TimerWheel wheel;

    Sessions(int capacity, int startSeconds) {
        binding = new int[capacity];
        remoteAddress = new int[capacity];
        remotePort = new char[capacity];
        tcpState = new byte[capacity];
        tcpWindow = new int[capacity * TcpWindow.STRIDE];
        helper = new int[capacity];
        id = new long[capacity];
        nextInBinding = new int[capacity];
        prevInBinding = new int[capacity];
        nextFree = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            nextFree[i] = i + 1 < capacity ? i + 1 : NONE;
            binding[i] = NONE;
        }
        index = new OpenIndex(capacity);
        wheel = new TimerWheel(capacity, startSeconds);
    }

    int count() {
        return count;
    }

    /** The number of session slots, live or free. */
    int capacity() {
        return binding.length;
    }

    /** True if slot {@code s} holds a live session. */
    boolean live(int s) {
        return binding[s] != NONE;
    }

    boolean full() {
        return freeHead == NONE;
    }

    /** The session of {@code b} with a remote endpoint, or NONE. */
    int find(int b, int address, int port) {
        int hash = OpenIndex.hash(b, address, port);
        for (int i = index.first(hash); ; i = index.next(i)) {
            int s = index.entryAt(i);
            if (s < 0) {
                return NONE;
            }
            if (index.hashAt(i) == hash && binding[s] == b && remoteAddress[s] == address
                    && remotePort[s] == port) {
                return s;
            }
        }
    }

    /** True if {@code b} has a session with {@code address} on any port (address-dependent filter). */
    boolean hasAddress(int b, int address, Bindings bindings) {
        for (int s = bindings.firstSession[b]; s != NONE; s = nextInBinding[s]) {
            if (remoteAddress[s] == address) {
                return true;
            }
        }
        return false;
    }

    /** The session after {@code s} in its binding's list, or NONE. */
    int nextInBinding(int s) {
        return nextInBinding[s];
    }

    /** A new session expiring at {@code expiry}; the caller has checked {@link #full}. */
    int create(int b, int address, int port, int expiry, Bindings bindings) {
        int s = freeHead;
        freeHead = nextFree[s];
        binding[s] = b;
        remoteAddress[s] = address;
        remotePort[s] = (char) port;
        tcpState[s] = 0;
        TcpWindow.reset(tcpWindow, s);
        helper[s] = NO_HELPER;
        id[s] = ++lastId;
        int head = bindings.firstSession[b];
        nextInBinding[s] = head;
        prevInBinding[s] = NONE;
        if (head != NONE) {
            prevInBinding[head] = s;
        }
        bindings.firstSession[b] = s;
        index.insert(OpenIndex.hash(b, address, port), s);
        wheel.schedule(s, expiry);
        count++;
        return s;
    }

    /** Gives live session {@code s} a new id and no helper: it carries a new connection. */
    void renew(int s) {
        helper[s] = NO_HELPER;
        id[s] = ++lastId;
    }

    /** Frees a session; its binding may be left without sessions. */
    void remove(int s, Bindings bindings) {
        int b = binding[s];
        index.remove(OpenIndex.hash(b, remoteAddress[s], remotePort[s]), s);
        int n = nextInBinding[s];
        int p = prevInBinding[s];
        if (p == NONE) {
            bindings.firstSession[b] = n;
        } else {
            nextInBinding[p] = n;
        }
        if (n != NONE) {
            prevInBinding[n] = p;
        }
        wheel.cancel(s);
        binding[s] = NONE;
        nextFree[s] = freeHead;
        freeHead = s;
        count--;
    }
}
