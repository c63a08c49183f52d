#!/usr/bin/env bash
# lab/e2e/quake/run_nq.sh DIR [PORT [COMMAND...]]: starts the NetQuake dedicated server
# (/usr/games/quakespasm -dedicated) in the background on the game data of make_gamedata.sh DIR,
# map "start", developer mode on (so that it logs "Client ... connected", "Forged packet received").
#   lab/e2e/quake/run_nq.sh --stop DIR [PORT]   stops the server that this script started there.
# PORT defaults to 26000. Each COMMAND is one console line run before the map loads, e.g.
# 'net_messagetimeout 10'. quakespasm 0.95.1 -dedicated ignores "+cvar value" arguments, so they
# go to DIR/id1/autoexec.cfg, which this script writes at each start (the server reads it at once).
# Writes DIR/nq-PORT.log (the console, line-buffered) and DIR/nq-PORT.pid; waits until this
# process holds the UDP port and answers a CCREQ_SERVER_INFO (quakestat -qs) with map start, then
# prints "nq PID ready on PORT"; exits 1 if it does not within 10 s (the log's tail is printed
# then). HOME is set to DIR/home, so that the engine's user directory (~/.quakespasm) is made
# there and nothing else is read from the real one.
set -euo pipefail

stop=false
if [ "${1:-}" = --stop ]; then
    stop=true
    shift
fi
[ $# -ge 1 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
DIR=$(cd "$1" && pwd)
PORT=${2:-26000}
shift $(($# >= 2 ? 2 : 1))
PIDFILE=$DIR/nq-$PORT.pid
LOG=$DIR/nq-$PORT.log

NAME=nq
# shellcheck source=server.sh
. "$(dirname "${BASH_SOURCE[0]}")/server.sh"

$stop && stop_server

[ -f "$DIR/id1/progs.dat" ] && [ -f "$DIR/quakespasm.pak" ] ||
    { echo "$DIR has no game data: run make_gamedata.sh $DIR first" >&2; exit 1; }
refuse_if_running
mkdir -p "$DIR/home"
{
    echo "// written by run_nq.sh for port $PORT"
    echo "developer 1"
    echo "hostname masq-nq"
    for c in "$@"; do echo "$c"; done
    echo "map start"
} >"$DIR/id1/autoexec.cfg"
# setsid: own session, no controlling terminal; stdin /dev/null: the dedicated console reads stdin
# and takes EOF quietly; stdbuf -oL: the console goes to stdout, which is block-buffered in a file.
HOME=$DIR/home setsid stdbuf -oL /usr/games/quakespasm -dedicated 4 -basedir "$DIR" -port "$PORT" \
    </dev/null >"$LOG" 2>&1 &
await_server $! -qs
