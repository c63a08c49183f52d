package masq.api;

/** The direction of a packet through the gateway. */
public enum Direction {
    /** From an inside host towards the outside (the masqueraded direction). */
    OUTBOUND,
    /** From the outside towards an inside host (replies, and connections the gateway lets in). */
    INBOUND
}
