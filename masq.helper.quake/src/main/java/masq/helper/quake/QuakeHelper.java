package masq.helper.quake;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.PortPolicy;
import masq.api.Transport;
import masq.api.Verdict;

/**
 * The NetQuake helper, the successor of Linux 2.2's {@code ip_masq_quake}, attached to the UDP flows
 * inside clients open to port 26000 (or those configured under {@code masq.helper.quake}).
 *
 * <p>A NetQuake server answers a client's connect request ({@code CCREQ_CONNECT}) with
 * {@code CCREP_ACCEPT} naming a new server port, a socket for that client alone, and ignores
 * ("Forged packet received") whatever reaches that socket from another address or port than the
 * one that asked. Behind a gateway that maps per destination ({@code mapping =
 * address-and-port-dependent}, as Linux 2.2 did) the client's packets to the new port would leave
 * from a new gateway port; behind one that filters per destination the server's packets from its new
 * port would be dropped if they came first. On an accept that answers a connect of this flow, the
 * helper asks the engine to let the server's new port share the flow's gateway port
 * ({@link PortPolicy#MASTER}), both ways: no payload is changed.
 *
 * <p>Hardened (protocols.md §5.4, §8.3): only control packets ({@code 80 00}, big-endian length)
 * whose length field equals the datagram's are read; an accept counts only from the server, after a
 * connect the client sent on this flow; a port below 1024, port 0, or a port word with high bits
 * set is refused; QuakeWorld's packets ({@code FF FF FF FF}) and game data pass untouched.
 * Every refusal is counted under the helper's name.
 *
 * <p>Not covered: a Quake server inside, published by a port forward, whose accept would need its
 * port rewritten (helpers attach to inbound flows in a later issue); QuakeWorld and Quake II/III need
 * no helper (one server port; the QuakeWorld client's "qport" even survives a port change).
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=quake",
        MasqHelper.TRANSPORT + "=udp",
        MasqHelper.PORTS + "=26000",
        MasqHelper.MAX_EXPECTED + ":Integer=1",
        MasqHelper.EXPECT_TIMEOUT_SECONDS + ":Integer=" + QuakeHelper.ACCEPT_TIMEOUT_SECONDS })
public final class QuakeHelper implements MasqHelper {
    /** How long the server's new port may wait for its first packet. */
    static final int ACCEPT_TIMEOUT_SECONDS = 60;
    static final int MIN_PORT = 1024;
    /** Header: {@code 80 00}, the big-endian length, the command. */
    static final int HEADER = 5;
    static final int CCREQ_CONNECT = 0x01;
    static final int CCREP_ACCEPT = 0x81;
    static final int CCREP_REJECT = 0x82;
    /** {@code QUAKE\0} and {@code NET_PROTOCOL_VERSION} 3, after the header of a connect. */
    private static final byte[] GAME = {'Q', 'U', 'A', 'K', 'E', 0, 3};
    static final int CONNECT_LENGTH = HEADER + 7;
    static final int ACCEPT_LENGTH = HEADER + 4;

    static final String REFUSED_LENGTH = "length-mismatch";
    static final String REFUSED_GAME = "not-quake";
    static final String REFUSED_UNSOLICITED = "unsolicited-accept";
    static final String REFUSED_PORT = "port-malformed";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_NO_PORT = "no-port";

    /** The state of a flow whose client asked to connect and has no answer yet. */
    private static final Object CONNECTING = new Object();

    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        if (length < HEADER || payload[offset] != (byte) 0x80 || payload[offset + 1] != 0) {
            return Verdict.ACCEPT; // game data, QuakeWorld, or not Quake at all
        }
        if (((payload[offset + 2] & 0xff) << 8 | (payload[offset + 3] & 0xff)) != length) {
            context.refused(REFUSED_LENGTH);
            return Verdict.ACCEPT;
        }
        int command = payload[offset + 4] & 0xff;
        if (context.direction() == Direction.OUTBOUND) {
            if (command == CCREQ_CONNECT) {
                connect(context, payload, offset, length);
            }
        } else if (command == CCREP_ACCEPT) {
            accept(context, payload, offset, length);
        } else if (command == CCREP_REJECT) {
            context.state(null);
        }
        return Verdict.ACCEPT;
    }

    private static void connect(HelperContext context, byte[] payload, int offset, int length) {
        if (length < CONNECT_LENGTH || !startsWith(payload, offset + HEADER, GAME)) {
            context.refused(REFUSED_GAME);
            return;
        }
        context.state(CONNECTING);
    }

    private static void accept(HelperContext context, byte[] payload, int offset, int length) {
        if (context.state() != CONNECTING) {
            context.refused(REFUSED_UNSOLICITED);
            return;
        }
        context.state(null);
        if (length < ACCEPT_LENGTH || payload[offset + 7] != 0 || payload[offset + 8] != 0) {
            context.refused(REFUSED_PORT);
            return;
        }
        int port = (payload[offset + 5] & 0xff) | (payload[offset + 6] & 0xff) << 8;
        if (port < MIN_PORT) {
            context.refused(REFUSED_PORT_PRIVILEGED);
            return;
        }
        if (port == context.flow().remotePort()) {
            return; // the server kept its port: nothing to open
        }
        if (context.expect(Transport.UDP).remotePort(port).portPolicy(PortPolicy.MASTER).register() < 0) {
            context.refused(REFUSED_NO_PORT);
        }
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
