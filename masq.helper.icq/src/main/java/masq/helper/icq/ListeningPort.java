package masq.helper.icq;

import masq.api.FlowView;
import masq.api.HelperContext;
import masq.api.Transport;

/**
 * The direct-connection port a client announced on a connection (a v5 login, OSCAR's DC info) and
 * the gateway port open to it: kept as the connection's state, so that the same announcement again
 * (a retransmission, a status change) gets the same gateway port and no second expectation.
 */
final class ListeningPort {
    final int insidePort;
    final int masqPort;

    private ListeningPort(int insidePort, int masqPort) {
        this.insidePort = insidePort;
        this.masqPort = masqPort;
    }

    /**
     * @return the gateway port for the client's announced TCP {@code port}: the one the connection
     *         already has for it, or a new one open to every peer while the connection lives (a
     *         repeating expectation); -1 when the engine refused it
     */
    static int open(HelperContext context, int port) {
        if (context.state() instanceof ListeningPort l && l.insidePort == port) {
            return l.masqPort;
        }
        FlowView flow = context.flow();
        int masqPort = context.expect(Transport.TCP).anyRemoteAddress().insideTarget(flow.insideAddress(), port)
                .repeating().register();
        if (masqPort > 0) {
            context.state(new ListeningPort(port, masqPort));
        }
        return masqPort;
    }
}
