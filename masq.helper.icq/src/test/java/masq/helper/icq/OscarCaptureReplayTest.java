package masq.helper.icq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.engine.nat.Translator;
import masq.testkit.Packets;
import masq.testkit.replay.CaptureReplay;
import masq.testkit.replay.Direction;
import masq.testkit.replay.Replay;
import masq.testkit.replay.ReplayResult;

/**
 * The shared OSCAR capture (../shared/captures/SOURCES.md, "ICQ / OSCAR": nDPI's Oscar.pcap, an
 * Adium client 10.30.29.3 in a BOS session with an ICQ server on TCP 443, plain FLAP) replayed
 * through the engine with the OSCAR helper on port 443, the client inside. Its messaging, typing
 * notifications and info requests are FLAPs the helper must frame across the capture's segments
 * without refusing any or changing a byte: the client announces no direct connection in it. The
 * capture lacks bytes 1028 to 10778 of the client's stream (and a stretch of the server's); the
 * engine holds the segments beyond such a hole off (a real sender would retransmit the missing
 * bytes), and only those.
 * LGPL-3.0, so it is read from ../shared, not copied; the test is skipped when it is absent.
 */
class OscarCaptureReplayTest {
    private static final Path CAPTURES = Path.of(System.getProperty("masq.captures", "../../shared/captures"));

    @Test
    void theClientsFlapsPassUnchangedAndTheSegmentsBeyondTheCapturesHoleAreHeldOff() throws IOException {
        Path capture = CAPTURES.resolve("icq/Oscar.pcap");
        assumeTrue(Files.isReadable(capture), "capture " + capture.toAbsolutePath() + " is absent");
        Replay replay = CaptureReplay.builder().insideNetwork("10.30.29.3/32").outsideAddress("203.0.113.1/24")
                .verifyTransportChecksums(false).repairOffloadedIpChecksums(true) // the client's send offload
                .helper(new OscarHelper(), OscarHelperTest.properties(443)).build().run(capture);
        System.out.println("Oscar.pcap with oscar: " + replay.summary());
        assertEquals(0, replay.counters().getOrDefault("helper.failures", 0L));
        assertEquals(Map.of(), replay.counters().entrySet().stream()
                .filter(e -> e.getKey().startsWith("helper.refused")).collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, Map.Entry::getValue)), "no FLAP refused");
        int forwarded = 0;
        int gap = 0;
        for (ReplayResult r : replay.results()) {
            if (r.verdict() == Translator.DROP) {
                assertTrue(r.counterChange("helper.stream.gap") > 0, "dropped only beyond a hole: " + r);
                gap++;
            } else if (r.direction() == Direction.OUTBOUND && r.verdict() != ReplayResult.SKIPPED) {
                assertEquals(Translator.FORWARD_OUTSIDE, r.verdict(), r.toString());
                assertArrayEquals(Packets.payload(r.submitted()), Packets.payload(r.output()), r.toString());
                forwarded++;
            }
        }
        System.out.println("client segments passed unchanged: " + forwarded + "; beyond a hole: " + gap);
        assertTrue(forwarded >= 10, forwarded + " client segments framed before the hole");
    }
}
