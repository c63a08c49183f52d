package masq.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;
import masq.engine.nat.Translator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * (c) Heap per mapping at 1 M mappings: retained heap (used heap after a full GC) of a translator
 * configured for 1 000 000 mappings and filled with 1 000 000 UDP mappings (58 824 inside
 * endpoints, 17 remote endpoints each), minus the used heap before it was built, divided by
 * 1 000 000. Reported as the auxiliary counters {@code bytesPerMapping} (filled) and
 * {@code emptyBytesPerMapping} (just constructed: the tables are sized at construction, so the two
 * should agree). The score itself is the time to build and fill the table, not the point.
 *
 * <p>{@link #serialGc} runs with the serial collector, whose used-heap figure is the exact sum of
 * the objects; {@link #g1} with the default G1, whose figure also counts the unused tails of
 * the humongous regions that large arrays occupy: the footprint a deployment actually pays.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class HeapBenchmark {
    static final int MAPPINGS = 1_000_000;

    /**
     * The measured figures. JMH sums {@code EVENTS} counters over the measurement iterations, so
     * each iteration reports its share (1/n of its figure): the sum shown is the mean.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Heap {
        public double bytesPerMapping;
        public double emptyBytesPerMapping;
        double share;

        @Setup(Level.Iteration)
        public void clear(IterationParams iteration) {
            bytesPerMapping = 0;
            emptyBytesPerMapping = 0;
            share = iteration.getType() == IterationType.MEASUREMENT ? 1.0 / iteration.getCount() : 1.0;
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms2g", "-Xmx2g"})
    public int serialGc(Heap heap) {
        return measure(heap);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC", "-Xms2g", "-Xmx2g"})
    public int g1(Heap heap) {
        return measure(heap);
    }

    static int measure(Heap heap) {
        Flows flows = Flows.of(Packets.UDP, MAPPINGS);
        long before = usedAfterGc();
        Translator translator = new Translator(Flows.config(MAPPINGS), 0);
        long empty = usedAfterGc();
        flows.open(translator);
        long filled = usedAfterGc();
        heap.emptyBytesPerMapping = heap.share * (empty - before) / MAPPINGS;
        heap.bytesPerMapping = heap.share * (filled - before) / MAPPINGS;
        int live = translator.mappingCount();
        Reference.reachabilityFence(translator);
        return live;
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
