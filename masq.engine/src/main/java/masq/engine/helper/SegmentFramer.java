package masq.engine.helper;

import masq.api.Framing;

/**
 * {@link Framing#segments}: each segment's new bytes are messages, in pieces of at most the
 * framing's maximum; nothing is held, so nothing ever waits for more bytes.
 */
final class SegmentFramer implements Framer {
    private final Framing framing;
    private final SegmentCursor c;

    SegmentFramer(Framing framing, SegmentCursor c) {
        this.framing = framing;
        this.c = c;
    }

    @Override
    public void start(int len) {
        int n = Math.min(len - c.pos, framing.maxLength());
        c.deliver(c.in, c.inOff + c.pos, n, c.seq + c.pos, n, false);
    }

    /** Never called: nothing is held. */
    @Override
    public void held(int len) {
        start(len);
    }

    /** Never called: nothing is skipped. */
    @Override
    public void skip(int len) {
        start(len);
    }
}
