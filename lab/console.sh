#!/usr/bin/env bash
# lab/console.sh: runs Gogo console commands in the lab's running gateway and prints their output.
#   lab/console.sh [-t SECONDS] [-f FIFO] COMMAND...     each argument is one command line
# The gateway must have been started with a console FIFO, e.g. (./masq test and ./masq bench lab
# do this):  ip netns exec mq-gate ./masq run lab/etc --console-fifo /run/masq-lab-mq/console
# FIFO defaults to $STATE/console of the lab named by MASQ_LAB_PREFIX (lab/README.md). The shell's
# output is read from FIFO.out between two unique markers echoed before and after the commands.
# Exit status: 0; 1 a command failed (Gogo printed "gogo: ..."); 2 no console FIFO; 3 no answer
# within SECONDS (default 10).
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$LAB_DIR/lib.sh"

WAIT=10
FIFO=""

usage() {
    sed -n '2,9p' "$0" >&2
    exit 2
}

main() {
    local opt
    while getopts "t:f:h" opt; do
        case $opt in
            t) WAIT=$OPTARG ;;
            f) FIFO=$OPTARG ;;
            *) usage ;;
        esac
    done
    shift $((OPTIND - 1))
    [ $# -gt 0 ] || usage
    [[ $WAIT =~ ^[1-9][0-9]*$ ]] || { echo "console: -t takes whole seconds" >&2; exit 2; }
    FIFO=${FIFO:-$STATE/console}
    local out=$FIFO.out
    if [ ! -p "$FIFO" ] || [ ! -f "$out" ]; then
        echo "console: no console FIFO $FIFO (start the gateway with: ./masq run ETC --console-fifo $FIFO)" >&2
        exit 2
    fi

    local id payload line
    id="mqc-$$-$RANDOM$RANDOM-$(date +%s%N)"
    payload="echo @@begin-$id"$'\n'
    for line in "$@"; do
        [[ $line != *$'\n'* ]] || { echo "console: one command line per argument (no newlines)" >&2; exit 2; }
        payload+="$line"$'\n'
    done
    payload+="echo @@end-$id"$'\n'
    # One write of at most PIPE_BUF bytes is atomic: commands of two callers never interleave.
    [ ${#payload} -lt 4000 ] || { echo "console: commands too long (${#payload} bytes)" >&2; exit 2; }
    # The gateway holds the FIFO open, so the open does not block; if no gateway reads it any more,
    # the open would block forever: bounded.
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
    if ! timeout "$WAIT" bash -c 'printf "%s" "$1" >"$2"' _ "$payload" "$FIFO"; then
        echo "console: could not write to $FIFO within $WAIT s (is the gateway running?)" >&2
        exit 3
    fi

    local deadline=$((SECONDS + WAIT))
    until grep -q "@@end-$id" "$out"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "console: no answer within $WAIT s (transcript: $out)" >&2
            exit 3
        fi
        sleep 0.1
    done
    # The lines between the markers, without the "g! " prompts the shell printed before each command.
    local text
    text=$(awk -v b="@@begin-$id" -v e="@@end-$id" '
        index($0, e) { exit }
        on { sub(/^(g! )+/, ""); print }
        index($0, b) { on = 1 }' "$out")
    [ -z "$text" ] || printf '%s\n' "$text"
    if grep -qE '^(gogo|gosh): ' <<<"$text"; then
        exit 1
    fi
}

main "$@"
