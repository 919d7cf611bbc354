#!/usr/bin/env bash
# The production stack on one node: gunicorn (config/gunicorn_conf.py: gthread workers) serving the
# app and its static files (WhiteNoise, from collectstatic's hashed copies), the background worker and
# the scheduler; stopping one stops all. JSON logs in var/log/ (web.log, worker.log, scheduler.log).
# Settings come from the environment (docs/deployment.md); on a developer machine the keys that
# `make run` generated into var/ are used when none are set.
#   scripts/serve-prod.sh [BIND]        (default 127.0.0.1:8000; GUNICORN_WORKERS, GUNICORN_THREADS …)
set -euo pipefail
bind=${1:-${GUNICORN_BIND:-127.0.0.1:8000}}
cd "$(dirname "$0")/.."
py=.venv/bin/python
var=${DANGQUN_VAR_DIR:-var}
logs=$var/log
mkdir -p "$logs"

export DJANGO_DEBUG=0 DANGQUN_STATIC_MANIFEST=1 GUNICORN_BIND="$bind"
# Plain HTTP on this machine; behind a TLS-terminating proxy set DJANGO_SECURE=1.
export DJANGO_SECURE=${DJANGO_SECURE:-0}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
from_var() {  # NAME FILE: the variable, else the key `make run` generated
    if [ -z "${!1:-}" ] && [ -s "$var/$2" ]; then export "$1=$(cat "$var/$2")"; fi
}
from_var DJANGO_SECRET_KEY secret_key
from_var DANGQUN_FIELD_KEYS field_keys
from_var DANGQUN_HASH_KEYS hash_keys

$py manage.py migrate --noinput -v 0
$py manage.py collectstatic --noinput -v 0

pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT INT TERM

$py -m gunicorn -c config/gunicorn_conf.py config.wsgi:application >>"$logs/web.log" 2>&1 &
web=$!
pids+=("$web")
$py manage.py run_worker --queue-name default >>"$logs/worker.log" 2>&1 &
pids+=($!)
$py manage.py run_scheduler >>"$logs/scheduler.log" 2>&1 &
pids+=($!)

host=${bind%:*}
port=${bind##*:}
for _ in $(seq 1 600); do
    if ! kill -0 "$web" 2>/dev/null; then
        echo "gunicorn 未能启动,见 $logs/web.log:" >&2
        tail -n 20 "$logs/web.log" >&2
        exit 1
    fi
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
        break
    fi
    sleep 0.2
done
echo "open http://$bind/    生产模式 (gunicorn gthread; /healthz /readyz /metrics;日志在 $logs/)"
wait "$web"
