package masq.engine.nat;

import masq.engine.packet.Ipv4Header;

/** The masqueraded protocols as dense indexes into per-protocol tables. */
public final class Protocols {
    public static final int TCP = 0;
    public static final int UDP = 1;
    public static final int ICMP = 2;
    public static final int COUNT = 3;
    private static final String[] NAMES = {"tcp", "udp", "icmp"};

    private Protocols() {
    }

    /** The index of an IP protocol number, or -1 if it is not masqueraded. */
    public static int index(int ipProtocol) {
        switch (ipProtocol) {
            case Ipv4Header.PROTOCOL_TCP:
                return TCP;
            case Ipv4Header.PROTOCOL_UDP:
                return UDP;
            case Ipv4Header.PROTOCOL_ICMP:
                return ICMP;
            default:
                return -1;
        }
    }

    /** The IP protocol number of an index. */
    public static int ipProtocol(int index) {
        return index == TCP ? Ipv4Header.PROTOCOL_TCP : index == UDP ? Ipv4Header.PROTOCOL_UDP
                : Ipv4Header.PROTOCOL_ICMP;
    }

    /** {@code tcp}, {@code udp} or {@code icmp}. */
    public static String name(int index) {
        return NAMES[index];
    }
}
