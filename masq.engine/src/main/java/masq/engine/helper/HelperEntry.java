package masq.engine.helper;

import java.util.concurrent.atomic.AtomicLong;

import masq.api.MasqHelper;
import masq.api.Transport;

/**
 * One helper service as the registry last resolved it: immutable apart from its counters, which
 * live as long as the service registration and so survive re-resolution.
 */
public final class HelperEntry {
    /** Where a helper service comes from, as read from its service reference. */
    public record Origin(long serviceId, int ranking, long bundleId, String bundleSymbolicName,
            String bundleVersion) {
    }

    /** The registry's resolution of a helper. */
    public enum State {
        /** Attached to new connections to its ports. */
        ACTIVE,
        /** Lost a duplicate claim to a helper ranked higher. */
        REFUSED,
        /** Invalid service properties, or disabled after repeated failures. */
        DISABLED
    }

    private final MasqHelper helper;
    private final Origin origin;
    private final String name;
    private final Transport transport;
    private final int[] ports;
    private final boolean configured;
    private final int maxExpected;
    private final int expectTimeoutSeconds;
    private final State state;
    private final String reason;
    /** Exceptions thrown by the helper; shared by every resolution of the same service. */
    final AtomicLong failures;
    /** Connections attached now; shared by every resolution of the same service. */
    final AtomicLong flows;

    HelperEntry(HelperService service, int[] ports, boolean configured, State state, String reason) {
        this.helper = service.helper();
        this.origin = service.origin();
        this.name = service.name();
        this.transport = service.transport();
        this.ports = ports;
        this.configured = configured;
        this.maxExpected = service.maxExpected();
        this.expectTimeoutSeconds = service.expectTimeoutSeconds();
        this.state = state;
        this.reason = reason;
        this.failures = service.failures();
        this.flows = service.flows();
    }

    /** @return the helper service object */
    public MasqHelper helper() {
        return helper;
    }

    /** @return the service and bundle that registered the helper */
    public Origin origin() {
        return origin;
    }

    /** @return the helper's name, or {@code null} if its properties did not give a valid one */
    public String name() {
        return name;
    }

    /** @return the transport, or {@code null} if its properties did not give a valid one */
    public Transport transport() {
        return transport;
    }

    /** @return the ports in effect, ascending; empty if none are valid */
    public int[] ports() {
        return ports.clone();
    }

    /** @return whether the ports come from Config Admin */
    public boolean configured() {
        return configured;
    }

    /** @return the most pending expectations per master connection */
    public int maxExpected() {
        return maxExpected;
    }

    /** @return the default lifetime of an expectation in seconds */
    public int expectTimeoutSeconds() {
        return expectTimeoutSeconds;
    }

    /** @return how the registry resolved the helper */
    public State state() {
        return state;
    }

    /** @return why the helper is not active, or {@code null} */
    public String reason() {
        return reason;
    }

    /** @return the exceptions the helper has thrown */
    public long failures() {
        return failures.get();
    }

    /** @return the connections the helper is attached to */
    public long flows() {
        return flows.get();
    }

    /** Counts one exception thrown by the helper. @return the count so far */
    public long countFailure() {
        return failures.incrementAndGet();
    }

    /** Counts a connection attached to ({@code +1}) or detached from ({@code -1}) the helper. */
    public void countFlow(int delta) {
        flows.addAndGet(delta);
    }

    /** @return {@code ftp (bundle 7)}: how messages name this helper */
    public String label() {
        return (name == null ? "service " + origin.serviceId() : name) + " (bundle " + origin.bundleId() + ")";
    }

    @Override
    public String toString() {
        return label() + " " + state + (transport == null ? "" : " " + transport.label() + "/" + PortList.format(ports))
                + (reason == null ? "" : ": " + reason);
    }
}
