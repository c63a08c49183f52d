package masq.engine.nat;

import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's counters, one {@code long} per {@link Counter}. Written only by the engine thread;
 * read for the console through {@link #snapshot()}, run on that thread.
 */
public final class Counters {
    private final long[] values = new long[Counter.values().length];

    /** Adds one to {@code counter}. */
    public void increment(Counter counter) {
        values[counter.ordinal()]++;
    }

    /** Adds {@code n} to {@code counter}. */
    public void add(Counter counter, long n) {
        values[counter.ordinal()] += n;
    }

    /** The current value of {@code counter}. */
    public long get(Counter counter) {
        return values[counter.ordinal()];
    }

    /** Every counter by name, in name order, zeros included. */
    public Map<String, Long> snapshot() {
        Map<String, Long> map = new TreeMap<>();
        for (Counter c : Counter.values()) {
            map.put(c.counterName, values[c.ordinal()]);
        }
        return map;
    }
}
