package masq.engine.helper;

import masq.api.Framing;
import masq.engine.helper.Framer.Phase;

/**
 * {@link Framing#lines}: LF-ended lines. Only a candidate (a line that begins with a line start)
 * is delivered, or held while it spans segments; any other line, and a candidate over the
 * maximum, passes up to its LF.
 */
final class LineFramer implements Framer {
    private final Framing framing;
    private final SegmentCursor c;

    LineFramer(Framing framing, SegmentCursor c) {
        this.framing = framing;
        this.c = c;
    }

    @Override
    public void start(int len) {
        int lf = indexOfLf(c.pos, len);
        int n = (lf < 0 ? len : lf + 1) - c.pos;
        int at = c.inOff + c.pos;
        if (lf >= 0) {
            if (!framing.startsLine(c.in, at, n)) {
                c.pass(n);
            } else if (n > framing.maxLength()) {
                c.sink.refused(Framing.REFUSED_LINE_TOO_LONG);
                c.pass(n);
            } else {
                c.deliver(c.in, at, n, c.seq + c.pos, n, false);
            }
            return;
        }
        if (!framing.mayStartLine(c.in, at, n)) {
            c.pass(n);
            c.phase = Phase.SKIP;
        } else if (n > framing.maxLength()) {
            c.sink.refused(Framing.REFUSED_LINE_TOO_LONG);
            c.pass(n);
            c.phase = Phase.SKIP;
        } else if (c.hold(n)) {
            c.phase = Phase.HOLD;
        }
    }

    @Override
    public void held(int len) {
        int lf = indexOfLf(c.pos, len);
        int k = (lf < 0 ? len : lf + 1) - c.pos;
        Phase after = lf < 0 ? Phase.SKIP : Phase.START;
        if (c.heldLength + k > framing.maxLength()) {
            c.sink.refused(Framing.REFUSED_LINE_TOO_LONG);
            if (c.giveBack()) {
                c.pass(k);
                c.phase = after;
            }
            return;
        }
        int before = c.heldLength;
        c.append(c.pos, k);
        if (!framing.mayStartLine(c.held, 0, c.heldLength)
                || (lf >= 0 && !framing.startsLine(c.held, 0, c.heldLength))) {
            c.heldLength = before;
            if (c.giveBack()) {
                c.pass(k);
                c.phase = after;
            }
        } else if (lf < 0) {
            c.heldLength = before;
            c.hold(k);
        } else {
            c.deliverHeld(k, before);
        }
    }

    /** The rest of a line that is not a candidate, up to and including its LF. */
    @Override
    public void skip(int len) {
        int lf = indexOfLf(c.pos, len);
        c.pass((lf < 0 ? len : lf + 1) - c.pos);
        c.phase = lf < 0 ? Phase.SKIP : Phase.START;
    }

    private int indexOfLf(int from, int to) {
        for (int i = from; i < to; i++) {
            if (c.in[c.inOff + i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
