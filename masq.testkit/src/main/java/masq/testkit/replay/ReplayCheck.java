package masq.testkit.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import masq.api.Ipv4;
import masq.engine.nat.Translator;
import masq.testkit.Checksums;
import masq.testkit.Packets;
import masq.testkit.Tuple;

/**
 * The packet-by-packet properties of a masquerading replay (issue 3 item 11), as a list of
 * violations, empty when all hold:
 *
 * <ul>
 * <li><b>No leak</b>: every outbound datagram sent has the outside address as source, a port or
 * ICMP identifier that is the inside one (preserved), in the masq range, or below 1024 for one
 * below 1024, for UDP of the inside port's parity (non-first fragments have none), no inside address in its
 * IP header or in the header an ICMP error quotes, and otherwise the bytes it was submitted with
 * (TTL one less).</li>
 * <li><b>One mapping per endpoint, one endpoint per mapping</b>: an inside (protocol, address,
 * port) always leaves from the same masq port, and a masq port serves one inside endpoint
 * (endpoint-independent mapping, no port overloading).</li>
 * <li><b>Exact return</b>: every inbound datagram forwarded inside is the captured datagram
 * itself, addresses, ports, identifiers and quoted headers included, but for the TTL (one less)
 * and the checksums that follow it.</li>
 * <li><b>Checksums</b>: every datagram sent has a valid IP header checksum, and its transport
 * checksum has the residual of the datagram submitted (valid stays valid; a partial checksum, which
 * the engine completes, becomes valid; offloaded otherwise stays off by
 * the same amount, see {@link Checksums}); a UDP datagram without checksum stays without.</li>
 * <li><b>Gateway replies</b> go back to the sender; <b>drops</b> name a counter.</li>
 * </ul>
 *
 * With helpers attached ({@link Replay#helpersAttached}) an outbound TCP segment's payload, length,
 * sequence and acknowledgement numbers may change on purpose: its headers are compared without
 * them (compare the streams with {@link Replay#tcpStream}, the numbers in the test). An inbound
 * datagram must still return exactly as captured unless the helper changed its payload: the
 * acknowledgements the replay moved into the translated space must come back.
 */
public final class ReplayCheck {
    /** Ports below this are privileged: one gets a gateway port below it (RFC 4787 REQ-3a). */
    private static final int PRIVILEGED = 1024;

    private ReplayCheck() {
    }

    /** Every violation in the replay, one line each naming the frame. */
    public static List<String> violations(Replay replay) {
        List<String> out = new ArrayList<>();
        Map<Long, Integer> portOfEndpoint = new HashMap<>();
        Map<Long, Tuple> endpointOfPort = new HashMap<>();
        for (ReplayResult r : replay.results()) {
            String where = r + ": ";
            if (r.verdict() == Translator.DROP && r.dropReason() == null) {
                out.add(where + "dropped without a counter");
            }
            if (r.output() == null) {
                continue;
            }
            checkChecksums(r, where, out);
            if (r.verdict() == Translator.REPLY) {
                checkReply(r, where, out);
            } else if (r.direction() == Direction.OUTBOUND) {
                checkOutbound(replay, r, where, out);
                checkMapping(r, where, portOfEndpoint, endpointOfPort, out);
            } else {
                checkInbound(r, where, out);
            }
        }
        return out;
    }

    private static void checkOutbound(Replay replay, ReplayResult r, String where, List<String> out) {
        byte[] in = r.submitted();
        byte[] o = r.output();
        if (r.verdict() != Translator.FORWARD_OUTSIDE) {
            out.add(where + "outbound datagram sent inside");
            return;
        }
        if (Packets.sourceAddress(o) != replay.outsideAddress()) {
            out.add(where + "source " + Packets.source(o) + " is not the outside address");
        }
        for (int address : headerAddresses(o)) {
            if (replay.isInside(address)) {
                out.add(where + "inside address " + Ipv4.toString(address) + " leaks in " + Tuple.of(o));
            }
        }
        int port = Packets.sourcePort(o);
        int insidePort = Packets.sourcePort(in);
        boolean icmp = Packets.protocol(in) == Packets.PROTOCOL_ICMP;
        if (insidePort >= 0 && port != insidePort && (port < replay.portLow() || port > replay.portHigh())
                && (icmp || insidePort >= PRIVILEGED || port >= PRIVILEGED)) {
            out.add(where + "port " + port + " of " + Tuple.of(o) + " is neither the inside port, nor in the masq "
                    + "range, nor a port below 1024 for one below 1024");
        }
        if (insidePort >= 0 && Packets.protocol(in) == Packets.PROTOCOL_UDP && (port & 1) != (insidePort & 1)) {
            out.add(where + "port " + port + " of " + Tuple.of(o) + " lost the parity of inside port " + insidePort);
        }
        if (Packets.destinationAddress(o) != Packets.destinationAddress(in)
                || Packets.protocol(in) != Packets.PROTOCOL_ICMP && Packets.destinationPort(o) != Packets.destinationPort(in)) {
            out.add(where + "destination changed: " + Tuple.of(in) + " became " + Tuple.of(o));
        }
        if (replay.helpersAttached() && Packets.protocol(in) == Packets.PROTOCOL_TCP && !Packets.isFragment(in)) {
            if (!sameTcpHeaders(in, o)) {
                out.add(where + "header bytes other than source, port, TTL, length, seq, ack and checksums changed");
            }
        } else if (!isIcmpError(in) && !sameExcept(in, o, translatedFields(in))) {
            out.add(where + "bytes other than source, port, TTL and checksums changed");
        }
        checkTtl(in, o, where, out);
    }

    private static void checkInbound(ReplayResult r, String where, List<String> out) {
        byte[] original = r.captured();
        byte[] o = r.output();
        if (r.verdict() != Translator.FORWARD_INSIDE) {
            out.add(where + "inbound datagram sent outside");
            return;
        }
        if (!Tuple.of(o).equals(Tuple.of(original))) {
            out.add(where + "returned as " + Tuple.of(o) + ", captured as " + Tuple.of(original));
        }
        boolean edited = Packets.protocol(original) == Packets.PROTOCOL_TCP && !Packets.isFragment(original)
                && !Arrays.equals(Packets.payload(original), Packets.payload(o));
        if (edited && !sameTcpHeaders(original, o)) {
            out.add(where + "an edited segment's headers changed beyond length, seq, ack, TTL and checksums");
        } else if (!edited
                && !sameExcept(original, o, new int[] {8, 10, 11, checksumOffset(original), checksumOffset(original) + 1})) {
            out.add(where + "returned bytes differ from the captured datagram beyond TTL and checksums");
        }
        checkTtl(original, o, where, out);
    }

    private static void checkReply(ReplayResult r, String where, List<String> out) {
        if (Packets.destinationAddress(r.output()) != Packets.sourceAddress(r.submitted())) {
            out.add(where + "gateway reply to " + Packets.destination(r.output()) + ", not to the sender");
        }
        if (!Packets.checksumsValid(r.output())) {
            out.add(where + "gateway reply with a bad checksum");
        }
    }

    private static void checkChecksums(ReplayResult r, String where, List<String> out) {
        byte[] in = r.submitted();
        byte[] o = r.output();
        if (!Checksums.ipHeaderValid(o, 0)) {
            out.add(where + "IP header checksum invalid on output");
        }
        if (r.verdict() == Translator.REPLY) {
            return;
        }
        int before = Checksums.transportResidual(in, 0);
        int after = Checksums.transportResidual(o, 0);
        if (Checksums.udpWithoutChecksum(in, 0) != Checksums.udpWithoutChecksum(o, 0)) {
            out.add(where + "UDP checksum presence changed");
        } else if (!Checksums.udpWithoutChecksum(in, 0) && before >= 0 && !Checksums.sameResidual(before, after)
                && !(after == Checksums.VALID_RESIDUAL && Checksums.transportPartial(in, 0))) {
            out.add(where + String.format("transport checksum residual %04x became %04x", before, after));
        }
    }

    /** Endpoint-independent mapping and no port overloading, over the whole replay. */
    private static void checkMapping(ReplayResult r, String where, Map<Long, Integer> portOfEndpoint,
            Map<Long, Tuple> endpointOfPort, List<String> out) {
        byte[] in = r.submitted();
        int insidePort = Packets.sourcePort(in);
        int masqPort = Packets.sourcePort(r.output());
        if (insidePort < 0 || masqPort < 0 || isIcmpError(in)) {
            return;
        }
        int protocol = Packets.protocol(in);
        long endpoint = ((long) protocol << 48) | ((Packets.sourceAddress(in) & 0xffffffffL) << 16) | insidePort;
        Integer known = portOfEndpoint.putIfAbsent(endpoint, masqPort);
        if (known != null && known != masqPort) {
            out.add(where + Tuple.of(in) + " left from port " + masqPort + ", earlier from " + known);
        }
        Tuple owner = endpointOfPort.putIfAbsent(((long) protocol << 16) | masqPort, Tuple.of(in));
        if (owner != null && (owner.source() != Packets.sourceAddress(in) || owner.sourcePort() != insidePort)) {
            out.add(where + "masq port " + masqPort + " serves " + Tuple.of(in) + " and " + owner);
        }
    }

    private static void checkTtl(byte[] in, byte[] o, String where, List<String> out) {
        if (Packets.ttl(o) != Packets.ttl(in) - 1) {
            out.add(where + "TTL " + Packets.ttl(in) + " became " + Packets.ttl(o));
        }
    }

    /** Addresses in the IP header and, for an ICMP error, in the header it quotes. */
    private static int[] headerAddresses(byte[] p) {
        if (!isIcmpError(p)) {
            return new int[] {Packets.sourceAddress(p), Packets.destinationAddress(p)};
        }
        byte[] q = Packets.quoted(p);
        return q.length < 20 ? new int[] {Packets.sourceAddress(p), Packets.destinationAddress(p)}
                : new int[] {Packets.sourceAddress(p), Packets.destinationAddress(p),
                    Packets.sourceAddress(q), Packets.destinationAddress(q)};
    }

    private static boolean isIcmpError(byte[] p) {
        return Packets.protocol(p) == Packets.PROTOCOL_ICMP && Packets.fragmentOffset(p) == 0
                && !Packets.isIcmpQuery(Packets.icmpType(p));
    }

    /** Offsets a masquerading rewrite of an outbound datagram may change. */
    private static int[] translatedFields(byte[] in) {
        int t = Packets.headerLength(in);
        int c = checksumOffset(in);
        int port = Packets.protocol(in) == Packets.PROTOCOL_ICMP ? t + 4 : t;
        return Packets.fragmentOffset(in) != 0 ? new int[] {8, 10, 11, 12, 13, 14, 15}
                : new int[] {8, 10, 11, 12, 13, 14, 15, port, port + 1, c, c + 1};
    }

    /** The transport checksum's offset in a first fragment or whole datagram, or -1. */
    private static int checksumOffset(byte[] p) {
        if (Packets.fragmentOffset(p) != 0) {
            return -1;
        }
        int t = Packets.headerLength(p);
        return switch (Packets.protocol(p)) {
            case Packets.PROTOCOL_TCP -> t + 16;
            case Packets.PROTOCOL_UDP -> t + 6;
            case Packets.PROTOCOL_ICMP -> t + 2;
            default -> -1;
        };
    }

    /**
     * Two TCP segments' IP and TCP headers agree except where a masquerading helper changes them:
     * total length, TTL, checksums, source address and port, sequence and acknowledgement numbers.
     */
    private static boolean sameTcpHeaders(byte[] a, byte[] b) {
        int t = Packets.headerLength(a);
        int tcpLength = ((a[t + 12] & 0xf0) >>> 4) * 4;
        if (Packets.headerLength(b) != t || b.length < t + tcpLength || ((b[t + 12] & 0xf0) >>> 4) * 4 != tcpLength) {
            return false;
        }
        int[] ignored = {2, 3, 8, 10, 11, 12, 13, 14, 15, t, t + 1, t + 4, t + 5, t + 6, t + 7, t + 8, t + 9, t + 10,
            t + 11, t + 16, t + 17};
        return sameExcept(Arrays.copyOf(a, t + tcpLength), Arrays.copyOf(b, t + tcpLength), ignored);
    }

    private static boolean sameExcept(byte[] a, byte[] b, int[] ignored) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && !contains(ignored, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
