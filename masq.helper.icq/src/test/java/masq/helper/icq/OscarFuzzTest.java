package masq.helper.icq;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.junit.FuzzTest;

import masq.testkit.FuzzSeeds;
import masq.testkit.HelperConformance;

/**
 * The Oscar helper's payload parsing fuzzed through the real engine: each input is a conversation
 * on one connection ({@link HelperConformance#conversation}), held to the helper contract. In
 * regression mode ({@code ./masq test}) it runs the committed inputs under
 * {@code OscarFuzzTestInputs/conversation}; {@code ./masq fuzz oscar SECONDS} fuzzes it.
 */
class OscarFuzzTest {
    private static final HelperConformance KIT = IcqConformanceTest.oscarKit();

    @FuzzTest(maxDuration = "10m")
    void conversation(byte[] data) {
        fuzzerTestOneInput(data);
    }

    /** The target as Jazzer's command line driver calls it ({@code ./masq fuzz}). */
    public static void fuzzerTestOneInput(byte[] data) {
        KIT.conversation(data).assertConforms();
    }

    @Test
    void theSamplesAreSeedsThatKeepTheContract() {
        FuzzSeeds.check(OscarFuzzTest.class, "conversation", KIT);
    }
}
