package masq.helper.irc;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.MessageHelper;
import masq.api.Transport;
import masq.api.Verdict;
import masq.helper.irc.IrcSyntax.Dcc;
import masq.helper.irc.IrcSyntax.Kind;

/**
 * The IRC DCC helper, the successor of Linux 2.2's {@code ip_masq_irc}, attached to IRC connections
 * that inside clients open to ports 6660-6669 (or those configured under
 * {@code masq.helper.irc}).
 * <ul>
 * <li>A DCC offer the inside client sends ({@code SEND}, {@code CHAT}, {@code MOVE}, {@code TSEND},
 * {@code SCHAT}, {@code TCHAT}) has its address and port rewritten to the gateway's address and a
 * gateway port, and one expectation per offer lets the peer, from any address, connect to the
 * client's port: the peer of a DCC is another user, whom the helper cannot know.</li>
 * <li>Resume (mIRC's protocol): a {@code DCC RESUME} relayed from the server naming a gateway port
 * of an offer of this connection gets the client's own port back; the client's {@code DCC ACCEPT}
 * naming its own port gets the gateway port.</li>
 * </ul>
 * Hardened as netfilter is since CVE-2022-2663 (protocols.md §4.5, §8.3): the DCC must be the first
 * thing in the text of a {@code PRIVMSG} or {@code NOTICE} line the client itself sends (a line
 * from the server never opens anything); the address must be the client's own; ports below 1024
 * and port 0 with an address other than the client's are refused; passive DCC (port 0, the inside
 * host connects out later) passes unchanged; at most {@link #MAX_OFFERS} offers are pending per
 * connection (a further one replaces the oldest); a line over {@link #MAX_LINE_LENGTH} is not
 * parsed; a connection whose client starts with an HTTP request (NAT Slipstreaming) is left alone.
 * Lines split over segments are the engine's: {@link MessageHelper}.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=irc",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + "=6660,6661,6662,6663,6664,6665,6666,6667,6668,6669",
        MasqHelper.MAX_EXPECTED + ":Integer=" + IrcHelper.MAX_OFFERS,
        MasqHelper.EXPECT_TIMEOUT_SECONDS + ":Integer=" + IrcHelper.OFFER_TIMEOUT_SECONDS })
public final class IrcHelper implements MessageHelper {
    /** The longest line parsed, line end included (RFC 1459 §2.3: 512). */
    static final int MAX_LINE_LENGTH = 512;
    /** Offers pending per connection (netfilter's max_dcc_channels). */
    static final int MAX_OFFERS = 8;
    /** How long an offer waits for its peer (netfilter's dcc_timeout). */
    static final int OFFER_TIMEOUT_SECONDS = 300;
    /** The lowest port an offer may name (protocols.md §8.3 rule 3). */
    static final int MIN_PORT = 1024;
    /** Client bytes examined for an HTTP request: the longest method with its space. */
    static final int FIRST_BYTES_CHECKED = 8;

    // Reasons given to HelperContext.refused; the engine counts them under the helper's name.
    static final String REFUSED_MALFORMED = "malformed";
    static final String REFUSED_ADDRESS = "address-mismatch";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_NO_PORT = "no-port";
    static final String REFUSED_HTTP = "http";
    static final String REFUSED_EDIT = "edit-refused";

    static final Framing CLIENT_LINES = Framing.lines(MAX_LINE_LENGTH, "PRIVMSG ", "NOTICE ")
            .prologue(FIRST_BYTES_CHECKED);
    /** What the server relays starts with its prefix. */
    static final Framing SERVER_LINES = Framing.lines(MAX_LINE_LENGTH, ":");

    /** The state of a connection whose client spoke HTTP: left alone. */
    private static final Object IGNORED = new Object();

    /** The offers of one connection: client port and gateway port, newest last, a ring. */
    private static final class Offers {
        final int[] insidePort = new int[MAX_OFFERS];
        final int[] masqPort = new int[MAX_OFFERS];
        int count;

        void add(int inside, int masq) {
            int i = count++ % MAX_OFFERS;
            insidePort[i] = inside;
            masqPort[i] = masq;
        }

        /** @return the port paired with {@code port} (by gateway port, or by inside port), or -1 */
        int pair(int port, boolean byMasqPort) {
            for (int k = Math.min(count, MAX_OFFERS) - 1; k >= 0; k--) {
                int i = (count - 1 - k) % MAX_OFFERS;
                if ((byMasqPort ? masqPort[i] : insidePort[i]) == port) {
                    return byMasqPort ? insidePort[i] : masqPort[i];
                }
            }
            return -1;
        }
    }

    @Override
    public Framing framing(Direction direction) {
        return direction == Direction.OUTBOUND ? CLIENT_LINES : SERVER_LINES;
    }

    /**
     * An IRC server inside (a port forward naming this helper) is served by passing both directions
     * unexamined: the outside client's own DCC offers carry its public address and need nothing; an
     * offer the server relays to it names whoever sent it, and nothing in the relayed line proves
     * that sender is the inside host it names (an outside user can write any address there), so
     * opening the gateway to it would let anyone outside reach any inside port.
     */
    @Override
    public Framing framing(FlowView flow, Direction direction) {
        return flow.initiator() == Direction.INBOUND ? null : framing(direction);
    }

    @Override
    public void prologue(HelperContext context, byte[] bytes, int offset, int length) {
        if (context.direction() == Direction.OUTBOUND && IrcSyntax.isHttpRequest(bytes, offset, length)) {
            context.refused(REFUSED_HTTP);
            context.state(IGNORED);
        }
    }

    @Override
    public Verdict message(HelperContext context, byte[] line, int offset, int length) {
        if (context.state() == IGNORED) {
            return Verdict.ACCEPT;
        }
        boolean outbound = context.direction() == Direction.OUTBOUND;
        int n = length - 1 - (length > 1 && line[offset + length - 2] == '\r' ? 1 : 0);
        Dcc dcc = IrcSyntax.parse(line, offset, n, !outbound);
        if (dcc == null) {
            context.refused(REFUSED_MALFORMED);
            return Verdict.ACCEPT;
        }
        String replacement = dcc == IrcSyntax.NONE ? null
                : dcc.kind() == Kind.OFFER ? (outbound ? offer(context, dcc) : null)
                : dcc.kind() == Kind.RESUME ? (outbound ? null : resumePort(context, dcc.port(), true))
                : outbound ? resumePort(context, dcc.port(), false) : null;
        if (replacement != null && !context.replace(dcc.start(), dcc.end() - dcc.start(), replacement)) {
            context.refused(REFUSED_EDIT);
        }
        return Verdict.ACCEPT;
    }

    /** An offer from the client: checked, expected, rewritten. @return the new "address port", or null */
    private static String offer(HelperContext context, Dcc dcc) {
        FlowView flow = context.flow();
        boolean own = dcc.address() == (flow.insideAddress() & 0xFFFF_FFFFL);
        String refusal = !own ? REFUSED_ADDRESS
                : dcc.port() == 0 ? null
                : dcc.port() < MIN_PORT ? REFUSED_PORT_PRIVILEGED : null;
        if (refusal != null) {
            context.refused(refusal);
            return null;
        }
        if (dcc.port() == 0) {
            return null; // passive DCC: the client will connect out, which is plain NAT
        }
        int masqPort = context.expect(Transport.TCP).anyRemoteAddress()
                .insideTarget(flow.insideAddress(), dcc.port()).register();
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return null;
        }
        Offers offers = context.state() instanceof Offers o ? o : new Offers();
        context.state(offers);
        offers.add(dcc.port(), masqPort);
        return IrcSyntax.address(flow.outsideAddress()) + " " + masqPort;
    }

    /**
     * The port of a RESUME from the peer (a gateway port of one of our offers: the client's own port
     * back) or of the client's ACCEPT (its own port: the gateway port). @return the port, or null
     */
    private static String resumePort(HelperContext context, int port, boolean fromPeer) {
        int paired = context.state() instanceof Offers o ? o.pair(port, fromPeer) : -1;
        return paired < 0 ? null : Integer.toString(paired); // not one of ours: the client receives, nothing to map
    }
}
