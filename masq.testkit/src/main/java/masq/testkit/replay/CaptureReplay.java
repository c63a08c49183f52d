package masq.testkit.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.Transport;
import masq.api.admin.ExpectationDTO;
import masq.engine.nat.Counter;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;
import masq.link.pcap.PcapFiles;
import masq.testkit.Checksums;
import masq.testkit.HelperHarness;
import masq.testkit.Packets;

/**
 * Replays a capture through the real translator (issue 3 item 11), as if a masq gateway had sat
 * between the capture's inside hosts and everything else.
 *
 * <p>The caller names the inside network: a datagram whose source is in it is <em>outbound</em>
 * and is submitted on the inside link as captured; one whose destination is in it is
 * <em>inbound</em>, and is first re-addressed to the gateway's outside address and the masq port
 * the gateway chose for that inside endpoint (see {@link GatewayView}), as the remote end would
 * have sent it. Datagrams between inside hosts, to broadcast or multicast groups, between outside
 * hosts, and frames without IPv4 are skipped and reported. The capture's timestamps are the
 * engine's clock (kept monotonic: merged captures jump back). Fragments the engine holds are
 * attributed back to their frame when released.
 *
 * <pre>{@code
 * Replay replay = CaptureReplay.builder()
 *         .insideNetwork("141.142.228.0/24")
 *         .output(Path.of("target/get-translated.pcap"))
 *         .build()
 *         .run(Path.of("../shared/captures/http/get.pcap"));
 * assertEquals(List.of(), ReplayCheck.violations(replay));
 * }</pre>
 *
 * <h2>With helpers</h2>
 * {@link Builder#helper} attaches protocol helpers, run by a {@link HelperHarness} as the gateway
 * component runs them. The replay then also stands in for the remote ends: a gateway port a
 * helper's expectation reserved for an inside endpoint (the active FTP data connection) is where
 * the remote end's datagrams to that endpoint are sent, and where a helper changed the length of
 * a TCP stream, the peer's acknowledgements (and SACK blocks) are moved into the translated
 * sequence space before submission, as the real peer, which received the translated stream, would
 * have sent them (see {@link SequenceView}). The engine must move them back: an inbound datagram
 * forwarded inside is still compared with the captured one by {@link ReplayCheck}. Each result
 * records the expectations its datagram added and the counters it moved;
 * {@link Replay#tcpStream} reassembles a connection's byte streams before and after translation.
 *
 * <pre>{@code
 * Replay replay = CaptureReplay.builder().insideNetwork("172.23.0.3/32")
 *         .helper(new FtpHelper(), "ftp", "tcp", 21)
 *         .build().run(capture);
 * Tuple control = new Tuple(Packets.PROTOCOL_TCP, Ipv4.parse("172.23.0.3"), 58252, Ipv4.parse("172.23.0.2"), 21);
 * String sent = replay.tcpStreamText(control, Direction.OUTBOUND, true);   // PORT lines rewritten
 * }</pre>
 *
 * <p>The caller's own thread runs the translator; one run at a time per instance (each run starts
 * a fresh engine). Without helpers, payload is translated as plain NAT.
 */
public final class CaptureReplay {
    /** The default outside address: TEST-NET-3 (RFC 5737), which no capture uses. */
    public static final String DEFAULT_OUTSIDE_ADDRESS = "203.0.113.1/24";
    /** The default inside address of the gateway itself: shared address space (RFC 6598). */
    public static final String DEFAULT_GATEWAY_INSIDE_ADDRESS = "100.64.0.1/32";
    private static final int BUFFER_BYTES = 65535 + PacketBuffer.MAX_GENERATED_LENGTH;
    private static final int IPV4_HEADER_CHECKSUM = 10;
    private static final byte[] SYNTHETIC_ETHERNET = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0};
    private static final int MULTICAST_MASK = 0xf0000000;
    private static final int MULTICAST_NETWORK = 0xe0000000;
    private static final int LIMITED_BROADCAST = -1;

    private final EngineConfig config;
    private final int[] networks;
    private final int[] masks;
    private final boolean repairOffloadedIpChecksums;
    private final Path output;
    private final List<Registration> helpers;

    private CaptureReplay(Builder b) {
        EngineConfig.Builder engine = EngineConfig.builder().insideAddress(b.gatewayInsideAddress)
                .outsideAddress(b.outsideAddress).verifyTransportChecksums(b.verifyTransportChecksums);
        for (String n : b.insideNetworks) {
            engine.insideNetwork(n);
        }
        b.engineSettings.accept(engine);
        config = engine.build();
        networks = new int[b.insideNetworks.size()];
        masks = new int[networks.length];
        for (int i = 0; i < networks.length; i++) {
            String cidr = b.insideNetworks.get(i);
            int slash = cidr.indexOf('/');
            masks[i] = Ipv4.mask(slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1)));
            networks[i] = Ipv4.parse(slash < 0 ? cidr : cidr.substring(0, slash)) & masks[i];
        }
        repairOffloadedIpChecksums = b.repairOffloadedIpChecksums;
        output = b.output;
        helpers = List.copyOf(b.helpers);
    }

    /** A builder; {@link Builder#insideNetwork} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The engine configuration the replay runs. */
    public EngineConfig config() {
        return config;
    }

    /** Reads {@code capture} (pcap or pcapng) and replays it. */
    public Replay run(Path capture) throws IOException {
        return run(Captures.read(capture));
    }

    /** Replays frames in the order given (reordered frames keep their own index and timestamp). */
    public Replay run(List<CapturedPacket> packets) throws IOException {
        try (PcapFiles.Writer writer = output == null ? null : PcapFiles.write(output)) {
            return new Run(writer).replay(packets);
        }
    }

    /** True if {@code address} is in one of the inside networks. */
    public boolean isInside(int address) {
        for (int i = 0; i < networks.length; i++) {
            if ((address & masks[i]) == networks[i]) {
                return true;
            }
        }
        return false;
    }

    private Direction direction(byte[] datagram) {
        int src = Packets.sourceAddress(datagram);
        int dst = Packets.destinationAddress(datagram);
        boolean groupOrBroadcast = (dst & MULTICAST_MASK) == MULTICAST_NETWORK || dst == LIMITED_BROADCAST;
        if (isInside(src)) {
            return isInside(dst) || groupOrBroadcast ? Direction.LOCAL : Direction.OUTBOUND;
        }
        return isInside(dst) ? Direction.INBOUND : Direction.TRANSIT;
    }

    /** One run's state: the translator, the learned masq ports, fragments waiting for release. */
    private final class Run {
        private final PcapFiles.Writer writer;
        private final List<ReplayResult> results = new ArrayList<>();
        private final List<ReplayResult> heldResults = new ArrayList<>();
        private final GatewayView view = new GatewayView(config.outsideAddress());
        private final SequenceView sequences = new SequenceView();
        private HelperHarness harness;
        private final PacketBuffer buffer = new PacketBuffer(BUFFER_BYTES);
        private final Counter[] counterIds = Counter.values();
        private final long[] before = new long[counterIds.length];
        private Translator translator;
        private long clockNanos;

        Run(PcapFiles.Writer writer) {
            this.writer = writer;
        }

        Replay replay(List<CapturedPacket> packets) throws IOException {
            for (CapturedPacket p : packets) {
                long nanos = p.timestampMicros() * 1000;
                if (translator == null) {
                    start(nanos);
                }
                clockNanos = Math.max(clockNanos, nanos);
                harness.clock(clockNanos);
                results.add(submit(p));
            }
            Map<String, Long> counters = translator == null ? Map.of() : translator.counters().snapshot();
            return new Replay(results, counters, config.outsideAddress(), portBound(0), portBound(1),
                    CaptureReplay.this::isInside, !helpers.isEmpty(), harness == null ? List.of() : harness.mappings());
        }

        /** The engine, with the helpers as the gateway component wires them (none: plain NAT). */
        private void start(long nanos) {
            HelperHarness.Builder b = HelperHarness.builder().engine(config).startNanos(nanos);
            helpers.forEach(h -> b.helper(h.helper(), h.properties()));
            harness = b.build();
            translator = harness.translator();
            clockNanos = nanos;
        }

        private ReplayResult submit(CapturedPacket p) throws IOException {
            if (!p.isIpv4()) {
                return new ReplayResult(p, Direction.NOT_IPV4, null, null);
            }
            byte[] captured = p.datagram();
            Direction direction = direction(captured);
            if (direction != Direction.OUTBOUND && direction != Direction.INBOUND) {
                return new ReplayResult(p, direction, captured, null);
            }
            byte[] submitted = captured.clone();
            if (repairOffloadedIpChecksums) {
                repairIpChecksum(submitted);
            }
            sequences.shiftAcknowledgements(captured, submitted);
            if (direction == Direction.INBOUND) {
                view.toGateway(submitted);
            }
            ReplayResult r = new ReplayResult(p, direction, captured, submitted);
            buffer.set(submitted, 0, submitted.length);
            int side = direction == Direction.OUTBOUND ? Translator.INSIDE : Translator.OUTSIDE;
            List<ExpectationDTO> pending = helpers.isEmpty() ? List.of() : harness.expectations();
            snapshotCounters();
            record(r, translator.process(side, buffer, clockNanos));
            if (!helpers.isEmpty()) {
                afterHelpers(r, pending);
            }
            releaseHeld();
            return r;
        }

        /** Notes what the helpers did with the datagram, and teaches the views what the remote end would know. */
        private void afterHelpers(ReplayResult r, List<ExpectationDTO> before) {
            List<ExpectationDTO> after = harness.expectations();
            List<String> known = before.stream().map(ExpectationDTO::toString).map(CaptureReplay::withoutTime).toList();
            r.newExpectations = after.stream().filter(e -> !known.contains(withoutTime(e.toString()))).toList();
            r.counterChanges = counterChanges();
            for (ExpectationDTO e : r.newExpectations) {
                if (e.gatewayPort > 0) {
                    view.expect(Transport.parse(e.transport).protocolNumber(), Ipv4.parse(e.insideAddress), e.insidePort,
                            e.gatewayPort);
                }
            }
            if (r.output != null && r.verdict != Translator.REPLY) {
                sequences.learn(r.captured(), r.submitted(), r.output);
            }
        }

        private Map<String, Long> counterChanges() {
            Map<String, Long> changes = new TreeMap<>();
            for (int i = 0; i < counterIds.length; i++) {
                long change = translator.counters().get(counterIds[i]) - before[i];
                if (change != 0) {
                    changes.put(counterIds[i].counterName, change);
                }
            }
            return changes;
        }

        private void record(ReplayResult r, int verdict) throws IOException {
            r.verdict = verdict;
            if (verdict == Translator.DROP) {
                r.dropReason = dropReason();
            } else if (verdict == Translator.HELD) {
                r.held = true;
                heldResults.add(r);
            } else {
                r.output = Arrays.copyOfRange(buffer.data, buffer.offset, buffer.offset + buffer.length);
                if (verdict == Translator.FORWARD_OUTSIDE) {
                    view.learn(r.submitted(), r.output);
                }
                write(r);
            }
        }

        private void releaseHeld() throws IOException {
            while (true) {
                snapshotCounters();
                int verdict = translator.pollReleased(buffer, clockNanos);
                if (verdict == Translator.NOTHING) {
                    return;
                }
                ReplayResult r = takeHeld(buffer.data, buffer.offset);
                if (r != null) {
                    record(r, verdict);
                }
            }
        }

        /** The held fragment the engine released: same total length, IP id, flags and offset, protocol. */
        private ReplayResult takeHeld(byte[] b, int ip) {
            for (int i = 0; i < heldResults.size(); i++) {
                byte[] s = heldResults.get(i).submitted();
                if (Arrays.equals(s, 2, 8, b, ip + 2, ip + 8) && s[9] == b[ip + 9]) {
                    return heldResults.remove(i);
                }
            }
            return null;
        }

        private void write(ReplayResult r) throws IOException {
            if (writer == null) {
                return;
            }
            CapturedPacket p = r.packet();
            byte[] link = p.linkType() == Captures.DLT_EN10MB ? p.linkHeader() : SYNTHETIC_ETHERNET;
            byte[] frame = Arrays.copyOf(link, link.length + r.output.length);
            System.arraycopy(r.output, 0, frame, link.length, r.output.length);
            writer.frame(frame, 0, frame.length, clockNanos / 1000);
        }

        private void snapshotCounters() {
            for (int i = 0; i < counterIds.length; i++) {
                before[i] = translator.counters().get(counterIds[i]);
            }
        }

        /** The first drop counter that moved since the snapshot (fragment expiry excepted: that is the clock's). */
        private String dropReason() {
            String other = null;
            for (int i = 0; i < counterIds.length; i++) {
                Counter c = counterIds[i];
                if (translator.counters().get(c) == before[i] || c == Counter.DROP_FRAGMENT_TIMEOUT) {
                    continue;
                }
                if (c.counterName.startsWith("drop.")) {
                    return c.counterName;
                }
                other = other == null && !isProgress(c) ? c.counterName : other;
            }
            return other == null ? "unknown" : other;
        }
    }

    /** An expectation row without its seconds left, which the clock changes. */
    private static String withoutTime(String row) {
        return row.replaceAll("\"secondsLeft\":\\d+", "");
    }

    private static boolean isProgress(Counter c) {
        return c == Counter.PACKETS_INSIDE || c == Counter.PACKETS_OUTSIDE;
    }

    /** 0: the low end of the masq range, 1: the high end. */
    private int portBound(int end) {
        String[] range = config.ports().split("-");
        return Integer.parseInt(range[end]);
    }

    /**
     * An IPv4 header checksum of zero that does not verify is transmit offload: the capturing host
     * handed the header to its NIC unfinished. Recomputes it, as {@code tcprewrite --fixcsum} would.
     */
    private static void repairIpChecksum(byte[] d) {
        if (d[IPV4_HEADER_CHECKSUM] == 0 && d[IPV4_HEADER_CHECKSUM + 1] == 0 && !Checksums.ipHeaderValid(d, 0)) {
            int c = Checksums.checksum(d, 0, Packets.headerLength(d), 0);
            d[IPV4_HEADER_CHECKSUM] = (byte) (c >>> 8);
            d[IPV4_HEADER_CHECKSUM + 1] = (byte) c;
        }
    }

    /** A helper to attach and its service properties. */
    private record Registration(MasqHelper helper, Map<String, ?> properties) {
    }

    /** Collects a replay's settings; each setter checks its argument. */
    public static final class Builder {
        private final List<String> insideNetworks = new ArrayList<>();
        private String outsideAddress = DEFAULT_OUTSIDE_ADDRESS;
        private String gatewayInsideAddress = DEFAULT_GATEWAY_INSIDE_ADDRESS;
        private boolean verifyTransportChecksums = true;
        private boolean repairOffloadedIpChecksums;
        private Consumer<EngineConfig.Builder> engineSettings = e -> { };
        private Path output;
        private final List<Registration> helpers = new ArrayList<>();

        private Builder() {
        }

        /**
         * A network of inside hosts, e.g. {@code "192.168.1.0/24"} or one host {@code "10.10.0.3/32"}
         * (captures whose inside hosts are public, or whose remote peer shares the inside host's
         * subnet, name the inside host alone). Repeatable; at least one is required.
         */
        public Builder insideNetwork(String cidr) {
            EngineConfig.builder().insideNetwork(cidr);
            insideNetworks.add(cidr);
            return this;
        }

        /** The gateway's outside address and prefix (default {@value #DEFAULT_OUTSIDE_ADDRESS}). */
        public Builder outsideAddress(String cidr) {
            outsideAddress = cidr;
            return this;
        }

        /**
         * The gateway's own inside address (default {@value #DEFAULT_GATEWAY_INSIDE_ADDRESS}); pick
         * one no host of the capture uses, or datagrams to that host are taken as the gateway's.
         */
        public Builder gatewayInsideAddress(String cidr) {
            gatewayInsideAddress = cidr;
            return this;
        }

        /** False for captures with transmit checksum offload (see the capture's SOURCES.md entry). */
        public Builder verifyTransportChecksums(boolean value) {
            verifyTransportChecksums = value;
            return this;
        }

        /** True to recompute IPv4 header checksums that read zero and are wrong (offload) before submitting. */
        public Builder repairOffloadedIpChecksums(boolean value) {
            repairOffloadedIpChecksums = value;
            return this;
        }

        /** Further engine settings (ports, timeouts, filtering, limits), applied after the replay's own. */
        public Builder engine(Consumer<EngineConfig.Builder> settings) {
            engineSettings = settings;
            return this;
        }

        /** Writes every datagram the engine sent, in order, as an Ethernet pcap at {@code file}. */
        public Builder output(Path file) {
            output = file;
            return this;
        }

        /**
         * Attaches a helper with its name, transport ({@code tcp}/{@code udp}) and default ports,
         * as its service properties would; repeatable. Connections inside hosts open to those ports
         * get the helper.
         */
        public Builder helper(MasqHelper helper, String name, String transport, int... ports) {
            return helper(helper, HelperHarness.properties(name, transport, ports));
        }

        /** Attaches a helper with its full service properties (see {@link MasqHelper}); repeatable. */
        public Builder helper(MasqHelper helper, Map<String, ?> properties) {
            helpers.add(new Registration(helper, Map.copyOf(properties)));
            return this;
        }

        /** The replay; throws naming the setting if the engine configuration is invalid. */
        public CaptureReplay build() {
            if (insideNetworks.isEmpty()) {
                throw new IllegalArgumentException("insideNetwork: no inside network named");
            }
            return new CaptureReplay(this);
        }
    }
}
