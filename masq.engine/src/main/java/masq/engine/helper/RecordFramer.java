package masq.engine.helper;

import masq.api.Framing;
import masq.engine.helper.Framer.Phase;

/**
 * {@link Framing#records}: records whose header holds their total length. Every record is
 * delivered, or held while it spans segments; one over the maximum passes, skipped by its length;
 * a length shorter than the header means the stream cannot be framed.
 */
final class RecordFramer implements Framer {
    private final Framing framing;
    private final SegmentCursor c;
    /** The length field's end: the bytes needed to know a record's length. */
    private final int header;
    /** Bytes of an overlong record still to pass unchanged. */
    private long skip;

    RecordFramer(Framing framing, SegmentCursor c) {
        this.framing = framing;
        this.c = c;
        this.header = framing.lengthOffset() + framing.lengthWidth();
    }

    @Override
    public void start(int len) {
        int n = len - c.pos;
        if (n < header) {
            if (c.hold(n)) {
                c.phase = Phase.HOLD;
            }
            return;
        }
        long total = recordLength(c.in, c.inOff + c.pos);
        if (total < header) {
            c.unframed();
        } else if (total > framing.maxLength()) {
            c.sink.refused(Framing.REFUSED_RECORD_TOO_LONG);
            skip = total;
            c.phase = Phase.SKIP;
        } else if (total <= n) {
            c.deliver(c.in, c.inOff + c.pos, (int) total, c.seq + c.pos, (int) total, false);
        } else if (c.hold(n)) {
            c.phase = Phase.HOLD;
        }
    }

    @Override
    public void held(int len) {
        int before = c.heldLength;
        if (c.heldLength < header) {
            int k = Math.min(header - c.heldLength, len - c.pos);
            c.append(c.pos, k);
            if (c.heldLength < header) {
                c.heldLength = before;
                c.hold(k);
                return;
            }
            long total = recordLength(c.held, 0);
            if (total < header || total > framing.maxLength()) {
                c.heldLength = before;
                if (total < header) {
                    c.unframed();
                } else {
                    c.sink.refused(Framing.REFUSED_RECORD_TOO_LONG);
                    if (c.giveBack()) {
                        skip = total - before;
                        c.phase = Phase.SKIP;
                    }
                }
                return;
            }
            c.heldLength = before;
        }
        long total = recordLength(c.held, 0);
        int k = (int) Math.min(total - c.heldLength, len - c.pos);
        c.append(c.pos, k);
        if (c.heldLength < total) {
            c.heldLength = before;
            c.hold(k);
        } else {
            c.deliverHeld(k, before);
        }
    }

    /** The rest of an overlong record. */
    @Override
    public void skip(int len) {
        skip = c.passCounted(skip, len);
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
}
