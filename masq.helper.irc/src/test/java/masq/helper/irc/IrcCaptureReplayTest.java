package masq.helper.irc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * The shared IRC capture (../shared/captures/SOURCES.md, "IRC DCC": zeek's irc-dcc-send.pcapng, real
 * clients on InspIRCd) replayed through the engine with the IRC helper, the client 10.0.0.7 inside.
 * It holds a DCC SEND and a DCC CHAT; each must leave naming the gateway's address and the port of the
 * expectation it registered, and the receiver's connection to that port (sent as the receiver would,
 * to the gateway) must reach the client's own port. Read from ../shared, not copied; skipped when
 * absent.
 */
class IrcCaptureReplayTest {
    private static final Path CAPTURES = Path.of(System.getProperty("masq.captures", "../../shared/captures"));
    private static final String OUTSIDE = "203.0.113.1";
    private static final Pattern OFFER = Pattern.compile("\u0001DCC (SEND|CHAT) \\S+ (\\d+) (\\d+)[ \u0001]");

    @Test
    void theSendAndTheChatOfferAreRewrittenAndTheirConnectionsArrive() throws IOException {
        Path capture = CAPTURES.resolve("irc/irc-dcc-send.pcapng");
        assumeTrue(Files.isReadable(capture), "capture " + capture.toAbsolutePath() + " is absent");
        Replay replay = CaptureReplay.builder().insideNetwork("10.0.0.7/32").outsideAddress(OUTSIDE + "/24")
                .helper(new IrcHelper(), IrcHelperTest.Irc.properties()).build().run(capture);
        System.out.println("irc-dcc-send.pcapng with irc: " + replay.summary());
        assertEquals(List.of(), ReplayCheck.violations(replay));
        assertEquals(Map.of(), replay.dropsByReason(), "nothing dropped");
        assertEquals(0, replay.counters().getOrDefault("helper.failures", 0L));
        Tuple control = new Tuple(6, Ipv4.parse("10.0.0.7"), 59069, Ipv4.parse("10.0.0.22"), 6667);
        String captured = replay.tcpStreamText(control, Direction.OUTBOUND, false);
        String sent = replay.tcpStreamText(control, Direction.OUTBOUND, true);
        List<String[]> before = offers(captured);
        List<String[]> after = offers(sent);
        assertEquals(List.of("SEND", "CHAT"), before.stream().map(o -> o[0]).toList());
        assertEquals(List.of("167772167", "167772167"), before.stream().map(o -> o[1]).toList(), "10.0.0.7");
        assertEquals(List.of("3405803777", "3405803777"), after.stream().map(o -> o[1]).toList(), "203.0.113.1");
        assertEquals(2L, replay.counters().getOrDefault("expect.created", 0L));
        assertEquals(2L, replay.counters().getOrDefault("expect.matched", 0L),
                "the transfer and the chat connection each took their offer's expectation");
        String expected = captured;
        for (int i = 0; i < 2; i++) {
            int gatewayPort = Integer.parseInt(after.get(i)[2]);
            int insidePort = Integer.parseInt(before.get(i)[2]);
            assertEquals(1, replay.mappings().stream().filter(m -> m.outsidePort == gatewayPort
                    && m.insidePort == insidePort && "10.0.0.7".equals(m.insideAddress)).count(),
                    "the receiver's connection to gateway port " + gatewayPort + " reached 10.0.0.7:" + insidePort);
            expected = expected.replace(" " + before.get(i)[1] + " " + before.get(i)[2],
                    " " + after.get(i)[1] + " " + after.get(i)[2]);
        }
        assertEquals(expected, sent, "the client's stream differs only by the rewritten addresses and ports");
    }

    private static List<String[]> offers(String stream) {
        Matcher m = OFFER.matcher(stream);
        List<String[]> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
        return found;
    }
}
