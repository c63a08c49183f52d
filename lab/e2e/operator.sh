# lab/e2e/operator.sh: the end-to-end tests of what a careless operator does to a running gateway,
# sourced by run.sh (masq mode): a second gateway on the same interfaces, and live configuration
# changes that cannot work. In each, the running gateway must keep forwarding.
# shellcheck shell=bash

# pings_through COUNT OUT: COUNT pings 0.2 s apart from A-box to the outside host, the output in
# OUT; fails unless every one came back exactly once.
pings_through() {
    local rc=0 summary
    nsx abox ping -n -i 0.2 -W 1 -c "$1" "$OUTSIDE" >"$2" 2>&1 || rc=$?
    summary=$(grep -E 'packets transmitted' "$2" || tail -n 1 "$2")
    [ "$rc" -eq 0 ] && grep -q " $1 received, 0% packet loss" "$2" && ! grep -q duplicates "$2" ||
        fail "pings through the gateway: $summary"
    echo "$summary"
}

# log_since LOG LINES PATTERN: waits (10 s at most) until LOG, after its first LINES lines, has a
# line matching PATTERN (grep -E); prints it, or says what the log got instead.
log_since() {
    local log=$1 lines=$2 pattern=$3 found
    for _ in $(seq 40); do
        found=$(tail -n +"$((lines + 1))" "$log" | grep -E -m 1 -- "$pattern" || true)
        [ -n "$found" ] && { echo "$found"; return 0; }
        sleep 0.25
    done
    echo "no '$pattern' in the gateway's log within 10 s; it got: $(tail -n +"$((lines + 1))" "$log" | tail -n 3 |
        tr '\n' ';')"
    return 1
}

# A second ./masq run on the running gateway's interfaces (from another state directory, and from
# the same one) exits non-zero naming the running gateway; pings before, during and after come back
# once each (two gateways on one interface answer every ping twice); still one gateway, same pid.
t_second_gateway_refused() {
    need_console
    local gw_pid etc out rc var
    gw_pid=$(gateway_pid)
    etc=$(gateway_etc)
    pings_through 5 "$TMP/ping-before.out" >/dev/null
    for var in "$TMP/second-var" "$(gateway_property var)"; do
        rc=0
        MASQ_VAR=$var nsx gate timeout 60 "$LAB_DIR/../masq" run "$etc" --no-console </dev/null \
            >"$TMP/second.out" 2>&1 || rc=$?
        [ "$rc" -ne 0 ] || fail "a second gateway (state $var) started: $(tail -n 2 "$TMP/second.out" | tr '\n' ';')"
        [ "$rc" -ne 124 ] || fail "a second gateway (state $var) still ran after 60 s"
        out=$(grep -m 1 "in use by the masq gateway pid $gw_pid," "$TMP/second.out") ||
            fail "the second gateway (state $var) exited $rc without naming pid $gw_pid: $(tail -n 1 "$TMP/second.out")"
    done
    pings_through 10 "$TMP/ping-after.out" >/dev/null
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "refused: $out"
    echo "pings after: $(grep 'packets transmitted' "$TMP/ping-after.out"); gateway pid $gw_pid throughout"
}

# While A-box pings through the gateway, live changes to configurations that cannot work are refused
# naming the key, and the running one stays: the same interface for both sides, then an outside
# interface that does not exist. No ping is lost, masq:status keeps its link up and its uptime
# (the engine was not restarted), and the file is put back whatever happens.
t_live_change_to_unusable_interfaces_refused() {
    need_console
    local log lines uptime ping_pid same missing
    log=$(gateway_property var)/log/masq.log
    [ -f "$log" ] || fail "the gateway's log $log is not there"
    trap config_restore EXIT
    uptime=$(status_item uptime)
    nsx abox ping -n -i 0.2 -W 1 -c 40 "$OUTSIDE" >"$TMP/ping-during.out" 2>&1 &
    ping_pid=$!
    lines=$(wc -l <"$log")
    config_set outside.interface in0
    same=$(log_since "$log" "$lines" "outside.interface are both 'in0'.*the running configuration stays") ||
        { kill "$ping_pid" 2>/dev/null; fail "same interface: $same"; }
    config_restore
    lines=$(wc -l <"$log")
    config_set outside.interface nosuch0
    missing=$(log_since "$log" "$lines" "'nosuch0'.*the running configuration stays") ||
        { kill "$ping_pid" 2>/dev/null; fail "missing interface: $missing"; }
    config_restore
    wait "$ping_pid" || true
    grep -q ' 40 received, 0% packet loss' "$TMP/ping-during.out" ||
        fail "pings during the changes: $(grep 'packets transmitted' "$TMP/ping-during.out" || tail -n 1 "$TMP/ping-during.out")"
    [ "$(status_item link)" = up ] || fail "masq:status: link $(status_item link)"
    [ "${uptime% s}" -le "$(status_item uptime | sed 's/ s$//')" ] ||
        fail "the engine restarted: uptime was $uptime, now $(status_item uptime)"
    echo "${same#*] }"
    echo "${missing#*] }"
    echo "pings during the changes: $(grep 'packets transmitted' "$TMP/ping-during.out")"
}
