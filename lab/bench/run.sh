#!/usr/bin/env bash
# lab/bench/run.sh: measures the gateway the lab is running now (kernel or masq mode), from A-box to
# the outside host 203.0.113.2. Prints key=value lines (stdout; also to FILE with -o).
#   lab/bench/run.sh [-d SECONDS] [-o FILE]
#     tcp_mbps          iperf3 TCP, one stream, receiver throughput (-d seconds, default 10)
#     udp64_pps         iperf3 UDP, 64-byte payloads at -b 10G: datagrams delivered per second
#     tcp_cps           wrk, Connection: close, new TCP connections (= requests) per second
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

bench_cps() {
    local log="$TMP/wrk.log" errors
    nsx "$CLIENT" timeout $((DURATION + 20)) wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "${DURATION}s" \
        -H 'Connection: close' "http://$OUTSIDE/small.txt" >"$log" 2>&1 || die "wrk failed: $(tail -n 1 "$log")"
    emit tcp_cps "$(awk '/^Requests\/sec:/ {printf "%d", $2}' "$log")"
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
    bench_rtt
    bench_tcp
    bench_udp64
    bench_cps
}

main "$@"
