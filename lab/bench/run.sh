#!/usr/bin/env bash
# lab/bench/run.sh: measures the gateway the lab is running now (kernel or masq mode), from A-box to
# the outside host 203.0.113.2. Prints key=value lines (stdout; also to FILE with -o).
#   lab/bench/run.sh [-d SECONDS] [-o FILE]
#     tcp_mbps          iperf3 TCP, one stream, receiver throughput (-d seconds, default 10)
#     udp64_pps         iperf3 UDP, 64-byte payloads at -b 10G: datagrams delivered per second
#     tcp_cps           wrk, Connection: close, new TCP connections (= requests) per second
#                       (also: the client's SYN retransmissions, client/server retransmitted
#                       segments, wrk's mean/max request latency)
#     rtt_median_us     ping, 200 echoes 10 ms apart: median round trip
# Compare two result files with lab/bench/compare.sh KERNEL_FILE MASQ_FILE.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$LAB_DIR/lib.sh"

DURATION=10
OUT=""
TMP=""
CLIENT=abox
WRK_THREADS=${MASQ_BENCH_WRK_THREADS:-2}
WRK_CONNECTIONS=${MASQ_BENCH_WRK_CONNECTIONS:-32}
PINGS=200

die() {
    echo "bench: $*" >&2
    exit 1
}
emit() {
    echo "$1=$2"
    [ -z "$OUT" ] || echo "$1=$2" >>"$OUT"
}
# iperf3 ARGS...: a client run from A-box to the outside host; JSON in $TMP/iperf3.json.
iperf3_json() {
    local rc=0 error
    nsx "$CLIENT" timeout $((DURATION + 20)) iperf3 -c "$OUTSIDE" -t "$DURATION" -J "$@" >"$TMP/iperf3.json" || rc=$?
    # iperf3 3.12 with -J exits 0 even when it could not connect: the error is in the JSON.
    error=$(jq -r '.error // empty' "$TMP/iperf3.json" 2>/dev/null || echo "no JSON output")
    if [ "$rc" -ne 0 ] || [ -n "$error" ]; then die "iperf3 $* failed (exit $rc${error:+: $error})"; fi
}
jqr() { jq -r "$1" "$TMP/iperf3.json"; }

bench_tcp() {
    iperf3_json
    emit tcp_mbps "$(jqr '.end.sum_received.bits_per_second / 1e6 | floor')"
    emit tcp_retransmits "$(jqr '.end.sum_sent.retransmits')"
}

bench_udp64() {
    iperf3_json -u -l 64 -b 10G
    emit udp64_pps "$(jqr '.end.sum | ((.packets - .lost_packets) / .seconds) | floor')"
    emit udp64_sent_pps "$(jqr '.end.sum | (.packets / .seconds) | floor')"
    emit udp64_lost_pct "$(jqr '.end.sum.lost_percent * 100 | floor / 100')"
}

# tcp_counter HOST NAME: a TCP counter of HOST's stack so far (nstat, absolute). SYN
# retransmissions matter most in a connection test: a refused or lost SYN costs a connection 1 s.
tcp_counter() {
    nsx "$1" nstat -az "$2" | awk -v k="$2" '$1 == k { print $2 }'
}

bench_cps() {
    local log="$TMP/wrk.log" errors syn client server
    syn=$(tcp_counter "$CLIENT" TcpExtTCPSynRetrans)
    client=$(tcp_counter "$CLIENT" TcpRetransSegs)
    server=$(tcp_counter outside TcpRetransSegs)
    nsx "$CLIENT" timeout $((DURATION + 20)) wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "${DURATION}s" \
        -H 'Connection: close' "http://$OUTSIDE/small.txt" >"$log" 2>&1 || die "wrk failed: $(tail -n 1 "$log")"
    emit tcp_cps "$(awk '/^Requests\/sec:/ {printf "%d", $2}' "$log")"
    emit tcp_cps_syn_retransmits "$(($(tcp_counter "$CLIENT" TcpExtTCPSynRetrans) - syn))"
    emit tcp_cps_retransmits "$(($(tcp_counter "$CLIENT" TcpRetransSegs) - client))/$(($(tcp_counter outside TcpRetransSegs) - server))"
    emit tcp_cps_latency "$(awk '$1 == "Latency" {print $2 "/" $4}' "$log")"
    # "Socket errors: connect 0, read 0, write 0, timeout 0" appears only when there were errors.
    errors=$(awk '/Socket errors:/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n + 0 }' "$log")
    emit tcp_cps_errors "${errors:-0}"
    emit tcp_cps_non2xx "$(awk '/Non-2xx/ {print $NF}' "$log" | grep . || echo 0)"
}

bench_rtt() {
    local log="$TMP/ping.log"
    nsx "$CLIENT" timeout 60 ping -n -c "$PINGS" -i 0.01 -W 1 "$OUTSIDE" >"$log" 2>&1 || die "ping failed: $(tail -n 2 "$log")"
    sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' "$log" | sort -n >"$TMP/rtt"
    emit rtt_samples "$(wc -l <"$TMP/rtt")"
    emit rtt_median_us "$(percentile 50)"
    emit rtt_min_us "$(percentile 0)"
    emit rtt_p90_us "$(percentile 90)"
}
# percentile P: from the sorted RTTs in ms, in microseconds (nearest rank).
percentile() {
    awk -v p="$1" '{ v[NR] = $1 } END { i = int(p / 100 * NR + 0.5); if (i < 1) i = 1; if (i > NR) i = NR;
        printf "%d", v[i] * 1000 }' "$TMP/rtt"
}

# cpu_times: "total steal" jiffies of all CPUs so far (/proc/stat).
cpu_times() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9 }' /proc/stat; }

# emit_steal KEY BEFORE: the share of CPU time the hypervisor took from this VM since BEFORE (a
# noisy host shows here: a wake-up of a descheduled vCPU can take milliseconds).
emit_steal() {
    local now
    now=$(cpu_times)
    emit "$1" "$(echo "$2 $now" | awk '{ d = $3 - $1; printf "%.1f", (d > 0 ? 100 * ($4 - $2) / d : 0) }')"
}

cleanup() { [ -n "$TMP" ] && rm -rf "$TMP"; }

main() {
    while getopts "d:o:h" opt; do
        case $opt in
            d) DURATION=$OPTARG ;;
            o) OUT=$OPTARG ;;
            *) sed -n '2,10p' "$0"; exit 2 ;;
        esac
    done
    [[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "-d takes whole seconds"
    need_root
    local mode
    mode=$(lab_mode)
    [ "$mode" != down ] || die "the lab is down; run lab/lab.sh up --mode kernel|masq (and the gateway)"
    [ -z "$OUT" ] || : >"$OUT"
    TMP=$(mktemp -d "$STATE/bench.XXXXXX")
    trap cleanup EXIT

    emit mode "$mode"
    emit prefix "$PREFIX"
    emit cores "$(nproc)"
    emit kernel "$(uname -r)"
    emit date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    emit duration_s "$DURATION"
    # Short tests first, as a warm-up, in an order that leaves no test's tail in the next one.
    local t
    t=$(cpu_times)
    bench_rtt
    bench_tcp
    bench_udp64
    emit_steal steal_pct_before_cps "$t"
    t=$(cpu_times)
    bench_cps
    emit_steal steal_pct_cps "$t"
}

main "$@"
