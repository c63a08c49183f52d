package masq.helper.icq;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.Framing;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.MessageHelper;
import masq.api.Transport;
import masq.api.Verdict;

/**
 * The OSCAR helper (ICQ 2000 on, AIM), attached to the connections inside clients open to a
 * login or BOS server's port 5190 (or those configured under {@code masq.helper.oscar}). The
 * engine cuts the client's stream into FLAPs ({@link Framing#records}); the server's passes
 * unexamined. Two things the client sends carry its own address and a port it listens on:
 * <ul>
 * <li>its direct-connection info, TLV {@code 0x000C} of {@code SNAC(01,1E)} (set status): the
 * internal address and the DC port (32-bit) that the server gives every contact. They become the
 * gateway's address and a gateway port open to every peer while the connection lives (a
 * {@link masq.api.ExpectationBuilder#repeating() repeating} expectation);</li>
 * <li>a rendezvous proposal, TLV {@code 0x0005} of a channel-2 ICBM ({@code SNAC(04,06)}: direct
 * IM, file transfer): its client address TLVs {@code 0x0002} and {@code 0x0003} and port
 * {@code 0x0005}, with their complements {@code 0x0016} and {@code 0x0017}. They become the
 * gateway's address and a gateway port, and one connection from any address is expected there:
 * the peer is another user, whom the helper cannot know.</li>
 * </ul>
 * Hardened (protocols.md §8.3): a FLAP must start with {@code 0x2A} and its SNAC, TLV chains and
 * every field must lie inside it (the engine holds a FLAP split over segments, up to
 * {@link Framing#MAX_LENGTH}); an address must be the client's own (another one opens nothing);
 * ports below 1024 are refused; a proposal through a proxy ({@code 0x0010}) names the proxy and is
 * left alone, as are cancels and accepts; a client stream that does not begin with a FLAP's start
 * byte (an HTTP request aimed at the port) is not framed at all, and one that stops being FLAP is
 * left alone from there on ({@code not-flap}). Each refusal is counted under the helper's name; the
 * helper never throws and never drops.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=oscar",
        MasqHelper.TRANSPORT + "=tcp",
        MasqHelper.PORTS + "=5190",
        MasqHelper.MAX_EXPECTED + ":Integer=" + OscarHelper.MAX_EXPECTED,
        MasqHelper.EXPECT_TIMEOUT_SECONDS + ":Integer=" + OscarHelper.PROPOSAL_TIMEOUT_SECONDS })
public final class OscarHelper implements MessageHelper {
    /** The DC port's expectation and up to 15 pending rendezvous proposals per connection. */
    static final int MAX_EXPECTED = 16;
    /** How long a proposal waits for its peer. */
    static final int PROPOSAL_TIMEOUT_SECONDS = 300;
    static final int MIN_PORT = 1024;

    static final int SET_STATUS = 0x0001_001E;
    static final int SEND_ICBM = 0x0004_0006;
    static final int TLV_DC_INFO = 0x000C;
    /** The DC info's address (4), port (4) and connection type (1). */
    static final int DC_INFO_MIN = 9;
    static final int TLV_RENDEZVOUS = 0x0005;
    static final int RENDEZVOUS_PROPOSE = 0;
    /** Message type (2), cookie (8), capability (16), before the rendezvous TLVs. */
    static final int RENDEZVOUS_HEADER = 26;
    static final int TLV_PROXY_ADDRESS = 0x0002;
    static final int TLV_CLIENT_ADDRESS = 0x0003;
    static final int TLV_PORT = 0x0005;
    static final int TLV_USE_PROXY = 0x0010;
    static final int TLV_ADDRESS_CHECK = 0x0016;
    static final int TLV_PORT_CHECK = 0x0017;
    /** Cookie (8), channel (2), screen name length (1). */
    static final int ICBM_HEADER = 11;

    static final Framing FLAPS = Framing.records(4, 2, true, Oscar.FLAP_HEADER, Framing.MAX_LENGTH);
    /** A client stream that does not begin with a FLAP's start byte is not framed at all. */
    static final Framing CLIENT = Framing.byStart("*", FLAPS, null);

    static final String REFUSED_NOT_FLAP = "not-flap";
    static final String REFUSED_MALFORMED = "malformed";
    static final String REFUSED_ADDRESS = "address-mismatch";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_NO_PORT = "no-port";
    static final String REFUSED_EDIT = "edit-refused";

    /** The state of a connection whose client does not speak FLAP: left alone. */
    private static final Object IGNORED = new Object();

    /** Four bytes for {@link HelperContext#replace}, which copies them; engine thread only. */
    private final byte[] field = new byte[4];

    @Override
    public Framing framing(Direction direction) {
        return direction == Direction.OUTBOUND ? CLIENT : null;
    }

    /** A server inside is not served: its clients' info names their own public addresses. */
    @Override
    public Framing framing(FlowView flow, Direction direction) {
        return flow.initiator() == Direction.INBOUND ? null : framing(direction);
    }

    @Override
    public Verdict message(HelperContext context, byte[] b, int off, int n) {
        if (context.state() == IGNORED) {
            return Verdict.ACCEPT;
        }
        if ((b[off] & 0xFF) != Oscar.FLAP_START) {
            context.refused(REFUSED_NOT_FLAP);
            context.state(IGNORED);
            return Verdict.ACCEPT;
        }
        if (b[off + 1] != Oscar.CHANNEL_SNAC) {
            return Verdict.ACCEPT; // sign-on, error, sign-off, keepalive
        }
        int data = Oscar.snacData(b, off, n);
        if (data < 0) {
            context.refused(REFUSED_MALFORMED);
            return Verdict.ACCEPT;
        }
        int kind = Oscar.snacKind(b, off);
        if (kind == SET_STATUS) {
            dcInfo(context, b, off, data, off + n);
        } else if (kind == SEND_ICBM) {
            icbm(context, b, off, data, off + n);
        }
        return Verdict.ACCEPT;
    }

    private void dcInfo(HelperContext context, byte[] b, int off, int data, int end) {
        int info = Oscar.find(b, data, end, TLV_DC_INFO);
        if (info < 0) {
            if (!Oscar.wellFormed(b, data, end)) {
                context.refused(REFUSED_MALFORMED);
            }
            return;
        }
        if (Oscar.length(b, info) < DC_INFO_MIN) {
            context.refused(REFUSED_MALFORMED);
            return;
        }
        int address = Oscar.u32(b, info);
        long port = Oscar.u32(b, info + 4) & 0xFFFF_FFFFL;
        if (address == 0 || port == 0) {
            return; // no direct connections
        }
        if (!checked(context, address, port)) {
            return;
        }
        int masqPort = ListeningPort.open(context, (int) port);
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return;
        }
        edit(context, info - off, context.flow().outsideAddress(), 4);
        edit(context, info + 4 - off, masqPort, 4);
    }

    /** A channel-2 ICBM: its rendezvous proposal, if it names the client and a port. */
    private void icbm(HelperContext context, byte[] b, int off, int data, int end) {
        if (data + ICBM_HEADER > end) {
            context.refused(REFUSED_MALFORMED);
            return;
        }
        if (Oscar.u16(b, data + 8) != 2) {
            return; // plain messages (channel 1), ICQ's old-style (4)
        }
        int tlvs = data + ICBM_HEADER + (b[data + ICBM_HEADER - 1] & 0xFF);
        int rendezvous = tlvs > end ? -1 : Oscar.find(b, tlvs, end, TLV_RENDEZVOUS);
        if (rendezvous < 0 || Oscar.length(b, rendezvous) < RENDEZVOUS_HEADER) {
            context.refused(REFUSED_MALFORMED);
            return;
        }
        int inner = rendezvous + RENDEZVOUS_HEADER;
        int innerEnd = rendezvous + Oscar.length(b, rendezvous);
        if (Oscar.u16(b, rendezvous) != RENDEZVOUS_PROPOSE || Oscar.find(b, inner, innerEnd, TLV_USE_PROXY) >= 0) {
            return; // a cancel or an accept, or the addresses are a proxy's
        }
        if (!Oscar.wellFormed(b, inner, innerEnd)) {
            context.refused(REFUSED_MALFORMED);
            return;
        }
        propose(context, b, off, inner, innerEnd);
    }

    private void propose(HelperContext context, byte[] b, int off, int inner, int end) {
        int portAt = Oscar.find(b, inner, end, TLV_PORT);
        if (portAt < 0) {
            return; // nothing to connect to
        }
        int[] addressAt = {Oscar.find(b, inner, end, TLV_PROXY_ADDRESS), Oscar.find(b, inner, end, TLV_CLIENT_ADDRESS)};
        int addressCheck = Oscar.find(b, inner, end, TLV_ADDRESS_CHECK);
        int portCheck = Oscar.find(b, inner, end, TLV_PORT_CHECK);
        if (Oscar.length(b, portAt) != 2 || (addressCheck >= 0 && Oscar.length(b, addressCheck) != 4)
                || (portCheck >= 0 && Oscar.length(b, portCheck) != 2)) {
            context.refused(REFUSED_MALFORMED);
            return;
        }
        int inside = context.flow().insideAddress();
        for (int at : addressAt) {
            if (at >= 0 && (Oscar.length(b, at) != 4 || Oscar.u32(b, at) != inside)) {
                context.refused(Oscar.length(b, at) != 4 ? REFUSED_MALFORMED : REFUSED_ADDRESS);
                return;
            }
        }
        int port = Oscar.u16(b, portAt);
        if (port == 0 || !checked(context, inside, port)) {
            return;
        }
        FlowView flow = context.flow();
        int masqPort = context.expect(Transport.TCP).anyRemoteAddress().insideTarget(inside, port).register();
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return;
        }
        for (int at : addressAt) {
            if (at >= 0) {
                edit(context, at - off, flow.outsideAddress(), 4);
            }
        }
        if (addressCheck >= 0) {
            edit(context, addressCheck - off, ~flow.outsideAddress(), 4);
        }
        edit(context, portAt - off, masqPort, 2);
        if (portCheck >= 0) {
            edit(context, portCheck - off, ~masqPort, 2);
        }
    }

    /** The announced address and port may be acted on: the client's own, not privileged. */
    private static boolean checked(HelperContext context, int address, long port) {
        String refusal = address != context.flow().insideAddress() ? REFUSED_ADDRESS
                : port > 0xFFFF ? REFUSED_MALFORMED
                : port < MIN_PORT ? REFUSED_PORT_PRIVILEGED : null;
        if (refusal != null) {
            context.refused(refusal);
        }
        return refusal == null;
    }

    /** Replaces the {@code width} bytes at message offset {@code at} with {@code value}, big-endian. */
    private void edit(HelperContext context, int at, int value, int width) {
        for (int i = 0; i < width; i++) {
            field[i] = (byte) (value >>> (8 * (width - 1 - i)));
        }
        if (!context.replace(at, width, field, 0, width)) {
            context.refused(REFUSED_EDIT);
        }
    }
}
