package masq.helper.ftp;

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
import masq.helper.ftp.FtpSyntax.HostPort;

/**
 * The FTP helper (RFC 959, RFC 2428), the successor of Linux 2.2's {@code ip_masq_ftp}, attached to FTP
 * control connections that inside clients open to port 21 (or the ports configured under
 * {@code masq.helper.ftp}), and to those outside clients open to an inside server through a port
 * forward naming it ({@code helper = ftp} in {@code masq.portfw}, "PORTFWed FTP").
 *
 * <p>Whichever side is inside has its address and port rewritten and gets an inbound expectation;
 * whichever is outside is read and gets an outbound one:
 * <ul>
 * <li>Client inside: its {@code PORT h1,h2,h3,h4,p1,p2} and {@code EPRT |1|a.b.c.d|port|} are rewritten
 * to the gateway's outside address and a gateway port; an expectation lets the active data connection
 * in from the server's address (any port) to the client's address and port. The server's {@code 227}
 * (the tuple anywhere after "227 ", RFC 1123 4.1.2.6) and {@code 229} replies are read, not rewritten:
 * an expectation links the passive data connection the client opens to the server to this control
 * connection.</li>
 * <li>Server inside ({@link FlowView#initiator()} inbound): its {@code 227} and {@code 229} replies are
 * rewritten to the gateway's address and a gateway port, and an expectation lets the passive data
 * connection in from the client's address (any port) to the server's port; the outside client's
 * {@code PORT}/{@code EPRT} are read: an expectation links the server's active data connection to
 * the client's address and port to this control connection.</li>
 * </ul>
 * Commands and replies count only at the start of a line, in any case (protocols.md §8.3 rule 2). The
 * engine's message layer ({@link MessageHelper}) cuts the stream into lines, holds back a split line of
 * interest and sends it whole, rewritten; repeats the output on retransmissions; and refuses a
 * candidate line over {@link #MAX_COMMAND_LENGTH} (commands) or {@link #MAX_LINE_LENGTH} (replies).
 * This class is only FTP. Refused, left unchanged and counted: a malformed address or port, an address
 * that is not the sender's own (the client's in a command, the server's in a 227), a port below 1024;
 * a connection whose first client bytes are an HTTP request is ignored from then on (§8.3 rule 2: NAT
 * Slipstreaming).
 *
 * <p>Known limit: {@code EPRT |2|} (IPv6) is left alone.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=ftp",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + ":Integer=" + FtpHelper.FTP_CONTROL_PORT,
        MasqHelper.MAX_EXPECTED + ":Integer=" + FtpHelper.MAX_EXPECTED })
public final class FtpHelper implements MessageHelper {
    /** The well-known FTP control port (RFC 959). */
    static final int FTP_CONTROL_PORT = 21;
    /** Pending data connections per control connection: FTP has one at a time; a newer one replaces it. */
    static final int MAX_EXPECTED = 1;
    /** The longest reply line parsed, line end included; a longer one passes unchanged. */
    static final int MAX_LINE_LENGTH = 512;
    /**
     * The longest {@code PORT}/{@code EPRT} line parsed (and held back when split). The longest valid
     * one has 32 bytes ({@code EPRT |1|255.255.255.255|65535|\r\n}).
     */
    static final int MAX_COMMAND_LENGTH = 64;
    /** Client bytes examined for an HTTP request: the longest method with its space ("CONNECT "). */
    static final int FIRST_BYTES_CHECKED = 8;
    /** The lowest port a command may name (protocols.md §8.3 rule 3). */
    static final int MIN_DATA_PORT = 1024;

    // Reasons given to HelperContext.refused; the engine counts them under the helper's name.
    static final String REFUSED_MALFORMED = "malformed";
    static final String REFUSED_ADDRESS = "address-mismatch";
    static final String REFUSED_PASV_ADDRESS = "pasv-address";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_NO_PORT = "no-port";
    static final String REFUSED_HTTP = "http";
    static final String REFUSED_EDIT = "edit-refused";

    /** What a client sends: only {@code PORT} and {@code EPRT} lines are ever held back or shown. */
    static final Framing COMMANDS = Framing.lines(MAX_COMMAND_LENGTH, "PORT ", "EPRT ")
            .prologue(FIRST_BYTES_CHECKED);
    /** What a server sends: {@code 227} and {@code 229} replies. */
    static final Framing REPLIES = Framing.lines(MAX_LINE_LENGTH, "227 ", "229 ");

    /** The state of a connection whose client spoke HTTP: it is left alone (the only state kept). */
    private static final Object IGNORED = new Object();

    @Override
    public Framing framing(Direction direction) {
        return direction == Direction.OUTBOUND ? COMMANDS : REPLIES;
    }

    /** The client's bytes travel in the direction of the connection's first packet. */
    @Override
    public Framing framing(FlowView flow, Direction direction) {
        return direction == flow.initiator() ? COMMANDS : REPLIES;
    }

    @Override
    public void prologue(HelperContext context, byte[] bytes, int offset, int length) {
        if (context.direction() == context.flow().initiator() && FtpSyntax.isHttpRequest(bytes, offset, length)) {
            context.refused(REFUSED_HTTP);
            context.state(IGNORED);
        }
    }

    @Override
    public Verdict message(HelperContext context, byte[] line, int offset, int length) {
        if (context.state() == IGNORED) {
            return Verdict.ACCEPT;
        }
        int n = length - 1 - (length > 1 && line[offset + length - 2] == '\r' ? 1 : 0);
        byte[] content = context.direction() == context.flow().initiator() ? command(context, line, offset, n)
                : reply(context, line, offset, n);
        if (content != null && !context.replace(0, n, content, 0, content.length)) {
            context.refused(REFUSED_EDIT);
        }
        return Verdict.ACCEPT;
    }

    /** A client command: PORT or EPRT. @return the line's new content (line end excluded), or null */
    private static byte[] command(HelperContext context, byte[] buf, int off, int n) {
        FlowView flow = context.flow();
        boolean extended = FtpSyntax.startsWith(buf, off, n, FtpSyntax.EPRT);
        if (extended && FtpSyntax.isEprtIpv6(buf, off, n)) {
            return null;
        }
        HostPort hostPort = extended ? FtpSyntax.parseEprt(buf, off, n) : FtpSyntax.parsePort(buf, off, n);
        int address = hostPort == null ? 0 : hostPort.address();
        if (flow.initiator() == Direction.INBOUND) {
            // the client is outside: its own address, read; the inside server connects to it
            if (allowed(context, hostPort, address, flow.remoteAddress(), REFUSED_ADDRESS)) {
                expectFromInside(context, address, hostPort.port());
            }
            return null;
        }
        if (!allowed(context, hostPort, address, flow.insideAddress(), REFUSED_ADDRESS)) {
            return null;
        }
        int masqPort = context.expect(Transport.TCP).insideTarget(hostPort.address(), hostPort.port()).register();
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return null;
        }
        int a = flow.outsideAddress();
        char d = (char) buf[off + hostPort.start()];
        return rewritten(buf, off, n, hostPort, extended ? d + "1" + d + Ipv4.toString(a) + d + masqPort + d
                : tuple(a, masqPort));
    }

    /**
     * A server reply: 227 or 229. Server outside, the reply is read, not rewritten, since the server's
     * address is public: an expectation links the passive data connection the client will open to this
     * control connection. Server inside (a port forward naming this helper), its address and port are
     * the gateway's and a gateway port's in the rewritten reply, and the expectation lets the client's
     * data connection in to the server's port.
     *
     * @return the line's new content, or null
     */
    private static byte[] reply(HelperContext context, byte[] buf, int off, int n) {
        FlowView flow = context.flow();
        boolean extended = FtpSyntax.startsWith(buf, off, n, FtpSyntax.REPLY_229);
        HostPort hostPort = extended ? FtpSyntax.parse229(buf, off, n) : FtpSyntax.parse227(buf, off, n);
        boolean serverInside = flow.initiator() == Direction.INBOUND;
        int server = serverInside ? flow.insideAddress() : flow.remoteAddress();
        int address = hostPort == null || extended ? server : hostPort.address();
        if (!allowed(context, hostPort, address, server, REFUSED_PASV_ADDRESS)) {
            return null;
        }
        if (!serverInside) {
            expectFromInside(context, address, hostPort.port());
            return null;
        }
        int masqPort = context.expect(Transport.TCP).insideTarget(server, hostPort.port()).register();
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return null;
        }
        char d = (char) buf[off + hostPort.start()];
        return rewritten(buf, off, n, hostPort, extended ? "" + d + d + d + masqPort + d
                : tuple(flow.outsideAddress(), masqPort));
    }

    /** An expectation of the inside host's data connection to {@code address}:{@code port}. */
    private static void expectFromInside(HelperContext context, int address, int port) {
        if (context.expect(Transport.TCP).fromInside().remoteAddress(address).remotePort(port)
                .insideTarget(context.flow().insideAddress(), 0).register() < 0) {
            context.refused(REFUSED_NO_PORT);
        }
    }

    /** {@code h1,h2,h3,h4,p1,p2} (RFC 959 PORT and 227). */
    private static String tuple(int a, int port) {
        return (a >>> 24) + "," + (a >>> 16 & 0xff) + "," + (a >>> 8 & 0xff) + "," + (a & 0xff) + ","
                + (port >>> 8) + "," + (port & 0xff);
    }

    /** The line's first {@code n} bytes with the span of {@code hostPort} replaced by {@code text}. */
    private static byte[] rewritten(byte[] buf, int off, int n, HostPort hostPort, String text) {
        byte[] middle = text.getBytes(StandardCharsets.US_ASCII);
        int tail = n - hostPort.end();
        byte[] content = new byte[hostPort.start() + middle.length + tail];
        System.arraycopy(buf, off, content, 0, hostPort.start());
        System.arraycopy(middle, 0, content, hostPort.start(), middle.length);
        System.arraycopy(buf, off + hostPort.end(), content, hostPort.start() + middle.length, tail);
        return content;
    }

    /** Applies protocols.md §8.3 rule 3 to a parsed address and port; counts a refusal. */
    private static boolean allowed(HelperContext context, HostPort hostPort, int address, int expected,
            String mismatch) {
        String refusal = hostPort == null ? REFUSED_MALFORMED
                : address != expected ? mismatch
                : hostPort.port() < MIN_DATA_PORT ? REFUSED_PORT_PRIVILEGED : null;
        if (refusal != null) {
            context.refused(refusal);
        }
        return refusal == null;
    }
}
