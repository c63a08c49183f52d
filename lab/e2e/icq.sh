# shellcheck shell=bash
# lab/e2e/icq.sh: ICQ's direct connections through the gateway (masq.helper.icq, issue 13), sourced
# by run.sh. No ICQ client or server survives in Debian: lab/e2e/icq_peer.py plays both ends of v5
# and of OSCAR from the protocol descriptions; its servers on the outside host have contacts
# connect to what the client announced, as the real servers' contacts did. Linux has no ICQ helper,
# so kernel mode skips.

ICQ_PEER="$LAB_DIR/e2e/icq_peer.py"

# icq_run PROTOCOL OUT: the PROTOCOL (v5 or oscar) client on A-box against its server outside
# (started before), from a fresh port; its status, its line in OUT.
icq_run() {
    nsx abox timeout 20 /usr/bin/python3 "$ICQ_PEER" "$1-client" "$OUTSIDE" "$(fresh_port)" >"$2" 2>&1
}

# A-box logs in over v5 announcing its direct-connection port: the server saw the gateway's address
# and a gateway port announced, and two contacts outside reached A-box's port through it, one after
# the other; masq:expect keeps the port open for the login's life.
t_icq_v5_direct_connections() {
    need_masq ICQ
    need_console
    peer_start icq-v5 "$ICQ_PEER" v5-server "$OUTSIDE" 40
    local rc=0 expect
    icq_run v5 "$TMP/icq-v5.out" || rc=$?
    expect=$(console masq:expect | awk '$6 == "icq"')
    peer_stop
    [ "$rc" -eq 0 ] || fail "A-box: $(cat "$TMP/icq-v5.out"); server: $(grep -E '^(login|peer)' "$TMP/icq-v5.log" | paste -sd';')"
    grep -q "^login 1001 from $GW_OUT:[0-9]* announcing $GW_OUT:[0-9]*\$" "$TMP/icq-v5.log" ||
        fail "the server was not told the gateway's address: $(grep '^login' "$TMP/icq-v5.log")"
    grep -q "with master" <<<"$expect" || fail "masq:expect does not hold the port open: $expect"
    echo "$(cat "$TMP/icq-v5.out"); $(grep -E '^(login|peer)' "$TMP/icq-v5.log" | paste -sd';'); masq:expect: $expect"
}

# A-box signs on over OSCAR: its DC info (split over two segments) and a file-transfer proposal
# name the gateway (the proposal's check TLVs matching), and a contact outside reaches each of
# A-box's two ports.
t_oscar_dc_and_rendezvous() {
    need_masq ICQ
    peer_start icq-oscar "$ICQ_PEER" oscar-server "$OUTSIDE" 40
    local rc=0
    icq_run oscar "$TMP/icq-oscar.out" || rc=$?
    peer_stop
    [ "$rc" -eq 0 ] || fail "A-box: $(cat "$TMP/icq-oscar.out"); server: $(grep -E '^(dc|proposal|peer)' "$TMP/icq-oscar.log" | paste -sd';')"
    grep -q "^dc 1001 $GW_OUT:" "$TMP/icq-oscar.log" && grep -q "^proposal $GW_OUT:[0-9]* checks match\$" "$TMP/icq-oscar.log" ||
        fail "the server was not told the gateway's address: $(grep -E '^(dc|proposal)' "$TMP/icq-oscar.log" | paste -sd';')"
    echo "$(cat "$TMP/icq-oscar.out"); $(grep -E '^(dc|proposal|peer)' "$TMP/icq-oscar.log" | paste -sd';')"
}

# The ICQ bundle uninstalled from the running gateway (both its helpers go): neither protocol's
# contacts reach A-box (the servers are told A-box's own address and port); installed again, both
# work again; same gateway pid.
t_icq_helper_hot_swap() {
    need_masq ICQ
    need_console
    local gw_pid id location out new_id proto results=""
    gw_pid=$(gateway_pid)
    out=$(helper_bundle icq) || fail "$out"
    read -r id location <<<"$out"
    out=$(console "stop $id" "uninstall $id") || fail "stop/uninstall $id failed: $out"
    for proto in v5 oscar; do
        peer_start "icq-$proto-none" "$ICQ_PEER" "$proto-server" "$OUTSIDE" 40
        if icq_run "$proto" "$TMP/icq-$proto-none.out"; then
            peer_stop
            swap_fail "$location" "without the helper the $proto client passed: $(cat "$TMP/icq-$proto-none.out")" icq
        fi
        peer_stop
        results+="without: $proto: $(cat "$TMP/icq-$proto-none.out"); "
    done
    new_id=$(install_helper "$location" icq) || fail "$new_id"
    for proto in v5 oscar; do
        peer_start "icq-$proto-again" "$ICQ_PEER" "$proto-server" "$OUTSIDE" 40
        local rc=0
        icq_run "$proto" "$TMP/icq-$proto-again.out" || rc=$?
        peer_stop
        [ "$rc" -eq 0 ] || fail "after reinstalling, $proto: $(cat "$TMP/icq-$proto-again.out")"
        results+="again: $proto: $(cat "$TMP/icq-$proto-again.out"); "
    done
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled, installed again as bundle $new_id: ${results}gateway pid $gw_pid throughout"
}
