package masq.helper.ftp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import masq.api.Direction;
import masq.api.ExpectationBuilder;
import masq.api.FlowView;
import masq.api.HelperContext;
import masq.api.PortPolicy;
import masq.api.Transport;

/**
 * A {@link HelperContext} for one packet that records edits, expectations and refusals, checks edits as
 * the engine does (inside the payload, no overlap, growth bounded), and applies them to give the output
 * payload. The flow, the per-flow state and the gateway ports to hand out live in a {@link Flow}.
 */
final class RecordingContext implements HelperContext {
    /** A recorded edit. */
    record Edit(int offset, int length, byte[] bytes) {
    }

    /** A registered expectation; remote address/port -1 means any. */
    record Expectation(Transport transport, boolean fromInside, int remoteAddress, int remotePort,
            int insideAddress, int insidePort, int gatewayPort) {
    }

    /** The connection, its helper state, the ports the "engine" hands out and everything registered on it. */
    static final class Flow implements FlowView {
        final int insideAddress;
        final int insidePort;
        final int outsideAddress;
        final int masqPort;
        final int remoteAddress;
        final int remotePort;
        Object state;
        /** The next gateway port register() returns; -1 refuses. */
        int nextGatewayPort = 61000;
        final List<Expectation> expectations = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();

        Flow(int insideAddress, int insidePort, int outsideAddress, int masqPort, int remoteAddress, int remotePort) {
            this.insideAddress = insideAddress;
            this.insidePort = insidePort;
            this.outsideAddress = outsideAddress;
            this.masqPort = masqPort;
            this.remoteAddress = remoteAddress;
            this.remotePort = remotePort;
        }

        @Override public long id() { return 1; }
        @Override public Transport transport() { return Transport.TCP; }
        @Override public int insideAddress() { return insideAddress; }
        @Override public int insidePort() { return insidePort; }
        @Override public int outsideAddress() { return outsideAddress; }
        @Override public int masqPort() { return masqPort; }
        @Override public int remoteAddress() { return remoteAddress; }
        @Override public int remotePort() { return remotePort; }
        @Override public boolean isChild() { return false; }
    }

    private final Flow flow;
    private final Direction direction;
    private final long sequence;
    private final int payloadLength;
    final List<Edit> edits = new ArrayList<>();

    RecordingContext(Flow flow, Direction direction, long sequence, int payloadLength) {
        this.flow = flow;
        this.direction = direction;
        this.sequence = sequence;
        this.payloadLength = payloadLength;
    }

    @Override public FlowView flow() { return flow; }
    @Override public Direction direction() { return direction; }
    @Override public long tcpSequence() { return sequence; }
    @Override public Object state() { return flow.state; }
    @Override public void state(Object state) { flow.state = state; }
    @Override public void refused(String reason) { flow.refusals.add(reason); }

    @Override
    public boolean replace(int offset, int length, byte[] bytes, int from, int count) {
        if (offset < 0 || length < 0 || offset + length > payloadLength || from < 0 || count < 0
                || from + count > bytes.length) {
            return false;
        }
        for (Edit e : edits) {
            boolean overlap = offset < e.offset() + e.length() && e.offset() < offset + length;
            boolean sameInsert = (length == 0 || e.length() == 0) && offset == e.offset();
            if (overlap || sameInsert) {
                return false;
            }
        }
        int growth = count - length;
        for (Edit e : edits) {
            growth += e.bytes().length - e.length();
        }
        if (growth > MAX_GROWTH_PER_PACKET) {
            return false;
        }
        edits.add(new Edit(offset, length, Arrays.copyOfRange(bytes, from, from + count)));
        return true;
    }

    @Override
    public boolean replace(int offset, int length, CharSequence text) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        return replace(offset, length, bytes, 0, bytes.length);
    }

    @Override
    public ExpectationBuilder expect(Transport transport) {
        return new Builder(transport);
    }

    /** @return the payload after the recorded edits, applied in offset order */
    byte[] apply(byte[] payload, int offset) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::offset));
        byte[] out = new byte[payloadLength + 2 * MAX_GROWTH_PER_PACKET];
        int n = 0;
        int at = 0;
        for (Edit e : sorted) {
            System.arraycopy(payload, offset + at, out, n, e.offset() - at);
            n += e.offset() - at;
            System.arraycopy(e.bytes(), 0, out, n, e.bytes().length);
            n += e.bytes().length;
            at = e.offset() + e.length();
        }
        System.arraycopy(payload, offset + at, out, n, payloadLength - at);
        return Arrays.copyOf(out, n + payloadLength - at);
    }

    private final class Builder implements ExpectationBuilder {
        private final Transport transport;
        private int remoteAddress = flow.remoteAddress;
        private int remotePort = -1;
        private int insideAddress = -1;
        private int insidePort = -1;
        private boolean fromInside;

        Builder(Transport transport) {
            this.transport = transport;
        }

        @Override public ExpectationBuilder remoteAddress(int address) { remoteAddress = address; return this; }
        @Override public ExpectationBuilder anyRemoteAddress() { remoteAddress = -1; return this; }
        @Override public ExpectationBuilder remotePort(int port) { remotePort = port; return this; }
        @Override public ExpectationBuilder anyRemotePort() { remotePort = -1; return this; }
        @Override public ExpectationBuilder fromInside() { fromInside = true; return this; }
        @Override public ExpectationBuilder portPolicy(PortPolicy policy) { return this; }
        @Override public ExpectationBuilder timeoutSeconds(int seconds) { return this; }
        @Override public ExpectationBuilder childHelper(String helperName) { return this; }

        @Override
        public ExpectationBuilder insideTarget(int address, int port) {
            insideAddress = address;
            insidePort = port;
            return this;
        }

        @Override
        public int register() {
            if (flow.nextGatewayPort < 0) {
                flow.refusals.add("engine:no-port");
                return -1;
            }
            int port = fromInside ? 0 : flow.nextGatewayPort++;
            flow.expectations.add(new Expectation(transport, fromInside, remoteAddress, remotePort, insideAddress,
                    insidePort, port));
            return port;
        }
    }
}
