package masq.helper.ftp;

import static masq.helper.ftp.FtpHelperTest.NONE;
import static masq.helper.ftp.FtpHelperTest.PORT;
import static masq.helper.ftp.FtpHelperTest.PORT_OUT;
import static masq.helper.ftp.FtpHelperTest.active;
import static masq.helper.ftp.FtpHelperTest.passive;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import masq.api.Direction;
import masq.api.Verdict;

/**
 * The FTP helper across TCP segments: commands split at every position, held-back tails,
 * retransmissions (identical output, one expectation), gaps and sequence-number wrap-around.
 */
class FtpHelperSegmentsTest {
    @Test
    void portSplitAtEveryPosition() {
        String before = "USER anonymous\r\nTYPE I\r\n" + PORT + "LIST\r\n";
        String after = "USER anonymous\r\nTYPE I\r\n" + PORT_OUT + "LIST\r\n";
        for (int cut = 1; cut < before.length(); cut++) {
            Session session = new Session();
            String first = session.out(before.substring(0, cut));
            String second = session.out(before.substring(cut));
            assertEquals(after, first + second, "cut at " + cut);
            assertEquals(List.of(active(1025, 61000)), session.flow.expectations, "cut at " + cut);
            assertEquals(NONE, session.flow.refusals, "cut at " + cut);
        }
    }

    @Test
    void eprtSplitIntoThreeAtEveryPosition() {
        String before = "EPRT |1|192.168.0.2|1025|\r\nLIST\r\n";
        String after = "EPRT |1|203.0.113.1|61000|\r\nLIST\r\n";
        for (int a = 1; a < before.length(); a++) {
            for (int b = a + 1; b < before.length(); b++) {
                Session session = new Session();
                String out = session.out(before.substring(0, a)) + session.out(before.substring(a, b))
                        + session.out(before.substring(b));
                assertEquals(after, out, "cuts at " + a + ", " + b);
                assertEquals(1, session.flow.expectations.size(), "cuts at " + a + ", " + b);
            }
        }
    }

    @Test
    void portSplitIntoEveryNumberOfSegmentsArrivesRewritten() {
        // issue 19: "PO", "RT 172,16,5,10,", "156,70\r\n" never arrived before the message layer
        String before = "USER anonymous\r\n" + PORT + "LIST\r\n";
        String after = "USER anonymous\r\n" + PORT_OUT + "LIST\r\n";
        for (int pieces = 1; pieces <= PORT.length(); pieces++) {
            Session session = new Session();
            StringBuilder out = new StringBuilder(session.out("USER anonymous\r\n"));
            for (int i = 0; i < pieces; i++) {
                out.append(session.out(PORT.substring(i * PORT.length() / pieces, (i + 1) * PORT.length() / pieces)));
            }
            out.append(session.out("LIST\r\n"));
            assertEquals(after, out.toString(), pieces + " segments of " + before);
            assertEquals(List.of(active(1025, 61000)), session.flow.expectations, pieces + " segments");
            assertEquals(NONE, session.flow.refusals, pieces + " segments");
        }
    }

    @Test
    void fiftyPipelinedPortsInOneSegmentAllLeaveRewrittenAndTheLastIsPending() {
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (int k = 1; k <= 50; k++) {
            in.append("PORT 192,168,0,2,4,").append(k).append("\r\n");
            int gatewayPort = 61000 + k - 1;
            out.append("PORT 203,0,113,1,").append(gatewayPort >> 8).append(',').append(gatewayPort & 0xff).append("\r\n");
        }
        Session session = new Session();
        assertEquals(out.toString(), session.out(in.toString()));
        // one data connection at a time (the helper's declared limit): each PORT replaced the one before
        assertEquals(List.of(active(1074, 61049)), session.flow.expectations);
        assertEquals(List.of(active(1074, 61049)), session.pending());
        assertEquals(NONE, session.flow.refusals);
    }

    @Test
    void splitPortHoldsBackTheTailAndSendsTheWholeLineWithTheRest() {
        Session session = new Session();
        assertEquals("NOOP\r\n", session.out("NOOP\r\nPORT 192,16"));
        assertEquals(PORT_OUT + "LIST\r\n", session.out("8,0,2,4,1\r\nLIST\r\n"));
    }

    @Test
    void splitLineThatIsNoCommandAfterAllIsSentUnchanged() {
        Session session = new Session();
        assertEquals("", session.out("PO"));
        assertEquals("POLL\r\n", session.out("LL\r\n"));
        assertEquals("", session.out("EP"));
        assertEquals("EPSV\r\n", session.out("SV\r\n"));
        assertEquals(NONE, session.flow.refusals);
    }

    @Test
    void crWithoutLfWaitsForTheLineEnd() {
        Session session = new Session();
        assertEquals("", session.out("PORT 192,168,0,2,4,1\r"));
        assertEquals(PORT_OUT, session.out("\n"));
        Session other = new Session();
        assertEquals("", other.out("PORT 192,168,0,2,4,1\r"));
        assertEquals("PORT 192,168,0,2,4,1\rLIST\r\n", other.out("LIST\r\n"));
        assertEquals(List.of("malformed"), other.flow.refusals);
    }

    @Test
    void splitMalformedPortIsSentUnchanged() {
        Session session = new Session();
        assertEquals("", session.out("PORT 192,168,0,3"));
        assertEquals("PORT 192,168,0,3,4,1\r\n", session.out(",4,1\r\n"));
        assertEquals(List.of("address-mismatch"), session.flow.refusals);
        assertEquals(List.of(), session.flow.expectations);
    }

    @Test
    void retransmittedPortLeavesIdenticallyWithOneExpectation() {
        Session session = new Session();
        String segment = "CWD /pub\r\n" + PORT + "RETR x\r\n";
        String first = session.out(segment);
        assertEquals("CWD /pub\r\n" + PORT_OUT + "RETR x\r\n", first);
        assertEquals(first, session.sendAt(Direction.OUTBOUND, 1000, segment));
        assertEquals(first, session.sendAt(Direction.OUTBOUND, 1000, segment));
        assertEquals(List.of(active(1025, 61000)), session.flow.expectations);
        assertEquals("LIST\r\n", session.out("LIST\r\n"));
    }

    @Test
    void retransmissionOfEachPartOfASplitPortAndOfBothCoalesced() {
        Session session = new Session();
        String a = "NOOP\r\nPORT 192,168";
        String b = ",0,2,4,1\r\nLIST\r\n";
        assertEquals("NOOP\r\n", session.out(a));
        assertEquals("NOOP\r\n", session.sendAt(Direction.OUTBOUND, 1000, a));
        assertEquals(PORT_OUT + "LIST\r\n", session.out(b));
        assertEquals("NOOP\r\n", session.sendAt(Direction.OUTBOUND, 1000, a));
        assertEquals(PORT_OUT + "LIST\r\n", session.sendAt(Direction.OUTBOUND, 1000 + a.length(), b));
        assertEquals("NOOP\r\n" + PORT_OUT + "LIST\r\n", session.sendAt(Direction.OUTBOUND, 1000, a + b));
        assertEquals(List.of(active(1025, 61000)), session.flow.expectations);
        assertEquals(NONE, session.flow.refusals);
    }

    @Test
    void retransmissionCoalescedWithTheMissingRestOfASplitPort() {
        // the second part never reached the gateway; the sender retransmits everything in one segment
        Session session = new Session();
        String a = "NOOP\r\nPORT 192,168";
        assertEquals("NOOP\r\n", session.out(a));
        assertEquals("NOOP\r\n" + PORT_OUT, session.sendAt(Direction.OUTBOUND, 1000, a + ",0,2,4,1\r\n"));
        assertEquals(List.of(active(1025, 61000)), session.flow.expectations);
    }

    @Test
    void retransmissionCuttingThroughHeldBackBytesKeepsThemHeldBack() {
        Session session = new Session();
        assertEquals("NOOP\r\n", session.out("NOOP\r\nPORT 192,16"));
        assertEquals("NOOP\r\n", session.sendAt(Direction.OUTBOUND, 1000, "NOOP\r\nPOR"));
        assertEquals("", session.sendAt(Direction.OUTBOUND, 1008, "RT 19"));
        assertEquals(PORT_OUT, session.out("8,0,2,4,1\r\n"));
        assertEquals(NONE, session.flow.refusals);
    }

    @Test
    void retransmissionCuttingThroughARewrittenLineRepeatsTheSameBytesOfItsRewrite() {
        // before the message layer this was a known limit: the cut line went out unchanged ("resegmented")
        Session session = new Session();
        session.out("NOOP\r\n" + PORT);
        assertEquals("NOOP\r\nPORT 203", session.sendAt(Direction.OUTBOUND, 1000, "NOOP\r\nPORT 192"));
        assertEquals(",0,113,1,238,72\r\n", session.sendAt(Direction.OUTBOUND, 1014, ",168,0,2,4,1\r\n"));
        assertEquals(NONE, session.flow.refusals);
        assertEquals("NOOP\r\n", session.sendAt(Direction.OUTBOUND, 1000, "NOOP\r\n"));
        assertEquals(1, session.flow.expectations.size());
    }

    @Test
    void retransmittedPassiveReplyLinksOnce() {
        Session session = new Session();
        String reply = "227 Entering Passive Mode (198,51,100,5,19,137)\r\n";
        session.in(reply);
        session.sendAt(Direction.INBOUND, 5000, reply);
        assertEquals(List.of(passive(5001)), session.flow.expectations);
    }

    @Test
    void passiveReplySplitAtEveryPosition() {
        String reply = "150 ok\r\n227 Entering Passive Mode (198,51,100,5,19,137)\r\n226 done\r\n";
        for (int cut = 1; cut < reply.length(); cut++) {
            Session session = new Session();
            assertEquals(reply, session.in(reply.substring(0, cut)) + session.in(reply.substring(cut)), "cut " + cut);
            assertEquals(List.of(passive(5001)), session.flow.expectations, "cut at " + cut);
        }
    }

    @Test
    void segmentAfterAGapIsDroppedUntilTheGapIsFilled() {
        String a = "NOOP\r\n";
        Session ordered = new Session();
        ordered.out("USER a\r\n");
        ordered.sendAt(Direction.OUTBOUND, ordered.outboundSeq + a.length(), PORT);
        assertEquals(Verdict.DROP, ordered.verdict);
        assertEquals(a, ordered.out(a));
        assertEquals(PORT_OUT, ordered.out(PORT));
        assertEquals(Verdict.ACCEPT, ordered.verdict);
        assertEquals(List.of(active(1025, 61000)), ordered.flow.expectations);
        assertEquals(List.of("out-of-order"), ordered.flow.refusals);
    }

    @Test
    void firstSegmentSeenFixesTheStreamStart() {
        Session session = new Session();
        assertEquals(PORT_OUT, session.sendAt(Direction.OUTBOUND, 123456, PORT));
        assertEquals(Verdict.ACCEPT, session.verdict);
    }

    @Test
    void sequenceNumbersWrapAround() {
        Session session = new Session(0xFFFF_FFF8L, 5000);
        String before = "NOOP\r\n" + PORT + "LIST\r\n";
        String first = session.out(before.substring(0, 12));
        String second = session.out(before.substring(12));
        assertEquals("NOOP\r\n" + PORT_OUT + "LIST\r\n", first + second);
        assertEquals(second, session.sendAt(Direction.OUTBOUND, (0xFFFF_FFF8L + 12) & 0xFFFF_FFFFL,
                before.substring(12)));
        assertEquals(1, session.flow.expectations.size());
    }

}
