/**
 * Capture replay (issue 3 item 11): {@link masq.testkit.replay.Captures} reads frames and finds
 * their IPv4 datagrams, {@link masq.testkit.replay.CaptureReplay} submits them to a translator in
 * capture order, {@link masq.testkit.replay.Replay} holds one
 * {@link masq.testkit.replay.ReplayResult} per frame, and {@link masq.testkit.replay.ReplayCheck}
 * lists every violation of the masquerading properties. With helpers attached (issue 4 item 5) the
 * replay runs them through {@link masq.testkit.HelperHarness}, moves the remote ends' acknowledgements
 * into the translated sequence space (package-private {@code SequenceView}), sends the remote end's
 * datagrams to the gateway ports expectations reserved, and {@link masq.testkit.replay.Replay#tcpStream}
 * reassembles a connection's streams before and after translation. A later {@code masq replay}
 * command will wrap the same classes.
 */
package masq.testkit.replay;
