package masq.helper.irc;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.testkit.HelperConformance;

/** The IRC helper against masq.testkit's helper contract: DCC offers and resumes, damaged and forged. */
class IrcConformanceTest {
    @Test
    void keepsTheHelperContract() {
        HelperConformance.Report report = kit().run();
        System.out.println("irc conformance: " + report.executions() + " executions");
        report.assertConforms();
    }

    /** The helper with its samples, for this test and the fuzz target. */
    static HelperConformance kit() {
        return HelperConformance.of(new IrcHelper(), IrcHelperTest.Irc.properties())
                .sample(Direction.OUTBOUND, "PRIVMSG bob :\u0001DCC SEND file.txt 3232235522 1025 1234\u0001\r\n")
                .sample(Direction.OUTBOUND, "PRIVMSG bob :\u0001DCC CHAT chat 3232235522 1026\u0001\r\n")
                .sample(Direction.OUTBOUND, "PRIVMSG bob :\u0001DCC ACCEPT file.txt 1025 100\u0001\r\n")
                .sample(Direction.INBOUND, ":bob!b@peer PRIVMSG alice :\u0001DCC RESUME file.txt 61001 100\u0001\r\n");
    }
}
