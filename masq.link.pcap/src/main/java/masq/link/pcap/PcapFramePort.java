package masq.link.pcap;

import java.io.IOException;

import masq.api.link.FramePort;

/**
 * A {@link FramePort}: a second pcap handle on an interface, with its own capture filter, read
 * and written as {@link PcapFrameLink} does, and waited on with a {@link PollWaiter} of its own
 * (whose wake-up {@link #close} uses).
 */
final class PcapFramePort implements FramePort {
    private final PcapFrameLink frames;
    private final PollWaiter waiter;
    private volatile boolean closed;

    private PcapFramePort(PcapFrameLink frames, PollWaiter waiter) {
        this.frames = frames;
        this.waiter = waiter;
    }

    static PcapFramePort open(String name, String filter) throws IOException {
        PcapFrameLink frames = PcapFrameLink.open(name, filter);
        try {
            return new PcapFramePort(frames, PollWaiter.open(frames.selectableFd(), -1));
        } catch (IOException | RuntimeException e) {
            frames.close();
            throw e;
        }
    }

    @Override
    public long hardwareAddress() {
        return frames.mac();
    }

    @Override
    public int receive(byte[] buf, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!closed) {
            int n = frames.receive(buf);
            if (n > 0) {
                return n;
            }
            if (n < 0) {
                throw new IOException("reading interface '" + frames.name() + "' failed");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            try {
                waiter.await(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return closed ? -1 : 0;
            }
        }
        return -1;
    }

    @Override
    public void send(byte[] frame, int offset, int length) throws IOException {
        byte[] whole = offset == 0 ? frame : java.util.Arrays.copyOfRange(frame, offset, offset + length);
        if (closed || !frames.send(whole, length)) {
            throw new IOException("interface '" + frames.name() + "' refused a frame of " + length + " bytes"
                    + (closed ? " (the port is closed)" : ""));
        }
    }

    @Override
    public void close() {
        closed = true;
        waiter.wakeup();
        frames.close();
        waiter.close();
    }
}
