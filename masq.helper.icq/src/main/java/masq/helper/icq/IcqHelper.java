package masq.helper.icq;

import org.osgi.service.component.annotations.Component;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.Verdict;

/**
 * The ICQ v5 helper, the successor of the 2.2 patch {@code ip_masq_icq}, attached to the UDP flows
 * inside clients open to an ICQ server's port 4000 (or those configured under
 * {@code masq.helper.icq}). The client's LOGIN (command {@code 0x03E8}) tells the server its own
 * address and the TCP port it listens on for direct connections (messages, chats and file
 * transfers from other users); the server hands both to those users. The helper unscrambles the
 * login (protocols.md §6.1), writes the gateway's address and a gateway port in their place,
 * scrambles it again with the client's own choice of checkcode bytes, and opens that port to
 * every peer for as long as the login flow lives (a {@link masq.api.ExpectationBuilder#repeating()
 * repeating} expectation), as the 2.2 patch installed a forward for the session. Server packets
 * are plaintext and need nothing.
 *
 * <p>Hardened (protocols.md §8.3): only a packet whose checkcode fits its plaintext is read (noise
 * and other protocols on port 4000 pass unchanged, counted {@code checkcode}); the announced
 * address must be the client's own (a login naming another inside host opens nothing,
 * {@code address-mismatch}; 0.0.0.0 and 127.0.0.1, a client that takes no direct connections,
 * pass); ports below 1024 are refused; the password length must leave the fields inside the
 * packet; a login repeated with the same port keeps the gateway port it got, so a retransmission
 * leaves as the first did. The helper never throws and never drops.
 */
@Component(service = MasqHelper.class, property = {
        MasqHelper.NAME + "=icq",
        MasqHelper.TRANSPORT + "=udp",
        MasqHelper.PORTS + "=4000",
        MasqHelper.MAX_EXPECTED + ":Integer=1" })
public final class IcqHelper implements MasqHelper {
    static final int VERSION = 5;
    static final int COMMAND = 14;
    static final int LOGIN = 0x03E8;
    static final int PORT = 28;
    static final int PASSWORD_LENGTH = 32;
    static final int PASSWORD = 34;
    /** After the password: 4 unknown bytes, then the address, then the mode byte and status. */
    static final int ADDRESS_AFTER_PASSWORD = 4;
    static final int MODE_AFTER_PASSWORD = 8;
    /** The longest datagram read (v5 packets are far shorter). */
    static final int MAX_PACKET = 1024;
    static final int MIN_PORT = 1024;
    private static final int LOOPBACK = 0x7F00_0001;

    static final String REFUSED_SHORT = "short";
    static final String REFUSED_TOO_LONG = "too-long";
    static final String REFUSED_CHECKCODE = "checkcode";
    static final String REFUSED_MALFORMED = "malformed";
    static final String REFUSED_ADDRESS = "address-mismatch";
    static final String REFUSED_PORT_PRIVILEGED = "port-privileged";
    static final String REFUSED_NO_PORT = "no-port";
    static final String REFUSED_EDIT = "edit-refused";

    /** The packet unscrambled and scrambled again; engine thread only. */
    private final byte[] work = new byte[MAX_PACKET];

    @Override
    public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
        if (context.direction() != Direction.OUTBOUND) {
            return Verdict.ACCEPT;
        }
        if (length < V5Crypt.HEADER_LENGTH) {
            context.refused(REFUSED_SHORT);
            return Verdict.ACCEPT;
        }
        if (V5Crypt.u16le(payload, offset) != VERSION || V5Crypt.u32le(payload, offset + 2) != 0) {
            return Verdict.ACCEPT; // another version, or not a client packet: nothing of ours
        }
        if (length > MAX_PACKET) {
            context.refused(REFUSED_TOO_LONG);
            return Verdict.ACCEPT;
        }
        System.arraycopy(payload, offset, work, 0, length);
        long cs = V5Crypt.decrypt(work, 0, length);
        if (cs < 0) {
            context.refused(REFUSED_CHECKCODE);
            return Verdict.ACCEPT;
        }
        if (V5Crypt.u16le(work, COMMAND) == LOGIN) {
            login(context, length, (int) cs);
        }
        return Verdict.ACCEPT;
    }

    private void login(HelperContext context, int length, int cs) {
        int passwordLength = V5Crypt.u16le(work, PASSWORD_LENGTH);
        int address = PASSWORD + passwordLength + ADDRESS_AFTER_PASSWORD;
        if (PASSWORD + passwordLength + MODE_AFTER_PASSWORD + 1 > length) {
            context.refused(REFUSED_MALFORMED);
            return;
        }
        FlowView flow = context.flow();
        int announced = u32be(work, address);
        long port = V5Crypt.u32le(work, PORT) & 0xFFFF_FFFFL;
        if (announced == 0 || announced == LOOPBACK || port == 0) {
            return; // no direct connections offered
        }
        String refusal = announced != flow.insideAddress() ? REFUSED_ADDRESS
                : port > 0xFFFF ? REFUSED_MALFORMED
                : port < MIN_PORT ? REFUSED_PORT_PRIVILEGED : null;
        if (refusal != null) {
            context.refused(refusal);
            return;
        }
        int masqPort = ListeningPort.open(context, (int) port);
        if (masqPort < 0) {
            context.refused(REFUSED_NO_PORT);
            return;
        }
        int choice = V5Crypt.choice(work, 0, cs);
        V5Crypt.put32le(work, PORT, masqPort);
        putBe(work, address, flow.outsideAddress());
        V5Crypt.encrypt(work, 0, length, choice >>> 16, choice & 0xFF);
        int from = V5Crypt.FIRST_SCRAMBLED;
        if (!context.replace(from, length - from, work, from, length - from)) {
            context.refused(REFUSED_EDIT);
        }
    }

    static int u32be(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    static void putBe(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
