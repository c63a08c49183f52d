package masq.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An application-protocol helper: reads the payload of the connections it is attached to and asks
 * the engine to rewrite addresses and ports embedded in it and to let related connections through.
 *
 * <p><b>Registration.</b> Register an object of this type as an OSGi service (a Declarative Services
 * component is the usual way) with these service properties:
 * <ul>
 * <li>{@link #NAME} (String, required): a unique name such as {@code ftp}; at most
 * {@link #MAX_NAME_LENGTH} characters from {@code [a-z0-9_-]};</li>
 * <li>{@link #TRANSPORT} (String, required): {@code tcp} or {@code udp};</li>
 * <li>{@link #PORTS} (Integer, int[], Integer[] or a comma-separated String, required): the default
 * server ports, e.g. {@code 21};</li>
 * <li>{@link #MAX_EXPECTED} and {@link #EXPECT_TIMEOUT_SECONDS} (optional): the expectation policy;</li>
 * <li>{@code service.ranking} (optional): decides a duplicate claim, see below.</li>
 * </ul>
 * The administrator overrides the ports at runtime with the Config Admin configuration whose PID is
 * {@link #CONFIG_PID_PREFIX} followed by the name ({@code masq.helper.ftp}) and key
 * {@link #CONFIG_PORTS} ({@code ports = 21,2121}). A helper may read its own options from the same
 * PID.
 *
 * <p><b>Duplicates.</b> Two helpers may not share a name, nor a transport and port. The engine ranks
 * helpers by {@code service.ranking} (highest first) and then by {@code service.id} (lowest first);
 * the first claim wins and a later one is refused as a whole and reported by the console.
 *
 * <p><b>Attachment.</b> A running helper is attached to new connections that inside hosts open to
 * one of its ports, to connections its own expectations name as children, and to connections from
 * outside to a port forward whose configuration names it ({@code helper = NAME} in
 * {@code masq.portfw}: a server inside; {@link FlowView#initiator()} is then
 * {@link Direction#INBOUND}). It is never attached to other connections, inbound ones least of all,
 * without that configuration: port-based attachment everywhere is what netfilter removed for
 * security (2012-2022).
 *
 * <p><b>Threading.</b> The engine calls every method on its single engine thread, one packet at a
 * time. Methods must not block, must not keep references to the payload array after returning, and
 * should not throw: an exception is caught, counted and, after repeated failures, the helper stops
 * being attached to new connections.
 */
@ConsumerType
public interface MasqHelper {
    /** Service property: the helper's name (String), e.g. {@code "ftp"}. */
    String NAME = "masq.helper.name";
    /** Service property: the transport the helper watches (String), {@code "tcp"} or {@code "udp"}. */
    String TRANSPORT = "masq.helper.transport";
    /** Service property: the default server ports (Integer, int[], Integer[] or "21,2121"). */
    String PORTS = "masq.helper.ports";
    /**
     * Service property: the most expectations one master connection may have pending (Integer,
     * default {@link #DEFAULT_MAX_EXPECTED}). A further expectation replaces the oldest pending one.
     */
    String MAX_EXPECTED = "masq.helper.maxExpected";
    /**
     * Service property: the default lifetime of a pending expectation in seconds (Integer, default
     * {@link #DEFAULT_EXPECT_TIMEOUT_SECONDS}).
     */
    String EXPECT_TIMEOUT_SECONDS = "masq.helper.expectTimeout";
    /** The prefix of a helper's Config Admin PID; the name follows: {@code masq.helper.ftp}. */
    String CONFIG_PID_PREFIX = "masq.helper.";
    /** The configuration key that overrides {@link #PORTS}: a comma-separated list of ports. */
    String CONFIG_PORTS = "ports";
    /** The longest helper name accepted. */
    int MAX_NAME_LENGTH = 32;
    /** Default of {@link #MAX_EXPECTED}. */
    int DEFAULT_MAX_EXPECTED = 1;
    /** Default of {@link #EXPECT_TIMEOUT_SECONDS}. */
    int DEFAULT_EXPECT_TIMEOUT_SECONDS = 120;

    /**
     * Looks at one packet's payload (not called for a {@link MessageHelper} on TCP, which gets
     * whole messages). Called for every packet with a non-empty payload of a
     * connection this helper is attached to, in both directions, in arrival order. For TCP the
     * payload is shown in the sender's original sequence space, before any earlier edit of this
     * helper shifted it, and retransmissions are shown again: a helper must produce the same edits
     * for the same bytes.
     *
     * <p>The payload bytes are {@code payload[offset]} to {@code payload[offset + length - 1]}. They
     * are read-only: change them only through {@link HelperContext#replace}.
     *
     * @param context the connection, the direction and the engine's services; valid only during
     *                this call
     * @param payload the array holding the payload; do not write to it or keep it
     * @param offset  the index of the first payload byte
     * @param length  the number of payload bytes, at least 1
     * @return {@link Verdict#ACCEPT} to forward the packet (with any edits), {@link Verdict#DROP} to
     *         drop it
     */
    Verdict handle(HelperContext context, byte[] payload, int offset, int length);

    /**
     * Called once when a connection this helper was attached to ends (closed, expired or flushed),
     * or when the engine detaches the helper, so that the helper can release per-connection state.
     * The default does nothing.
     *
     * @param flow the connection that ended
     * @param state the object last given to {@link HelperContext#state(Object)}, or {@code null}
     */
    default void flowEnded(FlowView flow, Object state) {
    }
}
