#!/usr/bin/env bash
# lab/e2e/run.sh: end-to-end tests with real clients and servers through whatever gateway runs in
# the lab (kernel mode: Linux MASQUERADE; masq mode: the user-space gateway, started separately).
#   lab/e2e/run.sh [-l] [-v] [TEST...]   -l lists the tests; -v shows what passing tests printed;
#                                        TEST selects tests by name (glob)
# Prints "PASS name", "FAIL name: reason" or "SKIP name: reason" per test, then
# "N passed, N failed[, N skipped]"; exits 1 if any test failed.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$LAB_DIR/lib.sh"

TESTS=(
    unsolicited_inbound
    ping_outside ping_far ping_gateway_inside
    traceroute_udp traceroute_icmp
    http_source_is_masqueraded http_outside http_far
    ftp_active_port ftp_active_eprt ftp_passive_pasv ftp_passive_epsv
    lftp_passive_epsv lftp_active
    ftp_port_split_in_three ftp_port_pipelined_fifty
    iperf3_tcp iperf3_udp
    three_hosts_at_once
    masq_table_during_transfer ftp_active_helper_hot_swap
    irc_dcc_send irc_dcc_chat_both_ways irc_helper_hot_swap
    rtsp_udp_two_hosts rtsp_helper_hot_swap
    cuseeme_conference cuseeme_helper_hot_swap vdolive_video_two_hosts vdolive_helper_hot_swap
    pna_audio_two_hosts pna_helper_hot_swap
    icq_v5_direct_connections oscar_dc_and_rendezvous icq_helper_hot_swap helper_from_template
    quake_netquake_connect quakeworld_connect quake_helper_under_port_dependent_mapping
    game_port_two_hosts game_port_sequential
    portfw_to_inside_nginx portfw_weights_split_connections portfw_ftp_server_inside autofw_directplay
    static_nat_host_every_port
    x11_client_inside_to_display_outside x11_remote_client_to_inside_display
    second_gateway_refused live_change_to_unusable_interfaces_refused dhcp_outside_address
    checksums_and_super_frames
)
passed=0 failed=0 skipped=0
TMP=""
VERBOSE=false

fail() {
    echo "$*"
    exit 1
}
skip() {
    echo "$*"
    exit 77
}

# fetch HOST OUTFILE CLIENT-ARGS...: runs a bounded download client in HOST; output to OUTFILE.log.
fetch() {
    local host=$1 out=$2
    shift 2
    rm -f "$out"
    local rc=0
    nsx "$host" timeout 60 "$@" >"$out.log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || fail "$1 exited $rc ($(failure_lines "$out.log"))"
}

# failure_lines LOG: a client's last line, after the server's last reply if the log shows one
# (curl -v: '< '); curl's own error line can be a stale message, as 7.88's in active FTP is.
failure_lines() {
    local reply
    reply=$(grep -E '^< [0-9]{3}[ -]' "$1" | tail -n 1 || true)
    echo "${reply:+last reply: $reply; }$(tail -n 1 "$1")"
}

# same_sha OUTFILE: the downloaded file equals the servers' test file.
same_sha() {
    local got
    [ -s "$1" ] || fail "no file downloaded ($(tail -n 1 "$1.log" 2>/dev/null))"
    got=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$got" = "$(test_file_sha256)" ] || fail "sha256 mismatch: got $got, want $(test_file_sha256)"
}

# log_has OUTFILE REGEX WHAT: the client's verbose log shows the FTP command in use.
log_has() {
    grep -Eq "$2" "$1.log" || fail "$3 not seen in the client's log (${1##*/}.log)"
}

# Active FTP needs the gateway's FTP helper; in kernel mode without nf_conntrack_ftp, skip saying why.
need_ftp_helper() {
    local h
    h=$(cat "$STATE/ftp_helper" 2>/dev/null || echo unknown)
    if [ "$MODE" = kernel ] && [ "${h%%:*}" != yes ]; then
        skip "active FTP needs the kernel FTP conntrack helper, which is not available here ($h)"
    fi
}

# --- the tests ---------------------------------------------------------------------------------

# A host outside cannot open a connection to the gateway's outside address: not to the masq port
# range, not to 22. Listeners run on A-box on those ports, so a forwarded SYN would connect.
t_unsolicited_inbound() {
    local ports=() port pids=() checks=() pid bad
    # the refusals below prove something only through a gateway that forwards: connect out before and after
    gateway_forwards_tcp before
    mapfile -t ports < <(echo 22; seq 61000 61010)
    for port in "${ports[@]}"; do
        # ip netns exec execs iperf3, so $! is iperf3's own pid (a function run with & would not be).
        ip netns exec "$(ns abox)" iperf3 -s -1 -B "${HOST_ADDR[abox]}" -p "$port" >/dev/null 2>&1 &
        pids+=($!)
    done
    local listening=0
    for _ in $(seq 20); do
        listening=$(nsx abox ss -Htln | awk '{print $4}' | grep -cE ':(22|610(0[0-9]|10))$' || true)
        [ "$listening" -ge ${#ports[@]} ] && break
        sleep 0.1
    done
    [ "$listening" -ge ${#ports[@]} ] || {
        for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
        fail "only $listening of ${#ports[@]} listeners started on A-box"
    }
    rm -f "$TMP"/inbound.*
    for port in "${ports[@]}"; do
        (nsx outside timeout 3 bash -c "exec 3<>/dev/tcp/$GW_OUT/$port" 2>/dev/null && touch "$TMP/inbound.$port") &
        checks+=($!)
    done
    for pid in "${checks[@]}"; do wait "$pid" || true; done
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait
    for pid in "${pids[@]}"; do ! kill -0 "$pid" 2>/dev/null || fail "listener pid $pid did not end"; done
    bad=$(find "$TMP" -maxdepth 1 -name 'inbound.*' -printf '%f\n' | sed 's/inbound\.//' | sort -n | paste -sd' ')
    [ -z "$bad" ] || fail "connected from $OUTSIDE to $GW_OUT port(s) $bad"
    gateway_forwards_tcp after
    echo "no connection from $OUTSIDE to $GW_OUT ports ${ports[*]}; A-box connected out to $OUTSIDE:80 before and after"
}

# gateway_forwards_tcp WHEN: A-box connects to the outside host's port 80 through the gateway, or the test fails.
gateway_forwards_tcp() {
    nsx abox timeout 5 bash -c "exec 3<>/dev/tcp/$OUTSIDE/80" 2>/dev/null ||
        fail "A-box could not connect to $OUTSIDE:80 through the gateway $1 the unsolicited connections"
}

ping_to() {
    nsx abox timeout 10 ping -n -c 3 -i 0.2 -W 2 "$1" >"$TMP/ping.log" 2>&1 ||
        fail "no reply from $1 ($(grep -E 'transmitted|error|unreachable' "$TMP/ping.log" | head -n 1))"
}
t_ping_outside() { ping_to "$OUTSIDE"; }
t_ping_far() { ping_to "$FAR"; }
t_ping_gateway_inside() { ping_to "$GW_IN"; }

# traceroute ARGS...: every hop answers: 192.168.0.1, 203.0.113.254, then 198.51.100.10.
# Three probes per hop: a hop passes when one of them was answered by the right address, so one
# probe lost on a busy machine does not fail the test, while a wrong or missing hop still does.
traceroute_far() {
    local log="$TMP/traceroute.log" line want n=1
    nsx abox timeout 60 traceroute -n -q 3 -w 2 -m 6 "$@" "$FAR" >"$log" 2>&1 || fail "traceroute exited $?"
    for want in "$GW_IN" "$ROUTER" "$FAR"; do
        line=$(awk -v n="$n" '$1 == n' "$log")
        # shellcheck disable=SC2086 # the hop's words on purpose
        printf '%s\n' $line | grep -qxF "$want" ||
            fail "hop $n is '${line:-none}', want $want ($(tr '\n' ';' <"$log"))"
        printf '%s\n' $line | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | grep -vqxF "$want" &&
            fail "hop $n has an address other than $want: $line"
        n=$((n + 1))
    done
    [ "$(awk 'NR > 1' "$log" | wc -l)" -eq 3 ] || fail "expected 3 hops: $(tr '\n' ';' <"$log")"
}
t_traceroute_udp() { traceroute_far -U; }
t_traceroute_icmp() { traceroute_far -I; }

t_http_source_is_masqueraded() {
    local seen
    seen=$(nsx abox timeout 10 curl -sS --max-time 5 "http://$OUTSIDE/whoami" 2>&1) || fail "$seen"
    [ "$seen" = "$GW_OUT" ] || fail "the server saw source '$seen', want $GW_OUT"
}

http_get() {
    fetch abox "$TMP/http.bin" curl -sS --max-time 50 -o "$TMP/http.bin" "http://$1/$TEST_FILE"
    same_sha "$TMP/http.bin"
}
t_http_outside() { http_get "$OUTSIDE"; }
t_http_far() { http_get "$FAR"; }

# ftp_curl OUTFILE ARGS...: curl FTP download of the test file from the outside host, verbose.
ftp_curl() {
    local out=$1
    shift
    fetch abox "$out" curl -v -sS --max-time 50 "$@" -o "$out" "ftp://$OUTSIDE/$TEST_FILE"
    same_sha "$out"
}
t_ftp_active_port() {
    need_ftp_helper
    ftp_curl "$TMP/ftp-port.bin" -P - --disable-eprt
    log_has "$TMP/ftp-port.bin" '^> PORT ' PORT
}
t_ftp_active_eprt() {
    need_ftp_helper
    ftp_curl "$TMP/ftp-eprt.bin" -P - --eprt
    log_has "$TMP/ftp-eprt.bin" '^< 200 EPRT' "an accepted EPRT"
}
t_ftp_passive_pasv() {
    ftp_curl "$TMP/ftp-pasv.bin" --ftp-pasv --disable-epsv
    log_has "$TMP/ftp-pasv.bin" '^< 227 ' "a 227 reply to PASV"
}
t_ftp_passive_epsv() {
    ftp_curl "$TMP/ftp-epsv.bin" --ftp-pasv --epsv
    log_has "$TMP/ftp-epsv.bin" '^< 229 ' "a 229 reply to EPSV"
}

# ftp_crafted MODE: lab/e2e/ftp_crafted.py from A-box (see there); the whole file must arrive.
ftp_crafted() {
    local log="$TMP/ftp-$1.log" bytes
    need_ftp_helper
    nsx abox timeout 40 /usr/bin/python3 "$LAB_DIR/e2e/ftp_crafted.py" "$OUTSIDE" "$TEST_FILE" "$1" >"$log" 2>&1 ||
        fail "$(tail -n 1 "$log")"
    bytes=$(sed -n 's/^retrieved \([0-9]*\) bytes.*/\1/p' "$log")
    [ "$bytes" = $((TEST_FILE_MIB * 1024 * 1024)) ] || fail "retrieved ${bytes:-no} bytes, not $TEST_FILE_MIB MiB"
    tail -n 1 "$log"
}
# A PORT command cut into "PO", "RT h1,h2,h3,h4," and "p1,p2\r\n", 0.3 s apart: the gateway holds the
# first two parts back and sends the command whole, rewritten (Linux's helper gives up on it: the
# server then refuses the inside address).
t_ftp_port_split_in_three() { ftp_crafted split; }
# 50 PORT commands in one segment: every one leaves rewritten (the server accepts all 50) and the
# last one's data connection carries the file.
t_ftp_port_pipelined_fifty() { ftp_crafted pipelined; }

# lftp_get OUTFILE SETTINGS: lftp with debug output, bounded retries.
lftp_get() {
    local out=$1
    fetch abox "$out" lftp -d -c "set net:timeout 10; set net:max-retries 1; set net:reconnect-interval-base 1;
        set xfer:clobber on; $2; open ftp://$OUTSIDE; get $TEST_FILE -o $out"
    same_sha "$out"
}
t_lftp_passive_epsv() {
    lftp_get "$TMP/lftp-epsv.bin" "set ftp:passive-mode on; set ftp:prefer-epsv yes"
    log_has "$TMP/lftp-epsv.bin" '^<--- 229 ' "a 229 reply to EPSV"
}
# lftp sends EPRT only on IPv6 control connections; on IPv4 its active mode is PORT (curl covers EPRT).
t_lftp_active() {
    need_ftp_helper
    lftp_get "$TMP/lftp-port.bin" "set ftp:passive-mode off"
    log_has "$TMP/lftp-port.bin" '^---> (PORT|EPRT) ' "PORT/EPRT"
}

# iperf3_run NAME ARGS...: a short client run; JSON result in $TMP/NAME.json.
iperf3_run() {
    local name=$1
    shift
    local rc=0 error
    nsx abox timeout 20 iperf3 -c "$OUTSIDE" -t 2 -J "$@" >"$TMP/$name.json" 2>&1 || rc=$?
    # iperf3 3.12 with -J exits 0 even when it could not connect: the error is in the JSON.
    error=$(jq -r '.error // empty' "$TMP/$name.json" 2>/dev/null || echo "no JSON output")
    if [ "$rc" -ne 0 ] || [ -n "$error" ]; then fail "iperf3 exited $rc${error:+: $error}"; fi
}
t_iperf3_tcp() {
    local bytes
    iperf3_run tcp
    bytes=$(jq -r '.end.sum_received.bytes' "$TMP/tcp.json")
    [ "${bytes%.*}" -gt 0 ] || fail "nothing received"
    echo "received $bytes bytes"
}
t_iperf3_udp() {
    local packets lost
    iperf3_run udp -u -b 20M
    packets=$(jq -r '.end.sum.packets' "$TMP/udp.json")
    lost=$(jq -r '.end.sum.lost_packets' "$TMP/udp.json")
    [ "$packets" -gt 0 ] || fail "no packets"
    [ $((lost * 100)) -le $((packets * 5)) ] || fail "lost $lost of $packets datagrams (> 5%)"
}

# All three inside hosts at once: an HTTP download and an active FTP download each, concurrently.
t_three_hosts_at_once() {
    local host pids=() pid rc=0 ftp_args=(-P - --disable-eprt) out
    [ "$MODE" = kernel ] && [ "$(cut -d: -f1 "$STATE/ftp_helper" 2>/dev/null)" != yes ] &&
        ftp_args=(--ftp-pasv)
    for host in "${INSIDE_HOSTS[@]}"; do
        ip netns exec "$(ns "$host")" timeout 60 curl -sS --max-time 50 -o "$TMP/$host-http.bin" \
            "http://$OUTSIDE/$TEST_FILE" >"$TMP/$host-http.bin.log" 2>&1 &
        pids+=($!)
        ip netns exec "$(ns "$host")" timeout 60 curl -sS --max-time 50 "${ftp_args[@]}" \
            -o "$TMP/$host-ftp.bin" "ftp://$OUTSIDE/$TEST_FILE" >"$TMP/$host-ftp.bin.log" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
    for host in "${INSIDE_HOSTS[@]}"; do
        for out in "$TMP/$host-http.bin" "$TMP/$host-ftp.bin"; do
            (same_sha "$out") >"$TMP/check.log" || fail "$host ${out##*-}: $(cat "$TMP/check.log")"
        done
    done
    [ "$rc" -eq 0 ] || fail "a client exited $rc"
}

# --- through the masq gateway's console (masq mode, gateway started with a console FIFO) -------

# console COMMAND...: runs console commands in the lab's gateway (lab/console.sh), prints the output.
console() { "$LAB_DIR/console.sh" -t 15 "$@"; }

need_console() {
    [ "$MODE" = masq ] || skip "needs the masq gateway's console; the lab runs the kernel's MASQUERADE"
    [ -p "$STATE/console" ] ||
        skip "no console FIFO $STATE/console: start the gateway with --console-fifo $STATE/console (./masq test does)"
}

# gateway_pid: the pid of the one JVM in the gateway's namespace.
gateway_pid() {
    local pid found=()
    for pid in $(ip netns pids "$(ns gate)"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] && found+=("$pid")
    done
    [ ${#found[@]} -eq 1 ] || fail "expected one java process in $(ns gate), found ${#found[@]} (${found[*]})"
    echo "${found[0]}"
}

# gateway_property NAME: the running gateway's -Dmasq.NAME (etc: its configuration, var: its state
# directory, whose log/masq.log is its log).
gateway_property() { tr '\0' '\n' <"/proc/$(gateway_pid)/cmdline" | sed -n "s/^-Dmasq\.$1=//p"; }

# gateway_etc: the running gateway's configuration directory.
gateway_etc() {
    local etc
    etc=$(gateway_property etc)
    [ -f "$etc/masq.gateway.cfg" ] || fail "the gateway's configuration '$etc' has no masq.gateway.cfg"
    echo "$etc"
}

# status_item NAME: a row's value in masq:status.
status_item() { console masq:status | awk -v k="$1" '$1 == k {sub(/^[^ ]+ +/, ""); print; exit}'; }

# await_status NAME VALUE: waits up to 15 s until masq:status shows VALUE for NAME and the link up
# (a configuration change applied); says what it shows otherwise.
await_status() {
    local shown=""
    for _ in $(seq 30); do
        shown=$(status_item "$1")
        [ "$shown" = "$2" ] && [ "$(status_item link)" = up ] && return 0
        sleep 0.5
    done
    echo "masq:status shows $1 '$shown', link '$(status_item link)', not '$2' and up"
    return 1
}

# config_set KEY VALUE: the running gateway's masq.gateway.cfg with KEY = VALUE, applied live by
# FileInstall. The file as it was before the test's first change is kept in CONFIG_SAVED and put back
# by config_restore, which a test runs from its EXIT trap too. Both set CONFIG_SAVED: call them
# directly, not in $(...). ./masq test runs the gateway on a copy of lab/etc; a gateway on the
# checkout's lab/etc (./masq lab) gets its file edited and put back.
CONFIG_SAVED=""
config_set() {
    local cfg
    cfg=$(gateway_etc)/masq.gateway.cfg
    if [ -z "$CONFIG_SAVED" ]; then
        CONFIG_SAVED=$TMP/masq.gateway.cfg.saved
        cp -p "$cfg" "$CONFIG_SAVED"
    fi
    { grep -v "^[[:space:]]*${1//./\\.}[[:space:]]*[=:]" "$cfg"; echo "$1 = $2"; } >"$cfg.tmp"
    mv "$cfg.tmp" "$cfg"
}
config_restore() {
    [ -n "$CONFIG_SAVED" ] || return 0
    local cfg
    cfg=$(gateway_etc)/masq.gateway.cfg
    cp "$CONFIG_SAVED" "$cfg"
    touch "$cfg"
    CONFIG_SAVED=""
}

# While A-box downloads at a limited rate, masq:table shows its mapping: tcp, inside 192.168.0.2,
# a masq port, remote 203.0.113.2:80, ESTABLISHED.
t_masq_table_during_transfer() {
    need_console
    local pid table="" row="" alive=no
    ip netns exec "$(ns abox)" timeout 60 curl -sS --limit-rate 512k -o "$TMP/slow.bin" \
        "http://$OUTSIDE/$TEST_FILE" >"$TMP/slow.log" 2>&1 &
    pid=$!
    for _ in $(seq 20); do
        table=$(console "masq:table -p tcp -n 65536 ${HOST_ADDR[abox]}") || {
            kill "$pid" 2>/dev/null || true
            fail "masq:table failed: $(tail -n 1 <<<"$table")"
        }
        row=$(awk -v h="${HOST_ADDR[abox]}:" -v r="$OUTSIDE:80" \
            '$1 == "tcp" && index($2, h) == 1 && $3 ~ /^[0-9]+$/ && $4 == r && $5 == "ESTABLISHED"' <<<"$table")
        if [ -n "$row" ]; then
            kill -0 "$pid" 2>/dev/null && alive=yes
            break
        fi
        sleep 0.5
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ -n "$row" ] || fail "no row tcp ${HOST_ADDR[abox]}:* -> $OUTSIDE:80 ESTABLISHED: $(tr -s ' \n' ' ;' <<<"$table")"
    [ "$alive" = yes ] || fail "the download had ended before masq:table showed the row"
    echo "$row" | tr -s ' '
}

# The FTP helper bundle uninstalled from the running gateway: active FTP fails; installed again from
# the same location (the distribution's bundle/): active FTP passes. The gateway's pid never changes.
# Both control connections come from the same client port, as a client may happen to reuse one: the
# second reopens the first's closed session, and must still get the helper installed since.
SWAP_CLIENT_PORT=20021
t_ftp_active_helper_hot_swap() {
    need_console
    local gw_pid id location out new_id="" rc=0 reason
    gw_pid=$(gateway_pid)
    out=$(helper_bundle ftp) || fail "$out"
    read -r id location <<<"$out"

    out=$(console "stop $id" "uninstall $id") || fail "stop/uninstall $id failed: $out"
    out=$(console masq:helpers) || swap_fail "$location" "masq:helpers failed: $out"
    ! awk '$1 == "ftp"' <<<"$out" | grep -q . || swap_fail "$location" "ftp is still listed after uninstall $id"
    # The control connection without the helper: the server closes it first, so A-box keeps no
    # TIME_WAIT on the port and curl can bind it again at once (a client that closes first races it).
    out=$(port_free abox "$SWAP_CLIENT_PORT" 2>&1) || swap_fail "$location" "$out"
    nsx abox timeout 20 /usr/bin/python3 "$LAB_DIR/e2e/ftp_port_refused.py" "$OUTSIDE" "$SWAP_CLIENT_PORT" \
        >"$TMP/no-helper.log" 2>&1 || rc=$?
    reason=$(grep -E '^< [0-9]{3} .*PORT|^ftp_port_refused: ' "$TMP/no-helper.log" | head -n 1 || true)
    [ "$rc" -eq 0 ] || swap_fail "$location" "the PORT dialogue without the helper failed: $(tail -n 1 "$TMP/no-helper.log")"
    grep -q '^< 5[0-9][0-9] Illegal PORT' "$TMP/no-helper.log" ||
        swap_fail "$location" "without the helper, vsftpd did not refuse the inside address in PORT (${reason:-no reply})"

    new_id=$(install_helper "$location") || fail "$new_id"
    out=$(port_free abox "$SWAP_CLIENT_PORT" 2>&1) || fail "$out"
    ftp_curl "$TMP/ftp-swap.bin" --local-port "$SWAP_CLIENT_PORT" -P - --disable-eprt
    log_has "$TMP/ftp-swap.bin" '^> PORT ' PORT
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled: active FTP refused (${reason#< }); installed again as bundle $new_id: passed from the same client port $SWAP_CLIENT_PORT; gateway pid $gw_pid throughout"
}

# port_free HOST PORT: waits (5 s at most) until HOST has no TCP socket on local port PORT; says
# which one is left otherwise. Nothing here should leave one for longer than a round trip.
port_free() {
    local host=$1 port=$2 left
    for _ in $(seq 50); do
        left=$(nsx "$host" ss -Htan "sport = :$port")
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "$(ns "$host") still has a socket on port $port: $(tr -s ' ' <<<"$left" | head -n 1)" >&2
    return 1
}

# Last, after every transfer since the engine started (a test that changes the configuration
# restarts it, and its counters with it): no TCP or UDP segment was dropped for its checksum. With
# the hosts' offloads at their defaults the gateway must have completed partial checksums and cut
# super-frames, in the transfers above and in one download of its own made here. With them off it
# may still see both: GRO on its own interfaces merges what it receives, and a merged frame carries
# a partial checksum.
t_checksums_and_super_frames() {
    need_console
    local out value name offloads
    offloads=$(lab_host_offloads)
    http_get "$OUTSIDE"
    out=$(console masq:stats) || fail "masq:stats failed: $out"
    stat() { awk -v n="$1" '$1 == n {print $2}' <<<"$out"; }
    for name in drop.tcp.bad-checksum drop.udp.bad-checksum drop.gso.malformed inside.rx.capture-truncated \
        outside.rx.capture-truncated; do
        value=$(stat "$name")
        [ -n "$value" ] || fail "masq:stats has no $name"
        [ "$value" -eq 0 ] || fail "$name is $value"
    done
    if [ "$offloads" = default ]; then
        [ "$(stat rx.csum.partial)" -gt 0 ] || fail "host offloads are on, yet rx.csum.partial is 0"
        [ "$(stat rx.gso.segmented)" -gt 0 ] || fail "host offloads are on, yet rx.gso.segmented is 0"
    fi
    echo "host offloads $offloads: rx.csum.partial $(stat rx.csum.partial), rx.gso.segmented $(stat rx.gso.segmented)" \
        "into $(stat tx.gso.segments) segments, bad checksums 0"
}

# helper_bundle NAME: "ID LOCATION" of the active helper NAME's bundle (masq:helpers, lb -l), the
# location checked to be its jar; the reason on stdout and status 1 otherwise.
helper_bundle() {
    local out id location
    out=$(console masq:helpers) || { echo "masq:helpers failed: $out"; return 1; }
    id=$(awk -v n="$1" '$1 == n && / active$/ {print $2}' <<<"$out")
    [[ $id =~ ^[0-9]+$ ]] || { echo "no active $1 helper in masq:helpers: $(tr -s ' \n' ' ;' <<<"$out")"; return 1; }
    out=$(console "lb -l") || { echo "lb -l failed: $out"; return 1; }
    location=$(awk -F'|' -v id="$id" '$1 + 0 == id {gsub(/ /, "", $4); print $4}' <<<"$out")
    if [[ $location != file:*/masq.helper.$1*.jar ]] || [ ! -f "${location#file:}" ]; then
        echo "bundle $id's location '$location' is not the $1 helper's jar"
        return 1
    fi
    echo "$id $location"
}

# install_helper LOCATION [NAME]: installs and starts the helper jar, waits (10 s at most) until
# masq:helpers shows helper NAME (default ftp) active; prints the new bundle id, or the reason it failed.
install_helper() {
    local out id name=${2:-ftp}
    out=$(console "install $1") || { echo "install $1 failed: $out"; return 1; }
    id=$(sed -n 's/^Bundle ID: \([0-9]*\).*/\1/p' <<<"$out")
    [ -n "$id" ] || { echo "install $1 printed no bundle id: $out"; return 1; }
    out=$(console "start $id") || { echo "start $id failed: $out"; return 1; }
    for _ in $(seq 20); do
        out=$(console masq:helpers) || { echo "masq:helpers failed: $out"; return 1; }
        if awk -v id="$id" -v n="$name" '$1 == n && $2 == id && / active$/' <<<"$out" | grep -q .; then
            echo "$id"
            return 0
        fi
        sleep 0.5
    done
    echo "the $name helper (bundle $id) is not active: $(tr -s ' \n' ' ;' <<<"$out")"
    return 1
}

# swap_fail LOCATION REASON [NAME]: puts the helper back, so that the gateway is as before, then fails.
swap_fail() {
    install_helper "$1" "${3:-ftp}" >/dev/null || true
    fail "$2"
}

# --- IRC DCC: irssi inside (A-box), lab/e2e/irc_peer.py outside as "bob", ngircd on the outside host

IRC_SESSION="masq-${PREFIX}irc"

need_irc_helper() {
    local h
    h=$(cat "$STATE/irc_helper" 2>/dev/null || echo unknown)
    if [ "$MODE" = kernel ] && [ "${h%%:*}" != yes ]; then
        skip "DCC from inside needs the kernel IRC conntrack helper, which is not available here ($h)"
    fi
}

# irssi_start: irssi as "alice" on A-box in a detached tmux session, logging every window to
# $TMP/irssi/logs; returns once it runs (the peer sees alice online).
irssi_start() {
    mkdir -p "$TMP/irssi/logs"
    tmux kill-session -t "$IRC_SESSION" 2>/dev/null || true
    tmux new-session -d -s "$IRC_SESSION" -x 200 -y 50 \
        "ip netns exec $(ns abox) irssi --home=$TMP/irssi -n alice -c $OUTSIDE -p 6667"
    irssi_do "/set autolog on"
    irssi_do "/set autolog_path $TMP/irssi/logs/\$0.log"
    irssi_do "/set autolog_level all"
}
irssi_do() {
    sleep 0.3
    tmux send-keys -t "$IRC_SESSION" "$1" Enter
}
irssi_stop() {
    tmux capture-pane -p -t "$IRC_SESSION" >"$TMP/irssi/screen.txt" 2>/dev/null || true
    tmux send-keys -t "$IRC_SESSION" "/quit" Enter 2>/dev/null || true
    sleep 0.3
    tmux kill-session -t "$IRC_SESSION" 2>/dev/null || true
}
# irc_peer LOG MODE ARGS...: the outside peer in the background; its pid in PEER_PID.
irc_peer() {
    local log=$1
    shift
    nsx outside timeout 40 /usr/bin/python3 "$LAB_DIR/e2e/irc_peer.py" "$OUTSIDE" bob alice "$@" >"$log" 2>&1 &
    PEER_PID=$!
}
# wait_line LOG REGEX [SECONDS]: until LOG has a line matching REGEX (default 20 s).
wait_line() {
    local i
    for i in $(seq "$((${3:-20} * 10))"); do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        kill -0 "$PEER_PID" 2>/dev/null || { grep -Eq "$2" "$1" 2>/dev/null && return 0; break; }
        sleep 0.1
    done
    return 1
}
# irc_send_file [HOOK]: alice sends the test file to bob; with HOOK, bob waits after the offer until
# the command HOOK has run (to look at the gateway first). Leaves bob's log in $TMP/irc-send.log;
# returns bob's status.
irc_send_file() {
    local rc=0 go="$TMP/irc-go"
    rm -f "$TMP/irc-recv.bin" "$go"
    if [ -n "${1:-}" ]; then
        irc_peer "$TMP/irc-send.log" receive "$TMP/irc-recv.bin" "$go"
        (wait_line "$TMP/irc-send.log" "^offer: " && "$1"; touch "$go") &
    else
        irc_peer "$TMP/irc-send.log" receive "$TMP/irc-recv.bin"
    fi
    irssi_start
    wait_line "$TMP/irc-send.log" "^alice online" || { irssi_stop; fail "alice never came online: $(tail -n 1 "$TMP/irc-send.log")"; }
    irssi_do "/dcc send bob $STATE/www/$TEST_FILE"
    wait "$PEER_PID" || rc=$?
    irssi_stop
    return "$rc"
}

# irc_pending_offer: what masq:expect lists while bob has not connected yet (masq mode).
irc_pending_offer() {
    if [ "$MODE" = masq ]; then console masq:expect >"$TMP/irc-expect.txt" 2>&1 || true; fi
}

# A file sent with irssi's /dcc send from inside reaches the outside peer: the offer names the
# gateway's address (the helper rewrote it), masq:expect lists it while pending, and masq:table
# shows the transfer linked to its IRC connection.
t_irc_dcc_send() {
    local expect table offer dcc_port master
    need_irc_helper
    irc_send_file irc_pending_offer || fail "the transfer failed: $(tail -n 1 "$TMP/irc-send.log")"
    offer=$(grep '^offer: ' "$TMP/irc-send.log" | head -n 1)
    [[ $offer == "offer: DCC SEND "*" 3405803777 "* ]] || fail "the offer did not name the gateway: $offer"
    same_sha "$TMP/irc-recv.bin"
    if [ "$MODE" != masq ]; then
        echo "$offer; $(tail -n 1 "$TMP/irc-send.log") (kernel: no console to look at)"
        return 0
    fi
    dcc_port=$(awk '{print $(NF-1)}' <<<"$offer")
    expect=$(cat "$TMP/irc-expect.txt")
    master=$(awk -v p="$dcc_port" '$1 == "tcp" && $3 == p && $6 == "irc" {print $5}' <<<"$expect")
    grep -Eq "^tcp +\*:\* +$dcc_port +${HOST_ADDR[abox]}:[0-9]+ +[0-9]+ +irc " <<<"$expect" && [ -n "$master" ] ||
        fail "masq:expect did not list the pending offer on $dcc_port: $(tr -s ' \n' ' ;' <<<"$expect")"
    table=$(console "masq:table -p tcp -n 65536 ${HOST_ADDR[abox]}") || fail "masq:table failed: $table"
    awk -v p="$dcc_port" -v m="$master" '$1 == "tcp" && $3 == p && $NF == m' <<<"$table" | grep -q . ||
        fail "masq:table has no DCC connection on $dcc_port linked to master $master: $(tr -s ' \n' ' ;' <<<"$table")"
    echo "$offer; $(tail -n 1 "$TMP/irc-send.log"); $(grep -E " $dcc_port " <<<"$table" | tr -s ' ')"
    echo "irssi (alice) showed:"
    grep -E 'DCC' "$TMP/irssi/screen.txt" | sed 's/ *$//' || true
}

# DCC CHAT offered by alice (inside: the helper rewrites it) and by bob (outside: alice connects out,
# plain NAT), a line each way both times.
t_irc_dcc_chat_both_ways() {
    local log
    need_irc_helper
    log="$TMP/irc-chat-in.log"
    irc_peer "$log" chat-accept
    irssi_start
    wait_line "$log" "^alice online" || { irssi_stop; fail "alice never came online: $(tail -n 1 "$log")"; }
    irssi_do "/dcc chat bob"
    wait_line "$log" "^connected to " || { irssi_stop; fail "bob could not connect to alice's chat: $(tail -n 1 "$log")"; }
    irssi_do "/msg =bob hello from alice"
    wait "$PEER_PID" || { irssi_stop; fail "alice's chat: $(tail -n 1 "$log")"; }
    grep -q '^alice said: hello from alice' "$log" || { irssi_stop; fail "bob did not get alice's line: $(tail -n 1 "$log")"; }
    grep -rqs "hello from bob" "$TMP/irssi/logs" || { sleep 1; grep -rqs "hello from bob" "$TMP/irssi/logs"; } ||
        { irssi_stop; fail "alice's irssi did not show bob's line"; }
    irssi_stop
    echo "alice offered: $(grep '^offer: ' "$log"); $(grep '^connected to ' "$log")"

    log="$TMP/irc-chat-out.log"
    rm -rf "$TMP/irssi/logs"
    irc_peer "$log" chat-offer "$OUTSIDE"
    irssi_start
    wait_line "$log" "^offered chat" || { irssi_stop; fail "bob could not offer: $(tail -n 1 "$log")"; }
    sleep 0.5
    irssi_do "/dcc chat bob"
    wait_line "$log" " connected from " || { irssi_stop; fail "alice did not connect to bob's chat: $(tail -n 1 "$log")"; }
    irssi_do "/msg =bob hello from alice"
    wait "$PEER_PID" || { irssi_stop; fail "bob's chat: $(tail -n 1 "$log")"; }
    grep -q '^alice said: hello from alice' "$log" || { irssi_stop; fail "bob did not get alice's line"; }
    grep -rqs "hello from bob" "$TMP/irssi/logs" || { sleep 1; grep -rqs "hello from bob" "$TMP/irssi/logs"; } ||
        { irssi_stop; fail "alice's irssi did not show bob's line"; }
    irssi_stop
    echo "bob offered: $(grep '^offered chat' "$log"); $(grep ' connected from ' "$log")"
}

# The IRC helper bundle uninstalled from the running gateway: the offer leaves with alice's inside
# address and bob cannot connect; installed again, the same transfer passes. Same gateway pid.
t_irc_helper_hot_swap() {
    need_console
    local gw_pid id location out new_id
    gw_pid=$(gateway_pid)
    out=$(helper_bundle irc) || fail "$out"
    read -r id location <<<"$out"
    out=$(console "stop $id" "uninstall $id") || fail "stop/uninstall $id failed: $out"
    if irc_send_file; then
        swap_fail "$location" "without the helper the transfer passed: $(tail -n 1 "$TMP/irc-send.log")" irc
    fi
    grep -q "^offer: DCC SEND .* 3232235522 " "$TMP/irc-send.log" ||
        swap_fail "$location" "without the helper the offer did not carry alice's inside address: $(grep offer "$TMP/irc-send.log")" irc
    local without
    without=$(tail -n 1 "$TMP/irc-send.log")
    new_id=$(install_helper "$location" irc) || fail "$new_id"
    irc_send_file || fail "after reinstalling, the transfer failed: $(tail -n 1 "$TMP/irc-send.log")"
    same_sha "$TMP/irc-recv.bin"
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled: ${without#irc_peer: }; installed again as bundle $new_id: $(tail -n 1 "$TMP/irc-send.log"); gateway pid $gw_pid throughout"
}

# --- RTSP: GStreamer's rtsp-server outside (UDP only), gst-launch rtspsrc inside

RTSP_SECONDS=6
# Received less than this in RTSP_SECONDS means no stream (8 kHz 16-bit mono: 16 000 bytes/s).
RTSP_MIN_BYTES=16000

# peer_start NAME SCRIPT ARGS...: a python3 server SCRIPT on the outside host, its pid in PEER_PID, its
# log in $TMP/NAME.log; waits (5 s at most) until it says it is serving.
peer_start() {
    local name=$1
    shift
    # not through nsx: a backgrounded function is a subshell, and its pid would not stop the server
    ip netns exec "$(ns outside)" timeout 120 /usr/bin/python3 "$@" >"$TMP/$name.log" 2>&1 &
    PEER_PID=$!
    for _ in $(seq 50); do
        grep -q '^serving ' "$TMP/$name.log" && return 0
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "the $name server did not start: $(tail -n 1 "$TMP/$name.log")"
}
peer_stop() { stop_all "$PEER_PID"; }

# stop_all PID...: ends each background process a test started, and waits for it.
stop_all() {
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# rtsp_server_start: the RTSP server on the outside host, port 554.
rtsp_server_start() { peer_start rtsp-server "$LAB_DIR/e2e/rtsp_server.py" "$OUTSIDE" 554; }
rtsp_server_stop() { peer_stop; }
# rtsp_play HOST OUT: plays rtsp://outside/tone for RTSP_SECONDS over UDP with no NAT punching
# (nat-method=none: a punch from the client's ports would open them on a port-preserving NAT without
# any helper), the depayloaded audio into OUT; prints the bytes received.
rtsp_play() {
    rm -f "$2"
    nsx "$1" timeout "$RTSP_SECONDS" gst-launch-1.0 -q rtspsrc "location=rtsp://$OUTSIDE:554/tone" protocols=udp \
        nat-method=none ! rtpL16depay ! filesink "location=$2" >"$2.log" 2>&1 || true
    stat -c %s "$2" 2>/dev/null || echo 0
}

# Two inside hosts play the UDP-only stream at once; each receives it (the helper rewrote client_port
# and expected the server's RTP and RTCP); masq:table shows their RTP/RTCP flows linked to the RTSP
# connections. Linux has no RTSP helper: in kernel mode nothing would arrive.
t_rtsp_udp_two_hosts() {
    [ "$MODE" = masq ] || skip "Linux has no RTSP helper in tree; the stream cannot arrive through the kernel's MASQUERADE"
    need_console
    local a b table linked
    rtsp_server_start
    rtsp_play abox "$TMP/rtsp-a.raw" >"$TMP/rtsp-a.bytes" &
    local pid_a=$!
    sleep 3
    table=$(console "masq:table -p udp -n 65536") || true
    rtsp_play bbox "$TMP/rtsp-b.raw" >"$TMP/rtsp-b.bytes"
    wait "$pid_a" || true
    rtsp_server_stop
    a=$(cat "$TMP/rtsp-a.bytes")
    b=$(cat "$TMP/rtsp-b.bytes")
    [ "$a" -ge "$RTSP_MIN_BYTES" ] || fail "A-box received $a bytes of the stream ($(tail -n 1 "$TMP/rtsp-a.raw.log"))"
    [ "$b" -ge "$RTSP_MIN_BYTES" ] || fail "B-box received $b bytes of the stream ($(tail -n 1 "$TMP/rtsp-b.raw.log"))"
    linked=$(awk -v h="${HOST_ADDR[abox]}:" '$1 == "udp" && index($2, h) == 1 && $NF ~ /^[0-9]+$/' <<<"$table" | wc -l)
    [ "$linked" -ge 1 ] || fail "masq:table showed no udp flow of A-box linked to a master: $(tr -s ' \n' ' ;' <<<"$table")"
    echo "A-box received $a bytes, B-box $b bytes in ${RTSP_SECONDS} s; A-box's flows:"
    awk -v h="${HOST_ADDR[abox]}:" '$1 == "udp" && index($2, h) == 1' <<<"$table" | tr -s ' '
}

# The raudio helper uninstalled from the running gateway: the stream does not arrive; installed
# again: it does. Same gateway pid.
t_rtsp_helper_hot_swap() {
    need_console
    local gw_pid id location out new_id without with
    gw_pid=$(gateway_pid)
    out=$(helper_bundle raudio) || fail "$out"
    read -r id location <<<"$out"
    rtsp_server_start
    out=$(console "stop $id" "uninstall $id") || { rtsp_server_stop; fail "stop/uninstall $id failed: $out"; }
    without=$(rtsp_play abox "$TMP/rtsp-none.raw")
    if [ "$without" -gt 0 ]; then
        rtsp_server_stop
        swap_fail "$location" "without the helper $without bytes of the stream arrived" raudio
    fi
    new_id=$(install_helper "$location" raudio) || { rtsp_server_stop; fail "$new_id"; }
    with=$(rtsp_play abox "$TMP/rtsp-again.raw")
    rtsp_server_stop
    [ "$with" -ge "$RTSP_MIN_BYTES" ] || fail "after reinstalling, only $with bytes arrived"
    [ "$(gateway_pid)" = "$gw_pid" ] || fail "the gateway's pid changed from $gw_pid to $(gateway_pid)"
    echo "bundle $id uninstalled: $without bytes; installed again as bundle $new_id: $with bytes; gateway pid $gw_pid throughout"
}

# shellcheck source=conference.sh
. "$LAB_DIR/e2e/conference.sh"
# shellcheck source=icq.sh
. "$LAB_DIR/e2e/icq.sh"
# shellcheck source=sdk.sh
. "$LAB_DIR/e2e/sdk.sh"
# shellcheck source=quake.sh
. "$LAB_DIR/e2e/quake.sh"
# shellcheck source=operator.sh
. "$LAB_DIR/e2e/operator.sh"
# shellcheck source=games.sh
. "$LAB_DIR/e2e/games.sh"
# shellcheck source=portfw.sh
. "$LAB_DIR/e2e/portfw.sh"
# shellcheck source=static.sh
. "$LAB_DIR/e2e/static.sh"
# shellcheck source=x11.sh
. "$LAB_DIR/e2e/x11.sh"
# shellcheck source=dhcp.sh
. "$LAB_DIR/e2e/dhcp.sh"

# --- the runner --------------------------------------------------------------------------------

run_test() {
    local name=$1 out rc=0 reason
    out=$("t_$name" 2>&1) || rc=$?
    reason=$(printf '%s\n' "$out" | grep -v '^$' | tail -n 1 || true)
    case $rc in
        0)
            echo "PASS $name"
            passed=$((passed + 1))
            if $VERBOSE && [ -n "$out" ]; then printf '%s\n' "$out" | sed 's/^/    /'; fi
            ;;
        77) echo "SKIP $name: $reason"; skipped=$((skipped + 1)) ;;
        *)
            echo "FAIL $name: ${reason:-exit $rc}"
            failed=$((failed + 1))
            failure_detail "$out"
            ;;
    esac
}

# failure_detail OUTPUT: what a failed test printed before its reason, and, with the masq gateway,
# its drop counters since it started, so that a failure on a CI machine can be read from its log.
failure_detail() {
    local lines
    lines=$(printf '%s\n' "$1" | grep -v '^$' | head -n -1 | tail -n 20 || true)
    [ -z "$lines" ] || printf '%s\n' "$lines" | sed 's/^/    | /'
    if [ "$MODE" = masq ] && [ -p "$STATE/console" ]; then
        console masq:stats 2>/dev/null | awk '$1 ~ /^drop\./ && $2 != 0 {print "    gateway " $1 " " $2}' || true
    fi
}

selected() {
    local pattern
    [ ${#PATTERNS[@]} -eq 0 ] && return 0
    for pattern in "${PATTERNS[@]}"; do
        # shellcheck disable=SC2053 # the pattern is a glob on purpose
        [[ $1 == $pattern ]] && return 0
    done
    return 1
}

cleanup() { [ -n "$TMP" ] && rm -rf "$TMP"; }

main() {
    PATTERNS=()
    while [ $# -gt 0 ]; do
        case $1 in
            -l | --list) printf '%s\n' "${TESTS[@]}"; exit 0 ;;
            -v | --verbose) VERBOSE=true; shift ;;
            -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
            *) PATTERNS+=("$1"); shift ;;
        esac
    done
    need_root
    MODE=$(lab_mode)
    [ "$MODE" != down ] || { echo "e2e: the lab is down; run lab/lab.sh up [--mode kernel|masq]" >&2; exit 2; }
    TMP=$(mktemp -d "$STATE/e2e.XXXXXX")
    trap cleanup EXIT
    echo "e2e: lab $PREFIX in $MODE mode, ftp helper: $(cat "$STATE/ftp_helper" 2>/dev/null || echo unknown)"

    local name
    for name in "${TESTS[@]}"; do
        selected "$name" && run_test "$name"
    done
    if [ "$skipped" -gt 0 ]; then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
    [ "$failed" -eq 0 ]
}

main "$@"
