package masq.helper.cuseeme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import masq.testkit.HelperHarness;
import masq.testkit.HelperStep;
import masq.testkit.Packets;

/**
 * The CU-SeeMe helper through the real engine: the client 192.168.0.2:7648 in a conference on the
 * reflector 198.51.100.48:7648, masqueraded from 203.0.113.1 (protocols.md §5.2's vectors).
 */
class CuSeeMeHelperTest {
    static final String CLIENT = "192.168.0.2";
    static final String REFLECTOR = "198.51.100.48";
    static final String GATEWAY = "203.0.113.1";
    static final int CLIENT_IP = 0xC0A80002;
    static final int GATEWAY_IP = 0xCB007101;
    static final int OTHER_IP = 0xC6336407;

    private final HelperHarness gateway = HelperHarness.builder()
            .helper(new CuSeeMeHelper(), HelperHarness.properties("cuseeme", "udp", 7648)).build();
    private final int masqPort = Packets.sourcePort(out(header(0, CLIENT_IP, 257, 0)).output());

    /** A 26-byte header (dest_addr, addr, data_type) followed by {@code extra} bytes of zeros. */
    static ByteBuffer header(int destAddr, int addr, int dataType, int extra) {
        ByteBuffer b = ByteBuffer.allocate(CuSeeMeHelper.HEADER_LENGTH + extra);
        b.putShort((short) 2).putShort((short) 7648).putInt(destAddr).putShort((short) 2).putShort((short) 7648)
                .putInt(addr).putInt(17).putShort((short) 0).putShort((short) dataType)
                .putShort((short) (CuSeeMeHelper.HEADER_LENGTH + extra));
        return b;
    }

    /** An open continue with {@code records} client addresses and a count field of {@code count}. */
    static ByteBuffer openContinue(int count, int... records) {
        ByteBuffer b = header(GATEWAY_IP, 0, CuSeeMeHelper.OPEN_CONTINUE,
                CuSeeMeHelper.FIRST_RECORD - CuSeeMeHelper.HEADER_LENGTH + records.length * 12);
        b.putShort(CuSeeMeHelper.CLIENT_COUNT, (short) count);
        for (int i = 0; i < records.length; i++) {
            b.putInt(CuSeeMeHelper.FIRST_RECORD + 12 * i, records[i]);
            b.putInt(CuSeeMeHelper.FIRST_RECORD + 12 * i + 4, 0x01020304);
        }
        return b;
    }

    HelperStep out(ByteBuffer payload) {
        return gateway.outbound(Packets.udp(CLIENT, 7648, REFLECTOR, 7648).payload(payload.array()).build());
    }

    HelperStep in(ByteBuffer payload) {
        return gateway.inbound(Packets.udp(REFLECTOR, 7648, GATEWAY, masqPort).payload(payload.array()).build());
    }

    static int u32(byte[] b, int at) {
        return ByteBuffer.wrap(b).getInt(at);
    }

    Map<String, Long> refusals() {
        return gateway.refusals("cuseeme");
    }

    @Test
    void protocols5_2_theClientsOwnAddressLeavesAsTheGateways() {
        HelperStep step = out(header(0, CLIENT_IP, 257, 100));
        assertTrue(step.forwardedOutside());
        assertEquals(GATEWAY_IP, u32(step.outputPayload(), CuSeeMeHelper.ADDR));
        assertEquals(126, step.outputPayload().length, "no length change");
        assertTrue(gateway.expectations().isEmpty(), "one flow: nothing expected");
    }

    @Test
    void protocols5_2_theDestinationAddressComesBackAsTheClients() {
        HelperStep step = in(header(GATEWAY_IP, 0xC6336430, 257, 10));
        assertTrue(step.forwardedInside());
        assertEquals(CLIENT_IP, u32(step.outputPayload(), CuSeeMeHelper.DEST_ADDR));
        assertEquals(0xC6336430, u32(step.outputPayload(), CuSeeMeHelper.ADDR), "the sender's address is left alone");
    }

    @Test
    void protocols5_2_theClientFindsItselfInTheOpenContinueList() {
        HelperStep step = in(openContinue(3, OTHER_IP, GATEWAY_IP, GATEWAY_IP));
        byte[] p = step.outputPayload();
        assertEquals(CLIENT_IP, u32(p, CuSeeMeHelper.DEST_ADDR));
        assertEquals(OTHER_IP, u32(p, 56));
        assertEquals(CLIENT_IP, u32(p, 68));
        assertEquals(0x01020304, u32(p, 72), "the record's flags are kept");
        assertEquals(GATEWAY_IP, u32(p, 80), "only the first record naming the gateway, as 2.2");
    }

    @Test
    void aZeroAddressIsLeftAloneAndNotCounted() {
        HelperStep step = out(header(0, 0, 257, 0));
        assertEquals(0, u32(step.outputPayload(), CuSeeMeHelper.ADDR));
        assertTrue(refusals().isEmpty());
    }

    @Test
    void anotherInsideAddressIsNotRewrittenOutbound() {
        HelperStep step = out(header(0, 0xC0A80003, 257, 0));
        assertEquals(0xC0A80003, u32(step.outputPayload(), CuSeeMeHelper.ADDR), "not the client's own address");
        assertEquals(Map.of(CuSeeMeHelper.REFUSED_ADDRESS, 1L), refusals());
    }

    @Test
    void aReflectorNamingAnotherAddressCannotMakeTheHelperWriteTheInsideAddress() {
        HelperStep step = in(header(OTHER_IP, 0, 257, 0));
        assertEquals(OTHER_IP, u32(step.outputPayload(), CuSeeMeHelper.DEST_ADDR));
        assertEquals(Map.of(CuSeeMeHelper.REFUSED_ADDRESS, 1L), refusals());
    }

    @Test
    void openContinueRecordsNotNamingTheGatewayStayAsTheyAre() {
        byte[] p = in(openContinue(2, OTHER_IP, CLIENT_IP)).outputPayload();
        assertEquals(OTHER_IP, u32(p, 56));
        assertEquals(CLIENT_IP, u32(p, 68));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 255, 512, 65535})
    void aClientCountBeyondTheDatagramIsRefusedAndNothingInTheListChanges(int count) {
        byte[] p = in(openContinue(count, OTHER_IP, GATEWAY_IP)).outputPayload();
        assertEquals(GATEWAY_IP, u32(p, 68));
        assertEquals(CLIENT_IP, u32(p, CuSeeMeHelper.DEST_ADDR), "the header is still fixed");
        assertEquals(1L, refusals().get(CuSeeMeHelper.REFUSED_COUNT));
    }

    @Test
    void anOpenContinueCutInsideItsFixedPartIsLeftAlone() {
        ByteBuffer b = header(GATEWAY_IP, 0, CuSeeMeHelper.OPEN_CONTINUE, 20);
        b.putShort(CuSeeMeHelper.CLIENT_COUNT, (short) 1);
        HelperStep step = in(b);
        assertTrue(step.forwardedInside());
        assertEquals(46, step.outputPayload().length);
    }

    @Test
    void aZeroCountWalksNothing() {
        byte[] p = in(openContinue(0, GATEWAY_IP)).outputPayload();
        assertEquals(GATEWAY_IP, u32(p, 56));
        assertTrue(refusals().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16, 25})
    void aDatagramShorterThanTheHeaderPassesUnchangedAndIsCounted(int length) {
        byte[] payload = new byte[length];
        new Random(length).nextBytes(payload);
        HelperStep step = gateway.outbound(Packets.udp(CLIENT, 7648, REFLECTOR, 7648).payload(payload).build());
        assertArrayEquals(payload, step.outputPayload());
        HelperStep back = gateway.inbound(Packets.udp(REFLECTOR, 7648, GATEWAY, masqPort).payload(payload).build());
        assertArrayEquals(payload, back.outputPayload());
        assertEquals(2L, refusals().get(CuSeeMeHelper.REFUSED_SHORT));
    }

    @Test
    void otherDataTypesAreNotWalked() {
        ByteBuffer b = openContinue(1, GATEWAY_IP);
        b.putShort(CuSeeMeHelper.DATA_TYPE, (short) 257);
        assertEquals(GATEWAY_IP, u32(in(b).outputPayload(), 56));
    }

    @Test
    void randomDatagramsNeverThrowAndOnlyAddressesChange() {
        Random random = new Random(7648);
        for (int i = 0; i < 3000; i++) {
            byte[] payload = new byte[1 + random.nextInt(120)];
            random.nextBytes(payload);
            if (payload.length > 30 && random.nextBoolean()) {
                ByteBuffer.wrap(payload).putShort(CuSeeMeHelper.DATA_TYPE, (short) CuSeeMeHelper.OPEN_CONTINUE)
                        .putShort(CuSeeMeHelper.CLIENT_COUNT, (short) random.nextInt(12));
            }
            boolean outbound = random.nextBoolean();
            byte[] got = (outbound ? gateway.outbound(Packets.udp(CLIENT, 7648, REFLECTOR, 7648).payload(payload).build())
                    : gateway.inbound(Packets.udp(REFLECTOR, 7648, GATEWAY, masqPort).payload(payload).build()))
                    .outputPayload();
            assertEquals(payload.length, got.length);
        }
        assertEquals(0, gateway.counter("helper.failures"));
    }
}
