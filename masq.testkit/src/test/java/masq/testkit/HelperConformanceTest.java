package masq.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.api.HelperContext;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.Transport;
import masq.api.Verdict;

/** The conformance kit finds each kind of broken helper, and passes one that keeps the contract. */
class HelperConformanceTest {
    private static final Map<String, Object> TCP = HelperHarness.properties("test", "tcp", 2100);
    private static final Map<String, Object> UDP = HelperHarness.properties("test", "udp", 2100);
    private static final String OFFER = "OFFER 192.168.0.2 2000\n";

    /** A helper that expects a connection to the address and port an "OFFER a.b.c.d port" names. */
    private static final class Offers implements MasqHelper {
        final boolean checkAddress;
        final int minPort;

        Offers(boolean checkAddress, int minPort) {
            this.checkAddress = checkAddress;
            this.minPort = minPort;
        }

        @Override
        public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
            String[] words = new String(payload, offset, length, StandardCharsets.ISO_8859_1).trim().split(" ");
            if (words.length != 3 || !words[0].equals("OFFER")) {
                return Verdict.ACCEPT;
            }
            int address;
            int port;
            try {
                address = Ipv4.parse(words[1]);
                port = Integer.parseInt(words[2]);
            } catch (IllegalArgumentException e) {
                return Verdict.ACCEPT;
            }
            if ((checkAddress && address != context.flow().insideAddress()) || port < minPort || port > 65535) {
                return Verdict.ACCEPT;
            }
            context.expect(Transport.TCP).anyRemoteAddress().insideTarget(address, port).register();
            return Verdict.ACCEPT;
        }
    }

    private static HelperConformance.Report run(MasqHelper helper, Map<String, Object> properties) {
        return HelperConformance.of(helper, properties).sample(Direction.OUTBOUND, OFFER).mutations(60).run();
    }

    private static void assertFound(HelperConformance.Report report, String what) {
        assertTrue(report.violations().stream().anyMatch(v -> v.contains(what)),
                "expected a violation '" + what + "': " + report.violations());
        assertThrows(AssertionError.class, report::assertConforms);
    }

    @Test
    void aHelperThatKeepsTheContractPasses() {
        HelperConformance.Report report = run(new Offers(true, 1024), TCP);
        assertEquals(List.of(), report.violations());
        assertTrue(report.executions() > 100, report.executions() + " executions");
        report.assertConforms();
    }

    @Test
    void aHelperThatThrowsIsFound() {
        MasqHelper throwing = (context, payload, offset, length) -> {
            if (length < 10) {
                throw new IllegalStateException("short");
            }
            return Verdict.ACCEPT;
        };
        assertFound(run(throwing, UDP), "the helper threw");
    }

    @Test
    void aHelperThatBelievesAnAddressInThePayloadIsFound() {
        assertFound(run(new Offers(false, 1024), TCP), "for a forged address");
    }

    @Test
    void aHelperThatOpensAPrivilegedPortIsFound() {
        HelperConformance.Report report = HelperConformance.of(new Offers(true, 0), TCP)
                .sample(Direction.OUTBOUND, "OFFER 192.168.0.2 21\n").mutations(10).run();
        assertFound(report, "not the client's own port from 1024");
    }

    @Test
    void aConversationIsHeldToTheContractMessageByMessage() {
        HelperConformance kit = HelperConformance.of(new Offers(true, 0), TCP).sample(Direction.OUTBOUND, OFFER);
        List<byte[]> seeds = kit.conversations();
        assertEquals(1, seeds.size());
        assertEquals(OFFER.length() + 2, seeds.get(0).length, "a direction byte, a length byte, the sample");
        HelperConformance.Report good = kit.conversation(seeds.get(0));
        assertEquals(List.of(), good.violations());
        assertEquals(2, good.executions(), "the message and its retransmission");

        byte[] privileged = "OFFER 192.168.0.2 22\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] two = new byte[2 * (privileged.length + 2) + 1];
        for (int i = 0; i < 2; i++) {
            two[i * (privileged.length + 2)] = 0;
            two[i * (privileged.length + 2) + 1] = (byte) privileged.length;
            System.arraycopy(privileged, 0, two, i * (privileged.length + 2) + 2, privileged.length);
        }
        HelperConformance.Report bad = kit.conversation(two); // and a dangling control byte, ignored
        assertFound(bad, "message 0 (OUTBOUND): expected tcp 192.168.0.2:22");
        assertFound(bad, "message 1 (OUTBOUND)");

        MasqHelper throwing = (context, payload, offset, length) -> {
            throw new IllegalStateException("always");
        };
        assertFound(HelperConformance.of(throwing, UDP).conversation(new byte[] {1, 3, 'a', 'b', 'c'}),
                "message 0 (INBOUND): the helper threw");
        assertEquals(List.of(), kit.conversation(new byte[0]).violations(), "an empty conversation sends nothing");
    }

    @Test
    void aHelperWhoseRetransmissionsLeaveOtherwiseIsFound() {
        MasqHelper counting = new MasqHelper() {
            private int calls;

            @Override
            public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
                context.replace(0, 1, Integer.toString(calls++ % 10));
                return Verdict.ACCEPT;
            }
        };
        assertFound(run(counting, TCP), "a retransmission left otherwise");
    }

    @Test
    void misuseIsAnsweredPrecisely() {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> HelperConformance.of(new Offers(true, 1024), TCP).run());
        assertTrue(none.getMessage().contains("no samples"), none.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HelperConformance.of(new Offers(true, 1024), TCP).sample(Direction.OUTBOUND, new byte[0]));
        IllegalArgumentException noPort = assertThrows(IllegalArgumentException.class,
                () -> HelperConformance.of(new Offers(true, 1024), Map.of(MasqHelper.NAME, "x", MasqHelper.TRANSPORT,
                        "tcp")).sample(Direction.OUTBOUND, OFFER).run());
        assertTrue(noPort.getMessage().contains("no port"), noPort.getMessage());
    }
}
