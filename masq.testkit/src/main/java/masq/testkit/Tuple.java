package masq.testkit;

import masq.api.Ipv4;

/**
 * The addressing of one datagram: protocol, source and destination address, and ports (TCP,
 * UDP) or the identifier twice (ICMP queries); ports are -1 where the datagram has none (other
 * ICMP, non-first fragments). Printed as {@code tcp 192.168.0.2:1025 > 203.0.113.2:21}.
 *
 * @param protocol the IP protocol number
 * @param source the source address
 * @param sourcePort the source port or ICMP identifier, or -1
 * @param destination the destination address
 * @param destinationPort the destination port or ICMP identifier, or -1
 */
public record Tuple(int protocol, int source, int sourcePort, int destination, int destinationPort) {
    /** Reads the tuple of the datagram at the start of {@code packet}. */
    public static Tuple of(byte[] packet) {
        return new Tuple(Packets.protocol(packet), Packets.sourceAddress(packet), Packets.sourcePort(packet),
                Packets.destinationAddress(packet), Packets.destinationPort(packet));
    }

    /** The same flow seen from the other end. */
    public Tuple reversed() {
        return new Tuple(protocol, destination, destinationPort, source, sourcePort);
    }

    @Override
    public String toString() {
        String name = protocol == Packets.PROTOCOL_TCP ? "tcp" : protocol == Packets.PROTOCOL_UDP ? "udp"
                : protocol == Packets.PROTOCOL_ICMP ? "icmp" : "proto" + protocol;
        return name + " " + endpoint(source, sourcePort) + " > " + endpoint(destination, destinationPort);
    }

    private static String endpoint(int address, int port) {
        return port < 0 ? Ipv4.toString(address) : Ipv4.toString(address) + ":" + port;
    }
}
