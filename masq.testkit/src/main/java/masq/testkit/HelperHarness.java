package masq.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.admin.ExpectationDTO;
import masq.api.admin.MappingDTO;
import masq.engine.helper.HelperDispatch;
import masq.engine.helper.HelperEntry;
import masq.engine.helper.HelperRegistry;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.PortForwards;
import masq.engine.nat.StaticNat;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;

/**
 * Runs protocol helpers against the real engine without an OSGi framework: a {@link Translator},
 * a {@link HelperRegistry} holding the helpers with the service properties they would carry, and a
 * {@link HelperDispatch} wired to both exactly as the gateway component wires them (see
 * {@code masq.engine.helper}'s package documentation). A test pushes datagrams in on either side
 * and gets a {@link HelperStep} back: the verdict, what left, the payload before and after the
 * helper's edits, the expectations registered, and the counters that moved.
 *
 * <pre>{@code
 * HelperHarness gw = HelperHarness.builder()
 *         .helper(new FtpHelper(), "ftp", "tcp", 21)          // name, transport, ports
 *         .build();                                           // inside 192.168.0.0/24, outside 203.0.113.1
 * gw.outbound(Packets.tcp("192.168.0.2", 1025, "198.51.100.5", 21).flags(Packets.SYN).seq(999).build());
 * HelperStep port = gw.outbound(Packets.tcp("192.168.0.2", 1025, "198.51.100.5", 21)
 *         .seq(1000).ack(1).payload("PORT 192,168,0,2,4,2\r\n").build());
 * assertEquals("PORT 203,0,113,1,238,73\r\n", port.outputText());   // 61001 = 238*256+73
 * ExpectationDTO data = port.newExpectations().get(0);            // from 198.51.100.5:* to port 61001
 * HelperStep syn = gw.inbound(Packets.tcp("198.51.100.5", 20, "203.0.113.1", data.gatewayPort)
 *         .flags(Packets.SYN).build());
 * assertEquals("192.168.0.2", Packets.destination(syn.output()));  // port 1026
 * gw.advanceSeconds(120);                                         // clock: expectations time out
 * gw.refusals("ftp");                                             // {port-privileged=1} after "PORT ...,0,21"
 * }</pre>
 *
 * <p>The clock is the harness's own (nanoseconds, starting at {@link Builder#startNanos}); it
 * moves only when the test moves it. Every call runs the engine on the caller's thread, which
 * stands in for the engine thread: use one harness from one thread. A helper's threading contract
 * is therefore exercised as in production (one call at a time, never concurrently).
 */
public final class HelperHarness {
    /** The default inside network of the gateway (its own inside address is .1). */
    public static final String DEFAULT_INSIDE_ADDRESS = "192.168.0.1/24";
    /** The default outside address: TEST-NET-3 (RFC 5737). */
    public static final String DEFAULT_OUTSIDE_ADDRESS = "203.0.113.1/24";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Room for a datagram grown by edits (HelperContext.MAX_GROWTH_PER_PACKET) and an ICMP error. */
    private static final int BUFFER_BYTES = 65535 + PacketBuffer.MAX_GENERATED_LENGTH;

    private final Translator translator;
    private final HelperRegistry registry = new HelperRegistry();
    private final HelperDispatch dispatch;
    private final PacketBuffer buffer = new PacketBuffer(BUFFER_BYTES);
    private final Map<String, Long> serviceIds = new HashMap<>();
    private long nextServiceId = 1;
    private long nowNanos;

    private HelperHarness(Builder b) {
        nowNanos = b.startNanos;
        translator = new Translator(b.config, nowNanos);
        dispatch = new HelperDispatch(registry, translator, b.outgoingMtu, HelperDispatch.DEFAULT_MAX_ATTACHED_FLOWS,
                b.maxExpectations);
        translator.setHook(dispatch);
        translator.setInboundSources(List.of(dispatch.expectations()));
        registry.addListener(dispatch);
        b.helpers.forEach(h -> install(h.helper, h.properties));
    }

    /** A builder: the defaults need only helpers. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers a helper as if its bundle had just started: the properties are those of a helper
     * service ({@link MasqHelper#NAME}, {@link MasqHelper#TRANSPORT}, {@link MasqHelper#PORTS},
     * optionally {@link MasqHelper#MAX_EXPECTED}, {@link MasqHelper#EXPECT_TIMEOUT_SECONDS}).
     *
     * @return the registry's resolution: ACTIVE, or REFUSED/DISABLED with the reason
     */
    public HelperEntry install(MasqHelper helper, Map<String, ?> properties) {
        long id = nextServiceId++;
        HelperEntry entry = registry.register(helper, properties,
                new HelperEntry.Origin(id, 0, id, "masq.testkit.harness", "0.0.0"));
        if (entry.name() != null) {
            serviceIds.putIfAbsent(entry.name(), id);
        }
        return entry;
    }

    /** {@link #install(MasqHelper, Map)} with the three required properties. */
    public HelperEntry install(MasqHelper helper, String name, String transport, int... ports) {
        return install(helper, properties(name, transport, ports));
    }

    /**
     * Unregisters the helper first installed under {@code name}, as stopping its bundle would: the
     * engine stops calling it, purges its expectations, and its connections go on as plain NAT.
     * The withdrawal takes effect at the next packet or clock step, as on the engine thread.
     */
    public void uninstall(String name) {
        Long id = serviceIds.remove(name);
        if (id == null) {
            throw new IllegalArgumentException("no helper named '" + name + "' was installed");
        }
        registry.remove(id);
    }

    /**
     * Forwards {@code outsidePort} of the outside address to {@code insideAddress}:{@code insidePort}
     * (a {@code masq.portfw} configuration), attaching the helper named {@code helper} (or none, when
     * null) to the connections outside hosts open to it: how a helper serves a server inside. Replaces
     * the forwards set before.
     *
     * @param transport {@code "tcp"} or {@code "udp"}
     * @throws IllegalArgumentException when the engine refuses the forward, with its reason
     */
    public void forward(String transport, int outsidePort, String insideAddress, int insidePort, String helper) {
        int protocol = switch (transport) {
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> throw new IllegalArgumentException("transport '" + transport + "' is not tcp or udp");
        };
        String refused = translator.setPortForwards(PortForwards.of(List.of(new PortForwards.Forward(
                "harness", protocol, outsidePort, outsidePort, Ipv4.parse(insideAddress), insidePort,
                PortForwards.DEFAULT_WEIGHT, helper))));
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
    }

    /**
     * Gives {@code insideAddress} the outside address {@code outsideAddress} of its own (a
     * {@code masq.static} 1:1 NAT rule): its flows leave from it with their own ports, and helpers
     * see it as {@link masq.api.FlowView#outsideAddress()}. Replaces the rules set before.
     *
     * @throws IllegalArgumentException when the engine refuses the rule, with its reason
     */
    public void staticNat(String insideAddress, String outsideAddress) {
        String refused = translator.setStaticNat(StaticNat.of(List.of(new StaticNat.Rule("harness",
                Ipv4.parse(insideAddress), Ipv4.parse(outsideAddress)))));
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
    }

    /** Submits a datagram on the inside link (inside → outside). */
    public HelperStep outbound(byte[] datagram) {
        return process(Translator.INSIDE, datagram);
    }

    /** Submits a datagram on the outside link (outside → inside), addressed as a remote host sends it. */
    public HelperStep inbound(byte[] datagram) {
        return process(Translator.OUTSIDE, datagram);
    }

    /**
     * Submits a datagram on {@code side} ({@link Translator#INSIDE} or {@code OUTSIDE}) at the
     * harness's clock. The datagram is copied; the step holds copies.
     */
    public HelperStep process(int side, byte[] datagram) {
        List<ExpectationDTO> before = expectations();
        Map<String, Long> countersBefore = counters();
        if (!buffer.set(datagram, 0, datagram.length)) {
            throw new IllegalArgumentException("datagram of " + datagram.length + " bytes exceeds the buffer");
        }
        int verdict = translator.process(side, buffer, nowNanos);
        byte[] output = verdict == Translator.DROP || verdict == Translator.HELD ? null
                : Arrays.copyOfRange(buffer.data, buffer.offset, buffer.offset + buffer.length);
        List<ExpectationDTO> after = expectations();
        return new HelperStep(side, verdict, datagram.clone(), output, after, added(before, after),
                delta(countersBefore, counters()));
    }

    /** Fragments the engine held and now releases, as steps (side of the datagram that completed them). */
    public List<HelperStep> released(int side) {
        List<HelperStep> out = new ArrayList<>();
        Map<String, Long> before = counters();
        for (int v; (v = translator.pollReleased(buffer, nowNanos)) != Translator.NOTHING; ) {
            byte[] d = Arrays.copyOfRange(buffer.data, buffer.offset, buffer.offset + buffer.length);
            out.add(new HelperStep(side, v, null, v == Translator.DROP ? null : d, expectations(), List.of(),
                    delta(before, counters())));
        }
        return out;
    }

    /** The pending expectations, as {@code masq:expect} lists them (the clock's sweep applied first). */
    public List<ExpectationDTO> expectations() {
        return dispatch.expectations(nowNanos);
    }

    /** The mappings, as {@code masq:table} lists them, helper and master columns filled. */
    public List<MappingDTO> mappings() {
        return translator.mappings(Integer.MAX_VALUE, dispatch::helperName);
    }

    /** The engine's counters by name ({@code helper.calls}, {@code helper.edits.applied}, {@code expect.created}...). */
    public Map<String, Long> counters() {
        return translator.counters().snapshot();
    }

    /** One counter by name; 0 if it never moved. */
    public long counter(String name) {
        return counters().getOrDefault(name, 0L);
    }

    /** What the helper reported through {@code HelperContext.refused}, by reason; empty once it is withdrawn. */
    public Map<String, Long> refusals(String helperName) {
        return dispatch.refusals(helperName);
    }

    /** The registry's view of a helper (state, reason, failures, attached connections), or null. */
    public HelperEntry helper(String name) {
        return registry.snapshot().byName(name);
    }

    /** Moves the clock on and lets the engine run its timers (expectations, mappings, fragments). */
    public void advanceSeconds(long seconds) {
        advanceNanos(seconds * NANOS_PER_SECOND);
    }

    /** Moves the clock on by {@code nanos} (not back) and runs the engine's timers. */
    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("the clock does not go back: " + nanos);
        }
        nowNanos += nanos;
        translator.tick(nowNanos);
    }

    /** Sets the clock to {@code nanos} if that is later (captures use their own timestamps). */
    public void clock(long nanos) {
        if (nanos > nowNanos) {
            advanceNanos(nanos - nowNanos);
        }
    }

    /** The clock, in nanoseconds. */
    public long nowNanos() {
        return nowNanos;
    }

    /** The translator, for what the harness does not wrap (setTimeouts, flush, status). */
    public Translator translator() {
        return translator;
    }

    /** The helper layer, for what the harness does not wrap. */
    public HelperDispatch dispatch() {
        return dispatch;
    }

    /** The registry the helpers are in. */
    public HelperRegistry registry() {
        return registry;
    }

    /** The service properties of a helper with a name, a transport and ports. */
    public static Map<String, Object> properties(String name, String transport, int... ports) {
        Map<String, Object> p = new HashMap<>();
        p.put(MasqHelper.NAME, name);
        p.put(MasqHelper.TRANSPORT, transport);
        p.put(MasqHelper.PORTS, ports.clone());
        return p;
    }

    private static List<ExpectationDTO> added(List<ExpectationDTO> before, List<ExpectationDTO> after) {
        List<String> known = before.stream().map(HelperHarness::key).toList();
        return after.stream().filter(e -> !known.contains(key(e))).toList();
    }

    /** An expectation's identity: everything but the seconds left. */
    private static String key(ExpectationDTO e) {
        return e.transport + " " + e.remoteAddress + ":" + e.remotePort + " " + e.gatewayPort + " " + e.insideAddress
                + ":" + e.insidePort + " " + e.masterId + " " + e.helper;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> {
            long change = v - before.getOrDefault(k, 0L);
            if (change != 0) {
                d.put(k, change);
            }
        });
        return Map.copyOf(d);
    }

    /** A helper and its service properties, as the builder collects them. */
    private record Registration(MasqHelper helper, Map<String, ?> properties) {
    }

    /** The harness's settings; each setter checks its argument where the engine would not. */
    public static final class Builder {
        private final List<Registration> helpers = new ArrayList<>();
        private EngineConfig config;
        private long startNanos = 5 * NANOS_PER_SECOND;
        private int outgoingMtu = HelperDispatch.DEFAULT_OUTGOING_MTU;
        private int maxExpectations = 1024;

        private Builder() {
            config = defaults().build();
        }

        /**
         * The harness's engine configuration: the default addresses, and ports given out in sequence
         * from 61000 ({@code ports.allocation = sequential}), so that a test can name the gateway port
         * a flow gets. The gateway's own default, {@code preserve}, keeps an inside port where it is
         * free: {@code engine(b -> b.allocation(PortAllocation.PRESERVE))} tests a helper under it.
         */
        private static EngineConfig.Builder defaults() {
            return EngineConfig.builder().insideAddress(DEFAULT_INSIDE_ADDRESS).outsideAddress(DEFAULT_OUTSIDE_ADDRESS)
                    .allocation(PortAllocation.SEQUENTIAL);
        }

        /** The engine configuration (inside/outside addresses, ports, timeouts, checksum verification). */
        public Builder engine(EngineConfig value) {
            config = value;
            return this;
        }

        /** Adjusts the default configuration: {@code b -> b.ports(40000, 40009)}. */
        public Builder engine(Consumer<EngineConfig.Builder> settings) {
            EngineConfig.Builder b = defaults();
            settings.accept(b);
            config = b.build();
            return this;
        }

        /** A helper with its name, transport ({@code tcp}/{@code udp}) and default ports. */
        public Builder helper(MasqHelper helper, String name, String transport, int... ports) {
            return helper(helper, properties(name, transport, ports));
        }

        /** A helper with its full service properties (see {@link MasqHelper}). */
        public Builder helper(MasqHelper helper, Map<String, ?> properties) {
            helpers.add(new Registration(helper, Map.copyOf(properties)));
            return this;
        }

        /** The clock at the start, in nanoseconds (default 5 s). */
        public Builder startNanos(long value) {
            startNanos = value;
            return this;
        }

        /** The outgoing MTU beyond which growing edits are refused (default 1500, at least 576). */
        public Builder outgoingMtu(int value) {
            outgoingMtu = value;
            return this;
        }

        /** The bound on pending expectations of all helpers together (default 1024). */
        public Builder maxExpectations(int value) {
            maxExpectations = value;
            return this;
        }

        /** The harness, its helpers installed in the order given. */
        public HelperHarness build() {
            return new HelperHarness(this);
        }
    }
}
