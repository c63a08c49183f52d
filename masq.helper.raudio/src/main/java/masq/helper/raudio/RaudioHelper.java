package masq.helper.raudio;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.MessageHelper;
import masq.api.PortPolicy;
import masq.api.Transport;
import masq.api.Verdict;
import masq.helper.raudio.RtspSyntax.Spec;

/**
 * The RealAudio / RTSP helper, the successor of Linux 2.2's {@code ip_masq_raudio}, attached to RTSP
 * control connections that inside clients open to ports 554 and 7070 (or those configured under
 * {@code masq.helper.raudio}).
 *
 * <p>In a client's {@code SETUP}, every transport specification that asks for UDP media to the client
 * ({@code RTP/AVP}, {@code RTP/AVP/UDP}, {@code x-real-rdt/udp}, {@code x-pn-tng/udp}, ...:
 * {@code client_port=a[-b]}, no {@code /TCP}, no {@code interleaved}) gets gateway ports instead: an
 * even/odd pair for a pair (RTP and RTCP), and an expectation of UDP from the server (any port) to
 * them, delivered to the client's ports; the client's own packets from those ports leave from the same
 * gateway ports. {@code TEARDOWN} cancels the connection's pending expectations; the control
 * connection's end removes them too. Requests are header blocks: split, pipelined, with bodies, they
 * are the engine's ({@link Framing#headers}).
 *
 * <p>PNA, RealAudio's older protocol, on the same ports: a connection whose client begins with
 * {@code PNA} is PNA for good ({@link Framing#byStart}, as 2.2 told them apart by the first bytes).
 * Its hello ({@code PNA}, a 16-bit version, then options {@code id:u16 len:u16 value} up to id 0) names
 * the client's UDP ports in option 1 (data) and option 7 (error correction): each is replaced in place
 * by a gateway port, expected from the server, as {@code ip_masq_raudio} did; only the hello, the
 * connection's first segment, is read (PnaHello).
 *
 * <p>Refused, left unchanged and counted: a {@code client_port} below 1024, a range that is not a
 * pair, a malformed number, a {@code destination} other than the client (media sent elsewhere); a
 * reply whose {@code source} is not the server is counted ({@code source-elsewhere}: the expectation
 * names the server). In a PNA hello: a version of 256 or more (as 2.2), an option running past the
 * segment or no terminating option in it ({@code pna-truncated}), a port option that is not 2 bytes
 * ({@code malformed}), a port below 1024. Not handled: the server-inside case.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=raudio",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + "=554,7070",
        MasqHelper.MAX_EXPECTED + ":Integer=" + RaudioHelper.MAX_STREAMS,
        MasqHelper.EXPECT_TIMEOUT_SECONDS + ":Integer=" + RaudioHelper.SETUP_TIMEOUT_SECONDS })
public final class RaudioHelper implements MessageHelper {
    /** The longest header block parsed. */
    static final int MAX_HEADER_BLOCK = 4096;
    /** Media streams pending per control connection. */
    static final int MAX_STREAMS = 8;
    /** How long the media ports wait for the server's first packet after SETUP. */
    static final int SETUP_TIMEOUT_SECONDS = 120;
    /** The lowest client port accepted (protocols.md §8.3 rule 3). */
    static final int MIN_PORT = 1024;

    static final String REFUSED_MALFORMED = "malformed";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_NOT_A_PAIR = "not-a-pair";
    static final String REFUSED_DESTINATION = "destination";
    static final String REFUSED_SOURCE = "source-elsewhere";
    static final String REFUSED_NO_PORT = "no-port";
    static final String REFUSED_EDIT = "edit-refused";
    static final String REFUSED_PNA_VERSION = "pna-version";
    static final String REFUSED_PNA_TRUNCATED = "pna-truncated";

    /** The longest piece of a PNA segment shown (the hello is far shorter). */
    static final int MAX_PNA_PIECE = 4096;
    /** A client beginning with {@code PNA} speaks PNA; any other, RTSP's header blocks. */
    static final Framing REQUESTS = Framing.byStart(PnaHello.MAGIC, Framing.segments(MAX_PNA_PIECE),
            Framing.headers(MAX_HEADER_BLOCK));
    /** An RTSP server's replies begin {@code RTSP/}; a PNA server's bytes pass unexamined. */
    static final Framing REPLIES = Framing.byStart("RTSP/", Framing.headers(MAX_HEADER_BLOCK), null);

    /** A connection's protocol, once its first request is seen (the flow's state). */
    private enum Mode { RTSP, PNA }

    @Override
    public Framing framing(Direction direction) {
        return direction == Direction.OUTBOUND ? REQUESTS : REPLIES;
    }

    @Override
    public Verdict message(HelperContext context, byte[] block, int offset, int length) {
        if (context.direction() == Direction.INBOUND) {
            if (RtspSyntax.method(block, offset, length) == null) {
                reply(context, block, offset, length);
            }
            return Verdict.ACCEPT;
        }
        Object mode = context.state();
        if (mode == null) {
            mode = PnaHello.starts(block, offset, length) ? Mode.PNA : Mode.RTSP;
            context.state(mode);
            if (mode == Mode.PNA) {
                pna(context, block, offset, length);
                return Verdict.ACCEPT;
            }
        }
        if (mode == Mode.PNA) {
            return Verdict.ACCEPT;
        }
        String method = RtspSyntax.method(block, offset, length);
        if ("TEARDOWN".equals(method)) {
            context.cancelExpectations();
        } else if ("SETUP".equals(method)) {
            for (Spec spec : RtspSyntax.transports(block, offset, length)) {
                String ports = spec.malformed() ? refuse(context, REFUSED_MALFORMED) : spec.udpClientPorts()
                        ? media(context, spec) : null;
                if (ports != null && !context.replace(spec.portStart(), spec.portEnd() - spec.portStart(), ports)) {
                    context.refused(REFUSED_EDIT);
                }
            }
        }
        return Verdict.ACCEPT;
    }

    /** A UDP transport to the client's ports: checked, expected. @return the gateway ports, or null */
    private static String media(HelperContext context, Spec spec) {
        FlowView flow = context.flow();
        boolean pair = spec.secondPort() >= 0;
        String refusal = spec.port() < MIN_PORT ? REFUSED_PORT_PRIVILEGED
                : pair && spec.secondPort() != spec.port() + 1 ? REFUSED_NOT_A_PAIR
                : spec.destination() != null && !spec.destination().equals(Ipv4.toString(flow.insideAddress()))
                        ? REFUSED_DESTINATION : null;
        if (refusal != null) {
            return refuse(context, refusal);
        }
        int gatewayPort = context.expect(Transport.UDP).insideTarget(flow.insideAddress(), spec.port())
                .portPolicy(pair ? PortPolicy.EVEN_PAIR : PortPolicy.ANY).register();
        if (gatewayPort < 0) {
            return refuse(context, REFUSED_NO_PORT);
        }
        return pair ? gatewayPort + "-" + (gatewayPort + 1) : Integer.toString(gatewayPort);
    }

    /** A PNA hello: each UDP port option replaced by an expected gateway port. */
    private static void pna(HelperContext context, byte[] b, int offset, int length) {
        PnaHello hello = PnaHello.parse(b, offset, length);
        if (hello.refusal() != null) {
            context.refused(hello.refusal());
        }
        FlowView flow = context.flow();
        for (int i = 0; i < hello.portCount(); i++) {
            int port = hello.port(i);
            if (port < MIN_PORT) {
                context.refused(REFUSED_PORT_PRIVILEGED);
                continue;
            }
            int gatewayPort = context.expect(Transport.UDP).insideTarget(flow.insideAddress(), port).register();
            if (gatewayPort < 0) {
                context.refused(REFUSED_NO_PORT);
            } else if (!context.replace(hello.portOffset(i), 2,
                    new byte[] {(byte) (gatewayPort >>> 8), (byte) gatewayPort}, 0, 2)) {
                context.refused(REFUSED_EDIT);
            }
        }
    }

    /** A server's reply: media from an address other than the server would not match the expectation. */
    private static void reply(HelperContext context, byte[] block, int offset, int length) {
        String server = Ipv4.toString(context.flow().remoteAddress());
        for (Spec spec : RtspSyntax.transports(block, offset, length)) {
            if (spec.source() != null && !spec.source().equals(server)) {
                context.refused(REFUSED_SOURCE);
            }
        }
    }

    private static String refuse(HelperContext context, String reason) {
        context.refused(reason);
        return null;
    }
}
