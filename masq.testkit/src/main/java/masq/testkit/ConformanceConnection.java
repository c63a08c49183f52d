package masq.testkit;

import static masq.testkit.HelperConformance.CLIENT;
import static masq.testkit.HelperConformance.GATEWAY;
import static masq.testkit.HelperConformance.SERVER;

import masq.api.Direction;

/** A connection from the client, with its sequence numbers; TCP is opened by a handshake. */
final class ConformanceConnection {
    final HelperHarness gateway;
    final boolean tcp;
    final int clientPort;
    final int serverPort;
    int masqPort;
    long clientSeq = 1000;
    long serverSeq = 5000;

    ConformanceConnection(HelperHarness gateway, boolean tcp, int clientPort, int serverPort) {
        this.gateway = gateway;
        this.tcp = tcp;
        this.clientPort = clientPort;
        this.serverPort = serverPort;
        if (tcp) {
            HelperStep syn = gateway.outbound(Packets.tcp(CLIENT, clientPort, SERVER, serverPort)
                    .flags(Packets.SYN).seq(clientSeq - 1).build());
            masqPort = syn.output() == null ? 0 : Packets.sourcePort(syn.output());
            gateway.inbound(Packets.tcp(SERVER, serverPort, GATEWAY, masqPort).flags(Packets.SYN | Packets.ACK)
                    .seq(serverSeq - 1).ack(clientSeq).build());
            gateway.outbound(Packets.tcp(CLIENT, clientPort, SERVER, serverPort).flags(Packets.ACK)
                    .seq(clientSeq).ack(serverSeq).build());
        }
    }

    HelperStep send(Direction direction, byte[] payload) {
        HelperStep step = transmit(direction, payload);
        sent(direction, payload.length);
        return step;
    }

    /** The segment (or datagram), at the sender's current sequence number: again, a retransmission. */
    HelperStep transmit(Direction direction, byte[] payload) {
        return segment(direction, payload);
    }

    /** The sender's sequence moves past {@code length} bytes, and both sides acknowledge. */
    void sent(Direction direction, int length) {
        if (!tcp) {
            return;
        }
        if (direction == Direction.OUTBOUND) {
            clientSeq += length;
        } else {
            serverSeq += length;
        }
        acknowledge();
    }

    private HelperStep segment(Direction direction, byte[] payload) {
        if (!tcp) {
            if (masqPort == 0) {
                HelperStep opener = gateway.outbound(Packets.udp(CLIENT, clientPort, SERVER, serverPort)
                        .payload(direction == Direction.OUTBOUND ? payload : new byte[] {0}).build());
                masqPort = opener.output() == null ? -1 : Packets.sourcePort(opener.output());
                if (direction == Direction.OUTBOUND) {
                    return opener;
                }
            }
            return direction == Direction.OUTBOUND
                    ? gateway.outbound(Packets.udp(CLIENT, clientPort, SERVER, serverPort).payload(payload).build())
                    : gateway.inbound(Packets.udp(SERVER, serverPort, GATEWAY, masqPort).payload(payload).build());
        }
        return direction == Direction.OUTBOUND
                ? gateway.outbound(Packets.tcp(CLIENT, clientPort, SERVER, serverPort).flags(Packets.ACK | Packets.PSH)
                        .seq(clientSeq).ack(serverSeq).payload(payload).build())
                : gateway.inbound(Packets.tcp(SERVER, serverPort, GATEWAY, masqPort).flags(Packets.ACK | Packets.PSH)
                        .seq(serverSeq).ack(clientSeq).payload(payload).build());
    }

    /** Each side acknowledges what the other sent, so that held or deferred bytes move on. */
    private void acknowledge() {
        gateway.inbound(Packets.tcp(SERVER, serverPort, GATEWAY, masqPort).flags(Packets.ACK).seq(serverSeq)
                .ack(clientSeq).build());
        gateway.outbound(Packets.tcp(CLIENT, clientPort, SERVER, serverPort).flags(Packets.ACK).seq(clientSeq)
                .ack(serverSeq).build());
    }

    void close() {
        if (tcp) {
            gateway.outbound(Packets.tcp(CLIENT, clientPort, SERVER, serverPort).flags(Packets.RST | Packets.ACK)
                    .seq(clientSeq).ack(serverSeq).build());
        }
    }
}
