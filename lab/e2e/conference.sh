# lab/e2e/conference.sh: the end-to-end tests of the conferencing and streaming helpers whose
# programs are gone (CU-SeeMe, VDOLive, RealAudio's PNA), sourced by run.sh:
# lab/e2e/conference_peers.py plays both ends from the protocol descriptions. Linux has no helper
# for any of them, so kernel mode skips them.
# shellcheck shell=bash

PEERS="$LAB_DIR/e2e/conference_peers.py"

# peer_client HOST OUT ARGS...: runs a client peer in HOST, its line in OUT; the client's status.
peer_client() {
    local host=$1 out=$2
    shift 2
    nsx "$host" timeout 20 /usr/bin/python3 "$PEERS" "$@" >"$out" 2>&1
}

# fresh_port: a UDP port for a client, different on each run: a flow left by an earlier run (UDP
# mappings live 300 s) keeps the helper it had, or none if the helper was uninstalled meanwhile.
fresh_port() { echo $((20000 + RANDOM % 20000)); }

need_masq() {
    [ "$MODE" = masq ] || skip "Linux has no $1 helper; it cannot work through the kernel's MASQUERADE"
}

# A-box joins a conference on the reflector outside (from a port of its own: the protocol's is 7648,
# any works): the reflector answers the address the header names, so A-box is answered only because
# the helper made it the gateway's, and finds its own address in the open continue only because the
# helper gave it back.
t_cuseeme_conference() {
    need_masq CU-SeeMe
    peer_start cuseeme "$PEERS" cuseeme-reflector "$OUTSIDE" 30
    local rc=0
    peer_client abox "$TMP/cuseeme-a.out" cuseeme-client "$OUTSIDE" "$(fresh_port)" || rc=$?
    peer_stop
    [ "$rc" -eq 0 ] || fail "$(tail -n 1 "$TMP/cuseeme-a.out")"
    grep -q "claiming $GW_OUT\$" "$TMP/cuseeme.log" ||
        fail "the reflector did not see the gateway's address claimed: $(grep claiming "$TMP/cuseeme.log" | head -n 1)"
    cat "$TMP/cuseeme-a.out"
}

# helper_hot_swap HELPER NAME SERVER-ARGS CLIENT-MODE [CHECK]: with the peer server NAME running, the
# helper uninstalled from the running gateway must make A-box's client fail (and CHECK, if given,
# pass), and installed again make a new client pass; same gateway pid. Clients use fresh ports.
helper_hot_swap() {
    local helper=$1 name=$2 server=$3 mode=$4 check=${5:-}
    need_masq "$helper"
    need_console
    local gw_pid id location out new_id
    gw_pid=$(gateway_pid)
    out=$(helper_bundle "$helper") || fail "$out"
    read -r id location <<<"$out"
    # shellcheck disable=SC2086 # the server's arguments are words on purpose
    peer_start "$name" "$PEERS" $server
    out=$(console "stop $id" "uninstall $id") || { peer_stop; fail "stop/uninstall $id failed: $out"; }
    if peer_client abox "$TMP/$name-none.out" "$mode" "$OUTSIDE" "$(fresh_port)"; then
        peer_stop
        swap_fail "$location" "without the helper the client passed: $(cat "$TMP/$name-none.out")" "$helper"
    fi
    if [ -n "$check" ] && ! out=$($check); then
        peer_stop
        swap_fail "$location" "without the helper: $out" "$helper"
    fi
    new_id=$(install_helper "$location" "$helper") || { peer_stop; fail "$new_id"; }
    local rc=0
    peer_client abox "$TMP/$name-again.out" "$mode" "$OUTSIDE" "$(fresh_port)" || rc=$?
    peer_stop
    [ "$rc" -eq 0 ] || fail "after reinstalling: $(cat "$TMP/$name-again.out")"
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled: $(cat "$TMP/$name-none.out"); installed again as bundle $new_id:" \
        "$(cat "$TMP/$name-again.out"); gateway pid $gw_pid throughout"
}

# the reflector saw A-box's inside address claimed
claimed_inside() {
    grep -q "claiming ${HOST_ADDR[abox]}\$" "$TMP/cuseeme.log" ||
        { echo "the reflector did not see A-box's inside address"; return 1; }
}

# The cuseeme helper uninstalled from the running gateway: A-box names its inside address and hears
# nothing; installed again: a new conference flow works.
t_cuseeme_helper_hot_swap() {
    helper_hot_swap cuseeme cuseeme "cuseeme-reflector $OUTSIDE 40" cuseeme-client claimed_inside
}

# stream_two_hosts NAME HELPER-TEXT: A-box and B-box each run the NAME client against its server
# outside, announcing the same UDP port; each must receive the server's datagrams there (the helper
# rewrote and expected the port). The server's log lines follow on success; $TMP/NAME.log keeps them.
stream_two_hosts() {
    local name=$1 port a=0 b=0
    need_masq "$2"
    peer_start "$name" "$PEERS" "$name-server" "$OUTSIDE" 30
    port=$(fresh_port)
    peer_client abox "$TMP/$name-a.out" "$name-client" "$OUTSIDE" "$port" || a=$?
    peer_client bbox "$TMP/$name-b.out" "$name-client" "$OUTSIDE" "$port" || b=$?
    peer_stop
    [ "$a" -eq 0 ] || fail "A-box: $(cat "$TMP/$name-a.out")"
    [ "$b" -eq 0 ] || fail "B-box: $(cat "$TMP/$name-b.out")"
    STREAM_PORT=$port
    echo "A-box: $(cat "$TMP/$name-a.out"); B-box: $(cat "$TMP/$name-b.out")"
    grep '^from ' "$TMP/$name.log"
}

# A-box and B-box each watch a VDOLive stream: the server sends its UDP video to the port the
# control connection announced (its initial message split over two segments), which the helper
# rewrote and expected.
t_vdolive_video_two_hosts() { stream_two_hosts vdolive VDOLive; }

# The vdolive helper uninstalled: the video goes to the gateway's port the client named, where
# nothing waits; installed again: a new control connection gets its video.
t_vdolive_helper_hot_swap() {
    helper_hot_swap vdolive vdolive "vdolive-server $OUTSIDE 40" vdolive-client
}

# A-box and B-box each play a RealAudio PNA stream: the server sends its UDP audio to the data port
# the client's hello named, which the raudio helper rewrote and expected; the hello's robust port
# (the data port + 1) must have been rewritten too.
t_pna_audio_two_hosts() {
    STREAM_PORT=""
    stream_two_hosts pna "RealAudio (PNA)"
    ! grep -q "robust port $((STREAM_PORT + 1))" "$TMP/pna.log" ||
        fail "the server was told an inside robust port: $(grep '^from ' "$TMP/pna.log")"
}

# The raudio helper uninstalled: the audio goes to the gateway's port the hello named, where nothing
# waits; installed again: a new PNA connection gets its audio.
t_pna_helper_hot_swap() {
    helper_hot_swap raudio pna "pna-server $OUTSIDE 40" pna-client
}
