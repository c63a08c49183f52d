package masq.testkit.replay;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.TreeMap;
import masq.testkit.Packets;

/** Reassembles one direction of a TCP connection from its segments, by sequence number. Stateless. */
final class TcpStreams {
    private TcpStreams() {
    }

    /**
     * The payload of {@code segments} (datagrams of one direction of one connection) in sequence
     * order, each byte once, from the byte after a SYN (or the lowest sequence number seen) on.
     * Numbers are taken relative to that start, so the stream may wrap past 2^32.
     *
     * @param what names the stream in the exception
     * @throws IllegalStateException if a byte in the middle was never seen
     */
    static byte[] reassemble(List<byte[]> segments, String what) {
        Long start = null;
        for (byte[] s : segments) {
            long first = Packets.seq(s) + ((Packets.tcpFlags(s) & Packets.SYN) != 0 ? 1 : 0);
            if ((Packets.tcpFlags(s) & Packets.SYN) != 0 || start == null
                    || (int) (first - start) < 0 && Packets.payload(s).length > 0) {
                start = first & 0xffffffffL;
            }
        }
        TreeMap<Long, byte[]> byOffset = new TreeMap<>();
        for (byte[] s : segments) {
            byte[] payload = Packets.payload(s);
            if (payload.length == 0) {
                continue;
            }
            long first = Packets.seq(s) + ((Packets.tcpFlags(s) & Packets.SYN) != 0 ? 1 : 0);
            long offset = (first - start) & 0xffffffffL;
            byte[] known = byOffset.get(offset);
            if (known == null || known.length < payload.length) {
                byOffset.put(offset, payload);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = 0;
        for (var e : byOffset.entrySet()) {
            long offset = e.getKey();
            byte[] payload = e.getValue();
            if (offset > next) {
                throw new IllegalStateException(what + ": bytes " + next + " to " + (offset - 1) + " are missing");
            }
            int skip = (int) (next - offset);
            if (skip < payload.length) {
                out.write(payload, skip, payload.length - skip);
                next = offset + payload.length;
            }
        }
        return out.toByteArray();
    }
}
