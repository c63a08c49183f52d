package masq.link.pcap.ether;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An in-memory {@link FrameLink}: frames are injected by the test and sent frames are recorded. */
final class MemoryLink implements FrameLink {
    /** A waiter for tests that poll directly: every side may always have frames. */
    static final FrameWaiter WAITER = new FrameWaiter() {
        @Override
        public int await(long timeoutNanos) {
            return 0b11;
        }

        @Override
        public void wakeup() {
        }

        @Override
        public void close() {
        }
    };

    private final String name;
    private final long mac;
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    final List<byte[]> sent = new ArrayList<>();
    boolean refuse;
    boolean failReads;
    int receiveErrors;
    boolean closed;

    MemoryLink(String name, long mac) {
        this.name = name;
        this.mac = mac;
    }

    /** Queues a frame for {@link #receive}, as the interface would. */
    void inject(byte[] frame) {
        received.add(frame.clone());
    }

    /** Frames injected and not yet received. */
    int waiting() {
        return received.size();
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
    public int receive(byte[] buf) {
        if (failReads) {
            receiveErrors++;
            return -1;
        }
        byte[] f = received.poll();
        if (f == null) {
            return 0;
        }
        int n = Math.min(Math.min(f.length, MAX_FRAME_LENGTH), buf.length);
        System.arraycopy(f, 0, buf, 0, n);
        return n;
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
        return receiveErrors;
    }

    @Override
    public void close() {
        closed = true;
    }
}
