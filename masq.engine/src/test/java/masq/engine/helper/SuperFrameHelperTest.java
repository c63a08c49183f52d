package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import masq.engine.nat.Counter;
import masq.engine.nat.Translator;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;
import masq.engine.packet.TcpHeader;
import org.junit.jupiter.api.Test;

/**
 * A helper sees a segmentation-offload super-frame whole, with its checksum left to offload: its
 * edit deep inside a 60 000-byte segment lands, and the segments the gateway cuts carry it.
 */
class SuperFrameHelperTest {
    private static final String COMMAND = "PORT 192,168,0,2,156,64\r\n";
    private static final String REWRITTEN = "PORT 203,0,113,1,239,2\r\n";

    @Test
    void anEditInsideAPartialChecksumSuperFrameIsCarriedByItsSegments() {
        HelperGateway g = new HelperGateway();
        g.install(TestHelpers.replacing(COMMAND, REWRITTEN), "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).flags(SYN).seq(999, 0).build());
        g.in(tcp(SERVER, 21, HelperGateway.OUTSIDE, 61000).flags(SYN | ACK).seq(4999, 1000).build());

        StringBuilder text = new StringBuilder();
        while (text.length() < 30000) {
            text.append("NOOP\r\n");
        }
        text.append(COMMAND);
        while (text.length() < 60000) {
            text.append("NOOP\r\n");
        }
        byte[] frame = PacketBuilder.partial(tcp(A, 40000, SERVER, 21).seq(1000, 5000).payload(text.toString()).build());
        PacketBuffer p = new PacketBuffer(65535 + 256);
        System.arraycopy(frame, 0, p.data, 0, frame.length);
        p.length = frame.length;
        assertEquals(Translator.FORWARD_OUTSIDE, g.translator.process(Translator.INSIDE, p, g.now));
        assertEquals(1, g.count(Counter.RX_CSUM_PARTIAL));
        assertEquals(1, g.count(Counter.EDITS_APPLIED));
        assertEquals(frame.length - 1, p.length, "the rewritten command is one byte shorter");

        int n = g.translator.superFrame(p, 1500);
        PacketBuffer segment = new PacketBuffer(2048);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            g.translator.segment(p, 1500, i, segment);
            byte[] s = segment.data;
            int len = segment.length;
            assertTrue(Checksum.verify(s, 20, len - 20, Checksum.pseudoHeader(Ipv4Header.source(s, 0),
                    Ipv4Header.destination(s, 0), Ipv4Header.PROTOCOL_TCP, len - 20)), "segment " + i);
            assertEquals(1000 + data.size(), TcpHeader.sequence(s, 20));
            data.write(s, 40, len - 40);
        }
        String expected = text.toString().replace(COMMAND, REWRITTEN);
        assertArrayEquals(expected.getBytes(StandardCharsets.US_ASCII), data.toByteArray());

        byte[] next = g.out(tcp(A, 40000, SERVER, 21).seq(1000 + text.length(), 5000).payload("QUIT\r\n").build());
        assertEquals(1000 + expected.length(), TcpHeader.sequence(next, 20), "later segments shifted by the edit");
    }
}
