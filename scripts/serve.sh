#!/usr/bin/env bash
# Serve the platform with its background worker beside it; stopping one stops both.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
cd "$(dirname "$0")/.."
py=.venv/bin/python
$py manage.py run_worker --queue-name default &
worker=$!
$py manage.py run_scheduler &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
echo "党群一张网: http://$host:$port/  (后台任务 pid $worker, 定时调度 pid $scheduler)"
$py manage.py runserver "$host:$port" --noreload
