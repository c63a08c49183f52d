package masq.engine.helper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import masq.api.Direction;
import masq.api.Transport;
import masq.api.Verdict;
import masq.api.admin.ExpectationDTO;
import masq.engine.edit.PayloadEdits;
import masq.engine.edit.SequenceAdjustment;
import masq.engine.nat.Counter;
import masq.engine.nat.Counters;
import masq.engine.nat.FlowHook;
import masq.engine.nat.Translator;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;

/**
 * The helper layer of the engine: attaches helpers to new connections, calls them for payload,
 * applies their edits with TCP sequence adjustment, keeps their expectations, and takes them away
 * when the registry withdraws them. See the package documentation for the wiring.
 *
 * <p>Threading: every {@link FlowHook} method and {@link #expectations(long)} run on the engine
 * thread. {@link #withdrawn} may be called on any thread (the registry's); it only queues the event,
 * which the engine thread handles before its next helper call, mapping creation or clock tick.
 */
public final class HelperDispatch implements FlowHook, HelperListener {
    /**
     * The MTU assumed for the outgoing link: an edit that would grow a packet beyond it is refused
     * and the packet forwarded unchanged (see the package documentation for why).
     */
    public static final int DEFAULT_OUTGOING_MTU = 1500;
    /** Exceptions in a row after which a helper is disabled for new connections (registry.disable). */
    public static final int MAX_CONSECUTIVE_FAILURES = 10;
    /** Default bound on connections the helper layer follows at once; beyond it new ones get no helper. */
    public static final int DEFAULT_MAX_ATTACHED_FLOWS = 16384;
    private static final Logger LOG = LoggerFactory.getLogger(HelperDispatch.class);

    private final HelperRegistry registry;
    private final Translator translator;
    private final Counters counters;
    private final int outgoingMtu;
    private final Expectations expectations;
    private final FlowContext context;
    private final MessageLayer messages;
    private final Attachment[] attachments;
    /** Free attachment slots, a stack. */
    private final int[] freeSlots;
    private int freeCount;
    /** The helpers attached to connections now, by service id. */
    private final Map<Long, ActiveHelper> helpers = new HashMap<>();
    /** Withdrawals queued by the registry's threads for the engine thread. */
    private final Queue<HelperEntry> withdrawals = new ConcurrentLinkedQueue<>();
    private final LogLimiter failureLog = new LogLimiter();
    private final LogLimiter editLog = new LogLimiter();

    /** A dispatch with the default MTU and flow bound, and the translator's expectation limit. */
    public HelperDispatch(HelperRegistry registry, Translator translator) {
        this(registry, translator, DEFAULT_OUTGOING_MTU, DEFAULT_MAX_ATTACHED_FLOWS,
                translator.config().maxExpectations());
    }

    /**
     * @param outgoingMtu      the largest datagram an edit may grow a packet to, at least 576
     * @param maxAttachedFlows connections followed at once (with a helper, related, or adjusted)
     * @param maxExpectations  pending expectations, all helpers together
     */
    public HelperDispatch(HelperRegistry registry, Translator translator, int outgoingMtu, int maxAttachedFlows,
            int maxExpectations) {
        if (outgoingMtu < 576 || maxAttachedFlows < 1) {
            throw new IllegalArgumentException("outgoing MTU " + outgoingMtu + " is below 576 or attached flows "
                    + maxAttachedFlows + " below 1");
        }
        this.registry = registry;
        this.translator = translator;
        this.counters = translator.counters();
        this.outgoingMtu = outgoingMtu;
        this.expectations = new Expectations(translator, maxExpectations);
        this.context = new FlowContext(counters, expectations);
        this.messages = new MessageLayer(counters, context, this);
        this.attachments = new Attachment[maxAttachedFlows];
        this.freeSlots = new int[maxAttachedFlows];
        for (int i = 0; i < maxAttachedFlows; i++) {
            freeSlots[i] = maxAttachedFlows - 1 - i;
        }
        this.freeCount = maxAttachedFlows;
    }

    /** @return the expectation table, the {@link masq.engine.nat.InboundSource} to give the translator */
    public Expectations expectations() {
        return expectations;
    }

    /** The rows of {@code masq:expect}, after advancing the clock to {@code nowNanos}. Engine thread. */
    public List<ExpectationDTO> expectations(long nowNanos) {
        translator.tick(nowNanos);
        drainWithdrawals();
        return expectations.list();
    }

    /** The helper name for a mapping's helper slot ({@code Translator.mappings}); null when none. */
    public String helperName(int slot) {
        Attachment a = slot >= 0 && slot < attachments.length ? attachments[slot] : null;
        return a != null && a.live && a.helper != null ? a.helper.name : null;
    }

    /**
     * The master connection's id for a mapping's helper slot ({@code Translator.mappings}): the
     * connection whose expectation created it, or 0. Engine thread.
     */
    public long masterId(int slot) {
        Attachment a = slot >= 0 && slot < attachments.length ? attachments[slot] : null;
        return a != null && a.live && a.masterSlot != Attachment.NO_MASTER ? a.masterId : 0;
    }

    /**
     * @return the changes the message layer remembers for retransmissions, all connections
     *         together: they go once the receivers acknowledge them. Engine thread.
     */
    public int rememberedChanges() {
        int n = 0;
        for (Attachment a : attachments) {
            if (a != null && a.live && a.outboundMessages != null) {
                n += a.outboundMessages.rememberedCount() + a.inboundMessages.rememberedCount();
            }
        }
        return n;
    }

    /** @return the refusals a helper reported, by reason; empty when it is not attached. Engine thread. */
    public Map<String, Long> refusals(String helperName) {
        for (ActiveHelper h : helpers.values()) {
            if (h.name.equals(helperName)) {
                return Map.copyOf(h.refusals);
            }
        }
        return Map.of();
    }

    /** Queues the withdrawal for the engine thread. Any thread; does not block. */
    @Override
    public void withdrawn(HelperEntry entry) {
        withdrawals.add(entry);
    }

    /** Called only by callers that do not know the direction: treated as outbound. */
    @Override
    public int mappingCreated(int mapping, long id, int protocol, int insideAddress, int insidePort,
            int remoteAddress, int remotePort, int gatewayPort) {
        return mappingCreated(mapping, id, protocol, true, null, insideAddress, insidePort, remoteAddress,
                remotePort, gatewayPort);
    }

    @Override
    public int mappingCreated(int mapping, long id, int protocol, boolean outbound, String assigned,
            int insideAddress, int insidePort, int remoteAddress, int remotePort, int gatewayPort) {
        Transport transport = protocol == Ipv4Header.PROTOCOL_TCP ? Transport.TCP
                : protocol == Ipv4Header.PROTOCOL_UDP ? Transport.UDP : null;
        if (transport == null) {
            return NO_HELPER;
        }
        drainWithdrawals();
        Expectation e = outbound
                ? expectations.takeFromInside(protocol, insideAddress, insidePort, remoteAddress, remotePort)
                : expectations.takeOffered(protocol, gatewayPort);
        if (e == null && outbound) {
            e = expectations.takeOffered(protocol, gatewayPort); // a reserved port (Expectations.reservedFor)
        }
        ActiveHelper helper;
        if (e != null) {
            helper = e.childHelper == null ? null : active(registry.snapshot().byName(e.childHelper));
        } else if (outbound) {
            helper = active(registry.snapshot().find(transport, remotePort));
            if (helper == null) {
                return NO_HELPER;
            }
        } else if (assigned != null) {
            // a forward's helper: by configuration only, never by port (MasqHelper, "Attachment")
            HelperEntry entry = registry.snapshot().byName(assigned);
            helper = entry != null && entry.transport() == transport ? active(entry) : null;
            if (helper == null) {
                counters.increment(Counter.HELPER_ASSIGNED_ABSENT);
                return NO_HELPER;
            }
        } else {
            return NO_HELPER;
        }
        Attachment a = attach(helper, id, mapping, transport, outbound, insideAddress, insidePort, remoteAddress,
                remotePort, gatewayPort);
        if (a == null) {
            return NO_HELPER;
        }
        if (e != null) {
            link(a, e);
        }
        return a.slot;
    }

    @Override
    public void mappingRemoved(int mapping, long id, int slot) {
        Attachment a = attachments[slot];
        if (a == null || !a.live || a.id != id) {
            return;
        }
        detach(a);
        expectations.purgeMaster(slot, id);
        if (a.masterSlot != Attachment.NO_MASTER) {
            Attachment master = attachments[a.masterSlot];
            if (master.live && master.id == a.masterId) {
                master.children--;
            }
        }
        a.live = false;
        a.sequence = null;
        a.outboundMessages = null;
        a.inboundMessages = null;
        a.masterSlot = Attachment.NO_MASTER;
        a.children = 0;
        freeSlots[freeCount++] = slot;
    }

    @Override
    public boolean payload(int mapping, int slot, boolean outbound, PacketBuffer p, int payloadOffset,
            int payloadLength) {
        if (!withdrawals.isEmpty()) {
            drainWithdrawals();
        }
        Attachment a = attachments[slot];
        ActiveHelper h = a.helper;
        if (h == null && a.outboundMessages == null) {
            return true;
        }
        byte[] b = p.data;
        int ip = p.offset;
        if (Ipv4Header.isFragment(b, ip)) {
            counters.increment(Counter.HELPER_SKIPPED_FRAGMENT);
            if (a.outboundMessages != null) {
                (outbound ? a.outboundMessages : a.inboundMessages).abandon();
            }
            return true;
        }
        int l4 = ip + Ipv4Header.headerLength(b, ip);
        boolean tcp = a.transport == Transport.TCP;
        int seq = tcp ? firstPayloadSequence(b, l4) : 0;
        if (a.outboundMessages != null) {
            return messages.segment(a, outbound, p, l4, payloadOffset, payloadLength, seq);
        }
        Verdict verdict;
        context.open(a, outbound, seq & 0xffffffffL, payloadLength);
        try {
            counters.increment(Counter.HELPER_CALLS);
            verdict = h.messages != null ? h.messages.message(context, b, payloadOffset, payloadLength)
                    : h.helper.handle(context, b, payloadOffset, payloadLength);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            context.close();
            failed(h, a, e);
            return true;
        }
        context.close();
        h.consecutiveFailures = 0;
        if (verdict == Verdict.DROP) {
            counters.increment(Counter.HELPER_VERDICT_DROP);
            return false;
        }
        if (context.edits().size() > 0) {
            applyEdits(a, outbound, p, l4, payloadOffset, payloadLength, seq);
        }
        return true;
    }

    /** RFC 9293 §3.4: a SYN occupies the first sequence number, so data on a SYN starts one later. */
    private static int firstPayloadSequence(byte[] b, int tcp) {
        return TcpHeader.sequence(b, tcp) + ((TcpHeader.flags(b, tcp) & TcpHeader.SYN) != 0 ? 1 : 0);
    }

    @Override
    public void tcpSegment(int mapping, int slot, boolean outbound, PacketBuffer p, int transportOffset) {
        Attachment a = attachments[slot];
        if (a.outboundMessages != null) {
            byte[] b = p.data;
            int payloadOffset = transportOffset + TcpHeader.dataOffset(b, transportOffset);
            if (payloadOffset - p.offset == p.length && MessageLayer.holdsAtFin(a, outbound, b, transportOffset)) {
                messages.segment(a, outbound, p, transportOffset, payloadOffset, 0,
                        TcpHeader.sequence(b, transportOffset));
            }
            messages.acknowledgment(a, outbound, b, transportOffset);
        }
        SequenceAdjustment sequence = a.sequence;
        if (sequence != null && sequence.apply(p.data, transportOffset, outbound)) {
            counters.increment(Counter.SEQ_ADJUSTED);
        }
    }

    @Override
    public void icmpQuote(int mapping, int slot, boolean quotedOutbound, byte[] b, int quotedTcp,
            int quotedLength) {
        SequenceAdjustment sequence = attachments[slot].sequence;
        if (sequence != null) {
            sequence.revertQuoted(b, quotedTcp, quotedLength, quotedOutbound);
        }
    }

    @Override
    public boolean pollGenerated(PacketBuffer out) {
        return messages.poll(out);
    }

    @Override
    public boolean keepAlive(int mapping, int slot) {
        return attachments[slot].children > 0;
    }

    @Override
    public void tick(int nowSeconds) {
        drainWithdrawals();
        expectations.tick(nowSeconds);
    }

    /**
     * Applies the edits of the call just made, or refuses them all (counted, packet unchanged):
     * growth of a UDP datagram beyond the outgoing MTU, growth beyond the buffer, or a length
     * change the sequence records cannot take (a reordered segment). A TCP segment may grow beyond
     * the MTU: the gateway cuts a segment longer than its arrival MTU into segments that fit, as
     * it cuts a super-frame.
     */
    private void applyEdits(Attachment a, boolean outbound, PacketBuffer p, int l4, int payloadOffset,
            int payloadLength, int seq) {
        PayloadEdits edits = context.edits();
        int growth = edits.growth();
        int newLength = p.length + growth;
        boolean tcp = a.transport == Transport.TCP;
        Counter refusal = null;
        if (growth > 0 && newLength > outgoingMtu && !tcp) {
            refusal = Counter.EDIT_REFUSED_MTU;
        } else if (newLength > p.capacity()) {
            refusal = Counter.EDIT_REFUSED_NO_ROOM;
        } else if (tcp && a.sequence != null && !a.sequence.records(outbound).accepts(seq, payloadLength, growth)) {
            refusal = Counter.EDIT_REFUSED_SEQUENCE;
        }
        if (refusal != null) {
            counters.increment(refusal);
            editLog.warn(LOG, "edits of helper {} on {} refused ({} bytes to {}): {}", a.helper.name, a, growth,
                    newLength, refusal.counterName);
            return;
        }
        edits.applyTo(p, l4, payloadOffset);
        counters.increment(Counter.EDITS_APPLIED);
        if (tcp && growth != 0) {
            if (a.sequence == null) {
                a.sequence = new SequenceAdjustment();
            }
            a.sequence.records(outbound).record(seq, payloadLength, payloadLength + growth);
        }
    }

    /** Counts a refusal the message layer made on the helper's behalf; engine thread. */
    void refusedFor(Attachment a, String reason) {
        counters.increment(Counter.HELPER_REFUSALS);
        ActiveHelper h = a.helper;
        if (h != null) {
            h.refusals.merge(reason, 1L, Long::sum);
            editLog.warn(LOG, "helper {}: the message layer refused {} on {}", h.name, reason, a);
        }
    }

    void failed(ActiveHelper h, Attachment a, Throwable e) {
        h.entry.countFailure();
        counters.increment(Counter.HELPER_FAILURES);
        h.consecutiveFailures++;
        failureLog.warn(LOG, "helper {} threw on {}; the packet goes on unchanged: {}", h.name, a, e.toString());
        if (h.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES && !h.disabling) {
            h.disabling = true;
            counters.increment(Counter.HELPER_DISABLED);
            String reason = "threw " + MAX_CONSECUTIVE_FAILURES + " times in a row, last: " + e;
            LOG.error("helper {} is disabled for new connections: {}", h.entry.label(), reason);
            registry.disable(h.serviceId(), reason);
        }
    }

    /** The engine's record of an active registry entry; null for null. */
    private ActiveHelper active(HelperEntry entry) {
        if (entry == null || entry.helper() == null) {
            return null;
        }
        long id = entry.origin().serviceId();
        ActiveHelper h = helpers.get(id);
        if (h == null || h.helper != entry.helper()) {
            h = new ActiveHelper(entry);
            helpers.put(id, h);
        }
        h.entry = entry;
        return h;
    }

    private Attachment attach(ActiveHelper helper, long id, int mapping, Transport transport, boolean outbound,
            int insideAddress, int insidePort, int remoteAddress, int remotePort, int gatewayPort) {
        if (freeCount == 0) {
            counters.increment(Counter.HELPER_FLOW_LIMIT);
            return null;
        }
        int slot = freeSlots[--freeCount];
        Attachment a = attachments[slot] == null ? (attachments[slot] = new Attachment(slot)) : attachments[slot];
        a.live = true;
        a.id = id;
        a.mapping = mapping;
        a.transport = transport;
        a.initiator = outbound ? Direction.OUTBOUND : Direction.INBOUND;
        a.insideAddress = insideAddress;
        a.insidePort = insidePort;
        a.masqPort = gatewayPort;
        a.remoteAddress = remoteAddress;
        a.remotePort = remotePort;
        a.outsideAddress = translator.outsideAddress(mapping);
        a.helper = helper;
        a.state = null;
        a.sequence = null;
        a.outboundMessages = null;
        a.inboundMessages = null;
        a.masterSlot = Attachment.NO_MASTER;
        a.children = 0;
        if (helper != null) {
            helper.entry.countFlow(1);
        }
        if (helper != null && helper.messages != null && transport == Transport.TCP) {
            try {
                MessageLayer.attach(a, helper.messages);
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                a.outboundMessages = null;
                a.inboundMessages = null;
                a.helper = null;
                helper.entry.countFlow(-1);
                failed(helper, a, e);
            }
        }
        return a;
    }

    /** Links a related connection to its master, if the master still lives. */
    private void link(Attachment child, Expectation e) {
        Attachment master = attachments[e.masterSlot];
        if (master != null && master.live && master.id == e.masterId) {
            child.masterSlot = master.slot;
            child.masterId = master.id;
            master.children++;
        }
    }

    /** Stops calling the helper of {@code a} and hands it the connection's state. */
    private void detach(Attachment a) {
        ActiveHelper h = a.helper;
        Object state = a.state;
        a.helper = null;
        a.state = null;
        if (h == null) {
            return;
        }
        h.entry.countFlow(-1);
        if (a.outboundMessages != null) {
            a.outboundMessages.release();
            a.inboundMessages.release();
        }
        try {
            h.helper.flowEnded(a, state);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            h.entry.countFailure();
            counters.increment(Counter.HELPER_FAILURES);
            failureLog.warn(LOG, "helper {} threw in flowEnded on {}: {}", h.name, a, e.toString());
        }
    }

    private void drainWithdrawals() {
        HelperEntry entry;
        while ((entry = withdrawals.poll()) != null) {
            ActiveHelper h = helpers.get(entry.origin().serviceId());
            if (h == null || h.helper != entry.helper()) {
                continue;
            }
            helpers.remove(h.serviceId());
            h.withdrawn = true;
            int flows = 0;
            for (Attachment a : attachments) {
                if (a != null && a.live && a.helper == h) {
                    detach(a);
                    flows++;
                }
            }
            int purged = expectations.purgeHelper(h);
            LOG.info("helper {} withdrawn: {} connections go on as plain NAT (sequence adjustments kept), "
                    + "{} expectations removed", h.entry.label(), flows, purged);
        }
    }
}
