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
import masq.engine.packet.TcpOptions;

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
        Framing out = helper.framing(a, Direction.OUTBOUND);
        Framing in = helper.framing(a, Direction.INBOUND);
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
            int stamps = TcpOptions.timestamps(b, l4);
            acknowledgeHeld(a, out, TcpHeader.acknowledgment(b, l4), stream, stamps < 0 ? -1L
                    : Integer.toUnsignedLong(Bytes.get32(b, stamps)));
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
        if (stream.released()) {
            counters.increment(Counter.STREAM_RELEASED);
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
        MessageStream acknowledged = out ? a.inboundMessages : a.outboundMessages;
        acknowledged.acknowledged(original, TcpHeader.window(b, l4));
        int stamps = TcpOptions.timestamps(b, l4);
        if (stamps >= 0) {
            acknowledged.receiverTimestamp(Bytes.get32(b, stamps));
        }
    }

    /** @return whether a segment without payload must go through the stream: a FIN after held bytes */
    static boolean holdsAtFin(Attachment a, boolean out, byte[] b, int l4) {
        MessageStream stream = out ? a.outboundMessages : a.inboundMessages;
        return (TcpHeader.flags(b, l4) & TcpHeader.FIN) != 0
                && (stream.heldLength() > 0 || stream.rememberedCount() > 0);
    }

    /** The packets made to acknowledge held bytes, waiting for {@link #poll}; the oldest is overwritten. */
    private static final int QUEUED_ACKS = 8;
    /** NOP, NOP, timestamps (RFC 7323 appendix A's layout). */
    private static final int TIMESTAMPS_LENGTH = 12;
    private static final int MAX_ACK_LENGTH = Ipv4Header.MIN_LENGTH + TcpHeader.MIN_LENGTH + TIMESTAMPS_LENGTH;
    private final byte[][] acks = new byte[QUEUED_ACKS][MAX_ACK_LENGTH];
    private final int[] ackLengths = new int[QUEUED_ACKS];
    private int ackHead;
    private int ackCount;

    /**
     * Acknowledges the held bytes to their sender, as their receiver would (see
     * {@link MessageStream#heldNeedsAck()}): a pure ACK from the receiver's address and port, with
     * the sequence number the sender expects ({@code senderAck}, what its segment acknowledged),
     * the receiver's last window and, when both ends use timestamps, the receiver's last TSval
     * echoing the sender's {@code senderTsVal} (a stack that enforces RFC 7323 drops a segment
     * without them).
     */
    private void acknowledgeHeld(Attachment a, boolean out, int senderAck, MessageStream stream, long senderTsVal) {
        int slot = (ackHead + ackCount) % QUEUED_ACKS;
        if (ackCount == QUEUED_ACKS) {
            ackHead = (ackHead + 1) % QUEUED_ACKS;
        } else {
            ackCount++;
        }
        byte[] p = acks[slot];
        boolean stamps = senderTsVal >= 0 && stream.receiverStamps();
        int tcpLength = TcpHeader.MIN_LENGTH + (stamps ? TIMESTAMPS_LENGTH : 0);
        int length = Ipv4Header.MIN_LENGTH + tcpLength;
        ackLengths[slot] = length;
        int source = out ? a.remoteAddress : a.outsideAddress;
        int destination = out ? a.insideAddress : a.remoteAddress;
        java.util.Arrays.fill(p, (byte) 0);
        p[0] = 0x45;
        Bytes.set16(p, Ipv4Header.OFFSET_TOTAL_LENGTH, length);
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
        p[t + TcpHeader.OFFSET_DATA_OFFSET] = (byte) (tcpLength / 4 << 4);
        p[t + TcpHeader.OFFSET_DATA_OFFSET + 1] = (byte) TcpHeader.ACK;
        Bytes.set16(p, t + 14, stream.receiverWindow());
        if (stamps) {
            int o = t + TcpHeader.MIN_LENGTH;
            p[o] = (byte) TcpOptions.KIND_NOP;
            p[o + 1] = (byte) TcpOptions.KIND_NOP;
            p[o + 2] = (byte) TcpOptions.KIND_TIMESTAMPS;
            p[o + 3] = 10;
            Bytes.set32(p, o + 4, stream.receiverTsVal());
            Bytes.set32(p, o + 8, (int) senderTsVal);
        }
        TcpHeader.setChecksum(p, t, Checksum.compute(p, t, tcpLength,
                Checksum.pseudoHeader(source, destination, Ipv4Header.PROTOCOL_TCP, tcpLength)));
        counters.increment(Counter.STREAM_HELD_ACKED);
    }

    /** Copies the oldest queued acknowledgment into {@code out}; false when none is queued. */
    boolean poll(PacketBuffer out) {
        if (ackCount == 0) {
            return false;
        }
        int slot = ackHead;
        ackHead = (ackHead + 1) % QUEUED_ACKS;
        ackCount--;
        return out.set(acks[slot], 0, ackLengths[slot]);
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
        counters.increment(Framing.REFUSED_UNFRAMED.equals(reason) ? Counter.STREAM_UNFRAMED
                : Counter.MESSAGE_OVERLONG);
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
