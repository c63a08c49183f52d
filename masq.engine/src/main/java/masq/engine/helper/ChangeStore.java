package masq.engine.helper;

import java.util.Arrays;

/**
 * The changes of one {@link MessageStream}, each an original range and the bytes that replaced
 * it: those of the current segment, which the message layer turns into sequence records, and
 * every one the receiver has not acknowledged yet, whose output a retransmission repeats. Bounded
 * by {@link #MAX_REMEMBERED} and {@link #MAX_REMEMBERED_BYTES}; the arrays grow on demand up to
 * them. Engine thread only.
 */
final class ChangeStore {
    /** Changes remembered for retransmissions, until acknowledged. */
    static final int MAX_REMEMBERED = 256;
    /** Replacement bytes remembered for retransmissions, until acknowledged. */
    static final int MAX_REMEMBERED_BYTES = 65536;

    // Remembered changes, oldest first: original [start, end) became the bytes at store[from, from + length).
    private int[] start = new int[8];
    private int[] end = new int[8];
    private int[] from = new int[8];
    private int[] length = new int[8];
    private int remembered;
    private byte[] store = new byte[256];
    private int stored;

    // The changes of the current segment (segment offsets, replacement lengths), for sequence records.
    private int[] changeStart = new int[8];
    private int[] changeEnd = new int[8];
    private int[] changeLength = new int[8];
    private int changes;

    /** A new segment: it has no changes yet. */
    void newSegment() {
        changes = 0;
    }

    /** @return the number of new changes in the current segment */
    int changeCount() {
        return changes;
    }

    /** @return the segment offset where new change {@code i} starts */
    int changeStart(int i) {
        return changeStart[i];
    }

    /** @return the segment offset where new change {@code i} ends */
    int changeEnd(int i) {
        return changeEnd[i];
    }

    /** @return the length of new change {@code i}'s replacement */
    int changeLength(int i) {
        return changeLength[i];
    }

    /** @return the number of changes remembered now */
    int remembered() {
        return remembered;
    }

    /** @return the original sequence number where remembered change {@code i} starts */
    int start(int i) {
        return start[i];
    }

    /** @return the original sequence number where remembered change {@code i} ends */
    int end(int i) {
        return end[i];
    }

    /** @return the length of remembered change {@code i}'s replacement */
    int length(int i) {
        return length[i];
    }

    /** Copies {@code n} bytes of remembered change {@code i}'s replacement, {@code at} bytes in, to {@code b[off]}. */
    void copy(int i, int at, byte[] b, int off, int n) {
        System.arraycopy(store, from[i] + at, b, off, n);
    }

    /** @return whether one more change, of up to {@code worst} replacement bytes, can be remembered */
    boolean room(int worst) {
        return remembered < MAX_REMEMBERED && stored + worst <= MAX_REMEMBERED_BYTES;
    }

    /**
     * A change of the current segment, whose first byte has original sequence number {@code seq}:
     * its offsets {@code [a, z)} became the {@code n} bytes at {@code b[off]}. Reported for the
     * segment and remembered for retransmissions.
     */
    void add(int seq, int a, int z, byte[] b, int off, int n) {
        if (changes == changeStart.length) {
            changeStart = Arrays.copyOf(changeStart, 2 * changes);
            changeEnd = Arrays.copyOf(changeEnd, 2 * changes);
            changeLength = Arrays.copyOf(changeLength, 2 * changes);
        }
        changeStart[changes] = a;
        changeEnd[changes] = z;
        changeLength[changes] = n;
        changes++;
        remember(seq + a, seq + z, b, off, n);
    }

    private void remember(int s, int e, byte[] b, int off, int n) {
        if (remembered == start.length) {
            int cap = Math.min(MAX_REMEMBERED, 2 * remembered);
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
            from = Arrays.copyOf(from, cap);
            length = Arrays.copyOf(length, cap);
        }
        if (stored + n > store.length) {
            store = Arrays.copyOf(store, Math.min(MAX_REMEMBERED_BYTES, Math.max(stored + n, 2 * store.length)));
        }
        start[remembered] = s;
        end[remembered] = e;
        from[remembered] = stored;
        length[remembered] = n;
        System.arraycopy(b, off, store, stored, n);
        stored += n;
        remembered++;
    }

    /** The receiver acknowledged every byte before {@code originalAck}: forget the changes that covers. */
    void forget(int originalAck) {
        int n = 0;
        // an insertion at the acknowledged point may not have arrived: the number is the same either way
        while (n < remembered && (end[n] - originalAck < 0 || (end[n] == originalAck && start[n] != end[n]))) {
            n++;
        }
        if (n == 0) {
            return;
        }
        int bytes = n == remembered ? stored : from[n];
        System.arraycopy(store, bytes, store, 0, stored - bytes);
        stored -= bytes;
        remembered -= n;
        System.arraycopy(start, n, start, 0, remembered);
        System.arraycopy(end, n, end, 0, remembered);
        System.arraycopy(length, n, length, 0, remembered);
        for (int i = 0; i < remembered; i++) {
            from[i] = from[i + n] - bytes;
        }
    }

    /** Forgets every remembered change: the stream is not followed any more. */
    void clear() {
        remembered = 0;
        stored = 0;
    }
}
