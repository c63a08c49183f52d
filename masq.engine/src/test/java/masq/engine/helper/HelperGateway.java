package masq.engine.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import masq.api.MasqHelper;
import masq.engine.helper.HelperEntry.Origin;
import masq.engine.nat.Counter;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.PacketBuilder;

/**
 * The picture of DESIGN.md with the helper layer wired as the gateway component wires it: a
 * registry, a translator, a {@link HelperDispatch} as hook, inbound source and registry listener.
 * Datagrams go in at offset 14 of a 2048-byte buffer, as after an Ethernet header.
 */
final class HelperGateway {
    static final String INSIDE = "192.168.0.1";
    static final String OUTSIDE = "203.0.113.1";
    static final String A = "192.168.0.2";
    static final String B = "192.168.0.3";
    static final String SERVER = "198.51.100.9";
    static final String SERVER2 = "198.51.100.10";
    static final long SECOND = 1_000_000_000L;

    final HelperRegistry registry = new HelperRegistry();
    final Translator translator;
    final HelperDispatch dispatch;
    final PacketBuffer buffer = new PacketBuffer(2048);
    long now = 5 * SECOND;
    int verdict;
    private long nextServiceId = 1;

    HelperGateway() {
        this(HelperDispatch.DEFAULT_OUTGOING_MTU, 64, 8);
    }

    HelperGateway(int mtu, int maxFlows, int maxExpectations) {
        this(EngineConfig.builder().insideAddress(INSIDE + "/24").outsideAddress(OUTSIDE + "/24")
                .allocation(PortAllocation.SEQUENTIAL).build(), mtu,
                maxFlows, maxExpectations);
    }

    HelperGateway(EngineConfig config) {
        this(config, HelperDispatch.DEFAULT_OUTGOING_MTU, 64, 8);
    }

    private HelperGateway(EngineConfig config, int mtu, int maxFlows, int maxExpectations) {
        translator = new Translator(config, 0);
        dispatch = new HelperDispatch(registry, translator, mtu, maxFlows, maxExpectations);
        translator.setHook(dispatch);
        translator.setInboundSources(List.of(dispatch.expectations()));
        registry.addListener(dispatch);
        translator.tick(now);
    }

    /** Registers {@code helper} as a service; returns its service id. */
    long install(MasqHelper helper, String name, String transport, Object ports) {
        return install(helper, name, transport, ports, Map.of());
    }

    long install(MasqHelper helper, String name, String transport, Object ports, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(MasqHelper.NAME, name);
        props.put(MasqHelper.TRANSPORT, transport);
        props.put(MasqHelper.PORTS, ports);
        long id = nextServiceId++;
        registry.put(HelperService.of(helper, props, new Origin(id, 0, 10 + id, "test." + name, "1.0.0"), null));
        return id;
    }

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

    /** Runs and asserts the verdict and the exact output bytes, naming the step on failure. */
    void expect(String step, int side, byte[] datagram, int expectedVerdict, byte[] expected) {
        byte[] got = run(side, datagram);
        assertEquals(expectedVerdict, verdict, step + ": verdict");
        assertArrayEquals(expected, got, () -> step + ": expected " + PacketBuilder.toHex(expected) + "\n but got "
                + PacketBuilder.toHex(got));
    }

    long count(Counter counter) {
        return translator.counters().get(counter);
    }

    void advanceSeconds(long seconds) {
        now += seconds * SECOND;
        translator.tick(now);
    }
}
