package masq.helper.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import masq.api.Ipv4;
import masq.engine.nat.Translator;
import masq.testkit.replay.*;
import masq.link.pcap.PcapFiles;
import masq.testkit.Packets;
import masq.testkit.TcpBuilder;
import masq.testkit.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay with a helper over a capture written here, so the edge cases are there whatever the shared
 * captures hold: a PORT that grows the stream by 3, its retransmission (rewritten the same, no second
 * expectation), a server ACK with a SACK block beyond a lost segment (both moved into the translated
 * space and restored on delivery), the active data connection to the reserved gateway port, and the
 * reassembled streams, including one with a hole.
 */
class FtpSyntheticReplayTest {
    private static final String CLIENT = "192.168.0.2";
    private static final String SERVER = "198.51.100.7";
    private static final byte[] ETHERNET = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0};
    private static final Tuple CONTROL = Tuple.of(Packets.tcp(CLIENT, 1025, SERVER, 21).build());

    @TempDir
    Path dir;

    private static TcpBuilder c(long seq) {
        return Packets.tcp(CLIENT, 1025, SERVER, 21).seq(seq).ack(5001);
    }

    private static TcpBuilder s(long ack) {
        return Packets.tcp(SERVER, 21, CLIENT, 1025).seq(5001).ack(ack);
    }

    /** SACK (RFC 2018) of one block, after two NOPs. */
    private static byte[] sack(long left, long right) {
        byte[] o = {1, 1, 5, 10, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 4; i++) {
            o[4 + i] = (byte) (left >>> (24 - 8 * i));
            o[8 + i] = (byte) (right >>> (24 - 8 * i));
        }
        return o;
    }

    private List<byte[]> session() {
        List<byte[]> d = new ArrayList<>();
        d.add(c(999).flags(Packets.SYN).ack(0).build());
        d.add(s(1000).seq(5000).flags(Packets.SYN | Packets.ACK).build());
        d.add(c(1000).build());
        d.add(c(1000).payload("PORT 192,168,0,2,4,2\r\n").build());   // 22 bytes, becomes 25
        d.add(c(1000).payload("PORT 192,168,0,2,4,2\r\n").build());   // retransmission
        d.add(c(1022).payload("LIST\r\n").build());
        d.add(c(1028).payload("NOOP\r\n").build());
        d.add(s(1022).options(sack(1028, 1034)).build());             // LIST lost on the way, NOOP arrived
        d.add(c(1022).payload("LIST\r\n").build());                   // LIST again
        d.add(s(1034).payload("200 PORT command successful.\r\n").build());
        d.add(Packets.tcp(SERVER, 20, CLIENT, 1026).flags(Packets.SYN).seq(7000).build());
        d.add(Packets.tcp(CLIENT, 1026, SERVER, 20).flags(Packets.SYN | Packets.ACK).seq(8000).ack(7001).build());
        return d;
    }

    private Replay run(List<byte[]> datagrams) throws IOException {
        Path file = dir.resolve("ftp.pcap");
        try (PcapFiles.Writer w = PcapFiles.write(file)) {
            long micros = 1_700_000_000_000_000L;
            for (byte[] d : datagrams) {
                byte[] frame = Arrays.copyOf(ETHERNET, ETHERNET.length + d.length);
                System.arraycopy(d, 0, frame, ETHERNET.length, d.length);
                w.frame(frame, 0, frame.length, micros += 1000);
            }
        }
        return CaptureReplay.builder().insideNetwork("192.168.0.0/24").helper(new FtpHelper(), "ftp", "tcp", 21)
                .build().run(file);
    }

    @Test
    void portRetransmissionSackAndTheDataConnection() throws IOException {
        Replay replay = run(session());
        List<ReplayResult> r = replay.results();

        assertEquals(List.of(), ReplayCheck.violations(replay));
        assertEquals(Map.of(), replay.dropsByReason());
        // the control connection keeps its port (ports.allocation = preserve): the PORT gets the range's first
        assertEquals("PORT 203,0,113,1,238,72\r\n", Packets.payloadText(r.get(3).output()));
        assertEquals(61000, r.get(3).newExpectations().get(0).gatewayPort);
        assertArrayEquals(r.get(3).output(), r.get(4).output(), "the retransmission leaves as the original did");
        assertEquals(List.of(), r.get(4).newExpectations());
        assertEquals(List.of(1025L, 1031L, 1025L), List.of(Packets.seq(r.get(5).output()), Packets.seq(r.get(6).output()),
                Packets.seq(r.get(8).output())), "LIST, NOOP and LIST again, shifted by 3");
        byte[] sackAsSent = r.get(7).submitted();
        assertEquals(1025, Packets.ack(sackAsSent), "the server acknowledges the 25-byte PORT");
        assertEquals(List.of(1031L, 1037L), sackBlock(sackAsSent), "and SACKs NOOP where it received it");
        assertArrayEquals(r.get(7).captured(), withTtl(r.get(7).output(), Packets.ttl(r.get(7).captured())),
                "delivered as captured: ack and SACK back in the client's numbering");
        assertEquals(Ipv4.parse("203.0.113.1"), Packets.destinationAddress(r.get(10).submitted()));
        assertEquals(61000, Packets.destinationPort(r.get(10).submitted()), "the server connects to the PORT it read");
        assertEquals(Translator.FORWARD_INSIDE, r.get(10).verdict());
        assertEquals(1, r.get(10).counterChange("expect.matched"));
        assertEquals(61000, Packets.sourcePort(r.get(11).output()));

        assertEquals("PORT 192,168,0,2,4,2\r\nLIST\r\nNOOP\r\n", replay.tcpStreamText(CONTROL, Direction.OUTBOUND, false));
        assertEquals("PORT 203,0,113,1,238,72\r\nLIST\r\nNOOP\r\n",
                replay.tcpStreamText(CONTROL, Direction.OUTBOUND, true));
        assertEquals("200 PORT command successful.\r\n", replay.tcpStreamText(CONTROL, Direction.INBOUND, true));
    }

    @Test
    void aStreamWithAHoleIsRefused() throws IOException {
        List<byte[]> d = session();
        d.remove(8);   // LIST never sent again
        d.remove(5);   // nor the first time
        Replay replay = run(d);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> replay.tcpStream(CONTROL, Direction.OUTBOUND, false));
        assertTrue(e.getMessage().contains("bytes 22 to 27 are missing"), e.getMessage());
    }

    private static List<Long> sackBlock(byte[] segment) {
        int at = Packets.headerLength(segment) + 20 + 4;
        return List.of(get32(segment, at), get32(segment, at + 4));
    }

    private static long get32(byte[] b, int i) {
        return ((b[i] & 0xffL) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    /** The datagram with its TTL (and so its header checksum) as captured: what exact return compares. */
    private static byte[] withTtl(byte[] d, int ttl) {
        byte[] copy = d.clone();
        copy[8] = (byte) ttl;
        copy[10] = 0;
        copy[11] = 0;
        int sum = 0;
        for (int i = 0; i < Packets.headerLength(copy); i += 2) {
            sum += ((copy[i] & 0xff) << 8) | (copy[i + 1] & 0xff);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        copy[10] = (byte) (~sum >>> 8);
        copy[11] = (byte) ~sum;
        return copy;
    }
}
