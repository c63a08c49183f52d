package masq.engine.helper;

import java.nio.charset.StandardCharsets;

import masq.api.Framing;
import masq.engine.helper.Framer.Phase;

/**
 * {@link Framing#headers}: RTSP/SIP/HTTP style header blocks, up to the empty line, each held
 * until complete and delivered whole; the body of its {@code Content-Length} passes unseen.
 * Empty lines between blocks pass; an RTSP interleaved frame is skipped by its length. A block
 * over the maximum, a malformed {@code Content-Length}, or a control character other than CR, LF
 * and HT in a block (binary data, which would otherwise be held until the maximum while its sender
 * waits for an answer) means the stream cannot be framed.
 */
final class HeaderFramer implements Framer {
    /** RFC 2326 §10.12: '$', channel, 16-bit length. */
    private static final int INTERLEAVED_HEADER = 4;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_BODY = Integer.MAX_VALUE;
    /** {@link #headerEnd}: the bytes are not text. */
    private static final int BINARY = -2;

    private final Framing framing;
    private final SegmentCursor c;
    /** Bytes of a body or of an interleaved frame still to pass unchanged. */
    private long skip;
    /** How far the bytes so far are into an empty line (1 after LF, 2 after LF CR). */
    private int blank;

    HeaderFramer(Framing framing, SegmentCursor c) {
        this.framing = framing;
        this.c = c;
    }

    /** Where a header block would start: empty lines pass, an interleaved frame is skipped. */
    @Override
    public void start(int len) {
        byte ch = c.in[c.inOff + c.pos];
        if (ch == '\r' || ch == '\n') {
            c.pass(1);
            return;
        }
        blank = 0;
        if (ch == '$') {
            if (len - c.pos < INTERLEAVED_HEADER) {
                if (c.hold(len - c.pos)) {
                    c.phase = Phase.HOLD;
                }
                return;
            }
            skip = INTERLEAVED_HEADER + ((c.in[c.inOff + c.pos + 2] & 0xff) << 8 | (c.in[c.inOff + c.pos + 3] & 0xff));
            c.phase = Phase.SKIP;
            return;
        }
        int end = headerEnd(c.in, c.inOff, c.pos, len);
        if (end == BINARY) {
            c.unframed();
        } else if (end > framing.maxLength() + c.pos || (end < 0 && len - c.pos > framing.maxLength())) {
            tooLong();
        } else if (end >= 0) {
            long body = contentLength(c.in, c.inOff + c.pos, end - c.pos);
            if (body < 0) {
                c.unframed();
            } else {
                deliverBlock(c.in, c.inOff + c.pos, end - c.pos, c.seq + c.pos, end - c.pos, false, body);
            }
        } else if (c.hold(len - c.pos)) {
            c.phase = Phase.HOLD;
        }
    }

    @Override
    public void held(int len) {
        int before = c.heldLength;
        if (c.held[0] == '$') {
            int k = Math.min(INTERLEAVED_HEADER - c.heldLength, len - c.pos);
            c.append(c.pos, k);
            if (c.heldLength < INTERLEAVED_HEADER) {
                c.heldLength = before;
                c.hold(k);
                return;
            }
            long total = INTERLEAVED_HEADER + ((c.held[2] & 0xff) << 8 | (c.held[3] & 0xff));
            c.heldLength = before;
            if (c.giveBack()) {
                skip = total - before;
                c.phase = Phase.SKIP;
            }
            return;
        }
        int end = headerEnd(c.in, c.inOff, c.pos, len);
        if (end == BINARY) {
            c.unframed();
            return;
        }
        int k = (end < 0 ? len : end) - c.pos;
        if (c.heldLength + k > framing.maxLength()) {
            tooLong();
            return;
        }
        c.append(c.pos, k);
        if (end < 0) {
            c.heldLength = before;
            c.hold(k);
            return;
        }
        long body = contentLength(c.held, 0, c.heldLength);
        if (body < 0) {
            c.heldLength = before;
            c.unframed();
            return;
        }
        deliverBlock(c.held, 0, c.heldLength, c.heldSeq, k, true, body);
        if (c.cut) {
            c.heldLength = before;
        }
    }

    /** A body or an interleaved frame. */
    @Override
    public void skip(int len) {
        skip = c.passCounted(skip, len);
    }

    /**
     * Delivers a complete header block and sets up the skip of its {@code body} bytes;
     * {@code consumed} of its bytes are in the segment at the read position.
     */
    private void deliverBlock(byte[] b, int off, int n, int blockSeq, int consumed, boolean fromHeld, long body) {
        c.deliver(b, off, n, blockSeq, consumed, fromHeld);
        if (!c.cut) {
            c.heldLength = 0;
            skip = body;
            c.phase = body > 0 ? Phase.SKIP : Phase.START;
        }
    }

    /** A header block over the maximum: the stream cannot be framed any more. */
    private void tooLong() {
        c.sink.refused(Framing.REFUSED_HEADERS_TOO_LONG);
        if (c.giveBack()) {
            c.phase = Phase.OFF;
        }
    }

    /**
     * The index after the empty line that ends the header block, scanning {@code b[off + from ..
     * off + to)} and carrying what the held bytes ended with ({@link #blank}); -1 if not there yet,
     * {@link #BINARY} at a control character that no header line holds.
     */
    private int headerEnd(byte[] b, int off, int from, int to) {
        for (int i = from; i < to; i++) {
            byte ch = b[off + i];
            if ((ch >= 0 && ch < ' ' && ch != '\r' && ch != '\n' && ch != '\t') || ch == 0x7f) {
                return BINARY;
            }
            if (ch == '\n') {
                if (blank >= 1) {
                    blank = 0;
                    return i + 1;
                }
                blank = 1;
            } else {
                blank = ch == '\r' && blank == 1 ? 2 : 0;
            }
        }
        return -1;
    }

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
            byte ch = b[off + i];
            if ((ch >= 'A' && ch <= 'Z' ? ch + 32 : ch) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
