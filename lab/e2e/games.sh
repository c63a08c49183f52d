# lab/e2e/games.sh: a game's fixed UDP port (6112, as Battle.net-era games used) from two inside
# hosts at once to one peer outside, under ports.allocation (issue 20), sourced by run.sh.
# lab/e2e/game_peer.py plays the peer, which answers each datagram with the source it saw.
# shellcheck shell=bash

GAME_PEER="$LAB_DIR/e2e/game_peer.py"
GAME_PORT=6112

# game_seen HOST LOCAL_PORT: the gateway port the peer saw HOST's datagram from LOCAL_PORT come
# from (its answer reached HOST through that mapping); the failure otherwise.
game_seen() {
    local out
    out=$(nsx "$1" timeout 10 /usr/bin/python3 "$GAME_PEER" client "$OUTSIDE" "$GAME_PORT" "$2" 2>&1) || {
        echo "$out"
        return 1
    }
    [[ $out =~ ^seen\ $GW_OUT:([0-9]+)$ ]] || { echo "the peer saw '$out', not the gateway's address"; return 1; }
    echo "${BASH_REMATCH[1]}"
}

# A-box and B-box both send from UDP 6112 to the peer: A-box, first, leaves from 6112 itself (as
# behind the kernel's MASQUERADE); B-box from another port, even as 6112 is (masq keeps parity, the
# kernel does not); the answers reach each. (ports.allocation = preserve, the default.)
t_game_port_two_hosts() {
    peer_start game "$GAME_PEER" server "$OUTSIDE" "$GAME_PORT" 60
    trap peer_stop EXIT
    local a b again
    a=$(game_seen abox "$GAME_PORT") || fail "A-box: $a"
    b=$(game_seen bbox "$GAME_PORT") || fail "B-box: $b"
    again=$(game_seen abox "$GAME_PORT") || fail "A-box again: $again"
    [ "$a" = "$GAME_PORT" ] || fail "A-box's $GAME_PORT left from $a"
    [ "$b" != "$GAME_PORT" ] || fail "B-box was given A-box's port $b"
    [ "$again" = "$a" ] || fail "A-box's mapping moved from $a to $again"
    if [ "$MODE" = masq ]; then
        [ $((b % 2)) -eq 0 ] || fail "B-box's $GAME_PORT left from $b: odd, the parity is lost"
    fi
    echo "A-box $GAME_PORT -> $a (and again $again), B-box $GAME_PORT -> $b; the peer's answers reached both"
}

# Under ports.allocation = sequential (Linux 2.2's masq_port cycle, set live in the gateway's
# masq.gateway.cfg and put back afterwards) both hosts get ports in turn from the range, even as
# their port is, and neither keeps its own; the answers reach each.
t_game_port_sequential() {
    [ "$MODE" = masq ] || skip "ports.allocation is masq's; the kernel's MASQUERADE always preserves"
    need_console
    trap 'peer_stop; config_restore' EXIT
    config_set ports.allocation sequential
    await_status allocation sequential || fail "ports.allocation sequential not applied"
    peer_start game "$GAME_PEER" server "$OUTSIDE" "$GAME_PORT" 60
    # a port no earlier run left a mapping on (UDP mappings live 300 s)
    local port=$((GAME_PORT + 2 + 2 * (RANDOM % 500))) a b
    a=$(game_seen abox "$port") || fail "A-box: $a"
    b=$(game_seen bbox "$port") || fail "B-box: $b"
    peer_stop
    config_restore
    await_status allocation preserve || fail "ports.allocation not put back"
    [ "$a" != "$port" ] && [ "$b" != "$port" ] || fail "a host kept its port $port under sequential: $a, $b"
    [ $((a % 2)) -eq 0 ] && [ $((b % 2)) -eq 0 ] || fail "odd ports for the even $port: $a, $b"
    [ "$b" -gt "$a" ] || fail "B-box's $b does not follow A-box's $a in the cycle"
    echo "sequential: A-box $port -> $a, B-box $port -> $b; preserve again"
}
