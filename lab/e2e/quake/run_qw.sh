#!/usr/bin/env bash
# lab/e2e/quake/run_qw.sh DIR [PORT]: starts the QuakeWorld server (/usr/games/mvdsv with the ktx
# game library) in the background on the data of make_gamedata.sh DIR (DIR/quakeworld), map start.
#   lab/e2e/quake/run_qw.sh --stop DIR [PORT]   stops the server that this script started there.
# PORT defaults to 27500. Writes DIR/qw-PORT.log (the console, timestamped by mvdsv) and
# DIR/qw-PORT.pid; waits until this process holds the UDP port and answers a status query
# (quakestat -qws) with map start, then prints "qw PID ready on PORT"; exits 1 if it does not
# within 10 s (the log's tail is printed then).
set -euo pipefail

stop=false
if [ "${1:-}" = --stop ]; then
    stop=true
    shift
fi
[ $# -ge 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
DIR=$(cd "$1" && pwd)
PORT=${2:-27500}
PIDFILE=$DIR/qw-$PORT.pid
LOG=$DIR/qw-$PORT.log
QW=$DIR/quakeworld

NAME=qw
# shellcheck source=server.sh
. "$(dirname "${BASH_SOURCE[0]}")/server.sh"

$stop && stop_server

[ -f "$QW/id1/pak0.pak" ] && [ -e "$QW/ktx/qwprogs.so" ] ||
    { echo "$QW has no game data: run make_gamedata.sh $DIR first (ktx installed?)" >&2; exit 1; }
refuse_if_running
# mvdsv writes its files (demos, logs) below the game directory; cd there so that nothing lands
# elsewhere. setsid + stdin /dev/null: no terminal needed; stdbuf -oL: the log is written at once.
cd "$QW"
setsid stdbuf -oL /usr/games/mvdsv -basedir "$QW" -game ktx -port "$PORT" </dev/null >"$LOG" 2>&1 &
await_server $! -qws
