package masq.engine.helper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Direction;
import masq.api.Framing;
import masq.api.MessageHelper;
import masq.api.Verdict;
import masq.engine.edit.PayloadEdits;
import masq.engine.edit.SequenceAdjustment;
import masq.engine.edit.SequenceRecords;
import masq.engine.nat.Counter;
import masq.engine.nat.Counters;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;

/**
 * The glue between TCP segments and {@link MessageStream}s for {@link MessageHelper}s: runs a
 * segment through its direction's stream, calls the helper for each complete message, writes the
 * stream's output into the packet, records its length changes for sequence adjustment, clears
 * the FIN of a segment that was cut, and tells the streams what the receivers acknowledged. One
 * instance serves every connection; engine thread only; no allocation per packet.
 */
final class MessageLayer implements MessageStream.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(MessageLayer.class);
    /** The largest IPv4 datagram. */
    private static final int MAX_DATAGRAM = 65535;

    private final Counters counters;
    private final FlowContext context;
    private final HelperDispatch dispatch;
    /** The output of one segment: a whole datagram's payload, grown by one message's edits. */
    private final byte[] output = new byte[MAX_DATAGRAM + masq.api.HelperContext.MAX_GROWTH_PER_PACKET
            + Framing.MAX_LENGTH];
    private final LogLimiter log = new LogLimiter();
    private Attachment flow;
    private boolean outbound;

    MessageLayer(Counters counters, FlowContext context, HelperDispatch dispatch) {
        this.counters = counters;
        this.context = context;
        this.dispatch = dispatch;
    }

    /** Gives a newly attached TCP connection of a message helper its two streams. */
    static void attach(Attachment a, MessageHelper helper) {
        Framing out = helper.framing(Direction.OUTBOUND);
        Framing in = helper.framing(Direction.INBOUND);
        a.outboundMessages = new MessageStream(out);
        a.inboundMessages = new MessageStream(in);
    }

    /**
     * A translated segment of a connection with message streams, with or without payload.
     *
     * @return false to drop it (it starts beyond a gap)
     */
    boolean segment(Attachment a, boolean out, PacketBuffer p, int l4, int payloadOffset, int payloadLength,
            int seq) {
        MessageStream stream = out ? a.outboundMessages : a.inboundMessages;
        byte[] b = p.data;
        boolean fin = (TcpHeader.flags(b, l4) & TcpHeader.FIN) != 0;
        int headers = payloadOffset - p.offset;
        int maxOutput = Math.min(MAX_DATAGRAM, p.capacity()) - headers;
        flow = a;
        outbound = out;
        int result = stream.segment(seq, b, payloadOffset, payloadLength, fin, output, maxOutput, this);
        flow = null;
        if (result == MessageStream.GAP) {
            counters.increment(Counter.STREAM_GAP);
            dispatch.refusedFor(a, Framing.REFUSED_OUT_OF_ORDER);
            return false;
        }
        if (stream.heldNeedsAck() && (TcpHeader.flags(b, l4) & TcpHeader.ACK) != 0) {
            acknowledgeHeld(a, out, TcpHeader.acknowledgment(b, l4), stream);
        }
        if (result == MessageStream.UNCHANGED) {
            return true;
        }
        PayloadEdits.replacePayload(p, l4, payloadOffset, output, stream.outputLength());
        for (int i = 0; i < stream.changeCount(); i++) {
            int original = stream.changeEnd(i) - stream.changeStart(i);
            if (stream.changeLength(i) != original) {
                if (a.sequence == null) {
                    a.sequence = new SequenceAdjustment();
                }
                a.sequence.records(out).record(seq + stream.changeStart(i), original, stream.changeLength(i));
            }
        }
        if (stream.cut()) {
            counters.increment(Counter.STREAM_DEFERRED);
            log.warn(LOG, "{}: a message could not be taken now and was cut from the segment; the sender sends "
                    + "it again", a);
            if (fin) {
                clearFin(b, l4);
            }
        }
        return true;
    }

    /**
     * Every translated segment of a connection with message streams, before its sequence numbers
     * are adjusted: its acknowledgment tells the other direction's stream what it may forget.
     */
    void acknowledgment(Attachment a, boolean out, byte[] b, int l4) {
        if ((TcpHeader.flags(b, l4) & TcpHeader.ACK) == 0) {
            return;
        }
        int ack = TcpHeader.acknowledgment(b, l4);
        SequenceRecords peer = a.sequence == null ? null : a.sequence.records(!out);
        int original = peer != null && peer.changed() ? peer.toOriginal(ack) : ack;
        (out ? a.inboundMessages : a.outboundMessages).acknowledged(original, TcpHeader.window(b, l4));
    }

    /** @return whether a segment without payload must go through the stream: a FIN after held bytes */
    static boolean holdsAtFin(Attachment a, boolean out, byte[] b, int l4) {
        MessageStream stream = out ? a.outboundMessages : a.inboundMessages;
        return (TcpHeader.flags(b, l4) & TcpHeader.FIN) != 0 && (stream.heldLength() > 0 || stream.rememberedCount() > 0);
    }

    /** The packets made to acknowledge held bytes, waiting for {@link #poll}; the oldest is overwritten. */
    private static final int QUEUED_ACKS = 8;
    private static final int ACK_LENGTH = Ipv4Header.MIN_LENGTH + TcpHeader.MIN_LENGTH;
    private final byte[][] acks = new byte[QUEUED_ACKS][ACK_LENGTH];
    private int ackHead;
    private int ackCount;

    /**
     * Acknowledges the held bytes to their sender, as their receiver would (see
     * {@link MessageStream#heldNeedsAck()}): a pure ACK from the receiver's address and port, with
     * the sequence number the sender expects ({@code senderAck}, what its segment acknowledged) and
     * the receiver's last window.
     */
    private void acknowledgeHeld(Attachment a, boolean out, int senderAck, MessageStream stream) {
        byte[] p = acks[(ackHead + ackCount) % QUEUED_ACKS];
        if (ackCount == QUEUED_ACKS) {
            ackHead = (ackHead + 1) % QUEUED_ACKS;
        } else {
            ackCount++;
        }
        int source = out ? a.remoteAddress : a.outsideAddress;
        int destination = out ? a.insideAddress : a.remoteAddress;
        java.util.Arrays.fill(p, (byte) 0);
        p[0] = 0x45;
        Bytes.set16(p, Ipv4Header.OFFSET_TOTAL_LENGTH, ACK_LENGTH);
        Bytes.set16(p, 6, Ipv4Header.FLAG_DONT_FRAGMENT);
        p[Ipv4Header.OFFSET_TTL] = 64;
        p[9] = (byte) Ipv4Header.PROTOCOL_TCP;
        Bytes.set32(p, Ipv4Header.OFFSET_SOURCE, source);
        Bytes.set32(p, Ipv4Header.OFFSET_DESTINATION, destination);
        Ipv4Header.setChecksum(p, 0, Checksum.compute(p, 0, Ipv4Header.MIN_LENGTH, 0));
        int t = Ipv4Header.MIN_LENGTH;
        Bytes.set16(p, t + TcpHeader.OFFSET_SOURCE_PORT, out ? a.remotePort : a.masqPort);
        Bytes.set16(p, t + TcpHeader.OFFSET_DESTINATION_PORT, out ? a.insidePort : a.remotePort);
        TcpHeader.setSequence(p, t, senderAck);
        TcpHeader.setAcknowledgment(p, t, stream.next());
        p[t + TcpHeader.OFFSET_DATA_OFFSET] = (byte) (TcpHeader.MIN_LENGTH / 4 << 4);
        p[t + TcpHeader.OFFSET_DATA_OFFSET + 1] = (byte) TcpHeader.ACK;
        Bytes.set16(p, t + 14, stream.receiverWindow());
        TcpHeader.setChecksum(p, t, Checksum.compute(p, t, TcpHeader.MIN_LENGTH,
                Checksum.pseudoHeader(source, destination, Ipv4Header.PROTOCOL_TCP, TcpHeader.MIN_LENGTH)));
        counters.increment(Counter.STREAM_HELD_ACKED);
    }

    /** Copies the oldest queued acknowledgment into {@code out}; false when none is queued. */
    boolean poll(PacketBuffer out) {
        if (ackCount == 0) {
            return false;
        }
        byte[] p = acks[ackHead];
        ackHead = (ackHead + 1) % QUEUED_ACKS;
        ackCount--;
        return out.set(p, 0, ACK_LENGTH);
    }

    @Override
    public int message(byte[] b, int off, int len, int seq, byte[] out, int at) {
        ActiveHelper h = flow.helper;
        if (h == null || h.messages == null) {
            return MessageStream.AS_IS;
        }
        counters.increment(Counter.HELPER_MESSAGES);
        counters.increment(Counter.HELPER_CALLS);
        context.open(flow, outbound, seq & 0xffffffffL, len);
        Verdict verdict;
        try {
            verdict = h.messages.message(context, b, off, len);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            context.close();
            dispatch.failed(h, flow, e);
            return MessageStream.AS_IS;
        }
        context.close();
        h.consecutiveFailures = 0;
        if (verdict == Verdict.DROP) {
            counters.increment(Counter.HELPER_VERDICT_DROP);
            return 0;
        }
        PayloadEdits edits = context.edits();
        if (edits.size() == 0) {
            return MessageStream.AS_IS;
        }
        counters.increment(Counter.EDITS_APPLIED);
        return edits.applyTo(b, off, len, out, at);
    }

    @Override
    public void prologue(byte[] b, int off, int len) {
        ActiveHelper h = flow.helper;
        if (h == null || h.messages == null) {
            return;
        }
        counters.increment(Counter.HELPER_CALLS);
        context.open(flow, outbound, 0, len);
        try {
            h.messages.prologue(context, b, off, len);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            context.close();
            dispatch.failed(h, flow, e);
            return;
        }
        context.close();
        h.consecutiveFailures = 0;
        if (context.edits().size() > 0) {
            counters.increment(Counter.EDIT_REFUSED_RANGE);
        }
    }

    @Override
    public void refused(String reason) {
        counters.increment(Framing.REFUSED_UNFRAMED.equals(reason) ? Counter.STREAM_UNFRAMED : Counter.MESSAGE_OVERLONG);
        dispatch.refusedFor(flow, reason);
    }

    @Override
    public boolean room() {
        return flow.sequence == null || flow.sequence.records(outbound).canRecord();
    }

    /** Clears FIN: the segment was cut, so the stream does not end where it said. */
    private static void clearFin(byte[] b, int l4) {
        int at = l4 + TcpHeader.OFFSET_DATA_OFFSET;
        int word = Bytes.get16(b, at);
        int cleared = word & ~TcpHeader.FIN;
        Bytes.set16(b, at, cleared);
        TcpHeader.setChecksum(b, l4, Checksum.update16(TcpHeader.checksum(b, l4), word, cleared));
    }
}
