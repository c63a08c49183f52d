package masq.api;

/** What a helper decides for the packet it was shown. */
public enum Verdict {
    /** Forward the packet, with the edits the helper asked for. */
    ACCEPT,
    /** Drop the packet; the engine counts the drop under the helper's name. */
    DROP
}
