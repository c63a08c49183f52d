# shellcheck shell=bash
# lab/e2e/dhcp.sh: the outside address by DHCP (outside.address = dhcp), against dnsmasq on the
# router. Sourced by run.sh.

# dnsmasq on the router's WAN side: the gateway's outside MAC gets DHCP_FIRST, a 2 min lease
# (dnsmasq's shortest) renewed at T1 = 6 s, rebound at T2 = 10 s, the router as option 3;
# authoritative, so a renewal of an address the host file no longer gives is NAKed.
DHCP_FIRST=203.0.113.21
DHCP_SECOND=203.0.113.22
DHCP_PID=""
dhcp_server_start() {
    local mac=$1 dir=$TMP/dnsmasq
    mkdir -p "$dir"
    echo "$mac,$DHCP_FIRST" >"$dir/hosts"
    # --user=root: the host file lives in the test's private directory, which nobody else may read
    ip netns exec "$(ns router)" dnsmasq --keep-in-foreground --user=root --no-resolv --port=0 --interface=eth0 \
        --bind-interfaces --dhcp-authoritative --dhcp-range=203.0.113.100,203.0.113.150,255.255.255.0,2m \
        --dhcp-option=option:router,"$ROUTER" --dhcp-option=option:T1,6 --dhcp-option=option:T2,10 \
        --dhcp-hostsfile="$dir/hosts" --dhcp-leasefile="$dir/leases" --pid-file="$dir/pid" --log-dhcp \
        --log-facility="$dir/log" >"$dir/out.log" 2>&1 &
    DHCP_PID=$!
    for _ in $(seq 40); do
        grep -q "]: read $dir/hosts" "$dir/log" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "dnsmasq did not start: $(cat "$dir/out.log" "$dir/log" 2>/dev/null | tail -n 2)"
}
dhcp_server_stop() { [ -z "$DHCP_PID" ] || stop_all "$DHCP_PID"; DHCP_PID=""; }

# await_whoami ADDRESS: A-box's requests to the outside nginx come from ADDRESS within 30 s.
await_whoami() {
    local seen=""
    for _ in $(seq 60); do
        seen=$(nsx abox curl -s --max-time 2 "http://$OUTSIDE/whoami" || true)
        [ "$seen" = "$1" ] && return 0
        sleep 0.5
    done
    fail "the outside server sees A-box as '${seen:-nothing}', not $1 (masq:status dhcp: $(status_item dhcp))"
}

# outside.address = dhcp set live on the running gateway: it leases DHCP_FIRST from dnsmasq (DISCOVER,
# OFFER, REQUEST, ACK), masq:status shows the lease, and A-box's traffic leaves from it; renewals
# come every 6 s. The server then gives the gateway's MAC DHCP_SECOND: the next renewal is NAKed,
# the gateway discovers again, leases DHCP_SECOND, flushes the old address's mappings and A-box's
# traffic leaves from the new one. Putting the configured address back releases the lease
# (DHCPRELEASE in dnsmasq's log).
t_dhcp_outside_address() {
    need_console
    local mac log renewals
    trap 'config_restore; dhcp_server_stop' EXIT
    mac=$(nsx gate cat /sys/class/net/out0/address)
    dhcp_server_start "$mac"
    log=$TMP/dnsmasq/log
    config_set outside.gateway ""
    config_set outside.address dhcp
    await_whoami "$DHCP_FIRST"
    status_item dhcp | grep -q "^bound $DHCP_FIRST/24, router $ROUTER, from $ROUTER, lease 120 s" ||
        fail "masq:status dhcp: $(status_item dhcp)"
    for _ in $(seq 60); do # T1 is 6 s: a renewal within 15 s
        renewals=$(grep -c "DHCPACK(eth0) $DHCP_FIRST $mac" "$log" || true)
        [ "$renewals" -ge 2 ] && break
        sleep 0.25
    done
    [ "$renewals" -ge 2 ] || fail "no renewal acknowledged within 15 s of the first lease ($renewals ACKs)"
    echo "$mac,$DHCP_SECOND" >"$TMP/dnsmasq/hosts"
    kill -HUP "$DHCP_PID"
    await_whoami "$DHCP_SECOND"
    grep -q "DHCPNAK(eth0) $DHCP_FIRST $mac" "$log" || fail "dnsmasq did not NAK the renewal of $DHCP_FIRST"
    config_restore
    await_status outside "$GW_OUT/24" || fail "the configured address did not come back"
    for _ in $(seq 20); do
        grep -q "DHCPRELEASE(eth0) $DHCP_SECOND $mac" "$log" && break
        sleep 0.25
    done
    grep -q "DHCPRELEASE(eth0) $DHCP_SECOND $mac" "$log" || fail "the lease of $DHCP_SECOND was not released"
    await_whoami "$GW_OUT"
    echo "leased $DHCP_FIRST and renewed it; a NAKed renewal, then $DHCP_SECOND, A-box's traffic" \
        "from each; released when $GW_OUT/24 was configured again"
}
