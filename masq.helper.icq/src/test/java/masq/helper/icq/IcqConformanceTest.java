package masq.helper.icq;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.testkit.HelperConformance;

/** The ICQ helpers against masq.testkit's helper contract: a v5 login, OSCAR's DC info and a proposal. */
class IcqConformanceTest {
    @Test
    void theV5HelperKeepsTheHelperContract() {
        HelperConformance.Report report = v5Kit().run();
        System.out.println("icq conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    @Test
    void theOscarHelperKeepsTheHelperContract() {
        HelperConformance.Report report = oscarKit().run();
        System.out.println("oscar conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance v5Kit() {
        return HelperConformance.of(new IcqHelper(), IcqHelperTest.properties())
                .sample(Direction.OUTBOUND, V5CryptTest.SCRAMBLED)
                .sample(Direction.OUTBOUND, IcqHelperTest.scrambled(IcqHelperTest.login(3000, "192.168.0.2")));
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance oscarKit() {
        OscarHelperTest flaps = new OscarHelperTest();
        return HelperConformance.of(new OscarHelper(), OscarHelperTest.properties(5190))
                .sample(Direction.OUTBOUND, flaps.setStatus(OscarHelperTest.dcInfo("192.168.0.2", 5000)))
                .sample(Direction.OUTBOUND, flaps.rendezvous(0, OscarHelperTest.proposal("192.168.0.2", 4443)));
    }
}
