package masq.engine.nat;

import java.util.Arrays;

/**
 * Expiry of entries numbered 0..capacity-1, in whole seconds on the engine's clock: a wheel of
 * one-second slots, each a doubly linked list threaded through primitive arrays. A refresh only
 * stores the new expiry time (one write per packet); an entry is moved when its slot comes round
 * and it turns out to live longer, or at once when its expiry moves earlier. Entries further out
 * than the wheel's span simply go round again.
 */
final class TimerWheel {
    /** Receives expired entries; called on the engine thread from {@link #advance}. */
    interface Expiry {
        void expire(int entry);
    }

    static final int SLOTS = 1 << 13;
    private static final int MASK = SLOTS - 1;
    private static final int NONE = -1;
    /** {@link #filedAt} of an entry in no slot list. */
    private static final int UNLINKED = Integer.MIN_VALUE;
    private final int[] heads = new int[SLOTS];
    private final int[] next;
    private final int[] prev;
    /** When each entry expires. */
    private final int[] expiry;
    /** The time whose slot each entry is linked in; an expiry earlier than it forces a move. */
    private final int[] filedAt;
    private int now;

    TimerWheel(int capacity, int startSeconds) {
        Arrays.fill(heads, NONE);
        next = new int[capacity];
        prev = new int[capacity];
        expiry = new int[capacity];
        filedAt = new int[capacity];
        Arrays.fill(filedAt, UNLINKED);
        now = startSeconds;
    }

    int now() {
        return now;
    }

    int expiry(int entry) {
        return expiry[entry];
    }

    /** Starts timing {@code entry}, expiring at {@code at}. */
    void schedule(int entry, int at) {
        expiry[entry] = at;
        link(entry, Math.max(at, now + 1));
    }

    /** Moves {@code entry}'s expiry to {@code at}. */
    void touch(int entry, int at) {
        expiry[entry] = at;
        if (at < filedAt[entry] || filedAt[entry] == UNLINKED) {
            unlink(entry);
            link(entry, Math.max(at, now + 1));
        }
    }

    /** Stops timing {@code entry}. */
    void cancel(int entry) {
        unlink(entry);
    }

    /** Moves the clock to {@code to}, expiring every entry whose time has come. */
    void advance(int to, Expiry sink) {
        if (to - now > SLOTS) {
            now = to - SLOTS;
        }
        while (now < to) {
            now++;
            int slot = now & MASK;
            int e = heads[slot];
            heads[slot] = NONE;
            while (e != NONE) {
                int following = next[e];
                filedAt[e] = UNLINKED;
                if (expiry[e] <= now) {
                    sink.expire(e);
                } else {
                    link(e, expiry[e]);
                }
                e = following;
            }
        }
    }

    private void link(int entry, int at) {
        int slot = at & MASK;
        int head = heads[slot];
        next[entry] = head;
        prev[entry] = NONE;
        if (head != NONE) {
            prev[head] = entry;
        }
        heads[slot] = entry;
        filedAt[entry] = at;
    }

    private void unlink(int entry) {
        if (filedAt[entry] == UNLINKED) {
            return;
        }
        int n = next[entry];
        int p = prev[entry];
        if (p != NONE) {
            next[p] = n;
        } else {
            heads[filedAt[entry] & MASK] = n;
        }
        if (n != NONE) {
            prev[n] = p;
        }
        filedAt[entry] = UNLINKED;
    }
}
