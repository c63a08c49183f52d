# lab/e2e/x11.sh: X display forwarding both ways with real X programs (issue 20): an inside X
# client on an outside display through plain masquerading, and an outside client drawing on an
# inside display through a port forward of 6000-6009; sourced by run.sh. Displays :7 (outside) and
# :8 (A-box), whose lock files the namespaces share with the machine. -noreset: an X server resets
# its access list when its last client leaves, and xhost is a client that leaves.
# shellcheck shell=bash

X_PIDS=()
# x_server HOST DISPLAY ARGS...: Xvfb DISPLAY in HOST, listening on TCP 6000+DISPLAY; its log in $TMP.
x_server() {
    local host=$1 display=$2
    shift 2
    [ ! -e "/tmp/.X$display-lock" ] || fail "display :$display is taken on this machine (/tmp/.X$display-lock)"
    ip netns exec "$(ns "$host")" Xvfb ":$display" -listen tcp -nolisten unix -noreset -screen 0 640x480x24 "$@" \
        >"$TMP/xvfb-$display.log" 2>&1 &
    X_PIDS+=($!)
    for _ in $(seq 50); do
        nsx "$host" bash -c "exec 3<>/dev/tcp/${HOST_ADDR[$host]}/$((6000 + display))" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "Xvfb :$display did not start in $host: $(tail -n 1 "$TMP/xvfb-$display.log")"
}
x_stop() {
    stop_all "${X_PIDS[@]}"
    X_PIDS=()
}

# An inside X client on the outside host's display: Xvfb :7 there with a cookie (MIT-MAGIC-COOKIE-1,
# which does not depend on the client's address, so it works through the masquerade; xhost would
# have to admit the gateway's address, and with it every inside host). A-box's xdpyinfo with the
# cookie reads the display through the gateway; without it the server refuses, so the test shows
# the display's own access control at work, not an open one.
t_x11_client_inside_to_display_outside() {
    trap x_stop EXIT
    local cookie out
    cookie=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    : >"$TMP/x-server.auth"
    : >"$TMP/x-client.auth"
    xauth -q -f "$TMP/x-server.auth" add ":7" MIT-MAGIC-COOKIE-1 "$cookie"
    xauth -q -f "$TMP/x-client.auth" add "$OUTSIDE:7" MIT-MAGIC-COOKIE-1 "$cookie"
    x_server outside 7 -auth "$TMP/x-server.auth"
    out=$(nsx abox env XAUTHORITY="$TMP/x-client.auth" timeout 10 xdpyinfo -display "$OUTSIDE:7" 2>&1) ||
        fail "xdpyinfo from A-box on $OUTSIDE:7 failed: $(tail -n 1 <<<"$out")"
    grep -q "dimensions: *640x480 pixels" <<<"$out" || fail "xdpyinfo printed no 640x480 screen: $(head -n 3 <<<"$out")"
    if nsx abox env XAUTHORITY=/nonexistent timeout 10 xdpyinfo -display "$OUTSIDE:7" >"$TMP/x-noauth.out" 2>&1; then
        fail "the outside display let A-box in without the cookie"
    fi
    echo "A-box's xdpyinfo on $OUTSIDE:7 through the gateway: $(grep -m1 'dimensions' <<<"$out" | xargs);" \
        "refused without the cookie: $(tail -n 1 "$TMP/x-noauth.out")"
}

# A remote X client outside drawing on A-box's display :8 through a port forward of 6000-6009 to
# A-box (masq:portfw): A-box admits the outside host by address (xhost +inet:203.0.113.2: behind a
# forward the display sees the client's real address); from the outside host, xdpyinfo reads
# 203.0.113.1:8 and xlogo opens a window there, which xdotool finds from outside and xwininfo
# lists on A-box. Before the forward, the outside host cannot reach the display.
t_x11_remote_client_to_inside_display() {
    need_console
    trap 'x_stop; rm -f "$(gateway_etc)/masq.portfw-x11.cfg"' EXIT
    x_server abox 8
    nsx abox env DISPLAY="${HOST_ADDR[abox]}:8" xhost "+inet:$OUTSIDE" >/dev/null 2>"$TMP/xhost.err" ||
        fail "xhost on A-box: $(cat "$TMP/xhost.err")"
    if nsx outside timeout 5 xdpyinfo -display "$GW_OUT:8" >/dev/null 2>&1; then
        fail "the outside host reached $GW_OUT:8 before any forward"
    fi
    portfw_add x11 tcp 6000-6009 "${HOST_ADDR[abox]}" 6000
    local out tree found
    out=$(nsx outside timeout 10 xdpyinfo -display "$GW_OUT:8" 2>&1) || fail "xdpyinfo on $GW_OUT:8: $(tail -n 1 <<<"$out")"
    ip netns exec "$(ns outside)" timeout 30 xlogo -display "$GW_OUT:8" -title masq-e2e-x11 >"$TMP/xlogo.log" 2>&1 &
    X_PIDS+=($!) # x_stop ends it too
    for _ in $(seq 50); do
        found=$(nsx outside env DISPLAY="$GW_OUT:8" xdotool search --name masq-e2e-x11 2>/dev/null | head -n 1) &&
            [ -n "$found" ] && break
        sleep 0.1
    done
    [ -n "$found" ] || fail "xdotool from outside found no masq-e2e-x11 window on $GW_OUT:8: $(cat "$TMP/xlogo.log")"
    tree=$(nsx abox xwininfo -root -tree -display "${HOST_ADDR[abox]}:8" 2>&1)
    grep -q '"masq-e2e-x11"' <<<"$tree" || fail "xwininfo on A-box does not list the window: $(head -n 5 <<<"$tree")"
    echo "outside: xdpyinfo on $GW_OUT:8 ($(grep -m1 'dimensions' <<<"$out" | xargs)), xlogo's window $found" \
        "found by xdotool; A-box's xwininfo lists it; unreachable before the forward"
}
