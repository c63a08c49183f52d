package masq.engine.helper;

import static masq.engine.helper.HelperGateway.A;
import static masq.engine.helper.HelperGateway.OUTSIDE;
import static masq.engine.helper.HelperGateway.SERVER;
import static masq.engine.nat.Translator.DROP;
import static masq.engine.nat.Translator.FORWARD_INSIDE;
import static masq.engine.nat.Translator.FORWARD_OUTSIDE;
import static masq.engine.nat.Translator.INSIDE;
import static masq.engine.packet.PacketBuilder.tcp;
import static masq.engine.packet.PacketBuilder.udp;
import static masq.engine.packet.TcpHeader.ACK;
import static masq.engine.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import masq.api.HelperContext;
import masq.api.Verdict;
import masq.engine.helper.HelperEntry.State;
import masq.engine.nat.Counter;
import masq.engine.nat.InboundSource;
import masq.engine.nat.Timeouts;
import masq.engine.nat.Translator;
import masq.engine.packet.TcpHeader;

/** Which packets reach a helper, what happens when it fails, and what its removal leaves behind. */
class HelperDispatchTest {
    private static final int OUT = Translator.OUTSIDE;
    private final HelperGateway g = new HelperGateway();

    private void ftpSession() {
        g.out(tcp(A, 40000, SERVER, 21).flags(SYN).seq(999, 0).build());
        g.in(tcp(SERVER, 21, OUTSIDE, 61000).flags(SYN | ACK).seq(4999, 1000).build());
    }

    @Test
    void onlyOutboundFlowsToTheHelpersPortsAreAttached() {
        TestHelpers.Recording ftp = TestHelpers.recording();
        g.install(ftp, "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 80).payload("GET / HTTP/1.0\r\n").build());
        g.out(udp(A, 40001, SERVER, 21).payload("udp to 21").build());
        g.out(tcp(A, 40002, SERVER, 21).payload("USER x\r\n").build());
        assertEquals(List.of("OUTBOUND 1000 USER x\r\n"), ftp.calls);
        assertEquals("ftp", g.translator.mappings(10, g.dispatch::helperName).stream()
                .filter(m -> m.insidePort == 40002).findFirst().orElseThrow().helper);
        assertEquals(1, g.registry.snapshot().byName("ftp").flows());
    }

    @Test
    void inboundPortForwardedFlowsAreNotAttached_protocols8_2() {
        TestHelpers.Recording ftp = TestHelpers.recording();
        g.install(ftp, "ftp", "tcp", 21);
        InboundSource forward = (protocol, remote, remotePort, gatewayPort, target) -> {
            target.set(masq.api.Ipv4.parse(A), 21, null);
            return gatewayPort == 2121;
        };
        g.translator.setInboundSources(List.of(g.dispatch.expectations(), forward));
        g.expect("forwarded", OUT, tcp(SERVER, 21, OUTSIDE, 2121).payload("PORT 1,2,3,4,5,6\r\n").build(),
                FORWARD_INSIDE, tcp(SERVER, 21, A, 21).payload("PORT 1,2,3,4,5,6\r\n").ttl(63).build());
        assertTrue(ftp.calls.isEmpty(), "a remote port of 21 on an inbound flow attaches nothing");
    }

    @Test
    void aForwardNamingAHelperAttachesItToTheConnectionsFromOutside() {
        TestHelpers.Recording ftp = TestHelpers.recording();
        g.install(ftp, "ftp", "tcp", 21);
        InboundSource forward = (protocol, remote, remotePort, gatewayPort, target) -> {
            target.set(masq.api.Ipv4.parse(A), gatewayPort - 2100, gatewayPort == 2121 ? "ftp"
                    : gatewayPort == 2122 ? "irc" : null);
            return gatewayPort == 2121 || gatewayPort == 2122 || gatewayPort == 2123;
        };
        g.translator.setInboundSources(List.of(g.dispatch.expectations(), forward));
        g.in(tcp(SERVER, 40000, OUTSIDE, 2121).flags(TcpHeader.SYN).build());
        g.in(tcp(SERVER, 40000, OUTSIDE, 2121).seq(1, 0).payload("PORT 1,2,3,4,5,6\r\n").build());
        assertEquals(List.of("INBOUND 1 PORT 1,2,3,4,5,6\r\n"), ftp.calls, "the forward's helper sees the client");
        g.in(tcp(SERVER, 40001, OUTSIDE, 2122).flags(TcpHeader.SYN).build());
        assertEquals(1, g.count(Counter.HELPER_ASSIGNED_ABSENT), "no helper named irc runs: counted, none attached");
        g.in(tcp(SERVER, 40002, OUTSIDE, 2123).flags(TcpHeader.SYN).build());
        g.in(tcp(SERVER, 40002, OUTSIDE, 2123).seq(1, 0).payload("PORT 1,2,3,4,5,6\r\n").build());
        assertEquals(1, ftp.calls.size(), "a forward naming no helper attaches none, whatever the port");
        assertEquals(1, g.count(Counter.HELPER_ASSIGNED_ABSENT));
    }

    @Test
    void aForwardsHelperOfAnotherTransportIsNotAttached() {
        TestHelpers.Recording ftp = TestHelpers.recording();
        g.install(ftp, "ftp", "tcp", 21);
        InboundSource forward = (protocol, remote, remotePort, gatewayPort, target) -> {
            target.set(masq.api.Ipv4.parse(A), 21, "ftp");
            return gatewayPort == 2121;
        };
        g.translator.setInboundSources(List.of(g.dispatch.expectations(), forward));
        g.in(udp(SERVER, 40000, OUTSIDE, 2121).payload("PORT 1,2,3,4,5,6\r\n").build());
        assertEquals(FORWARD_INSIDE, g.verdict);
        assertTrue(ftp.calls.isEmpty(), "a TCP helper never sees a UDP forward's datagrams");
        assertEquals(1, g.count(Counter.HELPER_ASSIGNED_ABSENT));
    }

    @Test
    void onlyPacketsWithPayloadReachTheHelperInBothDirections() {
        TestHelpers.Recording ftp = TestHelpers.recording();
        g.install(ftp, "ftp", "tcp", 21);
        ftpSession();
        g.in(tcp(SERVER, 21, OUTSIDE, 61000).seq(5000, 1000).payload("220 hi\r\n").build());
        g.out(tcp(A, 40000, SERVER, 21).seq(1000, 5008).build());
        assertEquals(List.of("INBOUND 5000 220 hi\r\n"), ftp.calls);
        assertEquals(1, g.count(Counter.HELPER_CALLS));
    }

    @Test
    void aDropVerdictDropsThePacketAndCountsIt() {
        g.install(new TestHelpers.Recording((c, p) -> p.startsWith("BAD") ? Verdict.DROP : Verdict.ACCEPT), "ftp",
                "tcp", 21);
        ftpSession();
        g.out(tcp(A, 40000, SERVER, 21).payload("BAD\r\n").build());
        assertEquals(DROP, g.verdict);
        assertEquals(1, g.count(Counter.HELPER_VERDICT_DROP));
        assertEquals(1, g.count(Counter.DROP_HOOK));
        g.out(tcp(A, 40000, SERVER, 21).payload("GOOD\r\n").build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
    }

    @Test
    void anExceptionIsCountedAndThePacketGoesOnUnchanged() {
        long id = g.install(new TestHelpers.Recording((c, p) -> {
            c.replace(0, 1, "Z");
            throw new IllegalStateException("boom");
        }), "ftp", "tcp", 21);
        ftpSession();
        g.expect("helper threw", INSIDE, tcp(A, 40000, SERVER, 21).payload("USER x\r\n").build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61000, SERVER, 21).payload("USER x\r\n").ttl(63).build());
        assertEquals(1, g.count(Counter.HELPER_FAILURES));
        assertEquals(1, g.registry.snapshot().byServiceId(id).failures());
        assertEquals(State.ACTIVE, g.registry.snapshot().byServiceId(id).state());
    }

    @Test
    void tenFailuresInARowDisableTheHelperForNewFlowsAndDetachIt() {
        List<String> seen = new ArrayList<>();
        long id = g.install(new TestHelpers.Recording((c, p) -> {
            seen.add(p);
            if (p.startsWith("ok")) {
                return Verdict.ACCEPT;
            }
            throw new IllegalStateException("boom");
        }), "ftp", "tcp", 21);
        ftpSession();
        for (int i = 0; i < HelperDispatch.MAX_CONSECUTIVE_FAILURES - 1; i++) {
            g.out(tcp(A, 40000, SERVER, 21).payload("x").build());
        }
        g.out(tcp(A, 40000, SERVER, 21).payload("ok").build());
        for (int i = 0; i < HelperDispatch.MAX_CONSECUTIVE_FAILURES - 1; i++) {
            g.out(tcp(A, 40000, SERVER, 21).payload("x").build());
        }
        assertEquals(State.ACTIVE, g.registry.snapshot().byServiceId(id).state(), "a success resets the run");
        g.out(tcp(A, 40000, SERVER, 21).payload("x").build());
        assertEquals(State.DISABLED, g.registry.snapshot().byServiceId(id).state());
        assertEquals(1, g.count(Counter.HELPER_DISABLED));
        int calls = seen.size();
        g.out(tcp(A, 40000, SERVER, 21).payload("x").build());
        assertEquals(FORWARD_OUTSIDE, g.verdict, "the flow goes on as plain NAT");
        g.out(tcp(A, 40001, SERVER, 21).payload("x").build());
        assertEquals(calls, seen.size(), "neither the old flow nor a new one calls it");
    }

    @Test
    void withdrawalMidFlowKeepsTranslatingWithAdjustedSequenceNumbers() {
        TestHelpers.Recording ftp = new TestHelpers.Recording((c, p) -> {
            c.state("state-of-" + c.flow().insidePort());
            if (p.startsWith("PORT")) {
                c.replace(0, p.length() - 2, "PORT 203,0,113,1,238,72");
            }
            return Verdict.ACCEPT;
        });
        long id = g.install(ftp, "ftp", "tcp", 21);
        ftpSession();
        g.expect("PORT", INSIDE, tcp(A, 40000, SERVER, 21).seq(1000, 5000).payload("PORT 192,168,0,2,4,1\r\n").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).seq(1000, 5000)
                        .payload("PORT 203,0,113,1,238,72\r\n").ttl(63).build());
        g.registry.remove(id);
        g.expect("after removal: seq still +3", INSIDE, tcp(A, 40000, SERVER, 21).seq(1022, 5000).payload("PORT x\r\n")
                .build(), FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).seq(1025, 5000).payload("PORT x\r\n")
                .ttl(63).build());
        g.expect("after removal: ack still -3", OUT, tcp(SERVER, 21, OUTSIDE, 61000).seq(5000, 1033).build(),
                FORWARD_INSIDE, tcp(SERVER, 21, A, 40000).seq(5000, 1030).ttl(63).build());
        assertEquals(1, ftp.calls.size(), "not called after removal");
        assertEquals(List.of("1 state-of-40000"), ftp.ended, "flowEnded got the state at withdrawal");
        assertNull(g.dispatch.helperName(0));
    }

    @Test
    void aHelperInstalledMidFlowTakesOnlyNewFlowsAndAReturningOneIsUsedAgain() {
        g.out(tcp(A, 40000, SERVER, 21).payload("before\r\n").build());
        TestHelpers.Recording first = TestHelpers.recording();
        long id = g.install(first, "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).payload("old flow\r\n").build());
        g.out(tcp(A, 40001, SERVER, 21).payload("new flow\r\n").build());
        assertEquals(List.of("OUTBOUND 1000 new flow\r\n"), first.calls);
        g.registry.remove(id);
        TestHelpers.Recording second = TestHelpers.recording();
        g.install(second, "ftp", "tcp", 21);
        g.out(tcp(A, 40001, SERVER, 21).payload("flow of the first\r\n").build());
        g.out(tcp(A, 40002, SERVER, 21).payload("flow of the second\r\n").build());
        assertEquals(1, first.calls.size());
        assertEquals(List.of("OUTBOUND 1000 flow of the second\r\n"), second.calls);
    }

    /** Closes the session of {@link #ftpSession} (both FINs and the last ACK): TIME_WAIT. */
    private void closeFtpSession(int clientSeq, int serverSeq) {
        g.out(tcp(A, 40000, SERVER, 21).flags(TcpHeader.FIN | ACK).seq(clientSeq, serverSeq).build());
        g.in(tcp(SERVER, 21, OUTSIDE, 61000).flags(TcpHeader.FIN | ACK).seq(serverSeq, clientSeq + 1).build());
        g.out(tcp(A, 40000, SERVER, 21).flags(ACK).seq(clientSeq + 1, serverSeq + 1).build());
        assertEquals("TIME_WAIT", g.translator.mappings(10, g.dispatch::helperName).get(0).state);
    }

    @Test
    void aClientReusingItsPortAfterAHelperWasInstalledGetsTheHelper() {
        ftpSession();
        closeFtpSession(1000, 5000);
        TestHelpers.Recording ftp = TestHelpers.recording();
        g.install(ftp, "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).flags(SYN).seq(7999, 0).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        g.in(tcp(SERVER, 21, OUTSIDE, 61000).flags(SYN | ACK).seq(8999, 8000).build());
        g.out(tcp(A, 40000, SERVER, 21).seq(8000, 9000).payload("USER x\r\n").build());
        assertEquals(List.of("OUTBOUND 8000 USER x\r\n"), ftp.calls, "the reopened connection is the helper's");
        assertEquals("ftp", g.translator.mappings(10, g.dispatch::helperName).get(0).helper);
        assertEquals(1, g.count(Counter.TCP_REOPENED));
        assertEquals(1, g.count(Counter.MAPPINGS_CREATED), "the same session and port");
    }

    @Test
    void aReopenedConnectionStartsWithoutItsPredecessorsHelperStateOrSequenceAdjustment() {
        TestHelpers.Recording ftp = new TestHelpers.Recording((c, p) -> {
            c.state("state-of-" + c.flow().id());
            if (p.startsWith("PORT")) {
                c.replace(0, p.length() - 2, "PORT 203,0,113,1,238,72");
            }
            return Verdict.ACCEPT;
        });
        g.install(ftp, "ftp", "tcp", 21);
        ftpSession();
        g.out(tcp(A, 40000, SERVER, 21).seq(1000, 5000).payload("PORT 192,168,0,2,4,1\r\n").build());
        closeFtpSession(1022, 5000);
        assertEquals(List.of(), ftp.ended, "TIME_WAIT: the connection may still be reopened or expire");

        g.out(tcp(A, 40000, SERVER, 21).flags(SYN).seq(1024, 0).build());
        assertEquals(List.of("1 state-of-1"), ftp.ended, "the old connection ended for the helper");
        g.expect("the new SYN is not shifted by the old +3", OUT,
                tcp(SERVER, 21, OUTSIDE, 61000).flags(SYN | ACK).seq(9000, 1025).build(), FORWARD_INSIDE,
                tcp(SERVER, 21, A, 40000).flags(SYN | ACK).seq(9000, 1025).ttl(63).build());
        g.expect("payload of the new connection: sequence untouched", INSIDE,
                tcp(A, 40000, SERVER, 21).seq(1025, 9001).payload("NOOP\r\n").build(), FORWARD_OUTSIDE,
                tcp(OUTSIDE, 61000, SERVER, 21).seq(1025, 9001).payload("NOOP\r\n").ttl(63).build());
        assertEquals("OUTBOUND 1025 NOOP\r\n", ftp.calls.get(ftp.calls.size() - 1));
        assertEquals(1, g.registry.snapshot().byName("ftp").flows(), "one connection attached, not two");
    }

    @Test
    void aHelperThatThrowsInFlowEndedIsCountedToo() {
        long id = g.install(new TestHelpers.Recording((c, p) -> Verdict.ACCEPT) {
            @Override
            public void flowEnded(masq.api.FlowView flow, Object state) {
                throw new IllegalStateException("flowEnded");
            }
        }, "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).payload("x").build());
        g.registry.remove(id);
        g.out(tcp(A, 40000, SERVER, 21).payload("y").build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertEquals(1, g.count(Counter.HELPER_FAILURES));
    }

    @Test
    void flowEndedReceivesTheStateWhenTheMappingExpires() {
        TestHelpers.Recording ftp = new TestHelpers.Recording((c, p) -> {
            c.state(p.trim());
            return Verdict.ACCEPT;
        });
        g.install(ftp, "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).payload("hello\r\n").build());
        g.advanceSeconds(Timeouts.TCP_ESTABLISHED_SECONDS + 1);
        assertEquals(List.of("1 hello"), ftp.ended);
        assertEquals(0, g.registry.snapshot().byName("ftp").flows());
    }

    @Test
    void theContextRefusesUseAfterTheCallReturns() {
        HelperContext[] kept = new HelperContext[1];
        g.install(new TestHelpers.Recording((c, p) -> {
            kept[0] = c;
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).payload("x").build());
        assertFalse(kept[0].replace(0, 1, "y"));
        assertEquals(-1, kept[0].expect(masq.api.Transport.TCP).insideTarget(0, 1025).register());
    }

    @Test
    void udpPayloadEditsFixLengthAndChecksum_rfc768() {
        g.install(TestHelpers.replacing("192.168.0.2", "203.0.113.1"), "addr", "udp", 7000);
        g.expect("udp edit", INSIDE, udp(A, 1024, SERVER, 7000).payload("at 192.168.0.2!").build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER, 7000).payload("at 203.0.113.1!").ttl(63).build());
        g.expect("udp without checksum stays without", INSIDE, udp(A, 1024, SERVER, 7000)
                .payload("192.168.0.2").noUdpChecksum().build(), FORWARD_OUTSIDE,
                udp(OUTSIDE, 61000, SERVER, 7000).payload("203.0.113.1").noUdpChecksum().ttl(63).build());
    }

    @Test
    void udpGrowthBeyondTheOutgoingMtuIsRefusedAndTheDatagramLeavesUnchanged() {
        g.install(TestHelpers.replacing("AB", "ABCD"), "addr", "udp", 7000);
        String full = "AB" + "x".repeat(1500 - 28 - 2);
        g.expect("1500 bytes would become 1502", INSIDE, udp(A, 1024, SERVER, 7000).payload(full).build(),
                FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 7000).payload(full).ttl(63).build());
        assertEquals(1, g.count(Counter.EDIT_REFUSED_MTU));
        String fits = "AB" + "x".repeat(1500 - 28 - 4);
        g.expect("1498 bytes may become 1500", INSIDE, udp(A, 1024, SERVER, 7000).payload(fits).build(),
                FORWARD_OUTSIDE, udp(OUTSIDE, 61000, SERVER, 7000).payload("ABCD" + fits.substring(2)).ttl(63).build());
    }

    @Test
    void tcpGrowthBeyondTheOutgoingMtuIsAppliedAndTheSegmentCutLater() {
        g.install(TestHelpers.replacing("AB", "ABCD"), "ftp", "tcp", 21);
        ftpSession();
        String full = "AB" + "x".repeat(1500 - 40 - 2);
        g.expect("1500 bytes become 1502", INSIDE, tcp(A, 40000, SERVER, 21).seq(1000, 5000).payload(full).build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).seq(1000, 5000).payload("ABCD" + full.substring(2))
                        .ttl(63).build());
        assertEquals(0, g.count(Counter.EDIT_REFUSED_MTU));
        assertEquals(2, g.translator.superFrame(g.buffer, 1500), "cut in two at the MTU");
        g.expect("the next segment is shifted by the growth", INSIDE, tcp(A, 40000, SERVER, 21).seq(2460, 5000)
                .payload("Z").build(), FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).seq(2462, 5000).payload("Z")
                .ttl(63).build());
    }

    @Test
    void growthBeyondTheBufferIsRefused() {
        HelperGateway big = new HelperGateway(65535, 64, 8);
        big.install(TestHelpers.replacing("AB", "AB".repeat(10)), "ftp", "tcp", 21);
        String payload = "AB" + "x".repeat(big.buffer.capacity() - 14 - 40 - 2 - 10);
        byte[] out = big.out(tcp(A, 40000, SERVER, 21).payload(payload).build());
        assertEquals(FORWARD_OUTSIDE, big.verdict);
        assertEquals(1, big.count(Counter.EDIT_REFUSED_NO_ROOM));
        assertEquals(40 + payload.length(), out.length, "forwarded unchanged");
    }

    @Test
    void aFirstFragmentIsNotShownToTheHelper() {
        TestHelpers.Recording helper = TestHelpers.recording();
        g.install(helper, "addr", "udp", 7000);
        g.out(udp(A, 1024, SERVER, 7000).payload("first part").fragmentWord(0x2000).build());
        assertEquals(FORWARD_OUTSIDE, g.verdict);
        assertTrue(helper.calls.isEmpty());
        assertEquals(1, g.count(Counter.HELPER_SKIPPED_FRAGMENT));
    }

    @Test
    void malformedEditsAreRefusedOneByOne() {
        List<Boolean> results = new ArrayList<>();
        g.install(new TestHelpers.Recording((c, p) -> {
            results.add(c.replace(-1, 1, "x"));
            results.add(c.replace(0, p.length() + 1, "x"));
            results.add(c.replace(p.length(), 0, "!"));
            results.add(c.replace(2, 3, "yy"));
            results.add(c.replace(3, 1, "z"));
            results.add(c.replace(2, 0, "w"));
            results.add(c.replace(0, 0, "v".repeat(HelperContext.MAX_GROWTH_PER_PACKET + 1)));
            results.add(c.replace(0, 1, new byte[4], 2, 3));
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21);
        g.expect("only the valid edits apply", INSIDE, tcp(A, 40000, SERVER, 21).payload("0123456789").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).payload("01wyy56789!").ttl(63).build());
        assertEquals(List.of(false, false, true, true, false, true, false, false), results);
        assertEquals(3, g.count(Counter.EDIT_REFUSED_RANGE));
        assertEquals(1, g.count(Counter.EDIT_REFUSED_OVERLAP));
        assertEquals(1, g.count(Counter.EDIT_REFUSED_GROWTH));
    }

    @Test
    void deletingTheWholePayloadStillSendsTheSegmentAndKeepsSequenceSpace() {
        g.install(TestHelpers.replacing("NOISE", ""), "ftp", "tcp", 21);
        ftpSession();
        g.expect("emptied", INSIDE, tcp(A, 40000, SERVER, 21).seq(1000, 5000).payload("NOISE").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).seq(1000, 5000).ttl(63).build());
        g.expect("next segment -5", INSIDE, tcp(A, 40000, SERVER, 21).seq(1005, 5000).payload("x").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).seq(1000, 5000).payload("x").ttl(63).build());
        g.expect("ack +5", OUT, tcp(SERVER, 21, OUTSIDE, 61000).seq(5000, 1001).build(), FORWARD_INSIDE,
                tcp(SERVER, 21, A, 40000).seq(5000, 1006).ttl(63).build());
    }

    @Test
    void growthUpToTheBoundIsAccepted() {
        g.install(new TestHelpers.Recording((c, p) -> {
            c.replace(0, 1, "v".repeat(HelperContext.MAX_GROWTH_PER_PACKET + 1));
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21);
        g.expect("grown by exactly the bound", INSIDE, tcp(A, 40000, SERVER, 21).payload("x").build(),
                FORWARD_OUTSIDE, tcp(OUTSIDE, 61000, SERVER, 21).payload("v".repeat(257)).ttl(63).build());
    }

    @Test
    void refusalsAreCountedByHelperAndReason() {
        g.install(new TestHelpers.Recording((c, p) -> {
            c.refused("port-privileged");
            return Verdict.ACCEPT;
        }), "ftp", "tcp", 21);
        g.out(tcp(A, 40000, SERVER, 21).payload("PORT 192,168,0,2,0,21\r\n").build());
        g.out(tcp(A, 40000, SERVER, 21).payload("PORT 192,168,0,2,0,22\r\n").build());
        assertEquals(2, g.count(Counter.HELPER_REFUSALS));
        assertEquals(java.util.Map.of("port-privileged", 2L), g.dispatch.refusals("ftp"));
    }
}
