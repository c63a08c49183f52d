package masq.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the engine offers a helper during one {@link MasqHelper#handle} or
 * {@link MessageHelper#message} call: the connection, the
 * direction, payload edits, expectations and per-connection state. Valid only during that call and
 * only on the engine thread.
 *
 * <p>Edits are described against the payload (or the message) as the helper saw it: offsets are
 * relative to its first byte. They are applied when the call returns {@link Verdict#ACCEPT}, in offset order;
 * they may not overlap. The engine then resizes the packet, fixes the IP total length and all
 * checksums and, for TCP, records the length change so that later segments, retransmissions, ACKs
 * and SACK blocks stay consistent in both directions.
 */
@ProviderType
public interface HelperContext {
    /**
     * The most bytes all edits of one call may add: of one packet for {@link MasqHelper#handle}, of
     * one message for {@link MessageHelper#message}.
     */
    int MAX_GROWTH_PER_PACKET = 256;

    /** @return the connection the packet belongs to */
    FlowView flow();

    /** @return the direction of the packet */
    Direction direction();

    /**
     * @return for TCP, the sender's original sequence number of the first payload byte (before any
     *         edit shifted it), as an unsigned 32-bit value in a {@code long}; a retransmission shows
     *         the same number again. For UDP, 0.
     */
    long tcpSequence();

    /**
     * Asks the engine to replace {@code length} payload bytes starting at {@code offset} with
     * {@code count} bytes of {@code bytes} starting at {@code from}. The bytes are copied now. A
     * {@code length} of 0 inserts before {@code offset} (which may equal the payload length, to
     * append); a {@code count} of 0 deletes, and a packet whose whole payload is deleted still leaves
     * (its acknowledgement and sequence space are kept consistent). Two edits that only touch, such as
     * {@code [0,5)} and {@code [5,8)}, do not overlap.
     *
     * @return {@code true} if the edit was recorded; {@code false} (and counted) if it is out of the
     *         payload, overlaps an earlier edit of this packet, or would grow the packet by more than
     *         {@link #MAX_GROWTH_PER_PACKET} bytes in all
     */
    boolean replace(int offset, int length, byte[] bytes, int from, int count);

    /**
     * Like {@link #replace(int, int, byte[], int, int)} with the US-ASCII bytes of {@code text}.
     *
     * @return {@code true} if the edit was recorded
     */
    boolean replace(int offset, int length, CharSequence text);

    /**
     * Starts describing a related connection the engine should let through and link to this one
     * (the FTP data connection, a DCC transfer). Nothing happens until
     * {@link ExpectationBuilder#register()}.
     *
     * @param transport the related connection's transport
     * @return a builder whose defaults are described on {@link ExpectationBuilder}
     */
    ExpectationBuilder expect(Transport transport);

    /**
     * Removes the expectations this connection has pending (RTSP's {@code TEARDOWN}: the media
     * ports it announced will not be used). Connections that already matched one go on.
     *
     * @return how many were removed
     * @since 1.1
     */
    int cancelExpectations();

    /**
     * Notes that the helper refused to act on the payload (a forged address, a privileged port, an
     * overlong line). The engine counts it under the helper's name and the reason, and logs it
     * rate-limited with the connection.
     *
     * @param reason a short constant such as {@code "port-privileged"}; not payload text
     */
    void refused(String reason);

    /** @return the per-connection state last set with {@link #state(Object)}, or {@code null} */
    Object state();

    /**
     * Keeps a small per-connection object (a line buffer, "PASV seen") until the connection ends,
     * when {@link MasqHelper#flowEnded} receives it.
     *
     * @param state the new state, or {@code null} to drop it
     */
    void state(Object state);
}
