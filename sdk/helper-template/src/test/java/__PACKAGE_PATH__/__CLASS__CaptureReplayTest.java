package __PACKAGE__;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import masq.testkit.HelperHarness;
import masq.testkit.Packets;
import masq.testkit.replay.CaptureReplay;
import masq.testkit.replay.Replay;
import masq.testkit.replay.ReplayResult;

/**
 * A recorded session replayed through masq's engine and the helper: {@code listen-session.pcap}
 * holds one connection from 192.168.0.2 to 198.51.100.5 on TCP 9000 announcing
 * {@code LISTEN 192.168.0.2 5000}. Replace it with a capture of your protocol (tcpdump -w on the
 * client's side), and the assertions with what your helper must do to it.
 */
class __CLASS__CaptureReplayTest {
    private static final Path CAPTURE = Path.of("src/test/resources/listen-session.pcap");

    @Test
    void theAnnouncementLeavesNamingTheGatewayAndItsPortIsExpected() throws IOException {
        Replay replay = CaptureReplay.builder().insideNetwork("192.168.0.0/24").outsideAddress("203.0.113.1/24")
                .helper(new __CLASS__Helper(), HelperHarness.properties("__NAME__", "__TRANSPORT__", 9000)).build()
                .run(CAPTURE);
        System.out.println("listen-session.pcap: " + replay.summary());
        assertEquals(0L, replay.counters().getOrDefault("helper.failures", 0L), "the helper threw");
        List<ReplayResult> announcements = replay.results().stream()
                .filter(r -> new String(Packets.payload(r.submitted()), StandardCharsets.US_ASCII)
                        .startsWith("LISTEN "))
                .toList();
        assertEquals(1, announcements.size(), "the capture's one announcement");
        ReplayResult announced = announcements.get(0);
        String out = new String(Packets.payload(announced.output()), StandardCharsets.US_ASCII);
        assertTrue(out.startsWith("LISTEN 203.0.113.1 "), "left as: " + out);
        assertEquals(1, announced.newExpectations().size(), "the announced port expected");
        assertEquals(5000, announced.newExpectations().get(0).insidePort);
    }
}
