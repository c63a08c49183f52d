package masq.engine.nat;

/**
 * The slot arrays of an open-addressing hash index from a key to an entry number: linear
 * probing, at most half full, deletion by backward shift (no tombstones, so probe lengths do not
 * decay under churn). Owners compare keys themselves: they probe with {@link #first},
 * {@link #next}, {@link #entryAt} and {@link #hashAt}, so no key object or callback is needed.
 */
final class OpenIndex {
    private static final int EMPTY = 0;
    /** Entry number + 1 per slot; 0 is empty. */
    private final int[] slots;
    /** The full hash of the entry in each slot, to skip most key comparisons and to re-home. */
    private final int[] hashes;
    private final int mask;

    /** An index for up to {@code capacity} entries. */
    OpenIndex(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2;
        slots = new int[size];
        hashes = new int[size];
        mask = size - 1;
    }

    /** A well-mixed hash of three words (murmur3 finaliser over a multiplicative combination). */
    static int hash(int a, int b, int c) {
        int h = a * 0x9E3779B1 + b;
        h = h * 0x85EBCA77 + c;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    int first(int hash) {
        return hash & mask;
    }

    int next(int slot) {
        return (slot + 1) & mask;
    }

    /** The entry in {@code slot}, or -1 if the slot is empty (the probe ends there). */
    int entryAt(int slot) {
        return slots[slot] - 1;
    }

    int hashAt(int slot) {
        return hashes[slot];
    }

    /** Adds {@code entry}; the caller has checked that its key is absent and capacity remains. */
    void insert(int hash, int entry) {
        int i = hash & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = entry + 1;
        hashes[i] = hash;
    }

    /** Removes {@code entry}, filed under {@code hash}; nothing happens if it is absent. */
    void remove(int hash, int entry) {
        int i = hash & mask;
        while (slots[i] != entry + 1) {
            if (slots[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        int j = (i + 1) & mask;
        while (slots[j] != EMPTY) {
            int home = hashes[j] & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                hashes[hole] = hashes[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        slots[hole] = EMPTY;
    }
}
