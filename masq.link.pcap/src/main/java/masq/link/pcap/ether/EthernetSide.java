package masq.link.pcap.ether;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

import masq.api.link.GatewayLink;
import masq.api.link.Ipv4Receiver;

/**
 * One side of the gateway below IP: frames in (ARP answered and learned, IPv4 handed on) and
 * datagrams out (next hop chosen, resolved or queued, framed, fragmented to the MTU). Engine thread
 * only; counters may be read from any thread.
 */
public final class EthernetSide {
    private static final int ARP_FRAME_LENGTH = Ethernet.HEADER_LENGTH + Arp.LENGTH;

    final int side;
    final FrameLink link;
    final long ourMac;
    final int address;
    /** {@link #setAliases}; few, so a scan finds one. */
    private int[] aliases = new int[0];
    final int netmask;
    /** The next hop for destinations off this side's subnet, 0 for none (then they go direct). */
    final int gateway;
    final int mtu;
    final ArpCache cache;
    /** Single-writer counters indexed by {@link LinkCounter#ordinal()}. */
    final AtomicLongArray counts = new AtomicLongArray(LinkCounter.values().length);
    /** Every frame sent is built here. */
    private final byte[] tx;

    /**
     * @param side {@link GatewayLink#INSIDE} or {@link GatewayLink#OUTSIDE}
     * @param link the interface
     * @param address the gateway's address on this side
     * @param prefixLength this side's subnet prefix length
     * @param gateway the next hop for off-subnet destinations, or 0
     * @param mtu the MTU, 68 to 1500
     * @param cache the neighbour table
     */
    public EthernetSide(int side, FrameLink link, int address, int prefixLength, int gateway, int mtu, ArpCache cache) {
        this.side = side;
        this.link = link;
        this.ourMac = link.mac();
        this.address = address;
        this.netmask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        this.gateway = gateway;
        this.mtu = mtu;
        this.cache = cache;
        this.tx = new byte[Ethernet.HEADER_LENGTH + Math.max(mtu, Ethernet.MIN_FRAME_LENGTH)];
    }

    /** Handles one received frame {@code f[0, len)}. */
    public void receive(byte[] f, int len, Ipv4Receiver receiver, long now) {
        if (len < Ethernet.HEADER_LENGTH) {
            count(LinkCounter.DROP_TRUNCATED);
            return;
        }
        long source = Ethernet.source(f, 0);
        if (source == ourMac) {
            count(LinkCounter.DROP_OWN_SOURCE);
            return;
        }
        if (Ethernet.isGroup(source)) {
            count(LinkCounter.DROP_GROUP_SOURCE);
            return;
        }
        long destination = Ethernet.destination(f, 0);
        if (destination != ourMac && destination != Ethernet.BROADCAST) {
            count(LinkCounter.DROP_NOT_FOR_US);
            return;
        }
        int type = Ethernet.type(f, 0);
        if (type == Ethernet.TYPE_IPV4) {
            receiveIpv4(f, len, receiver);
        } else if (type == Ethernet.TYPE_ARP) {
            receiveArp(f, len, source, now);
        } else {
            count(LinkCounter.DROP_ETHERTYPE);
        }
    }

    private void receiveIpv4(byte[] f, int len, Ipv4Receiver receiver) {
        int ip = Ethernet.HEADER_LENGTH;
        int ipLength = len - ip;
        if (ipLength < Ipv4Fragments.MIN_HEADER_LENGTH) {
            count(LinkCounter.DROP_TRUNCATED);
            return;
        }
        if ((f[ip] & 0xf0) != 0x40) {
            count(LinkCounter.DROP_IP_VERSION);
            return;
        }
        int total = Ipv4Fragments.totalLength(f, ip);
        if (total >= Ipv4Fragments.MIN_HEADER_LENGTH && total < ipLength) {
            ipLength = total;
        }
        count(LinkCounter.IPV4_RECEIVED);
        receiver.receive(side, f, ip, ipLength);
    }

    // RFC 826 "Packet Reception", with the checks a gateway owes its neighbours: the sender MAC must
    // be the frame's unicast source, nobody else may claim our address (RFC 5227), and only
    // neighbours on this side's subnet are learned.
    private void receiveArp(byte[] f, int len, long source, long now) {
        int a = Ethernet.HEADER_LENGTH;
        if (len < a + Arp.LENGTH) {
            count(LinkCounter.DROP_TRUNCATED);
            return;
        }
        if (!Arp.isEthernetIpv4(f, a)) {
            count(LinkCounter.ARP_BAD_FORMAT);
            return;
        }
        int op = Arp.op(f, a);
        if (op != Arp.OP_REQUEST && op != Arp.OP_REPLY) {
            count(LinkCounter.ARP_BAD_OP);
            return;
        }
        long senderMac = Arp.senderMac(f, a);
        if (senderMac != source || senderMac == 0) {
            count(LinkCounter.ARP_SPOOFED);
            return;
        }
        int senderIp = Arp.senderIp(f, a);
        if (senderIp == address || isAlias(senderIp)) {
            count(LinkCounter.ARP_CONFLICT);
            return;
        }
        count(LinkCounter.ARP_RECEIVED);
        boolean onLink = senderIp != 0 && (senderIp & netmask) == (address & netmask) && senderIp != (address | ~netmask);
        int i = onLink ? cache.find(senderIp) : -1;
        if (i >= 0) {
            learn(i, senderMac, now);
        }
        int target = Arp.targetIp(f, a);
        if (target != address && !isAlias(target)) {
            count(LinkCounter.ARP_NOT_FOR_US);
            return;
        }
        if (!onLink && senderIp != 0) {
            count(LinkCounter.ARP_OFF_SUBNET);
        } else if (i < 0 && onLink && op == Arp.OP_REQUEST) {
            learnNew(senderIp, senderMac, now);
        } else if (i < 0 && op == Arp.OP_REPLY) {
            // A reply nobody asked for creates nothing (Linux's arp_accept=0): it is how caches are poisoned.
            count(LinkCounter.ARP_UNSOLICITED);
        }
        if (op == Arp.OP_REQUEST) {
            sendArp(Arp.OP_REPLY, senderMac, target, senderMac, senderIp);
            count(LinkCounter.ARP_REPLIES_SENT);
        }
    }

    private void learnNew(int ip, long macAddress, long now) {
        int i = cache.add(ip, ArpCache.REACHABLE, macAddress, now + ArpCache.REACHABLE_NANOS);
        count(i < 0 ? LinkCounter.ARP_CACHE_FULL : LinkCounter.ARP_LEARNED);
    }

    private void learn(int i, long macAddress, long now) {
        cache.confirm(i, macAddress, now);
        count(LinkCounter.ARP_LEARNED);
        for (int p = cache.dequeue(i); p >= 0; p = cache.dequeue(i)) {
            transmit(cache.buffer(p), 0, cache.bufferLength(p), macAddress);
            cache.free(p);
        }
    }

    /** Sends a datagram to its next hop; a {@link GatewayLink} send outcome. */
    public int send(byte[] b, int off, int len, long now) {
        if (!Ipv4Fragments.isFramable(b, off, len)) {
            count(LinkCounter.TX_MALFORMED);
            return GatewayLink.MALFORMED;
        }
        int nextHop = nextHop(Ipv4Fragments.destination(b, off));
        if (nextHop == 0) {
            count(LinkCounter.TX_NO_ROUTE);
            return GatewayLink.NO_ROUTE;
        }
        if (len > mtu && Ipv4Fragments.dontFragment(b, off)) {
            count(LinkCounter.TX_NEEDS_FRAGMENTATION);
            return GatewayLink.NEEDS_FRAGMENTATION;
        }
        if (nextHop == -1 || nextHop == (address | ~netmask)) {
            return transmit(b, off, len, Ethernet.BROADCAST);
        }
        int i = cache.find(nextHop);
        if (i >= 0 && cache.state(i) == ArpCache.REACHABLE) {
            if (now - cache.deadline(i) < 0) {
                if (cache.takeRefresh(i, now)) {
                    sendArp(Arp.OP_REQUEST, cache.mac(i), address, 0, nextHop);
                    count(LinkCounter.ARP_REQUESTS_SENT);
                }
                return transmit(b, off, len, cache.mac(i));
            }
            cache.restart(i, now);
        }
        if (i < 0) {
            i = cache.add(nextHop, ArpCache.INCOMPLETE, 0, now);
            if (i < 0) {
                count(LinkCounter.ARP_CACHE_FULL);
                return GatewayLink.QUEUE_FULL;
            }
        }
        if (!cache.enqueue(i, b, off, len)) {
            count(LinkCounter.PENDING_OVERFLOW);
            return GatewayLink.QUEUE_FULL;
        }
        count(LinkCounter.PENDING_QUEUED);
        if (cache.requests(i) == 0) {
            request(i, now);
        }
        return GatewayLink.QUEUED;
    }

    /**
     * The next hop for {@code destination}: itself on this side's subnet, else the gateway; with no
     * gateway, itself on the inside (hosts there are all on the link) and none (0) on the outside.
     */
    int nextHop(int destination) {
        if ((destination & netmask) == (address & netmask) || destination == -1) {
            return destination;
        }
        if (gateway != 0) {
            return gateway;
        }
        return side == GatewayLink.INSIDE ? destination : 0;
    }

    /** Timers: retries of incomplete entries, giving up on them, expiry of reachable ones. */
    public void tick(Ipv4Receiver receiver, long now) {
        for (int i = 0; i < cache.capacity(); i++) {
            byte st = cache.state(i);
            if (st == ArpCache.FREE || now - cache.deadline(i) < 0) {
                continue;
            }
            if (st == ArpCache.INCOMPLETE && cache.requests(i) < ArpCache.MAX_REQUESTS) {
                request(i, now);
                continue;
            }
            if (st == ArpCache.INCOMPLETE) {
                fail(i, receiver);
            } else {
                cache.remove(i);
            }
            i--;
        }
    }

    private void fail(int i, Ipv4Receiver receiver) {
        count(LinkCounter.ARP_FAILED);
        // Unlinked and removed first: the receiver may send again, to this very next hop.
        int p = cache.detach(i);
        cache.remove(i);
        while (p >= 0) {
            int next = cache.nextPending(p);
            count(LinkCounter.PENDING_UNRESOLVED);
            try {
                receiver.unresolved(side, cache.buffer(p), 0, cache.bufferLength(p));
            } catch (RuntimeException e) {
                count(LinkCounter.RECEIVER_ERRORS);
            } finally {
                cache.free(p);
            }
            p = next;
        }
    }

    private void request(int i, long now) {
        cache.requested(i, now);
        sendArp(Arp.OP_REQUEST, Ethernet.BROADCAST, address, 0, cache.address(i));
        count(LinkCounter.ARP_REQUESTS_SENT);
    }

    /** Announces the gateway's address (RFC 5227 2.3: a request with sender and target our address). */
    public void announce() {
        sendArp(Arp.OP_REQUEST, Ethernet.BROADCAST, address, 0, address);
        count(LinkCounter.ARP_REQUESTS_SENT);
    }

    /**
     * The further addresses this side owns (1:1 NAT hosts' on the outside): ARP for them is answered
     * as for {@link #address}, and each one not owned before is announced.
     */
    public void setAliases(int[] addresses) {
        int[] before = aliases;
        aliases = addresses.clone();
        for (int alias : aliases) {
            if (!contains(before, alias)) {
                sendArp(Arp.OP_REQUEST, Ethernet.BROADCAST, alias, 0, alias);
                count(LinkCounter.ARP_REQUESTS_SENT);
            }
        }
    }

    private boolean isAlias(int ip) {
        return aliases.length != 0 && contains(aliases, ip);
    }

    private static boolean contains(int[] addresses, int ip) {
        for (int a : addresses) {
            if (a == ip) {
                return true;
            }
        }
        return false;
    }

    private void sendArp(int op, long frameDestination, int senderIp, long targetMac, int targetIp) {
        Ethernet.setHeader(tx, 0, frameDestination, ourMac, Ethernet.TYPE_ARP);
        Arp.write(tx, Ethernet.HEADER_LENGTH, op, ourMac, senderIp, targetMac, targetIp);
        sendFrame(ARP_FRAME_LENGTH);
    }

    private int transmit(byte[] b, int off, int len, long destinationMac) {
        Ethernet.setHeader(tx, 0, destinationMac, ourMac, Ethernet.TYPE_IPV4);
        if (len <= mtu) {
            System.arraycopy(b, off, tx, Ethernet.HEADER_LENGTH, len);
            count(LinkCounter.TX_IPV4);
            return sendFrame(Ethernet.HEADER_LENGTH + len) ? GatewayLink.SENT : GatewayLink.SEND_FAILED;
        }
        int data = len - Ipv4Fragments.headerLength(b, off);
        boolean ok = true;
        for (int position = 0; position < data;) {
            position = Ipv4Fragments.writeFragment(b, off, len, mtu, position, tx, Ethernet.HEADER_LENGTH);
            int frame = Ethernet.HEADER_LENGTH + Ipv4Fragments.totalLength(tx, Ethernet.HEADER_LENGTH);
            count(LinkCounter.TX_FRAGMENTS);
            ok &= sendFrame(frame);
        }
        count(LinkCounter.TX_FRAGMENTED);
        count(LinkCounter.TX_IPV4);
        return ok ? GatewayLink.SENT : GatewayLink.SEND_FAILED;
    }

    /** Sends {@code tx[0, len)}, zero-padded to the Ethernet minimum. */
    private boolean sendFrame(int len) {
        if (len < Ethernet.MIN_FRAME_LENGTH) {
            Arrays.fill(tx, len, Ethernet.MIN_FRAME_LENGTH, (byte) 0);
            len = Ethernet.MIN_FRAME_LENGTH;
        }
        if (link.send(tx, len)) {
            count(LinkCounter.TX_FRAMES);
            return true;
        }
        count(LinkCounter.TX_ERRORS);
        return false;
    }

    /** Adds one to counter {@code c} (single writer: a plain read and an ordered write). */
    void count(LinkCounter c) {
        counts.lazySet(c.ordinal(), counts.get(c.ordinal()) + 1);
    }

    /** The interface of this side. */
    public FrameLink link() {
        return link;
    }

    /** The current value of counter {@code c}; any thread. */
    public long counter(LinkCounter c) {
        return counts.get(c.ordinal());
    }
}
