package masq.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import masq.engine.packet.Bytes;
import masq.engine.packet.Checksum;
import masq.engine.packet.Ipv4Header;
import masq.engine.packet.TcpHeader;

/**
 * Minimum-size packets for the benchmarks, written straight into slots of one big array (the
 * test-scope {@code PacketBuilder} of masq.engine is not visible here). A slot is a 64-byte
 * Ethernet frame: 14 bytes of link header, a 46-byte IPv4 datagram (TCP: 20 + 20 + 6 bytes of
 * payload; UDP: 20 + 8 + 18), 4 bytes of FCS room. Every checksum is computed from scratch.
 *
 * <p>{@link #save} and {@link #restore} put back, after a translation, exactly the bytes the
 * engine rewrites (TTL, header checksum, both addresses, both ports, the transport checksum):
 * two 8-byte and one 2-byte access on lines the translation has just touched.
 */
final class Packets {
    /** Bytes per slot: a minimum Ethernet frame, as in "64-byte packets" of CSIT, ixy and VPP. */
    static final int SLOT = 64;
    /** Where the IPv4 header starts in a slot (after the Ethernet header). */
    static final int IP = 14;
    /** The IPv4 datagram of a minimum frame: 64 - 14 (Ethernet) - 4 (FCS). */
    static final int DATAGRAM = 46;
    static final int TCP = Ipv4Header.PROTOCOL_TCP;
    static final int UDP = Ipv4Header.PROTOCOL_UDP;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

    private Packets() {
    }

    /** Offset of the transport checksum from the IPv4 header (no IP options). */
    static int transportChecksumOffset(int protocol) {
        return 20 + (protocol == TCP ? 16 : 6);
    }

    /**
     * Writes a datagram at {@code b[ip, ip + DATAGRAM)}: TCP with {@code tcpFlags} or UDP,
     * TTL 64, checksums computed.
     */
    static void write(byte[] b, int ip, int protocol, int src, int sport, int dst, int dport, int tcpFlags) {
        java.util.Arrays.fill(b, ip, ip + DATAGRAM, (byte) 0);
        b[ip] = 0x45;
        Bytes.set16(b, ip + 2, DATAGRAM);
        Bytes.set16(b, ip + 4, 0x1234);
        Bytes.set16(b, ip + 6, Ipv4Header.FLAG_DONT_FRAGMENT);
        b[ip + 8] = 64;
        b[ip + 9] = (byte) protocol;
        Bytes.set32(b, ip + 12, src);
        Bytes.set32(b, ip + 16, dst);
        Ipv4Header.updateChecksum(b, ip);
        int l4 = ip + 20;
        int l4Length = DATAGRAM - 20;
        Bytes.set16(b, l4, sport);
        Bytes.set16(b, l4 + 2, dport);
        for (int i = l4 + (protocol == TCP ? 20 : 8); i < ip + DATAGRAM; i++) {
            b[i] = (byte) (i * 7);
        }
        if (protocol == TCP) {
            Bytes.set32(b, l4 + 4, 1000);
            Bytes.set32(b, l4 + 8, (tcpFlags & TcpHeader.ACK) != 0 ? 2000 : 0);
            b[l4 + 12] = 0x50;
            b[l4 + 13] = (byte) tcpFlags;
            Bytes.set16(b, l4 + 14, 65535);
            Bytes.set16(b, l4 + 16, Checksum.compute(b, l4, l4Length, Checksum.pseudoHeader(src, dst, TCP, l4Length)));
        } else {
            Bytes.set16(b, l4 + 4, l4Length);
            int c = Checksum.compute(b, l4, l4Length, Checksum.pseudoHeader(src, dst, UDP, l4Length));
            Bytes.set16(b, l4 + 6, c == 0 ? 0xffff : c);
        }
    }

    /** The bytes {@code [ip+8, ip+16)}: TTL, protocol, header checksum, source address. */
    static long saveLow(byte[] b, int ip) {
        return (long) LONG.get(b, ip + 8);
    }

    /** The bytes {@code [ip+16, ip+24)}: destination address, source and destination port. */
    static long saveHigh(byte[] b, int ip) {
        return (long) LONG.get(b, ip + 16);
    }

    static short saveChecksum(byte[] b, int at) {
        return (short) SHORT.get(b, at);
    }

    static void restore(byte[] b, int ip, long low, long high, int checksumAt, short checksum) {
        LONG.set(b, ip + 8, low);
        LONG.set(b, ip + 16, high);
        SHORT.set(b, checksumAt, checksum);
    }
}
