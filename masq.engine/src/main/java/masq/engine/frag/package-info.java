/**
 * Fragments of masqueraded datagrams (RFC 4787 REQ-14). The translator rewrites the first
 * fragment like any datagram and records what it did under (source, destination, protocol, IP
 * id); later fragments, which carry no ports, get the same address rewrite. Later fragments that
 * arrive first are copied aside (bounded count and size) until the first one is translated, then
 * released through {@link masq.engine.nat.Translator#pollReleased}. No reassembly: the gateway
 * forwards fragments as fragments, so memory stays bounded by configuration whatever arrives.
 */
package masq.engine.frag;
