package masq.engine.helper;

import masq.api.Direction;
import masq.api.FlowView;
import masq.api.Transport;
import masq.engine.edit.SequenceAdjustment;

/**
 * One mapping the helper layer follows: a connection with a helper, a related connection created
 * from an expectation, or a connection whose helper was withdrawn but whose sequence adjustment
 * must go on. Its slot number is what the translator keeps in the mapping's helper slot. It is the
 * {@link FlowView} helpers see. Slots are reused; engine thread only.
 */
final class Attachment implements FlowView {
    static final int NO_MASTER = -1;

    final int slot;
    boolean live;
    long id;
    int mapping;
    Transport transport;
    /** Who opened the connection: OUTBOUND for an inside host, INBOUND for an outside one. */
    Direction initiator;
    int insideAddress;
    int insidePort;
    int outsideAddress;
    int masqPort;
    int remoteAddress;
    int remotePort;
    /** The helper called for this connection's payload; null when none or withdrawn. */
    ActiveHelper helper;
    /** The helper's per-connection object ({@code HelperContext.state}). */
    Object state;
    /** Created at the first length-changing edit; outlives the helper. */
    SequenceAdjustment sequence;
    /** For a message helper on TCP, each direction's message layer; they outlive the helper. */
    MessageStream outboundMessages;
    MessageStream inboundMessages;
    /** The master's slot and id for a related connection, else NO_MASTER. */
    int masterSlot = NO_MASTER;
    long masterId;
    /** Related connections alive; the master is kept alive while it is not zero. */
    int children;

    Attachment(int slot) {
        this.slot = slot;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Direction initiator() {
        return initiator;
    }

    @Override
    public int insideAddress() {
        return insideAddress;
    }

    @Override
    public int insidePort() {
        return insidePort;
    }

    @Override
    public int outsideAddress() {
        return outsideAddress;
    }

    @Override
    public int masqPort() {
        return masqPort;
    }

    @Override
    public int remoteAddress() {
        return remoteAddress;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }

    @Override
    public boolean isChild() {
        return masterSlot != NO_MASTER;
    }

    @Override
    public String toString() {
        return transport.label() + " " + masq.api.Ipv4.toString(insideAddress) + ":" + insidePort + " via "
                + masqPort + " to " + masq.api.Ipv4.toString(remoteAddress) + ":" + remotePort + " (id " + id + ")";
    }
}
