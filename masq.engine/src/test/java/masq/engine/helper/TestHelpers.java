package masq.engine.helper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import masq.api.FlowView;
import masq.api.HelperContext;
import masq.api.MasqHelper;
import masq.api.Verdict;

/** Small helpers for the engine's tests: what they saw, and deterministic edits. */
final class TestHelpers {
    private TestHelpers() {
    }

    /** What a helper does with one payload, after it was recorded. */
    interface Script {
        Verdict handle(HelperContext context, String payload);
    }

    /** Records every call ({@code OUTBOUND 1000 PORT ...}) and every flowEnded, then runs a script. */
    static class Recording implements MasqHelper {
        final List<String> calls = new ArrayList<>();
        final List<String> ended = new ArrayList<>();
        final Script script;

        Recording(Script script) {
            this.script = script;
        }

        @Override
        public Verdict handle(HelperContext context, byte[] payload, int offset, int length) {
            String text = new String(payload, offset, length, StandardCharsets.ISO_8859_1);
            calls.add(context.direction() + " " + context.tcpSequence() + " " + text);
            return script.handle(context, text);
        }

        @Override
        public void flowEnded(FlowView flow, Object state) {
            ended.add(flow.id() + " " + state);
        }
    }

    /** A helper that only records and accepts. */
    static Recording recording() {
        return new Recording((context, payload) -> Verdict.ACCEPT);
    }

    /**
     * A helper that replaces every occurrence of each key with its value, in both directions: the
     * same bytes always give the same edits, as the API asks.
     */
    static Recording replacing(String... pairs) {
        Map<String, String> replacements = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            replacements.put(pairs[i], pairs[i + 1]);
        }
        return new Recording((context, payload) -> {
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                for (int at = payload.indexOf(r.getKey()); at >= 0; at = payload.indexOf(r.getKey(), at + 1)) {
                    context.replace(at, r.getKey().length(), r.getValue());
                }
            }
            return Verdict.ACCEPT;
        });
    }
}
