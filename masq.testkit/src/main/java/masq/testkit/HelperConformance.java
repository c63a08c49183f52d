package masq.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import masq.api.Direction;
import masq.api.Ipv4;
import masq.api.MasqHelper;
import masq.api.admin.ExpectationDTO;

/**
 * Runs a helper against the contract every helper must keep, through the real engine
 * ({@link HelperHarness}), with one call:
 *
 * <pre>{@code
 * HelperConformance.of(new FtpHelper(), HelperHarness.properties("ftp", "tcp", 21))
 *         .sample(Direction.OUTBOUND, "PORT 192,168,0,2,4,1\r\n")
 *         .sample(Direction.INBOUND, "227 Entering Passive Mode (198,51,100,5,39,16)\r\n")
 *         .run().assertConforms();
 * }</pre>
 *
 * Each sample (a message of the protocol as one side sends it, naming the inside client
 * {@value #CLIENT} where it names an address) is sent, after the {@link #prelude} if there is one,
 * on a fresh connection from the client to the
 * helper's first port of {@value #SERVER}, whole and then damaged in every way the kit knows:
 * cut at each length (or at 64 chosen lengths for a long one), bytes flipped, set to 0, 0xFF, LF,
 * space or a digit, bytes inserted, two copies in one segment, random bytes of its length, and the
 * sample repeated up to 1400 bytes. For each one the contract is:
 * <ul>
 * <li>the helper never throws (the engine's {@code helper.failures} does not move);</li>
 * <li>what leaves is a well-formed datagram: its IP header checksum and its transport checksum
 * verify (edits stay in the payload and the engine accounts for them);</li>
 * <li>a TCP segment sent twice leaves the same way twice (retransmissions are rewritten alike);</li>
 * <li>every expectation it registers is for the client's own address and a port from 1024
 * (protocols.md §8.3 rule 3);</li>
 * <li>the sample with the client's address replaced by another inside host's ({@value #OTHER}:
 * dotted, comma-separated as FTP writes it, decimal as DCC writes it, four bytes either way round)
 * opens nothing and asks for nothing (the engine refuses an expectation for another inside
 * address, but asking is already the bug), and, sent by the client, leaves unchanged;</li>
 * <li>the whole sample sent over and over on one connection leaves at most the helper's
 * {@code maxExpected} expectations pending (bounded state).</li>
 * </ul>
 * Violations are collected, not thrown, so that one run reports them all; {@link Report#assertConforms}
 * throws an {@link AssertionError} listing them. The run is deterministic for a given seed.
 */
public final class HelperConformance {
    /** The inside client every connection of the kit comes from. */
    public static final String CLIENT = "192.168.0.2";
    /** Another inside host, whose address a forged sample names. */
    public static final String OTHER = "192.168.0.3";
    /** The remote server. */
    public static final String SERVER = "198.51.100.5";
    static final String GATEWAY = "203.0.113.1";
    private static final int LONGEST = 1400;
    private static final int FIRST_CLIENT_PORT = 20000;

    private final MasqHelper helper;
    private final Map<String, ?> properties;
    private final List<Direction> directions = new ArrayList<>();
    private final List<byte[]> samples = new ArrayList<>();
    private final List<Direction> preludeDirections = new ArrayList<>();
    private final List<byte[]> prelude = new ArrayList<>();
    private int mutations = 300;
    private long seed = 1;
    private Run fuzzRun;

    private HelperConformance(MasqHelper helper, Map<String, ?> properties) {
        this.helper = helper;
        this.properties = properties;
    }

    /**
     * @param helper     a new instance of the helper under test
     * @param properties its service properties (as {@link HelperHarness#properties} makes them, with
     *                   {@link MasqHelper#MAX_EXPECTED} if it declares one)
     */
    public static HelperConformance of(MasqHelper helper, Map<String, ?> properties) {
        return new HelperConformance(helper, properties);
    }

    /** Adds a message one side sends: {@link Direction#OUTBOUND} from the inside client, INBOUND from the server. */
    public HelperConformance sample(Direction direction, byte[] message) {
        if (message == null || message.length == 0) {
            throw new IllegalArgumentException("a sample needs at least one byte");
        }
        directions.add(direction);
        samples.add(message.clone());
        return this;
    }

    /** {@link #sample(Direction, byte[])} with the ISO-8859-1 bytes of {@code message}. */
    public HelperConformance sample(Direction direction, String message) {
        return sample(direction, message.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Adds a message sent whole on every connection before its sample, for a sample that answers
     * something (Quake's accept answers the client's connect).
     */
    public HelperConformance prelude(Direction direction, byte[] message) {
        preludeDirections.add(direction);
        prelude.add(message.clone());
        return this;
    }

    /** How many random damages per sample besides the systematic ones (default 300). */
    public HelperConformance mutations(int count) {
        mutations = count;
        return this;
    }

    /** The seed of the random damages (default 1). */
    public HelperConformance seed(long value) {
        seed = value;
        return this;
    }

    /** What a run found. */
    public record Report(long executions, List<String> violations) {
        /** @throws AssertionError listing the violations, if there are any */
        public void assertConforms() {
            if (!violations.isEmpty()) {
                throw new AssertionError(violations.size() + " contract violations in " + executions + " executions:\n  "
                        + String.join("\n  ", violations.subList(0, Math.min(20, violations.size()))));
            }
        }
    }

    /** Runs every sample and its damages; the report of what broke the contract. */
    public Report run() {
        if (samples.isEmpty()) {
            throw new IllegalStateException("no samples: add at least one message of the protocol");
        }
        Run r = new Run();
        Random random = new Random(seed);
        for (int i = 0; i < samples.size(); i++) {
            Direction direction = directions.get(i);
            byte[] sample = samples.get(i);
            r.send(direction, sample, "sample " + i);
            for (byte[] damaged : Damages.of(sample, mutations, random, LONGEST)) {
                r.send(direction, damaged, "sample " + i + " damaged");
            }
            byte[] forged = Damages.forge(sample, Ipv4.parse(CLIENT), Ipv4.parse(OTHER));
            if (forged != null) {
                r.forged(direction, forged, "sample " + i + " naming " + OTHER);
            }
            r.flood(direction, sample, "sample " + i + " repeated");
        }
        return new Report(r.executions, List.copyOf(r.violations));
    }

    /**
     * One conversation made of a fuzzer's bytes, for a fuzz target ({@code @FuzzTest void
     * f(byte[] data) { kit.conversation(data).assertConforms(); }}): {@code data} is read as
     * messages on one connection (after the {@link #prelude}), each a control byte (its low bit:
     * 0 the client sends, 1 the server), a length byte and that many bytes of payload (fewer where
     * {@code data} ends); an empty message is skipped. Each message is held to the contract as a
     * sample is (the helper never throws, what leaves is well formed, a retransmission leaves
     * alike, expectations only for the client's own port from 1024), and after each the pending
     * expectations stay within {@code maxExpected}. Successive conversations share one engine,
     * as a gateway's connections do, each on a new client port, a second apart. The samples and
     * the seed play no part.
     */
    public synchronized Report conversation(byte[] data) {
        if (fuzzRun == null) {
            fuzzRun = new Run();
        }
        Run r = fuzzRun;
        r.violations.clear();
        r.executions = 0;
        r.open();
        int at = 0;
        for (int n = 0; at + 2 <= data.length; n++) {
            Direction direction = (data[at] & 1) == 0 ? Direction.OUTBOUND : Direction.INBOUND;
            int length = Math.min(data[at + 1] & 0xFF, data.length - at - 2);
            byte[] payload = Arrays.copyOfRange(data, at + 2, at + 2 + length);
            at += 2 + length;
            if (payload.length > 0) {
                r.message(direction, payload, "message " + n + " (" + direction + ")");
                r.pendingWithinBound("after message " + n);
            }
        }
        r.close();
        return new Report(r.executions, List.copyOf(r.violations));
    }

    /**
     * Each sample, with the prelude left out, in {@link #conversation}'s form: the seeds of a fuzz
     * target's corpus.
     */
    public List<byte[]> conversations() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            byte[] sample = samples.get(i);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int at = 0; at < sample.length; at += 255) {
                int n = Math.min(255, sample.length - at);
                b.write(directions.get(i) == Direction.OUTBOUND ? 0 : 1);
                b.write(n);
                b.write(sample, at, n);
            }
            out.add(b.toByteArray());
        }
        return out;
    }

    /** One run's harness, connections and findings. */
    private final class Run {
        final HelperHarness gateway = HelperHarness.builder().engine(b -> b.ports(61000, 65000))
                .helper(helper, properties).build();
        final boolean tcp = "tcp".equals(String.valueOf(properties.get(MasqHelper.TRANSPORT)));
        final int serverPort = firstPort(properties.get(MasqHelper.PORTS));
        final int maxExpected = properties.get(MasqHelper.MAX_EXPECTED) instanceof Number n ? n.intValue()
                : MasqHelper.DEFAULT_MAX_EXPECTED;
        final List<String> violations = new ArrayList<>();
        long executions;
        int nextPort = FIRST_CLIENT_PORT;
        ConformanceConnection connection;

        void send(Direction direction, byte[] payload, String what) {
            open();
            message(direction, payload, what);
            close();
        }

        /** One message on the open connection, checked, then retransmitted and checked again. */
        void message(Direction direction, byte[] payload, String what) {
            long failures = gateway.counter("helper.failures");
            HelperStep first = connection.transmit(direction, payload);
            check(first, what);
            if (tcp && first.output() != null) {
                HelperStep again = connection.transmit(direction, payload); // before any acknowledgement
                check(again, what + " (retransmitted)");
                if (again.output() != null && !Arrays.equals(first.outputPayload(), again.outputPayload())) {
                    violations.add(what + ": a retransmission left otherwise than the original");
                }
            }
            connection.sent(direction, payload.length);
            if (gateway.counter("helper.failures") != failures) {
                violations.add(what + ": the helper threw (helper.failures), payload " + hex(payload));
            }
        }

        void pendingWithinBound(String what) {
            long master = gateway.mappings().stream().filter(m -> m.insidePort == connection.clientPort
                    && CLIENT.equals(m.insideAddress)).mapToLong(m -> m.id).findFirst().orElse(-1);
            long pending = gateway.expectations().stream().filter(e -> e.masterId == master).count();
            if (pending > Math.max(maxExpected, 0)) {
                violations.add(what + ": " + pending + " expectations pending, more than maxExpected " + maxExpected);
            }
        }

        void forged(Direction direction, byte[] payload, String what) {
            open();
            HelperStep step = connection.send(direction, payload);
            executions++;
            if (!step.newExpectations().isEmpty()) {
                violations.add(what + ": opened " + describe(step.newExpectations()) + " for a forged address");
            } else if (step.counter("expect.refused") > 0) {
                violations.add(what + ": asked to expect a connection for a forged address (the engine refused it)");
            }
            if (direction == Direction.OUTBOUND && step.output() != null
                    && !Arrays.equals(step.inputPayload(), step.outputPayload())) {
                violations.add(what + ": rewrote a message of the client naming another host");
            }
            close();
        }

        void flood(Direction direction, byte[] payload, String what) {
            open();
            for (int i = 0; i < 3 * maxExpected + 5; i++) {
                connection.send(direction, payload);
                executions++;
            }
            pendingWithinBound(what);
            close();
        }

        private void check(HelperStep step, String what) {
            executions++;
            byte[] out = step.output();
            if (out != null && (!Checksums.ipHeaderValid(out, 0)
                    || !Checksums.sameResidual(Checksums.transportResidual(out, 0), Checksums.VALID_RESIDUAL))) {
                violations.add(what + ": left with a wrong checksum: " + step);
            }
            for (ExpectationDTO e : step.newExpectations()) {
                if (!CLIENT.equals(e.insideAddress) || (e.gatewayPort != 0 && e.insidePort < 1024)) {
                    violations.add(what + ": expected " + describe(List.of(e)) + ", not the client's own port from 1024");
                }
            }
        }

        private void open() {
            int port = nextPort;
            nextPort = nextPort == 59999 ? FIRST_CLIENT_PORT : nextPort + 1;
            connection = new ConformanceConnection(gateway, tcp, port, serverPort);
            for (int i = 0; i < prelude.size(); i++) {
                connection.send(preludeDirections.get(i), prelude.get(i));
            }
        }

        private void close() {
            connection.close();
            gateway.advanceSeconds(1);
        }
    }

    private static int firstPort(Object ports) {
        if (ports instanceof Number n) {
            return n.intValue();
        }
        if (ports instanceof int[] a && a.length > 0) {
            return a[0];
        }
        if (ports instanceof Integer[] a && a.length > 0) {
            return a[0];
        }
        if (ports instanceof String s && !s.isBlank()) {
            return Integer.parseInt(s.split(",")[0].trim());
        }
        throw new IllegalArgumentException("the properties name no port (" + MasqHelper.PORTS + " = " + ports + ")");
    }

    private static String describe(List<ExpectationDTO> expectations) {
        StringBuilder s = new StringBuilder();
        for (ExpectationDTO e : expectations) {
            s.append(s.length() == 0 ? "" : ", ").append(e.transport).append(' ').append(e.insideAddress).append(':')
                    .append(e.insidePort);
        }
        return s.toString();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 48); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return b.length > 48 ? s + "..." : s.toString();
    }
}
