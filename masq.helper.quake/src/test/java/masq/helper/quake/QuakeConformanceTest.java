package masq.helper.quake;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.testkit.HelperConformance;

/** The Quake helper against masq.testkit's helper contract: the server's accept after a connect, damaged. */
class QuakeConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.Report report = kit().run();
        System.out.println("quake conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance kit() {
        return HelperConformance.of(new QuakeHelper(), QuakeHelperTest.properties())
                .prelude(Direction.OUTBOUND, QuakeHelperTest.CONNECT)
                .sample(Direction.INBOUND, QuakeHelperTest.ACCEPT_26001)
                .sample(Direction.INBOUND, QuakeHelperTest.REJECT);
    }
}
