package masq.helper.vdolive;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.MessageHelper;
import masq.api.Transport;
import masq.api.Verdict;

/**
 * The VDOLive helper, the successor of Linux 2.2's {@code ip_masq_vdolive}, attached to the control
 * connections inside clients open to port 7000 (or those configured under
 * {@code masq.helper.vdolive}). The client announces the UDP port the server is to stream video to
 * (protocols.md §5.3): in its initial message (tag 6, {@code VDO Live} at 24, the port in bytes
 * 34-35) and its secondary message (tag 1, {@code VDO Live} at 8, the port in bytes 18-19). The
 * first announcement gets a gateway port, and an expectation lets the server's UDP, from its
 * address and any port, reach the client's port; every announcement of that port is rewritten to
 * the gateway port, in place.
 *
 * <p>Messages are records whose first 32-bit big-endian word is their length (36 and 20 for the
 * two messages, as the reference vector's {@code 00 00 00 24} shows): the engine reassembles them
 * across segments. Hardened: only the client's messages are read; a port below 1024, a port word
 * with high bits set, or a second, different port on the same connection is refused (one media
 * port per connection, bounded state); a message too short for its tag is not read; all counted.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=vdolive",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + "=7000",
        MasqHelper.MAX_EXPECTED + ":Integer=1" })
public final class VdoLiveHelper implements MessageHelper {
    static final int TAG_INITIAL = 6;
    static final int TAG_SECONDARY = 1;
    static final int INITIAL_LENGTH = 36;
    static final int SECONDARY_LENGTH = 20;
    static final int MAX_MESSAGE = 1024;
    static final int MIN_PORT = 1024;
    private static final byte[] MAGIC = {'V', 'D', 'O', ' ', 'L', 'i', 'v', 'e'};
    static final Framing CLIENT_MESSAGES = Framing.records(0, 4, true, 0, MAX_MESSAGE);

    static final String REFUSED_SHORT = "short";
    static final String REFUSED_PORT = "port-malformed";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_PORT_MISMATCH = "port-mismatch";
    static final String REFUSED_NO_PORT = "no-port";
    static final String REFUSED_EDIT = "edit-refused";

    /** The media port of one connection: the client's and the gateway's. */
    private static final class Media {
        final int insidePort;
        final byte[] gatewayPort;

        Media(int insidePort, int gatewayPort) {
            this.insidePort = insidePort;
            this.gatewayPort = new byte[] {(byte) (gatewayPort >> 8), (byte) gatewayPort};
        }
    }

    @Override
    public Framing framing(Direction direction) {
        return direction == Direction.OUTBOUND ? CLIENT_MESSAGES : null;
    }

    @Override
    public Verdict message(HelperContext context, byte[] message, int offset, int length) {
        if (length < 8) {
            return Verdict.ACCEPT;
        }
        int tag = u32(message, offset + 4);
        int portWord;
        if (tag == TAG_INITIAL) {
            portWord = INITIAL_LENGTH - 4;
            if (length < INITIAL_LENGTH || !magicAt(message, offset + 24)) {
                context.refused(REFUSED_SHORT);
                return Verdict.ACCEPT;
            }
        } else if (tag == TAG_SECONDARY) {
            portWord = SECONDARY_LENGTH - 4;
            if (length < SECONDARY_LENGTH || !magicAt(message, offset + 8)) {
                context.refused(REFUSED_SHORT);
                return Verdict.ACCEPT;
            }
        } else {
            return Verdict.ACCEPT;
        }
        announce(context, message, offset, portWord);
        return Verdict.ACCEPT;
    }

    private static void announce(HelperContext context, byte[] message, int offset, int portWord) {
        if (message[offset + portWord] != 0 || message[offset + portWord + 1] != 0) {
            context.refused(REFUSED_PORT);
            return;
        }
        int port = (message[offset + portWord + 2] & 0xff) << 8 | message[offset + portWord + 3] & 0xff;
        if (port < MIN_PORT) {
            context.refused(REFUSED_PORT_PRIVILEGED);
            return;
        }
        Media media = (Media) context.state();
        if (media == null) {
            int gatewayPort = context.expect(Transport.UDP).insideTarget(context.flow().insideAddress(), port)
                    .register();
            if (gatewayPort <= 0) {
                context.refused(REFUSED_NO_PORT);
                return;
            }
            media = new Media(port, gatewayPort);
            context.state(media);
        } else if (media.insidePort != port) {
            context.refused(REFUSED_PORT_MISMATCH);
            return;
        }
        if (!context.replace(portWord + 2, 2, media.gatewayPort, 0, 2)) {
            context.refused(REFUSED_EDIT);
        }
    }

    private static boolean magicAt(byte[] b, int at) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[at + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
