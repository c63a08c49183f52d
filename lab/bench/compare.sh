#!/usr/bin/env bash
# lab/bench/compare.sh KERNEL_FILE MASQ_FILE: the two result files of lab/bench/run.sh side by side,
# with masq/kernel ratios and the targets of issue 5 (throughput and connections/s >= 0.5x kernel,
# median RTT added <= 100 us).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: lab/bench/compare.sh KERNEL_FILE MASQ_FILE" >&2; exit 2; }
awk -F= '
    FNR == 1 { file++ }
    { v[file, $1] = $2 }
    END {
        printf "%-24s %12s %12s %8s  %s\n", "metric", "kernel", "masq", "ratio", "target"
        n = split("tcp_mbps udp64_pps tcp_cps rtt_median_us", keys, " ")
        for (i = 1; i <= n; i++) {
            k = keys[i]; a = v[1, k]; b = v[2, k]
            ratio = (a > 0) ? sprintf("%.2f", b / a) : "-"
            if (k == "rtt_median_us") target = sprintf("added %d us (<= 100): %s", b - a, (b - a <= 100) ? "met" : "MISSED")
            else if (k == "udp64_pps") target = ""
            else target = sprintf(">= 0.5x: %s", (a > 0 && b / a >= 0.5) ? "met" : "MISSED")
            printf "%-24s %12s %12s %8s  %s\n", k, a, b, ratio, target
        }
        # For reading the main figures: how they were reached (no targets).
        n = split("tcp_retransmits udp64_sent_pps udp64_lost_pct tcp_cps_errors tcp_cps_non2xx tcp_cps_syn_retransmits tcp_cps_retransmits tcp_cps_latency rtt_min_us rtt_p90_us steal_pct_before_cps steal_pct_cps", keys, " ")
        for (i = 1; i <= n; i++) {
            k = keys[i]
            if ((1, k) in v || (2, k) in v) printf "%-24s %12s %12s\n", k, v[1, k], v[2, k]
        }
    }' "$1" "$2"
