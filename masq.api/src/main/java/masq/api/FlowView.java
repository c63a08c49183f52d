package masq.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of one masqueraded connection (a mapping). The view is valid only during the
 * call that received it; copy the values a helper needs later.
 *
 * <pre>
 *   inside host                     gateway                          remote host
 *   insideAddress:insidePort  ⇄  outsideAddress:masqPort  ⇄  remoteAddress:remotePort
 * </pre>
 */
@ProviderType
public interface FlowView {
    /** @return the engine's identifier of this connection, unique while the engine runs */
    long id();

    /** @return the transport of the connection */
    Transport transport();

    /**
     * Which side opened the connection: {@link Direction#OUTBOUND} when an inside host did (the
     * masqueraded case: the client is inside), {@link Direction#INBOUND} when an outside host did,
     * through a port forward that assigns this helper (the server is inside). A helper whose
     * protocol has a client and a server tells them apart by it: bytes travelling in the
     * initiator's direction are the client's.
     *
     * @return the direction of the connection's first packet
     */
    Direction initiator();

    /** @return the inside host's real address */
    int insideAddress();

    /** @return the inside host's real port */
    int insidePort();

    /** @return the gateway's outside address the connection is masqueraded to */
    int outsideAddress();

    /** @return the gateway port the connection is masqueraded to */
    int masqPort();

    /** @return the remote host's address */
    int remoteAddress();

    /** @return the remote host's port */
    int remotePort();

    /** @return whether the connection was created from an expectation of another connection */
    boolean isChild();
}
