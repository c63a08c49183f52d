package masq.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import masq.api.Ipv4;

/** The damaged and forged variants of a sample that {@link HelperConformance} sends. */
final class Damages {
    private static final byte[] SPECIAL = {0, (byte) 0xFF, '\n', '\r', ' ', '0', '9', ',', ':', 0x7F};
    private static final int ALL_CUTS_UP_TO = 64;

    private Damages() {
    }

    /**
     * The sample cut at every length (or 64 random ones), then {@code count} random damages: bytes
     * flipped or set to a special value, bytes inserted, two copies, random bytes of its length,
     * and the sample repeated up to {@code longest} bytes.
     */
    static List<byte[]> of(byte[] sample, int count, Random random, int longest) {
        List<byte[]> out = new ArrayList<>();
        int n = sample.length;
        if (n <= ALL_CUTS_UP_TO) {
            for (int cut = 1; cut < n; cut++) {
                out.add(Arrays.copyOf(sample, cut));
            }
        } else {
            for (int i = 0; i < ALL_CUTS_UP_TO; i++) {
                out.add(Arrays.copyOf(sample, 1 + random.nextInt(n - 1)));
            }
        }
        for (int i = 0; i < count; i++) {
            byte[] b = sample.clone();
            switch (i % 5) {
                case 0 -> {
                    for (int k = 1 + random.nextInt(3); k > 0; k--) {
                        b[random.nextInt(n)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case 1 -> b[random.nextInt(n)] = SPECIAL[random.nextInt(SPECIAL.length)];
                case 2 -> {
                    int at = random.nextInt(n + 1);
                    byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    b = concat(Arrays.copyOf(sample, at), inserted, Arrays.copyOfRange(sample, at, n));
                }
                case 3 -> random.nextBytes(b);
                default -> b = concat(sample, b);
            }
            out.add(b);
        }
        byte[] repeated = new byte[Math.max(longest, n)];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = sample[i % n];
        }
        out.add(repeated);
        return out;
    }

    /**
     * The sample with every encoding of {@code client} replaced by that of {@code other}: dotted
     * and comma-separated (as FTP writes it), decimal (DCC), four bytes big- and little-endian;
     * null when the sample holds none of them.
     */
    static byte[] forge(byte[] sample, int client, int other) {
        String text = new String(sample, StandardCharsets.ISO_8859_1);
        String forged = text.replace(Ipv4.toString(client), Ipv4.toString(other))
                .replace(Ipv4.toString(client).replace('.', ','), Ipv4.toString(other).replace('.', ','))
                .replace(Long.toString(client & 0xFFFF_FFFFL), Long.toString(other & 0xFFFF_FFFFL));
        byte[] b = forged.getBytes(StandardCharsets.ISO_8859_1);
        boolean changed = !forged.equals(text);
        changed |= replaceAll(b, bytes(client, true), bytes(other, true));
        changed |= replaceAll(b, bytes(client, false), bytes(other, false));
        return changed ? b : null;
    }

    private static boolean replaceAll(byte[] b, byte[] from, byte[] to) {
        boolean any = false;
        for (int i = 0; i + from.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, b, i, to.length);
                any = true;
            }
        }
        return any;
    }

    private static byte[] bytes(int a, boolean bigEndian) {
        return bigEndian ? new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}
                : new byte[] {(byte) a, (byte) (a >>> 8), (byte) (a >>> 16), (byte) (a >>> 24)};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
