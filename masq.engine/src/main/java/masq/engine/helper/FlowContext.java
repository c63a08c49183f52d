package masq.engine.helper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Direction;
import masq.api.ExpectationBuilder;
import masq.api.FlowView;
import masq.api.HelperContext;
import masq.api.Transport;
import masq.engine.edit.PayloadEdits;
import masq.engine.nat.Counter;
import masq.engine.nat.Counters;

/**
 * The {@link HelperContext} of one {@code handle} call. A single instance serves every call:
 * {@link #open} fills it, {@link #close} invalidates it, so a helper that keeps it gets refusals
 * rather than another connection. Nothing here allocates on the common path. Engine thread only.
 */
final class FlowContext implements HelperContext {
    private static final Logger LOG = LoggerFactory.getLogger(FlowContext.class);

    private final Counters counters;
    private final PayloadEdits edits = new PayloadEdits();
    private final ExpectationRequest request;
    private final Expectations expectations;
    private final LogLimiter refusalLog = new LogLimiter();
    private final LogLimiter editLog = new LogLimiter();
    private Attachment flow;
    private ActiveHelper helper;
    private Direction direction;
    private long sequence;
    private boolean open;

    FlowContext(Counters counters, Expectations expectations) {
        this.counters = counters;
        this.request = new ExpectationRequest(expectations);
        this.expectations = expectations;
    }

    /** Prepares the context for a call on {@code attachment}'s payload of {@code length} bytes. */
    void open(Attachment attachment, boolean outbound, long tcpSequence, int length) {
        flow = attachment;
        helper = attachment.helper;
        direction = outbound ? Direction.OUTBOUND : Direction.INBOUND;
        sequence = tcpSequence;
        edits.begin(length);
        open = true;
    }

    /** Ends the call: later use of the context is refused. */
    void close() {
        open = false;
        request.open = false;
    }

    /** @return the edits recorded during the call */
    PayloadEdits edits() {
        return edits;
    }

    @Override
    public FlowView flow() {
        return flow;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public long tcpSequence() {
        return sequence;
    }

    @Override
    public boolean replace(int offset, int length, byte[] bytes, int from, int count) {
        return open && recorded(edits.add(offset, length, bytes, from, count), offset, length, count);
    }

    @Override
    public boolean replace(int offset, int length, CharSequence text) {
        return open && recorded(edits.add(offset, length, text), offset, length, text == null ? 0 : text.length());
    }

    private boolean recorded(int code, int offset, int length, int count) {
        if (code == PayloadEdits.OK) {
            return true;
        }
        Counter counter = code == PayloadEdits.OUT_OF_RANGE ? Counter.EDIT_REFUSED_RANGE
                : code == PayloadEdits.OVERLAP ? Counter.EDIT_REFUSED_OVERLAP : Counter.EDIT_REFUSED_GROWTH;
        counters.increment(counter);
        editLog.warn(LOG, "helper {} on {}: edit at {} of {} bytes by {} refused: {}", helper.name, flow, offset,
                length, count, counter.counterName);
        return false;
    }

    @Override
    public ExpectationBuilder expect(Transport transport) {
        request.reset(flow, helper, transport, open);
        return request;
    }

    @Override
    public int cancelExpectations() {
        return open ? expectations.purgeMaster(flow.slot, flow.id) : 0;
    }

    @Override
    public void refused(String reason) {
        if (!open) {
            return;
        }
        String key = reason == null ? "unspecified" : reason;
        counters.increment(Counter.HELPER_REFUSALS);
        helper.refusals.merge(key, 1L, Long::sum);
        refusalLog.warn(LOG, "helper {} refused {} on {}", helper.name, key, flow);
    }

    @Override
    public Object state() {
        return flow == null ? null : flow.state;
    }

    @Override
    public void state(Object state) {
        if (open) {
            flow.state = state;
        }
    }
}
