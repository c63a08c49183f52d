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
# outside, each on a new connection (some on client ports of closed ones), split 100 / 300 within 5.
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
    # every new connection takes the next turn, a client reusing a port of a closed one too; a SYN
    # that a server's TIME_WAIT answers with a challenge ACK is retried as a new turn, hence the margin
    [ "$a" -ge 95 ] && [ "$a" -le 105 ] || fail "weights 1:3 gave A-box $a and B-box $b of 400"
    echo "weights 1:3 over 400 new connections: A-box $a, B-box $b"
}

# "PORTFWed FTP" (protocols.md §1.5): vsftpd on A-box behind the gateway's tcp 21, and curl on the
# outside host fetching the test file in passive mode (PASV/227 with the reply's address used, and
# EPSV/229) and in active mode (PORT, EPRT). With the helper on the forward (masq: masq:portfw add ...
# helper ftp; kernel: DNAT and CT --helper ftp) all four arrive whole and the 227 names the gateway.
# Without it the passive ones fail, the 227 naming A-box's address: the data port is not forwarded.
# The active ones work either way: the server's data connection leaves masqueraded as any outbound
# connection does (so the kernel, and masq, need no rewrite there).
t_portfw_ftp_server_inside() {
    local passive=("--ftp-pasv --disable-epsv --no-ftp-skip-pasv-ip" "--ftp-pasv --epsv")
    local active=("-P - --disable-eprt" "-P - --eprt")
    local mode opts reply failed=()
    trap 'ftp_forward_clear; inside_vsftpd_stop' EXIT
    inside_vsftpd_start
    ftp_forward helper
    for opts in "${passive[@]}" "${active[@]}"; do
        # shellcheck disable=SC2086 # the options are words on purpose
        inside_ftp_curl "$TMP/in-ftp.bin" $opts || fail "with the helper, curl $opts: $(failure_lines "$TMP/in-ftp.bin.log")"
        same_sha "$TMP/in-ftp.bin"
        [[ $opts != *--disable-epsv* ]] || reply=$(grep -a '^< 227 ' "$TMP/in-ftp.bin.log" | tail -n 1)
    done
    [[ $reply == *"(${GW_OUT//./,},"* ]] || fail "with the helper the 227 does not name the gateway: $reply"
    ftp_forward_clear
    ftp_forward plain
    for opts in "${passive[@]}"; do
        # shellcheck disable=SC2086
        ! inside_ftp_curl "$TMP/in-ftp-plain.bin" $opts || failed+=("curl $opts passed without the helper")
    done
    for opts in "${active[@]}"; do
        # shellcheck disable=SC2086
        inside_ftp_curl "$TMP/in-ftp-plain.bin" $opts || failed+=("active curl $opts failed without the helper")
    done
    [ ${#failed[@]} -eq 0 ] || fail "${failed[*]}"
    mode=$([ "$MODE" = masq ] && echo "masq:portfw ... helper ftp" || echo "DNAT + CT --helper ftp")
    echo "with $mode: PASV (reply: ${reply#< }), EPSV, PORT and EPRT fetched the file whole;" \
        "without the helper: passive refused, active still works"
}

# inside_ftp_curl OUT OPTION...: curl from the outside host to the gateway's FTP port, the test
# file into OUT, its verbose log in OUT.log; fails as curl does.
inside_ftp_curl() {
    local out=$1
    shift
    rm -f "$out"
    nsx outside timeout 30 curl -v -sS --connect-timeout 5 --max-time 25 "$@" -o "$out" \
        "ftp://$GW_OUT/$TEST_FILE" >"$out.log" 2>&1
}

# ftp_forward helper|plain: the gateway's tcp 21 forwarded to A-box's vsftpd, with the FTP helper or
# without. masq: a masq.portfw configuration through the console; kernel: DNAT, and CT --helper ftp.
ftp_forward() {
    local kind=$1 out
    if [ "$MODE" = masq ]; then
        need_console
        out=$(console "masq:portfw add ftpin tcp 21 ${HOST_ADDR[abox]} 21 $([ "$kind" = helper ] && echo helper ftp)") ||
            fail "masq:portfw add: $out"
        grep -q "^ftpin: .*, active\$" <<<"$out" || fail "masq:portfw add: $out"
    else
        nsx gate iptables -t nat -A PREROUTING -i out0 -p tcp --dport 21 -j DNAT --to-destination "${HOST_ADDR[abox]}:21"
        [ "$kind" != helper ] || nsx gate iptables -t raw -A PREROUTING -i out0 -p tcp --dport 21 -j CT --helper ftp
    fi
    FTP_FORWARD=$kind
}
ftp_forward_clear() {
    if [ "$MODE" = masq ]; then
        rm -f "$(gateway_etc)/masq.portfw-ftpin.cfg"
        for _ in $(seq 40); do
            console masq:portfw | grep -q '^ftpin ' || break
            sleep 0.25
        done
    elif [ -n "${FTP_FORWARD:-}" ]; then
        nsx gate iptables -t nat -D PREROUTING -i out0 -p tcp --dport 21 -j DNAT --to-destination "${HOST_ADDR[abox]}:21"
        [ "$FTP_FORWARD" != helper ] || nsx gate iptables -t raw -D PREROUTING -i out0 -p tcp --dport 21 -j CT --helper ftp
    fi
    FTP_FORWARD=""
}

INSIDE_FTP_PID=""
inside_vsftpd_start() {
    vsftpd_conf "$TMP/vsftpd-abox" abox
    ip netns exec "$(ns abox)" vsftpd "$TMP/vsftpd-abox/vsftpd.conf" >"$TMP/vsftpd-abox/out.log" 2>&1 &
    INSIDE_FTP_PID=$!
    for _ in $(seq 40); do
        nsx abox ss -Htln "sport = :21" | grep -q . && return 0
        sleep 0.1
    done
    fail "vsftpd on A-box did not listen: $(cat "$TMP/vsftpd-abox/out.log")"
}
inside_vsftpd_stop() { [ -z "$INSIDE_FTP_PID" ] || stop_all "$INSIDE_FTP_PID"; }

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
