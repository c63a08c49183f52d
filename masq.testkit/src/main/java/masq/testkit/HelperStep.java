package masq.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Translator;

/**
 * What one datagram pushed through a {@link HelperHarness} became: the verdict, the datagram
 * before and after, the payload before and after (so the helper's edits can be seen as they left),
 * the expectations pending afterwards and those this datagram added, and every counter that moved
 * (including {@code helper.*}, {@code expect.*} and {@code tcp.seq.adjusted}). Immutable; the
 * arrays are the step's own copies, do not change them.
 *
 * @param side            {@link Translator#INSIDE} or {@link Translator#OUTSIDE}: where it came in
 * @param verdict         a {@link Translator} verdict
 * @param input           the datagram submitted (null for a released fragment)
 * @param output          the datagram the engine sent, or null (dropped, held)
 * @param expectations    the expectations pending after the datagram
 * @param newExpectations the expectations the datagram added
 * @param counterChanges  counters that moved, by name, with the change
 */
public record HelperStep(int side, int verdict, byte[] input, byte[] output, List<ExpectationDTO> expectations,
        List<ExpectationDTO> newExpectations, Map<String, Long> counterChanges) {

    /**
     * One contiguous change between two payloads: at {@code offset}, {@code before} became
     * {@code after}. Several edits in one datagram show as one change spanning them.
     *
     * @param offset where the first differing byte is, from the first payload byte
     * @param before the original bytes of the changed span
     * @param after  the bytes that replaced them
     */
    public record Change(int offset, String before, String after) {
    }

    /** True if the datagram left towards the outside. */
    public boolean forwardedOutside() {
        return verdict == Translator.FORWARD_OUTSIDE;
    }

    /** True if the datagram was forwarded to the inside. */
    public boolean forwardedInside() {
        return verdict == Translator.FORWARD_INSIDE;
    }

    /** True if the engine (or the helper) dropped it. */
    public boolean dropped() {
        return verdict == Translator.DROP;
    }

    /** The payload as submitted (TCP, UDP or ICMP data); empty for a released fragment. */
    public byte[] inputPayload() {
        return input == null ? new byte[0] : Packets.payload(input);
    }

    /** The payload as sent; empty if nothing was sent. */
    public byte[] outputPayload() {
        return output == null ? new byte[0] : Packets.payload(output);
    }

    /** The payload sent, as ISO-8859-1 text. */
    public String outputText() {
        return new String(outputPayload(), StandardCharsets.ISO_8859_1);
    }

    /** True if the datagram was sent with a payload other than the one submitted. */
    public boolean edited() {
        return output != null && input != null && !Arrays.equals(inputPayload(), outputPayload());
    }

    /**
     * The change the edits made to the payload, as the smallest span outside a common prefix and
     * suffix; null if the payload left unchanged (or nothing left).
     */
    public Change change() {
        if (!edited()) {
            return null;
        }
        byte[] a = inputPayload();
        byte[] b = outputPayload();
        int prefix = 0;
        while (prefix < a.length && prefix < b.length && a[prefix] == b[prefix]) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.length - prefix && suffix < b.length - prefix
                && a[a.length - 1 - suffix] == b[b.length - 1 - suffix]) {
            suffix++;
        }
        return new Change(prefix, new String(a, prefix, a.length - prefix - suffix, StandardCharsets.ISO_8859_1),
                new String(b, prefix, b.length - prefix - suffix, StandardCharsets.ISO_8859_1));
    }

    /** How much a counter moved with this datagram; 0 if it did not. */
    public long counter(String name) {
        return counterChanges.getOrDefault(name, 0L);
    }

    /** The verdict as a word: drop, forward-outside, forward-inside, reply, held. */
    public String verdictName() {
        return verdictName(verdict);
    }

    /** A translator verdict as a word: drop, forward-outside, forward-inside, reply, held. */
    public static String verdictName(int verdict) {
        return switch (verdict) {
            case Translator.DROP -> "drop";
            case Translator.FORWARD_OUTSIDE -> "forward-outside";
            case Translator.FORWARD_INSIDE -> "forward-inside";
            case Translator.REPLY -> "reply";
            case Translator.HELD -> "held";
            default -> "verdict " + verdict;
        };
    }

    @Override
    public String toString() {
        return verdictName() + (input == null ? "" : " " + Tuple.of(input))
                + (output == null ? "" : " -> " + Tuple.of(output))
                + (edited() ? " " + change() : "") + (newExpectations.isEmpty() ? "" : " +" + newExpectations.size()
                + " expectation(s)");
    }
}
