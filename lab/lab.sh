#!/usr/bin/env bash
# lab/lab.sh: the seed's picture (A-box, B-box, C-box, Masq-Gate, the outside) as network namespaces.
# See lab/README.md. Everything it creates is named with $MASQ_LAB_PREFIX (default "mq-"):
# namespaces ${PREFIX}<host>, and links that live only inside those namespaces.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$LAB_DIR/lib.sh"

usage() {
    cat <<TXT
usage: lab/lab.sh COMMAND

  up [--mode masq|kernel] [--host-offloads default|off] [--no-services]
                    build the topology (idempotent; switches the gateway's mode if already up)
                    and start the services. masq (default): in0/out0 without kernel IPv4, no
                    forwarding, for the user-space gateway. kernel: Linux MASQUERADE + FTP helper.
                    --host-offloads: every interface but the gateway's in0/out0 keeps veth's
                    defaults (default: checksum offload, TSO/GSO on, so the gateway receives
                    partial checksums and super-frames) or has them all off (off). Fixed when the
                    links are made: to change it, take the lab down first.
  services          start the services that are not running (nginx, vsftpd, iperf3, ngircd)
  down              stop the services the lab started and delete its namespaces
  status            what is up: mode, namespaces, gateway interfaces, services
  exec HOST CMD...  run CMD in a host's namespace; HOST is one of: ${LAB_HOSTS[*]}

Prefix: MASQ_LAB_PREFIX=$PREFIX  (namespaces $(ns abox), $(ns gate), ...)   state: $STATE
TXT
}

say() { echo "lab: $*"; }
warn() { echo "lab: WARNING: $*" >&2; }
die() {
    echo "lab: $*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Topology

ensure_ns() {
    local host=$1 name
    name=$(ns "$host")
    if ! ns_exists "$host"; then
        ip netns add "$name"
        say "namespace $name"
    fi
    # IPv6 off before any link is created, so no interface ever sends router solicitations etc.
    nsx "$host" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$name" link set lo up
}

# Offloads off: frames on the wire are then the frames pcap sees (checksums filled in, no TSO/GSO
# super-frames). With --host-offloads off every host's veth ends have them off; by default they
# keep veth's defaults, as containers and VMs do, and masq completes their partial checksums and
# cuts their super-frames. The same in both modes, so that both gateways see the same wire.
offloads_off() {
    local host=$1 dev=$2 feature
    nsx "$host" ethtool -K "$dev" rx off tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
    for feature in rx-checksumming tx-checksumming generic-segmentation-offload generic-receive-offload \
        tcp-segmentation-offload; do
        if nsx "$host" ethtool -k "$dev" | grep -q "^$feature: on"; then
            warn "$(ns "$host")/$dev: $feature is still on"
        fi
    done
}

# The gateway's own in0 and out0 (README "Offloads"): every offload off but GRO, which is on. libpcap
# sizes its capture slots by the MTU on an interface with no segmentation offload at all, which
# would cut the hosts' 64 KiB super-frames; GRO is the one such offload that needs neither
# scatter-gather nor checksum offload, and it only merges what the gateway receives.
gateway_offloads() {
    local host=$1 dev=$2
    offloads_off "$host" "$dev" 2>/dev/null
    nsx "$host" ethtool -K "$dev" gro on >/dev/null 2>&1 || true
    if ! nsx "$host" ethtool -k "$dev" | grep -q "^generic-receive-offload: on"; then
        warn "$(ns "$host")/$dev: generic-receive-offload is off; masq will lose the hosts' super-frames"
    fi
}

# veth HOST_A IF_A HOST_B IF_B: a veth pair created directly inside the two namespaces.
veth() {
    local ha=$1 ia=$2 hb=$3 ib=$4
    if ! ip -n "$(ns "$ha")" link show "$ia" >/dev/null 2>&1; then
        ip -n "$(ns "$ha")" link add "$ia" type veth peer name "$ib" netns "$(ns "$hb")"
    fi
    local end
    for end in "$ha $ia" "$hb $ib"; do
        # shellcheck disable=SC2086 # "host dev"
        if [ "${end%% *}" = gate ]; then gateway_offloads $end; elif [ "$HOST_OFFLOADS" = off ]; then offloads_off $end; fi
    done
    ip -n "$(ns "$ha")" link set "$ia" up
    ip -n "$(ns "$hb")" link set "$ib" up
}

# A segment: bridge br0 in namespace HOST, no STP, no forward delay, no bridge-netfilter.
ensure_bridge() {
    local host=$1 name
    name=$(ns "$host")
    if ! ip -n "$name" link show br0 >/dev/null 2>&1; then
        ip -n "$name" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    fi
    ip -n "$name" link set br0 up
    if nsx "$host" sysctl -q net.bridge.bridge-nf-call-iptables >/dev/null 2>&1; then
        nsx "$host" sysctl -q -w net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-arptables=0
    fi
}

# attach SEGMENT HOST IF: links HOST's interface IF to the segment's bridge (port p-HOST).
attach() {
    local seg=$1 host=$2 dev=$3
    veth "$seg" "p-$host" "$host" "$dev"
    ip -n "$(ns "$seg")" link set "p-$host" master br0
}

# host_addr HOST IF CIDR [ROUTE...]: address and routes ("default via X" or "NET via X").
host_addr() {
    local host=$1 dev=$2 cidr=$3 route
    shift 3
    ip -n "$(ns "$host")" addr replace "$cidr" dev "$dev"
    for route in "$@"; do
        # shellcheck disable=SC2086 # a route is several words
        ip -n "$(ns "$host")" route replace $route
    done
}

build_topology() {
    local host
    for host in "${LAB_HOSTS[@]}"; do ensure_ns "$host"; done
    ensure_bridge lan
    ensure_bridge wan

    for host in "${INSIDE_HOSTS[@]}"; do
        attach lan "$host" eth0
        host_addr "$host" eth0 "${HOST_ADDR[$host]}/24" "default via $GW_IN"
    done
    attach lan gate in0
    attach wan gate out0
    attach wan outside eth0
    attach wan router eth0
    veth router eth1 far eth0

    # Nothing outside has a route to the LAN: that is the point of masquerading.
    host_addr outside eth0 "$OUTSIDE/24" "$FAR_NET via $ROUTER"
    host_addr router eth0 "$ROUTER/24"
    host_addr router eth1 "$ROUTER_FAR/24"
    host_addr far eth0 "$FAR/24" "$WAN_NET via $ROUTER_FAR"
    nsx router sysctl -q -w net.ipv4.ip_forward=1
}

# ---------------------------------------------------------------------------------------------
# The gateway's two modes

gate_reset() {
    local dev
    for dev in in0 out0; do
        ip -n "$(ns gate)" addr flush dev "$dev"
        nsx gate sysctl -q -w "net.ipv6.conf.$dev.disable_ipv6=1"
    done
    ip -n "$(ns gate)" route flush table main
    nsx gate sysctl -q -w net.ipv4.ip_forward=0 net.ipv4.conf.all.forwarding=0
    # Only touch netfilter if a previous kernel mode left rules: masq mode keeps it untouched.
    if nsx gate iptables-save 2>/dev/null | grep -q '^-A'; then
        local table
        for table in filter nat raw mangle; do
            nsx gate iptables -t "$table" -F 2>/dev/null || true
        done
    fi
    rm -f "$STATE/ftp_helper"
}

# masq: no kernel IPv4 on in0/out0, forwarding off, IPv6 off. The user-space gateway owns
# 192.168.0.1 and 203.0.113.1 (ARP included) through libpcap on in0/out0.
gate_masq() {
    gate_reset
    echo "n/a (masq mode: the user-space gateway's FTP helper bundle)" >"$STATE/ftp_helper"
}

# kernel: Linux's own MASQUERADE with the FTP conntrack helper assigned explicitly.
gate_kernel() {
    gate_reset
    host_addr gate in0 "$GW_IN/24"
    host_addr gate out0 "$GW_OUT/24" "default via $ROUTER"
    nsx gate sysctl -q -w net.ipv4.ip_forward=1
    nsx gate iptables -t nat -A POSTROUTING -o out0 -j MASQUERADE

    local helper=yes reason="" mod
    for mod in nf_conntrack_ftp nf_nat_ftp; do
        if ! modprobe -q "$mod" 2>/dev/null && ! kernel_has "$mod"; then
            helper=no
            reason+="$mod: not loadable (modprobe failed) and not built in; "
        fi
    done
    if ! nsx gate iptables -t raw -A PREROUTING -i in0 -p tcp --dport 21 -j CT --helper ftp 2>"$STATE/ct.err"; then
        helper=no
        reason+="iptables -j CT --helper ftp failed: $(tr '\n' ' ' <"$STATE/ct.err")"
    fi
    rm -f "$STATE/ct.err"
    if [ "$helper" = yes ]; then
        echo "yes" >"$STATE/ftp_helper"
        say "kernel mode: MASQUERADE on out0, FTP conntrack helper on in0 tcp/21"
    else
        echo "no: $reason" >"$STATE/ftp_helper"
        warn "kernel mode: FTP conntrack helper NOT available (${reason%; }); active FTP will not work"
    fi
    if nsx gate iptables -t raw -A PREROUTING -i in0 -p tcp --dport 6667 -j CT --helper irc 2>"$STATE/ct.err"; then
        echo "yes" >"$STATE/irc_helper"
        say "kernel mode: IRC conntrack helper on in0 tcp/6667"
    else
        echo "no: iptables -j CT --helper irc failed: $(tr '\n' ' ' <"$STATE/ct.err")" >"$STATE/irc_helper"
        warn "kernel mode: IRC conntrack helper NOT available; DCC from inside will not work"
    fi
    rm -f "$STATE/ct.err"
}

# kernel_has MODULE: built into the running kernel (no module file needed).
kernel_has() {
    local mod=$1 opt
    [ -d "/sys/module/$mod" ] && return 0
    case $mod in
        nf_conntrack_ftp) opt=CONFIG_NF_CONNTRACK_FTP ;;
        nf_nat_ftp) opt=CONFIG_NF_NAT_FTP ;;
        *) return 1 ;;
    esac
    [ -r /proc/config.gz ] && zgrep -q "^$opt=y" /proc/config.gz
}

# ---------------------------------------------------------------------------------------------
# Services: each runs in its namespace in the foreground under setsid, config and pid under $STATE.

make_test_file() {
    mkdir -p "$STATE/www" "$STATE/ftp" "$STATE/empty"
    chmod 755 "$STATE" "$STATE/www" "$STATE/ftp" "$STATE/empty"
    if [ ! -s "$STATE/www/$TEST_FILE" ] || [ ! -s "$STATE/$TEST_FILE.sha256" ]; then
        head -c "$((TEST_FILE_MIB * 1024 * 1024))" /dev/urandom >"$STATE/www/$TEST_FILE"
        sha256sum "$STATE/www/$TEST_FILE" | cut -d' ' -f1 >"$STATE/$TEST_FILE.sha256"
    fi
    ln -f "$STATE/www/$TEST_FILE" "$STATE/ftp/$TEST_FILE"
    chmod 644 "$STATE/www/$TEST_FILE"
    echo "masq lab" >"$STATE/www/small.txt"
}

# service_pid NAME: the pid of a running service this lab started (checked against its command line).
service_pid() {
    local name=$1 pid cmd
    [ -f "$STATE/$name.pid" ] || return 1
    pid=$(cat "$STATE/$name.pid")
    [ -r "/proc/$pid/cmdline" ] || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    [ "$cmd" = "$(cat "$STATE/$name.cmd")" ]
    echo "$pid"
}

# start_service NAME HOST PORT CMD...: starts CMD in HOST unless running; waits for the TCP port.
start_service() {
    local name=$1 host=$2 port=$3 pid i
    shift 3
    if pid=$(service_pid "$name"); then
        say "$name already running (pid $pid)"
        return 0
    fi
    printf '%s ' "$@" >"$STATE/$name.cmd"
    ip netns exec "$(ns "$host")" setsid "$@" >"$STATE/$name.log" 2>&1 </dev/null &
    echo $! >"$STATE/$name.pid"
    for i in $(seq 50); do
        if nsx "$host" ss -Htln "sport = :$port" | grep -q .; then
            say "$name on $(ns "$host") port $port (pid $(cat "$STATE/$name.pid"))"
            return 0
        fi
        service_pid "$name" >/dev/null || break
        [ "$i" -lt 50 ] && sleep 0.1
    done
    echo "--- $STATE/$name.log:" >&2
    cat "$STATE/$name.log" >&2 || true
    die "$name did not start on $(ns "$host") port $port"
}

start_nginx() {
    local host=$1 dir="$STATE/nginx-$1"
    nginx_conf "$dir" "$host" "$STATE/www"
    start_service "nginx-$host" "$host" 80 nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g "daemon off;"
}

start_vsftpd() {
    local dir="$STATE/vsftpd"
    vsftpd_conf "$dir" outside
    start_service vsftpd outside 21 vsftpd "$dir/vsftpd.conf"
}

# ngircd, the IRC server of the DCC tests, on the outside host, port 6667.
start_ngircd() {
    local dir="$STATE/ngircd"
    mkdir -p "$dir"
    cat >"$dir/ngircd.conf" <<CONF
# masq lab: ngircd on $OUTSIDE in $(ns outside); generated by lab/lab.sh
[Global]
Name = irc.lab
Info = masq lab
AdminInfo1 = masq lab
AdminEMail = root@irc.lab
Listen = $OUTSIDE
Ports = 6667
MotdPhrase = masq lab
ServerUID = nobody
ServerGID = nogroup
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxNickLength = 16
[Options]
PAM = no
DNS = no
Ident = no
RequireAuthPing = no
CONF
    start_service ngircd outside 6667 ngircd -n -f "$dir/ngircd.conf"
}

start_services() {
    make_test_file
    start_nginx outside
    start_nginx far
    start_vsftpd
    start_ngircd
    start_service iperf3 outside 5201 iperf3 -s -B "$OUTSIDE" -p 5201
}

stop_service() {
    local name=$1 pid i
    if pid=$(service_pid "$name"); then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 30); do
            kill -0 "$pid" 2>/dev/null || break
            [ "$i" -eq 30 ] && kill -KILL "$pid" 2>/dev/null
            sleep 0.1
        done
        say "stopped $name (pid $pid)"
    fi
    rm -f "$STATE/$name.pid" "$STATE/$name.cmd"
}

stop_services() {
    local f
    [ -d "$STATE" ] || return 0
    for f in "$STATE"/*.pid; do
        [ -e "$f" ] || continue
        f=${f##*/}
        stop_service "${f%.pid}"
    done
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_up() {
    local mode=masq services=yes offloads=""
    while [ $# -gt 0 ]; do
        case $1 in
            --mode) mode=${2:-}; shift 2 || die "--mode needs masq or kernel" ;;
            --mode=*) mode=${1#--mode=}; shift ;;
            --host-offloads) offloads=${2:-}; shift 2 || die "--host-offloads needs default or off" ;;
            --host-offloads=*) offloads=${1#--host-offloads=}; shift ;;
            --no-services) services=no; shift ;;
            *) die "up: unknown argument '$1' (lab/lab.sh help)" ;;
        esac
    done
    case $mode in masq | kernel) ;; *) die "--mode must be masq or kernel, not '$mode'" ;; esac
    HOST_OFFLOADS=$(lab_host_offloads)
    if [ "$(lab_mode)" != down ] && [ -n "$offloads" ] && [ "$offloads" != "$HOST_OFFLOADS" ]; then
        die "the lab is up with host offloads $HOST_OFFLOADS; lab/lab.sh down first to have them $offloads"
    fi
    HOST_OFFLOADS=${offloads:-$HOST_OFFLOADS}
    case $HOST_OFFLOADS in default | off) ;; *) die "--host-offloads must be default or off, not '$HOST_OFFLOADS'" ;; esac
    need_packages "${LAB_PACKAGES[@]}"

    mkdir -p "$STATE"
    touch "$STATE/.masq-lab"
    echo "$HOST_OFFLOADS" >"$STATE/host_offloads"
    build_topology
    "gate_$mode"
    echo "$mode" >"$STATE/mode"
    [ "$services" = yes ] && start_services
    say "up in $mode mode, host offloads $HOST_OFFLOADS (prefix $PREFIX, state $STATE)"
    [ "$mode" = masq ] && say "start the gateway in $(ns gate) on in0 ($GW_IN) and out0 ($GW_OUT)"
    return 0
}

cmd_down() {
    local host pid leftover
    stop_services
    for host in "${LAB_HOSTS[@]}"; do
        ns_exists "$host" || continue
        # Anything still running inside a lab namespace was started in the lab (lab.sh exec,
        # the gateway, a test); it would keep the namespace alive, so it is ended by pid.
        leftover=$(ip netns pids "$(ns "$host")" || true)
        for pid in $leftover; do
            warn "ending pid $pid still running in $(ns "$host"): $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
            kill -TERM "$pid" 2>/dev/null || true
        done
        [ -n "$leftover" ] && sleep 0.5
        for pid in $leftover; do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$(ns "$host")"
        say "deleted namespace $(ns "$host")"
    done
    if [ -f "$STATE/.masq-lab" ]; then
        rm -rf "$STATE"
    elif [ -d "$STATE" ]; then
        warn "$STATE is not a lab state dir (no .masq-lab marker); left alone"
    fi
    say "down"
}

cmd_status() {
    local host mode name pid dev
    mode=$(lab_mode)
    echo "prefix:    $PREFIX"
    echo "state:     $STATE"
    echo "mode:      $mode"
    [ "$mode" = down ] || echo "host offloads: $(lab_host_offloads)"
    for host in "${LAB_HOSTS[@]}"; do
        ns_exists "$host" && echo "namespace: $(ns "$host")" || echo "namespace: $(ns "$host") (missing)"
    done
    [ "$mode" = down ] && return 0
    echo "gateway $(ns gate):"
    for dev in in0 out0; do
        printf '  %-5s %s ipv4: %s ipv6: %s\n' "$dev" \
            "$(ip -n "$(ns gate)" -br link show "$dev" | awk '{print $2, $3}')" \
            "$(ip -n "$(ns gate)" -4 -o addr show dev "$dev" | awk '{print $4}' | paste -sd' ' | grep . || echo none)" \
            "$([ "$(nsx gate sysctl -n "net.ipv6.conf.$dev.disable_ipv6")" = 1 ] && echo off || echo on)"
    done
    echo "  ip_forward=$(nsx gate sysctl -n net.ipv4.ip_forward)"
    echo "  ftp helper: $(cat "$STATE/ftp_helper" 2>/dev/null || echo unknown)"
    echo "services:"
    for name in nginx-outside nginx-far vsftpd iperf3 ngircd; do
        if pid=$(service_pid "$name"); then echo "  $name running (pid $pid)"; else echo "  $name not running"; fi
    done
    if [ -f "$STATE/$TEST_FILE.sha256" ]; then
        echo "test file: /$TEST_FILE ($TEST_FILE_MIB MiB) sha256 $(test_file_sha256)"
    fi
}

cmd_exec() {
    [ $# -ge 2 ] || die "usage: lab/lab.sh exec HOST CMD... (HOST: ${LAB_HOSTS[*]})"
    local host=$1
    shift
    is_lab_host "$host" || die "unknown host '$host' (one of: ${LAB_HOSTS[*]})"
    ns_exists "$host" || die "namespace $(ns "$host") does not exist; run lab/lab.sh up"
    exec ip netns exec "$(ns "$host")" "$@"
}

main() {
    local cmd=${1:-help}
    [ $# -gt 0 ] && shift
    case $cmd in
        up) need_root; cmd_up "$@" ;;
        down) need_root; cmd_down ;;
        services)
            need_root
            [ "$(lab_mode)" != down ] || die "the lab is down; run lab/lab.sh up"
            start_services
            ;;
        status) cmd_status ;;
        exec) need_root; cmd_exec "$@" ;;
        help | -h | --help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
