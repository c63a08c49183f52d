package masq.link.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import masq.api.Ipv4;
import masq.api.link.GatewayLink;
import masq.api.link.Ipv4Receiver;
import masq.api.link.LinkConfigDTO;
import masq.api.link.LinkStatsDTO;
import masq.link.pcap.ether.Arp;
import masq.link.pcap.ether.Ethernet;
import masq.link.pcap.ether.EthernetGateway;
import masq.link.pcap.ether.FrameLink;
import masq.link.pcap.ether.Ipv4Fragments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link on real interfaces: two veth pairs in the host namespace, named with a random
 * {@code mqt} prefix and always deleted. The gateway owns one end of each; the test plays host A
 * (inside) and server S (outside) on the other ends through pcap. Root and {@code ip} only; skipped
 * otherwise with the reason.
 */
class PcapLiveTest {
    static final int GW_IN = Ipv4.parse("192.168.0.1");
    static final int GW_OUT = Ipv4.parse("203.0.113.1");
    static final int A = Ipv4.parse("192.168.0.2");
    static final int S = Ipv4.parse("203.0.113.2");
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    String prefix;
    PcapFrameLink hostA;
    PcapFrameLink server;
    EthernetGateway gw;
    Thread engine;
    volatile boolean running = true;

    static void ip(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    @BeforeEach
    void veths() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (veth pairs, raw capture)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "needs iproute2's ip");
        prefix = "mqt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        for (int i = 0; i < 2; i++) {
            ip("link", "add", prefix + "g" + i, "type", "veth", "peer", "name", prefix + "h" + i);
            for (String end : new String[] {"g", "h"}) {
                Path v6 = Path.of("/proc/sys/net/ipv6/conf", prefix + end + i, "disable_ipv6");
                if (Files.isWritable(v6)) {
                    Files.writeString(v6, "1");
                }
                ip("link", "set", prefix + end + i, "up");
            }
        }
        hostA = PcapFrameLink.open(prefix + "h0");
        server = PcapFrameLink.open(prefix + "h1");
    }

    @AfterEach
    void cleanUp() throws Exception {
        running = false;
        if (engine != null) {
            gw.wakeup();
            engine.join(2000);
        }
        if (gw != null) {
            gw.close();
        }
        if (hostA != null) {
            hostA.close();
        }
        if (server != null) {
            server.close();
        }
        if (prefix != null) {
            for (int i = 0; i < 2; i++) {
                try {
                    ip("link", "del", prefix + "g" + i);
                } catch (IOException e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
        }
    }

    /** Opens the gateway's link; the test is its engine thread. */
    private void startGatewayWithoutEngine() throws IOException {
        LinkConfigDTO c = new LinkConfigDTO();
        c.insideInterface = prefix + "g0";
        c.insideAddress = GW_IN;
        c.insidePrefixLength = 24;
        c.outsideInterface = prefix + "g1";
        c.outsideAddress = GW_OUT;
        c.outsidePrefixLength = 24;
        gw = PcapLinks.openLink(c);
    }

    /** Starts the gateway and an engine thread that forwards inside datagrams to the outside unchanged. */
    private void startGateway() throws IOException {
        startGatewayWithoutEngine();
        Ipv4Receiver forward = (side, buf, off, len) -> {
            if (side == GatewayLink.INSIDE) {
                gw.send(GatewayLink.OUTSIDE, buf, off, len);
            }
        };
        engine = new Thread(() -> {
            while (running) {
                try {
                    gw.await(TimeUnit.MILLISECONDS.toNanos(20));
                } catch (InterruptedException e) {
                    return;
                }
                gw.poll(forward, 64, System.nanoTime());
            }
        }, "test-engine");
        engine.start();
    }

    /** The first frame received by {@code link} that {@code match} accepts, within 5 s, or null. */
    private static byte[] expect(FrameLink link, Predicate<byte[]> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        byte[] f = new byte[FrameLink.MAX_FRAME_LENGTH];
        while (System.nanoTime() < deadline) {
            int n = link.receive(f);
            if (n <= 0) {
                Thread.sleep(1);
                continue;
            }
            byte[] copy = Arrays.copyOf(f, n);
            if (match.test(copy)) {
                return copy;
            }
        }
        return null;
    }

    private static boolean isArp(byte[] f, int op, int senderIp, int targetIp) {
        return f.length >= 42 && Ethernet.type(f, 0) == Ethernet.TYPE_ARP && Arp.op(f, 14) == op
                && Arp.senderIp(f, 14) == senderIp && Arp.targetIp(f, 14) == targetIp;
    }

    private static byte[] arpFrame(long dst, long src, int op, int senderIp, long targetMac, int targetIp) {
        byte[] f = new byte[60];
        Ethernet.setHeader(f, 0, dst, src, Ethernet.TYPE_ARP);
        Arp.write(f, 14, op, src, senderIp, targetMac, targetIp);
        return f;
    }

    @Test
    void answersArpAnnouncesItselfAndForwardsAfterResolving() throws Exception {
        startGateway();
        long gwIn = gw.side(GatewayLink.INSIDE).link().mac();
        long gwOut = gw.side(GatewayLink.OUTSIDE).link().mac();
        assertNotNull(expect(hostA, f -> isArp(f, Arp.OP_REQUEST, GW_IN, GW_IN)), "gratuitous ARP on the inside");

        assertTrue(hostA.send(arpFrame(Ethernet.BROADCAST, hostA.mac(), Arp.OP_REQUEST, A, 0, GW_IN), 60));
        byte[] reply = expect(hostA, f -> isArp(f, Arp.OP_REPLY, GW_IN, A));
        assertNotNull(reply, "ARP reply for 192.168.0.1");
        byte[] want = arpFrame(hostA.mac(), gwIn, Arp.OP_REPLY, GW_IN, hostA.mac(), A);
        Arp.write(want, 14, Arp.OP_REPLY, gwIn, GW_IN, hostA.mac(), A);
        assertArrayEquals(want, reply);

        byte[] datagram = new byte[100];
        datagram[0] = 0x45;
        Arp.set16(datagram, 2, 100);
        datagram[8] = 64;
        datagram[9] = 17;
        Arp.set32(datagram, 12, A);
        Arp.set32(datagram, 16, S);
        Ipv4Fragments.setHeaderChecksum(datagram, 0, 20);
        byte[] frame = new byte[114];
        Ethernet.setHeader(frame, 0, gwIn, hostA.mac(), Ethernet.TYPE_IPV4);
        System.arraycopy(datagram, 0, frame, 14, 100);
        assertTrue(hostA.send(frame, frame.length));

        assertNotNull(expect(server, f -> isArp(f, Arp.OP_REQUEST, GW_OUT, S)), "gateway resolves the server");
        assertTrue(server.send(arpFrame(gwOut, server.mac(), Arp.OP_REPLY, S, gwOut, GW_OUT), 60));
        byte[] forwarded = expect(server, f -> Ethernet.type(f, 0) == Ethernet.TYPE_IPV4);
        assertNotNull(forwarded, "the queued datagram reaches the server");
        assertEquals(server.mac(), Ethernet.destination(forwarded, 0));
        assertEquals(gwOut, Ethernet.source(forwarded, 0));
        assertArrayEquals(datagram, Arrays.copyOfRange(forwarded, 14, 114));

        LinkStatsDTO inside = gw.stats().get(0);
        assertTrue(inside.received >= 2, "received " + inside.received);
        assertEquals(0, inside.ringOverflows);
        assertEquals(0, inside.pcapDropped);
    }

    @Test
    void aBurstIsAccountedFrameForFrame() throws Exception {
        startGateway();
        long gwIn = gw.side(GatewayLink.INSIDE).link().mac();
        byte[] frame = new byte[60];
        Ethernet.setHeader(frame, 0, gwIn, hostA.mac(), Ethernet.TYPE_IPV4);
        frame[14] = 0x45;
        Arp.set16(frame, 16, 46);
        Arp.set32(frame, 26, A);
        Arp.set32(frame, 30, A);
        int burst = 20_000;
        for (int i = 0; i < burst; i++) {
            assertTrue(hostA.send(frame, frame.length));
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        LinkStatsDTO inside = gw.stats().get(0);
        while (inside.received + inside.pcapDropped < burst && System.nanoTime() < deadline) {
            Thread.sleep(10);
            inside = gw.stats().get(0);
        }
        System.out.printf("burst of %d: received %d, pcap dropped %d%n", burst, inside.received, inside.pcapDropped);
        assertEquals(burst, inside.received + inside.pcapDropped, "every frame accounted for");
        assertEquals(0, inside.ringOverflows);
    }

    @Test
    void wakeupEndsAWaitAtOnceAndAFrameEndsItToo() throws Exception {
        startGatewayWithoutEngine();
        Thread waker = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            gw.wakeup();
        });
        while (gw.await(0)) {
            gw.poll((side, buf, off, len) -> { }, 64, System.nanoTime()); // the gratuitous ARP echoes, if any
        }
        long t0 = System.nanoTime();
        waker.start();
        assertEquals(false, gw.await(WAIT_NANOS), "woken, no frame");
        assertTrue(System.nanoTime() - t0 < WAIT_NANOS, "woken before the timeout");
        waker.join();

        long gwIn = gw.side(GatewayLink.INSIDE).link().mac();
        assertTrue(hostA.send(arpFrame(gwIn, hostA.mac(), Arp.OP_REQUEST, A, 0, GW_IN), 60));
        assertTrue(gw.await(WAIT_NANOS), "a frame ends the wait");
        assertEquals(1, gw.poll((side, buf, off, len) -> { }, 64, System.nanoTime()));
        assertNotNull(expect(hostA, f -> isArp(f, Arp.OP_REPLY, GW_IN, A)), "answered");
    }

    @Test
    void aMissingInterfaceIsNamed() {
        IOException e = assertThrows(IOException.class, () -> PcapFrameLink.open(prefix + "zz"));
        assertTrue(e.getMessage().contains(prefix + "zz") && e.getMessage().contains("does not exist"), e.getMessage());
    }
}
