package masq.testkit.replay;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import masq.testkit.Checksums;
import masq.testkit.Packets;

/**
 * The acknowledgements a capture's peers would have sent had a helper changed the length of what
 * they received. A capture records the byte streams as they were without the gateway: when a
 * helper makes the client's {@code PORT} line 3 bytes longer, the real server would have
 * acknowledged 3 more bytes from then on, so its captured ACKs must be moved into the translated
 * sequence space before they are submitted; the engine must then move them back, and what reaches
 * the client equals the capture again.
 *
 * <p>The view learns, per connection and sender, how far each translated segment's end lies from
 * its original end (what the engine actually did, observed, not the engine's own records), and
 * shifts an acknowledgement (and SACK block edges, RFC 2018) by the offset in force at the greatest
 * original end not after it. Only changes are kept; sequence numbers are compared relative to the
 * sender's first, so they may wrap. One thread (the replay's).
 */
final class SequenceView {
    private static final int TCP_OPTION_END = 0;
    private static final int TCP_OPTION_NOP = 1;
    private static final int TCP_OPTION_SACK = 5;
    private static final int TCP_CHECKSUM = 16;
    private static final int TCP_ACK = 8;

    /** One sender's offsets: original end of a segment, relative to {@link #base}, to translated minus original. */
    private static final class Offsets {
        final long base;
        final TreeMap<Long, Integer> byEnd = new TreeMap<>();

        Offsets(long base) {
            this.base = base;
        }

        int at(long sequence) {
            Map.Entry<Long, Integer> e = byEnd.floorEntry((sequence - base) & 0xffffffffL);
            return e == null ? 0 : e.getValue();
        }
    }

    /** By (sender address, port, receiver address, port) as captured. */
    private final Map<String, Offsets> senders = new HashMap<>();

    /**
     * Learns from a TCP segment as captured, as submitted and as the engine sent it. The captured
     * one names the connection; the submitted and sent ones give the offset at its end.
     */
    void learn(byte[] captured, byte[] submitted, byte[] sent) {
        if (!isWholeTcp(captured) || !isWholeTcp(sent)) {
            return;
        }
        long originalEnd = Packets.seq(submitted) + length(submitted);
        long translatedEnd = Packets.seq(sent) + length(sent);
        int offset = (int) (translatedEnd - originalEnd);
        String key = key(captured, false);
        Offsets o = senders.get(key);
        if (o == null) {
            if (offset == 0) {
                return;
            }
            o = new Offsets(Packets.seq(submitted));
            senders.put(key, o);
        }
        if (o.at(originalEnd) != offset) {
            o.byEnd.put((originalEnd - o.base) & 0xffffffffL, offset);
        }
    }

    /**
     * Moves the ACK number and SACK blocks of {@code b} (a whole TCP segment at 0, as captured,
     * being prepared for submission) into the translated space of the peer's stream; checksums follow.
     *
     * @param captured the segment as captured, which names the connection
     */
    void shiftAcknowledgements(byte[] captured, byte[] b) {
        if (!isWholeTcp(captured) || (Packets.tcpFlags(b) & Packets.ACK) == 0) {
            return;
        }
        Offsets peer = senders.get(key(captured, true));
        if (peer == null) {
            return;
        }
        int t = Packets.headerLength(b);
        shift(b, t + TCP_ACK, peer, t + TCP_CHECKSUM);
        int end = t + ((b[t + 12] & 0xf0) >>> 4) * 4;
        for (int i = t + 20; i < end && b[i] != TCP_OPTION_END; ) {
            int kind = b[i] & 0xff;
            int length = kind == TCP_OPTION_NOP || i + 1 >= end ? 1 : Math.max(2, b[i + 1] & 0xff);
            if (kind == TCP_OPTION_SACK) {
                for (int edge = i + 2; edge + 4 <= Math.min(i + length, end); edge += 4) {
                    shift(b, edge, peer, t + TCP_CHECKSUM);
                }
            }
            i += length;
        }
    }

    private static void shift(byte[] b, int at, Offsets peer, int checksum) {
        long old = get32(b, at);
        long now = (old + peer.at(old)) & 0xffffffffL;
        if (now == old) {
            return;
        }
        put32(b, at, now);
        int oldSum = Checksums.fold((old >>> 16) + (old & 0xffff));
        int newSum = Checksums.fold((now >>> 16) + (now & 0xffff));
        int c = ((b[checksum] & 0xff) << 8) | (b[checksum + 1] & 0xff);
        c = Checksums.adjust(c, oldSum, newSum);
        b[checksum] = (byte) (c >>> 8);
        b[checksum + 1] = (byte) c;
    }

    /** Sequence space a segment occupies: payload, SYN and FIN (RFC 9293 §3.4). */
    private static long length(byte[] p) {
        int flags = Packets.tcpFlags(p);
        return Packets.payload(p).length + ((flags & Packets.SYN) != 0 ? 1 : 0) + ((flags & Packets.FIN) != 0 ? 1 : 0);
    }

    private static boolean isWholeTcp(byte[] p) {
        return p != null && Packets.protocol(p) == Packets.PROTOCOL_TCP && !Packets.isFragment(p)
                && p.length >= Packets.headerLength(p) + 20;
    }

    /** The sender's key of a captured segment, or of its peer's stream when {@code peer}. */
    private static String key(byte[] captured, boolean peer) {
        String from = Packets.source(captured) + ":" + Packets.sourcePort(captured);
        String to = Packets.destination(captured) + ":" + Packets.destinationPort(captured);
        return peer ? to + ">" + from : from + ">" + to;
    }

    private static long get32(byte[] b, int i) {
        return ((b[i] & 0xffL) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
