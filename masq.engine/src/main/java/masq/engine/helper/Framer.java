package masq.engine.helper;

/**
 * The rules of one {@link masq.api.Framing.Kind}: how a {@link MessageStream} finds messages in
 * its segments. Each call works on the stream's {@link SegmentCursor} from its read position up
 * to {@code len}: it passes, holds or delivers bytes there, or cuts the segment, and sets the
 * phase of the next call. One instance per stream, made with it; engine thread only; no
 * allocation.
 */
interface Framer {
    /** Where the stream stands between calls. */
    enum Phase {
        /** At a message boundary: {@link #start}. */
        START,
        /** In bytes passed unexamined: {@link #skip}. */
        SKIP,
        /** Held bytes begin a message not yet complete: {@link #held}. */
        HOLD,
        /** Not framing: everything passes. */
        OFF
    }

    /** Frames from a message boundary. */
    void start(int len);

    /** Frames after the held bytes, which begin a message not yet complete. */
    void held(int len);

    /** Passes bytes that are not a message. */
    void skip(int len);
}
