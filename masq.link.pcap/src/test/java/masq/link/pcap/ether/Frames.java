package masq.link.pcap.ether;

import java.util.ArrayList;
import java.util.List;

import masq.api.Ipv4;
import masq.api.link.Ipv4Receiver;

/** Builders of test frames and a recording receiver. */
final class Frames {
    static final long GW_IN_MAC = Ethernet.parse("02:00:00:00:00:01");
    static final long GW_OUT_MAC = Ethernet.parse("02:00:00:00:00:02");
    static final long A_MAC = Ethernet.parse("02:aa:00:00:00:02");
    static final long B_MAC = Ethernet.parse("02:bb:00:00:00:03");
    static final long ROUTER_MAC = Ethernet.parse("02:ee:00:00:00:fe");
    static final int GW_IN = Ipv4.parse("192.168.0.1");
    static final int GW_OUT = Ipv4.parse("203.0.113.1");
    static final int A = Ipv4.parse("192.168.0.2");
    static final int B = Ipv4.parse("192.168.0.3");
    static final int ROUTER = Ipv4.parse("203.0.113.254");
    static final int SERVER = Ipv4.parse("203.0.113.2");
    static final int REMOTE = Ipv4.parse("198.51.100.10");

    private Frames() {
    }

    /** An ARP frame, 42 bytes (unpadded). */
    static byte[] arp(long ethDst, long ethSrc, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] f = new byte[Ethernet.HEADER_LENGTH + Arp.LENGTH];
        Ethernet.setHeader(f, 0, ethDst, ethSrc, Ethernet.TYPE_ARP);
        Arp.write(f, Ethernet.HEADER_LENGTH, op, senderMac, senderIp, targetMac, targetIp);
        return f;
    }

    /** The same, zero-padded to 60 bytes as the gateway sends it. */
    static byte[] arpPadded(long ethDst, long ethSrc, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] f = new byte[Ethernet.MIN_FRAME_LENGTH];
        byte[] a = arp(ethDst, ethSrc, op, senderMac, senderIp, targetMac, targetIp);
        System.arraycopy(a, 0, f, 0, a.length);
        return f;
    }

    /** A UDP-protocol IPv4 datagram of {@code length} bytes with a valid header checksum and patterned payload. */
    static byte[] ipv4(int src, int dst, int length, boolean dontFragment) {
        byte[] p = new byte[length];
        p[0] = 0x45;
        Arp.set16(p, 2, length);
        Arp.set16(p, 4, 0x1234);
        Arp.set16(p, 6, dontFragment ? 0x4000 : 0);
        p[8] = 64;
        p[9] = 17;
        Arp.set32(p, 12, src);
        Arp.set32(p, 16, dst);
        for (int i = 20; i < length; i++) {
            p[i] = (byte) (i * 7);
        }
        Ipv4Fragments.setHeaderChecksum(p, 0, 20);
        return p;
    }

    /** An Ethernet frame around {@code ip}. */
    static byte[] frame(long dst, long src, int type, byte[] ip) {
        byte[] f = new byte[Ethernet.HEADER_LENGTH + ip.length];
        Ethernet.setHeader(f, 0, dst, src, type);
        System.arraycopy(ip, 0, f, Ethernet.HEADER_LENGTH, ip.length);
        return f;
    }

    /** A receiver recording copies of what it is given. */
    static class Recorder implements Ipv4Receiver {
        final List<byte[]> received = new ArrayList<>();
        final List<Integer> sides = new ArrayList<>();
        final List<byte[]> unresolved = new ArrayList<>();

        @Override
        public void receive(int side, byte[] buf, int off, int len) {
            sides.add(side);
            received.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void unresolved(int side, byte[] buf, int off, int len) {
            unresolved.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
    }
}
