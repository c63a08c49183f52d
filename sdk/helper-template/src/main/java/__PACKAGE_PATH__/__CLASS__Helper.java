package __PACKAGE__;

import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.MessageHelper;
import masq.api.Transport;
import masq.api.Verdict;

/**
 * The __NAME__ helper, attached to the __TRANSPORT__ connections inside clients open to port __PORT__.
 * Its protocol, as generated: the client announces a port it listens on with the line
 * {@code LISTEN <address> <port>}; the helper makes it name the gateway's address and a gateway
 * port, and lets one connection from the server in to the client's port. Replace the parsing
 * with your protocol's; keep the checks (the address must be the client's own, no port below
 * 1024, refusals counted).
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=__NAME__",
        MasqHelper.TRANSPORT + "=__TRANSPORT__",
        MasqHelper.PORTS + "=__PORT__",
        MasqHelper.MAX_EXPECTED + ":Integer=1" })
public final class __CLASS__Helper implements MessageHelper {
    static final String START = "LISTEN ";
    static final int MAX_LINE = 128;
    static final int MIN_PORT = 1024;
    static final String REFUSED_MALFORMED = "malformed";
    static final String REFUSED_ADDRESS = "address-mismatch";
    static final String REFUSED_PORT = "port-privileged";
    static final String REFUSED_NO_PORT = "no-port";

    /** The client's lines that begin with {@code LISTEN }, whole even when split over segments. */
    private static final Framing CLIENT_LINES = Framing.lines(MAX_LINE, START);

    @Override
    public Framing framing(Direction direction) {
        return direction == Direction.OUTBOUND ? CLIENT_LINES : null;
    }

    @Override
    public Verdict message(HelperContext context, byte[] line, int offset, int length) {
        String text = new String(line, offset, length, StandardCharsets.US_ASCII).trim();
        String[] words = text.split(" ");
        int address;
        int port;
        try {
            if (words.length != 3) {
                throw new IllegalArgumentException(text);
            }
            address = Ipv4.parse(words[1]);
            port = Integer.parseInt(words[2]);
        } catch (IllegalArgumentException e) {
            context.refused(REFUSED_MALFORMED);
            return Verdict.ACCEPT;
        }
        FlowView flow = context.flow();
        if (address != flow.insideAddress()) {
            context.refused(REFUSED_ADDRESS);
            return Verdict.ACCEPT;
        }
        if (port < MIN_PORT || port > 65535) {
            context.refused(REFUSED_PORT);
            return Verdict.ACCEPT;
        }
        int masqPort = context.expect(Transport.TCP).insideTarget(address, port).register();
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return Verdict.ACCEPT;
        }
        int end = length - (length > 1 && line[offset + length - 2] == '\r' ? 2 : 1);
        context.replace(0, end, START + Ipv4.toString(flow.outsideAddress()) + " " + masqPort);
        return Verdict.ACCEPT;
    }
}
