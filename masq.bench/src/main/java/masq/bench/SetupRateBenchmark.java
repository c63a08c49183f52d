package masq.bench;

import java.util.concurrent.TimeUnit;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (b) New-mapping setup rate: the first outbound packet of a new flow (a SYN for TCP, a datagram
 * for UDP), which validates it, creates the mapping and translates it. One operation is one new
 * mapping; score in ops/µs = million new mappings per second on one core (wall clock; the
 * auxiliary {@code perCpuUs} per microsecond of the thread's CPU time, see {@link CpuClock}).
 *
 * <p>Each invocation opens a whole population of fresh flows, in a random order, until the table
 * is near its limit, and the table is flushed (untimed, {@code Level.Invocation}) before the
 * next. {@link #newBindings}: 60 000 new inside endpoints, each a new binding (a gateway port out
 * of the 64 512) and a session, in a table of 65 536 (92 % full at the end): the common case of a
 * client opening a connection from a fresh ephemeral port. {@link #newSessions}: 960 000 flows
 * from 60 000 inside endpoints to 16 remote endpoints each in a table of 1 000 000 (96 % full): the
 * first flow of an endpoint creates its binding, the other 15 only a session (endpoint-independent
 * mapping reuses the port).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SetupRateBenchmark {
    static final int BINDING_FLOWS = 60_000;
    static final int BINDING_TABLE = 65_536;
    static final int SESSION_FLOWS = 960_000;
    static final int SESSION_TABLE = 1_000_000;

    @Param({"tcp", "udp"})
    public String protocol;

    /** {@code ports.allocation}: what each way of choosing a gateway port costs a new mapping. */
    @Param({"preserve", "sequential", "random"})
    public String allocation;

    /** One population of first packets and the gateway they are sent through. */
    public abstract static class Population {
        Translator translator;
        PacketBuffer packets;
        int count;
        int checksumAt;

        void build(String protocol, String allocation, int flows, int perBinding, int table) {
            int proto = Flows.protocol(protocol);
            Flows population = new Flows(proto, flows, perBinding);
            count = flows;
            checksumAt = Packets.transportChecksumOffset(proto);
            translator = new Translator(Flows.config(table, true,
                    PortAllocation.valueOf(allocation.toUpperCase(java.util.Locale.ROOT))), 0);
            int[] order = Flows.shuffled(flows);
            byte[] b = new byte[flows * Packets.SLOT];
            for (int slot = 0; slot < flows; slot++) {
                population.writeFirst(b, slot * Packets.SLOT + Packets.IP, order[slot]);
            }
            packets = new PacketBuffer(b, 0, 0);
        }

        @Setup(Level.Invocation)
        public void flush() {
            translator.flush();
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (translator.mappingCount() != count) {
                throw new IllegalStateException(count + " new flows but " + translator.mappingCount()
                        + " mappings; counters " + translator.stats().counters);
            }
        }

        int openAll() {
            byte[] b = packets.data;
            int forwarded = 0;
            for (int slot = 0; slot < count; slot++) {
                int ip = slot * Packets.SLOT + Packets.IP;
                long low = Packets.saveLow(b, ip);
                long high = Packets.saveHigh(b, ip);
                short checksum = Packets.saveChecksum(b, ip + checksumAt);
                packets.offset = ip;
                packets.length = Packets.DATAGRAM;
                forwarded += translator.process(Translator.INSIDE, packets, Flows.NOW);
                Packets.restore(b, ip, low, high, ip + checksumAt, checksum);
            }
            return forwarded;
        }
    }

    @State(Scope.Thread)
    public static class NewBindings extends Population {
        @Setup(Level.Trial)
        public void setUp(SetupRateBenchmark bench) {
            build(bench.protocol, bench.allocation, BINDING_FLOWS, 1, BINDING_TABLE);
        }
    }

    @State(Scope.Thread)
    public static class NewSessions extends Population {
        @Setup(Level.Trial)
        public void setUp(SetupRateBenchmark bench) {
            build(bench.protocol, bench.allocation, SESSION_FLOWS, SESSION_FLOWS / Flows.MAX_BINDINGS, SESSION_TABLE);
        }
    }

    /** Each new flow is a new inside endpoint: port allocation, binding, session. */
    @Benchmark
    @OperationsPerInvocation(BINDING_FLOWS)
    public int newBindings(NewBindings s, CpuClock clock) {
        long start = CpuClock.now();
        int forwarded = s.openAll();
        clock.add(s.count, CpuClock.now() - start);
        return forwarded;
    }

    /** 16 new flows per inside endpoint: one binding, then sessions on it. */
    @Benchmark
    @OperationsPerInvocation(SESSION_FLOWS)
    public int newSessions(NewSessions s, CpuClock clock) {
        long start = CpuClock.now();
        int forwarded = s.openAll();
        clock.add(s.count, CpuClock.now() - start);
        return forwarded;
    }
}
