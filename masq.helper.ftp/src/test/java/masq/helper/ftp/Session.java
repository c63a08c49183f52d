package masq.helper.ftp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import masq.api.Direction;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.Transport;
import masq.api.Verdict;
import masq.api.admin.ExpectationDTO;
import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * One FTP control connection through the real engine (masq.testkit's {@link HelperHarness}), client
 * inside: 192.168.0.2:40000 to the server 198.51.100.5:21, masqueraded from 203.0.113.1. Sends payloads
 * in either direction at the next sequence number (or a chosen one) and returns the payload that leaves
 * the gateway; strings are ISO-8859-1 so that any byte can be written. The harness is built at the first
 * payload, with the gateway ports {@link Flow#nextGatewayPort} asks for: the control connection takes the
 * port below it, so that the first data port is that one ({@code -1}: none is left).
 */
final class Session {
    static final int INSIDE = Ipv4.parse("192.168.0.2");
    static final int OUTSIDE = Ipv4.parse("203.0.113.1");
    static final int SERVER = Ipv4.parse("198.51.100.5");
    private static final String CLIENT = "192.168.0.2";
    private static final String REMOTE = "198.51.100.5";
    private static final String GATEWAY = "203.0.113.1";
    private static final int CLIENT_PORT = 40001; // odd: the control connection takes 60999, the odd port below the data ports

    /** A registered expectation, as the helper asked for it; remote address/port -1 means any. */
    record Expectation(Transport transport, boolean fromInside, int remoteAddress, int remotePort,
            int insideAddress, int insidePort, int gatewayPort) {
    }

    /** What the connection registered and refused, in the order of the packets. */
    static final class Flow {
        /** The first gateway port an expectation gets; -1 leaves none. */
        int nextGatewayPort = 61000;
        final List<Expectation> expectations = new ArrayList<>();
        /** The helper's refusals; "engine:no-port" when the engine had no port for an expectation. */
        final List<String> refusals = new ArrayList<>();
    }

    final Flow flow = new Flow();
    long outboundSeq;
    long inboundSeq;
    Verdict verdict;
    private HelperHarness gateway;
    private int masqPort;
    /** The translated sequence number of the last client segment that left: what the server acknowledges. */
    private long serverAck;

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
        if (gateway == null) {
            open();
        }
        byte[] bytes = payload.getBytes(ISO_8859_1);
        Map<String, Long> before = gateway.refusals("ftp");
        HelperStep step = direction == Direction.OUTBOUND
                ? gateway.outbound(Packets.tcp(CLIENT, CLIENT_PORT, REMOTE, 21).flags(Packets.ACK).seq(seq)
                        .ack(inboundSeq).payload(bytes).build())
                : gateway.inbound(Packets.tcp(REMOTE, 21, GATEWAY, masqPort).flags(Packets.ACK).seq(seq)
                        .ack(serverAck).payload(bytes).build());
        verdict = step.dropped() ? Verdict.DROP : Verdict.ACCEPT;
        for (ExpectationDTO e : step.newExpectations()) {
            flow.expectations.add(expectation(e));
        }
        if (step.counter("expect.refused") > 0) {
            flow.refusals.add("engine:no-port");
        }
        gateway.refusals("ftp").forEach((reason, n) -> {
            for (long k = before.getOrDefault(reason, 0L); k < n; k++) {
                flow.refusals.add(reason);
            }
        });
        if (step.dropped()) {
            return "";
        }
        if (direction == Direction.OUTBOUND) {
            serverAck = Packets.seq(step.output());
        }
        return new String(Packets.payload(step.output()), ISO_8859_1);
    }

    /** @return the expectations pending in the engine now (a replaced one is gone), in its order */
    List<Expectation> pending() {
        List<Expectation> now = new ArrayList<>();
        if (gateway != null) {
            for (ExpectationDTO e : gateway.expectations()) {
                now.add(expectation(e));
            }
        }
        return now;
    }

    private static Expectation expectation(ExpectationDTO e) {
        boolean fromInside = e.insidePort == 0;
        return new Expectation(Transport.TCP, fromInside, "*".equals(e.remoteAddress) ? -1 : Ipv4.parse(e.remoteAddress),
                e.remotePort <= 0 ? -1 : e.remotePort, Ipv4.parse(e.insideAddress), e.insidePort,
                fromInside ? 0 : e.gatewayPort);
    }

    /** The gateway and the handshake; the client port is masqueraded to the port below the first data port. */
    private void open() {
        int first = flow.nextGatewayPort < 0 ? 60999 : flow.nextGatewayPort;
        int low = first - 1;
        int high = flow.nextGatewayPort < 0 ? low : Math.min(65535, first + 999);
        Map<String, Object> properties = new HashMap<>(HelperHarness.properties("ftp", "tcp", 21));
        // what the component declares: a test double with more room would pass what the helper cannot do
        properties.put(MasqHelper.MAX_EXPECTED, FtpHelper.MAX_EXPECTED);
        gateway = HelperHarness.builder().engine(b -> b.ports(low, high)).helper(new FtpHelper(), properties).build();
        HelperStep syn = gateway.outbound(Packets.tcp(CLIENT, CLIENT_PORT, REMOTE, 21).flags(Packets.SYN)
                .seq((outboundSeq - 1) & 0xFFFF_FFFFL).build());
        masqPort = Packets.sourcePort(syn.output());
        gateway.inbound(Packets.tcp(REMOTE, 21, GATEWAY, masqPort).flags(Packets.SYN | Packets.ACK)
                .seq((inboundSeq - 1) & 0xFFFF_FFFFL).ack(outboundSeq).build());
        serverAck = outboundSeq;
    }
}
