package masq.engine.helper;

/**
 * Told when a helper starts or stops being attached to new connections. Called by the thread that
 * changed the registry (an SCR or Config Admin thread) while the registry is locked: a listener must
 * return quickly and must not change the registry; the engine hands the event to its own thread.
 */
public interface HelperListener {
    /** The helper became active, or its ports changed while active. */
    default void activated(HelperEntry entry) {
    }

    /**
     * The helper is no longer active (its service went away, lost a duplicate claim or was disabled):
     * stop calling it and remove its pending expectations.
     */
    default void withdrawn(HelperEntry entry) {
    }
}
