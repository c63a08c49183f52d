package masq.engine.helper;

import java.util.Arrays;

import masq.api.Framing;
import masq.api.HelperContext;
import masq.engine.helper.Framer.Phase;

/**
 * What a {@link MessageStream} makes of the segment at hand: the input and the read position in
 * it, the output written so far, the open change, and the bytes held back from earlier segments
 * because they start a message not yet complete. Its stream and the stream's {@link Framer} read
 * and move it; every difference between input and output goes to the {@link ChangeStore}. One
 * per stream; engine thread only; no allocation once the held buffer has grown.
 */
final class SegmentCursor {
    /** The stream's framing; null to pass everything. */
    private final Framing framing;
    private final ChangeStore changes;
    /** Where the framer stands; the stream sets it too (the helper gone, a FIN). */
    Phase phase;
    /** The start of a message not yet complete; its first byte has sequence number {@code heldSeq}. */
    byte[] held = new byte[0];
    int heldLength;
    int heldSeq;

    // The current segment, from begin to end: in[inOff] has original sequence number seq.
    byte[] in;
    int inOff;
    int seq;
    byte[] out;
    int limit;
    /** Output bytes written, once copying. */
    int w;
    /** Segment bytes consumed. */
    int pos;
    /** Whether the output is written: until the first change, it is the input. */
    boolean copying;
    /** The segment was cut before a change that could not be taken: the rest is not consumed. */
    boolean cut;
    MessageStream.Sink sink;
    /** The open change: segment offset and output offset where it began, or -1. */
    private int spanIn = -1;
    private int spanOut;

    SegmentCursor(Framing framing, ChangeStore changes) {
        this.framing = framing;
        this.changes = changes;
    }

    /** Starts a segment whose first byte, {@code b[off]}, has original sequence number {@code segmentSeq}. */
    void begin(byte[] b, int off, int segmentSeq, byte[] output, int maxOutput, MessageStream.Sink s) {
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
        spanIn = -1;
        changes.newSegment();
    }

    /** Ends the segment of {@code len} bytes. @return whether its output is not its input */
    boolean end(int len) {
        closeSpan();
        if (!copying) {
            w = len;
        }
        sink = null;
        in = null;
        out = null;
        return copying;
    }

    /**
     * Repeats the output of the first {@code old} bytes, which were consumed before; {@code fin}
     * when the segment is a retransmitted end of stream, whose given-back bytes follow them.
     */
    void replay(int old, boolean fin) {
        if (old == 0 && !fin) {
            return;
        }
        for (int i = 0; i < changes.remembered(); i++) {
            int a = changes.start(i) - seq;
            int z = changes.end(i) - seq;
            boolean empty = a == z;
            if (z < 0 || (z == 0 && !empty) || a > old || (a == old && !(fin && empty))) {
                continue;
            }
            int lo = Math.max(a, 0);
            int hi = Math.min(z, old);
            pass(lo - pos);
            int skipInto = lo - a;
            int length = changes.length(i);
            int r0 = Math.min(skipInto, length);
            int r1 = z <= old ? length : Math.min(hi - a, length);
            copyOn();
            changes.copy(i, r0, out, w, r1 - r0);
            w += r1 - r0;
            pos = hi;
        }
        pass(old - pos);
    }

    /**
     * Gives a complete message to the sink; {@code consumed} of its bytes are in the segment at
     * {@code pos}, the rest (from {@code held}) was held back. Cuts the segment here if the
     * message's output or its change might not fit.
     */
    void deliver(byte[] b, int off, int len, int messageSeq, int consumed, boolean fromHeld) {
        if (outputPosition() + len + HelperContext.MAX_GROWTH_PER_PACKET > limit || !changeRoom()) {
            cutHere();
            return;
        }
        int r = sink.message(b, off, len, messageSeq, out, outputPosition());
        if (r == MessageStream.AS_IS && !fromHeld) {
            pass(consumed);
            return;
        }
        // the sink wrote where the output stands; copying the unchanged prefix writes only before it
        copyOn();
        openSpan();
        if (r == MessageStream.AS_IS) {
            System.arraycopy(b, off, out, w, len);
            r = len;
        }
        w += r;
        pos += consumed;
    }

    /**
     * Delivers the held message, completed by the next {@code k} segment bytes; if the segment is cut
     * there instead, the message is held as it was ({@code before} bytes) for the retransmission.
     */
    void deliverHeld(int k, int before) {
        deliver(held, 0, heldLength, heldSeq, k, true);
        if (!cut) {
            heldLength = 0;
            phase = Phase.START;
        } else {
            heldLength = before;
        }
    }

    /** The stream cannot be framed: give held bytes back and pass the rest for good. */
    void unframed() {
        sink.refused(Framing.REFUSED_UNFRAMED);
        if (giveBack()) {
            phase = Phase.OFF;
        }
    }

    /** Holds back the next {@code n} segment bytes. @return false if the segment was cut instead */
    boolean hold(int n) {
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
    boolean giveBack() {
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
    void append(int i, int n) {
        if (heldLength + n > held.length) {
            int cap = framing == null ? heldLength + n : framing.maxLength();
            held = Arrays.copyOf(held, Math.max(heldLength + n, Math.min(cap, Math.max(64, 2 * held.length))));
        }
        System.arraycopy(in, inOff + i, held, heldLength, n);
        heldLength += n;
    }

    /** Passes {@code n} segment bytes unchanged. */
    void pass(int n) {
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

    /**
     * Passes what it can of {@code count} bytes before {@code len}, and frames again once all have
     * gone. @return how many are still to pass
     */
    long passCounted(long count, int len) {
        int n = (int) Math.min(count, len - pos);
        long left = count - n;
        pass(n);
        phase = left == 0 ? Phase.START : Phase.SKIP;
        return left;
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
        spanIn = -1;
        changes.add(seq, a, pos, out, spanOut, w - spanOut);
    }

    /** Whether one more change can be taken now: the connection's records and our memory. */
    private boolean changeRoom() {
        if (spanIn >= 0) {
            return true;
        }
        int worst = framing == null ? heldLength : framing.maxLength() + HelperContext.MAX_GROWTH_PER_PACKET;
        return changes.room(worst) && sink.room();
    }

    /** Ends the segment here: the rest is not consumed and the sender sends it again. */
    private void cutHere() {
        closeSpan();
        copyOn();
        cut = true;
    }
}
