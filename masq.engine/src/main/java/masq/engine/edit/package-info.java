/**
 * Payload edits and the TCP sequence adjustment they make necessary: {@link masq.engine.edit.PayloadEdits}
 * rebuilds a packet's payload with a helper's replacements and fixes lengths and checksums;
 * {@link masq.engine.edit.SequenceRecords} and {@link masq.engine.edit.SequenceAdjustment} keep, per
 * connection and direction, every length change not yet acknowledged and shift sequence numbers,
 * acknowledgments and SACK blocks accordingly (protocols.md §2.4).
 *
 * <h2>The rules, with the worked example of protocols.md §2.5</h2>
 * <ul>
 * <li>A helper sees each payload in the sender's original numbering and its edits are recorded
 * there: the PORT segment at seq 1000 growing from 22 to 25 bytes records [1000, 1022) → +3.</li>
 * <li>A segment's sequence number takes the delta of the greatest recorded end at or before it:
 * the PORT segment itself and its retransmissions leave at 1000, the next segment (1022) at 1025.</li>
 * <li>An acknowledgment coming back takes the delta of the greatest translated end at or before it:
 * ack 1025 becomes 1022, the duplicate ack 1000 stays 1000. An acknowledgment that falls inside a
 * rewritten segment maps to that segment's start, so the sender retransmits all of it. SACK edges
 * are translated the same way.</li>
 * <li>A repeated change (a retransmission rewritten the same way) records nothing new; a change to
 * a segment from before the last change that is not such a repetition (reordered or resegmented
 * data) is refused, because segments already sent were numbered without it.</li>
 * <li>A segment quoted in an ICMP error (RFC 5508 REQ-4) is reverted to the numbering of the host
 * that receives the error, so that its TCP accepts the error (Linux ignores errors whose quoted
 * sequence number is outside its send window).</li>
 * <li>At most {@link masq.engine.edit.SequenceRecords#MAX_CHANGES} changes are kept per direction;
 * the oldest, and any far behind the peer's acknowledgment, collapse into a floor delta. Keeping
 * acknowledged changes lets a late duplicate acknowledgment (ack 1000 after ack 1025) still map
 * exactly.</li>
 * </ul>
 *
 * <p>A retransmission that is resegmented across a rewritten message is rebuilt from the changes
 * the message layer remembers until they are acknowledged ({@code masq.engine.helper.MessageStream};
 * protocols.md §2.4's last sentence). For a helper on the segment call ({@code MasqHelper.handle})
 * it is not: that helper sees the new segment boundaries and decides.
 *
 * <p>Engine thread only.
 */
package masq.engine.edit;
