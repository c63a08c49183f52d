package masq.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Operations per microsecond of the benchmark thread's own CPU time, i.e. Mpps (or million new
 * mappings per second) per core, reported as the auxiliary counter {@code perCpuUs}. JMH's score
 * is per wall-clock time, which on a shared machine also counts the time the thread waited for a
 * core; this counter does not. JMH sums {@code EVENTS} counters over the measurement iterations,
 * so each iteration reports its share (1/n): the sum shown is the mean.
 *
 * <p>Either the benchmark counts its operations with {@link #count} and the CPU time is that of
 * the whole iteration, or it times itself with {@link #add} (when untimed per-invocation work
 * runs on the same thread).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    public double perCpuUs;
    private long ops;
    private long cpuNanos;
    private long start;
    private double share;

    @Setup(Level.Iteration)
    public void start(IterationParams iteration) {
        perCpuUs = 0;
        ops = 0;
        cpuNanos = 0;
        share = iteration.getType() == IterationType.MEASUREMENT ? 1.0 / iteration.getCount() : 1.0;
        start = now();
    }

    @TearDown(Level.Iteration)
    public void stop() {
        long cpu = cpuNanos != 0 ? cpuNanos : now() - start;
        perCpuUs = cpu <= 0 ? 0 : share * ops * 1000.0 / cpu;
    }

    static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    void count() {
        ops++;
    }

    void add(long operations, long nanos) {
        ops += operations;
        cpuNanos += nanos;
    }
}
