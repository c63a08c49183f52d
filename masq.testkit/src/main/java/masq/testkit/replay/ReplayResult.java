package masq.testkit.replay;

import java.util.List;
import java.util.Map;
import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Translator;
import masq.testkit.HelperStep;

/**
 * What became of one captured frame: its direction, the datagram as captured, as submitted to
 * the engine (inbound datagrams re-addressed to the gateway), the engine's verdict, what it sent,
 * and the counter that names the reason of a drop. A fragment the engine held is updated when it
 * is released ({@link #wasHeld()} stays true). Byte arrays are the replay's own: do not change them.
 */
public final class ReplayResult {
    /** Verdict of a frame that was not submitted ({@link Direction#LOCAL}, TRANSIT, NOT_IPV4). */
    public static final int SKIPPED = -1;

    private final CapturedPacket packet;
    private final Direction direction;
    private final byte[] captured;
    private final byte[] submitted;
    int verdict = SKIPPED;
    byte[] output;
    String dropReason;
    boolean held;
    List<ExpectationDTO> newExpectations = List.of();
    Map<String, Long> counterChanges = Map.of();

    ReplayResult(CapturedPacket packet, Direction direction, byte[] captured, byte[] submitted) {
        this.packet = packet;
        this.direction = direction;
        this.captured = captured;
        this.submitted = submitted;
    }

    /** The frame as read. */
    public CapturedPacket packet() {
        return packet;
    }

    /** The frame's position in the capture, from 0. */
    public int index() {
        return packet.index();
    }

    public Direction direction() {
        return direction;
    }

    /** The datagram as captured (null unless IPv4). */
    public byte[] captured() {
        return captured;
    }

    /** The datagram as given to the engine (null if skipped). */
    public byte[] submitted() {
        return submitted;
    }

    /** A {@link Translator} verdict, or {@link #SKIPPED}; HELD if a held fragment was never released. */
    public int verdict() {
        return verdict;
    }

    /** The datagram the engine sent (forwarded or its own reply), or null. */
    public byte[] output() {
        return output;
    }

    /** For a drop, the name of the counter the engine incremented (e.g. {@code drop.inbound.no-mapping}). */
    public String dropReason() {
        return dropReason;
    }

    /** True if the engine held this fragment for a first fragment that had not arrived. */
    public boolean wasHeld() {
        return held;
    }

    /** With helpers attached: the expectations this datagram added (a rewritten {@code PORT}); else empty. */
    public List<ExpectationDTO> newExpectations() {
        return newExpectations;
    }

    /** With helpers attached: the counters this datagram moved, by name ({@code expect.matched}...); else empty. */
    public Map<String, Long> counterChanges() {
        return counterChanges;
    }

    /** How much a counter moved with this datagram (helpers attached); 0 if it did not. */
    public long counterChange(String name) {
        return counterChanges.getOrDefault(name, 0L);
    }

    /** The verdict as a word: skipped, drop, forward-outside, forward-inside, reply, held. */
    public String verdictName() {
        return verdict == SKIPPED ? "skipped" : HelperStep.verdictName(verdict);
    }

    @Override
    public String toString() {
        return "#" + index() + " " + direction + " " + verdictName() + (dropReason == null ? "" : " (" + dropReason + ")");
    }
}
