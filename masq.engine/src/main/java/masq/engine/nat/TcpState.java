package masq.engine.nat;

import masq.engine.packet.TcpHeader;

/**
 * TCP connection tracking just deep enough to choose a timeout class (RFC 5382 REQ-2 and REQ-5,
 * RFC 7857 §2): a set of bits per session, one per event seen. Established (both SYNs seen, in
 * any order, so simultaneous open works) gets the established timeout, also while half-closed;
 * opening, both FINs (TIME-WAIT) and RST get the transitory one, and RST keeps the session for
 * that long rather than deleting it (RFC 7857 §2.2).
 *
 * <p>A session is <em>closed</em> once both FINs or an RST were seen. A new SYN without ACK on a
 * closed session reopens it on the same binding and port, as Linux conntrack does for a SYN in
 * TIME_WAIT or CLOSE (and as an end host may accept a SYN in TIME-WAIT, RFC 1122 §4.2.2.13): a
 * client reusing its port soon after a close keeps its mapping instead of waiting out the 4 min of
 * RFC 5382 REQ-5 / RFC 7857 §2.2. The reopened session carries a new connection: new id, helper
 * chosen afresh, nothing of the old one's helper state ({@code FlowTable}). A SYN on a half-closed
 * session does not reopen it (one side may still be sending). Closed sessions are also the only
 * ones {@link FlowTable} may reclaim when a port range is exhausted.
 */
final class TcpState {
    static final int OUT_SYN = 0x01;
    static final int IN_SYN = 0x02;
    static final int OUT_FIN = 0x04;
    static final int IN_FIN = 0x08;
    static final int RST = 0x10;
    /** Created by a non-SYN segment (picked up mid-stream): the first inbound segment counts as its SYN. */
    static final int MIDSTREAM = 0x20;

    private TcpState() {
    }

    /** The state of a session created by an outbound segment with {@code flags}. */
    static int initial(int flags, boolean outbound) {
        if ((flags & TcpHeader.SYN) == 0) {
            return outbound ? MIDSTREAM | OUT_SYN : MIDSTREAM | IN_SYN;
        }
        return outbound ? OUT_SYN : IN_SYN;
    }

    /** The state after a segment with {@code flags} in one direction. */
    static int next(int state, int flags, boolean outbound) {
        if ((flags & TcpHeader.RST) != 0) {
            return state | RST;
        }
        if ((flags & TcpHeader.SYN) != 0) {
            if (reopens(state, flags)) {
                state = 0;
            }
            state |= outbound ? OUT_SYN : IN_SYN;
        } else if ((state & MIDSTREAM) != 0) {
            state |= outbound ? OUT_SYN : IN_SYN;
        }
        if ((flags & TcpHeader.FIN) != 0) {
            state |= outbound ? OUT_FIN : IN_FIN;
        }
        return state;
    }

    /** True if a segment with {@code flags} starts a new connection on a session in {@code state}. */
    static boolean reopens(int state, int flags) {
        return closed(state) && (flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) == TcpHeader.SYN;
    }

    /** True while the established timeout applies. */
    static boolean established(int state) {
        return (state & (OUT_SYN | IN_SYN)) == (OUT_SYN | IN_SYN) && (state & RST) == 0
                && (state & (OUT_FIN | IN_FIN)) != (OUT_FIN | IN_FIN);
    }

    /** True once the connection is over: both FINs seen (TIME_WAIT) or reset (CLOSE). */
    static boolean closed(int state) {
        return (state & RST) != 0 || (state & (OUT_FIN | IN_FIN)) == (OUT_FIN | IN_FIN);
    }

    /** The state's name as the console prints it, after Linux 2.2's names. */
    static String name(int state) {
        if ((state & RST) != 0) {
            return "CLOSE";
        }
        if ((state & (OUT_FIN | IN_FIN)) == (OUT_FIN | IN_FIN)) {
            return "TIME_WAIT";
        }
        if ((state & OUT_FIN) != 0) {
            return "FIN_WAIT";
        }
        if ((state & IN_FIN) != 0) {
            return "CLOSE_WAIT";
        }
        if (established(state)) {
            return "ESTABLISHED";
        }
        return (state & OUT_SYN) != 0 ? "SYN_SENT" : "SYN_RECV";
    }
}
