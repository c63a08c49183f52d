package masq.engine.helper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import masq.api.Transport;
import masq.engine.helper.HelperEntry.State;

/**
 * An immutable resolution of the helper registry. {@link #find} is what the engine calls when it
 * creates a mapping: one array read, no allocation, no lock.
 */
public final class HelperSnapshot {
    static final HelperSnapshot EMPTY = new Builder().build();
    private static final int PORT_COUNT = 65536;

    /** Active helper by transport ordinal, then by port; a transport with no helper has null. */
    private final HelperEntry[][] byPort;
    private final Map<String, HelperEntry> activeByName;
    private final Map<Long, HelperEntry> byServiceId;
    /** Active ones first, then by name, then by service id. */
    private final List<HelperEntry> entries;

    private HelperSnapshot(Builder builder) {
        this.byPort = builder.byPort;
        this.activeByName = Map.copyOf(builder.activeByName);
        this.byServiceId = Map.copyOf(builder.byServiceId);
        List<HelperEntry> sorted = new ArrayList<>(builder.entries);
        sorted.sort(Comparator.comparing((HelperEntry e) -> e.state() != State.ACTIVE)
                .thenComparing(e -> e.name() == null ? "" : e.name())
                .thenComparingLong(e -> e.origin().serviceId()));
        this.entries = List.copyOf(sorted);
    }

    /**
     * @param transport a transport
     * @param port      a server port, 0-65535
     * @return the active helper watching that port, or {@code null}
     */
    public HelperEntry find(Transport transport, int port) {
        HelperEntry[] ports = byPort[transport.ordinal()];
        return ports == null || port < 0 || port >= PORT_COUNT ? null : ports[port];
    }

    /** @return the active helper of that name, or {@code null} */
    public HelperEntry byName(String name) {
        return name == null ? null : activeByName.get(name);
    }

    /** @return the entry of a tracked service, whatever its state, or {@code null} */
    public HelperEntry byServiceId(long serviceId) {
        return byServiceId.get(serviceId);
    }

    /** @return every tracked helper: active ones first, then by name */
    public List<HelperEntry> entries() {
        return entries;
    }

    /** Collects entries in rank order; answers "is this claimed yet" while it does. */
    static final class Builder {
        private final HelperEntry[][] byPort = new HelperEntry[Transport.values().length][];
        private final Map<String, HelperEntry> activeByName = new HashMap<>();
        private final Map<Long, HelperEntry> byServiceId = new HashMap<>();
        private final List<HelperEntry> entries = new ArrayList<>();

        void add(HelperEntry entry) {
            entries.add(entry);
            byServiceId.put(entry.origin().serviceId(), entry);
            if (entry.state() != State.ACTIVE) {
                return;
            }
            activeByName.put(entry.name(), entry);
            int t = entry.transport().ordinal();
            if (byPort[t] == null) {
                byPort[t] = new HelperEntry[PORT_COUNT];
            }
            for (int port : entry.ports()) {
                byPort[t][port] = entry;
            }
        }

        HelperEntry byName(String name) {
            return activeByName.get(name);
        }

        HelperEntry find(Transport transport, int port) {
            HelperEntry[] ports = byPort[transport.ordinal()];
            return ports == null ? null : ports[port];
        }

        HelperSnapshot build() {
            return new HelperSnapshot(this);
        }
    }
}
