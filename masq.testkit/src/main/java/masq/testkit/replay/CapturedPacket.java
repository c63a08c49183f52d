package masq.testkit.replay;

import java.util.Arrays;

/**
 * One frame of a capture file, as read: its position, time, link type and bytes, and where its
 * IPv4 datagram starts ({@link #ipOffset}, -1 if the frame holds none).
 *
 * @param index the frame's position in the file, from 0
 * @param timestampMicros capture time, microseconds since the epoch
 * @param linkType the file's link type (DLT value as libpcap reports it)
 * @param frame the captured bytes, from the link-layer header; not copied, do not change them
 * @param ipOffset where the IPv4 header starts in {@code frame}, or -1
 */
public record CapturedPacket(int index, long timestampMicros, int linkType, byte[] frame, int ipOffset) {
    /** True if the frame holds an IPv4 datagram. */
    public boolean isIpv4() {
        return ipOffset >= 0;
    }

    /**
     * A copy of the IPv4 datagram: from its header to its total length, or to the end of the
     * frame if the capture cut it short (the engine will then drop it as truncated). Link-layer
     * padding after the datagram is left out.
     */
    public byte[] datagram() {
        int total = ((frame[ipOffset + 2] & 0xff) << 8) | (frame[ipOffset + 3] & 0xff);
        int end = total >= 20 ? Math.min(frame.length, ipOffset + total) : frame.length;
        return Arrays.copyOfRange(frame, ipOffset, end);
    }

    /** The link-layer header before the datagram (empty for raw IP). */
    public byte[] linkHeader() {
        return Arrays.copyOf(frame, Math.max(0, ipOffset));
    }
}
