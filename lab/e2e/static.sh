# shellcheck shell=bash
# lab/e2e/static.sh: 1:1 static NAT (masq.static, issue 14), sourced by run.sh. In masq mode the
# rule is added and removed on the gateway's console; in kernel mode the test sets up what the
# kernel needs for the same thing (the extra address on out0, DNAT and SNAT), so the test itself
# can be checked against Linux.

STATIC_PEER="$LAB_DIR/e2e/static_peer.py"
STATIC_ADDR=203.0.113.50
STATIC_PID=""

# static_rule add|remove: C-box <-> $STATIC_ADDR on the gateway, by the console or by iptables.
static_rule() {
    local out inside=${HOST_ADDR[cbox]}
    if [ "$MODE" = kernel ]; then
        local op=-I addr=add
        [ "$1" = add ] || { op=-D addr=del; }
        nsx gate ip addr "$addr" "$STATIC_ADDR/24" dev out0 || fail "ip addr $addr $STATIC_ADDR on out0"
        nsx gate iptables -t nat "$op" PREROUTING -d "$STATIC_ADDR" -j DNAT --to-destination "$inside"
        nsx gate iptables -t nat "$op" POSTROUTING -s "$inside" -o out0 -j SNAT --to-source "$STATIC_ADDR"
        [ "$1" = add ] || nsx gate conntrack -D -s "$inside" >/dev/null 2>&1 || true
        return 0
    fi
    if [ "$1" = add ]; then
        out=$(console "masq:static add cbox $inside $STATIC_ADDR") || fail "masq:static add: $out"
        grep -q "^cbox: $inside <-> $STATIC_ADDR, active\$" <<<"$out" || fail "masq:static add: $out"
    else
        out=$(console "masq:static remove cbox") || fail "masq:static remove: $out"
    fi
}

static_cleanup() {
    [ -z "$STATIC_PID" ] || stop_all "$STATIC_PID"
    if [ "$MODE" = kernel ]; then
        nsx gate ip addr show dev out0 | grep -q " $STATIC_ADDR/" && static_rule remove
    else
        rm -f "$(gateway_etc)/masq.static-cbox.cfg"
    fi
}

# static_probe WANT: the outside host probes every port of the list on $STATIC_ADDR; WANT "all"
# needs each to answer on TCP and UDP from C-box, seeing the outside host's own address; "none"
# needs none to answer.
static_probe() {
    local rc=0
    nsx outside timeout 120 /usr/bin/python3 "$STATIC_PEER" probe "$STATIC_ADDR" "${STATIC_PORTS[@]}" \
        >"$TMP/static-probe.out" 2>&1 || rc=$?
    case $1 in
        all)
            [ "$rc" -eq 0 ] || fail "from outside, not every port of $STATIC_ADDR reached C-box: $(head -n 4 "$TMP/static-probe.out" | paste -sd';')"
            grep -qx "tcp [0-9/]* udp [0-9/]* seen as $OUTSIDE" "$TMP/static-probe.out" ||
                fail "C-box saw the outside host as another address: $(head -n 1 "$TMP/static-probe.out")"
            ;;
        none)
            [ "$rc" -eq 2 ] || fail "ports of $STATIC_ADDR answered without the rule: $(head -n 4 "$TMP/static-probe.out" | paste -sd';')"
            ;;
    esac
}

# 1:1 NAT of C-box to 203.0.113.50: without the rule nothing answers on the address; with it, from
# the outside host, each of 227 ports (both ends of the port space, the privileged ones, the
# gateway's own masq range, 200 drawn with a fixed seed) reaches a listener on C-box by TCP and by
# UDP, C-box seeing the outside host's real address; a ping to the address is answered by C-box;
# C-box's own connections leave with the address (nginx's /whoami) and its active FTP names it in
# PORT, while A-box still leaves masqueraded as the gateway's address. Removed, the address is
# silent again and C-box is masqueraded like the others.
t_static_nat_host_every_port() {
    [ "$MODE" = kernel ] || need_console
    trap static_cleanup EXIT
    ip netns exec "$(ns cbox)" timeout 600 /usr/bin/python3 "$STATIC_PEER" serve "${HOST_ADDR[cbox]}" 600 \
        >"$TMP/static-serve.log" 2>&1 &
    STATIC_PID=$!
    for _ in $(seq 50); do
        grep -q '^ports ' "$TMP/static-serve.log" && break
        sleep 0.1
    done
    grep -q '^ports ' "$TMP/static-serve.log" || fail "the listeners on C-box did not start: $(tail -n 1 "$TMP/static-serve.log")"
    read -r -a STATIC_PORTS <<<"$(sed -n 's/^ports //p' "$TMP/static-serve.log")"
    local busy
    busy=$(grep '^busy ' "$TMP/static-serve.log" | paste -sd';') || true

    static_probe none
    static_rule add
    static_probe all
    local probed pinged who abox_who ftp="" listed=""
    probed=$(head -n 1 "$TMP/static-probe.out")
    nsx outside timeout 10 ping -n -c 3 -i 0.2 -W 2 "$STATIC_ADDR" >"$TMP/static-ping.log" 2>&1 ||
        fail "no echo reply from $STATIC_ADDR: $(grep -E 'transmitted' "$TMP/static-ping.log")"
    pinged=$(grep -E 'transmitted' "$TMP/static-ping.log")
    who=$(nsx cbox curl -s --max-time 5 "http://$OUTSIDE/whoami") || fail "C-box could not reach the outside nginx"
    [ "$who" = "$STATIC_ADDR" ] || fail "C-box's connection left as '$who', not $STATIC_ADDR"
    abox_who=$(nsx abox curl -s --max-time 5 "http://$OUTSIDE/whoami") || fail "A-box could not reach the outside nginx"
    [ "$abox_who" = "$GW_OUT" ] || fail "A-box's connection left as '$abox_who', not $GW_OUT"
    # Active FTP from C-box: curl's PORT names 192.168.0.4; vsftpd refuses a PORT naming another
    # address than the control connection's, so the whole file arriving proves it was rewritten.
    if [ "$MODE" = masq ] || [ "$(cut -d: -f1 "$STATE/ftp_helper" 2>/dev/null)" = yes ]; then
        fetch cbox "$TMP/static-ftp" curl -v -sS --max-time 50 -P - --disable-eprt -o "$TMP/static-ftp" \
            "ftp://$OUTSIDE/$TEST_FILE"
        same_sha "$TMP/static-ftp"
        log_has "$TMP/static-ftp" "^> PORT ${HOST_ADDR[cbox]//./,}," "a PORT naming C-box"
        ftp=", active FTP from C-box: the file arrived"
    fi
    if [ "$MODE" = masq ]; then
        listed=$(console masq:static | awk '$1 == "cbox"')
        grep -q "${HOST_ADDR[cbox]} <-> $STATIC_ADDR" <<<"$listed" || fail "masq:static does not list cbox: $(console masq:static)"
    fi

    static_rule remove
    static_probe none
    who=$(nsx cbox curl -s --max-time 5 "http://$OUTSIDE/whoami") || fail "C-box could not reach outside after the removal"
    [ "$who" = "$GW_OUT" ] || fail "after the removal C-box left as '$who', not $GW_OUT"
    echo "without the rule: no port of $STATIC_ADDR answered; with it: $probed; ping: $pinged;" \
        "C-box left as $STATIC_ADDR, A-box as $abox_who$ftp${listed:+; masq:static: $listed};" \
        "removed: no port answered, C-box left as $who${busy:+; on C-box $busy}"
}
