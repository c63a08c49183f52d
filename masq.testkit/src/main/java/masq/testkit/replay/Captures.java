package masq.testkit.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import masq.link.pcap.PcapFiles;

/**
 * Reads capture files into {@link CapturedPacket}s and finds the IPv4 datagram in each frame, for
 * the link types captures use: Ethernet (with 802.1Q/802.1ad tags), Linux cooked (SLL and
 * SLL2), raw IP, and BSD loopback (null). Frames of other link types, or carrying something other
 * than IPv4, are kept with {@code ipOffset} -1 so the replay can count them.
 *
 * <p>Stateless; any thread (libpcap's offline reader opens one handle per call).
 */
public final class Captures {
    /** DLT_NULL: BSD loopback, a 4-byte address family in host order. */
    public static final int DLT_NULL = 0;
    /** DLT_EN10MB: Ethernet. */
    public static final int DLT_EN10MB = 1;
    /** DLT_RAW as most systems number it: the datagram with no link header. */
    public static final int DLT_RAW = 12;
    /** DLT_RAW as OpenBSD numbers it. */
    public static final int DLT_RAW_OPENBSD = 14;
    /** LINKTYPE_RAW, the file-format number, for readers that do not map it. */
    public static final int LINKTYPE_RAW = 101;
    /** DLT_LOOP: OpenBSD loopback, a 4-byte address family in network order. */
    public static final int DLT_LOOP = 108;
    /** DLT_LINUX_SLL: Linux cooked capture, 16-byte header. */
    public static final int DLT_LINUX_SLL = 113;
    /** LINKTYPE_IPV4: IPv4 only, no link header. */
    public static final int LINKTYPE_IPV4 = 228;
    /** DLT_LINUX_SLL2: Linux cooked capture v2, 20-byte header. */
    public static final int DLT_LINUX_SLL2 = 276;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int MAX_VLAN_TAGS = 2;
    private static final int SLL_HEADER_LENGTH = 16;
    private static final int SLL2_HEADER_LENGTH = 20;
    private static final int NULL_HEADER_LENGTH = 4;
    private static final int AF_INET = 2;
    private static final int IPV4_MIN_HEADER_LENGTH = 20;

    private Captures() {
    }

    /** Every frame of a pcap or pcapng file, in file order. */
    public static List<CapturedPacket> read(Path file) throws IOException {
        List<CapturedPacket> packets = new ArrayList<>();
        PcapFiles.read(file, (frame, micros, linkType) ->
                packets.add(new CapturedPacket(packets.size(), micros, linkType, frame, ipv4Offset(frame, linkType))));
        return packets;
    }

    /** Where the IPv4 header starts in a frame of {@code linkType}, or -1 if it holds no IPv4 datagram. */
    public static int ipv4Offset(byte[] frame, int linkType) {
        int ip;
        switch (linkType) {
            case DLT_EN10MB:
                ip = ethernetPayload(frame);
                break;
            case DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW, LINKTYPE_IPV4:
                ip = 0;
                break;
            case DLT_NULL, DLT_LOOP:
                ip = frame.length >= NULL_HEADER_LENGTH && isInetFamily(frame) ? NULL_HEADER_LENGTH : -1;
                break;
            case DLT_LINUX_SLL:
                ip = frame.length >= SLL_HEADER_LENGTH && get16(frame, 14) == ETHERTYPE_IPV4 ? SLL_HEADER_LENGTH : -1;
                break;
            case DLT_LINUX_SLL2:
                ip = frame.length >= SLL2_HEADER_LENGTH && get16(frame, 0) == ETHERTYPE_IPV4 ? SLL2_HEADER_LENGTH : -1;
                break;
            default:
                ip = -1;
        }
        boolean ipv4 = ip >= 0 && frame.length >= ip + IPV4_MIN_HEADER_LENGTH && (frame[ip] & 0xf0) == 0x40;
        return ipv4 ? ip : -1;
    }

    private static int ethernetPayload(byte[] frame) {
        int at = ETHERNET_HEADER_LENGTH - 2;
        for (int tags = 0; tags <= MAX_VLAN_TAGS && at + 2 <= frame.length; tags++) {
            int type = get16(frame, at);
            if (type == ETHERTYPE_IPV4) {
                return at + 2;
            }
            if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ) {
                return -1;
            }
            at += VLAN_TAG_LENGTH;
        }
        return -1;
    }

    /** AF_INET in either byte order (DLT_NULL is host order, DLT_LOOP network order). */
    private static boolean isInetFamily(byte[] frame) {
        int family = ((frame[0] & 0xff) << 24) | ((frame[1] & 0xff) << 16) | get16(frame, 2);
        return family == AF_INET || Integer.reverseBytes(family) == AF_INET;
    }

    private static int get16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
