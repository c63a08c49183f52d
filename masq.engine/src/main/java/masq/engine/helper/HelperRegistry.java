package masq.engine.helper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import masq.api.MasqHelper;
import masq.engine.helper.HelperEntry.State;

/**
 * The helper whiteboard's state: every tracked helper service, the administrator's port overrides,
 * and the resolution of duplicate claims, published as an immutable {@link HelperSnapshot}.
 *
 * <p>Resolution is deterministic: helpers are taken in order of {@code service.ranking} (highest
 * first), then {@code service.id} (lowest first, i.e. oldest); each takes its name and its
 * transport/ports if all are free, and is otherwise refused as a whole, naming the winner. A helper
 * refused only because of a winner that later goes away is resolved again and becomes active.
 *
 * <p>Threading: changes come from SCR and Config Admin threads and are serialised by this object's
 * lock; the engine thread reads {@link #snapshot()} without locking.
 */
public final class HelperRegistry {
    private static final Comparator<HelperService> RANK_ORDER = Comparator
            .comparingInt((HelperService s) -> -s.origin().ranking())
            .thenComparingLong(s -> s.origin().serviceId());

    private final Map<Long, HelperService> services = new HashMap<>();
    /** Port overrides from Config Admin, by helper name; they outlive the helper's service. */
    private final Map<String, int[]> configuredPorts = new HashMap<>();
    /** Services disabled after repeated failures, with the reason; cleared when the service goes. */
    private final Map<Long, String> disabled = new HashMap<>();
    private final List<HelperListener> listeners = new CopyOnWriteArrayList<>();
    private volatile HelperSnapshot snapshot = HelperSnapshot.EMPTY;

    /** @return the current resolution; safe to read from any thread without locking */
    public HelperSnapshot snapshot() {
        return snapshot;
    }

    /** Tracks a new helper service, or replaces the properties of one already tracked. */
    public synchronized void put(HelperService service) {
        services.put(service.origin().serviceId(), service);
        resolve();
    }

    /**
     * Tracks a helper given directly rather than as an OSGi service: for code that runs the engine
     * without a framework, such as {@code masq.testkit.HelperHarness}. The properties are those of
     * {@link MasqHelper} and are read exactly as the whiteboard reads a service's; an invalid one
     * leaves the helper {@link State#DISABLED} with the reason, as it would in the framework. Calling
     * it again with the same service id replaces the helper and its properties (the counters start
     * again); {@link #remove} withdraws it.
     *
     * @param origin stands in for the service reference: its {@code serviceId} is the key, and
     *               {@code ranking} then {@code serviceId} decide a duplicate claim
     * @return the entry as resolved: active, refused (naming the winner) or disabled (naming the
     *         property)
     */
    public synchronized HelperEntry register(MasqHelper helper, Map<String, ?> properties, HelperEntry.Origin origin) {
        put(HelperService.of(helper, properties, origin, null));
        return snapshot.byServiceId(origin.serviceId());
    }

    /** Forgets a helper service (unregistered, or its bundle stopped). */
    public synchronized void remove(long serviceId) {
        if (services.remove(serviceId) != null) {
            disabled.remove(serviceId);
            resolve();
        }
    }

    /**
     * Applies the administrator's port list for a helper (Config Admin {@code masq.helper.<name>},
     * key {@code ports}). An invalid value changes nothing.
     *
     * @param name  the helper name
     * @param ports the configured value, or {@code null} to return to the helper's default ports
     * @return the ports now in force for that name, or {@code null} for the helper's defaults
     * @throws IllegalArgumentException if the value is not a valid port list; the message says why
     */
    public synchronized int[] configure(String name, Object ports) {
        if (ports == null) {
            configuredPorts.remove(name);
        } else {
            configuredPorts.put(name, PortList.parse(ports));
        }
        resolve();
        int[] now = configuredPorts.get(name);
        return now == null ? null : now.clone();
    }

    /** Stops attaching a helper to new connections, e.g. after repeated failures. */
    public synchronized void disable(long serviceId, String reason) {
        if (services.containsKey(serviceId) && !disabled.containsKey(serviceId)) {
            disabled.put(serviceId, reason);
            resolve();
        }
    }

    /** Adds a listener; it is told nothing about the current state, read {@link #snapshot()}. */
    public void addListener(HelperListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(HelperListener listener) {
        listeners.remove(listener);
    }

    private void resolve() {
        List<HelperService> ranked = new ArrayList<>(services.values());
        ranked.sort(RANK_ORDER);
        HelperSnapshot.Builder next = new HelperSnapshot.Builder();
        for (HelperService service : ranked) {
            next.add(resolveOne(service, next));
        }
        HelperSnapshot previous = snapshot;
        snapshot = next.build();
        notifyChanges(previous, snapshot);
    }

    private HelperEntry resolveOne(HelperService service, HelperSnapshot.Builder claimed) {
        int[] configured = service.name() == null ? null : configuredPorts.get(service.name());
        int[] ports = configured != null ? configured : service.ports();
        if (service.error() != null) {
            return new HelperEntry(service, ports, configured != null, State.DISABLED, service.error());
        }
        if (disabled.containsKey(service.origin().serviceId())) {
            return new HelperEntry(service, ports, configured != null, State.DISABLED,
                    disabled.get(service.origin().serviceId()));
        }
        HelperEntry sameName = claimed.byName(service.name());
        if (sameName != null) {
            return new HelperEntry(service, ports, configured != null, State.REFUSED,
                    "duplicate of " + sameName.label() + ": same name");
        }
        for (int port : ports) {
            HelperEntry owner = claimed.find(service.transport(), port);
            if (owner != null) {
                return new HelperEntry(service, ports, configured != null, State.REFUSED,
                        "duplicate of " + owner.label() + " on " + service.transport().label() + "/" + port);
            }
        }
        return new HelperEntry(service, ports, configured != null, State.ACTIVE, null);
    }

    private void notifyChanges(HelperSnapshot before, HelperSnapshot after) {
        for (HelperEntry old : before.entries()) {
            HelperEntry now = after.byServiceId(old.origin().serviceId());
            if (old.state() == State.ACTIVE && (now == null || now.state() != State.ACTIVE)) {
                listeners.forEach(l -> l.withdrawn(old));
            }
        }
        for (HelperEntry now : after.entries()) {
            HelperEntry old = before.byServiceId(now.origin().serviceId());
            boolean wasActive = old != null && old.state() == State.ACTIVE;
            if (now.state() == State.ACTIVE && (!wasActive || !Arrays.equals(old.ports(), now.ports())
                    || old.helper() != now.helper())) {
                listeners.forEach(l -> l.activated(now));
            }
        }
    }

    /** @return the PID holding a helper's configuration, e.g. {@code masq.helper.ftp} */
    public static String configPid(String name) {
        return MasqHelper.CONFIG_PID_PREFIX + name;
    }

    /** Whether {@code text} is a name a helper may declare ({@link masq.api.MasqHelper#NAME}). */
    public static boolean isHelperName(String text) {
        return HelperService.isName(text);
    }
}
