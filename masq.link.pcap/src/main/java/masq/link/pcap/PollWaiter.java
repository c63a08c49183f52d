package masq.link.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Memory;
import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import masq.link.pcap.NativeIo.LibC;
import masq.link.pcap.ether.FrameWaiter;

/**
 * Waits on both capture descriptors and an {@code eventfd} with one {@code poll(2)}: the engine
 * thread sleeps in the kernel until a frame arrives on either interface or another thread calls
 * {@link #wakeup}, so a frame costs one wake-up and no hand-off between threads. A descriptor that
 * reports an error is left out for {@value #ERROR_PAUSE_MILLIS} ms, so a failing interface (gone
 * down, deleted) cannot spin the engine thread.
 */
final class PollWaiter implements FrameWaiter {
    /** How long a descriptor that reported an error is left out of the poll. */
    static final long ERROR_PAUSE_MILLIS = 1000;
    private static final int WAKE = 2;

    private final int[] fds;
    private final int wakeFd;
    /** Three {@code struct pollfd}s: side 0, side 1, the eventfd. */
    private final Memory pollFds = new Memory(3L * NativeIo.POLLFD_BYTES);
    /** The eventfd's 8-byte counter: read into {@code counter} to reset it, {@code one} written to wake. */
    private final Memory counter = new Memory(8);
    private final Memory one = new Memory(8);
    private final long counterAddress = Pointer.nativeValue(counter);
    private final long oneAddress = Pointer.nativeValue(one);
    private final long pollFdsAddress = Pointer.nativeValue(pollFds);
    /** {@link #pollFds} as plain memory, read and written without a JNI call. */
    private final ByteBuffer pollFdsView = pollFds.getByteBuffer(0, 3L * NativeIo.POLLFD_BYTES)
            .order(ByteOrder.nativeOrder());
    private final long[] pausedUntil = new long[2];
    private boolean closed;

    private PollWaiter(int[] fds, int wakeFd) {
        this.fds = fds;
        this.wakeFd = wakeFd;
        one.setLong(0, 1);
        for (int i = 0; i < 3; i++) {
            pollFdsView.putInt(i * NativeIo.POLLFD_BYTES, i < 2 ? fds[i] : wakeFd);
            pollFdsView.putShort(i * NativeIo.POLLFD_BYTES + 4, NativeIo.POLLIN);
        }
    }

    /**
     * @param inside the inside interface's selectable descriptor
     * @param outside the outside interface's
     * @throws IOException if no eventfd can be made
     */
    static PollWaiter open(int inside, int outside) throws IOException {
        try {
            int wake = LibC.eventfd(0, NativeIo.EFD_NONBLOCK | NativeIo.EFD_CLOEXEC);
            return new PollWaiter(new int[] {inside, outside}, wake);
        } catch (LastErrorException e) {
            throw new IOException("eventfd failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int await(long timeoutNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long now = System.nanoTime();
        for (int s = 0; s < 2; s++) {
            boolean paused = pausedUntil[s] != 0 && now - pausedUntil[s] < 0;
            if (!paused) {
                pausedUntil[s] = 0;
            }
            // poll(2) skips negative descriptors.
            pollFdsView.putInt(s * NativeIo.POLLFD_BYTES, paused ? -1 : fds[s]);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000);
        int n = LibC.poll(pollFdsAddress, 3, millis);
        if (n <= 0) {
            return 0; // timed out, or EINTR: the caller loops
        }
        int ready = 0;
        for (int s = 0; s < 3; s++) {
            short revents = pollFdsView.getShort(s * NativeIo.POLLFD_BYTES + 6);
            if (revents == 0) {
                continue;
            }
            if (s == WAKE) {
                LibC.read(wakeFd, counterAddress, 8);
            } else if ((revents & NativeIo.POLLIN) != 0) {
                ready |= 1 << s;
            } else {
                // POLLERR, POLLHUP or POLLNVAL without data: the reader sees the error and counts it.
                ready |= 1 << s;
                pausedUntil[s] = now + ERROR_PAUSE_MILLIS * 1_000_000L;
            }
        }
        return ready;
    }

    @Override
    public void wakeup() {
        synchronized (this) {
            if (!closed) {
                LibC.write(wakeFd, oneAddress, 8);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LibC.close(wakeFd);
    }
}
