package masq.helper.raudio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import masq.api.Ipv4;
import masq.testkit.Tuple;
import masq.testkit.replay.CaptureReplay;
import masq.testkit.replay.Direction;
import masq.testkit.replay.Replay;
import masq.testkit.replay.ReplayCheck;

/**
 * The shared RTSP capture with UDP media (../shared/captures/SOURCES.md: rtsp/rtsp.pcapng, LibVLC and an
 * IP camera, licence not stated, so read from ../shared and never copied; skipped when absent) replayed
 * with the helper, the client 192.168.1.3 inside: its SETUP leaves naming a gateway pair, and the
 * camera's RTP and RTCP, sent (as the camera would) to that pair, reach the client's ports 46048-46049.
 */
class RtspCaptureReplayTest {
    private static final Path CAPTURES = Path.of(System.getProperty("masq.captures", "../../shared/captures"));
    private static final Pattern CLIENT_PORT = Pattern.compile("(?m)^Transport: [^\r\n]*client_port=(\\d+)-(\\d+)");

    @Test
    void theSetupIsRewrittenAndTheCamerasMediaArrives() throws IOException {
        Path capture = CAPTURES.resolve("rtsp/rtsp.pcapng");
        assumeTrue(Files.isReadable(capture), "capture " + capture.toAbsolutePath() + " is absent");
        Replay replay = CaptureReplay.builder().insideNetwork("192.168.1.3/32").outsideAddress("203.0.113.1/24")
                .helper(new RaudioHelper(), "raudio", "tcp", 554).build().run(capture);
        System.out.println("rtsp.pcapng with raudio: " + replay.summary() + " " + replay.counters().entrySet().stream()
                .filter(e -> e.getKey().startsWith("expect.") || e.getKey().startsWith("helper.")).toList());
        assertEquals(List.of(), ReplayCheck.violations(replay));
        assertEquals(0, replay.counters().getOrDefault("helper.failures", 0L));
        assertEquals(0, replay.counters().getOrDefault("helper.refusals", 0L));
        Tuple control = replay.mappings().stream().filter(m -> m.remotePort == 554 && "tcp".equals(m.protocol))
                .map(m -> new Tuple(6, Ipv4.parse(m.insideAddress), m.insidePort, Ipv4.parse(m.remoteAddress), 554))
                .findFirst().orElseThrow();
        String sent = replay.tcpStreamText(control, Direction.OUTBOUND, true);
        Matcher m = CLIENT_PORT.matcher(sent);
        assertTrue(m.find(), "a SETUP with client_port in the client's stream");
        int rtp = Integer.parseInt(m.group(1));
        assertEquals(rtp + 1, Integer.parseInt(m.group(2)), "a pair");
        assertEquals(0, rtp % 2, "even");
        assertTrue(rtp != 46048, "rewritten from the client's own 46048");
        assertTrue(replay.counters().getOrDefault("expect.matched", 0L) >= 2, "RTP and RTCP took the expectation");
        long media = replay.mappings().stream().filter(x -> "udp".equals(x.protocol) && x.insidePort == 46048
                && (x.outsidePort == rtp)).count();
        assertEquals(1, media, "the camera's RTP reached 192.168.1.3:46048 through gateway port " + rtp);
    }
}
