package masq.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link MessageHelper} wants one direction of a TCP connection cut into messages. The engine
 * reassembles the stream by this description and calls {@link MessageHelper#message} once per
 * complete message, in sequence order; the helper never sees sequence numbers, segment boundaries or
 * retransmissions. Immutable; build one once and reuse it.
 *
 * <p><b>Lines</b> ({@link #lines}): a message is a line ending with LF (a CR before it is part of the
 * line). Only lines that begin with one of the given starts (compared ignoring ASCII case) are
 * delivered, and only they are ever held back when they span segments; every other byte leaves as it
 * arrived. A candidate line longer than the maximum is not delivered: it leaves unchanged, the engine
 * reports the refusal {@value #REFUSED_LINE_TOO_LONG} under the helper's name, and framing resumes
 * after its LF.
 *
 * <p><b>Records</b> ({@link #records}): a message is a record whose header holds its length: an
 * unsigned field of 1, 2 or 4 bytes at a fixed offset, big- or little-endian, plus an adjustment, is
 * the record's total length. Every record is delivered. A record longer than the maximum leaves
 * unchanged, skipped by its length ({@value #REFUSED_RECORD_TOO_LONG}); a length shorter than the
 * header itself means the stream cannot be framed: the direction is taken out of the helper's hands
 * for good ({@value #REFUSED_UNFRAMED}) and its bytes leave unchanged.
 *
 * <p><b>Header blocks</b> ({@link #headers}): RTSP, SIP and HTTP style. A message is a start line
 * and its header lines up to and including the empty line that ends them (CRLF or LF). Its
 * {@code Content-Length} header (any case) gives a body that follows, passed unchanged and never
 * shown; a missing one means no body. Every header block is held until complete. A block longer
 * than the maximum, or a {@code Content-Length} that is not a decimal within 2^31, takes the
 * direction out of the helper's hands ({@value #REFUSED_HEADERS_TOO_LONG}, {@value #REFUSED_UNFRAMED});
 * so does, at once, a control character other than CR, LF and HT in a block (binary data: since 1.1,
 * it is no longer held until the maximum while its sender waits for an answer).
 * Empty lines between blocks pass. An RTSP interleaved frame ({@code $}, channel, 16-bit length,
 * RFC 2326 §10.12) where a block would start is passed by its length.
 *
 * <p><b>Segments</b> ({@link #segments}, since 1.1): no framing of the protocol's own; each segment's new
 * bytes, in pieces of at most the maximum, are the messages, and nothing is ever held. For a protocol
 * whose only message of interest comes in the direction's first segment, as a RealAudio PNA hello
 * does; retransmissions and gaps are the engine's as for every framing.
 *
 * <p><b>A choice by the first bytes</b> ({@link #byStart}, since 1.1): the direction's first segment
 * decides between two framings (or passing unexamined): one when it begins with a given start, the
 * other when it does not. RTSP and PNA share RealAudio's ports, and only the client's first bytes
 * tell them apart, as {@code ip_masq_raudio} told them apart. The choice is made on the first
 * segment's bytes: one shorter than the start takes the other branch.
 *
 * <p><b>Prologue</b> ({@link #prologue}): the direction's first bytes, up to a count or to the first
 * LF, are shown once to {@link MessageHelper#prologue} before anything else, to tell the protocol apart
 * (an HTTP request sent to the FTP port is NAT Slipstreaming, protocols.md §8.3); they are held back
 * until the count or an LF is reached, then framed as usual.
 */
public final class Framing {
    /** The longest message any framing may declare. */
    public static final int MAX_LENGTH = 16384;
    /** The longest prologue. */
    public static final int MAX_PROLOGUE = 64;
    /** The refusal reported when a candidate line is longer than the maximum. */
    public static final String REFUSED_LINE_TOO_LONG = "line-too-long";
    /** The refusal reported when a record is longer than the maximum. */
    public static final String REFUSED_RECORD_TOO_LONG = "record-too-long";
    /** The refusal reported when a record's length field is shorter than its header. */
    public static final String REFUSED_UNFRAMED = "unframed";
    /** The refusal reported when a header block is longer than the maximum. */
    public static final String REFUSED_HEADERS_TOO_LONG = "headers-too-long";
    /** The refusal reported for a segment beyond a gap in the stream (it is dropped; see {@link MessageHelper}). */
    public static final String REFUSED_OUT_OF_ORDER = "out-of-order";

    /** The kinds of framing. */
    public enum Kind {
        /** LF-terminated lines. */
        LINES,
        /** Length-framed records. */
        RECORDS,
        /** Header blocks ended by an empty line, each followed by a body of its Content-Length. */
        HEADERS,
        /** Each segment's new bytes, in pieces of at most the maximum (since 1.1). */
        SEGMENTS,
        /** One of two framings, chosen by the direction's first bytes (since 1.1). */
        CHOICE
    }

    private final Kind kind;
    private final int maxLength;
    private final byte[][] starts;
    private final int lengthOffset;
    private final int lengthWidth;
    private final boolean bigEndian;
    private final int adjustment;
    private final int prologue;
    /** For a choice: the branch taken when the direction begins with {@code starts[0]}, and the other. */
    private final Framing then;
    private final Framing otherwise;

    private Framing(Kind kind, int maxLength, byte[][] starts, int lengthOffset, int lengthWidth, boolean bigEndian,
            int adjustment, int prologue) {
        this(kind, maxLength, starts, lengthOffset, lengthWidth, bigEndian, adjustment, prologue, null, null);
    }

    private Framing(Kind kind, int maxLength, byte[][] starts, int lengthOffset, int lengthWidth, boolean bigEndian,
            int adjustment, int prologue, Framing then, Framing otherwise) {
        this.then = then;
        this.otherwise = otherwise;
        this.kind = kind;
        this.maxLength = maxLength;
        this.starts = starts;
        this.lengthOffset = lengthOffset;
        this.lengthWidth = lengthWidth;
        this.bigEndian = bigEndian;
        this.adjustment = adjustment;
        this.prologue = prologue;
    }

    /**
     * Lines that begin with one of {@code starts} are delivered, LF included.
     *
     * @param maxLength the longest line delivered, line end included: 2 to {@link #MAX_LENGTH}
     * @param starts    at least one non-empty US-ASCII start, such as {@code "PORT "}; case is ignored
     * @throws IllegalArgumentException for a length out of range, no start, or an empty or non-ASCII one
     */
    public static Framing lines(int maxLength, String... starts) {
        if (maxLength < 2 || maxLength > MAX_LENGTH) {
            throw new IllegalArgumentException("line length " + maxLength + " is not within 2.." + MAX_LENGTH);
        }
        if (starts == null || starts.length == 0) {
            throw new IllegalArgumentException("a line framing needs at least one line start");
        }
        byte[][] bytes = new byte[starts.length][];
        for (int i = 0; i < starts.length; i++) {
            String s = starts[i];
            if (s == null || s.isEmpty() || s.length() >= maxLength || !StandardCharsets.US_ASCII.newEncoder().canEncode(s)
                    || s.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("line start " + (s == null ? "null" : "'" + s + "'")
                        + " is empty, not US-ASCII, holds an LF or is not shorter than " + maxLength);
            }
            bytes[i] = s.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }
        return new Framing(Kind.LINES, maxLength, bytes, 0, 0, true, 0, 0);
    }

    /**
     * Records whose total length is the unsigned {@code lengthWidth}-byte field at
     * {@code lengthOffset} plus {@code adjustment}. PPTP control messages are
     * {@code records(0, 2, true, 0, 256)}; an OSCAR FLAP, whose length at offset 4 counts the data
     * after its 6-byte header, is {@code records(4, 2, true, 6, ...)}.
     *
     * @param maxLength the longest record delivered: from the header's length to {@link #MAX_LENGTH}
     * @throws IllegalArgumentException for a width other than 1, 2 or 4, a negative offset, or a
     *                                  maximum shorter than the header or above {@link #MAX_LENGTH}
     */
    public static Framing records(int lengthOffset, int lengthWidth, boolean bigEndian, int adjustment, int maxLength) {
        if (lengthWidth != 1 && lengthWidth != 2 && lengthWidth != 4) {
            throw new IllegalArgumentException("length field width " + lengthWidth + " is not 1, 2 or 4");
        }
        if (lengthOffset < 0 || maxLength < lengthOffset + lengthWidth || maxLength > MAX_LENGTH) {
            throw new IllegalArgumentException("length field at " + lengthOffset + " of " + lengthWidth
                    + " bytes does not fit a maximum of " + maxLength + " (at most " + MAX_LENGTH + ")");
        }
        if (Math.abs((long) adjustment) > MAX_LENGTH) {
            throw new IllegalArgumentException("length adjustment " + adjustment + " is beyond ±" + MAX_LENGTH);
        }
        return new Framing(Kind.RECORDS, maxLength, new byte[0][], lengthOffset, lengthWidth, bigEndian, adjustment, 0);
    }

    /**
     * Header blocks (request or status line and headers, up to the empty line), each followed by a
     * body of its {@code Content-Length}, which passes unexamined.
     *
     * @param maxLength the longest header block delivered: 4 to {@link #MAX_LENGTH}
     */
    public static Framing headers(int maxLength) {
        if (maxLength < 4 || maxLength > MAX_LENGTH) {
            throw new IllegalArgumentException("header block length " + maxLength + " is not within 4.." + MAX_LENGTH);
        }
        return new Framing(Kind.HEADERS, maxLength, new byte[0][], 0, 0, true, 0, 0);
    }

    /**
     * Each segment's new bytes are messages, in pieces of at most {@code maxLength}; nothing is held.
     *
     * @param maxLength the longest piece: 1 to {@link #MAX_LENGTH}
     * @since 1.1
     */
    public static Framing segments(int maxLength) {
        if (maxLength < 1 || maxLength > MAX_LENGTH) {
            throw new IllegalArgumentException("segment piece length " + maxLength + " is not within 1.." + MAX_LENGTH);
        }
        return new Framing(Kind.SEGMENTS, maxLength, new byte[0][], 0, 0, true, 0, 0);
    }

    /**
     * {@code then} for a direction whose first segment begins with {@code start} (compared exactly,
     * case included), {@code otherwise} for any other; a null branch passes the direction unexamined.
     * RealAudio: {@code byStart("PNA", segments(512), headers(4096))}.
     *
     * @param start     1 to {@link #MAX_PROLOGUE} US-ASCII characters
     * @param then      the framing after that start, or null
     * @param otherwise the framing after any other, or null
     * @throws IllegalArgumentException for a bad start, both branches null, or a branch that is itself a
     *                                  choice or has a prologue
     * @since 1.1
     */
    public static Framing byStart(String start, Framing then, Framing otherwise) {
        if (start == null || start.isEmpty() || start.length() > MAX_PROLOGUE
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(start)) {
            throw new IllegalArgumentException("choice start " + (start == null ? "null" : "'" + start + "'")
                    + " is not 1 to " + MAX_PROLOGUE + " US-ASCII characters");
        }
        if (then == null && otherwise == null) {
            throw new IllegalArgumentException("a choice needs at least one framing (both branches are null)");
        }
        for (Framing f : new Framing[] {then, otherwise}) {
            if (f != null && (f.kind == Kind.CHOICE || f.prologue > 0)) {
                throw new IllegalArgumentException("a branch of a choice cannot be a choice or have a prologue: " + f);
            }
        }
        int max = Math.max(then == null ? 1 : then.maxLength, otherwise == null ? 1 : otherwise.maxLength);
        return new Framing(Kind.CHOICE, max, new byte[][] {start.getBytes(StandardCharsets.US_ASCII)}, 0, 0, true, 0, 0,
                then, otherwise);
    }

    /**
     * This framing, with the direction's first {@code count} bytes (or fewer, up to and including the
     * first LF) shown to {@link MessageHelper#prologue} first.
     *
     * @param count 1 to {@link #MAX_PROLOGUE}
     */
    public Framing prologue(int count) {
        if (count < 1 || count > MAX_PROLOGUE) {
            throw new IllegalArgumentException("prologue of " + count + " bytes is not within 1.." + MAX_PROLOGUE);
        }
        if (kind == Kind.CHOICE) {
            throw new IllegalArgumentException("a choice has no prologue: its first bytes choose the framing");
        }
        return new Framing(kind, maxLength, starts, lengthOffset, lengthWidth, bigEndian, adjustment, count);
    }

    /** @return lines, records, header blocks, segments or a choice */
    public Kind kind() {
        return kind;
    }

    /** @return the longest message delivered, in bytes */
    public int maxLength() {
        return maxLength;
    }

    /**
     * @return for a choice, the framing for a direction that begins with its start (null: pass)
     * @since 1.1
     */
    public Framing then() {
        return then;
    }

    /**
     * @return for a choice, the framing for a direction that does not (null: pass)
     * @since 1.1
     */
    public Framing otherwise() {
        return otherwise;
    }

    /**
     * @return for a choice, whether the {@code n} bytes at {@code b[off]}, a direction's first, begin
     *         with its start (exactly; fewer bytes than the start do not)
     * @since 1.1
     */
    public boolean choosesThen(byte[] b, int off, int n) {
        if (kind != Kind.CHOICE || n < starts[0].length) {
            return false;
        }
        byte[] s = starts[0];
        for (int i = 0; i < s.length; i++) {
            if (b[off + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return how many line starts there are (0 for records; 1, the choice's start, for a choice) */
    public int startCount() {
        return starts.length;
    }

    /** @return line start {@code i}, upper case (a choice's start as given) */
    public String start(int i) {
        return new String(starts[i], StandardCharsets.US_ASCII);
    }

    /** @return the length field's offset in a record's header */
    public int lengthOffset() {
        return lengthOffset;
    }

    /** @return the length field's width in bytes: 1, 2 or 4 (0 for lines) */
    public int lengthWidth() {
        return lengthWidth;
    }

    /** @return whether the length field is big-endian */
    public boolean bigEndian() {
        return bigEndian;
    }

    /** @return what is added to the length field to give the record's total length */
    public int adjustment() {
        return adjustment;
    }

    /** @return the prologue's length, 0 when there is none */
    public int prologueLength() {
        return prologue;
    }

    /**
     * @return whether the {@code n} bytes at {@code b[off]} are the start of a candidate line so far:
     *         a prefix of a line start, or beginning with one; case is ignored
     */
    public boolean mayStartLine(byte[] b, int off, int n) {
        for (byte[] s : starts) {
            int k = Math.min(n, s.length);
            int i = 0;
            while (i < k && upper(b[off + i]) == s[i]) {
                i++;
            }
            if (i == k) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the {@code n} bytes at {@code b[off]} begin with a line start (ignoring case) */
    public boolean startsLine(byte[] b, int off, int n) {
        for (byte[] s : starts) {
            if (n >= s.length && matches(s, b, off)) {
                return true;
            }
        }
        return false;
    }

    /** @return the length of the longest line start (0 for records) */
    public int longestStart() {
        int n = 0;
        for (byte[] s : starts) {
            n = Math.max(n, s.length);
        }
        return n;
    }

    private static boolean matches(byte[] s, byte[] b, int off) {
        for (int i = 0; i < s.length; i++) {
            if (upper(b[off + i]) != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte upper(byte c) {
        return c >= 'a' && c <= 'z' ? (byte) (c - 32) : c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Framing f && kind == f.kind && maxLength == f.maxLength && Arrays.deepEquals(starts, f.starts)
                && lengthOffset == f.lengthOffset && lengthWidth == f.lengthWidth && bigEndian == f.bigEndian
                && adjustment == f.adjustment && prologue == f.prologue && Objects.equals(then, f.then)
                && Objects.equals(otherwise, f.otherwise);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(starts) * 31 + kind.hashCode() + maxLength + 7 * lengthOffset + prologue;
    }

    @Override
    public String toString() {
        if (kind == Kind.CHOICE) {
            return "byStart(\"" + new String(starts[0], StandardCharsets.US_ASCII) + "\" " + then + " else " + otherwise + ")";
        }
        StringBuilder s = new StringBuilder(kind.name().toLowerCase(Locale.ROOT) + "(");
        if (kind == Kind.LINES) {
            for (byte[] start : starts) {
                s.append('"').append(new String(start, StandardCharsets.US_ASCII)).append("\" ");
            }
        } else if (kind == Kind.RECORDS) {
            s.append("length ").append(lengthWidth).append("@").append(lengthOffset)
                    .append(bigEndian ? " BE" : " LE").append(adjustment >= 0 ? " +" : " ").append(adjustment)
                    .append(' ');
        }
        s.append("max ").append(maxLength);
        return (prologue > 0 ? s.append(" prologue ").append(prologue) : s).append(')').toString();
    }
}
