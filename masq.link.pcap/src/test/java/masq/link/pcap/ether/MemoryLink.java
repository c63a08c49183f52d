package masq.link.pcap.ether;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An in-memory {@link FrameLink}: frames are injected by the test and sent frames are recorded. */
final class MemoryLink implements FrameLink {
    private final String name;
    private final long mac;
    private FrameRing ring;
    final List<byte[]> sent = new ArrayList<>();
    boolean refuse;
    boolean closed;

    MemoryLink(String name, long mac) {
        this.name = name;
        this.mac = mac;
    }

    /** Delivers a frame as the receive thread would. */
    boolean inject(byte[] frame) {
        return ring.offer(frame, 0, frame.length);
    }

    /** The sent frames since the last call, and forgets them. */
    List<byte[]> take() {
        List<byte[]> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public void start(FrameRing target) {
        this.ring = target;
    }

    @Override
    public boolean send(byte[] frame, int len) {
        if (refuse) {
            return false;
        }
        sent.add(Arrays.copyOf(frame, len));
        return true;
    }

    @Override
    public long pcapDropped() {
        return 0;
    }

    @Override
    public long pcapInterfaceDropped() {
        return 0;
    }

    @Override
    public long receiveErrors() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
