# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this
# lab/lib.sh: names, addresses and small helpers shared by lab.sh, e2e/run.sh and bench/run.sh.
# Sourced, never run. Everything the lab creates carries PREFIX so that two labs never clash.

PREFIX=${MASQ_LAB_PREFIX:-mq-}
if ! [[ $PREFIX =~ ^[a-z0-9][a-z0-9-]{0,11}$ ]]; then
    echo "lab: MASQ_LAB_PREFIX must be 1-12 characters of a-z, 0-9 and '-' (got '$PREFIX')" >&2
    exit 2
fi
# The state dir holds the mode, the pids of the services the lab started, their configs and logs,
# and the test file. One per prefix.
STATE=${MASQ_LAB_STATE:-/run/masq-lab-${PREFIX%-}}

# Hosts of the picture; each is the network namespace ${PREFIX}<host>.
#   lan, wan   the two bridged segments (a bridge br0 in its own namespace)
#   abox bbox cbox   the inside hosts;  gate   the masquerading gateway (in0, out0)
#   outside    203.0.113.2 on the WAN;  router 203.0.113.254 / 198.51.100.1;  far 198.51.100.10
LAB_HOSTS=(lan wan abox bbox cbox gate outside router far)
INSIDE_HOSTS=(abox bbox cbox)

LAN_NET=192.168.0.0/24
WAN_NET=203.0.113.0/24
FAR_NET=198.51.100.0/24
GW_IN=192.168.0.1
GW_OUT=203.0.113.1
OUTSIDE=203.0.113.2
ROUTER=203.0.113.254
ROUTER_FAR=198.51.100.1
FAR=198.51.100.10
declare -A HOST_ADDR=([abox]=192.168.0.2 [bbox]=192.168.0.3 [cbox]=192.168.0.4
    [outside]=$OUTSIDE [router]=$ROUTER [far]=$FAR)

# The file every server offers (HTTP on outside and far, FTP on outside) and its sha256.
TEST_FILE=test.bin
TEST_FILE_MIB=${MASQ_LAB_FILE_MIB:-10}

ns() { printf '%s%s\n' "$PREFIX" "$1"; }
ns_exists() { [ -e "/run/netns/$(ns "$1")" ]; }
# Runs a command in a lab host's namespace: nsx HOST CMD...
nsx() {
    local host=$1
    shift
    ip netns exec "$(ns "$host")" "$@"
}

is_lab_host() {
    local h
    for h in "${LAB_HOSTS[@]}"; do [ "$h" = "$1" ] && return 0; done
    return 1
}

# The mode the lab is in (masq|kernel), or "down".
lab_mode() {
    if [ -f "$STATE/mode" ] && ns_exists gate; then cat "$STATE/mode"; else echo down; fi
}

# The hosts' offloads (default|off) the lab was built with; "default" for a lab that is down.
lab_host_offloads() {
    if [ "$(lab_mode)" != down ] && [ -f "$STATE/host_offloads" ]; then cat "$STATE/host_offloads"; else echo default; fi
}

test_file_sha256() { cat "$STATE/$TEST_FILE.sha256"; }

need_root() {
    [ "$(id -u)" -eq 0 ] || { echo "${0##*/}: needs root (network namespaces)" >&2; exit 1; }
}

# Installs Debian packages that are missing (as root, with apt-get).
need_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "lab: installing ${missing[*]}" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; then
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    fi
}
LAB_PACKAGES=(iproute2 ethtool iptables procps nginx vsftpd iperf3 curl lftp traceroute iputils-ping
    wrk tcpdump jq coreutils ngircd irssi tmux python3 gstreamer1.0-tools gstreamer1.0-plugins-base
    gstreamer1.0-plugins-good gir1.2-gst-rtsp-server-1.0 python3-gi
    quakespasm fteqcc qstat mvdsv ktx)
