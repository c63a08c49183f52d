package masq.helper.vdolive;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.testkit.HelperConformance;

/** The VDOLive helper against masq.testkit's helper contract: its initial and secondary messages, damaged. */
class VdoLiveConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.Report report = kit().run();
        System.out.println("vdolive conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance kit() {
        return HelperConformance.of(new VdoLiveHelper(), VdoLiveHelperTest.properties())
                .sample(Direction.OUTBOUND, VdoLiveHelperTest.INITIAL_7001)
                .sample(Direction.OUTBOUND, VdoLiveHelperTest.secondary(7002));
    }
}
