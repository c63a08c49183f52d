package masq.testkit.replay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import masq.api.Ipv4;
import masq.api.admin.MappingDTO;
import masq.engine.nat.Translator;
import masq.testkit.Packets;
import masq.testkit.Tuple;

/**
 * The outcome of one {@link CaptureReplay#run}: a {@link ReplayResult} per captured frame, in
 * capture order, the engine's counters at the end, and the gateway the capture was mapped onto
 * (for {@link ReplayCheck}). Immutable once returned.
 */
public final class Replay {
    private final List<ReplayResult> results;
    private final Map<String, Long> counters;
    private final int outsideAddress;
    private final int portLow;
    private final int portHigh;
    private final IntPredicate inside;
    private final boolean helpers;
    private final List<MappingDTO> mappings;

    /** A plain-NAT replay's outcome (no helpers, no mapping table). */
    Replay(List<ReplayResult> results, Map<String, Long> counters, int outsideAddress, int portLow, int portHigh,
            IntPredicate inside) {
        this(results, counters, outsideAddress, portLow, portHigh, inside, false, List.of());
    }

    Replay(List<ReplayResult> results, Map<String, Long> counters, int outsideAddress, int portLow, int portHigh,
            IntPredicate inside, boolean helpers, List<MappingDTO> mappings) {
        this.results = Collections.unmodifiableList(results);
        this.counters = Collections.unmodifiableMap(counters);
        this.outsideAddress = outsideAddress;
        this.portLow = portLow;
        this.portHigh = portHigh;
        this.inside = inside;
        this.helpers = helpers;
        this.mappings = List.copyOf(mappings);
    }

    /** True if helpers were attached: payload and TCP sequence numbers may differ on purpose. */
    public boolean helpersAttached() {
        return helpers;
    }

    /** The engine's mappings after the last frame, as {@code masq:table} lists them (helper, master). */
    public List<MappingDTO> mappings() {
        return mappings;
    }

    /**
     * One direction of a TCP connection, reassembled by sequence number: the payload bytes from
     * the first sequence number seen to the last, each once (retransmissions overlap their
     * originals). Before translation the segments are taken as captured; after, as the engine sent
     * them, in their translated sequence space.
     *
     * @param connection the connection as its inside host sees it: inside endpoint to remote endpoint
     * @param direction  {@link Direction#OUTBOUND} for what the inside host sent, INBOUND for what it received
     * @param translated false for the stream as captured, true for the stream the engine sent
     * @throws IllegalStateException if a byte of the stream is missing (a segment dropped or never captured)
     */
    public byte[] tcpStream(Tuple connection, Direction direction, boolean translated) {
        Tuple wanted = direction == Direction.OUTBOUND ? connection : connection.reversed();
        List<byte[]> segments = new ArrayList<>();
        for (ReplayResult r : results) {
            if (r.direction() == direction && r.captured() != null && Tuple.of(r.captured()).equals(wanted)) {
                byte[] d = translated ? r.output() : r.captured();
                if (d != null && !Packets.isFragment(d)) {
                    segments.add(d);
                }
            }
        }
        return TcpStreams.reassemble(segments, connection + " " + direction.name().toLowerCase()
                + (translated ? " translated" : " captured"));
    }

    /** {@link #tcpStream} as ISO-8859-1 text. */
    public String tcpStreamText(Tuple connection, Direction direction, boolean translated) {
        return new String(tcpStream(connection, direction, translated), StandardCharsets.ISO_8859_1);
    }

    /** One result per captured frame, in capture order. */
    public List<ReplayResult> results() {
        return results;
    }

    /** The engine's counters by name after the last frame. */
    public Map<String, Long> counters() {
        return counters;
    }

    /** The gateway's outside address. */
    public int outsideAddress() {
        return outsideAddress;
    }

    /** The lowest masq port. */
    public int portLow() {
        return portLow;
    }

    /** The highest masq port. */
    public int portHigh() {
        return portHigh;
    }

    /** True if {@code address} is in the inside network the replay was given. */
    public boolean isInside(int address) {
        return inside.test(address);
    }

    /** Frames of a direction. */
    public long count(Direction direction) {
        return results.stream().filter(r -> r.direction() == direction).count();
    }

    /** Frames of a direction that got a verdict ({@link Translator} constants). */
    public long count(Direction direction, int verdict) {
        return results.stream().filter(r -> r.direction() == direction && r.verdict() == verdict).count();
    }

    /** Dropped frames by the counter that names the reason. */
    public Map<String, Integer> dropsByReason() {
        Map<String, Integer> drops = new TreeMap<>();
        for (ReplayResult r : results) {
            if (r.verdict() == Translator.DROP) {
                drops.merge(String.valueOf(r.dropReason()), 1, Integer::sum);
            }
        }
        return drops;
    }

    /**
     * One line: frames, outbound and inbound submitted and translated, the gateway's own
     * replies, fragments still held, drops by reason, skipped frames by direction.
     */
    public String summary() {
        long out = count(Direction.OUTBOUND);
        long in = count(Direction.INBOUND);
        long replies = count(Direction.OUTBOUND, Translator.REPLY) + count(Direction.INBOUND, Translator.REPLY);
        long held = count(Direction.OUTBOUND, Translator.HELD) + count(Direction.INBOUND, Translator.HELD);
        Map<String, Long> skipped = new TreeMap<>();
        for (Direction d : new Direction[] {Direction.LOCAL, Direction.TRANSIT, Direction.NOT_IPV4}) {
            if (count(d) > 0) {
                skipped.put(d.name().toLowerCase(), count(d));
            }
        }
        return "frames " + results.size() + ", gateway " + Ipv4.toString(outsideAddress)
                + "; outbound " + out + " (translated " + count(Direction.OUTBOUND, Translator.FORWARD_OUTSIDE)
                + "), inbound " + in + " (translated " + count(Direction.INBOUND, Translator.FORWARD_INSIDE)
                + "), gateway replies " + replies + ", still held " + held
                + "; dropped " + dropsByReason() + "; skipped " + skipped;
    }

    @Override
    public String toString() {
        return summary();
    }
}
