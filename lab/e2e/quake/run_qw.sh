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

stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

if $stop; then
    [ -f "$PIDFILE" ] || { echo "no $PIDFILE" >&2; exit 1; }
    stop_pid "$(cat "$PIDFILE")"
    rm -f "$PIDFILE"
    echo "qw on $PORT stopped"
    exit 0
fi

[ -f "$QW/id1/pak0.pak" ] && [ -e "$QW/ktx/qwprogs.so" ] ||
    { echo "$QW has no game data: run make_gamedata.sh $DIR first (ktx installed?)" >&2; exit 1; }
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "qw already running on $PORT (pid $(cat "$PIDFILE"))" >&2
    exit 1
fi
# mvdsv writes its files (demos, logs) below the game directory; cd there so that nothing lands
# elsewhere. setsid + stdin /dev/null: no terminal needed; stdbuf -oL: the log is written at once.
cd "$QW"
setsid stdbuf -oL /usr/games/mvdsv -basedir "$QW" -game ktx -port "$PORT" </dev/null >"$LOG" 2>&1 &
pid=$!
echo "$pid" >"$PIDFILE"
for _ in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "qw exited at start:" >&2
        tail -n 20 "$LOG" >&2
        rm -f "$PIDFILE"
        exit 1
    fi
    # the port must be this process's: another server may hold it (this one then stops)
    if ss -Hulnp "sport = :$PORT" 2>/dev/null | grep -q "pid=$pid," &&
        quakestat -raw , -qws "127.0.0.1:$PORT" 2>/dev/null | grep -q ',start,'; then
        echo "qw $pid ready on $PORT"
        exit 0
    fi
    sleep 0.1
done
echo "qw did not answer on $PORT within 10 s:" >&2
tail -n 20 "$LOG" >&2
stop_pid "$pid"
rm -f "$PIDFILE"
exit 1
