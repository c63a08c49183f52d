package masq.engine.nat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;

/**
 * The picture of DESIGN.md for tests: inside 192.168.0.1/24, outside 203.0.113.1/24, a
 * translator with a test clock, and a helper to run a datagram and check verdict and bytes.
 */
final class TestGateway {
    static final String INSIDE = "192.168.0.1";
    static final String OUTSIDE = "203.0.113.1";
    static final String A = "192.168.0.2";
    static final String B = "192.168.0.3";
    static final String C = "192.168.0.4";
    static final String SERVER = "198.51.100.9";
    static final String SERVER2 = "198.51.100.10";
    static final long SECOND = 1_000_000_000L;

    final Translator translator;
    final PacketBuffer buffer = new PacketBuffer(2048);
    long now = 5 * SECOND;
    int verdict;

    TestGateway() {
        this(base().build());
    }

    TestGateway(EngineConfig config) {
        translator = new Translator(config, 0);
    }

    /**
     * The seed's addresses, with ports given out in sequence from 61000 so that tests can name the
     * gateway port a flow gets; {@code PortAllocationTest} covers the default, {@code preserve}.
     */
    static EngineConfig.Builder base() {
        return EngineConfig.builder().insideAddress(INSIDE + "/24").outsideAddress(OUTSIDE + "/24")
                .allocation(PortAllocation.SEQUENTIAL);
    }

    /** Processes a datagram placed at offset 14 (as after an Ethernet header); returns the bytes out. */
    byte[] run(int side, byte[] datagram) {
        System.arraycopy(datagram, 0, buffer.data, 14, datagram.length);
        buffer.offset = 14;
        buffer.length = datagram.length;
        verdict = translator.process(side, buffer, now);
        return Arrays.copyOfRange(buffer.data, buffer.offset, buffer.offset + buffer.length);
    }

    byte[] out(byte[] datagram) {
        return run(Translator.INSIDE, datagram);
    }

    byte[] in(byte[] datagram) {
        return run(Translator.OUTSIDE, datagram);
    }

    /** Runs and asserts the verdict and the exact output bytes. */
    void expect(int side, byte[] datagram, int expectedVerdict, byte[] expected) {
        byte[] got = run(side, datagram);
        assertEquals(expectedVerdict, verdict, "verdict");
        assertArrayEquals(expected, got, () -> "expected " + PacketBuilder.toHex(expected) + "\n but got "
                + PacketBuilder.toHex(got));
    }

    /** Runs and asserts DROP and that {@code counter} went up by one. */
    void expectDrop(int side, byte[] datagram, Counter counter) {
        long before = count(counter);
        run(side, datagram);
        assertEquals(Translator.DROP, verdict, "verdict for " + counter.counterName);
        assertEquals(before + 1, count(counter), counter.counterName);
    }

    long count(Counter counter) {
        return translator.counters().get(counter);
    }

    void advanceSeconds(long seconds) {
        now += seconds * SECOND;
        translator.tick(now);
    }
}
