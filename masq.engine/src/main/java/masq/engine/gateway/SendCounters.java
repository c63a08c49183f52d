package masq.engine.gateway;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

import masq.api.link.GatewayLink;

/**
 * The engine thread's counters about its link: every {@link GatewayLink#send} outcome other than
 * {@link GatewayLink#SENT} (indexed by the outcome itself), and link opens. Written by the engine
 * thread only, read by {@code masq:stats} from any thread.
 */
final class SendCounters {
    /** A received datagram longer than the engine's buffer (cannot happen with a 2048-byte snaplen). */
    static final int RX_TOO_LONG = 7;
    /** The link was opened. */
    static final int LINK_OPENED = 8;
    /** An attempt to open the link failed. */
    static final int LINK_OPEN_FAILED = 9;

    /** Names in {@code masq:stats}, by index. */
    private static final String[] NAMES = {
        null,
        "link.send.queued-for-arp",
        "link.send.needs-fragmentation.no-icmp",
        "link.send.no-route",
        "link.send.queue-full",
        "link.send.malformed",
        "link.send.failed",
        "link.receive.too-long",
        "link.opened",
        "link.open-failed",
    };

    private final AtomicLongArray counts = new AtomicLongArray(NAMES.length);

    /** Adds one to counter {@code index} (a send outcome or one of the constants here); engine thread. */
    void increment(int index) {
        if (index > 0 && index < NAMES.length) {
            counts.lazySet(index, counts.get(index) + 1);
        }
    }

    long get(int index) {
        return counts.get(index);
    }

    /** @return every counter by name, in name order */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        for (int i = 1; i < NAMES.length; i++) {
            out.put(NAMES[i], counts.get(i));
        }
        return out;
    }
}
