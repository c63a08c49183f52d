package masq.bench;

import masq.api.Ipv4;
import masq.engine.nat.EngineConfig;
import masq.engine.nat.PortAllocation;
import masq.engine.nat.Translator;
import masq.engine.packet.Bytes;
import masq.engine.packet.PacketBuffer;
import masq.engine.packet.TcpHeader;

/**
 * The benchmark's population of flows, numbered 0..count-1 in creation order, and the gateway
 * they cross: inside 10.0.0.1/8, outside 203.0.113.1, masq ports 1024-65535 (the widest range, so
 * the most bindings a protocol can have is 64 512), limits raised to the table size.
 *
 * <p>Flow {@code f} belongs to binding {@code f / perBinding}: with endpoint-independent mapping
 * and a single outside address, a million mappings of one protocol cannot be a million bindings
 * (there are only 64 512 ports), so above {@link #MAX_BINDINGS} flows the inside endpoints talk
 * to several remote endpoints each, as a resolver or a peer-to-peer socket does. Bindings are
 * spread over {@link #HOSTS} inside hosts; remote endpoints over 198.18.0.0/15.
 */
final class Flows {
    /** The most bindings a population uses per protocol: below the 64 512 ports of 1024-65535. */
    static final int MAX_BINDINGS = 60_000;
    static final int HOSTS = 4096;
    static final int MAX_HOSTS = 65_536;
    static final int INSIDE_BASE = Ipv4.parse("10.0.0.2");
    static final int OUTSIDE = Ipv4.parse("203.0.113.1");
    static final int REMOTE_BASE = Ipv4.parse("198.18.0.0");
    /** The engine's clock during a benchmark: fixed, so no mapping expires and no wheel slot turns. */
    static final long NOW = 10_000_000_000L;

    final int protocol;
    final int count;
    final int perBinding;

    Flows(int protocol, int count, int perBinding) {
        this.protocol = protocol;
        this.count = count;
        this.perBinding = perBinding;
    }

    /** A population of {@code count} flows using as few remote endpoints per binding as the ports allow. */
    static Flows of(int protocol, int count) {
        return new Flows(protocol, count, (count + MAX_BINDINGS - 1) / MAX_BINDINGS);
    }

    static int protocol(String name) {
        switch (name) {
            case "tcp":
                return Packets.TCP;
            case "udp":
                return Packets.UDP;
            default:
                throw new IllegalArgumentException("protocol: " + name);
        }
    }

    static EngineConfig config(int maxMappings) {
        return config(maxMappings, true);
    }

    static EngineConfig config(int maxMappings, boolean verifyChecksums) {
        return config(maxMappings, verifyChecksums, PortAllocation.PRESERVE);
    }

    /** The gateway, with {@code ports.allocation} {@code allocation}. */
    static EngineConfig config(int maxMappings, boolean verifyChecksums, PortAllocation allocation) {
        return EngineConfig.builder().insideAddress("10.0.0.1/8").outsideAddress(Ipv4.toString(OUTSIDE) + "/24")
                .verifyTransportChecksums(verifyChecksums).ports(1024, 65535).allocation(allocation)
                .limits(maxMappings, maxMappings, MAX_HOSTS).build();
    }

    int insideAddress(int f) {
        return INSIDE_BASE + (f / perBinding) % HOSTS;
    }

    int insidePort(int f) {
        return 1024 + (f / perBinding) / HOSTS;
    }

    int remoteAddress(int f) {
        return REMOTE_BASE + (((f / perBinding) * 17 + f % perBinding) & 0x1ffff);
    }

    int remotePort() {
        return protocol == Packets.TCP ? 443 : 53;
    }

    /** The first outbound packet of flow {@code f} (a SYN for TCP) at {@code b[ip...]}. */
    void writeFirst(byte[] b, int ip, int f) {
        Packets.write(b, ip, protocol, insideAddress(f), insidePort(f), remoteAddress(f), remotePort(), TcpHeader.SYN);
    }

    /** An outbound data packet of flow {@code f}. */
    void writeOutbound(byte[] b, int ip, int f) {
        Packets.write(b, ip, protocol, insideAddress(f), insidePort(f), remoteAddress(f), remotePort(),
                TcpHeader.ACK | TcpHeader.PSH);
    }

    /** An inbound data packet of flow {@code f}, whose mapping has gateway port {@code masqPort}. */
    void writeInbound(byte[] b, int ip, int f, int masqPort, int tcpFlags) {
        Packets.write(b, ip, protocol, remoteAddress(f), remotePort(), OUTSIDE, masqPort, tcpFlags);
    }

    /**
     * Opens every flow through {@code t}: the first outbound packet, and for TCP the SYN-ACK back
     * so the session is established (the established timeout). Returns each flow's gateway port.
     */
    int[] open(Translator t) {
        PacketBuffer p = new PacketBuffer(Packets.SLOT);
        int[] masqPorts = new int[count];
        for (int f = 0; f < count; f++) {
            writeFirst(p.data, Packets.IP, f);
            expect(t, Translator.INSIDE, p, Translator.FORWARD_OUTSIDE, f);
            masqPorts[f] = Bytes.get16(p.data, Packets.IP + 20);
            if (protocol == Packets.TCP) {
                writeInbound(p.data, Packets.IP, f, masqPorts[f], TcpHeader.SYN | TcpHeader.ACK);
                expect(t, Translator.OUTSIDE, p, Translator.FORWARD_INSIDE, f);
            }
        }
        if (t.mappingCount() != count) {
            throw new IllegalStateException(count + " flows opened but " + t.mappingCount() + " mappings live");
        }
        return masqPorts;
    }

    static void expect(Translator t, int side, PacketBuffer p, int verdict, int f) {
        p.offset = Packets.IP;
        p.length = Packets.DATAGRAM;
        int got = t.process(side, p, NOW);
        if (got != verdict) {
            throw new IllegalStateException("flow " + f + ": verdict " + got + ", expected " + verdict + "; counters "
                    + t.stats().counters);
        }
    }

    /** A random permutation of 0..n-1 (fixed seed: every run visits flows in the same order). */
    static int[] shuffled(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(4787);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        return order;
    }
}
