# lab/e2e/quake.sh: the end-to-end tests of Quake through the gateway, sourced by run.sh. Real
# servers on the outside host (quakespasm -dedicated for NetQuake, mvdsv with ktx for QuakeWorld)
# on game data generated in the test (lab/e2e/quake/), quakestat from qstat, and clients written
# from the protocols (lab/e2e/quake/*_client.py) on A-box.
# shellcheck shell=bash

QUAKE_DIR="$LAB_DIR/e2e/quake"
NQ_PORT=26000
QW_PORT=27500
# The server keeps a client that never got in for net_messagetimeout seconds (300 by default).
NQ_SETTINGS=('net_messagetimeout 10')

# quake_data: the generated game data in $TMP/quake (made once per run, about 1 s); prints the dir.
quake_data() {
    local dir=$TMP/quake out
    if [ ! -f "$dir/id1/progs.dat" ]; then
        mkdir -p "$dir"
        out=$("$QUAKE_DIR/make_gamedata.sh" "$dir" 2>&1) || fail "make_gamedata.sh failed: $(tail -n 1 <<<"$out")"
    fi
    echo "$dir"
}

# quake_server KIND: starts the NetQuake (nq) or QuakeWorld (qw) server on the outside host, waits
# until it answers, and stops it when the test ends (QUAKE_SERVERS, quake_cleanup).
QUAKE_SERVERS=()
quake_server() {
    local kind=$1 dir out
    dir=$(quake_data)
    trap quake_cleanup EXIT
    if [ "$kind" = nq ]; then
        out=$(nsx outside "$QUAKE_DIR/run_nq.sh" "$dir" "$NQ_PORT" "${NQ_SETTINGS[@]}" 2>&1) ||
            fail "the NetQuake server did not start: $(tail -n 1 <<<"$out")"
        QUAKE_SERVERS+=("run_nq.sh $NQ_PORT")
    else
        out=$(nsx outside "$QUAKE_DIR/run_qw.sh" "$dir" "$QW_PORT" 2>&1) ||
            fail "the QuakeWorld server did not start: $(tail -n 1 <<<"$out")"
        QUAKE_SERVERS+=("run_qw.sh $QW_PORT")
    fi
}

# quake_cleanup: the test's EXIT trap: the mapping put back if the test changed it, its servers stopped.
quake_cleanup() {
    local s
    [ -z "${CONFIG_SAVED:-}" ] || mapping_restore >/dev/null 2>&1 || true
    for s in "${QUAKE_SERVERS[@]}"; do
        # shellcheck disable=SC2086 # "script port"
        "$QUAKE_DIR/${s% *}" --stop "$TMP/quake" "${s#* }" >/dev/null 2>&1 || true
    done
    QUAKE_SERVERS=()
}

# qstat_through TYPE PORT: quakestat TYPE (-qs, -qws) from A-box to the server outside; the raw line.
qstat_through() {
    local line
    line=$(nsx abox timeout 10 quakestat -raw , "$1" "$OUTSIDE:$2" 2>&1) || fail "quakestat $1 failed: $line"
    [[ $line == *,start,* ]] || fail "quakestat $1 $OUTSIDE:$2 through the gateway did not answer: $line"
    echo "$line"
}

# nq_client OUT: the NetQuake client on A-box (a fresh port: see fresh_port), its output in OUT; status.
nq_client() {
    nsx abox timeout 20 /usr/bin/python3 "$QUAKE_DIR/netquake_client.py" "$OUTSIDE" "$NQ_PORT" 2 \
        "${HOST_ADDR[abox]}:$(fresh_port)" >"$1" 2>&1
}
qw_client() {
    nsx abox timeout 20 /usr/bin/python3 "$QUAKE_DIR/quakeworld_client.py" "$OUTSIDE" "$QW_PORT" \
        "${HOST_ADDR[abox]}:$(fresh_port)" >"$1" 2>&1
}
summary() { grep '^summary: ' "$1" || tail -n 1 "$1"; }

# nq_joined OUT: the client of OUT passed and the server logged it connecting from the gateway's
# outside address and entering the game.
nq_joined() {
    local log=$TMP/quake/nq-$NQ_PORT.log
    grep -q 'result=OK' "$1" || { echo "the client did not get into the game: $(summary "$1")"; return 1; }
    grep -q "^Client $GW_OUT:[0-9]* connected" "$log" ||
        { echo "the server logged no client from $GW_OUT: $(grep -m 1 '^Client' "$log" || echo none)"; return 1; }
    grep -q '^masqtest entered the game' "$log" || { echo "the server logged no 'masqtest entered the game'"; return 1; }
}

# NetQuake through masq as it runs (endpoint-independent mapping): quakestat answers, and the real
# connect handshake gets the client into the game, its traffic to the server's new port leaving from
# the gateway port its connect left from. The kernel's MASQUERADE answers quakestat but fails the
# connect: the server's first packet from its new port reaches the gateway before the client's
# first packet to it, conntrack records it as a connection to the gateway's own port, and the
# client's packets, finding that tuple taken, leave from another port ("Forged packet received").
t_quake_netquake_connect() {
    quake_server nq
    local stat out
    stat=$(qstat_through -qs "$NQ_PORT")
    nq_client "$TMP/nq.out" || true
    if ! out=$(nq_joined "$TMP/nq.out"); then
        [ "$MODE" = kernel ] && grep -q '^Forged packet received' "$TMP/quake/nq-$NQ_PORT.log" &&
            skip "quakestat answered ($stat); the connect fails through the kernel's MASQUERADE, which has" \
                "no Quake helper: the server's first packet from its new port took the client's tuple" \
                "(server: Forged packet received)"
        fail "$out"
    fi
    echo "quakestat: $stat"
    grep -E '^(accept|world):' "$TMP/nq.out"
    grep -m 1 "^Client $GW_OUT" "$TMP/quake/nq-$NQ_PORT.log"
}

# QuakeWorld keeps one server port: quakestat answers and a client connects (challenge, connect, the
# netchan up to the level's data) through plain NAT; no helper is attached to its port.
t_quakeworld_connect() {
    quake_server qw
    local stat rc=0
    stat=$(qstat_through -qws "$QW_PORT")
    qw_client "$TMP/qw.out" || rc=$?
    [ "$rc" -eq 0 ] || fail "the QuakeWorld client failed: $(summary "$TMP/qw.out")"
    grep -q 'Client masqqw connected' "$TMP/quake/qw-$QW_PORT.log" || fail "mvdsv logged no 'Client masqqw connected'"
    echo "quakestat: $stat"
    summary "$TMP/qw.out"
}

# --- the quake helper under Linux 2.2's mapping ------------------------------------------------

# await_mapping VALUE: waits (15 s at most) until masq:status shows the mapping VALUE and the link
# up; prints what it shows otherwise.
await_mapping() { await_status mapping "$1"; }

# mapping_set VALUE: mapping = VALUE in the running gateway's configuration (config_set); waits
# until the engine runs with it. mapping_restore: the configuration put back, and waited for.
mapping_set() {
    trap quake_cleanup EXIT
    config_set mapping "$1"
    await_mapping "$1"
}
mapping_restore() {
    config_restore
    await_mapping "$(cfg_mapping)"
}
cfg_mapping() {
    sed -n 's/^[[:space:]]*mapping[[:space:]]*[=:][[:space:]]*//p' "$(gateway_etc)/masq.gateway.cfg" | tail -n 1 |
        grep . || echo endpoint-independent
}

# Under mapping = address-and-port-dependent (Linux 2.2's one masq entry per destination, set live
# in the gateway's masq.gateway.cfg and put back afterwards) the client's traffic to the server's new
# port leaves from a new gateway port: with the quake helper uninstalled the server drops it
# ("Forged packet received") and the client never gets in; QuakeWorld, one server port, connects all
# the same. Installed again, the helper makes the new port share the connect's gateway port and
# the client gets in. Clients one after the other: the server drops the older of two clients from
# one address.
t_quake_helper_under_port_dependent_mapping() {
    [ "$MODE" = masq ] || skip "Linux has no Quake helper, and its MASQUERADE maps endpoint-independently"
    need_console
    local gw_pid id location out new_id
    gw_pid=$(gateway_pid)
    out=$(helper_bundle quake) || fail "$out"
    read -r id location <<<"$out"
    mapping_set address-and-port-dependent >"$TMP/mapping.out" || fail "$(cat "$TMP/mapping.out")"
    quake_server nq
    quake_server qw
    out=$(console "stop $id" "uninstall $id") || fail "stop/uninstall $id failed: $out"
    if nq_client "$TMP/nq-none.out"; then
        swap_fail "$location" "without the helper the client got in: $(summary "$TMP/nq-none.out")" quake
    fi
    grep -q '^Forged packet received' "$TMP/quake/nq-$NQ_PORT.log" ||
        swap_fail "$location" "without the helper the server logged no forged packet: $(summary "$TMP/nq-none.out")" quake
    qw_client "$TMP/qw-none.out" ||
        swap_fail "$location" "QuakeWorld without the helper: $(summary "$TMP/qw-none.out")" quake
    new_id=$(install_helper "$location" quake) || fail "$new_id"
    nq_client "$TMP/nq-again.out" || true
    out=$(nq_joined "$TMP/nq-again.out") || fail "after reinstalling: $out"
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    mapping_restore >"$TMP/mapping.out" || fail "putting the mapping back: $(cat "$TMP/mapping.out")"
    echo "mapping address-and-port-dependent; bundle $id uninstalled: NetQuake $(summary "$TMP/nq-none.out")," \
        "QuakeWorld $(summary "$TMP/qw-none.out"); installed again as bundle $new_id: NetQuake" \
        "$(summary "$TMP/nq-again.out"); mapping endpoint-independent again; gateway pid $gw_pid throughout"
}
