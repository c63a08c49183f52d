/**
 * Protocol helpers in the engine: the registry of helper services ({@link masq.engine.helper.HelperRegistry},
 * fed by the OSGi {@link masq.engine.helper.HelperWhiteboard}) and the layer that uses them on the data
 * path, {@link masq.engine.helper.HelperDispatch}: attachment, payload calls and edits, TCP sequence
 * adjustment (package {@code masq.engine.edit}), expectations, failures and withdrawal.
 *
 * <h2>Wiring (the gateway component)</h2>
 * <pre>
 * Translator translator = new Translator(config, clock.getAsLong());
 * HelperDispatch dispatch = new HelperDispatch(whiteboard.registry(), translator);
 * translator.setHook(dispatch);
 * translator.setInboundSources(List.of(dispatch.expectations(), portForwards...));
 * whiteboard.registry().addListener(dispatch);           // remove it when the engine stops
 * // console, on the engine thread:
 * loop.submit(t -&gt; dispatch.expectations(clock.getAsLong()));   // List&lt;ExpectationDTO&gt; for masq:expect
 * loop.submit(t -&gt; t.mappings(limit, dispatch::helperName));     // helper column of masq:table
 * </pre>
 * Every method except {@link masq.engine.helper.HelperDispatch#withdrawn} runs on the engine thread.
 * The registry calls {@code withdrawn} on its own thread; the dispatch only queues the event and the
 * engine thread handles it before its next helper call, mapping creation or clock tick (the idle
 * loop ticks every 100 ms), so a withdrawal is never lost to a full engine queue.
 *
 * <h2>Behaviour</h2>
 * <ul>
 * <li><b>Attachment.</b> A helper is attached when an inside host opens a TCP or UDP connection to
 * one of its ports ({@code HelperSnapshot.find(transport, remote port)} at mapping creation), never
 * to inbound or port-forwarded connections (protocols.md §8.2), and to related connections that
 * name it as their child helper. At most {@code maxAttachedFlows} connections are followed
 * (default {@value masq.engine.helper.HelperDispatch#DEFAULT_MAX_ATTACHED_FLOWS}); beyond that a new
 * connection gets no helper, counted as {@code helper.flows.limit}.</li>
 * <li><b>Calls.</b> Only packets with payload of attached connections, both directions, in the
 * sender's original TCP sequence space; first fragments are not shown (their payload is
 * incomplete; counted). One reused {@link masq.api.HelperContext}: no allocation per call.</li>
 * <li><b>Edits</b> are applied after {@code ACCEPT}, in offset order; the packet is resized in its
 * buffer and every length and checksum fixed. They are refused as a whole, counted, and the packet
 * forwarded unchanged when they would grow it beyond the outgoing MTU
 * ({@value masq.engine.helper.HelperDispatch#DEFAULT_OUTGOING_MTU} by default, a constructor
 * argument until the link reports its MTU), beyond the buffer, or change the length of a segment
 * from before an earlier change. Why refuse rather than fragment: TCP segments carry DF in
 * practice (path MTU discovery), a user-space gateway that split segments would have to emit two
 * packets for one (the translator's contract is one buffer in, one verdict out), and an unedited
 * segment keeps the byte stream intact where a dropped one would be retransmitted at the same size
 * for ever. The cost is that the helper's rewrite does not happen for that segment (its
 * expectation then times out); control lines are short, so only a pathological sender hits it.</li>
 * <li><b>Messages</b> ({@link masq.api.MessageHelper}): a TCP connection of a message helper gets two
 * {@link masq.engine.helper.MessageStream}s, one per direction, driven by
 * {@link masq.engine.helper.MessageLayer} instead of the segment call. A stream keeps, in the
 * sender's original numbering, the first byte not yet consumed, the start of an incomplete message
 * (held back: deleted from its segments, its deletion recorded as a length change) and, until the
 * receiver acknowledges them, the changes it made, so that a retransmission cut any way gets the
 * same bytes at the same translated positions ({@link masq.engine.edit.SequenceRecords#delta} maps a
 * byte inside a change to the byte at the same distance into its replacement). Held bytes are
 * acknowledged to their sender by a generated pure ACK ({@link masq.engine.nat.FlowHook#pollGenerated})
 * when the receiver has acknowledged everything before them: it would not send another
 * acknowledgment, and a sender in loss recovery (congestion window one segment) would retransmit the
 * held bytes for ever instead of sending the rest of the message. Otherwise the receiver's own
 * acknowledgment of the preceding bytes maps past the held ones. What does not fit (the packet's
 * room, 256 unacknowledged changes or 64 KiB of them per direction, the sequence records) is cut
 * from the segment, FIN cleared, and comes again with the sender's retransmission.</li>
 * <li><b>Failures.</b> An exception (or linkage error) from a helper is caught at the call: the
 * packet goes on unchanged, {@code HelperEntry.countFailure} and {@code helper.failures} count it,
 * and a rate-limited warning names helper and connection. After
 * {@value masq.engine.helper.HelperDispatch#MAX_CONSECUTIVE_FAILURES} in a row the registry
 * disables the helper (logged once), which withdraws it.</li>
 * <li><b>Withdrawal</b> (service gone, updated, refused or disabled): the helper's connections get
 * {@code flowEnded} with their state and go on as plain NAT, their sequence adjustments kept; its
 * pending expectations are purged and their ports released.</li>
 * <li><b>Expectations</b> ({@link masq.engine.helper.Expectations}): at most
 * {@value masq.engine.nat.EngineConfig#DEFAULT_MAX_EXPECTATIONS} by default ({@code limits.expectations}),
 * at most {@code limits.expectations.per.host} naming one inside host (refused beyond it, so one
 * host cannot fill the table for the others), at most the helper's {@code maxExpected} per master
 * (the oldest replaced), inside target restricted to the master's
 * inside address (protocols.md §8.3 rule 3), timeout 1-3600 s swept once a second; each creation
 * logged (rate-limited) with its master (rule 6). A related connection keeps its master alive; a
 * master's end purges its pending expectations.</li>
 * </ul>
 */
package masq.engine.helper;
