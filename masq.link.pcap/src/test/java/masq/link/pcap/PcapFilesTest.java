package masq.link.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import masq.link.pcap.ether.Ethernet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the shared captures and writing pcap. Skipped if libpcap or the captures are missing. */
class PcapFilesTest {
    static final Path CAPTURES = Path.of(System.getProperty("masq.captures", "../../shared/captures"));

    private static Path capture(String name) {
        Path p = CAPTURES.resolve(name);
        assumeTrue(Files.isReadable(p), "capture " + p.toAbsolutePath() + " is absent (set -Dmasq.captures)");
        return p;
    }

    private static List<byte[]> readAll(Path p, long[] firstMicros) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        PcapFiles.read(p, (frame, micros, linkType) -> {
            assertEquals(PcapFiles.LINKTYPE_ETHERNET, linkType);
            if (frames.isEmpty()) {
                firstMicros[0] = micros;
            }
            frames.add(frame);
        });
        return frames;
    }

    @Test
    void readsFivePingsFromPcap() throws IOException {
        List<byte[]> frames = readAll(capture("icmp/5-pings.pcap"), new long[1]);
        assertEquals(10, frames.size(), "5 echo requests and 5 replies");
        for (byte[] f : frames) {
            assertEquals(Ethernet.TYPE_IPV4, Ethernet.type(f, 0));
            assertEquals(1, f[Ethernet.HEADER_LENGTH + 9], "ICMP");
        }
    }

    @Test
    void readsPcapng() throws IOException {
        List<byte[]> frames = readAll(capture("icmp/icmp_echo.pcapng"), new long[1]);
        assertTrue(frames.size() >= 2);
        assertTrue(frames.stream().anyMatch(f -> Ethernet.type(f, 0) == Ethernet.TYPE_IPV4));
    }

    @Test
    void writesWhatItReadsBack(@TempDir Path dir) throws IOException {
        long[] first = new long[1];
        List<byte[]> frames = readAll(capture("icmp/5-pings.pcap"), first);
        Path copy = dir.resolve("copy.pcap");
        try (PcapFiles.Writer w = PcapFiles.write(copy)) {
            for (byte[] f : frames) {
                w.frame(f, 0, f.length, first[0]);
            }
        }
        long[] again = new long[1];
        List<byte[]> back = readAll(copy, again);
        assertEquals(frames.size(), back.size());
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(frames.get(i), back.get(i));
        }
        assertEquals(first[0], again[0]);
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        capture("icmp/5-pings.pcap");
        Path missing = dir.resolve("nope.pcap");
        IOException e = assertThrows(IOException.class, () -> PcapFiles.read(missing, (f, t, l) -> { }));
        assertTrue(e.getMessage().contains("nope.pcap"), e.getMessage());
    }
}
