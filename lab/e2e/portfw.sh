# lab/e2e/portfw.sh: port forwards (masq.portfw, issue 14) to nginx servers on inside hosts,
# added and removed through masq:portfw, sourced by run.sh. Masq mode only: the kernel gateway of
# the lab has no DNAT rules to compare with.
# shellcheck shell=bash

# inside_nginx_start HOST...: nginx on each inside HOST's address, port 80, answering /server with
# the address it serves and /whoami with the client's; its files under $TMP.
INSIDE_NGINX_PIDS=()
inside_nginx_start() {
    local host dir
    for host in "$@"; do
        dir=$TMP/nginx-$host
        nginx_conf "$dir" "$host" "$dir"
        ip netns exec "$(ns "$host")" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g "daemon off;" \
            >"$dir/out.log" 2>&1 &
        INSIDE_NGINX_PIDS+=($!)
    done
    for host in "$@"; do
        for _ in $(seq 50); do
            nsx "$host" curl -s --max-time 1 "http://${HOST_ADDR[$host]}/server" >/dev/null 2>&1 && continue 2
            sleep 0.1
        done
        fail "nginx on $host did not start: $(tail -n 1 "$TMP/nginx-$host/error.log" 2>/dev/null)"
    done
}
inside_nginx_stop() {
    stop_all "${INSIDE_NGINX_PIDS[@]}"
    INSIDE_NGINX_PIDS=()
}

# portfw_cleanup NAME...: the forwards removed (their files deleted) and the servers stopped.
portfw_cleanup() {
    local name
    for name in "$@"; do
        rm -f "$(gateway_etc)/masq.portfw-$name.cfg"
    done
    inside_nginx_stop
}

# masq:portfw add NAME ... must answer "NAME: <forward>, active".
portfw_add() {
    local name=$1 out
    out=$(console "masq:portfw add $*") || fail "masq:portfw add $*: $out"
    grep -q "^$name: .*, active\$" <<<"$out" || fail "masq:portfw add $*: $out"
}

# From the outside host, curl to a port of the gateway forwarded to nginx on A-box reaches it, from
# the client's own address; from C-box, through the gateway's outside address (hairpin), it does
# too, with the gateway's address as the source, so the answer comes back through the gateway;
# masq:portfw counts both. Removed, the port is closed again, and the gateway forwards on.
t_portfw_to_inside_nginx() {
    need_console
    trap 'portfw_cleanup web' EXIT
    inside_nginx_start abox
    portfw_add web tcp 8080 "${HOST_ADDR[abox]}" 80
    local server who hair_server hair_who list out
    server=$(nsx outside curl -s --max-time 5 "http://$GW_OUT:8080/server") || fail "curl from outside to :8080 failed"
    who=$(nsx outside curl -s --max-time 5 "http://$GW_OUT:8080/whoami")
    [ "$server" = "${HOST_ADDR[abox]}" ] || fail "the forward reached '$server', not A-box"
    [ "$who" = "$OUTSIDE" ] || fail "A-box saw the outside client as '$who', not $OUTSIDE"
    hair_server=$(nsx cbox curl -s --max-time 5 "http://$GW_OUT:8080/server") || fail "C-box by the outside address failed"
    hair_who=$(nsx cbox curl -s --max-time 5 "http://$GW_OUT:8080/whoami")
    [ "$hair_server" = "${HOST_ADDR[abox]}" ] && [ "$hair_who" = "$GW_OUT" ] ||
        fail "hairpin from C-box: server '$hair_server', source seen '$hair_who' (want A-box and $GW_OUT)"
    list=$(console masq:portfw)
    awk '$1 == "web" && $(NF - 1) == 4 && $NF == "active" {found = 1} END {exit !found}' <<<"$list" ||
        fail "masq:portfw does not count 4 connections for web: $list"
    out=$(console "masq:portfw remove web") || fail "masq:portfw remove web: $out"
    if nsx outside curl -s --max-time 3 "http://$GW_OUT:8080/server" >/dev/null 2>&1; then
        fail "port 8080 still forwarded after masq:portfw remove"
    fi
    nsx abox curl -s --max-time 5 -o /dev/null "http://$OUTSIDE/" || fail "the gateway stopped forwarding outbound"
    echo "outside -> $GW_OUT:8080 reached $server as $who; C-box by $GW_OUT reached $hair_server as $hair_who;" \
        "removed: closed, outbound still forwarded"
}

# Two forwards of one port, to nginx on A-box (weight 1) and B-box (weight 3): 400 requests from
# outside, each on a new connection (some on client ports of closed ones), split exactly 100 / 300.
t_portfw_weights_split_connections() {
    need_console
    trap 'portfw_cleanup w1 w3' EXIT
    inside_nginx_start abox bbox
    portfw_add w1 tcp 8081 "${HOST_ADDR[abox]}" 80 1
    portfw_add w3 tcp 8081 "${HOST_ADDR[bbox]}" 80 3
    local urls=() i a b
    for i in $(seq 400); do urls+=("http://$GW_OUT:8081/server"); done
    # each answer is followed by "= EXIT PORT SECONDS ERROR": a failed request says how and when
    nsx outside curl -s --max-time 60 -H 'Connection: close' \
        -w '= %{exitcode} %{local_port} %{time_total} %{errormsg}\n' "${urls[@]}" >"$TMP/split.out" || true
    a=$(grep -cx "${HOST_ADDR[abox]}" "$TMP/split.out" || true)
    b=$(grep -cx "${HOST_ADDR[bbox]}" "$TMP/split.out" || true)
    grep '^= [1-9]' "$TMP/split.out" | sed 's/^= /request failed: curl exit /' || true
    [ $((a + b)) -eq 400 ] || fail "$((a + b)) of 400 requests answered (A-box $a, B-box $b)"
    # exact: every new connection takes the next turn, a client reusing a port of a closed one too
    [ "$a" -eq 100 ] && [ "$b" -eq 300 ] || fail "weights 1:3 gave A-box $a and B-box $b of 400"
    echo "weights 1:3 over 400 new connections: A-box $a, B-box $b"
}

# DirectPlay's port triggering (masq.autofw, written into the gateway's etc and removed after): a
# UDP game peer outside cannot reach A-box's UDP 2350 before A-box sends to the lobby's TCP 47624;
# after it, the peer's datagram to the gateway's 2350 reaches A-box, which answers through the
# gateway; 5 s (the rule's timeout) after A-box's last trigger packet a new peer port is refused
# again. masq:autofw shows A-box holding the rule.
t_autofw_directplay() {
    need_console
    local held="" lapsed
    AUTOFW_RULE=$(gateway_etc)/masq.autofw-dplay.cfg # global: the EXIT trap runs after the function
    trap 'rm -f "$AUTOFW_RULE"; abox_peer_stop' EXIT
    printf '%s\n' "trigger.protocol = tcp" "trigger.port = 47624" "open.protocol = tcp,udp" \
        "open.ports = 2300-2400" "timeout = 5" >"$AUTOFW_RULE"
    for _ in $(seq 40); do
        console masq:autofw | grep -q '^dplay .* active$' && held=yes && break
        sleep 0.25
    done
    [ -n "$held" ] || fail "masq:autofw does not show dplay active: $(console masq:autofw)"
    ip netns exec "$(ns abox)" timeout 60 /usr/bin/python3 "$GAME_PEER" server 0.0.0.0 2350 60 \
        >"$TMP/abox-game.log" 2>&1 &
    ABOX_PEER_PID=$!
    sleep 0.5
    if nsx outside timeout 10 /usr/bin/python3 "$GAME_PEER" client "$GW_OUT" 2350 9100 >"$TMP/before.out" 2>&1; then
        fail "the peer reached A-box before any trigger: $(cat "$TMP/before.out")"
    fi
    nsx abox curl -s --max-time 3 "http://$OUTSIDE:47624/" >/dev/null 2>&1 || true # refused; the SYN left
    nsx outside timeout 10 /usr/bin/python3 "$GAME_PEER" client "$GW_OUT" 2350 9101 >"$TMP/after.out" 2>&1 ||
        fail "after the trigger the peer got no answer from A-box: $(cat "$TMP/after.out")"
    grep -q "^seen $OUTSIDE:9101\$" "$TMP/after.out" || fail "A-box answered '$(cat "$TMP/after.out")'"
    console masq:autofw | grep -q "^dplay .* ${HOST_ADDR[abox]} " || fail "masq:autofw: $(console masq:autofw)"
    sleep 6
    if nsx outside timeout 10 /usr/bin/python3 "$GAME_PEER" client "$GW_OUT" 2350 9102 >"$TMP/lapsed.out" 2>&1; then
        fail "a new peer port reached A-box after the timeout: $(cat "$TMP/lapsed.out")"
    fi
    lapsed=$(console masq:autofw | awk '$1 == "dplay" {print}')
    echo "before the trigger: no answer; after A-box's SYN to 47624: $(cat "$TMP/after.out") from A-box;" \
        "6 s later a new peer port: no answer ($lapsed)"
}
abox_peer_stop() { [ -z "${ABOX_PEER_PID:-}" ] || stop_all "$ABOX_PEER_PID"; }
