package masq.helper.ftp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.HelperContext;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.Transport;
import masq.api.Verdict;
import masq.helper.ftp.FtpSyntax.HostPort;

/**
 * The FTP helper (RFC 959, RFC 2428), the successor of Linux 2.2's {@code ip_masq_ftp}, attached to FTP
 * control connections that inside clients open to port 21 (or the ports configured under
 * {@code masq.helper.ftp}).
 * <ul>
 * <li>Outbound {@code PORT h1,h2,h3,h4,p1,p2} and {@code EPRT |1|a.b.c.d|port|} are rewritten to the
 * gateway's outside address and a gateway port; an expectation lets the active data connection in from
 * the server's address (any port) to the client's address and port.</li>
 * <li>Inbound {@code 227} (the tuple anywhere after "227 ", RFC 1123 4.1.2.6) and {@code 229} replies
 * are read, not rewritten: an expectation links the passive data connection the client opens to the
 * server to this control connection.</li>
 * </ul>
 * Commands and replies count only at the start of a line, in any case, with line boundaries tracked
 * per direction across segments in the sender's original sequence space (protocols.md §8.3 rule 2). A
 * {@code PORT}/{@code EPRT} line split over segments is held back from the first and sent whole,
 * rewritten, in place of its rest. Bytes seen before (retransmissions) are not parsed again: the edits
 * remembered for them are repeated, so they leave identical and register no second expectation.
 * Refused, left unchanged and counted: a malformed address or port, an address that is not the
 * client's (or, in a reply, the server's), a port below 1024, a line over {@link #MAX_LINE_LENGTH}; a
 * connection whose first client bytes are an HTTP request is ignored from then on (§8.3 rule 2).
 *
 * <p>Known limits: the first segment seen in a direction is taken as the start of its stream; a
 * segment after a gap (an earlier one lost before the gateway) is dropped so that the sender
 * retransmits in order; a retransmission that cuts through a rewritten line is sent unchanged (counted
 * "resegmented"); a held-back line waits for its LF, and a segment made only of held-back bytes leaves
 * empty; edits are remembered for the last {@link #MAX_REMEMBERED_EDITS} changes per direction;
 * {@code EPRT |2|} (IPv6) is left alone; the server-inside case (a port-forwarded FTP server) is not
 * handled, see {@link #reply(HelperContext, byte[], int, int)}.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=ftp",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + ":Integer=" + FtpHelper.FTP_CONTROL_PORT,
        MasqHelper.MAX_EXPECTED + ":Integer=1" })
public final class FtpHelper implements MasqHelper {
    /** The well-known FTP control port (RFC 959). */
    static final int FTP_CONTROL_PORT = 21;
    /** The longest command or reply line parsed, line end included; a longer one is skipped to its end. */
    static final int MAX_LINE_LENGTH = 512;
    /**
     * The most bytes of a split {@code PORT}/{@code EPRT} line held back. The longest valid line has 32
     * ({@code EPRT |1|255.255.255.255|65535|\r\n}); what is held goes out again in one edit, well within
     * {@link HelperContext#MAX_GROWTH_PER_PACKET}.
     */
    static final int MAX_HELD_LENGTH = 64;
    /** Edits remembered per direction, to repeat them on retransmissions. */
    static final int MAX_REMEMBERED_EDITS = 8;
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
    static final String REFUSED_LINE_TOO_LONG = "line-too-long";
    static final String REFUSED_HTTP = "http";
    static final String REFUSED_OUT_OF_ORDER = "out-of-order";
    static final String REFUSED_RESEGMENTED = "resegmented";
    static final String REFUSED_EDIT = "edit-refused";

    private static final byte[] NOTHING = new byte[0];

    /** One remembered edit: {@code length} original bytes from sequence number {@code seq} became {@code bytes}. */
    private record Edit(long seq, int length, byte[] bytes) {
    }

    /** One direction of the control connection, in the sender's original sequence space. */
    private static final class Stream {
        final byte[] keyword;           // the two line starts parsed in this direction
        final byte[] otherKeyword;
        final boolean holdsBack;        // a split line is removed from its first segment (it may be rewritten)
        final Edit[] edits = new Edit[MAX_REMEMBERED_EDITS];
        int nextEdit;                   // ring index of the oldest remembered edit
        long nextSeq = -1;              // sequence number of the first byte not yet parsed; -1 before any
        boolean midLine;                // nextSeq lies inside a line
        byte[] line;                    // the start of a command/reply line spanning segments, when lineLength > 0
        int lineLength;                 // 0 while midLine: the line is no command, skip to its LF

        Stream(byte[] keyword, byte[] otherKeyword, boolean holdsBack) {
            this.keyword = keyword;
            this.otherKeyword = otherKeyword;
            this.holdsBack = holdsBack;
        }
    }

    /** Per-connection state. */
    private static final class FlowState {
        final Stream outbound = new Stream(FtpSyntax.PORT, FtpSyntax.EPRT, true);
        final Stream inbound = new Stream(FtpSyntax.REPLY_227, FtpSyntax.REPLY_229, false);
        final byte[] firstBytes = new byte[FIRST_BYTES_CHECKED];
        int firstLength;
        boolean firstChecked;
        boolean ignored;                // the client spoke HTTP: leave the connection alone
    }

    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        FlowState state = context.state() instanceof FlowState s ? s : newState(context);
        boolean outbound = context.direction() == Direction.OUTBOUND;
        Stream stream = outbound ? state.outbound : state.inbound;
        long seq = context.tcpSequence();
        if (stream.nextSeq < 0) {
            stream.nextSeq = seq;
        }
        int ahead = (int) (seq - stream.nextSeq);
        int seen = ahead >= 0 ? 0 : (int) Math.min(length, -(long) ahead);
        repeatEdits(context, stream, seq, seen);
        if (state.ignored || seen == length) {
            return Verdict.ACCEPT;
        }
        if (ahead > 0) {
            context.refused(REFUSED_OUT_OF_ORDER);
            return Verdict.DROP;
        }
        stream.nextSeq = (seq + length) & 0xFFFF_FFFFL;
        if (outbound && !state.firstChecked && isHttpRequest(state, payload, offset + seen, length - seen)) {
            context.refused(REFUSED_HTTP);
            state.ignored = true;
            putBackHeld(context, stream, seq, seen);
            return Verdict.ACCEPT;
        }
        int i = stream.midLine ? continueLine(context, stream, payload, offset, length, seq, seen) : seen;
        while (i < length) {
            int lineLength = FtpSyntax.indexOf(payload, offset + i, length - i, (byte) '\n') + 1;
            if (lineLength == 0) {
                startLine(context, stream, payload, offset, length, seq, i);
                break;
            }
            line(context, stream, seq, payload, offset + i, lineLength, i, 0);
            i += lineLength;
        }
        return Verdict.ACCEPT;
    }

    private static FlowState newState(HelperContext context) {
        FlowState state = new FlowState();
        context.state(state);
        return state;
    }

    /**
     * Repeats the remembered edits that lie in the first {@code seen} bytes of a segment, oldest (lowest
     * offset) first. Held-back bytes stay held back however the segment is cut; a rewritten line that the
     * segment only partly covers cannot be cut consistently and is sent unchanged.
     */
    private static void repeatEdits(HelperContext context, Stream stream, long seq, int seen) {
        for (int k = 0; k < MAX_REMEMBERED_EDITS && seen > 0; k++) {
            Edit edit = stream.edits[(stream.nextEdit + k) % MAX_REMEMBERED_EDITS];
            int at = edit == null ? seen : (int) (edit.seq() - seq);
            long end = edit == null ? seen : (long) at + edit.length();
            if (at >= 0 && at < seen && end <= seen) {
                context.replace(at, edit.length(), edit.bytes(), 0, edit.bytes().length);
            } else if (at < seen && end > 0 && edit.bytes().length == 0) {
                context.replace(Math.max(at, 0), (int) Math.min(end, seen) - Math.max(at, 0), NOTHING, 0, 0);
            } else if (at < seen && end > 0) {
                context.refused(REFUSED_RESEGMENTED);
            }
        }
    }

    /** Continues the line begun in an earlier segment; returns the index after its end (or the length). */
    private static int continueLine(HelperContext context, Stream stream, byte[] buf, int off, int len, long seq,
            int i) {
        int end = FtpSyntax.indexOf(buf, off + i, len - i, (byte) '\n') + 1 + i;
        boolean complete = end > i;
        end = complete ? end : len;
        stream.midLine = !complete;
        if (stream.lineLength == 0) {
            return end;
        }
        int capacity = stream.holdsBack ? MAX_HELD_LENGTH : MAX_LINE_LENGTH;
        if (stream.lineLength + end - i > capacity) {
            context.refused(REFUSED_LINE_TOO_LONG);
            putBackHeld(context, stream, seq, i);
            return end;
        }
        System.arraycopy(buf, off + i, stream.line, stream.lineLength, end - i);
        stream.lineLength += end - i;
        if (!complete) {
            if (stream.holdsBack && !record(context, stream, seq, i, end - i, NOTHING)) {
                stream.lineLength -= end - i;
                putBackHeld(context, stream, seq, i);
            }
            return end;
        }
        int held = stream.holdsBack ? stream.lineLength - (end - i) : 0;
        line(context, stream, seq, stream.line, 0, stream.lineLength, i, held);
        stream.lineLength = 0;
        return end;
    }

    /** An incomplete line ends the segment: keep it (and hold it back) if it may be a command. */
    private static void startLine(HelperContext context, Stream stream, byte[] buf, int off, int len, long seq, int i) {
        int n = len - i;
        stream.midLine = true;
        stream.lineLength = 0;
        if (!FtpSyntax.mayStartWith(buf, off + i, n, stream.keyword)
                && !FtpSyntax.mayStartWith(buf, off + i, n, stream.otherKeyword)) {
            return;
        }
        if (n > (stream.holdsBack ? MAX_HELD_LENGTH : MAX_LINE_LENGTH)) {
            context.refused(REFUSED_LINE_TOO_LONG);
            return;
        }
        if (stream.holdsBack && !record(context, stream, seq, i, n, NOTHING)) {
            return;
        }
        if (stream.line == null) {
            stream.line = new byte[stream.holdsBack ? MAX_HELD_LENGTH : MAX_LINE_LENGTH];
        }
        System.arraycopy(buf, off + i, stream.line, 0, n);
        stream.lineLength = n;
    }

    /**
     * A complete line (LF included) at {@code buf[off]}; its last {@code length - held} bytes are in the
     * segment at {@code at}, the first {@code held} were held back from earlier segments.
     */
    private static void line(HelperContext context, Stream stream, long seq, byte[] buf, int off, int length, int at,
            int held) {
        int n = length - 1 - (length > 1 && buf[off + length - 2] == '\r' ? 1 : 0);
        byte[] content = null;
        boolean candidate = FtpSyntax.startsWith(buf, off, n, stream.keyword)
                || FtpSyntax.startsWith(buf, off, n, stream.otherKeyword);
        if (candidate && length > MAX_LINE_LENGTH) {
            context.refused(REFUSED_LINE_TOO_LONG);
        } else if (candidate) {
            content = stream.holdsBack ? command(context, buf, off, n) : reply(context, buf, off, n);
        }
        if (content != null) {
            byte[] out = Arrays.copyOf(content, content.length + length - n);
            System.arraycopy(buf, off + n, out, content.length, length - n);
            if (record(context, stream, seq, at, length - held, out)) {
                return;
            }
        }
        if (held > 0) {
            record(context, stream, seq, at, 0, Arrays.copyOfRange(buf, off, off + held));
        }
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
        String argument = extended ? d + "1" + d + Ipv4.toString(a) + d + masqPort + d
                : (a >>> 24) + "," + (a >>> 16 & 0xff) + "," + (a >>> 8 & 0xff) + "," + (a & 0xff) + ","
                        + (masqPort >>> 8) + "," + (masqPort & 0xff);
        byte[] text = argument.getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[hostPort.start() + text.length];
        System.arraycopy(buf, off, content, 0, hostPort.start());
        System.arraycopy(text, 0, content, hostPort.start(), text.length);
        return content;
    }

    /**
     * A server reply: 227 or 229. Client inside, the only case the engine attaches helpers to today
     * ({@link MasqHelper}, "Attachment"), the reply is read, not rewritten, since the server's address is
     * public: an expectation links the passive data connection the client will open to this control
     * connection. The server-inside case (a port-forwarded inside server whose 227/229 must carry the
     * gateway's address and a gateway port, with an expectation from the outside client) belongs here,
     * returning the rewritten content as {@link #command} does; it needs port forwarding to attach
     * helpers and {@link FlowView} to tell which side opened the connection.
     *
     * @return the line's new content, or null; always null in the client-inside case
     */
    private static byte[] reply(HelperContext context, byte[] buf, int off, int n) {
        FlowView flow = context.flow();
        boolean extended = FtpSyntax.startsWith(buf, off, n, FtpSyntax.REPLY_229);
        HostPort hostPort = extended ? FtpSyntax.parse229(buf, off, n) : FtpSyntax.parse227(buf, off, n);
        int address = hostPort == null || extended ? flow.remoteAddress() : hostPort.address();
        if (allowed(context, hostPort, address, flow.remoteAddress(), REFUSED_PASV_ADDRESS)
                && context.expect(Transport.TCP).fromInside().remoteAddress(address).remotePort(hostPort.port())
                        .insideTarget(flow.insideAddress(), 0).register() < 0) {
            context.refused(REFUSED_NO_PORT);
        }
        return null;
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

    /** Collects the client's first bytes; once enough are in, tells whether they start an HTTP request. */
    private static boolean isHttpRequest(FlowState state, byte[] buf, int off, int len) {
        boolean lineEnded = false;
        for (int i = 0; i < len && state.firstLength < FIRST_BYTES_CHECKED && !lineEnded; i++) {
            state.firstBytes[state.firstLength++] = buf[off + i];
            lineEnded = buf[off + i] == '\n';
        }
        state.firstChecked = lineEnded || state.firstLength == FIRST_BYTES_CHECKED;
        return state.firstChecked && FtpSyntax.isHttpRequest(state.firstBytes, 0, state.firstLength);
    }

    /** Sends the bytes held back from earlier segments, unchanged, before the segment's byte {@code at}. */
    private static void putBackHeld(HelperContext context, Stream stream, long seq, int at) {
        if (stream.holdsBack && stream.lineLength > 0) {
            record(context, stream, seq, at, 0, Arrays.copyOf(stream.line, stream.lineLength));
        }
        stream.lineLength = 0;
    }

    /** Asks for an edit and remembers it for retransmissions. */
    private static boolean record(HelperContext context, Stream stream, long seq, int at, int length, byte[] bytes) {
        if (!context.replace(at, length, bytes, 0, bytes.length)) {
            context.refused(REFUSED_EDIT);
            return false;
        }
        stream.edits[stream.nextEdit] = new Edit((seq + at) & 0xFFFF_FFFFL, length, bytes);
        stream.nextEdit = (stream.nextEdit + 1) % MAX_REMEMBERED_EDITS;
        return true;
    }
}
