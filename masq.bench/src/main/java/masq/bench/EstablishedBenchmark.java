package masq.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import masq.engine.nat.Translator;
import masq.engine.packet.PacketBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (a) Established-flow translation: one 64-byte frame (46-byte IPv4 datagram, TCP or UDP) per
 * operation through {@link Translator#process}, outbound (inside to outside) or inbound, with
 * {@code mappings} live mappings of the protocol in the table. Score in ops/µs = Mpps on the one
 * engine thread (one core) of wall-clock time; the auxiliary {@code perCpuUs} is per
 * microsecond of the thread's CPU time ({@link CpuClock}), the figure to read on a shared machine.
 *
 * <p>Access pattern. Every flow has its own precomputed packet, and the packets lie in one array
 * in a random permutation of the flows, which the benchmark walks round-robin. So the packet
 * stream is sequential in memory, as it is in a receive ring, while consecutive packets belong to
 * unrelated flows: each one lands on a random session and binding (their arrays are indexed in
 * creation order), as on a gateway serving many hosts. A flow comes back only after all the
 * others: with 1 M mappings nothing of its state is still in cache, which is the honest worst
 * case; the same flow every time would measure L1 hits only.
 *
 * <p>Restoring the packet. The engine rewrites in place (TTL, header checksum, an address, a port,
 * the transport checksum), so each operation saves bytes 8-23 of the IPv4 header (two longs) and
 * the transport checksum before the call and writes them back after: five memory accesses on
 * lines the translation itself touches. {@link #harnessBaseline} measures the walk, the
 * save/restore and JMH's own loop without the engine: 7-20 ns per operation on the reference
 * machine, a few per cent of a translation. Copying fresh 46-byte packets in would add a second stream of
 * misses; alternating directions is impossible because the engine's outbound output is not an
 * inbound input.
 *
 * <p>The engine runs as configured by default: IPv4 header and TCP/UDP checksums are verified on
 * every packet, TCP sessions are established (both SYNs seen), the clock is fixed (no expiry
 * during the run; the timer wheel's per-second sweep is amortised over millions of packets).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class EstablishedBenchmark {
    @Param({"10000", "1000000"})
    public int mappings;
    @Param({"tcp", "udp"})
    public String protocol;
    /**
     * Diagnostic: {@code sequential} visits flows in creation order (the hardware prefetcher then
     * hides most misses), {@code same} sends one flow's packet every time (everything in L1).
     */
    @Param({"shuffled"})
    public String order;
    /** Diagnostic: {@code false} turns off TCP/UDP checksum verification (as for offloaded captures). */
    @Param({"true"})
    public boolean verifyChecksums;

    private Translator translator;
    private PacketBuffer outbound;
    private PacketBuffer inbound;
    private int count;
    private int checksumAt;
    private int nextOutbound;
    private int nextInbound;

    @Setup(Level.Trial)
    public void setUp() {
        int proto = Flows.protocol(protocol);
        Flows flows = Flows.of(proto, mappings);
        count = mappings;
        checksumAt = Packets.transportChecksumOffset(proto);
        translator = new Translator(Flows.config(mappings, verifyChecksums), 0);
        int[] masqPorts = flows.open(translator);
        int[] visit = visitOrder();
        byte[] out = new byte[count * Packets.SLOT];
        byte[] in = new byte[count * Packets.SLOT];
        for (int slot = 0; slot < count; slot++) {
            int f = visit[slot];
            flows.writeOutbound(out, slot * Packets.SLOT + Packets.IP, f);
            flows.writeInbound(in, slot * Packets.SLOT + Packets.IP, f, masqPorts[f],
                    masq.engine.packet.TcpHeader.ACK | masq.engine.packet.TcpHeader.PSH);
        }
        outbound = new PacketBuffer(out, 0, 0);
        inbound = new PacketBuffer(in, 0, 0);
        verifyOnePass(outbound, Translator.INSIDE, Translator.FORWARD_OUTSIDE);
        verifyOnePass(inbound, Translator.OUTSIDE, Translator.FORWARD_INSIDE);
    }

    private int[] visitOrder() {
        switch (order) {
            case "shuffled":
                return Flows.shuffled(count);
            case "sequential":
                return java.util.stream.IntStream.range(0, count).toArray();
            case "same":
                return new int[count];
            default:
                throw new IllegalArgumentException("order: " + order);
        }
    }

    /** Every packet gets the expected verdict, and the restore leaves the array as it was. */
    private void verifyOnePass(PacketBuffer p, int side, int expected) {
        byte[] before = p.data.clone();
        for (int slot = 0; slot < count; slot++) {
            int verdict = translate(p, side, slot);
            if (verdict != expected) {
                throw new IllegalStateException("slot " + slot + ": verdict " + verdict + "; counters "
                        + translator.stats().counters);
            }
        }
        if (!Arrays.equals(before, p.data)) {
            throw new IllegalStateException("the restore does not undo the rewrite");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (translator.mappingCount() != count) {
            throw new IllegalStateException("mappings changed during the run: " + translator.mappingCount());
        }
    }

    private int translate(PacketBuffer p, int side, int slot) {
        byte[] b = p.data;
        int ip = slot * Packets.SLOT + Packets.IP;
        long low = Packets.saveLow(b, ip);
        long high = Packets.saveHigh(b, ip);
        short checksum = Packets.saveChecksum(b, ip + checksumAt);
        p.offset = ip;
        p.length = Packets.DATAGRAM;
        int verdict = translator.process(side, p, Flows.NOW);
        Packets.restore(b, ip, low, high, ip + checksumAt, checksum);
        return verdict;
    }

    /** Inside to outside: source address and port rewritten to the gateway's. */
    @Benchmark
    public int outbound(CpuClock clock) {
        clock.count();
        int slot = nextOutbound;
        nextOutbound = slot + 1 == count ? 0 : slot + 1;
        return translate(outbound, Translator.INSIDE, slot);
    }

    /** Outside to inside: destination rewritten back to the inside endpoint. */
    @Benchmark
    public int inbound(CpuClock clock) {
        clock.count();
        int slot = nextInbound;
        nextInbound = slot + 1 == count ? 0 : slot + 1;
        return translate(inbound, Translator.OUTSIDE, slot);
    }

    /** The harness alone: the round-robin walk and the save/restore, without the engine. */
    @Benchmark
    public long harnessBaseline() {
        int slot = nextOutbound;
        nextOutbound = slot + 1 == count ? 0 : slot + 1;
        byte[] b = outbound.data;
        int ip = slot * Packets.SLOT + Packets.IP;
        long low = Packets.saveLow(b, ip);
        long high = Packets.saveHigh(b, ip);
        short checksum = Packets.saveChecksum(b, ip + checksumAt);
        outbound.offset = ip;
        Packets.restore(b, ip, low, high, ip + checksumAt, checksum);
        return low ^ high ^ checksum;
    }
}
