# lab/e2e/quake/server.sh: what run_nq.sh and run_qw.sh share, sourced with NAME (nq, qw),
# PORT, PIDFILE and LOG set.
# shellcheck shell=bash

# stop_pid PID: TERM, then KILL after 5 s (both servers take a second or two to go on TERM)
stop_pid() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# stop_server: stops the server of PIDFILE; exits.
stop_server() {
    [ -f "$PIDFILE" ] || { echo "no $PIDFILE" >&2; exit 1; }
    stop_pid "$(cat "$PIDFILE")"
    rm -f "$PIDFILE"
    echo "$NAME on $PORT stopped"
    exit 0
}

# refuse_if_running: exits 1 if the server of PIDFILE still runs.
refuse_if_running() {
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        echo "$NAME already running on $PORT (pid $(cat "$PIDFILE"))" >&2
        exit 1
    fi
}

# await_server PID QSTAT-TYPE: records PID in PIDFILE and waits (10 s at most) until PID holds the UDP
# port and answers quakestat QSTAT-TYPE (-qs, -qws) with map start; exits 0 then, 1 otherwise.
await_server() {
    local pid=$1 type=$2
    echo "$pid" >"$PIDFILE"
    for _ in $(seq 100); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$NAME exited at start:" >&2
            tail -n 20 "$LOG" >&2
            rm -f "$PIDFILE"
            exit 1
        fi
        # the port must be this process's: another server may hold it (this one then stops)
        if ss -Hulnp "sport = :$PORT" 2>/dev/null | grep -q "pid=$pid," &&
            quakestat -raw , "$type" "127.0.0.1:$PORT" 2>/dev/null | grep -q ',start,'; then
            echo "$NAME $pid ready on $PORT"
            exit 0
        fi
        sleep 0.1
    done
    echo "$NAME did not answer on $PORT within 10 s:" >&2
    tail -n 20 "$LOG" >&2
    stop_pid "$pid"
    rm -f "$PIDFILE"
    exit 1
}
