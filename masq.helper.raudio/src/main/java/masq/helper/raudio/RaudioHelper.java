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
 * <p>Refused, left unchanged and counted: a {@code client_port} below 1024, a range that is not a
 * pair, a malformed number, a {@code destination} other than the client (media sent elsewhere); a
 * reply whose {@code source} is not the server is counted ({@code source-elsewhere}: the expectation
 * names the server). Not handled yet: PNA (port 7070's binary hello), the server-inside case.
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

    static final Framing BLOCKS = Framing.headers(MAX_HEADER_BLOCK);

    @Override
    public Framing framing(Direction direction) {
        return BLOCKS;
    }

    @Override
    public Verdict message(HelperContext context, byte[] block, int offset, int length) {
        String method = RtspSyntax.method(block, offset, length);
        if (context.direction() == Direction.INBOUND) {
            if (method == null) {
                reply(context, block, offset, length);
            }
            return Verdict.ACCEPT;
        }
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
