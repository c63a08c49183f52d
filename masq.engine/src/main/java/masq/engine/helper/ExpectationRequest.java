package masq.engine.helper;

import masq.api.ExpectationBuilder;
import masq.api.PortPolicy;
import masq.api.Transport;

/**
 * The {@link ExpectationBuilder} a helper fills during one call: reused for every call, reset by
 * {@link FlowContext#expect}, checked and handed to {@link Expectations#register} once. Engine
 * thread only.
 */
final class ExpectationRequest implements ExpectationBuilder {
    private static final int MAX_PORT = 65535;

    private final Expectations expectations;
    Attachment master;
    ActiveHelper helper;
    Transport transport;
    boolean anyRemoteAddress;
    int remoteAddress;
    /** 0 for any; -1 once set out of range. */
    int remotePort;
    int insideAddress;
    /** 0 until set (any, from the inside); -1 once set out of range. */
    int insidePort;
    boolean fromInside;
    boolean repeating;
    PortPolicy policy;
    int timeoutSeconds;
    String childHelper;
    /** False once registered, or when handed out outside a helper call. */
    boolean open;

    ExpectationRequest(Expectations expectations) {
        this.expectations = expectations;
    }

    /** Starts a request with the defaults the API documents. */
    void reset(Attachment flow, ActiveHelper by, Transport kind, boolean valid) {
        master = flow;
        helper = by;
        transport = kind;
        anyRemoteAddress = false;
        remoteAddress = flow == null ? 0 : flow.remoteAddress;
        remotePort = 0;
        insideAddress = flow == null ? 0 : flow.insideAddress;
        insidePort = 0;
        fromInside = false;
        repeating = false;
        policy = PortPolicy.ANY;
        timeoutSeconds = by == null ? 0 : by.entry.expectTimeoutSeconds();
        childHelper = null;
        open = valid;
    }

    /** @return why the request cannot be registered, or null */
    String problem() {
        if (transport != Transport.TCP && transport != Transport.UDP) {
            return "transport " + transport + " is not tcp or udp";
        }
        if (remotePort < 0 || insidePort < 0) {
            return "a port is not 0-65535";
        }
        if (insideAddress != master.insideAddress) {
            return "the inside target is not the connection's inside address";
        }
        if (policy == PortPolicy.MASTER) {
            String problem = masterProblem();
            if (problem != null) {
                return problem;
            }
        }
        if (!fromInside && (insidePort == 0 || (policy == PortPolicy.EVEN_PAIR && insidePort == MAX_PORT))) {
            return "an expectation from the outside needs an inside port";
        }
        if (repeating && (fromInside || (policy != PortPolicy.ANY && policy != PortPolicy.SAME_AS_INSIDE_IF_FREE))) {
            return "a repeating expectation is from the outside, with port policy ANY or SAME_AS_INSIDE_IF_FREE";
        }
        if (timeoutSeconds < 1 || timeoutSeconds > Expectations.MAX_TIMEOUT_SECONDS) {
            return "timeout " + timeoutSeconds + " s is not 1-" + Expectations.MAX_TIMEOUT_SECONDS;
        }
        return null;
    }

    /**
     * {@link PortPolicy#MASTER}: from the outside, the master's transport, its inside endpoint (set
     * here when the helper left the port unset).
     */
    private String masterProblem() {
        if (fromInside) {
            return "the master's port is for an expectation from the outside";
        }
        if (transport != master.transport) {
            return "the master's port is " + master.transport.label() + ", not " + transport.label();
        }
        if (insidePort != 0 && insidePort != master.insidePort) {
            return "the inside target is not the connection's inside endpoint";
        }
        insidePort = master.insidePort;
        return null;
    }

    @Override
    public ExpectationBuilder remoteAddress(int address) {
        anyRemoteAddress = false;
        remoteAddress = address;
        return this;
    }

    @Override
    public ExpectationBuilder anyRemoteAddress() {
        anyRemoteAddress = true;
        return this;
    }

    @Override
    public ExpectationBuilder remotePort(int port) {
        remotePort = port >= 1 && port <= MAX_PORT ? port : -1;
        return this;
    }

    @Override
    public ExpectationBuilder anyRemotePort() {
        remotePort = 0;
        return this;
    }

    @Override
    public ExpectationBuilder insideTarget(int address, int port) {
        insideAddress = address;
        insidePort = port >= 0 && port <= MAX_PORT ? port : -1;
        return this;
    }

    @Override
    public ExpectationBuilder fromInside() {
        fromInside = true;
        return this;
    }

    @Override
    public ExpectationBuilder repeating() {
        repeating = true;
        return this;
    }

    @Override
    public ExpectationBuilder portPolicy(PortPolicy value) {
        policy = value == null ? PortPolicy.ANY : value;
        return this;
    }

    @Override
    public ExpectationBuilder timeoutSeconds(int seconds) {
        timeoutSeconds = seconds;
        return this;
    }

    @Override
    public ExpectationBuilder childHelper(String helperName) {
        childHelper = helperName;
        return this;
    }

    @Override
    public int register() {
        if (!open) {
            return -1;
        }
        open = false;
        return expectations.register(this);
    }
}
