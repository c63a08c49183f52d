package __PACKAGE__;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.testkit.HelperConformance;
import masq.testkit.HelperHarness;

/** The __NAME__ helper against the helper contract (masq.testkit's HelperConformance). */
class __CLASS__ConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.of(new __CLASS__Helper(), HelperHarness.properties("__NAME__", "__TRANSPORT__", __PORT__))
                .sample(Direction.OUTBOUND, "LISTEN 192.168.0.2 2000\r\n")
                .run().assertConforms();
    }
}
