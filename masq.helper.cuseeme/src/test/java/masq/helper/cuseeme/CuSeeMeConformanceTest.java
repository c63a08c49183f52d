package masq.helper.cuseeme;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.api.Ipv4;
import masq.testkit.HelperConformance;
import masq.testkit.HelperHarness;

/** The CU-SeeMe helper against masq.testkit's helper contract: conference headers both ways, damaged. */
class CuSeeMeConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.Report report = kit().run();
        System.out.println("cuseeme conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance kit() {
        int client = Ipv4.parse(HelperConformance.CLIENT);
        int gateway = Ipv4.parse("203.0.113.1");
        return HelperConformance.of(new CuSeeMeHelper(),
                HelperHarness.properties("cuseeme", "udp", 7648))
                .sample(Direction.OUTBOUND, CuSeeMeHelperTest.header(0, client, 257, 0).array())
                .sample(Direction.INBOUND, CuSeeMeHelperTest.openContinue(2, gateway, client).array());
    }
}
