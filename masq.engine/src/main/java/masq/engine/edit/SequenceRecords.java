package masq.engine.edit;

/**
 * The length changes made to one direction of one TCP connection, in the sender's original
 * sequence space (protocols.md §2.4): for each resized segment its original start and end and the
 * cumulative delta that applies from its end on. A sequence number is translated by the delta of
 * the greatest end at or before it; an acknowledgment (or SACK edge) coming back is translated by
 * the same records seen from the receiver's side, keyed by translated end. Unlike Linux 2.2 and
 * netfilter, which remember two generations, the last {@link #MAX_CHANGES} changes are kept, so a
 * retransmission or a late acknowledgment from before any of them gets the delta it had.
 *
 * <p>Comparisons are modular (RFC 1982 serial numbers over 32 bits): records stay within a window
 * because those far behind the acknowledged point collapse into {@link #floorDelta()}.
 *
 * <p>Engine thread only.
 */
public final class SequenceRecords {
    /**
     * The most changes kept per direction. A segment helper records one per resized segment; the
     * message layer one per run of changed bytes (50 pipelined commands in one segment are one
     * run, a command split over three segments three). The arrays grow to this bound as needed.
     * At the bound the oldest collapses into the floor delta if the peer has acknowledged it (only a
     * retransmission of acknowledged data, which the receiver discards, would notice); if it has
     * not, a further length change is refused rather than risk a wrong delta.
     */
    public static final int MAX_CHANGES = 1024;
    /** The changes room is made for at first; the arrays grow up to {@link #MAX_CHANGES}. */
    private static final int INITIAL_CHANGES = 16;

    /**
     * How far behind the acknowledged point a change is kept: a quarter of the sequence space,
     * far beyond any window (RFC 7323 allows 2^30 with window scaling), well within the 2^31 that
     * serial-number comparison needs.
     */
    public static final int ACK_HORIZON = 1 << 30;

    /** Original sequence number of the first byte of each resized segment, oldest first. */
    private int[] start = new int[INITIAL_CHANGES];
    /** Original sequence number just after each resized segment ({@code start} + original length). */
    private int[] end = new int[INITIAL_CHANGES];
    /** The cumulative delta for sequence numbers at or after {@code end}. */
    private int[] delta = new int[INITIAL_CHANGES];
    private int count;
    /** The delta of the changes collapsed so far (acknowledged by the peer, or evicted). */
    private int floorDelta;
    /** The greatest {@code end} ever recorded, moved up by acknowledgments once all records collapsed. */
    private int highEnd;
    private boolean changed;
    /** The highest acknowledgment the peer sent (original numbering), once {@code anyAck}. */
    private int highestAck;
    private boolean anyAck;

    /** @return whether any length change was ever recorded */
    public boolean changed() {
        return changed;
    }

    /** @return the number of changes kept */
    public int count() {
        return count;
    }

    /** @return the delta of the changes already collapsed */
    public int floorDelta() {
        return floorDelta;
    }

    /**
     * @return the delta to add to the original sequence number {@code seq}: that of the last change
     *         ending at or before it; inside a change, the byte at the same distance into the
     *         replacement (or the replacement's end, when it is shorter). An insertion (a change of
     *         no original bytes) at {@code seq} belongs to the segment starting there, so it is not
     *         counted for {@code seq} itself.
     */
    public int delta(int seq) {
        for (int i = count - 1; i >= 0; i--) {
            int before = deltaBefore(i);
            boolean empty = start[i] == end[i];
            if (end[i] - seq < 0 || (end[i] == seq && !empty)) {
                return delta[i];
            }
            if (seq - start[i] > 0) {
                int replacement = end[i] - start[i] + delta[i] - before;
                return before + Math.min(0, replacement - (seq - start[i]));
            }
        }
        return floorDelta;
    }

    /** @return whether {@link #record} can take one more change at the stream's end now */
    public boolean canRecord() {
        return count < MAX_CHANGES || isAcknowledged(0);
    }

    /**
     * Translates an acknowledgment (or SACK edge) the receiver sent in translated numbering back to
     * the sender's original numbering. A value inside a rewritten segment (a partial acknowledgment
     * of it) maps to that segment's start: the sender then retransmits the whole segment, which is
     * rewritten again the same way, rather than believing bytes acknowledged that never arrived.
     */
    public int toOriginal(int translated) {
        for (int i = count - 1; i >= 0; i--) {
            if (end[i] + delta[i] - translated <= 0) {
                return translated - delta[i];
            }
            if (translated - (start[i] + deltaBefore(i)) > 0) {
                return start[i];
            }
        }
        return translated - floorDelta;
    }

    /**
     * Records that the segment at original sequence number {@code seq} now carries
     * {@code newLength} bytes instead of {@code originalLength}.
     *
     * @return true if recorded, or if it repeats a recorded change exactly (a retransmission);
     *         false if it would change a segment from before the last change in another way
     *         (reordered or resegmented data: already sent segments would become inconsistent), or
     *         if {@link #MAX_CHANGES} changes are kept and the oldest is not yet acknowledged
     */
    public boolean record(int seq, int originalLength, int newLength) {
        int diff = newLength - originalLength;
        if (diff == 0) {
            return true;
        }
        int segmentEnd = seq + originalLength;
        if (changed && seq - highEnd < 0) {
            int i = find(seq, segmentEnd);
            return i >= 0 && delta[i] - deltaBefore(i) == diff;
        }
        if (count == MAX_CHANGES) {
            if (!isAcknowledged(0)) {
                return false;
            }
            collapse(1);
        }
        if (count == start.length) {
            int capacity = Math.min(MAX_CHANGES, 2 * count);
            start = java.util.Arrays.copyOf(start, capacity);
            end = java.util.Arrays.copyOf(end, capacity);
            delta = java.util.Arrays.copyOf(delta, capacity);
        }
        int base = count == 0 ? floorDelta : delta[count - 1];
        start[count] = seq;
        end[count] = segmentEnd;
        delta[count] = base + diff;
        count++;
        highEnd = segmentEnd;
        changed = true;
        return true;
    }

    /**
     * @return whether a change of {@code diff} bytes to the segment at {@code seq} would be accepted
     *         by {@link #record}; changes nothing
     */
    public boolean accepts(int seq, int originalLength, int diff) {
        if (diff == 0 || !changed) {
            return true;
        }
        if (seq - highEnd >= 0) {
            return count < MAX_CHANGES || isAcknowledged(0);
        }
        int i = find(seq, seq + originalLength);
        return i >= 0 && delta[i] - deltaBefore(i) == diff;
    }

    /**
     * The peer acknowledged everything before {@code originalAck} (original numbering). Changes
     * stay while a late duplicate acknowledgment or retransmission might still need them, and
     * collapse into the floor delta once they are {@link #ACK_HORIZON} behind the acknowledgment
     * (so that modular comparisons stay within half the number space) or evicted by newer ones.
     */
    public void acknowledged(int originalAck) {
        if (!anyAck || originalAck - highestAck > 0) {
            highestAck = originalAck;
            anyAck = true;
        }
        int n = 0;
        while (n < count && end[n] - (originalAck - ACK_HORIZON) <= 0) {
            n++;
        }
        collapse(n);
        if (count == 0 && changed && originalAck - highEnd > 0) {
            highEnd = originalAck;
        }
    }

    /** @return whether the peer has acknowledged all of change {@code i} */
    private boolean isAcknowledged(int i) {
        return anyAck && end[i] - highestAck <= 0;
    }

    private void collapse(int n) {
        if (n == 0) {
            return;
        }
        floorDelta = delta[n - 1];
        count -= n;
        System.arraycopy(start, n, start, 0, count);
        System.arraycopy(end, n, end, 0, count);
        System.arraycopy(delta, n, delta, 0, count);
    }

    private int deltaBefore(int i) {
        return i == 0 ? floorDelta : delta[i - 1];
    }

    private int find(int seq, int segmentEnd) {
        for (int i = count - 1; i >= 0; i--) {
            if (start[i] == seq && end[i] == segmentEnd) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("floor ").append(floorDelta);
        for (int i = 0; i < count; i++) {
            s.append(", [").append(Integer.toUnsignedString(start[i])).append(',')
                    .append(Integer.toUnsignedString(end[i])).append(")→").append(delta[i]);
        }
        return s.toString();
    }
}
