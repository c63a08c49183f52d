package masq.engine.nat;

import java.util.Arrays;

/**
 * The TCP sessions that are over (both FINs seen, TIME_WAIT, or reset, CLOSE), least recently used
 * first: the only sessions whose binding {@link FlowTable} may reclaim when a port range runs out.
 * An intrusive doubly linked list over session numbers, so joining, leaving and moving to the tail
 * cost a few array writes and nothing is allocated.
 *
 * <p>Engine thread only; fixed memory (8 bytes per session slot).
 */
final class ClosedSessions {
    static final int NONE = -1;
    /** {@link #prev} of a session not in the list. */
    private static final int UNLINKED = -2;
    private final int[] next;
    private final int[] prev;
    private int head = NONE;
    private int tail = NONE;

    ClosedSessions(int capacity) {
        next = new int[capacity];
        prev = new int[capacity];
        Arrays.fill(prev, UNLINKED);
    }

    /** The least recently used closed session, or NONE. */
    int head() {
        return head;
    }

    /** The closed session used after {@code s}, or NONE. */
    int next(int s) {
        return next[s];
    }

    boolean contains(int s) {
        return prev[s] != UNLINKED;
    }

    /** Puts {@code s} at the most recently used end, joining the list if it was not in it. */
    void touch(int s) {
        if (s == tail) {
            return;
        }
        remove(s);
        next[s] = NONE;
        prev[s] = tail;
        if (tail == NONE) {
            head = s;
        } else {
            next[tail] = s;
        }
        tail = s;
    }

    /** Takes {@code s} out of the list; nothing happens if it is not in it. */
    void remove(int s) {
        int p = prev[s];
        if (p == UNLINKED) {
            return;
        }
        int n = next[s];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
        prev[s] = UNLINKED;
    }

    /** Closed sessions examined per reclaim: bounds the work of one packet when many are not reclaimable. */
    static final int MAX_RECLAIM_SCAN = 64;

    /**
     * The binding of the least recently used closed session whose binding holds a port of the masq
     * range and has only closed sessions without a helper, looking at most {@link #MAX_RECLAIM_SCAN}
     * sessions; or NONE.
     */
    int reclaimableBinding(Sessions sessions, Bindings bindings) {
        int s = head;
        for (int n = 0; n < MAX_RECLAIM_SCAN && s != NONE; n++, s = next[s]) {
            int b = sessions.binding[s];
            if (bindings.inRange(b) && allClosed(b, sessions, bindings)) {
                return b;
            }
        }
        return NONE;
    }

    /**
     * The least recently used closed session without a helper, not of binding {@code keep}, and of
     * inside host {@code host} unless it is 0, looking at most {@link #MAX_RECLAIM_SCAN}; or NONE.
     */
    int reclaimableSession(Sessions sessions, Bindings bindings, int host, int keep) {
        int s = head;
        for (int n = 0; n < MAX_RECLAIM_SCAN && s != NONE; n++, s = next[s]) {
            int b = sessions.binding[s];
            if (b != keep && sessions.helper[s] == FlowHook.NO_HELPER
                    && (host == 0 || bindings.insideAddress[b] == host)) {
                return s;
            }
        }
        return NONE;
    }

    /** True if every session of binding {@code b} is closed and has no helper. */
    private static boolean allClosed(int b, Sessions sessions, Bindings bindings) {
        for (int s = bindings.firstSession[b]; s != Sessions.NONE; s = sessions.nextInBinding(s)) {
            if (!TcpState.closed(sessions.tcpState[s]) || sessions.helper[s] != FlowHook.NO_HELPER) {
                return false;
            }
        }
        return true;
    }
}
