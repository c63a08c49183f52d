package masq.api.link;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Raw Ethernet frames of one interface, for a protocol the gateway itself speaks beside the
 * engine's link: its DHCP client on the outside interface ({@code outside.address = dhcp}). Only
 * frames that pass the port's capture filter are received; frames sent leave as given, whole
 * Ethernet frames with their header.
 *
 * <p>Threading: one thread sends and receives; {@link #close} may be called from any thread and
 * makes a {@link #receive} that waits return.
 *
 * @since 1.2
 */
@ProviderType
public interface FramePort extends AutoCloseable {
    /** @return the interface's MAC address, in the low 48 bits */
    long hardwareAddress();

    /**
     * Waits up to {@code timeoutNanos} for a frame and copies it, from its Ethernet header, into
     * {@code buf} (cut to {@code buf.length}).
     *
     * @return its length; 0 when none came in time; -1 once the port is closed
     * @throws IOException if reading failed
     */
    int receive(byte[] buf, long timeoutNanos) throws IOException;

    /**
     * Sends one Ethernet frame.
     *
     * @throws IOException if the interface refused it, or the port is closed
     */
    void send(byte[] frame, int offset, int length) throws IOException;

    /** Closes the port; any thread. */
    @Override
    void close();
}
