package masq.engine.helper;

import java.util.Arrays;

import masq.api.Framing;
import masq.api.HelperContext;

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
 *     (retransmissions) are not: the output they were given is repeated from {@link #spans
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
 * {@link #MAX_REMEMBERED} and {@link #MAX_REMEMBERED_BYTES}; buffers grow on demand. Engine
 * thread only; no allocation once the buffers have grown.
 */
final class MessageStream {
    /** {@link #segment}: the output equals the input. */
    static final int UNCHANGED = 0;
    /** {@link #segment}: the output is in the buffer given, {@link #outputLength()} bytes. */
    static final int CHANGED = 1;
    /** {@link #segment}: the segment starts beyond a gap and must be dropped. */
    static final int GAP = 2;
    /** Changes remembered for retransmissions, until acknowledged. */
    static final int MAX_REMEMBERED = 256;
    /** Replacement bytes remembered for retransmissions, until acknowledged. */
    static final int MAX_REMEMBERED_BYTES = 65536;

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

    private enum Phase { START, SKIP, HOLD, OFF }

    private final Framing framing;
    private Phase phase;
    private boolean started;
    /** Original sequence number of the first byte not yet consumed. */
    private int next;
    /** The start of a message not yet complete; its first byte has sequence number {@code heldSeq}. */
    private byte[] held = new byte[0];
    private int heldLength;
    private int heldSeq;
    /** Records: bytes of an overlong record still to pass unchanged; header blocks: of a body. */
    private long skip;
    /** Header blocks: how far the bytes so far are into an empty line (1 after LF, 2 after LF CR). */
    private int blank;
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

    // Remembered changes, oldest first: original [start, end) became the bytes at store[from, from + length).
    private int[] start = new int[8];
    private int[] end = new int[8];
    private int[] from = new int[8];
    private int[] length = new int[8];
    private int remembered;
    private byte[] store = new byte[256];
    private int stored;

    // The current segment.
    private byte[] in;
    private int inOff;
    private int seq;
    private byte[] out;
    private int limit;
    private int w;
    private int pos;
    private boolean copying;
    private boolean cut;
    /** The last segment gave back bytes held for a helper that is gone, or before a FIN. */
    private boolean released;
    /** The open change: segment offset and output offset where it began, or -1. */
    private int spanIn = -1;
    private int spanOut;
    // The changes of the current segment (segment offsets, replacement lengths), for sequence records.
    private int[] changeStart = new int[8];
    private int[] changeEnd = new int[8];
    private int[] changeLength = new int[8];
    private int changes;
    private Sink sink;

    /** @param framing the direction's framing; null to pass everything (retransmissions still repeat) */
    MessageStream(Framing framing) {
        this.framing = framing;
        this.phase = framing == null ? Phase.OFF : Phase.START;
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
        in = b;
        inOff = off;
        seq = segmentSeq;
        out = output;
        limit = Math.min(maxOutput, output.length);
        sink = s;
        w = 0;
        pos = 0;
        copying = false;
        cut = false;
        released = false;
        spanIn = -1;
        changes = 0;
        int old = (int) Math.min(len, -(long) ahead);
        replay(old, fin && old == len);
        if (old < len) {
            next = seq + len;
            if (!prologueDone) {
                collectPrologue(old, len);
            }
            if (releasePending && heldLength > 0) {
                released = giveBack();
            }
            releasePending = false;
            frame(len);
        }
        if (fin && !cut && heldLength > 0 && giveBack()) {
            released = true;
            phase = phase == Phase.HOLD ? Phase.START : phase;
        }
        closeSpan();
        if (!copying) {
            w = len;
        }
        sink = null;
        in = null;
        out = null;
        return copying ? CHANGED : UNCHANGED;
    }

    /** @return the length of the output of the last {@link #segment} call */
    int outputLength() {
        return w;
    }

    /** @return whether the last segment gave back held bytes unchanged (helper gone, or FIN) */
    boolean released() {
        return released;
    }

    /** @return whether the last segment was cut before a change that could not be taken */
    boolean cut() {
        return cut;
    }

    /** @return the number of new changes in the last segment */
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
        return heldLength > 0 && receiverAcked && receiverAck - heldSeq >= 0
                && heldSeq + heldLength == next && receiverWindow != 0;
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
        return heldLength;
    }

    /** @return the number of changes remembered now */
    int rememberedCount() {
        return remembered;
    }

    /**
     * The helper is gone (withdrawn, or the connection taken from it): frame no more, give held
     * bytes back with the next new byte or the FIN.
     */
    void release() {
        phase = Phase.OFF;
        releasePending = heldLength > 0;
    }

    /**
     * Bytes went by that the stream cannot see (an IP fragment): stop following it. Held bytes
     * cannot be placed any more and are lost with the message they began; everything passes.
     */
    void abandon() {
        abandoned = true;
        phase = Phase.OFF;
        heldLength = 0;
        remembered = 0;
        stored = 0;
    }

    /** @return whether messages are still being framed */
    boolean framing() {
        return phase != Phase.OFF;
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

    // ---- retransmitted bytes

    /**
     * Repeats the output of the first {@code old} bytes, which were consumed before; {@code fin}
     * when the segment is a retransmitted end of stream, whose given-back bytes follow them.
     */
    private void replay(int old, boolean fin) {
        if (old == 0 && !fin) {
            return;
        }
        for (int i = 0; i < remembered; i++) {
            int a = start[i] - seq;
            int z = end[i] - seq;
            boolean empty = a == z;
            if (z < 0 || (z == 0 && !empty) || a > old || (a == old && !(fin && empty))) {
                continue;
            }
            int lo = Math.max(a, 0);
            int hi = Math.min(z, old);
            pass(lo - pos);
            int skipInto = lo - a;
            int r0 = Math.min(skipInto, length[i]);
            int r1 = z <= old ? length[i] : Math.min(hi - a, length[i]);
            copyOn();
            System.arraycopy(store, from[i] + r0, out, w, r1 - r0);
            w += r1 - r0;
            pos = hi;
        }
        pass(old - pos);
    }

    // ---- new bytes

    private void collectPrologue(int i, int len) {
        int n = framing.prologueLength();
        if (prologue == null) {
            prologue = new byte[n];
        }
        int lf = -1;
        while (i < len && prologueLength < n && lf < 0) {
            byte c = in[inOff + i++];
            prologue[prologueLength++] = c;
            lf = c == '\n' ? 0 : -1;
        }
        if (lf == 0 || prologueLength == n) {
            prologueDone = true;
            sink.prologue(prologue, 0, prologueLength);
        }
    }

    private void frame(int len) {
        Framing.Kind kind = framing == null ? null : framing.kind();
        boolean lines = kind == Framing.Kind.LINES;
        while (pos < len && !cut) {
            switch (phase) {
                case OFF -> pass(len - pos);
                case SKIP -> skipping(len, lines);
                case START -> {
                    if (lines) {
                        lineStart(len);
                    } else if (kind == Framing.Kind.RECORDS) {
                        recordStart(len);
                    } else {
                        headersStart(len);
                    }
                }
                case HOLD -> {
                    if (lines) {
                        lineHeld(len);
                    } else if (kind == Framing.Kind.RECORDS) {
                        recordHeld(len);
                    } else {
                        headersHeld(len);
                    }
                }
            }
        }
    }

    // ---- header blocks: RTSP/SIP/HTTP style

    /** RFC 2326 §10.12: '$', channel, 16-bit length. */
    private static final int INTERLEAVED_HEADER = 4;

    /** Where a header block would start: empty lines pass, an interleaved frame is skipped. */
    private void headersStart(int len) {
        byte c = in[inOff + pos];
        if (c == '\r' || c == '\n') {
            pass(1);
            return;
        }
        blank = 0;
        if (c == '$') {
            if (len - pos < INTERLEAVED_HEADER) {
                if (hold(len - pos)) {
                    phase = Phase.HOLD;
                }
                return;
            }
            skip = INTERLEAVED_HEADER + ((in[inOff + pos + 2] & 0xff) << 8 | (in[inOff + pos + 3] & 0xff));
            phase = Phase.SKIP;
            return;
        }
        int end = headerEnd(in, inOff, pos, len);
        if (end > framing.maxLength() + pos || (end < 0 && len - pos > framing.maxLength())) {
            tooLong();
        } else if (end >= 0) {
            long body = contentLength(in, inOff + pos, end - pos);
            if (body < 0) {
                unframed();
            } else {
                deliverBlock(in, inOff + pos, end - pos, seq + pos, end - pos, false, body);
            }
        } else if (hold(len - pos)) {
            phase = Phase.HOLD;
        }
    }

    private void headersHeld(int len) {
        int before = heldLength;
        if (held[0] == '$') {
            int k = Math.min(INTERLEAVED_HEADER - heldLength, len - pos);
            append(pos, k);
            if (heldLength < INTERLEAVED_HEADER) {
                heldLength = before;
                hold(k);
                return;
            }
            long total = INTERLEAVED_HEADER + ((held[2] & 0xff) << 8 | (held[3] & 0xff));
            heldLength = before;
            if (giveBack()) {
                skip = total - before;
                phase = Phase.SKIP;
            }
            return;
        }
        int end = headerEnd(in, inOff, pos, len);
        int k = (end < 0 ? len : end) - pos;
        if (heldLength + k > framing.maxLength()) {
            tooLong();
            return;
        }
        append(pos, k);
        if (end < 0) {
            heldLength = before;
            hold(k);
            return;
        }
        long body = contentLength(held, 0, heldLength);
        if (body < 0) {
            heldLength = before;
            unframed();
            return;
        }
        deliverBlock(held, 0, heldLength, heldSeq, k, true, body);
        if (cut) {
            heldLength = before;
        }
    }

    /**
     * Delivers a complete header block and sets up the skip of its {@code body} bytes;
     * {@code consumed} of its bytes are in the segment at {@code pos}.
     */
    private void deliverBlock(byte[] b, int off, int n, int blockSeq, int consumed, boolean fromHeld, long body) {
        deliver(b, off, n, blockSeq, consumed, fromHeld);
        if (!cut) {
            heldLength = 0;
            skip = body;
            phase = body > 0 ? Phase.SKIP : Phase.START;
        }
    }

    /** A header block over the maximum: the stream cannot be framed any more. */
    private void tooLong() {
        sink.refused(Framing.REFUSED_HEADERS_TOO_LONG);
        if (giveBack()) {
            phase = Phase.OFF;
        }
    }

    /**
     * The index after the empty line that ends the header block, scanning {@code b[off + from ..
     * off + to)} and carrying what the held bytes ended with ({@link #blank}); -1 if not there yet.
     */
    private int headerEnd(byte[] b, int off, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[off + i];
            if (c == '\n') {
                if (blank >= 1) {
                    blank = 0;
                    return i + 1;
                }
                blank = 1;
            } else {
                blank = c == '\r' && blank == 1 ? 2 : 0;
            }
        }
        return -1;
    }

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long MAX_BODY = Integer.MAX_VALUE;

    /** The block's Content-Length (0 without one), or -1 if it is malformed or repeated differently. */
    private static long contentLength(byte[] b, int off, int n) {
        long found = 0;
        boolean any = false;
        int line = 0;
        while (line < n) {
            int next = line;
            while (next < n && b[off + next] != '\n') {
                next++;
            }
            if (line > 0 && startsIgnoringCase(b, off + line, next - line, CONTENT_LENGTH)) {
                int i = line + CONTENT_LENGTH.length;
                while (i < next && (b[off + i] == ' ' || b[off + i] == '\t')) {
                    i++;
                }
                long v = 0;
                int digits = 0;
                while (i < next && b[off + i] >= '0' && b[off + i] <= '9' && v <= MAX_BODY) {
                    v = v * 10 + (b[off + i++] - '0');
                    digits++;
                }
                while (i < next && (b[off + i] == ' ' || b[off + i] == '\t' || b[off + i] == '\r')) {
                    i++;
                }
                if (digits == 0 || i != next || v > MAX_BODY || (any && v != found)) {
                    return -1;
                }
                found = v;
                any = true;
            }
            line = next + 1;
        }
        return found;
    }

    private static boolean startsIgnoringCase(byte[] b, int off, int n, byte[] lower) {
        if (n < lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            byte c = b[off + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private void skipping(int len, boolean lines) {
        if (!lines) {
            int n = (int) Math.min(skip, len - pos);
            skip -= n;
            pass(n);
            phase = skip == 0 ? Phase.START : Phase.SKIP;
            return;
        }
        int lf = indexOfLf(pos, len);
        pass((lf < 0 ? len : lf + 1) - pos);
        phase = lf < 0 ? Phase.SKIP : Phase.START;
    }

    private void lineStart(int len) {
        int lf = indexOfLf(pos, len);
        int n = (lf < 0 ? len : lf + 1) - pos;
        int at = inOff + pos;
        if (lf >= 0) {
            if (!framing.startsLine(in, at, n)) {
                pass(n);
            } else if (n > framing.maxLength()) {
                sink.refused(Framing.REFUSED_LINE_TOO_LONG);
                pass(n);
            } else {
                deliver(in, at, n, seq + pos, n, false);
            }
            return;
        }
        if (!framing.mayStartLine(in, at, n)) {
            pass(n);
            phase = Phase.SKIP;
        } else if (n > framing.maxLength()) {
            sink.refused(Framing.REFUSED_LINE_TOO_LONG);
            pass(n);
            phase = Phase.SKIP;
        } else if (hold(n)) {
            phase = Phase.HOLD;
        }
    }

    private void lineHeld(int len) {
        int lf = indexOfLf(pos, len);
        int k = (lf < 0 ? len : lf + 1) - pos;
        Phase after = lf < 0 ? Phase.SKIP : Phase.START;
        if (heldLength + k > framing.maxLength()) {
            sink.refused(Framing.REFUSED_LINE_TOO_LONG);
            if (giveBack()) {
                pass(k);
                phase = after;
            }
            return;
        }
        int before = heldLength;
        append(pos, k);
        if (!framing.mayStartLine(held, 0, heldLength) || (lf >= 0 && !framing.startsLine(held, 0, heldLength))) {
            heldLength = before;
            if (giveBack()) {
                pass(k);
                phase = after;
            }
        } else if (lf < 0) {
            heldLength = before;
            hold(k);
        } else {
            deliverHeld(k, before);
        }
    }

    private void recordStart(int len) {
        int header = framing.lengthOffset() + framing.lengthWidth();
        int n = len - pos;
        if (n < header) {
            if (hold(n)) {
                phase = Phase.HOLD;
            }
            return;
        }
        long total = recordLength(in, inOff + pos);
        if (total < header) {
            unframed();
        } else if (total > framing.maxLength()) {
            sink.refused(Framing.REFUSED_RECORD_TOO_LONG);
            skip = total;
            phase = Phase.SKIP;
        } else if (total <= n) {
            deliver(in, inOff + pos, (int) total, seq + pos, (int) total, false);
        } else if (hold(n)) {
            phase = Phase.HOLD;
        }
    }

    private void recordHeld(int len) {
        int header = framing.lengthOffset() + framing.lengthWidth();
        int before = heldLength;
        if (heldLength < header) {
            int k = Math.min(header - heldLength, len - pos);
            append(pos, k);
            if (heldLength < header) {
                heldLength = before;
                hold(k);
                return;
            }
            long total = recordLength(held, 0);
            if (total < header || total > framing.maxLength()) {
                heldLength = before;
                if (total < header) {
                    unframed();
                } else {
                    sink.refused(Framing.REFUSED_RECORD_TOO_LONG);
                    if (giveBack()) {
                        skip = total - before;
                        phase = Phase.SKIP;
                    }
                }
                return;
            }
            heldLength = before;
        }
        long total = recordLength(held, 0);
        int k = (int) Math.min(total - heldLength, len - pos);
        append(pos, k);
        if (heldLength < total) {
            heldLength = before;
            hold(k);
        } else {
            deliverHeld(k, before);
        }
    }

    /**
     * Delivers the held message, completed by the next {@code k} segment bytes; if the segment is cut
     * there instead, the message is held as it was ({@code before} bytes) for the retransmission.
     */
    private void deliverHeld(int k, int before) {
        deliver(held, 0, heldLength, heldSeq, k, true);
        if (!cut) {
            heldLength = 0;
            phase = Phase.START;
        } else {
            heldLength = before;
        }
    }

    /** The stream cannot be framed: give held bytes back and pass the rest for good. */
    private void unframed() {
        sink.refused(Framing.REFUSED_UNFRAMED);
        if (giveBack()) {
            phase = Phase.OFF;
        }
    }

    private long recordLength(byte[] b, int at) {
        int o = at + framing.lengthOffset();
        long v = 0;
        for (int i = 0; i < framing.lengthWidth(); i++) {
            int shift = framing.bigEndian() ? 8 * (framing.lengthWidth() - 1 - i) : 8 * i;
            v |= (long) (b[o + i] & 0xff) << shift;
        }
        return v + framing.adjustment();
    }

    // ---- output

    /**
     * Gives a complete message to the sink; {@code consumed} of its bytes are in the segment at
     * {@code pos}, the rest (from {@code held}) was held back. Cuts the segment here if the
     * message's output or its change might not fit.
     */
    private void deliver(byte[] b, int off, int len, int messageSeq, int consumed, boolean fromHeld) {
        if (outputPosition() + len + HelperContext.MAX_GROWTH_PER_PACKET > limit || !changeRoom()) {
            cutHere();
            return;
        }
        int r = sink.message(b, off, len, messageSeq, out, outputPosition());
        if (r == AS_IS && !fromHeld) {
            pass(consumed);
            return;
        }
        // the sink wrote where the output stands; copying the unchanged prefix writes only before it
        copyOn();
        openSpan();
        if (r == AS_IS) {
            System.arraycopy(b, off, out, w, len);
            r = len;
        }
        w += r;
        pos += consumed;
    }

    /** Holds back the next {@code n} segment bytes. @return false if the segment was cut instead */
    private boolean hold(int n) {
        if (!changeRoom()) {
            cutHere();
            return false;
        }
        if (heldLength == 0) {
            heldSeq = seq + pos;
        }
        append(pos, n);
        copyOn();
        openSpan();
        pos += n;
        return true;
    }

    /** Writes the held bytes to the output here. @return false if the segment was cut instead */
    private boolean giveBack() {
        if (heldLength == 0) {
            return true;
        }
        if (outputPosition() + heldLength > limit || !changeRoom()) {
            cutHere();
            return false;
        }
        copyOn();
        openSpan();
        System.arraycopy(held, 0, out, w, heldLength);
        w += heldLength;
        heldLength = 0;
        return true;
    }

    /** Copies {@code n} segment bytes at {@code i} to the held buffer, growing it as needed. */
    private void append(int i, int n) {
        if (heldLength + n > held.length) {
            int cap = framing == null ? heldLength + n : framing.maxLength();
            held = Arrays.copyOf(held, Math.max(heldLength + n, Math.min(cap, Math.max(64, 2 * held.length))));
        }
        System.arraycopy(in, inOff + i, held, heldLength, n);
        heldLength += n;
    }

    /** Passes {@code n} segment bytes unchanged. */
    private void pass(int n) {
        if (n <= 0) {
            return;
        }
        closeSpan();
        if (copying) {
            System.arraycopy(in, inOff + pos, out, w, n);
            w += n;
        }
        pos += n;
    }

    /** @return where the next output byte goes: before copying starts, output and input coincide */
    private int outputPosition() {
        return copying ? w : pos;
    }

    /** Starts writing the output: the bytes so far were passed unchanged. */
    private void copyOn() {
        if (!copying) {
            System.arraycopy(in, inOff, out, 0, pos);
            w = pos;
            copying = true;
        }
    }

    private void openSpan() {
        if (spanIn < 0) {
            spanIn = pos;
            spanOut = w;
        }
    }

    /** Ends the open change: reports it for the segment and remembers it for retransmissions. */
    private void closeSpan() {
        if (spanIn < 0) {
            return;
        }
        int a = spanIn;
        int n = w - spanOut;
        spanIn = -1;
        if (changes == changeStart.length) {
            changeStart = Arrays.copyOf(changeStart, 2 * changes);
            changeEnd = Arrays.copyOf(changeEnd, 2 * changes);
            changeLength = Arrays.copyOf(changeLength, 2 * changes);
        }
        changeStart[changes] = a;
        changeEnd[changes] = pos;
        changeLength[changes] = n;
        changes++;
        remember(seq + a, seq + pos, out, spanOut, n);
    }

    /** Whether one more change can be taken now: the connection's records and our memory. */
    private boolean changeRoom() {
        if (spanIn >= 0) {
            return true;
        }
        int worst = framing == null ? heldLength : framing.maxLength() + HelperContext.MAX_GROWTH_PER_PACKET;
        return remembered < MAX_REMEMBERED && stored + worst <= MAX_REMEMBERED_BYTES && sink.room();
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

    /** Ends the segment here: the rest is not consumed and the sender sends it again. */
    private void cutHere() {
        closeSpan();
        copyOn();
        cut = true;
        next = seq + pos;
    }

    private int indexOfLf(int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[inOff + i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
