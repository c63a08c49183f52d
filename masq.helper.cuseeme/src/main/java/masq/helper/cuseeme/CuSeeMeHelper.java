package masq.helper.cuseeme;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.Verdict;

/**
 * The CU-SeeMe helper, the successor of Linux 2.2's {@code ip_masq_cuseeme}, attached to the UDP
 * flows inside clients open to a reflector's port 7648 (or those configured under
 * {@code masq.helper.cuseeme}). A conference is that one flow, so nothing is expected: the helper
 * fixes the addresses the payload carries (protocols.md §5.2), in place, no length change.
 * <ul>
 * <li>Outbound: the 26-byte header's own address ({@code addr}, offset 12) naming the inside client
 * becomes the gateway's outside address.</li>
 * <li>Inbound: the header's destination address ({@code dest_addr}, offset 4) naming the gateway
 * becomes the client's; in an "open continue" ({@code data_type} 101) the first client record
 * (12 bytes each from offset 56) naming the gateway names the client again, so the client finds
 * itself in the conference list.</li>
 * </ul>
 * Hardened: an address is replaced only when it is the client's own (outbound) or the gateway's
 * (inbound) — 2.2 replaced any non-zero one, so a reflector could make it write the inside address
 * anywhere; a datagram shorter than the header, or an open continue whose {@code client_count}
 * records do not fit the datagram (2.2 even read the count in host byte order), is left unchanged;
 * each refusal is counted under the helper's name.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=cuseeme",
        MasqHelper.TRANSPORT + "=udp",
        MasqHelper.PORTS + "=7648",
        MasqHelper.MAX_EXPECTED + ":Integer=0" })
public final class CuSeeMeHelper implements MasqHelper {
    static final int HEADER_LENGTH = 26;
    static final int DEST_ADDR = 4;
    static final int ADDR = 12;
    static final int DATA_TYPE = 22;
    static final int OPEN_CONTINUE = 101;
    static final int CLIENT_COUNT = 26;
    static final int FIRST_RECORD = 56;
    static final int RECORD_LENGTH = 12;

    static final String REFUSED_SHORT = "short";
    static final String REFUSED_ADDRESS = "address-mismatch";
    static final String REFUSED_COUNT = "count-mismatch";
    static final String REFUSED_EDIT = "edit-refused";

    /** An address's four bytes for {@link HelperContext#replace}: the engine copies them; engine thread only. */
    private final byte[] address = new byte[4];

    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        if (length < HEADER_LENGTH) {
            context.refused(REFUSED_SHORT);
            return Verdict.ACCEPT;
        }
        int inside = context.flow().insideAddress();
        int gateway = context.flow().outsideAddress();
        if (context.direction() == Direction.OUTBOUND) {
            replace(context, payload, offset, ADDR, inside, gateway);
            return Verdict.ACCEPT;
        }
        replace(context, payload, offset, DEST_ADDR, gateway, inside);
        if (u16(payload, offset + DATA_TYPE) == OPEN_CONTINUE && length > FIRST_RECORD) {
            openContinue(context, payload, offset, length, gateway, inside);
        }
        return Verdict.ACCEPT;
    }

    private void openContinue(HelperContext context, byte[] payload, int offset, int length, int gateway,
            int inside) {
        int count = u16(payload, offset + CLIENT_COUNT);
        if (FIRST_RECORD + (long) count * RECORD_LENGTH > length) {
            context.refused(REFUSED_COUNT);
            return;
        }
        for (int i = 0, at = FIRST_RECORD; i < count; i++, at += RECORD_LENGTH) {
            if (u32(payload, offset + at) == gateway) {
                edit(context, at, inside);
                return;
            }
        }
    }

    /** Replaces the address at {@code at} when it is {@code from}; a non-zero other is refused. */
    private void replace(HelperContext context, byte[] payload, int offset, int at, int from, int to) {
        int found = u32(payload, offset + at);
        if (found == from) {
            edit(context, at, to);
        } else if (found != 0) {
            context.refused(REFUSED_ADDRESS);
        }
    }

    private void edit(HelperContext context, int at, int value) {
        address[0] = (byte) (value >>> 24);
        address[1] = (byte) (value >>> 16);
        address[2] = (byte) (value >>> 8);
        address[3] = (byte) value;
        if (!context.replace(at, 4, address, 0, 4)) {
            context.refused(REFUSED_EDIT);
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
