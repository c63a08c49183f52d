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
