package masq.itest;

import java.nio.ByteBuffer;

import masq.api.Ipv4;

/** An IPv4 UDP datagram for in-framework tests: built with its checksums, parsed with them checked. */
record UdpDatagram(int source, int sourcePort, int destination, int destinationPort, byte[] payload) {
    private static final int IP_HEADER_LENGTH = 20;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final int PROTOCOL_UDP = 17;

    static UdpDatagram udp(String source, int sourcePort, String destination, int destinationPort, byte[] payload) {
        return new UdpDatagram(Ipv4.parse(source), sourcePort, Ipv4.parse(destination), destinationPort, payload);
    }

    byte[] toBytes() {
        int total = IP_HEADER_LENGTH + UDP_HEADER_LENGTH + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x4321).putShort((short) 0);
        b.put((byte) 64).put((byte) PROTOCOL_UDP).putShort((short) 0).putInt(source).putInt(destination);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (total - IP_HEADER_LENGTH))
                .putShort((short) 0).put(payload);
        byte[] d = b.array();
        b.putShort(10, (short) TcpSegment.checksum(d, 0, IP_HEADER_LENGTH, 0));
        int udp = TcpSegment.checksum(d, IP_HEADER_LENGTH, total - IP_HEADER_LENGTH, pseudoHeaderSum(d));
        b.putShort(IP_HEADER_LENGTH + 6, (short) (udp == 0 ? 0xffff : udp));
        return d;
    }

    /** @throws AssertionError if {@code d} is not an IPv4 UDP datagram with valid lengths and checksums */
    static UdpDatagram parse(byte[] d) {
        ByteBuffer b = ByteBuffer.wrap(d);
        if (d.length < IP_HEADER_LENGTH + UDP_HEADER_LENGTH || d[0] != 0x45 || d[9] != PROTOCOL_UDP
                || (b.getShort(2) & 0xffff) != d.length
                || (b.getShort(IP_HEADER_LENGTH + 4) & 0xffff) != d.length - IP_HEADER_LENGTH
                || TcpSegment.checksum(d, 0, IP_HEADER_LENGTH, 0) != 0
                || TcpSegment.checksum(d, IP_HEADER_LENGTH, d.length - IP_HEADER_LENGTH, pseudoHeaderSum(d)) != 0) {
            throw new AssertionError("not a valid IPv4 UDP datagram of " + d.length + " bytes");
        }
        byte[] payload = new byte[d.length - IP_HEADER_LENGTH - UDP_HEADER_LENGTH];
        System.arraycopy(d, IP_HEADER_LENGTH + UDP_HEADER_LENGTH, payload, 0, payload.length);
        return new UdpDatagram(b.getInt(12), b.getShort(20) & 0xffff, b.getInt(16), b.getShort(22) & 0xffff, payload);
    }

    private static int pseudoHeaderSum(byte[] d) {
        int sum = 0;
        for (int i = 12; i < 20; i += 2) {
            sum += (d[i] & 0xff) << 8 | d[i + 1] & 0xff;
        }
        return sum + PROTOCOL_UDP + d.length - IP_HEADER_LENGTH;
    }

    @Override
    public String toString() {
        return "udp " + Ipv4.toString(source) + ":" + sourcePort + " > " + Ipv4.toString(destination) + ":"
                + destinationPort + " (" + payload.length + " bytes)";
    }
}
