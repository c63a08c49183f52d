package masq.engine.dhcp;

import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.Malformed;
import masq.engine.packet.UdpHeader;

/**
 * DHCP messages (RFC 2131, options RFC 2132) in whole Ethernet frames: the client's DISCOVER,
 * REQUEST and RELEASE built, the server's OFFER, ACK and NAK read. Reading trusts nothing: every
 * length is checked against the frame and the one before it, and a frame that is not a well-formed
 * reply to this client (its transaction and its hardware address) is refused with a reason, which
 * the client counts.
 */
final class DhcpMessage {
    static final int DISCOVER = 1;
    static final int OFFER = 2;
    static final int REQUEST = 3;
    static final int DECLINE = 4;
    static final int ACK = 5;
    static final int NAK = 6;
    static final int RELEASE = 7;

    static final int CLIENT_PORT = 68;
    static final int SERVER_PORT = 67;
    static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
    static final int BROADCAST = 0xffffffff;

    private static final int ETHERNET = 14;
    private static final int IP = 20;
    private static final int UDP = 8;
    /** op .. file, then the magic cookie: where the options start. */
    private static final int BOOTP_FIXED = 236;
    private static final int COOKIE = 0x63825363;
    /** The smallest BOOTP message relays and old servers accept (RFC 1542 §2.1). */
    private static final int BOOTP_MIN = 300;
    private static final int FLAG_BROADCAST = 0x8000;

    static final int OPT_PAD = 0;
    static final int OPT_SUBNET_MASK = 1;
    static final int OPT_ROUTER = 3;
    static final int OPT_REQUESTED_ADDRESS = 50;
    static final int OPT_LEASE_TIME = 51;
    static final int OPT_MESSAGE_TYPE = 53;
    static final int OPT_SERVER_ID = 54;
    static final int OPT_PARAMETERS = 55;
    static final int OPT_MAX_SIZE = 57;
    static final int OPT_RENEWAL = 58;
    static final int OPT_REBINDING = 59;
    static final int OPT_CLIENT_ID = 61;
    static final int OPT_END = 255;

    // refusals, counted by the client under these names
    static final String NOT_DHCP = "not-dhcp";
    static final String TRUNCATED = "truncated";
    static final String BAD_CHECKSUM = "bad-checksum";
    static final String NOT_OURS = "not-ours";
    static final String BAD_OPTIONS = "bad-options";
    static final String BAD_ADDRESS = "bad-address";

    private DhcpMessage() {
    }

    /** What a server's reply says; {@code refusal} non-null when it is not one to act on. */
    static final class Reply {
        String refusal;
        int type;
        int yourAddress;
        int serverId;
        int mask;
        boolean hasMask;
        int router;
        long leaseSeconds = -1;
        long renewSeconds = -1;
        long rebindSeconds = -1;
        long sourceMac;

        Reply refuse(String reason) {
            refusal = reason;
            return this;
        }
    }

    /**
     * A client message in a whole frame.
     *
     * @param type          DISCOVER, REQUEST or RELEASE
     * @param mac           the client's hardware address
     * @param xid           the transaction
     * @param secs          seconds since the client began (RFC 2131 {@code secs})
     * @param clientAddress {@code ciaddr}: the bound address when renewing, rebinding or releasing, else 0
     * @param requested     option 50, or 0 for none
     * @param server        option 54, or 0 for none
     * @param toMac         the Ethernet destination (the server's when unicast)
     * @param toAddress     the IP destination (the server's when unicast)
     * @return the frame
     */
    static byte[] build(int type, long mac, int xid, int secs, int clientAddress, int requested, int server,
            long toMac, int toAddress) {
        byte[] options = new byte[64];
        int n = 0;
        options[n++] = OPT_MESSAGE_TYPE;
        options[n++] = 1;
        options[n++] = (byte) type;
        options[n++] = OPT_CLIENT_ID;
        options[n++] = 7;
        options[n++] = 1; // hardware type Ethernet
        n = putMac(options, n, mac);
        if (requested != 0) {
            n = putAddressOption(options, n, OPT_REQUESTED_ADDRESS, requested);
        }
        if (server != 0) {
            n = putAddressOption(options, n, OPT_SERVER_ID, server);
        }
        if (type != RELEASE) {
            options[n++] = OPT_MAX_SIZE;
            options[n++] = 2;
            options[n++] = 1500 >> 8;
            options[n++] = (byte) (1500 & 0xff);
            byte[] wanted = {OPT_SUBNET_MASK, OPT_ROUTER, OPT_LEASE_TIME, OPT_SERVER_ID, OPT_RENEWAL, OPT_REBINDING};
            options[n++] = OPT_PARAMETERS;
            options[n++] = (byte) wanted.length;
            System.arraycopy(wanted, 0, options, n, wanted.length);
            n += wanted.length;
        }
        options[n++] = (byte) OPT_END;
        int bootp = Math.max(BOOTP_MIN, BOOTP_FIXED + 4 + n);
        int length = ETHERNET + IP + UDP + bootp;
        byte[] f = new byte[length];
        putMac(f, 0, toMac);
        putMac(f, 6, mac);
        Bytes.set16(f, 12, 0x0800);
        int ip = ETHERNET;
        int source = type == DISCOVER || (type == REQUEST && clientAddress == 0) ? 0 : clientAddress;
        f[ip] = 0x45;
        Bytes.set16(f, ip + 2, IP + UDP + bootp);
        f[ip + 8] = 64;
        f[ip + 9] = Ipv4Header.PROTOCOL_UDP;
        Bytes.set32(f, ip + Ipv4Header.OFFSET_SOURCE, source);
        Bytes.set32(f, ip + Ipv4Header.OFFSET_DESTINATION, toAddress);
        Ipv4Header.updateChecksum(f, ip);
        int udp = ip + IP;
        Bytes.set16(f, udp, CLIENT_PORT);
        Bytes.set16(f, udp + 2, SERVER_PORT);
        Bytes.set16(f, udp + 4, UDP + bootp);
        int b = udp + UDP;
        f[b] = 1; // BOOTREQUEST
        f[b + 1] = 1;
        f[b + 2] = 6;
        Bytes.set32(f, b + 4, xid);
        Bytes.set16(f, b + 8, Math.min(secs, 0xffff));
        Bytes.set16(f, b + 10, clientAddress == 0 ? FLAG_BROADCAST : 0);
        Bytes.set32(f, b + 12, clientAddress);
        putMac(f, b + 28, mac);
        Bytes.set32(f, b + BOOTP_FIXED, COOKIE);
        System.arraycopy(options, 0, f, b + BOOTP_FIXED + 4, n);
        int checksum = Checksum.compute(f, udp, UDP + bootp,
                Checksum.pseudoHeader(source, toAddress, Ipv4Header.PROTOCOL_UDP, UDP + bootp));
        UdpHeader.setChecksum(f, udp, checksum == 0 ? 0xffff : checksum);
        return f;
    }

    private static int putMac(byte[] b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b[at + i] = (byte) (mac >>> (40 - 8 * i));
        }
        return at + 6;
    }

    private static int putAddressOption(byte[] b, int at, int code, int address) {
        b[at] = (byte) code;
        b[at + 1] = 4;
        Bytes.set32(b, at + 2, address);
        return at + 6;
    }

    /**
     * Reads a frame that passed the port's filter as a server's reply to transaction {@code xid} of
     * the client {@code mac}.
     */
    static Reply parse(byte[] f, int length, long mac, int xid) {
        Reply r = new Reply();
        if (length < ETHERNET + IP + UDP || Bytes.get16(f, 12) != 0x0800) {
            return r.refuse(NOT_DHCP);
        }
        r.sourceMac = readMac(f, 6);
        int ip = ETHERNET;
        int header = Ipv4Header.validate(f, ip, length - ip);
        if (header != Malformed.OK) {
            return r.refuse(header == Malformed.IP_BAD_CHECKSUM ? BAD_CHECKSUM : TRUNCATED);
        }
        if (Ipv4Header.protocol(f, ip) != Ipv4Header.PROTOCOL_UDP || Ipv4Header.isFragment(f, ip)) {
            return r.refuse(NOT_DHCP); // not UDP, or a fragment (a reply fits 576 bytes: RFC 2131 §2)
        }
        int udp = ip + Ipv4Header.headerLength(f, ip);
        int payload = ip + Ipv4Header.totalLength(f, ip) - udp;
        if (payload < UDP) {
            return r.refuse(TRUNCATED);
        }
        if (UdpHeader.sourcePort(f, udp) != SERVER_PORT || UdpHeader.destinationPort(f, udp) != CLIENT_PORT) {
            return r.refuse(NOT_DHCP);
        }
        int udpLength = UdpHeader.length(f, udp);
        if (udpLength < UDP || udpLength > payload) {
            return r.refuse(TRUNCATED);
        }
        int pseudo = Checksum.pseudoHeader(Ipv4Header.source(f, ip), Ipv4Header.destination(f, ip),
                Ipv4Header.PROTOCOL_UDP, 0);
        // a checksum its sender on this host left to offload (a veth peer's CHECKSUM_PARTIAL) is
        // completed first, as Masquerade does; 0 is no checksum (RFC 768)
        if (!Checksum.completePartial(f, udp, udpLength, udp + UdpHeader.OFFSET_CHECKSUM, pseudo + udpLength)
                && UdpHeader.validate(f, udp, payload, pseudo, true) != Malformed.OK) {
            return r.refuse(BAD_CHECKSUM);
        }
        int b = udp + UDP;
        int end = udp + udpLength;
        if (end - b < BOOTP_FIXED + 4) {
            return r.refuse(TRUNCATED);
        }
        if (f[b] != 2 || f[b + 1] != 1 || f[b + 2] != 6 || Bytes.get32(f, b + BOOTP_FIXED) != COOKIE) {
            return r.refuse(NOT_DHCP);
        }
        if (Bytes.get32(f, b + 4) != xid || readMac(f, b + 28) != mac) {
            return r.refuse(NOT_OURS);
        }
        r.yourAddress = Bytes.get32(f, b + 16);
        String bad = options(f, b + BOOTP_FIXED + 4, end, r);
        if (bad != null) {
            return r.refuse(bad);
        }
        if (r.type != OFFER && r.type != ACK && r.type != NAK) {
            return r.refuse(NOT_DHCP);
        }
        if (r.serverId == 0) {
            return r.refuse(BAD_OPTIONS); // RFC 2131 Table 3: MUST in OFFER, ACK and NAK
        }
        return r.type == NAK ? r : checkAddresses(r);
    }

    /** Reads the options into {@code r}; the refusal, or null. */
    private static String options(byte[] f, int at, int end, Reply r) {
        long seen = 0; // the options read once each, by code (all below 64)
        while (at < end) {
            int code = f[at] & 0xff;
            if (code == OPT_END) {
                return r.type == 0 ? BAD_OPTIONS : null;
            }
            if (code == OPT_PAD) {
                at++;
                continue;
            }
            if (at + 2 > end || at + 2 + (f[at + 1] & 0xff) > end) {
                return TRUNCATED;
            }
            int len = f[at + 1] & 0xff;
            int v = at + 2;
            if (code < 64) {
                if ((seen & (1L << code)) != 0 && isRead(code)) {
                    return BAD_OPTIONS; // a second copy (RFC 3396 concatenation) of an option of fixed size
                }
                seen |= 1L << code;
            }
            switch (code) {
                case OPT_MESSAGE_TYPE -> {
                    if (len != 1) {
                        return BAD_OPTIONS;
                    }
                    r.type = f[v] & 0xff;
                }
                case OPT_SERVER_ID, OPT_SUBNET_MASK, OPT_LEASE_TIME, OPT_RENEWAL, OPT_REBINDING -> {
                    if (len != 4) {
                        return BAD_OPTIONS;
                    }
                    int value = Bytes.get32(f, v);
                    switch (code) {
                        case OPT_SERVER_ID -> r.serverId = value;
                        case OPT_SUBNET_MASK -> {
                            r.mask = value;
                            r.hasMask = true;
                        }
                        case OPT_LEASE_TIME -> r.leaseSeconds = value & 0xffffffffL;
                        case OPT_RENEWAL -> r.renewSeconds = value & 0xffffffffL;
                        default -> r.rebindSeconds = value & 0xffffffffL;
                    }
                }
                case OPT_ROUTER -> {
                    if (len < 4 || len % 4 != 0) {
                        return BAD_OPTIONS;
                    }
                    r.router = Bytes.get32(f, v);
                }
                default -> {
                    // options the gateway does not use
                }
            }
            at = v + len;
        }
        return TRUNCATED; // no END option
    }

    private static boolean isRead(int code) {
        return code == OPT_MESSAGE_TYPE || code == OPT_SERVER_ID || code == OPT_SUBNET_MASK || code == OPT_ROUTER
                || code == OPT_LEASE_TIME || code == OPT_RENEWAL || code == OPT_REBINDING;
    }

    /**
     * An OFFER or ACK must offer a unicast host address with its subnet mask (a prefix of 1 to 30
     * bits), not the subnet's own address or broadcast, and a router, if any, on that subnet.
     */
    private static Reply checkAddresses(Reply r) {
        int a = r.yourAddress;
        if (!unicast(a)) {
            return r.refuse(BAD_ADDRESS);
        }
        if (!r.hasMask) {
            return r.refuse(BAD_OPTIONS); // asked for (option 55): a gateway must know its on-link subnet
        }
        int prefix = Integer.bitCount(r.mask);
        if (r.mask != (prefix == 0 ? 0 : -1 << (32 - prefix)) || prefix < 1 || prefix > 30) {
            return r.refuse(BAD_OPTIONS);
        }
        int host = a & ~r.mask;
        if (host == 0 || host == ~r.mask) {
            return r.refuse(BAD_ADDRESS); // the subnet's own address or its broadcast
        }
        int routerHost = r.router & ~r.mask;
        if (r.router != 0 && ((r.router & r.mask) != (a & r.mask) || r.router == a || routerHost == 0
                || routerHost == ~r.mask)) {
            return r.refuse(BAD_ADDRESS);
        }
        return r;
    }

    /** Not 0/8, loopback, multicast, reserved or broadcast. */
    static boolean unicast(int a) {
        int first = a >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    static long readMac(byte[] b, int at) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (b[at + i] & 0xff);
        }
        return mac;
    }
}
