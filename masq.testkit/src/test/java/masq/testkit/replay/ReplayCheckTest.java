package masq.testkit.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import masq.api.Ipv4;
import masq.engine.nat.Translator;
import masq.testkit.Packets;
import org.junit.jupiter.api.Test;

/** Each property of {@link ReplayCheck} fails on a result that breaks it. */
class ReplayCheckTest {
    private static final int OUTSIDE = Ipv4.parse("203.0.113.1");
    private static final byte[] SENT = Packets.tcp("192.168.0.2", 40000, "198.51.100.7", 80).ttl(64).build();
    private static final byte[] GOOD = Packets.tcp("203.0.113.1", 61000, "198.51.100.7", 80).ttl(63).build();

    private static Replay replayOf(ReplayResult... results) {
        return new Replay(List.of(results), Map.of(), OUTSIDE, 61000, 65095,
                a -> (a & 0xffffff00) == Ipv4.parse("192.168.0.0"));
    }

    private static ReplayResult outbound(byte[] submitted, byte[] output) {
        ReplayResult r = new ReplayResult(new CapturedPacket(0, 0, 1, new byte[0], -1), Direction.OUTBOUND,
                submitted, submitted);
        r.verdict = Translator.FORWARD_OUTSIDE;
        r.output = output;
        return r;
    }

    private static String onlyViolation(byte[] output) {
        List<String> v = ReplayCheck.violations(replayOf(outbound(SENT, output)));
        assertTrue(!v.isEmpty(), "a violation expected");
        return String.join("\n", v);
    }

    private static byte[] tampered(Consumer<byte[]> change) {
        byte[] b = GOOD.clone();
        change.accept(b);
        return b;
    }

    @Test
    void aCorrectTranslationPasses() {
        assertEquals(List.of(), ReplayCheck.violations(replayOf(outbound(SENT, GOOD))));
    }

    @Test
    void insideSourceLeaking() {
        byte[] leak = Packets.tcp("192.168.0.2", 61000, "198.51.100.7", 80).ttl(63).build();
        assertTrue(onlyViolation(leak).contains("leaks"));
    }

    @Test
    void portOutsideTheMasqRange() {
        byte[] moved = Packets.tcp("203.0.113.1", 50000, "198.51.100.7", 80).ttl(63).build();
        assertTrue(onlyViolation(moved).contains("neither the inside port, nor in the masq range"));
    }

    @Test
    void udpPortOfTheOtherParity() {
        byte[] sent = Packets.udp("192.168.0.2", 40000, "198.51.100.7", 53).build();
        byte[] odd = Packets.udp("203.0.113.1", 61001, "198.51.100.7", 53).ttl(63).build();
        List<String> v = ReplayCheck.violations(replayOf(outbound(sent, odd)));
        assertTrue(String.join("\n", v).contains("lost the parity of inside port 40000"), v.toString());
    }

    @Test
    void brokenTransportChecksum() {
        assertTrue(onlyViolation(tampered(b -> b[36] ^= 1)).contains("residual"));
    }

    @Test
    void brokenIpChecksum() {
        assertTrue(onlyViolation(tampered(b -> b[10] ^= 1)).contains("IP header checksum"));
    }

    @Test
    void ttlNotDecremented() {
        byte[] same = Packets.tcp("203.0.113.1", 61000, "198.51.100.7", 80).ttl(64).build();
        assertTrue(onlyViolation(same).contains("TTL"));
    }

    @Test
    void payloadChanged() {
        byte[] sent = Packets.tcp("192.168.0.2", 40000, "198.51.100.7", 80).payload("abc").build();
        byte[] out = Packets.tcp("203.0.113.1", 61000, "198.51.100.7", 80).ttl(63).payload("abd").build();
        assertTrue(String.join("", ReplayCheck.violations(replayOf(outbound(sent, out)))).contains("bytes"));
    }

    @Test
    void oneMasqPortForTwoInsideEndpoints() {
        byte[] other = Packets.tcp("192.168.0.3", 40000, "198.51.100.7", 80).build();
        List<String> v = ReplayCheck.violations(replayOf(outbound(SENT, GOOD), outbound(other, GOOD)));
        assertTrue(String.join("", v).contains("serves"), v.toString());
    }

    @Test
    void inboundReturnedToAnotherEndpoint() {
        byte[] captured = Packets.tcp("198.51.100.7", 80, "192.168.0.2", 40000).build();
        byte[] wrong = Packets.tcp("198.51.100.7", 80, "192.168.0.3", 40000).ttl(63).build();
        ReplayResult r = new ReplayResult(new CapturedPacket(0, 0, 1, new byte[0], -1), Direction.INBOUND,
                captured, captured);
        r.verdict = Translator.FORWARD_INSIDE;
        r.output = wrong;
        assertTrue(String.join("", ReplayCheck.violations(replayOf(r))).contains("returned as"));
    }

    @Test
    void dropWithoutReason() {
        ReplayResult r = outbound(SENT, null);
        r.verdict = Translator.DROP;
        assertTrue(String.join("", ReplayCheck.violations(replayOf(r))).contains("without a counter"));
    }
}
