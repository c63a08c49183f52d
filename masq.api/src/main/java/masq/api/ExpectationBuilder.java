package masq.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Describes a related connection that the engine should accept and link to the current (master)
 * connection, obtained from {@link HelperContext#expect(Transport)}.
 *
 * <p>By default the expected connection comes <em>from the outside</em>: from the master's remote
 * address (any port) to a gateway port the engine allocates, and it is delivered to the master's
 * inside address at the port given by {@link #insideTarget(int, int)}. The active FTP data
 * connection is such a case. With {@link #fromInside()} it is instead a connection an inside host
 * opens to a given remote address and port (the passive FTP data connection); the engine allocates
 * its gateway port when it arrives.
 *
 * <p>An expectation matches once: the first matching packet turns it into a connection linked to the
 * master. A master cannot expire while a child lives; when the master ends, its pending expectations
 * are removed. A helper has at most {@link MasqHelper#MAX_EXPECTED} pending expectations per master;
 * registering one more removes the oldest.
 */
@ProviderType
public interface ExpectationBuilder {
    /**
     * Fixes the remote address. Default: the master's remote address. Keep it fixed whenever the
     * protocol allows it: a wildcard lets anyone in.
     */
    ExpectationBuilder remoteAddress(int address);

    /** Accepts the connection from (or to) any remote address. */
    ExpectationBuilder anyRemoteAddress();

    /** Fixes the remote port. Default: any port. */
    ExpectationBuilder remotePort(int port);

    /** Accepts any remote port (the default). */
    ExpectationBuilder anyRemotePort();

    /**
     * Sets the inside end of the expected connection. The address must be the master's inside
     * address unless the administrator configured the helper otherwise; the port is required for an
     * expectation from the outside.
     */
    ExpectationBuilder insideTarget(int address, int port);

    /** Makes this an expectation of a connection the inside host opens (see the class comment). */
    ExpectationBuilder fromInside();

    /** Chooses how the gateway port is allocated. Default: {@link PortPolicy#ANY}. */
    ExpectationBuilder portPolicy(PortPolicy policy);

    /** Sets the lifetime in seconds. Default: the helper's {@link MasqHelper#EXPECT_TIMEOUT_SECONDS}. */
    ExpectationBuilder timeoutSeconds(int seconds);

    /**
     * Makes the expectation match every connection to its gateway port, not only the first, for as
     * long as its master lives: a client's listening port that it announced for its whole session
     * and that any number of peers may open, as an ICQ client's direct-connection port. The gateway
     * port is held as a port forward holds one (no outbound mapping gets it); each connection is a
     * child of the master; the timeout is not used, the expectation ends with its master or when
     * the helper is withdrawn. Only for an expectation from the outside with {@link PortPolicy#ANY}
     * or {@link PortPolicy#SAME_AS_INSIDE_IF_FREE}; {@link #register()} refuses it otherwise.
     *
     * @since 1.3
     */
    ExpectationBuilder repeating();

    /** Attaches the named helper to the child connection. Default: no helper. */
    ExpectationBuilder childHelper(String helperName);

    /**
     * Registers the expectation.
     *
     * @return the allocated gateway port (the first of a pair) for an expectation from the outside,
     *         {@code 0} for one {@link #fromInside() from the inside}, or {@code -1} if it was refused
     *         (no free port, a limit reached, an argument out of range); a refusal is counted
     */
    int register();
}
