#!/usr/bin/env bash
# Serve the platform with its background worker and scheduler beside it; stopping one stops all.
# Their output goes to var/log/ (web.log, worker.log, scheduler.log), not to the terminal: the terminal
# shows one "open http://…" line once the server answers, and the log files' paths.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
cd "$(dirname "$0")/.."
py=.venv/bin/python
logs=var/log
mkdir -p "$logs"

pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# The demo server keeps its demo alive (dangqun.demo.jobs.demo_tick) unless told otherwise.
export DANGQUN_DEMO_TICK=${DANGQUN_DEMO_TICK:-1}

# The server first (the one line to open as soon as it answers; its checks ran in `make test`), then
# the worker and, in the background, the rest of the demo's year and the scheduler.
$py manage.py runserver "$host:$port" --noreload --skip-checks >>"$logs/web.log" 2>&1 &
web=$!
pids+=("$web")

# Wait until the server answers (or died), then say where it is.
for _ in $(seq 1 600); do
    if ! kill -0 "$web" 2>/dev/null; then
        echo "服务器未能启动,见 $logs/web.log:" >&2
        tail -n 20 "$logs/web.log" >&2
        exit 1
    fi
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
        break
    fi
    sleep 0.2
done
echo
echo "open http://$host:$port/    党群一张网已启动 (日志在 $logs/: web.log worker.log scheduler.log;Ctrl-C 停止)"

# The worker, started again should it stop (db_worker exits on a database error, e.g. SQLite's busy
# timeout while a long write holds the lock).
(
    child=
    trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM INT
    while true; do
        $py manage.py run_worker --queue-name default >>"$logs/worker.log" 2>&1 &
        child=$!
        wait "$child" || true
        echo "$(date -u +%FT%TZ) worker stopped; starting it again" >>"$logs/worker.log"
        sleep 2
    done
) &
pids+=($!)
# The rest of the demo's year when `seed_demo --history later` left it pending (returns at once
# otherwise), then the scheduler: its jobs (the overdue sweep at the real time, the living demo's
# ticks) must not run over a past that is still being written.
(
    child=
    trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM INT
    $py manage.py seed_demo --play-history >>"$logs/seed-history.log" 2>&1 &
    child=$!
    if wait "$child" && tail -n 60 "$logs/seed-history.log" | grep -q "已补齐"; then
        echo "演示区全年的诉求已在后台补齐 (见 $logs/seed-history.log)"
    fi
    $py manage.py run_scheduler >>"$logs/scheduler.log" 2>&1 &
    child=$!
    wait "$child"
) &
pids+=($!)
wait "$web"
