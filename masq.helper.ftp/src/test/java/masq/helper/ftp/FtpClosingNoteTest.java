package masq.helper.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.testkit.replay.Direction;
import masq.testkit.Packets;
import masq.testkit.replay.Replay;
import masq.testkit.replay.ReplayResult;
import masq.testkit.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The data of issue 4's closing note: ftp/ipv4.pcap (a real session with the NetBSD FTP server,
 * two PORT commands, both shorter once rewritten) replayed with the FTP helper, printed from the
 * first PORT to the server's reply to the second one's transfer command: each PORT line before and
 * after, each client segment's sequence number as captured and as sent, each server segment's
 * acknowledgement as the server sent it (translated space) and as delivered to the client. Written
 * to stdout and {@code target/ftp-closing-note.txt}; the numbers are asserted by
 * {@link FtpCaptureReplayTest}, and here only that the two PORT commands shrank the stream.
 */
class FtpClosingNoteTest {
    private static final int LAST_FRAME = 79;

    @Test
    void printsOneSessionBeforeAndAfter() throws IOException {
        Replay replay = FtpCaptureReplayTest.replay("ftp/ipv4.pcap", "141.142.220.235");
        Tuple control = FtpCaptureReplayTest.controlConnections(replay).get(0);
        List<String> lines = new ArrayList<>();
        lines.add("ftp/ipv4.pcap, " + control + " through gateway " + FtpCaptureReplayTest.OUTSIDE
                + " (C: client segment, seq captured -> sent; S: server segment, ack sent by server -> delivered)");
        boolean started = false;
        long shift = 0;
        for (ReplayResult r : replay.results()) {
            boolean out = r.direction() == Direction.OUTBOUND && Tuple.of(r.captured()).equals(control);
            boolean in = r.direction() == Direction.INBOUND && Tuple.of(r.captured()).equals(control.reversed());
            String text = FtpCaptureReplayTest.text(r.captured());
            started |= out && text.startsWith("PORT ");
            if (!started || !(out || in) || r.index() > LAST_FRAME) {
                continue;
            }
            String line = text.isEmpty() ? "(ack only)" : text.strip();
            if (out && text.startsWith("PORT ")) {
                String sent = FtpCaptureReplayTest.text(r.output());
                shift += sent.length() - text.length();
                lines.add(String.format("#%-3d C %-33s seq %d -> %-33s seq %d  (len %d -> %d)", r.index(), line,
                        Packets.seq(r.captured()), sent.strip(), Packets.seq(r.output()), text.length(), sent.length()));
            } else if (out) {
                lines.add(String.format("#%-3d C %-33s seq %d -> seq %d  (%+d)", r.index(), line, Packets.seq(r.captured()),
                        Packets.seq(r.output()), Packets.seq(r.output()) - Packets.seq(r.captured())));
            } else {
                lines.add(String.format("#%-3d S %-33s ack %d -> ack %d  (%+d)", r.index(), abbreviate(line),
                        Packets.ack(r.submitted()), Packets.ack(r.output()),
                        Packets.ack(r.output()) - Packets.ack(r.submitted())));
            }
        }
        lines.add(String.format("later: every client seq %+d on the way out, every server ack %+d on the way in; ",
                shift, -shift) + replay.counters().get("tcp.seq.adjusted") + " segments adjusted, "
                + replay.counters().get("expect.matched")
                + " expectations taken, 0 drops");
        lines.forEach(System.out::println);
        Path target = Path.of("target", "ftp-closing-note.txt");
        Files.createDirectories(target.getParent());
        Files.write(target, lines, StandardCharsets.UTF_8);
        assertEquals(-9, shift, "22 -> 18 and 23 -> 18 characters of argument");
        assertTrue(lines.size() <= 20, "fits a closing note: " + lines.size() + " lines");
    }

    private static String abbreviate(String line) {
        return line.length() <= 33 ? line : line.substring(0, 30) + "...";
    }
}
