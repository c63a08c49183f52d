package masq.link.pcap;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Capture files for replay and capture: reads pcap and pcapng (libpcap's offline mode) frame by
 * frame, and writes pcap. For tools and tests, not the data path: every frame read is a new array.
 */
public final class PcapFiles {
    /** The link type this gateway reads and writes: Ethernet. */
    public static final int LINKTYPE_ETHERNET = 1;
    private static final int WRITE_SNAPLEN = 65535;

    private PcapFiles() {
    }

    /** Receives the frames of a file in order. */
    @FunctionalInterface
    public interface FrameConsumer {
        /**
         * @param frame the captured bytes (from the link-layer header)
         * @param timestampMicros capture time, microseconds since the epoch
         * @param linkType the file's link type ({@link #LINKTYPE_ETHERNET} for Ethernet)
         */
        void frame(byte[] frame, long timestampMicros, int linkType) throws IOException;
    }

    /**
     * Reads every frame of a pcap or pcapng file.
     *
     * @return the number of frames read
     * @throws IOException naming the file if it cannot be opened or read
     */
    public static int read(Path file, FrameConsumer consumer) throws IOException {
        PcapHandle handle;
        try {
            handle = Pcaps.openOffline(file.toString());
        } catch (PcapNativeException | RuntimeException e) {
            throw new IOException("cannot read capture " + file + ": " + e.getMessage(), e);
        }
        try {
            int linkType = handle.getDlt().value();
            int n = 0;
            while (true) {
                byte[] frame;
                try {
                    frame = handle.getNextRawPacketEx();
                } catch (EOFException e) {
                    return n;
                } catch (TimeoutException e) {
                    continue;
                }
                Timestamp t = handle.getTimestamp();
                long micros = t.getTime() / 1000 * 1_000_000 + t.getNanos() / 1000;
                consumer.frame(frame, micros, linkType);
                n++;
            }
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("cannot read capture " + file + ": " + e.getMessage(), e);
        } finally {
            handle.close();
        }
    }

    /** Opens an Ethernet pcap file for writing (replacing it); close the writer when done. */
    public static Writer write(Path file) throws IOException {
        PcapHandle dead = null;
        try {
            dead = Pcaps.openDead(DataLinkType.EN10MB, WRITE_SNAPLEN);
            return new Writer(dead, dead.dumpOpen(file.toString()));
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            if (dead != null) {
                dead.close();
            }
            throw new IOException("cannot write capture " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends frames to a pcap file. One thread at a time. */
    public static final class Writer implements AutoCloseable {
        private final PcapHandle dead;
        private final PcapDumper dumper;

        private Writer(PcapHandle dead, PcapDumper dumper) {
            this.dead = dead;
            this.dumper = dumper;
        }

        /** Writes {@code frame[off, off+len)} captured at {@code timestampMicros}. */
        public void frame(byte[] frame, int off, int len, long timestampMicros) throws IOException {
            byte[] copy = off == 0 && len == frame.length ? frame : java.util.Arrays.copyOfRange(frame, off, off + len);
            Timestamp t = new Timestamp(timestampMicros / 1000);
            t.setNanos((int) (timestampMicros % 1_000_000) * 1000);
            try {
                dumper.dumpRaw(copy, t);
            } catch (NotOpenException e) {
                throw new IOException("capture writer is closed", e);
            }
        }

        @Override
        public void close() {
            try {
                dumper.flush();
            } catch (PcapNativeException | NotOpenException e) {
                // closing anyway
            } finally {
                dumper.close();
                dead.close();
            }
        }
    }
}
