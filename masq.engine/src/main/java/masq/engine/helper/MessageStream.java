package masq.engine.helper;

import masq.api.Framing;
import masq.engine.helper.Framer.Phase;

/**
 * One direction of a TCP connection cut into messages by a {@link Framing}: the message layer of
 * {@link masq.api.MessageHelper}. It is given each segment's payload with the sender's original
 * sequence number and produces what leaves instead: bytes passed as they came, messages the
 * {@link Sink} rewrote, bytes held back because they start a message not yet complete, and held
 * bytes given back. It knows nothing of packets; {@link MessageLayer} applies its output.
 *
 * <p>What it guarantees, in the sender's sequence space ({@code next} is the first byte not yet
 * consumed):
 * <ul>
 * <li>each complete message is given to the sink once, in order; bytes before {@code next}
 *     (retransmissions) are not: the output they were given is repeated from {@link ChangeStore
 *     remembered changes}, also for a retransmission cut differently (a byte inside a change
 *     maps to the byte at the same distance into its replacement, or to its end);</li>
 * <li>a segment starting beyond {@code next} is refused ({@link #GAP}); nothing is consumed;</li>
 * <li>every difference between input and output is one change (an original range and its
 *     replacement), reported for the segment in {@link #changeCount()} and remembered until the
 *     receiver acknowledges it ({@link #acknowledged}), so that sequence numbers can be
 *     translated and retransmissions repeated;</li>
 * <li>when a change cannot be taken (no room in the packet, too many unacknowledged changes) the
 *     segment is cut before it ({@link #cut()}), {@code next} stays there, and the sender's
 *     retransmission brings the rest again.</li>
 * </ul>
 * Memory is bounded: a held message by the framing's maximum, remembered changes by
 * {@link ChangeStore#MAX_REMEMBERED} and {@link ChangeStore#MAX_REMEMBERED_BYTES}; buffers grow on
 * demand. The framing's rules are a {@link Framer}, the segment at hand and the held bytes a
 * {@link SegmentCursor}, the changes a {@link ChangeStore}: each made once, with the stream.
 * Engine thread only; no allocation once the buffers have grown.
 */
final class MessageStream {
    /** {@link #segment}: the output equals the input. */
    static final int UNCHANGED = 0;
    /** {@link #segment}: the output is in the buffer given, {@link #outputLength()} bytes. */
    static final int CHANGED = 1;
    /** {@link #segment}: the segment starts beyond a gap and must be dropped. */
    static final int GAP = 2;

    /** What the stream asks of its helper and its connection. */
    interface Sink {
        /**
         * A complete message at {@code b[off]}, {@code len} bytes, whose first byte has original
         * sequence number {@code seq}. Writes the replacement at {@code out[at]} (at most
         * {@code len + HelperContext.MAX_GROWTH_PER_PACKET} bytes) and returns its length, or
         * returns {@link #AS_IS} to leave the message as it is.
         */
        int message(byte[] b, int off, int len, int seq, byte[] out, int at);

        /** The direction's first bytes, for the helper's prologue. */
        void prologue(byte[] b, int off, int len);

        /** The layer refused something on the helper's behalf (a reason of {@link Framing}). */
        void refused(String reason);

        /** @return whether the connection can take one more length change now */
        boolean room();
    }

    /** {@link Sink#message}: leave the message unchanged. */
    static final int AS_IS = -1;

    private final Framing framing;
    /** The framing's rules; null without a framing (the phase is always OFF) or before a choice. */
    private Framer framer;
    /** A choice's two branches' rules (null: pass), until the first new bytes choose one. */
    private Framer then;
    private Framer otherwise;
    private final ChangeStore changes = new ChangeStore();
    /** The segment at hand and the bytes held back; the framer works on it too. */
    private final SegmentCursor c;
    private boolean started;
    /** Original sequence number of the first byte not yet consumed. */
    private int next;
    /** Held bytes to give back at the next new byte (after {@link #release()}). */
    private boolean releasePending;
    private byte[] prologue;
    private int prologueLength;
    private boolean prologueDone;
    private boolean abandoned;
    /** The highest acknowledgment the receiver sent, in the sender's numbering, once {@code receiverAcked}. */
    private int receiverAck;
    private boolean receiverAcked;
    /** The receiver's last advertised window (the raw field). */
    private int receiverWindow = 1024;
    /** The receiver's last TCP timestamp value (RFC 7323), once {@code receiverStamps}. */
    private int receiverTsVal;
    private boolean receiverStamps;
    /** The last segment gave back bytes held for a helper that is gone, or before a FIN. */
    private boolean released;

    /** @param framing the direction's framing; null to pass everything (retransmissions still repeat) */
    MessageStream(Framing framing) {
        this.framing = framing;
        this.c = new SegmentCursor(framing, changes);
        if (framing != null && framing.kind() == Framing.Kind.CHOICE) {
            this.then = framer(framing.then(), c);
            this.otherwise = framer(framing.otherwise(), c);
        } else {
            this.framer = framer(framing, c);
        }
        c.phase = framing == null ? Phase.OFF : Phase.START;
        this.prologueDone = framing == null || framing.prologueLength() == 0;
    }

    /**
     * Processes one segment's payload.
     *
     * @param segmentSeq the sender's original sequence number of {@code b[off]}
     * @param fin        whether the segment ends the stream: held bytes are given back at its end
     * @param output     where a changed payload is written
     * @param maxOutput  the most bytes the payload may grow to
     * @return {@link #UNCHANGED}, {@link #CHANGED} or {@link #GAP}
     */
    int segment(int segmentSeq, byte[] b, int off, int len, boolean fin, byte[] output, int maxOutput, Sink s) {
        if (abandoned) {
            return UNCHANGED;
        }
        if (!started) {
            started = true;
            next = segmentSeq;
        }
        int ahead = segmentSeq - next;
        if (ahead > 0) {
            return GAP;
        }
        c.begin(b, off, segmentSeq, output, maxOutput, s);
        released = false;
        int old = (int) Math.min(len, -(long) ahead);
        c.replay(old, fin && old == len);
        if (old < len) {
            next = segmentSeq + len;
            if (!prologueDone) {
                collectPrologue(old, len);
            }
            if (releasePending && c.heldLength > 0) {
                released = c.giveBack();
            }
            releasePending = false;
            frame(len);
        }
        if (fin && !c.cut && c.heldLength > 0 && c.giveBack()) {
            released = true;
            c.phase = c.phase == Phase.HOLD ? Phase.START : c.phase;
        }
        if (c.cut) {
            // nothing is consumed once the segment is cut: the sender sends the rest again
            next = segmentSeq + c.pos;
        }
        return c.end(len) ? CHANGED : UNCHANGED;
    }

    /** @return the length of the output of the last {@link #segment} call */
    int outputLength() {
        return c.w;
    }

    /** @return whether the last segment gave back held bytes unchanged (helper gone, or FIN) */
    boolean released() {
        return released;
    }

    /** @return whether the last segment was cut before a change that could not be taken */
    boolean cut() {
        return c.cut;
    }

    /** @return the number of new changes in the last segment */
    int changeCount() {
        return changes.changeCount();
    }

    /** @return the segment offset where new change {@code i} starts */
    int changeStart(int i) {
        return changes.changeStart(i);
    }

    /** @return the segment offset where new change {@code i} ends */
    int changeEnd(int i) {
        return changes.changeEnd(i);
    }

    /** @return the length of new change {@code i}'s replacement */
    int changeLength(int i) {
        return changes.changeLength(i);
    }

    /**
     * @return whether the sender must be told that the bytes held back arrived: the receiver has
     *         acknowledged everything before them, so it has nothing left to acknowledge and will
     *         not answer, while the sender, seeing no acknowledgment, would stop sending (its
     *         congestion window after a timeout) and the message would never complete. When bytes
     *         the receiver has not acknowledged precede them, its acknowledgment of those covers the
     *         held bytes too (the sequence records map it past them). Not while the receiver's
     *         window is closed: the bytes would be acknowledged beyond it (a window probe).
     */
    boolean heldNeedsAck() {
        return c.heldLength > 0 && receiverAcked && receiverAck - c.heldSeq >= 0
                && c.heldSeq + c.heldLength == next && receiverWindow != 0;
    }

    /** @return the first byte not yet consumed, in the sender's numbering */
    int next() {
        return next;
    }

    /** The receiver sent a segment with timestamp value {@code tsVal}. */
    void receiverTimestamp(int tsVal) {
        receiverTsVal = tsVal;
        receiverStamps = true;
    }

    /** @return whether the receiver's segments carry timestamps */
    boolean receiverStamps() {
        return receiverStamps;
    }

    /** @return the receiver's last timestamp value */
    int receiverTsVal() {
        return receiverTsVal;
    }

    /** @return the receiver's last advertised window */
    int receiverWindow() {
        return receiverWindow;
    }

    /** @return the bytes held back now */
    int heldLength() {
        return c.heldLength;
    }

    /** @return the number of changes remembered now */
    int rememberedCount() {
        return changes.remembered();
    }

    /**
     * The helper is gone (withdrawn, or the connection taken from it): frame no more, give held
     * bytes back with the next new byte or the FIN.
     */
    void release() {
        c.phase = Phase.OFF;
        releasePending = c.heldLength > 0;
    }

    /**
     * Bytes went by that the stream cannot see (an IP fragment): stop following it. Held bytes
     * cannot be placed any more and are lost with the message they began; everything passes.
     */
    void abandon() {
        abandoned = true;
        c.phase = Phase.OFF;
        c.heldLength = 0;
        changes.clear();
    }

    /** @return whether messages are still being framed */
    boolean framing() {
        return c.phase != Phase.OFF;
    }

    /**
     * The receiver acknowledged every byte before {@code originalAck} (the sender's numbering) and
     * advertised {@code window}: forget the changes the acknowledgment covers.
     */
    void acknowledged(int originalAck, int window) {
        receiverWindow = window;
        if (started && originalAck - next > 0) {
            return;
        }
        if (!receiverAcked || originalAck - receiverAck > 0) {
            receiverAck = originalAck;
            receiverAcked = true;
        }
        if (!started) {
            return;
        }
        changes.forget(originalAck);
    }

    private void collectPrologue(int i, int len) {
        int n = framing.prologueLength();
        if (prologue == null) {
            prologue = new byte[n];
        }
        int lf = -1;
        while (i < len && prologueLength < n && lf < 0) {
            byte ch = c.in[c.inOff + i++];
            prologue[prologueLength++] = ch;
            lf = ch == '\n' ? 0 : -1;
        }
        if (lf == 0 || prologueLength == n) {
            prologueDone = true;
            c.sink.prologue(prologue, 0, prologueLength);
        }
    }

    private static Framer framer(Framing framing, SegmentCursor c) {
        return framing == null ? null : switch (framing.kind()) {
            case LINES -> new LineFramer(framing, c);
            case RECORDS -> new RecordFramer(framing, c);
            case HEADERS -> new HeaderFramer(framing, c);
            case SEGMENTS -> new SegmentFramer(framing, c);
            case CHOICE -> throw new IllegalArgumentException("a choice within a choice: " + framing);
        };
    }

    /** A choice: the direction's first new bytes choose the branch, for good. */
    private void choose(int len) {
        framer = framing.choosesThen(c.in, c.inOff + c.pos, len - c.pos) ? then : otherwise;
        then = null;
        otherwise = null;
        if (framer == null) {
            c.phase = Phase.OFF;
        }
    }

    private void frame(int len) {
        if (framer == null && c.phase == Phase.START && c.pos < len) {
            choose(len);
        }
        while (c.pos < len && !c.cut) {
            switch (c.phase) {
                case OFF -> c.pass(len - c.pos);
                case SKIP -> framer.skip(len);
                case START -> framer.start(len);
                case HOLD -> framer.held(len);
            }
        }
    }
}
