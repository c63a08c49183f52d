package masq.engine.nat;

import masq.engine.packet.TcpHeader;
import masq.engine.packet.TcpOptions;

/**
 * Sequence tracking just deep enough to refuse a blind RST or FIN: one that does not fall in the
 * window its receiver advertised would not end the connection at the receiver (RFC 9293 §3.10.7.4,
 * RFC 5961 §3), and must not end the mapping either (RFC 7857 §2's reasoning: an attacker who
 * knows the four-tuple but not the sequence numbers should not be able to tear it down). Such a
 * segment is dropped and counted ({@code drop.tcp.out-of-window}); its session keeps its state
 * and expiry.
 *
 * <p>Per session and direction: the end of what that side has sent (the highest sequence number
 * plus length seen, SYN and FIN counting one), and the largest window it advertised, scaled by
 * its window-scale shift when both SYNs offered one (RFC 7323 §2). A segment from one side is in
 * the window when its sequence number lies within the other side's largest window of the end of
 * what this side sent, below or above: as RFC 9293's receive-window test, widened by what may be
 * in flight. Only segments in the window move the end and the window, so a forged segment cannot
 * open the way for a forged RST.
 *
 * <p>Before a side has sent its SYN its RST is judged as in SYN-SENT (RFC 9293 §3.10.7.3): it
 * must acknowledge exactly the other side's SYN. A SYN without ACK from a side whose peer has not
 * answered starts that side afresh (a retried connect may bring a new initial sequence number).
 * A side that answers the other's SYN with a bare ACK instead of a SYN+ACK is a socket still in
 * TIME_WAIT for the same four-tuple refusing the new connect (RFC 9293 §3.10.7.4, RFC 5961 §4:
 * the challenge ACK); the connecting side's RST in reply, whose sequence number is that ACK's
 * acknowledgment number, passes (as Linux conntrack lets it), so the stale socket is cleared and
 * the retried SYN gets through instead of being refused until TIME_WAIT ends.
 * A session picked up mid-stream, with neither SYN seen, is not checked: its window scale is
 * unknown (Linux conntrack is liberal with such a connection too). Nor are non-RST, non-FIN
 * segments ever dropped here: the end host judges those.
 *
 * <p>Four ints per session in {@link Sessions#tcpWindow}: the two ends, then per side the window
 * in bytes (saturating at 64 MiB), the shift, whether the SYN offered one, and whether the side
 * has been seen. Engine thread only, no allocation.
 */
final class TcpWindow {
    /** Ints per session. */
    static final int STRIDE = 4;
    /** Largest window tracked, in bytes; larger ones count as this (a narrower test, never a wider one). */
    static final int MAX_WINDOW = (1 << 26) - 1;
    /** RFC 7323 §2.3: a shift above 14 is taken as 14. */
    static final int MAX_SHIFT = 14;
    static final int KIND_WINDOW_SCALE = 3;
    private static final int WINDOW_SCALE_LENGTH = 3;
    private static final int SHIFT_AT = 26;
    private static final int SHIFT_MASK = 0xf << SHIFT_AT;
    private static final int SCALE_OFFERED = 1 << 30;
    private static final int SEEN = 1 << 31;
    /** In an unseen side's info: it sent a challenge ACK, whose acknowledgment number is its end. */
    private static final int CHALLENGED = 1;
    private static final int END_OUT = 0;
    private static final int END_IN = 1;
    private static final int INFO_OUT = 2;
    private static final int INFO_IN = 3;

    private TcpWindow() {
    }

    /** Forgets both sides of session {@code s}: a new connection starts there. */
    static void reset(int[] w, int s) {
        int at = s * STRIDE;
        w[at + END_OUT] = 0;
        w[at + END_IN] = 0;
        w[at + INFO_OUT] = 0;
        w[at + INFO_IN] = 0;
    }

    /**
     * Judges and records one segment of session {@code s} in TCP {@code state}, from the inside
     * when {@code outbound}; {@code length} is the segment's length from its TCP header on.
     * Returns false for an RST or FIN outside the window, which the caller drops; nothing is
     * recorded for it.
     */
    static boolean accept(int[] w, int s, int state, boolean outbound, byte[] b, int tcp, int length) {
        if ((state & TcpState.MIDSTREAM) != 0) {
            return true;
        }
        int at = s * STRIDE;
        int self = at + (outbound ? INFO_OUT : INFO_IN);
        int peer = at + (outbound ? INFO_IN : INFO_OUT);
        int end = at + (outbound ? END_OUT : END_IN);
        int peerEnd = at + (outbound ? END_IN : END_OUT);
        int flags = TcpHeader.flags(b, tcp);
        int seq = TcpHeader.sequence(b, tcp);
        boolean syn = (flags & TcpHeader.SYN) != 0;
        if (syn && ((w[self] & SEEN) == 0 || ((flags & TcpHeader.ACK) == 0 && (w[peer] & SEEN) == 0))) {
            w[self] = SEEN | synScale(b, tcp) | Math.min(TcpHeader.window(b, tcp), MAX_WINDOW);
            w[end] = seq + 1 + length - TcpHeader.dataOffset(b, tcp);
            return true;
        }
        if ((w[self] & SEEN) == 0) {
            if ((flags & TcpHeader.RST) == 0) {
                if ((flags & (TcpHeader.ACK | TcpHeader.FIN)) == TcpHeader.ACK && (w[peer] & SEEN) != 0) {
                    w[self] = CHALLENGED; // a bare ACK to the peer's SYN
                    w[end] = TcpHeader.acknowledgment(b, tcp);
                }
                return true;
            }
            // not seen yet: only an RST acknowledging the peer's SYN counts (SYN-SENT)
            return (flags & TcpHeader.ACK) != 0 && (w[peer] & SEEN) != 0
                    && TcpHeader.acknowledgment(b, tcp) == w[peerEnd];
        }
        if (w[peer] == CHALLENGED && (flags & TcpHeader.RST) != 0) {
            return seq == w[peerEnd]; // the answer to the challenge, and nothing else
        }
        int window = w[peer] & MAX_WINDOW;
        int offset = seq - w[end];
        if (offset < -window || offset > window) {
            return (flags & (TcpHeader.RST | TcpHeader.FIN)) == 0;
        }
        int segmentEnd = seq + length - TcpHeader.dataOffset(b, tcp) + (syn ? 1 : 0)
                + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
        if (segmentEnd - w[end] > 0) {
            w[end] = segmentEnd;
        }
        int advertised = TcpHeader.window(b, tcp);
        if (!syn && (w[self] & w[peer] & SCALE_OFFERED) != 0) {
            advertised = (int) Math.min((long) advertised << ((w[self] & SHIFT_MASK) >>> SHIFT_AT), MAX_WINDOW);
        }
        if (advertised > (w[self] & MAX_WINDOW)) {
            w[self] = (w[self] & ~MAX_WINDOW) | advertised;
        }
        return true;
    }

    /** The SCALE_OFFERED and shift bits of a SYN's window-scale option, 0 without a well-formed one. */
    private static int synScale(byte[] b, int tcp) {
        int at = TcpOptions.find(b, tcp, KIND_WINDOW_SCALE);
        if (at < 0 || (b[at + 1] & 0xff) != WINDOW_SCALE_LENGTH) {
            return 0;
        }
        return SCALE_OFFERED | Math.min(b[at + 2] & 0xff, MAX_SHIFT) << SHIFT_AT;
    }
}
