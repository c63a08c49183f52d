package masq.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A helper that is given whole messages instead of segments: the engine cuts each direction of a
 * TCP connection by the helper's {@link Framing} and calls {@link #message} once per complete
 * message, in sequence order. Register it exactly as a {@link MasqHelper}; everything said there
 * (service properties, attachment, threading, exceptions) holds.
 *
 * <p><b>What the engine does for it</b>, per connection and direction, in bounded memory:
 * <ul>
 * <li>a message split over segments is held back from them and leaves whole, with the edits, in
 *     the segment that completes it; bytes that cannot belong to a message the helper wants (a
 *     line with another start) are never held;</li>
 * <li>retransmitted bytes are not shown again: the engine repeats the output it gave them, also
 *     when a retransmission is cut differently from the original;</li>
 * <li>a segment beyond a gap (an earlier segment did not reach the gateway) is dropped, counted
 *     {@code helper.stream.gap} and reported as {@value Framing#REFUSED_OUT_OF_ORDER}; the sender
 *     retransmits in order, and no message is parsed from a stream with a hole in it;</li>
 * <li>a message that cannot be taken now (the edits of the segment would not fit the packet, or
 *     too many unacknowledged edits are outstanding) is cut from the segment with what follows it,
 *     counted {@code helper.stream.deferred}; the receiver does not acknowledge those bytes and the
 *     sender sends them again;</li>
 * <li>when the helper is withdrawn or the connection taken from it, held bytes leave unchanged
 *     with the next segment (or the FIN).</li>
 * </ul>
 *
 * <p>Edits ({@link HelperContext#replace}) and the limits on them are relative to the message;
 * {@link HelperContext#tcpSequence()} gives the sender's sequence number of the message's first
 * byte, which a message helper should not need. Returning {@link Verdict#DROP} removes the message
 * from the stream (the receiver never sees it); the packet still leaves. For UDP every datagram is
 * one message and {@link #message} is called for it.
 */
@ConsumerType
public interface MessageHelper extends MasqHelper {
    /**
     * The framing of one direction, asked once per connection when the helper is attached.
     *
     * @return the framing, or {@code null} to let that direction pass unexamined
     */
    Framing framing(Direction direction);

    /**
     * The framing of one direction of {@code flow}, asked once per connection when the helper is
     * attached: the engine calls this one. The default returns {@link #framing(Direction)}; a
     * helper that can serve an inside server (see {@link FlowView#initiator()}) overrides it to
     * frame the client's and the server's bytes by who sent them.
     *
     * @param flow      the connection; valid only during this call
     * @param direction the direction framed
     * @return the framing, or {@code null} to let that direction pass unexamined
     */
    default Framing framing(FlowView flow, Direction direction) {
        return framing(direction);
    }

    /**
     * Looks at one complete message.
     *
     * @param context the connection, the direction and the engine's services; edits are relative to
     *                the message's first byte; valid only during this call
     * @param message the array holding the message; do not write to it or keep it
     * @param offset  the index of the message's first byte
     * @param length  the message's length, at least 1 (a line includes its LF)
     * @return {@link Verdict#ACCEPT} to pass it with the edits, {@link Verdict#DROP} to remove it
     */
    Verdict message(HelperContext context, byte[] message, int offset, int length);

    /**
     * Shows the direction's first bytes when the framing asks for a {@link Framing#prologue}. They
     * are read-only here (edits are refused); the same bytes are framed as usual afterwards. The
     * default does nothing.
     */
    default void prologue(HelperContext context, byte[] bytes, int offset, int length) {
    }

    /**
     * Not called for a message helper on TCP; for UDP the engine calls {@link #message}. The default
     * accepts.
     */
    @Override
    default Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        return Verdict.ACCEPT;
    }
}
