package masq.api.link;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What the engine gives {@link GatewayLink#poll} to receive IPv4 datagrams.
 *
 * <p>Threading: called only on the thread that called {@link GatewayLink#poll}, the engine thread,
 * one call at a time. The methods must not block. They may call {@link GatewayLink#send} (the link
 * copies what it sends, so a reply may be built in {@code buf} itself).
 */
@ConsumerType
public interface Ipv4Receiver {
    /**
     * An IPv4 datagram arrived on {@code side}, in an Ethernet frame addressed to the gateway's MAC
     * address (or to broadcast). {@code buf[off, off + len)} is the datagram; {@code len} is at most
     * the IPv4 total length (Ethernet padding is cut off) and may be shorter if the capture was
     * truncated. Nothing is validated beyond the IPv4 version. The bytes are valid until the call
     * returns; the receiver may rewrite them in place and may use {@code buf} up to
     * {@code buf.length} as headroom (at least {@link GatewayLink#RX_HEADROOM} bytes past
     * {@code off + len}).
     *
     * @param side {@link GatewayLink#INSIDE} or {@link GatewayLink#OUTSIDE}
     * @param buf the array holding the datagram
     * @param off where the IPv4 header starts
     * @param len the datagram's length
     */
    void receive(int side, byte[] buf, int off, int len);

    /**
     * A datagram that {@link GatewayLink#send} queued (outcome {@link GatewayLink#QUEUED}) is dropped
     * because its next hop did not answer ARP (RFC 1122 2.3.2.2: the link layer gives up after a
     * bounded number of requests). The engine may answer the datagram's source with ICMP host
     * unreachable (RFC 1812 4.3.3.1 code 1); the default does nothing. The link counts the drop
     * either way.
     *
     * @param side the side the datagram was to leave by
     * @param buf the array holding the datagram, valid until the call returns
     * @param off where the IPv4 header starts
     * @param len the datagram's length
     */
    default void unresolved(int side, byte[] buf, int off, int len) {
    }
}
