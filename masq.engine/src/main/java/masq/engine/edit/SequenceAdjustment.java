package masq.engine.edit;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.TcpHeader;
import masq.engine.packet.TcpOptions;

/**
 * The sequence adjustment of one TCP connection whose payload was resized: the
 * {@link SequenceRecords} of each direction, and the rewrite of a segment's sequence number,
 * acknowledgment number and SACK blocks (RFC 2018) they imply, with incremental checksum updates
 * (RFC 1624). It lives with the mapping, not with the helper, so that a connection keeps its
 * adjustment after its helper is withdrawn.
 *
 * <p>Created on the first length-changing edit of a connection; engine thread only.
 */
public final class SequenceAdjustment {
    private final SequenceRecords outbound = new SequenceRecords();
    private final SequenceRecords inbound = new SequenceRecords();

    /** @return the changes made to the data that travels {@code outbound} (or inbound) */
    public SequenceRecords records(boolean outbound) {
        return outbound ? this.outbound : inbound;
    }

    /**
     * Rewrites a translated segment travelling {@code outbound} (or inbound): its sequence number by
     * its own direction's changes; its acknowledgment number (when ACK is set) and SACK edges by the
     * other direction's, which they acknowledge. The segment must have passed validation (options
     * well formed).
     *
     * @param b   the packet array
     * @param tcp where the TCP header starts
     * @return whether the checksum changed (for counting only: a shift that is a multiple of 0xffff
     *         leaves it as it was)
     */
    public boolean apply(byte[] b, int tcp, boolean outbound) {
        SequenceRecords own = records(outbound);
        SequenceRecords peer = records(!outbound);
        int checksum = TcpHeader.checksum(b, tcp);
        int before = checksum;
        if (own.changed()) {
            int seq = TcpHeader.sequence(b, tcp);
            int shifted = seq + own.delta(seq);
            TcpHeader.setSequence(b, tcp, shifted);
            checksum = Checksum.update32(checksum, seq, shifted);
        }
        if (peer.changed()) {
            checksum = acknowledgments(b, tcp, peer, checksum);
        }
        if (checksum != before) {
            TcpHeader.setChecksum(b, tcp, checksum);
            return true;
        }
        return false;
    }

    /**
     * Reverts the numbers of a segment quoted in an ICMP error (RFC 5508 REQ-4): the quote shows the
     * segment as it was on the far side, so its sequence number goes back through its direction's
     * changes and its acknowledgment (when quoted, with ACK set) forward through the other's. The
     * quoted checksum follows when it is quoted; the caller recomputes the ICMP checksum.
     *
     * @param quotedOutbound whether the quoted segment travelled outbound
     * @param quoted         how many bytes of the TCP header are quoted (at least 8)
     */
    public void revertQuoted(byte[] b, int tcp, int quoted, boolean quotedOutbound) {
        SequenceRecords own = records(quotedOutbound);
        SequenceRecords peer = records(!quotedOutbound);
        int delta = 0;
        int seq = TcpHeader.sequence(b, tcp);
        int original = own.toOriginal(seq);
        TcpHeader.setSequence(b, tcp, original);
        delta += Checksum.delta32(seq, original);
        if (quoted >= TcpHeader.OFFSET_ACKNOWLEDGMENT + 6 && (TcpHeader.flags(b, tcp) & TcpHeader.ACK) != 0) {
            int ack = TcpHeader.acknowledgment(b, tcp);
            int seen = ack + peer.delta(ack);
            TcpHeader.setAcknowledgment(b, tcp, seen);
            delta += Checksum.delta32(ack, seen);
        }
        if (quoted >= TcpHeader.OFFSET_CHECKSUM + 2) {
            TcpHeader.setChecksum(b, tcp, Checksum.adjust(TcpHeader.checksum(b, tcp), delta));
        }
    }

    private static int acknowledgments(byte[] b, int tcp, SequenceRecords peer, int checksum) {
        if ((TcpHeader.flags(b, tcp) & TcpHeader.ACK) != 0) {
            int ack = TcpHeader.acknowledgment(b, tcp);
            int original = peer.toOriginal(ack);
            TcpHeader.setAcknowledgment(b, tcp, original);
            checksum = Checksum.update32(checksum, ack, original);
            peer.acknowledged(original);
        }
        int blocks = TcpOptions.sackBlocks(b, tcp);
        for (int n = 0; n < blocks; n++) {
            int left = TcpOptions.sackBlock(b, tcp, n);
            checksum = edge(b, left, peer, checksum);
            checksum = edge(b, left + 4, peer, checksum);
        }
        return checksum;
    }

    private static int edge(byte[] b, int at, SequenceRecords peer, int checksum) {
        int value = Bytes.get32(b, at);
        int original = peer.toOriginal(value);
        Bytes.set32(b, at, original);
        return Checksum.update32(checksum, value, original);
    }
}
