package masq.helper.ftp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import masq.api.Direction;
import masq.api.Ipv4;
import masq.api.Verdict;

/**
 * One FTP control connection through the helper, client inside: 192.168.0.2:40000 masqueraded as
 * 203.0.113.1:61001 to the server 198.51.100.5:21. Sends payloads in either direction at the next
 * sequence number (or a chosen one) and returns what leaves the gateway; strings are ISO-8859-1 so that
 * any byte can be written.
 */
final class Session {
    static final int INSIDE = Ipv4.parse("192.168.0.2");
    static final int OUTSIDE = Ipv4.parse("203.0.113.1");
    static final int SERVER = Ipv4.parse("198.51.100.5");

    final FtpHelper helper = new FtpHelper();
    final RecordingContext.Flow flow = new RecordingContext.Flow(INSIDE, 40000, OUTSIDE, 61001, SERVER, 21);
    long outboundSeq;
    long inboundSeq;
    Verdict verdict;

    Session() {
        this(1000, 5000);
    }

    Session(long outboundSeq, long inboundSeq) {
        this.outboundSeq = outboundSeq;
        this.inboundSeq = inboundSeq;
    }

    /** Sends a client payload at the next outbound sequence number. */
    String out(String payload) {
        String result = sendAt(Direction.OUTBOUND, outboundSeq, payload);
        outboundSeq = (outboundSeq + payload.length()) & 0xFFFF_FFFFL;
        return result;
    }

    /** Sends a server payload at the next inbound sequence number. */
    String in(String payload) {
        String result = sendAt(Direction.INBOUND, inboundSeq, payload);
        inboundSeq = (inboundSeq + payload.length()) & 0xFFFF_FFFFL;
        return result;
    }

    /** Sends a payload at a chosen sequence number (a retransmission, or one after a gap). */
    String sendAt(Direction direction, long seq, String payload) {
        byte[] bytes = payload.getBytes(ISO_8859_1);
        // the payload sits inside a larger array, as in a packet buffer
        byte[] packet = new byte[bytes.length + 60];
        System.arraycopy(bytes, 0, packet, 40, bytes.length);
        RecordingContext context = new RecordingContext(flow, direction, seq & 0xFFFF_FFFFL, bytes.length);
        verdict = helper.handle(context, packet, 40, bytes.length);
        return new String(context.apply(packet, 40), ISO_8859_1);
    }
}
