package masq.engine.nat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import masq.api.Ipv4;
import masq.api.admin.MappingDTO;
import masq.api.admin.StatusDTO;

/**
 * Copies of the tables for the console, built on the engine thread so that they are consistent
 * (no torn rows) without a lock on the hot path. They allocate: admin requests only.
 */
final class Snapshots {
    private Snapshots() {
    }

    /** Appends one row per live session to {@code out}, at most {@code limit} rows. */
    static void mappings(FlowTable flows, IntFunction<String> helperNames, IntToLongFunction masterIds, int limit,
            List<MappingDTO> out) {
        Sessions sessions = flows.sessions;
        Bindings bindings = flows.bindings;
        for (int s = 0; s < sessions.capacity() && out.size() < limit; s++) {
            if (!sessions.live(s)) {
                continue;
            }
            int b = sessions.binding[s];
            int proto = bindings.protocol[b];
            MappingDTO dto = new MappingDTO();
            dto.id = sessions.id[s];
            dto.protocol = Protocols.name(proto);
            dto.insideAddress = Ipv4.toString(bindings.insideAddress[b]);
            dto.insidePort = bindings.insidePort[b];
            dto.outsidePort = bindings.masqPort[b];
            dto.outsideAddress = Ipv4.toString(bindings.outside[b]);
            dto.remoteAddress = Ipv4.toString(sessions.remoteAddress[s]);
            dto.remotePort = sessions.remotePort[s];
            dto.state = proto == Protocols.TCP ? TcpState.name(sessions.tcpState[s]) : dto.protocol.toUpperCase();
            dto.expiresInSeconds = Math.max(0, sessions.wheel.expiry(s) - flows.now());
            int helper = sessions.helper[s];
            dto.helper = helper == FlowHook.NO_HELPER ? null : helperNames.apply(helper);
            dto.masterId = helper == FlowHook.NO_HELPER ? 0 : masterIds.applyAsLong(helper);
            out.add(dto);
        }
    }

    /** The gateway at a glance. */
    static StatusDTO status(EngineConfig config, FlowTable flows) {
        StatusDTO dto = new StatusDTO();
        dto.insideAddress = config.insideCidr();
        dto.outsideAddress = config.outsideCidr();
        dto.ports = config.ports();
        dto.mapping = spelt(config.mapping());
        dto.filtering = spelt(config.filtering());
        dto.portAllocation = spelt(flows.bindings.allocation());
        Map<String, Long> mappings = new TreeMap<>();
        Map<String, Long> free = new TreeMap<>();
        int[] perProtocol = new int[Protocols.COUNT];
        for (int s = 0; s < flows.sessions.capacity(); s++) {
            if (flows.sessions.live(s)) {
                perProtocol[flows.bindings.protocol[flows.sessions.binding[s]]]++;
            }
        }
        for (int p = 0; p < Protocols.COUNT; p++) {
            mappings.put(Protocols.name(p), (long) perProtocol[p]);
            free.put(Protocols.name(p), (long) flows.bindings.freePorts(p));
        }
        dto.mappings = mappings;
        dto.freePorts = free;
        dto.uptimeSeconds = flows.now();
        return dto;
    }

    /** A behaviour as the configuration spells it: {@code address-and-port-dependent}. */
    private static String spelt(Enum<?> behaviour) {
        return behaviour.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
