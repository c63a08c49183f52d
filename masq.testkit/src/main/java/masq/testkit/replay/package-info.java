/**
 * Capture replay (issue 3 item 11): {@link masq.testkit.replay.Captures} reads frames and finds
 * their IPv4 datagrams, {@link masq.testkit.replay.CaptureReplay} submits them to a translator in
 * capture order, {@link masq.testkit.replay.Replay} holds one
 * {@link masq.testkit.replay.ReplayResult} per frame, and {@link masq.testkit.replay.ReplayCheck}
 * lists every violation of the masquerading properties. A later {@code masq replay} command will
 * wrap the same classes.
 */
package masq.testkit.replay;
