# lab/e2e/conference.sh: the end-to-end tests of the conferencing and game helpers (CU-SeeMe,
# VDOLive), sourced by run.sh. Their programs are gone: lab/e2e/conference_peers.py plays both ends
# from the protocol descriptions. Linux has no helper for either, so kernel mode skips them.
# shellcheck shell=bash

PEERS="$LAB_DIR/e2e/conference_peers.py"

# peer_start NAME MODE ARGS...: a peer server on the outside host, its pid in PEER_PID, its log in
# $TMP/NAME.log; waits until it says it is serving.
peer_start() {
    local name=$1
    shift
    # not through nsx: a backgrounded function is a subshell, and its pid would not stop the server
    ip netns exec "$(ns outside)" timeout 60 /usr/bin/python3 "$PEERS" "$@" >"$TMP/$name.log" 2>&1 &
    PEER_PID=$!
    for _ in $(seq 50); do
        grep -q '^serving ' "$TMP/$name.log" && return 0
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "the $name peer did not start: $(tail -n 1 "$TMP/$name.log")"
}
peer_stop() {
    kill "$PEER_PID" 2>/dev/null || true
    wait "$PEER_PID" 2>/dev/null || true
}

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
    peer_start cuseeme cuseeme-reflector "$OUTSIDE" 30
    local rc=0
    peer_client abox "$TMP/cuseeme-a.out" cuseeme-client "$OUTSIDE" "$(fresh_port)" || rc=$?
    peer_stop
    [ "$rc" -eq 0 ] || fail "$(tail -n 1 "$TMP/cuseeme-a.out")"
    grep -q "claiming $GW_OUT\$" "$TMP/cuseeme.log" ||
        fail "the reflector did not see the gateway's address claimed: $(grep claiming "$TMP/cuseeme.log" | head -n 1)"
    cat "$TMP/cuseeme-a.out"
}

# The cuseeme helper uninstalled from the running gateway: A-box names its inside address and hears
# nothing; installed again: a new conference flow works. Same gateway pid.
t_cuseeme_helper_hot_swap() {
    need_masq CU-SeeMe
    need_console
    local gw_pid id location out new_id
    gw_pid=$(gateway_pid)
    out=$(helper_bundle cuseeme) || fail "$out"
    read -r id location <<<"$out"
    peer_start cuseeme cuseeme-reflector "$OUTSIDE" 40
    out=$(console "stop $id" "uninstall $id") || { peer_stop; fail "stop/uninstall $id failed: $out"; }
    if peer_client abox "$TMP/cuseeme-none.out" cuseeme-client "$OUTSIDE" "$(fresh_port)"; then
        peer_stop
        swap_fail "$location" "without the helper A-box joined: $(cat "$TMP/cuseeme-none.out")" cuseeme
    fi
    grep -q "claiming ${HOST_ADDR[abox]}\$" "$TMP/cuseeme.log" || {
        peer_stop
        swap_fail "$location" "without the helper the reflector did not see A-box's inside address" cuseeme
    }
    new_id=$(install_helper "$location" cuseeme) || { peer_stop; fail "$new_id"; }
    local rc=0
    peer_client abox "$TMP/cuseeme-again.out" cuseeme-client "$OUTSIDE" "$(fresh_port)" || rc=$?
    peer_stop
    [ "$rc" -eq 0 ] || fail "after reinstalling: $(cat "$TMP/cuseeme-again.out")"
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled: $(cat "$TMP/cuseeme-none.out"); installed again as bundle $new_id:" \
        "$(cat "$TMP/cuseeme-again.out"); gateway pid $gw_pid throughout"
}

# A-box and B-box each watch a VDOLive stream: the server sends its UDP video to the port the
# control connection announced (its initial message split over two segments), which the helper
# rewrote and expected.
t_vdolive_video_two_hosts() {
    need_masq VDOLive
    peer_start vdolive vdolive-server "$OUTSIDE" 30
    local a=0 b=0 port
    port=$(fresh_port)
    peer_client abox "$TMP/vdolive-a.out" vdolive-client "$OUTSIDE" "$port" || a=$?
    peer_client bbox "$TMP/vdolive-b.out" vdolive-client "$OUTSIDE" "$port" || b=$?
    peer_stop
    [ "$a" -eq 0 ] || fail "A-box: $(cat "$TMP/vdolive-a.out")"
    [ "$b" -eq 0 ] || fail "B-box: $(cat "$TMP/vdolive-b.out")"
    echo "A-box: $(cat "$TMP/vdolive-a.out"); B-box: $(cat "$TMP/vdolive-b.out")"
    grep '^from ' "$TMP/vdolive.log"
}

# The vdolive helper uninstalled: the video goes to the gateway's port the client named, where nothing waits;
# installed again: a new control connection gets its video. Same gateway pid.
t_vdolive_helper_hot_swap() {
    need_masq VDOLive
    need_console
    local gw_pid id location out new_id
    gw_pid=$(gateway_pid)
    out=$(helper_bundle vdolive) || fail "$out"
    read -r id location <<<"$out"
    peer_start vdolive vdolive-server "$OUTSIDE" 40
    out=$(console "stop $id" "uninstall $id") || { peer_stop; fail "stop/uninstall $id failed: $out"; }
    if peer_client abox "$TMP/vdolive-none.out" vdolive-client "$OUTSIDE" "$(fresh_port)"; then
        peer_stop
        swap_fail "$location" "without the helper the video arrived: $(cat "$TMP/vdolive-none.out")" vdolive
    fi
    new_id=$(install_helper "$location" vdolive) || { peer_stop; fail "$new_id"; }
    local rc=0
    peer_client abox "$TMP/vdolive-again.out" vdolive-client "$OUTSIDE" "$(fresh_port)" || rc=$?
    peer_stop
    [ "$rc" -eq 0 ] || fail "after reinstalling: $(cat "$TMP/vdolive-again.out")"
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled: $(cat "$TMP/vdolive-none.out"); installed again as bundle $new_id:" \
        "$(cat "$TMP/vdolive-again.out"); gateway pid $gw_pid throughout"
}
