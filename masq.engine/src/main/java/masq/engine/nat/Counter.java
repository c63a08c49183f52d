package masq.engine.nat;

import masq.engine.packet.Malformed;

/**
 * Every event the engine counts, by the name the console prints. Drops are counted here and
 * never thrown; a packet is counted once, under the first reason it failed.
 */
public enum Counter {
    PACKETS_INSIDE("packets.received.inside"),
    PACKETS_OUTSIDE("packets.received.outside"),
    FORWARDED_OUTBOUND("packets.forwarded.outbound"),
    FORWARDED_INBOUND("packets.forwarded.inbound"),
    HAIRPINNED("packets.hairpinned"),
    /** A datagram of a protocol without ports from or to a 1:1 NAT host, its address rewritten ({@link StaticNat}). */
    STATIC_OTHER_PROTOCOL("static.other-protocol"),
    MAPPINGS_CREATED("mappings.created"),
    MAPPINGS_EXPIRED("mappings.expired"),
    ICMP_ERRORS_TRANSLATED("icmp.errors.translated"),
    SENT_ECHO_REPLY("icmp.sent.echo-reply"),
    SENT_TIME_EXCEEDED("icmp.sent.time-exceeded"),
    SENT_UNREACHABLE("icmp.sent.unreachable"),
    SENT_FRAG_NEEDED("icmp.sent.frag-needed"),
    /** A datagram the link could not send unfragmented for which no fragmentation-needed may be sent. */
    FRAG_NEEDED_SUPPRESSED("icmp.frag-needed.suppressed"),
    /** A datagram whose next hop did not answer ARP, for which no host unreachable may be sent. */
    HOST_UNREACHABLE_SUPPRESSED("icmp.host-unreachable.suppressed"),
    /** A TCP or UDP checksum left to offload by its sender (pseudo-header sum only), completed. */
    RX_CSUM_PARTIAL("rx.csum.partial"),
    /** A segmentation-offload super-frame (TCP longer than its arrival MTU) sent on as segments. */
    RX_GSO_SEGMENTED("rx.gso.segmented"),
    /** The segments those super-frames were cut into. */
    TX_GSO_SEGMENTS("tx.gso.segments"),
    /** A super-frame that cannot be cut into segments: SYN or RST, a fragment, headers too long for the MTU. */
    DROP_GSO_MALFORMED("drop.gso.malformed"),
    /**
     * A UDP datagram longer than its arrival MTU: a UDP GSO super-frame, whose segment size the
     * sender's kernel keeps and a packet socket does not show, so it cannot be cut as it was meant.
     */
    DROP_GSO_UDP("drop.gso.udp"),
    FRAGMENTS_TRANSLATED("fragments.translated"),
    FRAGMENTS_HELD("fragments.held"),
    IP_TRUNCATED(Malformed.IP_TRUNCATED),
    IP_BAD_VERSION(Malformed.IP_BAD_VERSION),
    IP_BAD_IHL(Malformed.IP_BAD_IHL),
    IP_BAD_TOTAL_LENGTH(Malformed.IP_BAD_TOTAL_LENGTH),
    IP_BAD_CHECKSUM(Malformed.IP_BAD_CHECKSUM),
    IP_BAD_FRAGMENT(Malformed.IP_BAD_FRAGMENT),
    TCP_TRUNCATED(Malformed.TCP_TRUNCATED),
    TCP_BAD_DATA_OFFSET(Malformed.TCP_BAD_DATA_OFFSET),
    TCP_BAD_OPTIONS(Malformed.TCP_BAD_OPTIONS),
    TCP_BAD_CHECKSUM(Malformed.TCP_BAD_CHECKSUM),
    UDP_TRUNCATED(Malformed.UDP_TRUNCATED),
    UDP_BAD_LENGTH(Malformed.UDP_BAD_LENGTH),
    UDP_BAD_CHECKSUM(Malformed.UDP_BAD_CHECKSUM),
    ICMP_TRUNCATED(Malformed.ICMP_TRUNCATED),
    ICMP_BAD_CHECKSUM(Malformed.ICMP_BAD_CHECKSUM),
    ICMP_EMBEDDED_TRUNCATED(Malformed.ICMP_EMBEDDED_TRUNCATED),
    ICMP_EMBEDDED_BAD_HEADER(Malformed.ICMP_EMBEDDED_BAD_HEADER),
    ICMP_EMBEDDED_BAD_CHECKSUM(Malformed.ICMP_EMBEDDED_BAD_CHECKSUM),
    IP_BAD_OPTIONS(Malformed.IP_BAD_OPTIONS),
    TCP_BAD_FLAGS(Malformed.TCP_BAD_FLAGS),
    /** A datagram with a loose or strict source route option, dropped unless {@code ip.source.route = pass}. */
    DROP_SOURCE_ROUTE("drop.ip.source-route"),
    DROP_NOT_INSIDE_NETWORK("drop.outbound.not-inside-network"),
    DROP_NOT_FOR_GATEWAY("drop.inbound.not-for-gateway"),
    DROP_NO_MAPPING("drop.inbound.no-mapping"),
    DROP_FILTERED("drop.inbound.filtered"),
    DROP_INBOUND_CONFLICT("drop.inbound.source-conflict"),
    DROP_PROTOCOL("drop.protocol.unsupported"),
    DROP_ICMP_TYPE("drop.icmp.unsupported-type"),
    DROP_ICMP_ERROR_NO_MAPPING("drop.icmp.error-no-mapping"),
    DROP_LOCAL("drop.local.unhandled"),
    DROP_TTL_EXPIRED("drop.ttl.expired"),
    DROP_NO_ROOM("drop.buffer.no-room"),
    DROP_LIMIT_TOTAL("drop.limit.total"),
    DROP_LIMIT_HOST("drop.limit.host"),
    DROP_LIMIT_HOSTS("drop.limit.hosts"),
    PORTS_EXHAUSTED_TCP("ports.exhausted.tcp"),
    PORTS_EXHAUSTED_UDP("ports.exhausted.udp"),
    PORTS_EXHAUSTED_ICMP("ports.exhausted.icmp"),
    /** A mapping given a gateway port of the other parity than its inside port: none of the same was free. */
    PORTS_PARITY_LOST("ports.parity.lost"),
    /** A mapping of an inside port below 1024 given one from the masq range: none below 1024 was free. */
    PORTS_PRIVILEGED_LOST("ports.privileged.lost"),
    /** A closed TCP session whose binding was reclaimed for a new flow in an exhausted range. */
    TCP_RECLAIMED_CLOSED("tcp.reclaimed.closed"),
    /** A SYN on a closed TCP session began a new connection there, its helper chosen afresh. */
    TCP_REOPENED("tcp.reopened"),
    /**
     * A TCP RST or FIN whose sequence number is outside the window its receiver advertised (a blind
     * reset or close, {@code TcpWindow}): dropped, the mapping's state and expiry untouched.
     */
    DROP_TCP_WINDOW("drop.tcp.out-of-window"),
    DROP_FRAGMENT_LIMIT("drop.fragment.limit"),
    DROP_FRAGMENT_TIMEOUT("drop.fragment.timeout"),
    DROP_FRAGMENT_FIRST_DROPPED("drop.fragment.first-dropped"),
    /**
     * A fragment overlapping one already seen of its datagram (a duplicate too), or a TCP fragment
     * at offset 8 or 16, inside the header its first fragment carried (RFC 1858, RFC 3128): it and
     * the rest of its datagram are dropped.
     */
    DROP_FRAGMENT_OVERLAP("drop.fragment.overlap"),
    /** A trigger packet of an autofw rule another inside host holds: the rule stays with that host. */
    AUTOFW_BUSY("autofw.busy"),
    DROP_HOOK("drop.hook"),
    HELPER_CALLS("helper.calls"),
    HELPER_FAILURES("helper.failures"),
    HELPER_DISABLED("helper.disabled"),
    HELPER_VERDICT_DROP("helper.verdict.drop"),
    HELPER_REFUSALS("helper.refusals"),
    HELPER_FLOW_LIMIT("helper.flows.limit"),
    /**
     * A connection to a port forward that names a helper ({@code helper = ftp}) went without it:
     * no running helper of that name and the forward's transport.
     */
    HELPER_ASSIGNED_ABSENT("helper.assigned.absent"),
    HELPER_SKIPPED_FRAGMENT("helper.skipped.fragment"),
    EDITS_APPLIED("helper.edits.applied"),
    HELPER_MESSAGES("helper.messages"),
    MESSAGE_OVERLONG("helper.message.overlong"),
    STREAM_UNFRAMED("helper.stream.unframed"),
    STREAM_GAP("helper.stream.gap"),
    STREAM_DEFERRED("helper.stream.deferred"),
    STREAM_RELEASED("helper.stream.released"),
    STREAM_HELD_ACKED("helper.stream.held-acked"),
    HELPER_GENERATED("helper.generated"),
    EDIT_REFUSED_RANGE("helper.edit.refused.range"),
    EDIT_REFUSED_OVERLAP("helper.edit.refused.overlap"),
    EDIT_REFUSED_GROWTH("helper.edit.refused.growth"),
    EDIT_REFUSED_MTU("helper.edit.refused.mtu"),
    EDIT_REFUSED_NO_ROOM("helper.edit.refused.no-room"),
    EDIT_REFUSED_SEQUENCE("helper.edit.refused.sequence"),
    SEQ_ADJUSTED("tcp.seq.adjusted"),
    EXPECT_CREATED("expect.created"),
    /** An expectation from the outside for a 1:1 NAT host, whose ports are all open: granted as the inside port. */
    EXPECT_STATIC("expect.static"),
    EXPECT_REFUSED("expect.refused"),
    /** An expectation refused because its inside host has {@code limits.expectations.per.host} pending. */
    EXPECT_LIMIT_HOST("expect.limit.host"),
    /** An expectation refused because {@code limits.expectations} are pending. */
    EXPECT_LIMIT_TOTAL("expect.limit.total"),
    EXPECT_REPLACED("expect.replaced"),
    EXPECT_MATCHED("expect.matched"),
    EXPECT_EXPIRED("expect.expired"),
    EXPECT_PURGED("expect.purged"),
    DROP_INTERNAL_ERROR("drop.internal-error");

    private static final Counter[] BY_MALFORMED = new Counter[Malformed.COUNT];

    static {
        for (Counter c : values()) {
            if (c.malformed > 0) {
                BY_MALFORMED[c.malformed] = c;
            }
        }
    }

    /** The name the console prints. */
    public final String counterName;
    private final int malformed;

    Counter(String counterName) {
        this.counterName = counterName;
        this.malformed = 0;
    }

    Counter(int malformed) {
        this.counterName = Malformed.name(malformed);
        this.malformed = malformed;
    }

    /** The counter of a {@link Malformed} code other than OK. */
    public static Counter ofMalformed(int code) {
        return BY_MALFORMED[code];
    }

    /** The port-exhaustion counter of a protocol index ({@link Protocols}). */
    public static Counter portsExhausted(int protocolIndex) {
        return protocolIndex == Protocols.TCP ? PORTS_EXHAUSTED_TCP
                : protocolIndex == Protocols.UDP ? PORTS_EXHAUSTED_UDP : PORTS_EXHAUSTED_ICMP;
    }
}
