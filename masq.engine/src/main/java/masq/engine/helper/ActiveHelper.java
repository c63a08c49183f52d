package masq.engine.helper;

import java.util.Map;
import java.util.TreeMap;

import masq.api.MasqHelper;
import masq.api.MessageHelper;

/**
 * The engine thread's view of one helper service it has attached to connections: the registry
 * entry it was attached under, its run of consecutive failures, its refusals by reason, and
 * whether it was withdrawn. Engine thread only.
 */
final class ActiveHelper {
    /** The latest resolution it was attached under (ports and expectation policy may change). */
    HelperEntry entry;
    final MasqHelper helper;
    /** The same helper when it takes whole messages, else null. */
    final MessageHelper messages;
    final String name;
    /** Exceptions in a row; reset by a call that returns normally. */
    int consecutiveFailures;
    /** Set once the registry was asked to disable it, so that it is asked once. */
    boolean disabling;
    /** Set when the registry withdrew it: no more calls, no more expectations. */
    boolean withdrawn;
    /** Refusals the helper reported, by its reason constant; read by tests and diagnostics. */
    final Map<String, Long> refusals = new TreeMap<>();

    ActiveHelper(HelperEntry entry) {
        this.entry = entry;
        this.helper = entry.helper();
        this.messages = helper instanceof MessageHelper m ? m : null;
        this.name = entry.name();
    }

    long serviceId() {
        return entry.origin().serviceId();
    }
}
